"""The ``raw_export`` job: a survey's respondent-level data as CSV, XLSX, SAV or JSON.

CSV and JSON stream (:func:`_stream`): the responses are read from the database
``STREAM_CHUNK_ROWS`` at a time (:func:`research.reports.datasets.read_frames`), and each
chunk is weighted, filtered and written before the next one is shaped, so memory follows the
chunk, not the survey. Weights need the whole sample, so they are fitted first on a narrow
read of the weighting variables (or taken from the weights cache) and joined to each chunk by
respondent id. The file equals, byte for byte, what the whole-dataset path writes.

XLSX and SAV build the whole dataset, filtered and weighted as the report pages do
(:func:`research.reports.services.load_analysis`, :func:`_export_whole`); that path can write
every format. Progress is reported while rows are read or written (which is also when a
cancel request is noticed); the runner publishes the file only when the handler succeeds.
docs/exports.md, "Streaming", has the details.
"""
import re
import time
from contextlib import closing

import numpy as np
import pandas as pd
from flask_babel import force_locale
from flask_babel import gettext as _

from analysis import exports
from analysis.dataset import Dataset
from analysis.errors import AnalysisError
from analysis.weighting import RimWeighting
from research.extensions import db
from research.jobs.registry import JobFailed, handler
from research.jobs.runner import Outcome
from research.reports.datasets import (dataset_source, key_variables, merged_variables,
                                       read_frames)
from research.reports.filters import (FilterError, expression_names, filter_mask,
                                      question_specs)
from research.imports.datasets import MISSING_MESSAGE, ImportedDataMissing
from research.reports.services import load_analysis
from research.reports.weights import attach_weights, procedure, schemes_of
from surveys.expressions import ExpressionError, validate
from surveys.models import Survey

#: Rows the whole-dataset CSV writer converts at a time.
CHUNK_ROWS = 5000
#: Responses read, shaped and written at a time by the streamed formats. On a million
#: responses × 40 variables 10,000 / 20,000 / 50,000 peaked at about 310 / 350 / 440 MiB
#: with much the same speed (docs/benchmarks.md).
STREAM_CHUNK_ROWS = 20_000
STREAMED_FORMATS = ("csv", "json")
#: Messages stored on the job in English; the job page translates them (``views``).
LOADING = "Loading responses"
WRITING = "Writing the file"
NO_DATA = "The survey has no published questionnaire, so there is no data."


class Progress:
    """Reports rows done out of ``total_rows`` as ``start``–``end`` %, at most twice a second."""

    def __init__(self, context, total_rows, start=30, end=95):
        self.context, self.total = context, max(total_rows, 1)
        self.start, self.end = start, end
        self.rows = 0
        self.reported = time.monotonic()

    def advance(self, rows):
        self.rows += rows
        if time.monotonic() - self.reported >= 0.5:
            self.reported = time.monotonic()
            share = min(self.rows / self.total, 1.0)
            self.context.progress(self.start + (self.end - self.start) * share, WRITING)


class ProgressStream(Progress):
    """A text stream that reports progress as rows (lines) are written."""

    def __init__(self, stream, context, total_rows, start=30, end=95):
        super().__init__(context, total_rows, start, end)
        self.stream = stream

    def write(self, text):
        written = self.stream.write(text)
        self.advance(text.count("\n"))
        return written


def safe_file_stem(title):
    """A download name from a survey title: letters, digits, ``-`` and ``_`` only."""
    stem = re.sub(r"[^\w\-]+", "_", title, flags=re.UNICODE).strip("_")[:80]
    return stem or "survey"


@handler("raw_export")
def raw_export(job, context):
    """Write the survey's data in the chosen format, filtered and weighted as asked."""
    if db.engine.dialect.name == "postgresql":
        # One snapshot for every read of the job: the count, the weighting variables and the
        # streamed responses then agree even while interviews are completed. This must come
        # before the first query (even reading the job's parameters starts a transaction).
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    # Messages with details (a bad filter, a weight that failed) in the asker's language.
    with force_locale((job.parameters or {}).get("locale") or "en"):
        return _raw_export(job, context)


