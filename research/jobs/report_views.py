"""Pages that start report jobs: the report form, and "download this table" on the builder."""
from flask import redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from research.extensions import db
from research.jobs import bp, services
from research.jobs.queue import enqueue
from research.jobs.report_forms import ReportForm
from research.models import SavedTable
from research.reports.table_forms import TableFileForm, TableForm
from research.reports.services import banner_choices, row_choices
from research.reports.views_support import survey_data


def _start(study, survey, parameters):
    job = services.create_job(study.id, survey.id, "report_export", parameters, current_user)
    db.session.commit()
    enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/studies/<int:study_id>/surveys/<int:survey_id>/analysis/report",
          methods=["GET", "POST"], endpoint="report")
@login_required
def report(study_id, survey_id):
    """The report form; a valid POST starts a ``report_export`` job and shows its page."""
    study, survey, _role, data = survey_data(study_id, survey_id, "editor")
    saved = db.session.scalars(select(SavedTable).where(SavedTable.survey_id == survey.id)
                               .order_by(SavedTable.name)).all()
    form = ReportForm(data.weights, saved)
    if form.validate_on_submit():
        return _start(study, survey, form.parameters(str(get_locale())))
    status = 422 if form.is_submitted() else 200
    return render_template("jobs/report.html", study=study, survey=survey, form=form,
                           saved=saved), status


@bp.route("/studies/<int:study_id>/surveys/<int:survey_id>/analysis/tables/file",
          methods=["POST"], endpoint="table_file")
@login_required
def table_file(study_id, survey_id):
    """The builder's table (defined by the query string) as XLSX, PPTX or PDF, in a job."""
    study, survey, _role, data = survey_data(study_id, survey_id, "editor")
    table_form = TableForm(request.args, row_choices=row_choices(data.dataset),
                           banner_choices=banner_choices(data.dataset), weights=data.weights,
                           meta={"csrf": False})
    form = TableFileForm()
    if not form.validate_on_submit() or not table_form.validate():
        return render_template("jobs/table_file_error.html", study=study, survey=survey,
                               problems=_problems(form, table_form),
                               back=_back_to_table(study, survey)), 422
    parameters = {"format": form.format.data, "spec": table_form.spec(),
                  "name": form.name.data or _("Banner table"), "toplines": False,
                  "locale": str(get_locale())}
    return _start(study, survey, parameters)


def _back_to_table(study, survey) -> str:
    """The builder with the posted table's query (keys url_for itself reads are dropped)."""
    query = {key: values for key, values in request.args.to_dict(False).items()
             if key not in ("study_id", "survey_id") and not key.startswith("_")}
    return url_for("reports.tables", study_id=study.id, survey_id=survey.id, **query)


def _problems(*forms) -> list:
    problems = []
    for form in forms:
        for name, errors in form.errors.items():
            if name == "csrf_token":
                problems.append(_("The form expired. Please send it again."))
                continue
            label = form[name].label.text if name in form else name
            problems.extend(f"{label}: {error}" for error in errors)
    return problems


# The report job's progress notes, shown in the reader's language on the job page.
from flask_babel import lazy_gettext as _l  # noqa: E402
from research.jobs.report_export import BUILDING, LAYING_OUT, NO_TABLES  # noqa: E402
from research.jobs.views import KIND_PAGES, KNOWN_MESSAGES, KindPage  # noqa: E402
from research.imports.datasets import MISSING_MESSAGE  # noqa: E402

KNOWN_MESSAGES.update({
    MISSING_MESSAGE: _l("The data file of this imported dataset is missing on the server, so it "
                        "cannot be analysed. Ask the administrator to restore it from a backup "
                        "of the imported-data folder, or import the file again."),
    BUILDING: _l("Computing the report"),
    LAYING_OUT: _l("Laying out the file"),
    NO_TABLES: _l("There are no banner tables to put in the workbook: save a table first."),
})
KIND_PAGES["report_export"] = KindPage(_l("Report job %(id)s"), back_endpoint="jobs.report",
                                       back_label=_l("Report files"))
