"""Responses: one row per respondent per survey, answers as one JSON document."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, UTCDateTime, utcnow

#: Statuses that end an interview (an abandoned one may still be resumed).
FINAL_STATUSES = frozenset({"complete", "screened_out", "over_quota"})


class Response(db.Model):
    """A respondent's answers to one survey.

    Answers are a JSON document keyed by variable name, so that a survey of a
    million responses loads into a DataFrame with one query and versions merge
    by variable name (see DESIGN.md, "Responses").

    ``step`` is the mapper's version counter: every change of the row increments it and an
    UPDATE carries ``WHERE step = <the step read>``, so of two concurrent submits of the same
    page only one is applied (the other gets ``StaleDataError`` and is treated as a repeat).
    """

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(
            "status IN ('in_progress', 'complete', 'screened_out', 'over_quota', 'abandoned')",
            name="status_known"),
        CheckConstraint(
            "channel IN ('web', 'phone', 'face_to_face', 'mail', 'observation', 'api')",
            name="channel_known"),
        Index("ix_response_survey_status", "survey_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    #: The questionnaire version the respondent answered.
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    #: How the answers were collected (vocabulary.CHANNELS).
    channel: Mapped[str] = mapped_column(String(20), default="web")
    #: SHA-256 of the respondent's resume token (open link), if any.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Language the respondent answered in.
    language: Mapped[str | None] = mapped_column(String(8))
    #: Assigned A/B variant(s): {"block": "variant"}.
    variants = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Answers keyed by variable name.
    answers = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Seconds spent per page: {"page number": seconds}.
    timings = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Excluded from analysis by a researcher (reversible).
    is_invalid: Mapped[bool] = mapped_column(default=False)
    #: The interviewer who keyed it in (interviewer channels).
    interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    #: The personal link it came through, if any.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("respondent_invitation.id", ondelete="SET NULL"), index=True)
    #: Index of the page the respondent is on (0-based, in the version's pages).
    page_index: Mapped[int] = mapped_column(default=0)
    #: Row version (see the class docstring); the page form carries it to detect repeats.
    step: Mapped[int] = mapped_column(default=0)
    #: Why the interview ended early: the screening variable, or "quota:<cell id>".
    end_cause: Mapped[str | None] = mapped_column(String(80))
    #: Ids of the quota cells this complete was counted in (undone when marked invalid).
    quota_cells = mapped_column(JSONDocument, nullable=False, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    survey = relationship("Survey", back_populates="responses")
    version = relationship("QuestionnaireVersion")
    interviewer = relationship("User")
    invitation = relationship("RespondentInvitation", foreign_keys=[invitation_id])

    __mapper_args__ = {"version_id_col": step}

    @property
    def is_finished(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        """Seconds from start to the end of the interview (None while it goes on)."""
        if self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()
