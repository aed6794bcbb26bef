"""Creating, cancelling and retrying jobs. Services flush; the caller commits, then enqueues."""
from research.extensions import db
from research.models import Job


def create_job(study_id, survey_id, kind, parameters, user):
    job = Job(study_id=study_id, survey_id=survey_id, kind=kind, status="queued", progress=0,
              message="", parameters=dict(parameters), created_by_id=user.id if user else None)
    db.session.add(job)
    db.session.flush()
    return job


def request_cancel(job):
    """Queued jobs stop at once; running ones at their next progress report."""
    if job.is_finished:
        return
    job.cancel_requested = True
    if job.status == "queued":
        from research.models.types import utcnow
        job.status, job.finished_at = "cancelled", utcnow()
    db.session.flush()


def retry(job, user):
    """A new job with the same parameters (the old one stays as it ended)."""
    return create_job(job.study_id, job.survey_id, job.kind, job.parameters, user)
