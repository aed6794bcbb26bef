"""Fieldwork pages: status, access settings, open/close, personal links."""
import csv
import io

from flask import Response as HttpResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from research.exceptions import DomainError
from research.extensions import db
from research.forms import show_domain_error
from research.studies.forms import ConfirmForm
from surveys.fieldwork import bp, services
from surveys.fieldwork.forms import AccessForm, LinksForm, as_utc
from surveys.manage.views import load_survey
from surveys.models import RespondentInvitation

LINKS_PER_PAGE = 100


def settings_url(study, survey):
    return url_for("fieldwork.settings", study_id=study.id, survey_id=survey.id)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings(study_id, survey_id):
    """Open link, access password, automatic closing, abandonment; open and close."""
    study, survey, role = load_survey(study_id, survey_id, "viewer")
    form = AccessForm(obj=survey if request.method == "GET" else None)
    if request.method == "GET" and survey.closes_at is not None:
        form.closes_at.data = survey.closes_at.replace(tzinfo=None)
    if form.validate_on_submit():
        load_survey(study_id, survey_id, "editor")
        services.update_access(
            survey, open_link=form.open_link.data, closes_at=as_utc(form.closes_at.data),
            max_completes=form.max_completes.data,
            abandon_after_minutes=form.abandon_after_minutes.data,
            password=form.password.data or None, clear_password=form.clear_password.data)
        db.session.commit()
        flash(_("Fieldwork settings saved."), "success")
        return redirect(settings_url(study, survey))
    open_url = (url_for("collect.open_link", key=survey.public_key, _external=True)
                if survey.public_key else None)
    return render_template("fieldwork/settings.html", study=study, survey=survey, role=role,
                           form=form, confirm=ConfirmForm(), open_url=open_url)


def _change_status(study_id, survey_id, change, done_message):
    """Apply ``change(survey)`` (open or close fieldwork) from a confirmed button."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    if ConfirmForm().validate_on_submit():
        try:
            change(survey)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done_message(), "success")
    return redirect(settings_url(study, survey))


@bp.route("/open", methods=["POST"])
@login_required
def open_survey(study_id, survey_id):
    """Start or resume collecting answers."""
    return _change_status(study_id, survey_id, services.open_fieldwork,
                          lambda: _("Fieldwork is open: the links take answers."))


@bp.route("/close", methods=["POST"])
@login_required
def close_survey(study_id, survey_id):
    """Stop collecting answers."""
    return _change_status(study_id, survey_id, services.close_fieldwork,
                          lambda: _("Fieldwork is closed: the links show a closed page."))


@bp.route("/links", methods=["GET", "POST"])
@login_required
def links(study_id, survey_id):
    """Personal links: the list, and new links (downloaded once as CSV; only hashes stay)."""
    study, survey, role = load_survey(study_id, survey_id, "viewer")
    form = LinksForm()
    if form.validate_on_submit():
        load_survey(study_id, survey_id, "editor")
        try:
            made = services.create_invitations(
                survey, current_user, form.label_list(), valid_from=as_utc(form.valid_from.data),
                valid_until=as_utc(form.valid_until.data), max_uses=form.max_uses.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            return _links_csv(survey, made)
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count(RespondentInvitation.id)).where(
        RespondentInvitation.survey_id == survey.id))
    rows = db.session.scalars(
        select(RespondentInvitation).where(RespondentInvitation.survey_id == survey.id)
        .order_by(RespondentInvitation.id.desc()).limit(LINKS_PER_PAGE)
        .offset((page - 1) * LINKS_PER_PAGE)).all()
    return render_template("fieldwork/links.html", study=study, survey=survey, role=role,
                           form=form, invitations=rows, total=total, page=page,
                           pages=max(1, -(-total // LINKS_PER_PAGE)))


def spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (= + - @, tab, CR)."""
    return "'" + value if value and value[0] in "=+-@\t\r" else value


def _links_csv(survey, made):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "respondent", "link", "valid_from", "valid_until", "max_uses"])
    for invitation, token in made:
        writer.writerow([invitation.id, spreadsheet_safe(invitation.label),
                         url_for("collect.personal_link", token=token, _external=True),
                         invitation.valid_from.isoformat() if invitation.valid_from else "",
                         invitation.valid_until.isoformat() if invitation.valid_until else "",
                         invitation.max_uses])
    filename = f"survey-{survey.id}-links-{made[0][0].id}.csv"
    return HttpResponse("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 "Cache-Control": "no-store"})
