"""The ``data_import`` job: read an uploaded file and store it as a survey of kind ``imported``.

The readers (``analysis.imports``) read the whole file at once, so progress is reported before
and after reading. Their ``DataImportError`` messages become the job's failure message, in the
language of the person who uploaded the file (kept on the job as ``locale``). The survey and its
``ImportedDataset`` are flushed here and committed by the runner with the job's success; the
upload is released by the runner when the job ends (``services.release_upload``).
"""
import os

from flask_babel import force_locale

from analysis.imports import DataImportError
from research.imports import services
from research.jobs.registry import JobFailed, handler
from research.jobs.runner import Outcome

#: Messages stored on the job in English; the job page translates them.
READING = "Reading the file"
STORING = "Storing the dataset"
UPLOAD_GONE = "The uploaded file is no longer on the server; upload it again."
NO_ROWS = "The file has column names but no respondents (no rows below the header)."


@handler(services.JOB_KIND, retryable=False, release=services.release_upload)
def data_import(job, context):
    """Read the upload with the analysis readers and store the dataset with its dictionary."""
    parameters = job.parameters or {}
    path = services.upload_path(parameters.get("upload"))
    if path is None or not os.path.exists(path):
        raise JobFailed(UPLOAD_GONE)
    context.progress(5, READING)
    with force_locale(parameters.get("locale") or "en"):
        try:
            with context.keep_alive():
                result = services.read_upload(parameters, path)
        except DataImportError as error:
            raise JobFailed(str(error)) from None
    if not len(result.dataset):
        raise JobFailed(NO_ROWS)
    # The last chance to cancel: from here the rows are written and kept locked till commit.
    context.progress(80, STORING)
    survey, data_file = services.store_import(job, parameters, result)
    return Outcome(survey_id=survey.id, stored_files=(data_file,))
