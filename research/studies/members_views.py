"""The study team: invite colleagues, change roles, remove members."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from research.exceptions import DomainError
from research.extensions import db
from research.forms import show_domain_error
from research.mail import send_mail
from research.models import Invitation, StudyMember
from research.studies import bp, services
from research.studies.access import load_study
from research.studies.forms import ConfirmForm, InviteForm, RoleForm


def _member_of(study, member_id):
    member = db.session.get(StudyMember, member_id)
    if member is None or member.study_id != study.id:
        abort(404)
    return member


@bp.route("/<int:study_id>/team")
@login_required
def team(study_id):
    study, role = load_study(study_id)
    return render_template("studies/team.html", study=study, role=role, invite_form=InviteForm(),
                           role_form=RoleForm(), confirm=ConfirmForm(),
                           invitations=services.pending_invitations(study) if role == "owner"
                           else [])


@bp.route("/<int:study_id>/team/invite", methods=["POST"])
@login_required
def invite(study_id):
    study, role = load_study(study_id, "owner")
    form = InviteForm()
    if form.validate_on_submit():
        try:
            result, token = services.invite_member(study, form.email.data, form.role.data,
                                                   current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if token is None:
                flash(_("%(name)s joined the study.", name=result.user.name), "success")
                return redirect(url_for("studies.team", study_id=study.id))
            return _invitation_created(study, result, token)
    return render_template("studies/team.html", study=study, role=role, invite_form=form,
                           role_form=RoleForm(), confirm=ConfirmForm(),
                           invitations=services.pending_invitations(study)), 422


def _invitation_created(study, invitation, token):
    """Show the link once (only its hash is stored) and mail it when mail is set up."""
    link = url_for("auth.invitation", token=token, _external=True)
    body = _("%(inviter)s invites you to the study \"%(study)s\" in Anketa.\n\n"
             "Open this link to join: %(link)s\n\nThe link is valid until %(date)s.",
             inviter=current_user.name, study=study.title, link=link,
             date=invitation.expires_at.strftime("%Y-%m-%d"))
    try:
        mailed = send_mail(invitation.email, _("Invitation to a study in Anketa"), body)
    except OSError:
        mailed = False
        flash(_("The invitation e-mail could not be sent; give the link to your colleague."),
              "error")
    return render_template("studies/invitation_created.html", study=study,
                           invitation=invitation, link=link, mailed=mailed)


@bp.route("/<int:study_id>/team/<int:member_id>/role", methods=["POST"])
@login_required
def change_role(study_id, member_id):
    study, _role = load_study(study_id, "owner")
    member = _member_of(study, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
        return redirect(url_for("studies.team", study_id=study.id))
    try:
        services.change_role(study, member, form.role.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Role changed."), "success")
    return redirect(url_for("studies.team", study_id=study.id))


@bp.route("/<int:study_id>/team/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(study_id, member_id):
    study, _role = load_study(study_id, "owner")
    member = _member_of(study, member_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_member(study, member)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Member removed from the study."), "success")
    return redirect(url_for("studies.team", study_id=study.id))


@bp.route("/<int:study_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(study_id, invitation_id):
    study, _role = load_study(study_id, "owner")
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.study_id != study.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.revoke_invitation(study, invitation)
        db.session.commit()
        flash(_("Invitation revoked."), "success")
    return redirect(url_for("studies.team", study_id=study.id))
