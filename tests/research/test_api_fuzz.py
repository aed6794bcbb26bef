"""Fuzzing the JSON API: malformed submissions never give a 5xx or store anything half.

Hypothesis sends generated requests to the whole-response and page endpoints: random JSON
values and bytes, answers of the wrong JSON type, unknown variables, codes outside the option
lists, strings over 10,000 characters, bad Idempotency-Keys. Over 2,000 requests in all. The
properties:

* the status is one the API documents for the request (never a 5xx; the app runs with
  ``TESTING``, so an unexpected exception fails the test at once);
* a refused whole response leaves no Response row (and no idempotency record);
* a refused page submit leaves the response exactly as it was (answers, page, status, step).
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from research.extensions import db
from research.models.api import IdempotencyRecord
from surveys.models import Response
from tests.research.test_api import ADULT, ADULT_PAGES, Api, new_secret  # noqa: F401
from tests.research.test_api import owner, survey  # noqa: F401  (fixtures)
from tests.fuzz_support import fuzz_examples

FUZZ = dict(deadline=None, database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
REFUSED = {400, 409, 413, 422}
#: Variables of the questionnaire that hold option codes, with their valid codes.
CODED = {"CONSENT": {1}, "GENDER": {1, 2}, "BUYS": {1, 2}, "OFFER": {1, 2},
         "RATE_r1": {1, 2, 3}, "RATE_r2": {1, 2, 3}, "RATE_r3": {1, 2, 3},
         "BRANDS_1": {0, 1}, "BRANDS_3": {0, 1}}

json_scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=10)
huge_text = st.builds(lambda char, size: char * size,
                      st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), st.integers(10_001, 30_000))
variable_names = st.sampled_from(sorted(ADULT))


@pytest.fixture
def api(client, survey, owner):  # noqa: F811
    return Api(client, new_secret(survey.study, owner))


def counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count(Response.id))),
            db.session.scalar(select(func.count(IdempotencyRecord.id))))


def snapshot(response_id):
    db.session.expire_all()
    row = db.session.get(Response, response_id)
    return (row.status, row.step, row.page_index, dict(row.answers), row.updated_at)


def whole(api, survey, body, **kwargs):  # noqa: F811
    """Send a whole-response body; check the all-or-nothing property; the HTTP response."""
    before = counts()
    response = api.post(f"/surveys/{survey.id}/responses", body, **kwargs)
    after = counts()
    if response.status_code == 201:
        assert after == (before[0] + 1, before[1] + 1)
    else:
        assert response.status_code in REFUSED, response.get_json()
        assert after == before, response.get_json()
    return response


def refused_whole(api, survey, answers, **extra):  # noqa: F811
    response = whole(api, survey, {"answers": answers, "version": 1, **extra})
    assert response.status_code == 422, response.get_json()
    return response.get_json()


# --- whole responses ----------------------------------------------------------------------------

@settings(max_examples=fuzz_examples(350), **FUZZ)
@given(body=json_values)
def test_random_json_bodies(api, survey, body):  # noqa: F811
    whole(api, survey, body)


@settings(max_examples=fuzz_examples(150), **FUZZ)
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes(api, survey, raw):  # noqa: F811
    whole(api, survey, None, raw=raw)


@settings(max_examples=fuzz_examples(300), **FUZZ)
@given(name=variable_names, value=json_values)
def test_answers_of_the_wrong_type(api, survey, name, value):  # noqa: F811
    answers = {**ADULT, name: value}
    whole(api, survey, {"answers": answers, "version": 1})


@settings(max_examples=fuzz_examples(250), **FUZZ)
@given(extra=st.dictionaries(st.text(min_size=1, max_size=100), json_values, min_size=1,
                             max_size=5))
def test_unknown_variables(api, survey, extra):  # noqa: F811
    unknown = {name: value for name, value in extra.items() if name not in ADULT}
    if not unknown:
        return
    body = refused_whole(api, survey, {**ADULT, **unknown})
    assert {detail["variable"] for detail in body["details"]} == set(unknown)


@settings(max_examples=fuzz_examples(300), **FUZZ)
@given(name=st.sampled_from(sorted(CODED)), code=st.integers(-10**6, 10**6)
       | st.floats(allow_nan=False, allow_infinity=False))
def test_codes_outside_the_options(api, survey, name, code):  # noqa: F811
    if code in CODED[name]:
        return
    body = refused_whole(api, survey, {**ADULT, name: code})
    assert name in {detail["variable"] for detail in body["details"]}


@settings(max_examples=fuzz_examples(120), **FUZZ)
@given(name=variable_names, text=huge_text)
def test_huge_strings(api, survey, name, text):  # noqa: F811
    body = refused_whole(api, survey, {**ADULT, name: text})
    assert all(len(detail["message"]) < 400 for detail in body["details"])


@settings(max_examples=fuzz_examples(250), **FUZZ)
@given(key=st.text(st.characters(max_codepoint=255, blacklist_characters="\r\n"),
                   max_size=260))
def test_bad_idempotency_keys(api, survey, key):  # noqa: F811
    well_formed = 1 <= len(key) <= 200 and all(" " <= char <= "~" for char in key)
    response = whole(api, survey, {"answers": {**ADULT, "AGE": 5}, "version": 1}, key=None,
                     headers={"Idempotency-Key": key})
    expected = 422 if well_formed else 400
    assert response.status_code == expected, (key, response.get_json())


# --- page submits -------------------------------------------------------------------------------

class Interview:
    """The interview the page fuzzing works on (a new one once a random page is accepted)."""

    def __init__(self, api, survey):  # noqa: F811
        self.api, self.survey = api, survey
        self.start()

    def start(self):
        state = self.api.start(self.survey).get_json()
        self.id, self.step = state["id"], state["step"]

    def submit(self, body, **kwargs):
        before = snapshot(self.id)
        records = counts()[1]
        response = self.api.post(f"/responses/{self.id}/pages", body, **kwargs)
        if response.status_code == 200:
            self.start()
        else:
            assert response.status_code in REFUSED, response.get_json()
            assert snapshot(self.id) == before
            assert counts()[1] == records
        return response


@pytest.fixture
def interview(api, survey):  # noqa: F811
    return Interview(api, survey)


@settings(max_examples=fuzz_examples(250), **FUZZ)
@given(answers=st.dictionaries(st.sampled_from(sorted(ADULT_PAGES[0]) + ["OFFER", "AB", "x"]),
                               json_values, max_size=6))
def test_random_page_answers(interview, answers):
    interview.submit({"step": interview.step, "answers": answers})


@settings(max_examples=fuzz_examples(250), **FUZZ)
@given(body=json_values, step=st.none() | st.integers(-5, 2**40))
def test_random_page_bodies_and_steps(interview, body, step):
    if step is not None and isinstance(body, dict):
        body = {**body, "step": step}
    interview.submit(body)


@settings(max_examples=fuzz_examples(100), **FUZZ)
@given(name=st.sampled_from(sorted(ADULT_PAGES[0])), text=huge_text)
def test_huge_strings_on_a_page(interview, name, text):
    response = interview.submit({"step": interview.step,
                                 "answers": {**ADULT_PAGES[0], name: text}})
    assert response.status_code == 422


def _total_examples() -> int:
    tests = [value for name, value in globals().items()
             if name.startswith("test_") and hasattr(value, "hypothesis")]
    return sum(test._hypothesis_internal_use_settings.max_examples for test in tests)


def test_over_two_thousand_examples_in_all():
    assert _total_examples() >= fuzz_examples(2000)


def test_valid_interview_still_completes_after_the_noise(api, survey):  # noqa: F811
    """The fixtures are sound: the same requests, well formed, are accepted."""
    assert whole(api, survey, {"answers": ADULT, "version": 1}).status_code == 201
    state = api.start(survey).get_json()
    for answers in ADULT_PAGES:
        state = api.page(state["id"], state["step"], answers).get_json()
    assert state["status"] == "complete"