def _raw_export(job, context):
    parameters = job.parameters or {}
    file_format = parameters.get("format") or "csv"
    survey = db.session.get(Survey, job.survey_id)
    if survey is None or (survey.published_version is None and not survey.is_imported):
        raise JobFailed(NO_DATA)
    context.progress(5, LOADING)
    # Imported datasets live in one Parquet file, not in responses: nothing to stream.
    if file_format in STREAMED_FORMATS and not survey.is_imported:
        rows = _stream(survey, file_format, context, parameters)
    else:
        rows = _export_whole(survey, file_format, context, parameters)
    context.progress(99, WRITING)
    return Outcome(download_name=f"{safe_file_stem(survey.title)}.{file_format}",
                   extension=file_format,
                   export_record={"format": file_format, "row_count": rows,
                                  "parameters": {key: parameters.get(key) for key in
                                                 ("filter", "weight", "values", "delimiter",
                                                  "bom")}})


def _check_weight(weight, weight_names, problems):
    if weight and weight not in weight_names:
        problem = problems.get(weight)
        raise JobFailed(_("Weight %(name)s could not be computed: %(problem)s",
                          name=weight, problem=problem) if problem else
                        _("There is no weight variable %(name)s in this dataset.", name=weight))


# --- the whole dataset (XLSX, SAV; any format for data that cannot be streamed) ---------------

def _export_whole(survey, file_format, context, parameters):
    """Build the dataset, filter and weight it as the report pages do, and write it."""
    try:
        data = load_analysis(survey)
    except ImportedDataMissing:
        raise JobFailed(MISSING_MESSAGE) from None
    try:
        dataset = data.filtered(parameters.get("filter") or "")
    except FilterError as error:
        raise JobFailed(str(error)) from None
    weight = parameters.get("weight") or None
    _check_weight(weight, dataset.weight_names, data.weight_problems)
    context.progress(30, WRITING)
    try:
        with context.keep_alive():  # XLSX and SAV writers report nothing until they are done
            return _write(file_format, dataset, context, parameters, weight)
    except AnalysisError as error:
        raise JobFailed(str(error)) from None


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


# --- streaming (CSV, JSON) ---------------------------------------------------------------------

def _stream(survey, file_format, context, parameters):
    """Write CSV or JSON chunk by chunk as the responses are read; return the rows written."""
    source = dataset_source(survey)
    keys, variables = key_variables(source.versions), merged_variables(source.versions)
    weights, weight_variables, problems = _weight_columns(survey, source, keys, variables)
    # The metadata of build_dataset + attach_weights, without rows: the writers' template.
    template = _empty_dataset(keys + variables + weight_variables, list(weights.columns))
    specs = question_specs(source.versions)
    condition = (parameters.get("filter") or "").strip()
    if condition:
        try:
            validate(condition, expression_names(specs))
        except ExpressionError:
            raise JobFailed(_refusal(template, specs, condition)) from None
    weight = parameters.get("weight") or None
    _check_weight(weight, template.weight_names, problems)
    progress = Progress(context, source.response_count, start=10)
    context.progress(10, WRITING)
    with open(context.path, "w", encoding="utf-8", newline="") as out:
        try:
            writer = _stream_writer(file_format, template, out, parameters, weight)
        except AnalysisError as error:
            raise JobFailed(str(error)) from None
        with closing(read_frames(source, variables, STREAM_CHUNK_ROWS)) as frames:
            for frame in frames:
                chunk = Dataset(_with_weights(frame, weights), template.variables.values(),
                                template.mr_sets.values(), template.weight_names)
                if condition:
                    chunk = chunk.subset(_chunk_mask(chunk, specs, condition))
                writer.write_chunk(chunk)
                progress.advance(len(frame))
        if condition and not writer.rows:
            raise JobFailed(_refusal(template, specs, condition))
        if file_format == "json":
            writer.write_end()
    return writer.rows


