"""Who may answer: open links, personal invitation links, resume tokens, survey availability.

Tokens are 256 random bits in URLs; only their SHA-256 is stored. An anonymous respondent's
interview is found again through a signed cookie holding its resume token, or through the
resume link shown on request. Starting with the open link derives the resume token from a
one-time nonce of the start form, so a double click on "Start" finds the interview the first
click created instead of making a second one.
"""
from __future__ import annotations

import hashlib
import hmac
import base64
import secrets
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from research.extensions import db
from research.models.types import utcnow
from surveys.models import RespondentInvitation, Response, Survey
from surveys.models.fieldwork import hash_token

#: Why a survey takes no answers: shown to the respondent on the closed page.
NOT_OPEN, CLOSED = "not_open", "closed"
#: Days the resume cookie of an open-link interview is kept.
RESUME_COOKIE_DAYS = 30


def survey_by_key(public_key: str) -> Survey | None:
    if not public_key or len(public_key) > 32:
        return None
    return db.session.scalar(select(Survey).where(Survey.public_key == public_key))


def unavailable_reason(survey, now: datetime | None = None) -> str | None:
    """None when the survey collects answers now; else NOT_OPEN (a draft: only previewed)
    or CLOSED (closed by hand, at its closing date or after its number of completes)."""
    now = now or utcnow()
    if survey.status == "draft" or survey.published_version is None:
        return NOT_OPEN
    if survey.status == "closed" or (survey.closes_at is not None and now >= survey.closes_at):
        return CLOSED
    return None


def new_public_key() -> str:
    return secrets.token_urlsafe(12)  # 96 bits: the open link is public anyway


# --- resume tokens of open-link interviews -------------------------------------------------------

def new_start_nonce() -> str:
    return secrets.token_urlsafe(16)


def resume_token_for(survey_id: int, nonce: str) -> str:
    """The resume token of the interview started with the start form's ``nonce``.

    Derived with HMAC from the app's secret key: the same nonce always gives the same token
    (a repeated start finds its interview), and nobody without the key can derive one.
    """
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"resume:{survey_id}:{nonce}".encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")


def response_by_resume_token(survey_id: int, token: str | None) -> Response | None:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(Response).where(Response.token_hash == hash_token(token),
                                                    Response.survey_id == survey_id))


def _cookie_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="anketa-resume")


def resume_cookie_name(survey) -> str:
    return f"anketa_resume_{survey.id}"


def sign_resume_token(token: str) -> str:
    return _cookie_serializer().dumps(token)


def unsign_resume_token(value: str | None) -> str | None:
    if not value:
        return None
    try:
        token = _cookie_serializer().loads(value)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


# --- personal links ----------------------------------------------------------------------------

def invitation_by_token(token: str | None) -> RespondentInvitation | None:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(RespondentInvitation).where(
        RespondentInvitation.token_hash == hash_token(token)))


def take_invitation_use(invitation) -> bool:
    """Count one more interview on the link, atomically; False when it has no uses left.

    ``uses = uses + 1 WHERE uses < max_uses`` lets exactly one of two concurrent starts
    through on a single-use link.
    """
    result = db.session.execute(
        update(RespondentInvitation)
        .where(RespondentInvitation.id == invitation.id,
               RespondentInvitation.uses < RespondentInvitation.max_uses)
        .values(uses=RespondentInvitation.uses + 1)
        .execution_options(synchronize_session=False))
    db.session.refresh(invitation)
    return result.rowcount == 1
