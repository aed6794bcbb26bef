"""Idempotency under load, over real HTTP, on PostgreSQL (``--db postgresql`` only).

20 client threads submit 50 whole responses each to a threaded server. Every submission is
sent several times under its own Idempotency-Key, the way unreliable networks and impatient
clients do it: plain retries, two copies at once, and a first copy abandoned by a client-side
timeout while the server is still working on it. Afterwards there is exactly one Response per
key, and every copy that got an answer got the same one.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from research import create_app
from research.api import tokens
from research.extensions import db
from research.models.api import IdempotencyRecord
from surveys.models import Response
from tests.collect_support import live_survey
from tests.live_server import QuietRequestHandler, serve
from tests.research.test_api import ADULT

THREADS, SUBMISSIONS = 20, 50
#: A client that gives up this fast leaves the server working on the request.
IMPATIENT = 0.002
PATIENT = 60


@pytest.fixture(autouse=True)
def postgresql_only(request):
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("the reliability test runs with --db postgresql")


class SilentRequestHandler(QuietRequestHandler):
    def log_error(self, format, *args):
        pass  # clients that time out on purpose break their connections


@pytest.fixture
def base_url(app, migrated_database):
    live = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": migrated_database,
                       "MAIL_SERVER": None,
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 10}})
    with serve(live, "api-reliability", SilentRequestHandler) as url:
        yield url
    with live.app_context():
        db.engine.dispose()


def post(base_url, path, body, headers, timeout):
    """``(status, JSON body)``, or None when the client gave up waiting."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", path, body=json.dumps(body),
                           headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    except (socket.timeout, TimeoutError, ConnectionError):
        return None
    finally:
        connection.close()


def submission_body(thread: int, number: int) -> dict:
    age = 16 if number % 10 == 0 else 20 + (thread + number) % 60  # some are screened out
    return {"answers": {**ADULT, "AGE": age, "GENDER": 1 + number % 2}, "version": 1}


def test_every_key_has_exactly_one_effect_and_one_answer(base_url, owner_survey):
    survey_id, secret = owner_survey
    path = f"/api/v1/surveys/{survey_id}/responses"
    answers: dict = {}  # key -> [(status, body)] of every copy that got an answer
    lock = threading.Lock()
    failures = []

    def send(key, body, timeout=PATIENT):
        got = post(base_url, path, body, {"Authorization": f"Bearer {secret}",
                                          "Idempotency-Key": key}, timeout)
        if got is not None:
            with lock:
                answers[key].append(got)

    def client(thread):
        try:
            for number in range(SUBMISSIONS):
                key = f"t{thread}-n{number}-{uuid.uuid4()}"
                body = submission_body(thread, number)
                with lock:
                    answers[key] = []
                style = number % 3
                if style == 0:  # a plain retry
                    send(key, body)
                    send(key, body)
                elif style == 1:  # two copies at once, then a late retry
                    twin = threading.Thread(target=send, args=(key, body))
                    twin.start()
                    send(key, body)
                    twin.join()
                    send(key, body)
                else:  # the first copy times out on the client; the server goes on
                    send(key, body, timeout=IMPATIENT)
                    send(key, body)
                    send(key, body)
        except Exception as error:  # reported below: an exception in a thread is silent
            failures.append(repr(error))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures[:5]
    assert len(answers) == THREADS * SUBMISSIONS

    ids = set()
    for key, copies in answers.items():
        assert len(copies) >= 2, key  # every style ends with at least two patient copies
        statuses = {status for status, _body in copies}
        assert statuses == {201}, (key, copies[0])
        bodies = {json.dumps(body, sort_keys=True) for _status, body in copies}
        assert len(bodies) == 1, key
        ids.add(copies[0][1]["id"])

    db.session.expire_all()
    assert db.session.scalar(select(func.count(Response.id))) == THREADS * SUBMISSIONS
    assert set(db.session.scalars(select(Response.id))) == ids
    records = db.session.execute(select(IdempotencyRecord.key, IdempotencyRecord.response_id))
    assert {key: response_id for key, response_id in records} == {
        key: copies[0][1]["id"] for key, copies in answers.items()}
    statuses = dict(db.session.execute(select(Response.status, func.count())
                                       .group_by(Response.status)).all())
    assert statuses == {"complete": 900, "screened_out": 100}


@pytest.fixture
def owner_survey(make_user):
    owner = make_user()
    survey = live_survey(owner)
    token, secret = tokens.create_token(survey.study, owner, "Load test")
    db.session.commit()
    return survey.id, secret
