"""Running one job: status transitions, progress, the file, failure and cancellation.

Each step is its own short transaction: "running" is committed before the work starts,
progress is written through a separate connection so the job page sees it while the
handler's own session is still reading, and the end state is committed last. The file is
written under a temporary name and renamed only on success, so a partial file is never offered.
A handler that creates rows instead of a file (an import) flushes them; they are committed in
the same transaction as the job's success, so a failed or cancelled job leaves none behind.
"""
import logging
import os
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from research.extensions import db
from research.jobs.registry import HANDLERS, RELEASERS, JobCancelled, JobFailed
from research.models import ExportRecord, Job
from research.models.types import utcnow

log = logging.getLogger(__name__)
INTERNAL_ERROR = "The job failed because of an internal error; it has been logged."
#: Seconds between heartbeats of :meth:`JobContext.keep_alive`.
HEARTBEAT_SECONDS = 30


@dataclass
class Outcome:
    """What a handler returns: how to offer the file (or the survey it made), what to record."""

    #: The name the browser saves the file under (already safe).
    download_name: str | None = None
    #: The extension of the stored file (``csv``, ``xlsx``, ...); None when the job makes
    #: database rows instead of a file (they are committed with the job's success).
    extension: str | None = None
    #: ``ExportRecord`` fields (``format``, ``parameters``, ``row_count``) for exports.
    export_record: dict | None = None
    extra: dict = field(default_factory=dict)
    #: The survey the job created (an import); the job page links to it.
    survey_id: int | None = None
    #: Files the handler stored beside its rows; removed if the rows are not committed.
    stored_files: tuple = ()


@dataclass
class JobContext:
    """What a handler gets besides the job: where to write and how to report progress."""

    job_id: int
    path: str

    def progress(self, percent, message=""):
        """Record progress in a short transaction of its own; raise if cancel was asked."""
        percent = max(0, min(100, int(percent)))
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(
                progress=percent, message=str(message), heartbeat_at=utcnow()))
            cancel = connection.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
        if cancel:
            raise JobCancelled()

    @contextmanager
    def keep_alive(self, every=HEARTBEAT_SECONDS):
        """Beat the heartbeat while a step that cannot report progress runs.

        A reader that takes a whole file at once may run longer than ``JOB_STALE_MINUTES``;
        without a sign of life ``flask jobs cleanup`` would fail the job under it. The beat
        runs in a thread of its own with its own connection; cancellation is still seen at
        the next :meth:`progress`.
        """
        app = current_app._get_current_object()
        stop = threading.Event()

        def beat():
            with app.app_context():
                while not stop.wait(every):
                    try:
                        with db.engine.begin() as connection:
                            connection.execute(update(Job).where(Job.id == self.job_id)
                                               .values(heartbeat_at=utcnow()))
                    except Exception:  # a missed beat is not the job's failure
                        log.warning("job %s: heartbeat failed", self.job_id, exc_info=True)

        thread = threading.Thread(target=beat, name=f"job-{self.job_id}-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


def files_directory(app=None):
    """The folder of finished job files (created on first use)."""
    app = app or current_app
    path = app.config.get("JOB_FILES_DIR") or os.path.join(app.instance_path, "job-files")
    os.makedirs(path, exist_ok=True)
    return path


def result_path(job):
    """The stored file of ``job``, or None (names are ours: never a user-given path)."""
    if not job.result_file or os.path.basename(job.result_file) != job.result_file:
        return None
    return os.path.join(files_directory(), job.result_file)


def run_job(job_id):
    """Run the queued job ``job_id`` to its end state; never raises for the job's own errors."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued":
        if job is not None and job.status == "cancelled" and job.started_at is None:
            _release(job)  # cancelled while queued: its handler never ran
        db.session.rollback()
        return  # cancelled while queued, or already picked up by another worker
    if job.cancel_requested:
        _finish(job, "cancelled", "")
        return
    handler = HANDLERS.get(job.kind)
    job.status, job.started_at, job.heartbeat_at = "running", utcnow(), utcnow()
    job.progress, job.message = 0, ""
    db.session.commit()
    if handler is None:
        _finish(db.session.get(Job, job_id), "failed", f"Unknown job kind {job.kind!r}.")
        return

    stem = f"job-{job_id}-{secrets.token_hex(8)}"
    temporary = os.path.join(files_directory(), stem + ".part")
    context = JobContext(job_id, temporary)
    try:
        outcome = handler(job, context)
    except JobCancelled:
        _discard(temporary)
        _finish(_reloaded(job_id), "cancelled", "")
        return
    except JobFailed as error:
        _discard(temporary)
        _finish(_reloaded(job_id), "failed", str(error))
        return
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _discard(temporary)
        _finish(_reloaded(job_id), "failed", INTERNAL_ERROR)
        return

    if outcome.extension is None:
        _discard(temporary)
        _succeed_with_rows(job_id, outcome)
        return
    final_name = f"{stem}.{outcome.extension}"
    job = _reloaded(job_id)
    if job.status != "running":  # failed by `flask jobs cleanup` meanwhile: that stands
        _discard(temporary)
        db.session.rollback()
        return
    if job.cancel_requested:
        _discard(temporary)
        _finish(job, "cancelled", "")
        return
    os.replace(temporary, os.path.join(files_directory(), final_name))
    job.result_file = final_name
    job.download_name = outcome.download_name
    job.result_size = os.path.getsize(os.path.join(files_directory(), final_name))
    job.progress = 100
    job.expires_at = utcnow() + timedelta(hours=current_app.config["JOB_RETENTION_HOURS"])
    if outcome.export_record is not None:
        db.session.add(ExportRecord(user_id=job.created_by_id, study_id=job.study_id,
                                    survey_id=job.survey_id, job_id=job.id,
                                    **outcome.export_record))
    _finish(job, "succeeded", "")


def _succeed_with_rows(job_id, outcome):
    """Commit the handler's flushed rows and the job's success together, or neither."""
    try:
        job = db.session.get(Job, job_id)
        db.session.refresh(job)  # not a stale identity-map copy: was cancel asked meanwhile?
        if job.status != "running":  # failed by `flask jobs cleanup` meanwhile: that stands
            db.session.rollback()
            _remove(outcome.stored_files)
            return
        if job.cancel_requested:
            db.session.rollback()
            _remove(outcome.stored_files)
            _finish(_reloaded(job_id), "cancelled", "")
            return
        if outcome.survey_id is not None:
            job.survey_id = outcome.survey_id
        job.progress = 100
        _finish(job, "succeeded", "")
    except Exception:
        log.exception("job %s: storing its result failed", job_id)
        db.session.rollback()
        _remove(outcome.stored_files)
        _finish(_reloaded(job_id), "failed", INTERNAL_ERROR)


def _reloaded(job_id):
    """The job in a fresh transaction (the handler's reads may be stale)."""
    db.session.rollback()
    return db.session.get(Job, job_id)


def _finish(job, status, message):
    job.status, job.message, job.finished_at = status, message, utcnow()
    db.session.commit()
    _release(job)


def _release(job):
    """Let the job's kind free its input (an uploaded file) now that the job has ended."""
    release = RELEASERS.get(job.kind)
    if release is None:
        return
    try:
        release(job)
    except Exception:  # the job's outcome stands; a leftover upload is swept by cleanup
        log.exception("job %s: releasing its input failed", job.id)


def _discard(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _remove(paths):
    for path in paths:
        _discard(path)
