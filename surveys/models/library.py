"""The question library: questions and blocks saved for reuse."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, TimestampMixin

LIBRARY_TITLE_MAX = 200


class LibraryItem(TimestampMixin, db.Model):
    """A question or block of questions saved from a survey.

    It belongs to a study: every member of that study can insert it into any
    survey they can edit. (The built-in standard blocks live in code, not here.)
    """

    __tablename__ = "library_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    #: Name shown in the library.
    title: Mapped[str] = mapped_column(String(LIBRARY_TITLE_MAX))
    #: The question specs, in order (variable names are reassigned on insertion).
    items = mapped_column(JSONDocument, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    study = relationship("Study")
