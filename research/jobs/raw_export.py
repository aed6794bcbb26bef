"""The ``raw_export`` job: a survey's respondent-level data as CSV, XLSX, SAV or JSON.

The dataset is built, filtered and weighted as the report pages do
(:func:`research.reports.services.load_analysis`); the writers are ``analysis.exports``.
CSV and JSON are streamed through :class:`ProgressStream`, so progress, the heartbeat and
cancellation work while they write; XLSX and SAV report before and after writing.
"""
import re
import time

from flask_babel import gettext as _

from analysis import exports
from analysis.errors import AnalysisError
from research.extensions import db
from research.jobs.registry import JobFailed, handler
from research.jobs.runner import Outcome
from research.reports.filters import FilterError
from research.reports.services import load_analysis
from surveys.models import Survey

CHUNK_ROWS = 5000
#: Messages stored on the job in English; the job page translates them (``views``).
LOADING = "Loading responses"
WRITING = "Writing the file"
NO_DATA = "The survey has no published questionnaire, so there is no data."


class ProgressStream:
    """A text stream that reports progress (at most twice a second) as rows are written."""

    def __init__(self, stream, context, total_rows, start=30, end=95):
        self.stream, self.context, self.total = stream, context, max(total_rows, 1)
        self.start, self.end = start, end
        self.rows = 0
        self.reported = time.monotonic()

    def write(self, text):
        self.rows += text.count("\n")
        written = self.stream.write(text)
        if time.monotonic() - self.reported >= 0.5:
            self.reported = time.monotonic()
            share = min(self.rows / self.total, 1.0)
            self.context.progress(self.start + (self.end - self.start) * share, WRITING)
        return written


def safe_file_stem(title):
    """A download name from a survey title: letters, digits, ``-`` and ``_`` only."""
    stem = re.sub(r"[^\w\-]+", "_", title, flags=re.UNICODE).strip("_")[:80]
    return stem or "survey"


@handler("raw_export")
def raw_export(job, context):
    """Build the dataset, filter and weight it as the report pages do, and write it."""
    parameters = job.parameters or {}
    file_format = parameters.get("format") or "csv"
    survey = db.session.get(Survey, job.survey_id)
    if survey is None or survey.published_version is None:
        raise JobFailed(NO_DATA)
    context.progress(5, LOADING)
    data = load_analysis(survey)
    try:
        dataset = data.filtered(parameters.get("filter") or "")
    except FilterError as error:
        raise JobFailed(str(error)) from None
    weight = parameters.get("weight") or None
    if weight and weight not in dataset.weight_names:
        problem = data.weight_problems.get(weight)
        raise JobFailed(_("Weight %(name)s could not be computed: %(problem)s",
                          name=weight, problem=problem) if problem else
                        _("There is no weight variable %(name)s in this dataset.", name=weight))
    context.progress(30, WRITING)
    try:
        rows = _write(file_format, dataset, context, parameters, weight)
    except AnalysisError as error:
        raise JobFailed(str(error)) from None
    context.progress(99, WRITING)
    return Outcome(download_name=f"{safe_file_stem(survey.title)}.{file_format}",
                   extension=file_format,
                   export_record={"format": file_format, "row_count": rows,
                                  "parameters": {key: parameters.get(key) for key in
                                                 ("filter", "weight", "values", "delimiter",
                                                  "bom")}})


def _write(file_format, dataset, context, parameters, weight):
    labels = parameters.get("values") == "labels"
    if file_format == "csv":
        with open(context.path, "w", encoding="utf-8", newline="") as out:
            return exports.write_csv(dataset, ProgressStream(out, context, len(dataset)),
                                     labels=labels, bom=bool(parameters.get("bom")),
                                     delimiter=parameters.get("delimiter") or ",",
                                     weight=weight, chunk_rows=CHUNK_ROWS)
    if file_format == "json":
        with open(context.path, "w", encoding="utf-8", newline="") as out:
            return exports.write_json(dataset, ProgressStream(out, context, len(dataset)),
                                      weight=weight)
    if file_format == "xlsx":
        return exports.write_xlsx(dataset, context.path, labels=labels, weight=weight)
    if file_format == "sav":
        exports.write_sav(dataset, context.path, weight=weight)
        return len(dataset)
    raise JobFailed(f"Unknown export format {file_format!r}.")
