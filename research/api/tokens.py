"""API tokens of a study: create (the secret is returned once) and revoke."""
from __future__ import annotations

from sqlalchemy import select

from research.extensions import db
from research.models.api import ApiToken
from research.models.types import utcnow
from surveys.models.fieldwork import hash_token, new_token


def study_tokens(study) -> list:
    """The study's tokens, newest first (revoked ones too: they stay for the record)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.study_id == study.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create_token(study, user, name: str) -> tuple:
    """``(token row, secret)``: only the secret's hash is stored, so show it now or never."""
    secret = new_token()
    token = ApiToken(study_id=study.id, name=name, token_hash=hash_token(secret),
                     created_by_id=user.id)
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token) -> None:
    """Refuse the token from now on (revoking twice keeps the first date)."""
    token.revoked_at = token.revoked_at or utcnow()
    db.session.flush()
