"""Job pages: start an export, follow a job, cancel, retry, download; the export audit."""
from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user, login_required
from sqlalchemy import select

from research.extensions import db
from research.jobs import bp, services
from research.jobs.forms import ConfirmForm, ExportForm
from research.jobs.queue import enqueue
from research.jobs.cleanup import STALE_MESSAGE
from research.jobs.raw_export import LOADING, NO_DATA, WRITING
from research.jobs.registry import NOT_RETRYABLE
from research.jobs.runner import INTERNAL_ERROR, result_path
from research.models import ExportRecord, Job, User, WeightScheme
from research.studies.access import load_study
from surveys.manage.views import load_survey
from surveys.models import Survey

#: The fixed messages jobs store (in English), shown in the reader's language.
KNOWN_MESSAGES = {
    LOADING: _l("Loading responses"),
    WRITING: _l("Writing the file"),
    NO_DATA: _l("The survey has no published questionnaire, so there is no data."),
    INTERNAL_ERROR: _l("The job failed because of an internal error; it has been logged."),
    STALE_MESSAGE: _l("The worker running this job stopped responding (it may have been "
                      "restarted). Use Retry to run the job again."),
}


@dataclass(frozen=True)
class KindPage:
    """How the job page presents a kind that is not an export (packages add their kinds)."""

    #: The page's heading, with ``%(id)s``.
    title: object
    #: The button to the survey a job of this kind created.
    result_label: object = None
    #: Where a job that cannot be retried is started afresh (an endpoint taking ``study_id``).
    again_endpoint: str | None = None
    again_label: object = None
    #: The survey page the breadcrumb leads back to (an endpoint taking both ids) and its name.
    back_endpoint: str = "jobs.export"
    back_label: object = _l("Export")


EXPORT_PAGE = KindPage(_l("Export job %(id)s"))
#: ``kind -> KindPage``; kinds not listed are shown as exports.
KIND_PAGES = {}


def _message(job):
    return str(KNOWN_MESSAGES.get(job.message, job.message))


def _result_url(job):
    """The survey a finished job created (an import), or None (exports offer a file)."""
    if job.status == "succeeded" and job.result_file is None and job.survey_id is not None \
            and job.kind in KIND_PAGES:
        return url_for("surveys.show", study_id=job.study_id, survey_id=job.survey_id)
    return None


def _load_job(job_id, needed_role="editor"):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    study, _role = load_study(job.study_id, needed_role)
    return job, study


def _status_text(job):
    # "Finished" is also a column of the interviews list (a time), hence the context.
    return {"queued": _("Queued"), "running": _("Running"),
            "succeeded": pgettext("job status", "Finished"), "failed": _("Failed"),
            "cancelled": _("Cancelled")}[job.status]


@bp.route("/studies/<int:study_id>/surveys/<int:survey_id>/analysis/export",
          methods=["GET", "POST"], endpoint="export")
@login_required
def export(study_id, survey_id):
    """The export form; a valid POST starts a ``raw_export`` job and shows its page."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    weights = db.session.scalars(select(WeightScheme.name).where(
        WeightScheme.survey_id == survey.id).order_by(WeightScheme.name)).all()
    form = ExportForm(weights)
    if form.validate_on_submit():
        job = services.create_job(study.id, survey.id, "raw_export",
                                  form.parameters(str(get_locale())),
                                  current_user)
        db.session.commit()
        enqueue(job)
        return redirect(url_for("jobs.show", job_id=job.id))
    status = 422 if form.is_submitted() else 200
    return render_template("jobs/export.html", study=study, survey=survey, form=form), status


@bp.route("/jobs/<int:job_id>", endpoint="show")
@login_required
def show(job_id):
    """The job's progress (refreshes itself without JavaScript while it runs)."""
    job, study = _load_job(job_id)
    page = KIND_PAGES.get(job.kind, EXPORT_PAGE)
    return render_template("jobs/job.html", job=job, study=study, status=_status_text(job),
                           message=_message(job), form=ConfirmForm(), page=page,
                           title=str(page.title) % {"id": job.id},
                           result_url=_result_url(job),
                           can_retry=job.kind not in NOT_RETRYABLE)


@bp.route("/jobs/<int:job_id>/status.json", endpoint="status")
@login_required
def status(job_id):
    """The job's state for the page's polling script."""
    job, _study = _load_job(job_id)
    return jsonify(id=job.id, status=job.status, status_text=_status_text(job),
                   progress=job.progress, message=_message(job), finished=job.is_finished,
                   download_url=url_for("jobs.download", job_id=job.id)
                   if job.is_downloadable() else None, result_url=_result_url(job))


@bp.route("/jobs/<int:job_id>/cancel", methods=["POST"], endpoint="cancel")
@login_required
def cancel(job_id):
    job, _study = _load_job(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.request_cancel(job)
    db.session.commit()
    flash(_("Cancellation requested."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"], endpoint="retry")
@login_required
def retry(job_id):
    """Run the job again with the same parameters, as a new job."""
    job, _study = _load_job(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if job.status not in ("failed", "cancelled") or job.kind in NOT_RETRYABLE:
        abort(409)
    new_job = services.retry(job, current_user)
    db.session.commit()
    enqueue(new_job)
    return redirect(url_for("jobs.show", job_id=new_job.id))


@bp.route("/jobs/<int:job_id>/download", endpoint="download")
@login_required
def download(job_id):
    """The finished file; 404 before it is ready, after it expired or once cleaned up."""
    job, _study = _load_job(job_id)
    path = result_path(job) if job.is_downloadable() else None
    if path is None:
        abort(404)
    try:
        return send_file(path, as_attachment=True, download_name=job.download_name or "export",
                         max_age=0)
    except FileNotFoundError:
        abort(404)


@bp.route("/studies/<int:study_id>/exports", endpoint="audit")
@login_required
def audit(study_id):
    """Who exported respondent-level data of this study, and how (owners only)."""
    study, _role = load_study(study_id, "owner")
    rows = db.session.execute(
        select(ExportRecord, User, Survey.title)
        .outerjoin(User, ExportRecord.user_id == User.id)
        .outerjoin(Survey, ExportRecord.survey_id == Survey.id)
        .where(ExportRecord.study_id == study.id)
        .order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc()).limit(500)).all()
    return render_template("jobs/audit.html", study=study, rows=rows)
