"""Bearer-token authentication of API requests."""
from __future__ import annotations

import functools
from datetime import timedelta

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from research.extensions import db
from research.models.api import ApiToken
from research.models.types import utcnow
from surveys.models.fieldwork import hash_token

from .errors import ApiError

#: ``last_used_at`` is written at most this often per token: an UPDATE on every request
#: would make every request a write (and serialise them all on SQLite).
TOUCH_INTERVAL = timedelta(minutes=1)
#: Tokens we hand out are 43 characters; anything much longer is not one of ours.
TOKEN_MAX = 200


def _bearer_token() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > TOKEN_MAX:
        return None
    return value


def authenticate() -> ApiToken:
    """The active token of the request; 401 without one."""
    secret = _bearer_token()
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))) \
        if secret else None
    if token is None:
        raise ApiError(401, "unauthorized",
                       _("Send a valid API token: Authorization: Bearer <token>."))
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        # Its own small transaction, so that the mark survives a refused request.
        db.session.execute(
            update(ApiToken).where(ApiToken.id == token.id, or_(
                ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_INTERVAL))
            .values(last_used_at=now).execution_options(synchronize_session=False))
        db.session.commit()
    return token


def token_required(view):
    """Run ``view`` only for a request with an active token (``g.api_token``)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.api_token = authenticate()
        return view(*args, **kwargs)
    return wrapped
