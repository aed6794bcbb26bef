"""Questions of a draft questionnaire version, each a question spec in columns."""
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
    #: Answer options: [{"code": 1, "label": {lang: text}, "settings": {...}}] (stable codes).
    options = mapped_column(JSONDocument, nullable=False, default=list)
    #: Rows / items of grids, rankings, constant sums, semantic differentials, stimuli.
    rows = mapped_column(JSONDocument, nullable=False, default=list)

    version = relationship("QuestionnaireVersion", back_populates="questions")

    def spec(self):
        """The question as a plain spec dict (the shape the type registry works on)."""
        return {"variable": self.variable, "type": self.type, "text": dict(self.text or {}),
                "settings": dict(self.settings or {}), "options": list(self.options or []),
                "rows": list(self.rows or [])}
