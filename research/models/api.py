"""API tokens of a study and the idempotency records of API submissions."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, UTCDateTime, utcnow

TOKEN_NAME_MAX = 120
IDEMPOTENCY_KEY_MAX = 200


class ApiToken(db.Model):
    """A bearer token that lets a program collect responses for one study's surveys."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    #: What the token is for ("CATI system", "kiosk app").
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    #: SHA-256 of the token; the token itself is shown once, at creation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Revoked tokens are refused but kept, so the audit trail stays readable.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    study = relationship("Study")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(db.Model):
    """The outcome of an API submission, stored under the client's ``Idempotency-Key``.

    The row is inserted in the same transaction as the submission's effect, so a retry
    either finds the whole outcome (and gets the same answer) or nothing at all.
    """

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("api_token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_MAX))
    #: SHA-256 of method, path and body: the same key with another request is refused (422).
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body = mapped_column(JSONDocument, nullable=False)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