def _stream_writer(file_format, template, out, parameters, weight):
    """The CSV or JSON writer, its header (or metadata) written."""
    if file_format == "csv":
        writer = exports.CsvWriter(template, out, labels=parameters.get("values") == "labels",
                                   bom=bool(parameters.get("bom")),
                                   delimiter=parameters.get("delimiter") or ",", weight=weight)
        writer.write_header()
    else:
        writer = exports.JsonWriter(template, out, weight=weight)
        writer.write_head()
    return writer


def _empty_dataset(variables, weight_names):
    index = pd.Index([], dtype="int64", name="response_id")  # ids are whole numbers
    return Dataset(pd.DataFrame({v.name: pd.Series(dtype=object) for v in variables},
                                index=index), variables, weights=weight_names)


def _weighting_variables(scheme) -> set:
    """The variables a scheme's weights are fitted on (its procedure reads no others)."""
    method = procedure(scheme)
    names = method.targets if isinstance(method, RimWeighting) else method.variables
    try:
        return {name for name in ([names] if isinstance(names, str) else names)
                if isinstance(name, str)}
    except TypeError:  # malformed settings: the fit fails and says so
        return set()


def _weight_columns(survey, source, keys, variables):
    """``(weights by response id, their Variables, {scheme: problem})`` for every scheme.

    :func:`attach_weights` runs on a narrow dataset — the same responses, only the weighting
    variables — so the weights, the problems and the weights cache are those of the report
    pages; a million respondents × 4 variables are 40 MB (the fit takes some 80 MB more).
    """
    schemes = schemes_of(survey)
    index = pd.Index([], dtype="int64", name="response_id")
    if not schemes:
        return pd.DataFrame(index=index), [], {}
    names = set().union(*map(_weighting_variables, schemes))
    wanted = [v for v in keys + variables if v.name in names]
    answers = [v for v in variables if v.name in names]
    with closing(read_frames(source, answers, STREAM_CHUNK_ROWS,
                             keys=any(v.name in names for v in keys))) as frames:
        parts = [frame[[v.name for v in wanted]] for frame in frames]
    data = pd.concat(parts) if parts else pd.DataFrame(
        {v.name: pd.Series(dtype="float64") for v in wanted}, index=index)
    del parts  # before the fit, which takes some 80 MB more for a million respondents
    weighted, problems = attach_weights(Dataset(data, wanted), survey, source.fingerprint)
    weight_names = list(weighted.weight_names)
    return (weighted.data[weight_names], [weighted.variables[name] for name in weight_names],
            problems)


def _with_weights(frame, weights):
    """``frame`` with the weight columns of its respondents appended (as attach_weights does)."""
    if not len(weights.columns):
        return frame
    # Both reads are in id order: a binary search needs no hash table of a million ids.
    ids, wanted = weights.index.to_numpy(), frame.index.to_numpy()
    positions = np.minimum(np.searchsorted(ids, wanted), max(len(ids) - 1, 0))
    if len(wanted) and (not len(ids) or (ids[positions] != wanted).any()):
        # Only without a snapshot (SQLite): a response was completed between the two reads.
        raise JobFailed(_("The responses changed while they were being exported; please "
                          "export again."))
    for name in weights.columns:
        frame[name] = weights[name].to_numpy()[positions]
    return frame


def _refusal(template, specs, condition) -> str:
    """The report pages' words for a filter on no respondents: why it is not valid, or else
    "No respondents match …" (``filter_mask`` refuses every filter on an empty dataset)."""
    try:
        filter_mask(template, specs, condition)
    except FilterError as error:
        return str(error)
    return ""


def _chunk_mask(chunk, specs, condition) -> np.ndarray:
    """Which respondents of one chunk match the (already checked) filter."""
    try:
        return filter_mask(chunk, specs, condition)
    except FilterError:
        # The filter is valid (checked first), so this says nobody in this chunk matches:
        # not an error unless no chunk has anyone (checked after the last one).
        return np.zeros(len(chunk), dtype=bool)
