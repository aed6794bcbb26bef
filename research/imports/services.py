"""Importing a respondent-level file: the upload, the job, storing the dataset.

The upload is saved in ``JOB_FILES_DIR`` (the job's input, readable by every worker) under a
name of ours and deleted when the job ends, whatever the outcome; uploads of jobs whose worker
died are removed by ``flask jobs cleanup`` a day later, as any file no job owns. The dataset is
written as Parquet to ``IMPORTED_DATA_DIR`` and its survey rows are flushed here; the job runner
commits them with the job's success. Services flush; the view or the job commits.
"""
from __future__ import annotations

import os
import re
import secrets

from sqlalchemy import event
from sqlalchemy.orm import Session

from analysis.imports import read_csv, read_sav, read_xlsx
from research.extensions import db
from research.imports.datasets import data_directory, data_path, dictionary
from research.jobs.runner import files_directory
from research.jobs.services import create_job
from research.models import ImportedDataset
from research.models.types import utcnow
from surveys.models import Survey
from surveys.models.survey import IMPORTED, SURVEY_TITLE_MAX

JOB_KIND = "data_import"
UPLOAD_PREFIX = "import-upload-"
#: File name extension → format (the reader used).
EXTENSIONS = {"sav": "sav", "zsav": "sav", "csv": "csv", "txt": "csv", "tsv": "csv",
              "xlsx": "xlsx"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def file_format(file_name: str) -> str | None:
    """``sav``, ``csv`` or ``xlsx`` by the file's extension; None for anything else."""
    _stem, dot, extension = (file_name or "").rpartition(".")
    return EXTENSIONS.get(extension.lower()) if dot else None


def display_name(file_name: str) -> str:
    """The uploaded file's own name, for showing only: no folders, no control characters."""
    name = re.split(r"[\\/]", file_name or "")[-1]
    return _CONTROL.sub("", name).strip()[:255] or "upload"


def default_title(file_name: str) -> str:
    """A survey title from a file name (``Omnibus 2024.sav`` → ``Omnibus 2024``)."""
    stem = display_name(file_name).rpartition(".")[0] or display_name(file_name)
    return stem.strip()[:SURVEY_TITLE_MAX] or "Imported data"


def save_upload(storage, file_format_: str) -> tuple:
    """Save an uploaded ``FileStorage`` under a name of ours; ``(name, size in bytes)``."""
    name = f"{UPLOAD_PREFIX}{secrets.token_hex(16)}.{file_format_}"
    path = os.path.join(files_directory(), name)
    storage.stream.seek(0)
    storage.save(path)
    return name, os.path.getsize(path)


def upload_path(name) -> str | None:
    """The saved upload ``name`` (from a job's parameters), or None if it is not one of ours."""
    if not isinstance(name, str) or not name.startswith(UPLOAD_PREFIX) or \
            os.path.basename(name) != name:
        return None
    return os.path.join(files_directory(), name)


def remove_upload(name) -> None:
    path = upload_path(name)
    if path is not None:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def release_upload(job) -> None:
    """The job runner's hook: the upload goes once its job has ended, whatever the outcome."""
    remove_upload((job.parameters or {}).get("upload"))


def start_import(study, user, *, title: str, original_name: str, upload: str, size: int,
                 file_format_: str, encoding: str | None, delimiter: str | None,
                 locale: str):
    """A queued ``data_import`` job for a saved upload (the caller commits, then enqueues)."""
    return create_job(study.id, None, JOB_KIND, {
        "title": title, "original_name": original_name, "upload": upload, "size": size,
        "format": file_format_, "encoding": encoding or None, "delimiter": delimiter or None,
        "locale": locale}, user)


def read_upload(parameters: dict, path: str):
    """The reader's :class:`~analysis.imports.ImportResult`; raises ``DataImportError``."""
    file_format_ = parameters.get("format")
    if file_format_ == "sav":
        return read_sav(path)
    if file_format_ == "xlsx":
        return read_xlsx(path)
    return read_csv(path, encoding=parameters.get("encoding") or None,
                    delimiter=parameters.get("delimiter") or None)


def store_import(job, parameters: dict, result) -> tuple:
    """Write the dataset's Parquet file and flush its survey; ``(survey, data file path)``.

    On any error the file is removed again, so nothing is left half-stored.
    """
    dataset = result.dataset
    variables, mr_sets = dictionary(dataset)
    name = f"dataset-{secrets.token_hex(16)}.parquet"
    path = data_path(name)
    temporary = os.path.join(data_directory(), f".{name}.tmp")
    now = utcnow()
    try:
        dataset.data.to_parquet(temporary)
        os.replace(temporary, path)  # written first: the rows below are held locked briefly
        survey = Survey(study_id=job.study_id, title=parameters.get("title") or "",
                        kind=IMPORTED, status="closed", closed_at=now, open_link=False,
                        default_language=parameters.get("locale") or "en", languages=[],
                        created_by_id=job.created_by_id)
        survey.imported_dataset = ImportedDataset(
            original_name=parameters.get("original_name") or "",
            format=parameters.get("format"), file_size=int(parameters.get("size") or 0),
            row_count=len(dataset), variable_count=len(dataset.variables),
            variables=variables, mr_sets=mr_sets, warnings=list(result.warnings),
            options={key: parameters.get(key) for key in ("encoding", "delimiter")
                     if parameters.get(key)},
            data_file=name, imported_by_id=job.created_by_id, imported_at=now)
        db.session.add(survey)
        db.session.flush()
    except BaseException:
        for leftover in (temporary, path):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise
    return survey, path


# --- data files of deleted imports ---------------------------------------------------------------
# Deleting a study deletes its surveys through the ORM, and with them their ImportedDataset
# rows; their files are removed once that deletion is committed (never before: a rollback
# would leave rows without data).

_DELETED = "anketa_deleted_imported_files"


@event.listens_for(Session, "after_flush")
def _note_deleted_files(session, _context):
    for instance in session.deleted:
        if isinstance(instance, ImportedDataset) and instance.data_file:
            path = data_path(instance.data_file)
            if path is not None:
                session.info.setdefault(_DELETED, []).append(path)


@event.listens_for(Session, "after_commit")
def _remove_deleted_files(session):
    for path in session.info.pop(_DELETED, []):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


@event.listens_for(Session, "after_rollback")
def _keep_files(session):
    session.info.pop(_DELETED, None)
