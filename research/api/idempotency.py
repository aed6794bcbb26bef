"""Idempotent POSTs: one effect per ``Idempotency-Key``, the same answer to every retry.

The record is inserted *before* the effect, in the same transaction, and completed with the
outcome before the commit. A concurrent request with the same key then waits on the unique
constraint (PostgreSQL) or on the write lock (SQLite) until the first commits, fails to insert,
rolls back and answers with the stored outcome: whatever the timing, one effect. If the first
request is refused (a 4xx: validation, closed survey, stale step) its transaction rolls back,
the record with it, and the key stays free: only outcomes that changed something are kept.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Callable, NamedTuple

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from research.extensions import db
from research.models.api import IDEMPOTENCY_KEY_MAX, IdempotencyRecord

from .errors import ApiError

HEADER = "Idempotency-Key"
#: Printable ASCII (space to tilde): what survives every HTTP stack unchanged.
KEY_PATTERN = re.compile(r"[\x20-\x7e]{1,%d}" % IDEMPOTENCY_KEY_MAX)


class Outcome(NamedTuple):
    """What an effect answers: stored under the key and sent to the client."""

    status: int
    body: dict
    response_id: int | None = None


def key_from_request() -> str:
    """The request's Idempotency-Key; 400 when it is missing or malformed."""
    key = request.headers.get(HEADER)
    if key is None:
        raise ApiError(400, "idempotency_key_required",
                       _("Every POST needs an Idempotency-Key header (a unique value per "
                         "submission, e.g. a UUID, sent again on every retry)."))
    if not KEY_PATTERN.fullmatch(key):
        raise ApiError(400, "invalid_idempotency_key",
                       _("The Idempotency-Key must be 1 to %(max)d printable ASCII characters.",
                         max=IDEMPOTENCY_KEY_MAX))
    return key


def fingerprint(body) -> str:
    """SHA-256 of the method, the path and the (canonical) JSON body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    text = f"{request.method} {request.path}\n{canonical}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(token_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.api_token_id == token_id, IdempotencyRecord.key == key))


def _replay(record: IdempotencyRecord, print_: str):
    if record.fingerprint != print_:
        raise ApiError(422, "idempotency_key_reused",
                       _("This Idempotency-Key was already used for another request. Use a new "
                         "key for a new submission."))
    return respond(Outcome(record.status_code, record.body, record.response_id), replayed=True)


def respond(outcome: Outcome, *, replayed: bool = False):
    response = jsonify(outcome.body)
    response.status_code = outcome.status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    if outcome.status == 201 and outcome.response_id is not None:
        response.headers["Location"] = url_for("api.get_response",
                                               response_id=outcome.response_id)
    return response


def run_once(token_id: int, key: str, body, effect: Callable[[], Outcome]):
    """Run ``effect`` once per (token, key) and commit it with its record; a Flask response.

    ``effect`` flushes and raises :class:`ApiError` to refuse (nothing is stored then).
    """
    print_ = fingerprint(body)
    record = _stored(token_id, key)
    if record is not None:
        return _replay(record, print_)
    record = IdempotencyRecord(api_token_id=token_id, key=key, fingerprint=print_,
                               status_code=0, body={})
    db.session.add(record)
    try:
        db.session.flush()  # claims the key: a concurrent twin waits here, then fails
    except IntegrityError:
        db.session.rollback()
        record = _stored(token_id, key)
        if record is None:  # the twin was refused and rolled back meanwhile: never stored
            raise ApiError(409, "conflict", _("A request with this Idempotency-Key was being "
                                              "processed at the same time. Send it again."))
        return _replay(record, print_)
    outcome = effect()
    record.status_code, record.body, record.response_id = outcome
    db.session.commit()
    return respond(outcome)
