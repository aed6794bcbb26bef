"""Researcher accounts, invitations and site-wide settings."""
import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from research.extensions import db
from research.models.types import JSONDocument, TimestampMixin, UTCDateTime, utcnow

EMAIL_MAX = 254
NAME_MAX = 120


class User(UserMixin, TimestampMixin, db.Model):
    """A person who logs in: researcher, admin (and later interviewer or client)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case so that look-ups ignore case.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    #: Display name shown to colleagues.
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: werkzeug hash (scrypt); the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Admins manage accounts and the registration setting.
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: Deactivated accounts cannot log in; their data stays.
    active: Mapped[bool] = mapped_column(default=True)
    #: Preferred UI language; None means "use the browser's".
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Last successful login (UTC).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships = relationship("StudyMember", back_populates="user",
                               cascade="all, delete-orphan")

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


def hash_token(token):
    """Tokens are stored hashed, so a database leak does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TimestampMixin, db.Model):
    """A link that lets someone register (invite-only mode) and/or join a study."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who is invited; the registration form is pre-filled with it.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    #: The study to join on acceptance; None for a plain account invitation.
    study_id: Mapped[int | None] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"))
    #: The role in that study.
    role: Mapped[str | None] = mapped_column(String(20))
    #: SHA-256 of the URL token (128+ bits of randomness).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    study = relationship("Study", back_populates="invitations")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(24)

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > utcnow()


class SiteSetting(db.Model):
    """Settings admins change at run time (e.g. the registration mode)."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value = mapped_column(JSONDocument, nullable=False)
    #: Free-text note on why it was set (shown to admins).
    note: Mapped[str | None] = mapped_column(Text)
