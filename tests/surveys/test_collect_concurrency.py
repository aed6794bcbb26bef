"""Concurrent submits: one interview per start, one application per page, exact quota counts.

Threads send requests through their own test clients at the same time, so the database (not
the test) decides the order. These run on both backends; CI runs them on PostgreSQL too.
"""
import threading

import pytest
from sqlalchemy import select

from research.extensions import db
from surveys.fieldwork.quotas import create_quota
from surveys.models import QuotaCell, Response
from tests.collect_support import ADULT_PAGES, Respondent, live_survey


@pytest.fixture
def survey(make_user):
    return live_survey(make_user(email="owner@example.org"))


def run_together(functions):
    """Run the callables in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = []

    def work(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as error:  # reported below, with the thread's traceback
            errors.append(error)

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def test_the_same_page_sent_eight_times_at_once_is_applied_once(app, survey):
    client = app.test_client()
    respondent = Respondent(client, f"/s/{survey.public_key}")
    respondent.start()
    state = respondent.page_state()
    before = db.session.scalar(select(Response.step))

    def send():
        return respondent.submit(ADULT_PAGES[0], state=state).status_code

    codes = run_together([send] * 8)
    assert codes == [303] * 8
    db.session.expire_all()
    (response,) = db.session.scalars(select(Response)).all()
    assert response.page_index == 1
    assert response.step == before + 1
    assert response.answers["AGE"] == 34


def test_concurrent_completions_keep_quota_counters_exact(app, survey):
    create_quota(survey, "Gender", ["GENDER"], 3)
    db.session.commit()
    respondents = [Respondent(app.test_client(), f"/s/{survey.public_key}") for _ in range(10)]
    for respondent in respondents:
        respondent.start()
        respondent.submit(ADULT_PAGES[0])
        respondent.submit(ADULT_PAGES[1])

    def finish(respondent):
        return lambda: respondent.submit(ADULT_PAGES[2]).status_code

    assert run_together([finish(r) for r in respondents]) == [303] * 10
    db.session.expire_all()
    completes = db.session.scalars(select(Response).where(Response.status == "complete")).all()
    women = db.session.scalar(select(QuotaCell).where(QuotaCell.label == "Female"))
    # All ten were past the quota question when the cell filled: they complete (overshoot),
    # and the counter holds every one of them exactly.
    assert len(completes) == 10
    assert women.completes == 10 and women.overshoot == 7
    # The next woman is stopped at the quota question.
    late = Respondent(app.test_client(), f"/s/{survey.public_key}")
    late.start()
    late.submit(ADULT_PAGES[0])
    db.session.expire_all()
    statuses = sorted(db.session.scalars(select(Response.status)).all())
    assert statuses.count("over_quota") == 1


def test_concurrent_starts_with_one_nonce_make_one_interview(app, survey):
    from tests.collect_support import hidden_fields
    client = app.test_client()
    url = f"/s/{survey.public_key}"
    fields = hidden_fields(client.get(url).get_data(as_text=True))
    data = {"csrf_token": fields["csrf_token"], "nonce": fields["nonce"], "language": "en"}
    codes = run_together([lambda: client.post(url + "/start", data=data).status_code] * 6)
    assert codes == [303] * 6
    db.session.expire_all()
    assert len(db.session.scalars(select(Response)).all()) == 1
