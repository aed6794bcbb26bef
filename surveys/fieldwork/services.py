"""Fieldwork operations: open, close, access settings, personal links. Functions flush; the
caller commits."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from research.exceptions import DomainError
from research.extensions import db
from research.models.types import utcnow
from surveys.collect.access import new_public_key
from surveys.models import RespondentInvitation
from surveys.models.fieldwork import hash_token, new_token

#: At most this many personal links per request (a CSV of them is the answer).
MAX_LINKS_AT_ONCE = 5000


def open_fieldwork(survey) -> None:
    """Start (or resume) collecting answers on the newest published version."""
    if survey.published_version is None:
        raise DomainError(_l("Publish the questionnaire before opening fieldwork."))
    if survey.closes_at is not None and survey.closes_at <= utcnow():
        raise DomainError(_l("The closing date has passed; change it before reopening."),
                          field="closes_at")
    survey.public_key = survey.public_key or new_public_key()
    survey.status = "live"
    survey.opened_at = survey.opened_at or utcnow()
    survey.closed_at = None
    db.session.flush()


def close_fieldwork(survey) -> None:
    """Stop collecting: links show the closed page; answers already given are kept."""
    if survey.status != "live":
        raise DomainError(_l("Fieldwork is not open."))
    survey.status = "closed"
    survey.closed_at = utcnow()
    db.session.flush()


def update_access(survey, *, open_link: bool, closes_at: datetime | None,
                  max_completes: int | None, abandon_after_minutes: int,
                  password: str | None = None, clear_password: bool = False) -> None:
    """Change who may answer and when collection stops."""
    survey.open_link = open_link
    survey.closes_at = closes_at
    survey.max_completes = max_completes
    survey.abandon_after_minutes = abandon_after_minutes
    if clear_password:
        survey.access_password_hash = None
    elif password:
        survey.access_password_hash = generate_password_hash(password)
    db.session.flush()


def create_invitations(survey, creator, labels: list, *, valid_from=None, valid_until=None,
                       max_uses: int = 1) -> list:
    """Personal links, one per label; returns ``[(invitation, token)]``.

    The tokens are returned once, here: only their hashes are stored.
    """
    if not labels:
        raise DomainError(_l("Give at least one respondent (or a number of links)."))
    if len(labels) > MAX_LINKS_AT_ONCE:
        raise DomainError(_l("At most %(n)d links at once.", n=MAX_LINKS_AT_ONCE))
    if valid_from and valid_until and valid_until <= valid_from:
        raise DomainError(_l("The link must stop working after it starts."),
                          field="valid_until")
    made = []
    for label in labels:
        token = new_token()
        invitation = RespondentInvitation(
            survey_id=survey.id, token_hash=hash_token(token), label=label[:200],
            valid_from=valid_from, valid_until=valid_until, max_uses=max_uses, uses=0,
            created_by_id=creator.id)
        db.session.add(invitation)
        made.append((invitation, token))
    db.session.flush()
    return made
