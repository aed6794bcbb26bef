"""The JSON collection API over HTTP (real app, real database: ``--db sqlite|postgresql``).

Every JSON answer the tests receive is checked against the response schema that
``research/api/openapi.json`` documents for its path, method and status (:class:`Api`).
"""
from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from research.api import schemas, tokens
from research.extensions import db
from research.models.api import ApiToken, IdempotencyRecord
from research.models.types import utcnow
from surveys.fieldwork.quotas import create_quota
from surveys.fieldwork.services import close_fieldwork
from surveys.models import Response
from tests.collect_support import Respondent, live_survey

PREFIX = "/api/v1"
SPEC = schemas.spec()
_REGISTRY = Registry().with_resource(
    "urn:test:openapi", Resource.from_contents(SPEC, default_specification=DRAFT202012))

#: A whole valid response (an adult woman who buys coffee) as JSON answers.
ADULT = {"CONSENT": 1, "GENDER": 2, "AGE": 34, "BUYS": 1, "BRANDS_1": 1, "BRANDS_3": 1,
         "RATE_r1": 3, "RATE_r2": 2, "RATE_r3": 1, "OFFER": 1, "COMMENT": "Fine coffee"}
#: The same, page by page.
ADULT_PAGES = [{"CONSENT": 1, "GENDER": 2, "AGE": 34, "BUYS": 1},
               {"BRANDS_1": 1, "BRANDS_3": 1, "RATE_r1": 3, "RATE_r2": 2, "RATE_r3": 1},
               {"OFFER": 1, "COMMENT": "Fine coffee"}]


# --- checking answers against the OpenAPI description ----------------------------------------

def resolve(node: dict) -> dict:
    """Follow a local ``$ref`` (``#/components/...``)."""
    while isinstance(node, dict) and "$ref" in node:
        target = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operation(method: str, path: str) -> dict:
    for template, item in SPEC["paths"].items():
        pattern = "^" + re.escape(PREFIX) + re.sub(r"\\\{[^}]+\\\}", "[^/]+",
                                                   re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI description")


def conforms(method: str, path: str, response) -> None:
    """Fail unless the response's status and JSON body are documented for the operation."""
    operation = _operation(method, path.split("?")[0])
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method} {path}: status {response.status_code} is not documented "
        f"({response.get_data(as_text=True)[:300]})")
    schema = resolve(documented)["content"]["application/json"]["schema"]
    validator = Draft202012Validator({"$ref": "urn:test:openapi" + schema["$ref"]}
                                     if "$ref" in schema else schema, registry=_REGISTRY)
    errors = [error.message[:200] for error in validator.iter_errors(response.get_json())]
    assert not errors, f"{method} {path} {response.status_code}: {errors}"


