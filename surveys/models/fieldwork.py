"""Fieldwork: personal invitation links, quotas and their cells."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, TimestampMixin, UTCDateTime, utcnow

LABEL_MAX = 200


def hash_token(token: str) -> str:
    """SHA-256 hex of a URL token: only hashes are stored, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A URL-safe token of 256 random bits."""
    return secrets.token_urlsafe(32)


class RespondentInvitation(TimestampMixin, db.Model):
    """A personal link to a survey: one respondent, a validity window, single use by default."""

    __tablename__ = "respondent_invitation"
    __table_args__ = (
        CheckConstraint("max_uses > 0", name="max_uses_positive"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    #: SHA-256 of the link's token (256 random bits); the token is shown once, at creation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Who the link is for, as the researcher knows them (name, e-mail, panel id).
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="")
    #: The link works from ... until ... (UTC); None: no limit on that side.
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: How many interviews the link may start (1: single use).
    max_uses: Mapped[int] = mapped_column(default=1)
    #: Interviews started with it so far.
    uses: Mapped[int] = mapped_column(default=0)
    #: The interview it started most recently (resumed by the link while in progress).
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL", use_alter=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    survey = relationship("Survey")
    response = relationship("Response", foreign_keys=[response_id], post_update=True)

    def is_valid_at(self, moment: datetime) -> bool:
        """Inside its validity window (uses are checked when an interview starts)."""
        return ((self.valid_from is None or self.valid_from <= moment)
                and (self.valid_until is None or moment < self.valid_until))


class Quota(db.Model):
    """A group of quota cells over one closed variable or a combination (gender × age band).

    A respondent falls into the first cell whose condition holds; when that cell is full they
    end on the over-quota page as soon as their answers place them there.
    """

    __tablename__ = "quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    #: Shown on the dashboard ("Gender × age band").
    name: Mapped[str] = mapped_column(String(LABEL_MAX))
    #: The variables the cells were made from (for display and editing).
    variables = mapped_column(JSONDocument, nullable=False, default=list)
    #: Inactive quotas are shown but never close a cell.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    survey = relationship("Survey")
    cells = relationship("QuotaCell", back_populates="quota", cascade="all, delete-orphan",
                         order_by="QuotaCell.position")


class QuotaCell(db.Model):
    """One cell of a quota: who belongs to it (an expression) and how many completes it needs.

    ``completes`` is a counter incremented atomically (``SET completes = completes + 1``) when
    an interview in the cell completes, so it stays exact under concurrent completion.
    """

    __tablename__ = "quota_cell"
    __table_args__ = (
        CheckConstraint("target >= 0", name="target_not_negative"),
        CheckConstraint("completes >= 0", name="completes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("quota.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: "Women, 18–29".
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    #: Expression language: ``${GENDER} = 2 and ${AGE_BAND} = 1``.
    condition: Mapped[str] = mapped_column(Text)
    #: Completes wanted in the cell.
    target: Mapped[int]
    #: Completes counted so far (see the class docstring).
    completes: Mapped[int] = mapped_column(default=0)

    quota = relationship("Quota", back_populates="cells")

    @property
    def is_full(self) -> bool:
        return self.completes >= self.target

    @property
    def overshoot(self) -> int:
        """Completes beyond the target: interviews already under way when the cell filled."""
        return max(0, self.completes - self.target)
