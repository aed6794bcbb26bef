"""Responses: one row per respondent per survey, answers as one JSON document."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, UTCDateTime, utcnow


class Response(db.Model):
    """A respondent's answers to one survey.

    Answers are a JSON document keyed by variable name, so that a survey of a
    million responses loads into a DataFrame with one query and versions merge
    by variable name (see DESIGN.md, "Responses").
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
    #: SHA-256 of the respondent's resume/personal token, if any.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Language the respondent answered in.
    language: Mapped[str | None] = mapped_column(String(8))
    #: Assigned A/B variant(s): {"block": "variant"}.
    variants = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Answers keyed by variable name.
    answers = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Seconds spent per page: {"page key": seconds}.
    timings = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Excluded from analysis by a researcher (reversible).
    is_invalid: Mapped[bool] = mapped_column(default=False)
    #: The interviewer who keyed it in (interviewer channels).
    interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    survey = relationship("Survey", back_populates="responses")
    version = relationship("QuestionnaireVersion")
