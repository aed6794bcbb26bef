"""Account pages. Views validate, call a service, commit once, redirect."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from research.auth import bp, services
from research.auth.forms import LoginForm, PasswordChangeForm, RegisterForm
from research.exceptions import DomainError
from research.extensions import db
from research.forms import show_domain_error
from research.http import safe_next_url


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account (open registration, or with an invitation link)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    token = form.invitation.data or request.args.get("invitation", "")
    invitation = services.find_invitation(token)
    if token and invitation is None:
        abort(404)
    if request.method == "GET" and invitation is not None:
        form.invitation.data = token
        form.email.data = invitation.email
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.name.data, form.password.data,
                                          invitation=invitation)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Anketa, %(name)s.", name=user.name), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/register.html", form=form, invitation=invitation,
                           mode=services.registration_mode())


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            # One message for unknown e-mail, wrong password and deactivated
            # accounts, so the form does not reveal who has an account.
            form.form_errors.append(_("The e-mail or password is not correct."))
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url())
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/", methods=["GET", "POST"])
@login_required
def account():
    """The user's own settings: password and interface language."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token):
    """Landing page of an invitation link: register, or join with this account."""
    found = services.find_invitation(token)
    if found is None:
        abort(404)
    if not current_user.is_authenticated:
        if services.user_by_email(found.email) is not None:
            flash(_("Log in to accept the invitation."), "info")
            return redirect(url_for("auth.login", next=request.path))
        return redirect(url_for("auth.register", invitation=token))
    if request.method == "POST":
        try:
            services.accept_invitation(found, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("main.dashboard"))
        db.session.commit()
        flash(_("You have joined the study."), "success")
        if found.study_id:
            return redirect(url_for("studies.show", study_id=found.study_id))
        return redirect(url_for("main.dashboard"))
    return render_template("auth/invitation.html", invitation=found)
