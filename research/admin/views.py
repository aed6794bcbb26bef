from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Email, Length

from research.admin import admin_required, bp
from research.auth import services as account_services
from research.exceptions import DomainError
from research.extensions import db
from research.forms import strip
from research.models import User
from research.models.users import EMAIL_MAX
from research.studies.forms import ConfirmForm


class RegistrationModeForm(FlaskForm):
    mode = SelectField(_l("Registration"), choices=[
        ("open", _l("Open: anyone can register")),
        ("invite", _l("Invite-only: registration needs an invitation link"))])


class AccountInvitationForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[
        DataRequired(), Length(max=EMAIL_MAX), Email(check_deliverability=False)])


@bp.route("/users")
@admin_required
def users():
    accounts = db.session.scalars(select(User).order_by(User.id)).all()
    mode_form = RegistrationModeForm(mode=account_services.registration_mode())
    return render_template("admin/users.html", users=accounts, mode_form=mode_form,
                           invite_form=AccountInvitationForm(), confirm=ConfirmForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def toggle_active(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            account_services.set_active(current_user, user, not user.active)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Account activated.") if user.active else _("Account deactivated."),
                  "success")
    return redirect(url_for("admin.users"))


@bp.route("/registration", methods=["POST"])
@admin_required
def registration():
    form = RegistrationModeForm()
    if form.validate_on_submit():
        account_services.set_registration_mode(form.mode.data)
        db.session.commit()
        flash(_("Registration setting saved."), "success")
    else:
        flash(_("Choose a valid registration setting."), "error")
    return redirect(url_for("admin.users"))


@bp.route("/invitations", methods=["POST"])
@admin_required
def invite():
    """Create a registration link for someone (needed in invite-only mode)."""
    form = AccountInvitationForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid e-mail address."), "error")
        return redirect(url_for("admin.users"))
    invitation, token = account_services.create_invitation(form.email.data, current_user)
    db.session.commit()
    link = url_for("auth.invitation", token=token, _external=True)
    return render_template("admin/invitation_created.html", invitation=invitation, link=link)
