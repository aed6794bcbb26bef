"""Background jobs (exports, long reports) and the audit of respondent-level exports."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from research.extensions import db
from research.models.types import JSONDocument, UTCDateTime, utcnow

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED_STATUSES = ("succeeded", "failed", "cancelled")


class Job(db.Model):
    """One run of a background task; its file (if any) lives in ``JOB_FILES_DIR``."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
                        name="status_known"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    #: The registered handler's name (``research.jobs.registry``), e.g. ``raw_export``.
    kind: Mapped[str] = mapped_column(String(40))
    #: queued → running → succeeded / failed / cancelled.
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    #: 0–100, written by the handler in short transactions of their own.
    progress: Mapped[int] = mapped_column(Integer, default=0)
    #: The latest progress note, or why the job failed (never a traceback).
    message: Mapped[str] = mapped_column(Text, default="")
    #: What the handler needs (format, filter, weight, ...); "Retry" copies it.
    parameters = mapped_column(JSONDocument, nullable=False, default=dict)
    #: The finished file's name inside ``JOB_FILES_DIR`` (never a path from the user).
    result_file: Mapped[str | None] = mapped_column(String(255))
    #: The name the browser saves the file under.
    download_name: Mapped[str | None] = mapped_column(String(255))
    #: The finished file's size in bytes.
    result_size: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Last sign of life from the worker; running jobs without one for long are failed.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: After this the file is deleted by ``flask jobs cleanup`` and no longer offered.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set by "Cancel"; the handler stops at its next progress report.
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def is_downloadable(self, now=None) -> bool:
        return (self.status == "succeeded" and self.result_file is not None
                and (self.expires_at is None or self.expires_at > (now or utcnow())))


class ExportRecord(db.Model):
    """Who exported which respondent-level data, when, how (no IP address is kept)."""

    __tablename__ = "export_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    #: csv / xlsx / sav / json.
    format: Mapped[str] = mapped_column(String(10))
    #: The filter expression, weight and options used.
    parameters = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Respondents written.
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
