"""Housekeeping for ``flask jobs cleanup``: expired files and jobs, and jobs whose worker died."""
import os
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from research.extensions import db
from research.jobs.runner import files_directory, result_path
from research.models import Job
from research.models.types import utcnow

STALE_MESSAGE = ("The worker running this job stopped responding (it may have been restarted). "
                 "Use Retry to run the job again.")


def fail_stale_jobs(now=None):
    """Mark ``running`` jobs without a heartbeat for ``JOB_STALE_MINUTES`` as failed.

    Without Redis, a job still ``queued`` that long was lost with the web process that held
    it in memory, so it is failed too; RQ keeps its queue, so there queued jobs just wait.
    """
    now = now or utcnow()
    limit = now - timedelta(minutes=current_app.config["JOB_STALE_MINUTES"])
    dead = [(Job.status == "running")
            & or_(Job.heartbeat_at < limit, Job.heartbeat_at.is_(None) & (Job.started_at < limit))]
    if not current_app.config.get("REDIS_URL"):
        dead.append((Job.status == "queued") & (Job.created_at < limit))
    stale = db.session.scalars(select(Job).where(or_(*dead)))
    count = 0
    for job in stale:
        job.status, job.message, job.finished_at = "failed", STALE_MESSAGE, now
        count += 1
    db.session.flush()
    return count


def delete_expired(now=None):
    """Delete finished jobs past retention, with their files; returns how many."""
    now = now or utcnow()
    limit = now - timedelta(hours=current_app.config["JOB_RETENTION_HOURS"])
    expired = db.session.scalars(select(Job).where(
        Job.status.in_(("succeeded", "failed", "cancelled")),
        or_(Job.expires_at <= now, Job.finished_at <= limit)))
    count = 0
    for job in expired:
        path = result_path(job)
        if path and os.path.exists(path):
            os.remove(path)
        db.session.delete(job)
        count += 1
    db.session.flush()
    return count


def delete_orphan_files(now=None):
    """Remove files no job names (e.g. ``.part`` files of a killed worker) older than a day."""
    known = set(db.session.scalars(select(Job.result_file).where(Job.result_file.is_not(None))))
    return remove_unnamed_files(files_directory(), known, now)


def remove_unnamed_files(folder, known, now=None, min_age_hours=24):
    """Remove the files of ``folder`` not in ``known`` and older than ``min_age_hours``.

    Younger files may belong to a job still writing or committing; returns how many went.
    """
    now = now or utcnow()
    removed = 0
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name in known or not os.path.isfile(path):
            continue
        if now.timestamp() - os.path.getmtime(path) > min_age_hours * 3600:
            os.remove(path)
            removed += 1
    return removed
