"""The ``report_export`` job: toplines and banner tables as PDF, PowerPoint or Excel.

The report is built by :func:`research.reports.report_build.build_report` in the language of
the person who asked for it (kept on the job as ``locale``), then laid out by one writer:
``pdf`` (WeasyPrint), ``pptx`` (python-pptx) or ``xlsx`` (banner tables, a sheet per table).
"""
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from analysis.errors import AnalysisError
from research.extensions import db
from research.jobs.raw_export import LOADING, NO_DATA, safe_file_stem
from research.jobs.registry import JobFailed, handler
from research.jobs.runner import Outcome
from research.models import SavedTable
from research.reports.filters import FilterError
from research.reports.report_build import build_report
from research.imports.datasets import MISSING_MESSAGE, ImportedDataMissing
from research.reports.services import load_analysis
from surveys.models import Survey

REPORT_FORMATS = ("pdf", "pptx", "xlsx")
#: Messages stored on the job in English; the job page translates them (``views``).
BUILDING = "Computing the report"
LAYING_OUT = "Laying out the file"
NO_TABLES = "There are no banner tables to put in the workbook: save a table first."


@handler("report_export")
def report_export(job, context):
    """Compute the report, then write it in the chosen format."""
    parameters = job.parameters or {}
    with force_locale(parameters.get("locale") or "en"):
        return _export(job, context, parameters)


def _export(job, context, parameters):
    file_format = parameters.get("format")
    if file_format not in REPORT_FORMATS:
        raise JobFailed(f"Unknown report format {file_format!r}.")
    survey = db.session.get(Survey, job.survey_id)
    if survey is None or not _has_data(survey):
        raise JobFailed(NO_DATA)
    context.progress(5, LOADING)
    try:
        data = load_analysis(survey)
    except ImportedDataMissing:
        raise JobFailed(MISSING_MESSAGE) from None
    weight = parameters.get("weight") or None
    if weight and weight not in data.weights:
        raise JobFailed(_("There is no weight variable %(name)s in this dataset.", name=weight))
    tables = _tables(survey, parameters)
    toplines = bool(parameters.get("toplines")) and file_format != "xlsx"
    if file_format == "xlsx" and not tables:
        raise JobFailed(NO_TABLES)
    context.progress(20, BUILDING)
    try:
        report = build_report(survey, data, weight=weight,
                              filter_source=parameters.get("filter") or "",
                              toplines=toplines, tables=tables)
    except (FilterError, AnalysisError) as error:
        raise JobFailed(str(error)) from None
    context.progress(60, LAYING_OUT)
    with context.keep_alive():  # the writers report nothing until the file is done
        count = _write(file_format, report, context.path)
    context.progress(99, LAYING_OUT)
    stem = safe_file_stem(parameters.get("name") or survey.title)
    return Outcome(download_name=f"{stem}.{file_format}", extension=file_format,
                   export_record={"format": file_format, "row_count": len(data.dataset),
                                  "parameters": {
                                      "report": True, "filter": parameters.get("filter"),
                                      "weight": weight, "toplines": toplines,
                                      "tables": [name for name, _spec in tables],
                                      "pages": count}})


def _has_data(survey) -> bool:
    """Collected surveys need a published questionnaire; imported ones carry their data."""
    return survey.published_version is not None or survey.is_imported


def _tables(survey, parameters) -> list:
    """``[(name, spec)]``: the builder's current table, or the chosen saved tables in order."""
    if parameters.get("spec"):
        return [(parameters.get("name") or _("Table"), parameters["spec"])]
    wanted = parameters.get("tables") or []
    saved = db.session.scalars(select(SavedTable).where(SavedTable.survey_id == survey.id)
                               .order_by(SavedTable.name)).all()
    return [(table.name, table.spec) for table in saved if table.id in wanted]


def _write(file_format, report, path) -> int:
    if file_format == "pdf":
        from research.reports.report_pdf import write_pdf
        return write_pdf(report, path)
    if file_format == "pptx":
        from analysis.report_pptx import write_deck
        return write_deck(report, path)
    from analysis.report_xlsx import write_tables_workbook
    return write_tables_workbook(report, path)
