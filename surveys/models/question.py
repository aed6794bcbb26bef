"""Questions and answer options of a draft questionnaire version."""
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument

VARIABLE_MAX = 64


class Question(db.Model):
    """A question (or a section / instruction block) of a questionnaire version."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("version_id", "variable"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), index=True)
    #: Order within the questionnaire, 0-based.
    position: Mapped[int]
    #: Stable analysis variable name (Q1, Q5, AGE ...); sub-variables derive from it.
    variable: Mapped[str] = mapped_column(String(VARIABLE_MAX))
    #: Key in the question-type registry.
    type: Mapped[str] = mapped_column(String(40))
    #: Question text per language: {"ru": "...", "en": "..."}.
    text = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Type-specific settings and logic (required, relevance, constraint ...).
    settings = mapped_column(JSONDocument, nullable=False, default=dict)

    version = relationship("QuestionnaireVersion", back_populates="questions")
    options = relationship("QuestionOption", back_populates="question",
                           cascade="all, delete-orphan", order_by="QuestionOption.position")


class QuestionOption(db.Model):
    """An answer option (or a grid row) with a stable numeric code."""

    __tablename__ = "question_option"
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int]
    #: SPSS-style value code stored in answers.
    code: Mapped[int]
    #: Label per language.
    label = mapped_column(JSONDocument, nullable=False, default=dict)
    #: Flags: exclusive, other (with text), anchored (not randomised).
    settings = mapped_column(JSONDocument, nullable=False, default=dict)

    question = relationship("Question", back_populates="options")