class Api:
    """A program using the API with a bearer token; every JSON answer is checked."""

    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def send(self, method, path, body=None, *, key="new", token="default", raw=None,
             content_type="application/json", headers=None):
        sent = dict(headers or {})
        token = self.secret if token == "default" else token
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if method == "POST" and key is not None:
            sent["Idempotency-Key"] = uuid.uuid4().hex if key == "new" else key
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.open(PREFIX + path, method=method, data=data, headers=sent,
                                    content_type=content_type if data is not None else None)
        assert response.is_json, (response.status_code, response.get_data(as_text=True)[:300])
        conforms(method, PREFIX + path, response)
        return response

    def get(self, path, **kwargs):
        return self.send("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.send("POST", path, body, **kwargs)

    def start(self, survey, key="new", **body):
        return self.post(f"/surveys/{survey.id}/responses", body, key=key)

    def submit(self, survey, answers, version=1, key="new", **body):
        return self.post(f"/surveys/{survey.id}/responses",
                         {"answers": answers, "version": version, **body}, key=key)

    def page(self, response_id, step, answers, **kwargs):
        return self.post(f"/responses/{response_id}/pages", {"step": step, "answers": answers},
                         **kwargs)


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def survey(owner):
    return live_survey(owner)


def new_secret(study, user, name="CATI"):
    token, secret = tokens.create_token(study, user, name)
    db.session.commit()
    return secret


@pytest.fixture
def api(client, survey, owner):
    return Api(client, new_secret(survey.study, owner))


def response_count(**where) -> int:
    db.session.expire_all()
    query = select(func.count(Response.id))
    for name, value in where.items():
        query = query.where(getattr(Response, name) == value)
    return db.session.scalar(query)


def record_count() -> int:
    return db.session.scalar(select(func.count(IdempotencyRecord.id)))


def stored(response_id) -> Response:
    db.session.expire_all()
    return db.session.get(Response, response_id)


# --- the description itself --------------------------------------------------------------------

def test_openapi_description_is_well_formed():
    """A structural check (openapi-spec-validator is not a dependency; see the next test)."""
    assert SPEC["openapi"].startswith("3.1")
    assert {"info", "paths", "components"} <= set(SPEC)
    for name, schema in SPEC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    text = json.dumps(SPEC)
    for ref in set(re.findall(r'"\$ref": "([^"]+)"', text)):
        assert resolve({"$ref": ref}) is not None, ref
    for template, item in SPEC["paths"].items():
        declared = set(re.findall(r"\{([^}]+)\}", template))
        for method, operation in item.items():
            parameters = [resolve(p) for p in operation.get("parameters", [])]
            assert declared == {p["name"] for p in parameters if p["in"] == "path"}, template
            assert operation["responses"] and operation["operationId"]
            for status, documented in operation["responses"].items():
                content = resolve(documented)["content"]
                assert "application/json" in content, (template, method, status)
            if method == "post":
                assert "IdempotencyKey" in json.dumps(operation["parameters"])


def test_openapi_description_passes_the_official_validator():
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(SPEC)


def test_the_description_is_served(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.get_json() == SPEC


def test_request_schemas_match_the_documented_examples():
    schemas.check("ResponseRequest", {"language": "en"})
    schemas.check("ResponseRequest", {"answers": {"Q1": 1}, "version": 2})
    schemas.check("PageRequest", {"step": 3, "answers": {}})


# --- tokens -------------------------------------------------------------------------------------

def test_owner_creates_a_token_shown_once_and_it_works(logged_in, make_study, app):
    web, user = logged_in
    survey = live_survey(user)
    page = web.get(f"/studies/{survey.study_id}/api-tokens")
    assert page.status_code == 200 and "no API tokens yet" in page.get_data(as_text=True)
    created = web.post(f"/studies/{survey.study_id}/api-tokens", {"name": "Kiosk app"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="api-token"[^>]*value="([^"]+)"', created.get_data(as_text=True))[1]
    (token,) = db.session.scalars(select(ApiToken)).all()
    assert token.name == "Kiosk app" and secret not in token.token_hash
    listing = web.get(f"/studies/{survey.study_id}/api-tokens").get_data(as_text=True)
    assert "Kiosk app" in listing and secret not in listing and "never" in listing
    api = Api(app.test_client(), secret)
    assert api.get(f"/surveys/{survey.id}/questionnaire").status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert "never" not in web.get(f"/studies/{survey.study_id}/api-tokens").get_data(
        as_text=True)


def test_study_page_links_owners_to_the_tokens(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    html = web.get(f"/studies/{study.id}").get_data(as_text=True)
    assert f"/studies/{study.id}/api-tokens" in html


def test_token_names_are_validated(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    assert web.post(f"/studies/{study.id}/api-tokens", {"name": "  "}).status_code == 422
    assert web.post(f"/studies/{study.id}/api-tokens", {"name": "x" * 121}).status_code == 422
    assert web.post(f"/studies/{study.id}/api-tokens", {"name": "ok"},
                    csrf=False).status_code == 400
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_revoking_needs_csrf_and_then_the_token_is_refused(logged_in, app):
    web, user = logged_in
    survey = live_survey(user)
    secret = new_secret(survey.study, user)
    token_id = db.session.scalar(select(ApiToken.id))
    url = f"/studies/{survey.study_id}/api-tokens/{token_id}/revoke"
    assert web.post(url, csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is None
    assert web.post(url).status_code == 303
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    assert "revoked" in web.get(f"/studies/{survey.study_id}/api-tokens").get_data(as_text=True)
    refused = Api(app.test_client(), secret).get(f"/surveys/{survey.id}/questionnaire")
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("role, status", [(None, 404), ("viewer", 403), ("editor", 403),
                                          ("interviewer", 403)])
def test_only_owners_manage_tokens(web, make_user, make_study, role, status):
    owner = make_user()
    other = make_user(email="other@example.org")
    study = make_study(owner, members={other: role} if role else None)
    secret = new_secret(study, owner)
    token_id = db.session.scalar(select(ApiToken.id))
    web.login(other.email, "correct horse battery")
    assert web.get(f"/studies/{study.id}/api-tokens").status_code == status
    assert web.post(f"/studies/{study.id}/api-tokens", {"name": "x"}).status_code == status
    assert web.post(f"/studies/{study.id}/api-tokens/{token_id}/revoke").status_code == status
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1 and secret


def test_a_token_of_another_study_cannot_be_revoked_here(logged_in, make_study, make_user):
    web, user = logged_in
    mine, theirs = make_study(user), make_study(make_user())
    new_secret(theirs, user)
    token_id = db.session.scalar(select(ApiToken.id))
    assert web.post(f"/studies/{mine.id}/api-tokens/{token_id}/revoke").status_code == 404


# --- authentication and reach -------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz",
                                    "Bearer not-a-token", "Bearer " + "x" * 5000])
def test_requests_without_a_valid_token_get_401(client, survey, header):
    headers = {"Authorization": header} if header is not None else {}
    for method, path in [("GET", f"/surveys/{survey.id}/questionnaire"),
                         ("POST", f"/surveys/{survey.id}/responses")]:
        response = client.open(PREFIX + path, method=method, headers=headers, json={})
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        conforms(method, PREFIX + path, response)
    assert response_count() == 0


def test_the_bearer_scheme_is_case_insensitive(client, survey, owner):
    secret = new_secret(survey.study, owner)
    response = client.get(f"{PREFIX}/surveys/{survey.id}/questionnaire",
                          headers={"Authorization": f"bearer {secret}"})
    assert response.status_code == 200


def test_surveys_and_responses_of_other_studies_are_not_found(api, app, survey, make_user):
    stranger = make_user()
    foreign = live_survey(stranger, title="Tea survey")
    foreign_api = Api(app.test_client(), new_secret(foreign.study, stranger))
    theirs = foreign_api.start(foreign).get_json()["id"]
    for call in (lambda: api.get(f"/surveys/{foreign.id}/questionnaire"),
                 lambda: api.start(foreign),
                 lambda: api.get(f"/responses/{theirs}"),
                 lambda: api.page(theirs, 1, {}),
                 lambda: api.get("/surveys/999999/questionnaire"),
                 lambda: api.get("/responses/999999")):
        response = call()
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert response_count(survey_id=survey.id) == 0


def test_web_responses_are_not_reachable_through_the_api(api, client, survey):
    Respondent(client, f"/s/{survey.public_key}").start()
    web_response = db.session.scalar(select(Response.id))
    assert api.get(f"/responses/{web_response}").status_code == 404


def test_last_used_is_written_at_most_once_a_minute(api, survey):
    api.get(f"/surveys/{survey.id}/questionnaire")
    token = db.session.scalar(select(ApiToken))
    first = token.last_used_at
    api.get(f"/surveys/{survey.id}/questionnaire")
    db.session.expire_all()
    assert token.last_used_at == first
    token.last_used_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    api.get(f"/surveys/{survey.id}/questionnaire")
    db.session.expire_all()
    assert token.last_used_at > first - timedelta(seconds=1)


# --- the questionnaire --------------------------------------------------------------------------

def test_questionnaire_gives_version_definition_and_variables(api, survey):
    body = api.get(f"/surveys/{survey.id}/questionnaire").get_json()
    assert body["version"] == 1 and body["survey_id"] == survey.id
    assert body["languages"] == ["en", "ru"] and body["default_language"] == "en"
    assert [q["variable"] for q in body["definition"]["questions"]][:3] == [
        "CONSENT", "GENDER", "AGE"]
    names = {variable["name"] for variable in body["variables"]}
    assert {"AGE", "BRANDS_1", "RATE_r3", "AB"} <= names


def test_a_draft_survey_has_no_questionnaire_to_give(api, survey, owner):
    from surveys.manage.services import create_survey
    draft = create_survey(survey.study, owner, "Draft", "adhoc", "en", [])
    db.session.commit()
    response = api.get(f"/surveys/{draft.id}/questionnaire")
    assert response.status_code == 409 and response.get_json()["error"] == "survey_not_open"
    response = api.start(draft)
    assert response.status_code == 409 and response.get_json()["error"] == "survey_not_open"


# --- page by page -------------------------------------------------------------------------------

def test_an_interview_page_by_page(api, survey):
    started = api.start(survey, language="ru")
    assert started.status_code == 201
    state = started.get_json()
    assert started.headers["Location"].endswith(f"/api/v1/responses/{state['id']}")
    assert state["status"] == "in_progress" and state["language"] == "ru"
    assert state["page"]["number"] == 1 and state["page"]["count"] == 3
    gender = state["page"]["questions"][1]
    assert gender["variable"] == "GENDER" and gender["text"] == "Ваш пол?"
    assert gender["options"] == [{"code": 1, "label": "Мужской"}, {"code": 2, "label": "Женский"}]
    assert gender["required"] is True
    for number, answers in enumerate(ADULT_PAGES, start=1):
        assert state["page"]["number"] == number
        assert {name for q in state["page"]["questions"] for name in q["variables"]} >= set(
            answers)
        response = api.page(state["id"], state["step"], answers)
        assert response.status_code == 200, response.get_json()
        state = response.get_json()
    assert state["status"] == "complete" and state["page"] is None
    assert state["completed_at"] is not None
    assert state["answers"]["BRANDS_2"] == 0 and state["answers"]["AGE"] == 34
    assert api.get(f"/responses/{state['id']}").get_json() == state
    row = stored(state["id"])
    assert row.channel == "api" and row.status == "complete" and row.answers == state["answers"]


def test_piped_texts_show_the_assigned_variant(api, survey):
    state = api.start(survey).get_json()
    for answers in ADULT_PAGES[:2]:
        state = api.page(state["id"], state["step"], answers).get_json()
    offer = state["page"]["questions"][0]
    price = {1: "Low price", 2: "High price"}[state["answers"]["AB"]]
    assert offer["text"] == f"Would you buy it at {price}?"


def test_the_brand_page_is_skipped_for_non_buyers(api, survey):
    state = api.start(survey).get_json()
    state = api.page(state["id"], state["step"], {**ADULT_PAGES[0], "BUYS": 2}).get_json()
    assert state["page"]["number"] == 3
    assert state["answers"].get("BRANDS_1") is None


def test_screen_out_page_by_page(api, survey):
    state = api.start(survey).get_json()
    state = api.page(state["id"], state["step"], {**ADULT_PAGES[0], "AGE": 16}).get_json()
    assert state["status"] == "screened_out" and state["page"] is None
    again = api.page(state["id"], state["step"], ADULT_PAGES[1])
    assert again.status_code == 409 and again.get_json()["error"] == "interview_finished"
    assert again.get_json()["response"]["status"] == "screened_out"


def test_an_invalid_page_is_refused_and_changes_nothing(api, survey):
    state = api.start(survey).get_json()
    before = stored(state["id"])
    snapshot = (before.step, dict(before.answers), before.page_index)
    response = api.page(state["id"], state["step"],
                        {"CONSENT": 1, "GENDER": 7, "AGE": "old", "BUYS": None})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_answers"
    assert {d["variable"] for d in body["details"]} == {"GENDER", "AGE", "BUYS"}
    assert "7 is not one of the answer options." in json.dumps(body)
    after = stored(state["id"])
    assert (after.step, after.answers, after.page_index) == snapshot
    assert record_count() == 1  # only the start


def test_answers_for_another_page_are_refused(api, survey):
    state = api.start(survey).get_json()
    response = api.page(state["id"], state["step"], {**ADULT_PAGES[0], "OFFER": 1, "NOPE": 2})
    assert response.status_code == 422
    assert {d["variable"] for d in response.get_json()["details"]} == {"OFFER", "NOPE"}


def test_validation_messages_follow_the_interview_language(api, survey):
    state = api.start(survey, language="ru").get_json()
    body = api.page(state["id"], state["step"], {"CONSENT": 1, "AGE": 34, "BUYS": 1}).get_json()
    message = body["details"][0]["message"]
    assert body["details"][0]["variable"] == "GENDER" and re.search("[а-я]", message), message


def test_a_stale_step_is_a_conflict_with_the_current_state(api, survey):
    state = api.start(survey).get_json()
    first = api.page(state["id"], state["step"], ADULT_PAGES[0]).get_json()
    repeat = api.page(state["id"], state["step"], {**ADULT_PAGES[0], "GENDER": 1})
    assert repeat.status_code == 409
    body = repeat.get_json()
    assert body["error"] == "stale_step" and body["response"] == first
    assert stored(state["id"]).answers["GENDER"] == 2


# --- whole responses ----------------------------------------------------------------------------

def test_a_whole_response_in_one_request(api, survey):
    response = api.submit(survey, {**ADULT, "COMMENT": None}, language="en")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "complete" and body["ignored"] == [] and body["page"] is None
    row = stored(body["id"])
    assert row.status == "complete" and row.channel == "api" and row.answers["RATE_r1"] == 3
    assert row.answers["COMMENT"] is None and row.answers["AB"] in (1, 2)


def test_answers_to_questions_not_shown_are_ignored_and_listed(api, survey):
    body = api.submit(survey, {**ADULT, "BUYS": 2}).get_json()
    assert body["status"] == "complete"
    assert body["ignored"] == ["BRANDS_1", "BRANDS_3", "RATE_r1", "RATE_r2", "RATE_r3"]
    assert stored(body["id"]).answers.get("BRANDS_1") is None


def test_screen_out_of_a_whole_response(api, survey):
    body = api.submit(survey, {**ADULT, "AGE": 16}).get_json()
    assert body["status"] == "screened_out" and "OFFER" in body["ignored"]
    assert stored(body["id"]).end_cause == "AGE"


def test_quota_of_a_whole_response(api, survey):
    create_quota(survey, "Gender", ["GENDER"], 1)
    db.session.commit()
    assert api.submit(survey, ADULT).get_json()["status"] == "complete"
    assert api.submit(survey, ADULT).get_json()["status"] == "over_quota"
    assert api.submit(survey, {**ADULT, "GENDER": 1}).get_json()["status"] == "complete"
    assert response_count(status="complete") == 2 and response_count(status="over_quota") == 1


def test_an_invalid_whole_response_stores_nothing(api, survey):
    response = api.submit(survey, {**ADULT, "RATE_r2": 9, "COMMENT": "x" * 20_000}, key="k-1")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_answers"
    assert [d["variable"] for d in body["details"]] == ["RATE_r2"]  # the first invalid page
    assert response_count() == 0 and record_count() == 0
    # The key was not used up: the corrected submission goes through with it.
    fixed = api.submit(survey, ADULT, key="k-1")
    assert fixed.status_code == 201 and response_count() == 1


def test_unknown_variables_are_refused(api, survey):
    response = api.submit(survey, {**ADULT, "AGEE": 34, "AB": 1})
    assert response.status_code == 422
    assert {d["variable"] for d in response.get_json()["details"]} == {"AGEE", "AB"}
    assert response_count() == 0


def test_a_questionnaire_language_is_required(api, survey):
    response = api.submit(survey, ADULT, language="de")
    assert response.status_code == 422 and response.get_json()["details"][0]["path"] == "/language"
    assert response_count() == 0


def test_another_version_is_a_conflict(api, survey):
    response = api.submit(survey, ADULT, version=2)
    assert response.status_code == 409 and response.get_json()["error"] == "version_mismatch"
    assert api.start(survey, version=3).status_code == 409
    assert response_count() == 0


@pytest.mark.parametrize("close", ["by_hand", "closing_date"])
def test_a_closed_survey_takes_no_answers(api, survey, close):
    state = api.start(survey).get_json()
    if close == "by_hand":
        close_fieldwork(survey)
    else:
        survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for response in (api.submit(survey, ADULT), api.start(survey),
                     api.page(state["id"], state["step"], ADULT_PAGES[0])):
        assert response.status_code == 409 and response.get_json()["error"] == "survey_closed"
    assert response_count() == 1 and stored(state["id"]).step == state["step"]
    assert api.get(f"/surveys/{survey.id}/questionnaire").get_json()["status"] in (
        "live", "closed")


# --- idempotency --------------------------------------------------------------------------------

def test_a_retry_gets_the_same_answer_and_changes_nothing(api, survey):
    first = api.submit(survey, ADULT, key="retry-1")
    again = api.submit(survey, ADULT, key="retry-1")
    assert again.status_code == first.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Location"] == first.headers["Location"]
    assert response_count() == 1


def test_a_retried_page_submit_is_answered_from_the_record(api, survey):
    state = api.start(survey).get_json()
    first = api.page(state["id"], state["step"], ADULT_PAGES[0], key="page-1")
    second = api.page(state["id"], state["step"], ADULT_PAGES[0], key="page-1")
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert stored(state["id"]).step == first.get_json()["step"]


def test_a_key_reused_for_another_body_is_refused(api, survey):
    api.submit(survey, ADULT, key="same")
    other = api.submit(survey, {**ADULT, "AGE": 40}, key="same")
    assert other.status_code == 422 and other.get_json()["error"] == "idempotency_key_reused"
    state = api.start(survey).get_json()
    elsewhere = api.page(state["id"], state["step"], ADULT_PAGES[0], key="same")
    assert elsewhere.status_code == 422
    assert response_count() == 2


def test_keys_belong_to_their_token(api, app, survey, owner):
    other = Api(app.test_client(), new_secret(survey.study, owner, "Second"))
    assert api.submit(survey, ADULT, key="shared").status_code == 201
    assert other.submit(survey, ADULT, key="shared").status_code == 201
    assert response_count() == 2


def test_the_same_body_with_other_whitespace_is_the_same_request(api, survey):
    body = {"answers": ADULT, "version": 1}
    first = api.post(f"/surveys/{survey.id}/responses", raw=json.dumps(body), key="ws")
    again = api.post(f"/surveys/{survey.id}/responses", raw=json.dumps(body, indent=4), key="ws")
    assert again.get_json() == first.get_json() and response_count() == 1


@pytest.mark.parametrize("key", [None, "", "x" * 201, "ключ", "tab\tkey"])
def test_posts_need_a_well_formed_idempotency_key(api, survey, key):
    headers = {"Idempotency-Key": key} if key is not None else {}
    response = api.post(f"/surveys/{survey.id}/responses", {}, key=None, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] in ("idempotency_key_required", "invalid_idempotency_key")
    assert response_count() == 0


# --- malformed requests -------------------------------------------------------------------------

@pytest.mark.parametrize("raw, content_type, code", [
    ('{"language": "en"}', "text/plain", "unsupported_media_type"),
    ("language=en", "application/x-www-form-urlencoded", "unsupported_media_type"),
    ('{"language": "en"', "application/json", "invalid_json"),
    ("", "application/json", "invalid_json"),
    ('{"answers": {"AGE": NaN}, "version": 1}', "application/json", "invalid_json"),
    ("[" * 100_000 + "]" * 100_000, "application/json", "invalid_json"),
    ('{"answers": {"AGE": 1' + "0" * 5000 + '}, "version": 1}', "application/json",
     "invalid_json"),
    (b'{"language": "\xff"}', "application/json", "invalid_json"),
])
def test_bodies_that_are_not_json_get_400(api, survey, raw, content_type, code):
    response = api.post(f"/surveys/{survey.id}/responses", raw=raw, content_type=content_type)
    assert response.status_code == 400 and response.get_json()["error"] == code
    assert response_count() == 0


@pytest.mark.parametrize("body, path", [
    ([], "/"),
    ("en", "/"),
    ({"language": 5}, "/language"),
    ({"answers": {"AGE": 34}}, "/"),  # answers without version
    ({"answers": [1, 2], "version": 1}, "/answers"),
    ({"answers": {}, "version": "1"}, "/version"),
    ({"answers": {}, "version": 0}, "/version"),
    ({"answers": {"": 1}, "version": 1}, "/answers"),
    ({"answers": {"x" * 101: 1}, "version": 1}, "/answers"),
    ({"langauge": "en"}, "/"),
])
def test_bodies_not_matching_the_description_get_422(api, survey, body, path):
    response = api.post(f"/surveys/{survey.id}/responses", body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["error"] == "invalid_request"
    assert path in {detail["path"] for detail in payload["details"]}
    assert all(len(detail["message"]) < 400 for detail in payload["details"])
    assert response_count() == 0


@pytest.mark.parametrize("body", [{}, {"step": 1}, {"answers": {}}, {"step": -1, "answers": {}},
                                  {"step": 1.5, "answers": {}}, {"step": True, "answers": {}},
                                  {"step": 1, "answers": {}, "action": "back"}])
def test_page_bodies_not_matching_the_description_get_422(api, survey, body):
    state = api.start(survey).get_json()
    response = api.post(f"/responses/{state['id']}/pages", body)
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_request"
    assert stored(state["id"]).step == state["step"]


def test_bodies_over_the_size_limit_get_413(api, app, survey):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = api.submit(survey, {"COMMENT": "x" * 2000})
    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"
    assert response_count() == 0


def test_unknown_methods_and_paths_answer_json(client, survey):
    response = client.get(f"{PREFIX}/responses/1/pages", headers={"Accept": "application/json"})
    assert response.status_code == 405 and response.is_json
