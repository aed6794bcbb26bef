"""Quota pages: cells with targets, counts, overshoot and over-quota endings."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from research.exceptions import DomainError
from research.extensions import db
from research.forms import show_domain_error
from research.studies.forms import ConfirmForm
from surveys.fieldwork import bp, quotas
from surveys.fieldwork.forms import QuotaForm
from surveys.manage.views import load_survey
from surveys.models import Quota

TARGET_MAX = 10_000_000


def _quota(survey, quota_id):
    quota = db.session.get(Quota, quota_id)
    if quota is None or quota.survey_id != survey.id:
        abort(404)
    return quota


def quotas_url(study, survey):
    return url_for("fieldwork.quota_list", study_id=study.id, survey_id=survey.id)


@bp.route("/quotas", methods=["GET", "POST"])
@login_required
def quota_list(study_id, survey_id):
    """The survey's quotas; a new quota crossed from closed variables."""
    study, survey, role = load_survey(study_id, survey_id, "viewer")
    form = QuotaForm()
    if form.validate_on_submit():
        load_survey(study_id, survey_id, "editor")
        names = [name.strip() for name in form.variables.data.replace("×", ",").split(",")
                 if name.strip()]
        try:
            quotas.create_quota(survey, form.name.data, names, form.default_target.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Quota created."), "success")
            return redirect(quotas_url(study, survey))
    all_quotas = db.session.scalars(db.select(Quota).where(Quota.survey_id == survey.id)
                                    .order_by(Quota.id)).all()
    return render_template("fieldwork/quotas.html", study=study, survey=survey, role=role,
                           form=form, quotas=all_quotas, confirm=ConfirmForm(),
                           over=quotas.over_quota_counts(survey.id),
                           variables=quotas.closed_variables(survey))


@bp.route("/quotas/<int:quota_id>/targets", methods=["POST"])
@login_required
def quota_targets(study_id, survey_id, quota_id):
    """Change the targets of a quota's cells (``target-<cell id>`` fields)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    quota = _quota(survey, quota_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    targets, bad = {}, []
    for cell in quota.cells:
        raw = (request.form.get(f"target-{cell.id}") or "").strip()
        if raw.isdigit() and int(raw) <= TARGET_MAX:
            targets[cell.id] = int(raw)
        else:
            bad.append(cell.label)
    if bad:
        flash(_("Targets are whole numbers from 0; not saved (check %(cells)s).",
                cells=", ".join(bad)), "error")
    else:
        quotas.set_targets(quota, targets)
        db.session.commit()
        flash(_("Targets saved."), "success")
    return redirect(quotas_url(study, survey))


@bp.route("/quotas/<int:quota_id>/cells", methods=["POST"])
@login_required
def quota_add_cell(study_id, survey_id, quota_id):
    """Add a cell with its own condition (expression language)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    quota = _quota(survey, quota_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    label = (request.form.get("label") or "").strip()[:200]
    condition = (request.form.get("condition") or "").strip()
    target = (request.form.get("target") or "").strip()
    if not label or not condition or not target.isdigit() or int(target) > TARGET_MAX:
        flash(_("A cell needs a label, a condition and a whole-number target."), "error")
        return redirect(quotas_url(study, survey))
    try:
        quotas.add_cell(quota, label, condition, int(target))
    except DomainError as error:
        db.session.rollback()
        flash(_("The condition is not valid: %(problem)s", problem=error.message), "error")
    else:
        db.session.commit()
        flash(_("Cell added."), "success")
    return redirect(quotas_url(study, survey))


@bp.route("/quotas/<int:quota_id>/active", methods=["POST"])
@login_required
def quota_toggle(study_id, survey_id, quota_id):
    """Switch a quota on or off (an inactive quota never closes a cell)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    quota = _quota(survey, quota_id)
    if ConfirmForm().validate_on_submit():
        quota.is_active = not quota.is_active
        db.session.commit()
    return redirect(quotas_url(study, survey))


@bp.route("/quotas/<int:quota_id>/delete", methods=["POST"])
@login_required
def quota_delete(study_id, survey_id, quota_id):
    """Delete a quota (answers stay; over-quota interviews keep their status)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    quota = _quota(survey, quota_id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(quota)
        db.session.commit()
        flash(_("Quota deleted."), "success")
    return redirect(quotas_url(study, survey))
