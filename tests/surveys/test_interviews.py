"""Interviewer channels: keying in interviews on behalf of respondents, over HTTP."""
import re
import secrets

import pytest
from sqlalchemy import func, select

from research.extensions import db
from research.models import StudyMember
from surveys.fieldwork.services import close_fieldwork
from surveys.models import Response
from tests.collect_support import Respondent, hidden_fields, live_survey
from tests.conftest import Web

PASSWORD = "correct horse battery"
#: Valid pages of collect_support.QUESTIONS for an adult who buys coffee (grid rows are posted
#: as ``RATE_r<code>``).
ADULT_PAGES = [
    {"CONSENT": "1", "GENDER": "2", "AGE": "34", "BUYS": "1"},
    {"BRANDS": ["1", "3"], "RATE_r1": "3", "RATE_r2": "2", "RATE_r3": "1"},
    {"OFFER": "1", "COMMENT": "Fine coffee"},
]
ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


class Interviewer:
    """A logged-in user's browser on a study's interviewer pages."""

    def __init__(self, app, user, study):
        self.web = Web(app.test_client())
        self.user = user
        self.study = study
        response = self.web.login(user.email, PASSWORD)
        assert response.status_code == 302

    @property
    def index_url(self):
        return f"/studies/{self.study.id}/interviews/"

    def entry_url(self, response_id):
        return f"/studies/{self.study.id}/interviews/{response_id}"

    def start(self, survey, channel="phone", language="en", nonce=None, **kwargs):
        prefix = f"survey{survey.id}-"
        data = {prefix + "channel": channel, prefix + "language": language,
                prefix + "nonce": nonce or secrets.token_urlsafe(16)}
        return self.web.post(f"/studies/{self.study.id}/interviews/new/{survey.id}", data,
                             **kwargs)

    def started(self, survey, channel="phone", language="en"):
        """Start an interview; its page URL."""
        response = self.start(survey, channel, language)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return response.headers["Location"]

    def submit(self, url, answers, action="next", state=None):
        state = state or hidden_fields(self.web.get(url).get_data(as_text=True))
        data = {"csrf_token": state["csrf_token"], "step": state["step"], "action": action,
                **answers}
        return self.web.client.post(url, data=data)


@pytest.fixture
def survey(app, make_user):
    owner = make_user(password=PASSWORD)
    survey = live_survey(owner)
    survey.owner = owner
    return survey


@pytest.fixture
def member(app, make_user):
    """Factory: a logged-in member of the survey's study with ``role``."""
    def make(survey, role="interviewer"):
        user = make_user(password=PASSWORD)
        survey.study.members.append(StudyMember(user_id=user.id, role=role))
        db.session.commit()
        return Interviewer(app, user, survey.study)
    return make


def response_of(url):
    db.session.expire_all()
    return db.session.get(Response, int(url.rstrip("/").rsplit("/", 1)[1]))


def response_count():
    return db.session.scalar(select(func.count(Response.id)))


def test_telephone_interview_through_all_pages(survey, member):
    interviewer = member(survey)
    index = interviewer.web.get(interviewer.index_url)
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "Coffee survey" in html and "New interview" in html
    assert "Telephone interview" in html and "Observation sheet" in html
    assert 'value="web"' not in html

    url = interviewer.started(survey, "phone")
    response = response_of(url)
    assert response.channel == "phone"
    assert response.interviewer_id == interviewer.user.id
    assert response.invitation_id is None and response.status == "in_progress"

    page = interviewer.web.get(url).get_data(as_text=True)
    assert "Do you agree to take part?" in page
    assert "Telephone interview" in page and f"Interview {response.id}" in page
    assert f'href="{interviewer.index_url}"' in page

    for answers in ADULT_PAGES:
        result = interviewer.submit(url, answers)
        assert result.status_code == 303, result.get_data(as_text=True)[:2000]
        assert result.headers["Location"].endswith(url)

    response = response_of(url)
    assert response.status == "complete" and response.completed_at is not None
    assert response.answers["AGE"] == 34 and response.answers["COMMENT"] == "Fine coffee"
    assert response.channel == "phone" and response.interviewer_id == interviewer.user.id

    end = interviewer.web.get(url)
    assert end.status_code == 200
    text = end.get_data(as_text=True)
    assert "The interview is complete" in text and "Start the next interview" in text

    # "Start the next interview" keeps the channel.
    assert re.search(r'<option selected value="phone">|<option value="phone" selected',
                     text)
    following = interviewer.started(survey, "phone")
    assert following != url and response_of(following).channel == "phone"


def test_same_validation_errors_as_the_web_form(app, survey, member):
    invalid = {"CONSENT": "1", "GENDER": "2", "AGE": "5", "BUYS": ""}
    web = Respondent(app.test_client(), f"/s/{survey.public_key}")
    web.start()
    web_page = web.submit(invalid)
    interviewer = member(survey)
    url = interviewer.started(survey, "face_to_face")
    keyed = interviewer.submit(url, invalid)

    assert web_page.status_code == keyed.status_code == 422
    web_errors = ERROR_SUMMARY.search(web_page.get_data(as_text=True)).group(0)
    keyed_errors = ERROR_SUMMARY.search(keyed.get_data(as_text=True)).group(0)
    assert web_errors == keyed_errors
    assert "<li>" in keyed_errors
    response = response_of(url)
    assert response.page_index == 0 and "AGE" not in response.answers


def test_screen_out_ends_the_interview(survey, member):
    interviewer = member(survey)
    url = interviewer.started(survey, "mail")
    result = interviewer.submit(url, {"CONSENT": "1", "GENDER": "1", "AGE": "12", "BUYS": "1"})
    assert result.status_code == 303
    response = response_of(url)
    assert response.status == "screened_out" and response.end_cause == "AGE"
    end = interviewer.web.get(url).get_data(as_text=True)
    assert "screened out" in end and "Start the next interview" in end
    # The finished interview takes no more pages: a post only redirects to the end.
    again = interviewer.submit(url, ADULT_PAGES[1], state={"csrf_token": hidden_fields(end)[
        "csrf_token"], "step": str(response.step)})
    assert again.status_code == 303
    assert response_of(url).status == "screened_out"


def test_continue_later_keeps_the_page_and_goes_back_to_the_list(survey, member):
    interviewer = member(survey)
    url = interviewer.started(survey, "observation")
    result = interviewer.submit(url, ADULT_PAGES[0], action="later")
    assert result.status_code == 303 and result.headers["Location"].endswith(
        interviewer.index_url)
    response = response_of(url)
    assert response.answers["AGE"] == 34 and response.page_index == 0
    index = interviewer.web.get(interviewer.index_url).get_data(as_text=True)
    assert f'href="{url}"' in index and "Observation sheet" in index
    assert f"Interview {response.id} is saved" in index


def test_questionnaire_language_is_chosen_at_the_start(survey, member):
    interviewer = member(survey)
    url = interviewer.started(survey, "phone", language="ru")
    assert response_of(url).language == "ru"
    assert "Согласны ли вы участвовать?" in interviewer.web.get(url).get_data(as_text=True)


def test_interviewers_see_only_their_own_entries(app, survey, member):
    first, second = member(survey), member(survey)
    owner = Interviewer(app, survey.owner, survey.study)
    Respondent(app.test_client(), f"/s/{survey.public_key}").start()
    mine = {first.started(survey), first.started(survey, "mail")}
    theirs = {second.started(survey)}
    owners = {owner.started(survey, "face_to_face")}

    def listed(person):
        html = person.web.get(person.index_url).get_data(as_text=True)
        return set(re.findall(rf'href="({re.escape(person.index_url)}\d+)"', html))

    assert {url.split("anketa.test")[-1] for url in mine} == listed(first)
    assert {url.split("anketa.test")[-1] for url in theirs} == listed(second)
    # Even the owner sees only what they keyed in themselves here.
    assert {url.split("anketa.test")[-1] for url in owners} == listed(owner)


def test_other_entries_are_not_found(app, survey, member, make_user):
    first, second = member(survey), member(survey)
    other_url = second.started(survey)
    web = Respondent(app.test_client(), f"/s/{survey.public_key}")
    web.start()
    web_response = db.session.scalar(select(Response).where(Response.channel == "web"))

    # An interview of the same interviewer in another study is not found through this one.
    elsewhere = live_survey(make_user(), title="Tea survey")
    elsewhere.study.members.append(StudyMember(user_id=first.user.id, role="interviewer"))
    db.session.commit()
    away = Interviewer(app, first.user, elsewhere.study)
    away_url = away.started(elsewhere)
    away_id = response_of(away_url).id

    csrf = first.web.csrf_token()
    for response_id in (response_of(other_url).id, web_response.id, away_id, 999_999):
        url = first.entry_url(response_id)
        assert first.web.get(url).status_code == 404
        posted = first.web.client.post(url, data={"csrf_token": csrf, "step": "0",
                                                  "action": "next", **ADULT_PAGES[0]})
        assert posted.status_code == 404
    assert response_of(other_url).page_index == 0 and "AGE" not in response_of(
        other_url).answers


def test_viewers_are_refused_and_non_members_do_not_see_the_study(app, survey, member,
                                                                  make_user):
    viewer = member(survey, role="viewer")
    interviewer = member(survey)
    url = interviewer.started(survey).split("anketa.test")[-1]
    before = response_count()
    assert viewer.web.get(viewer.index_url).status_code == 403
    assert viewer.start(survey).status_code == 403
    assert viewer.web.get(url).status_code == 403

    outsider = Interviewer(app, make_user(password=PASSWORD), survey.study)
    assert outsider.web.get(outsider.index_url).status_code == 404
    assert outsider.start(survey).status_code == 404
    assert outsider.web.get(url).status_code == 404

    anonymous = app.test_client().get(interviewer.index_url)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    assert response_count() == before


def test_editors_may_key_in(survey, member):
    editor = member(survey, role="editor")
    url = editor.started(survey, "face_to_face")
    assert response_of(url).interviewer_id == editor.user.id


def test_closed_survey_takes_no_new_interviews(survey, member):
    interviewer = member(survey)
    running = interviewer.started(survey)
    close_fieldwork(survey)
    db.session.commit()

    refused = interviewer.start(survey)
    assert refused.status_code == 409
    assert "This survey is closed" in refused.get_data(as_text=True)
    assert response_count() == 1
    index = interviewer.web.get(interviewer.index_url).get_data(as_text=True)
    assert "No survey of this study takes interviews now." in index

    # An interview under way shows the closed page and takes no answers.
    assert interviewer.web.get(running).status_code == 410
    posted = interviewer.web.client.post(running, data={
        "csrf_token": interviewer.web.csrf_token(), "step": "0", "action": "next",
        **ADULT_PAGES[0]})
    assert posted.status_code == 410 and "AGE" not in response_of(running).answers


@pytest.mark.parametrize("channel", ["web", "api", "", "carrier-pigeon"])
def test_channels_outside_the_four_are_refused(survey, member, channel):
    interviewer = member(survey)
    result = interviewer.start(survey, channel)
    assert result.status_code == 422
    assert 'class="field-error"' in result.get_data(as_text=True)
    assert response_count() == 0


def test_a_foreign_language_or_survey_is_refused(app, survey, member, make_user):
    interviewer = member(survey)
    assert interviewer.start(survey, language="de").status_code == 422
    other = live_survey(make_user(), title="Tea survey")
    assert interviewer.start(other).status_code == 404
    assert response_count() == 0


def test_starting_needs_the_csrf_token(survey, member):
    interviewer = member(survey)
    result = interviewer.start(survey, csrf=False)
    assert result.status_code == 400
    assert response_count() == 0


def test_a_page_submitted_twice_is_applied_once(survey, member):
    interviewer = member(survey)
    url = interviewer.started(survey)
    state = hidden_fields(interviewer.web.get(url).get_data(as_text=True))
    first = interviewer.submit(url, ADULT_PAGES[0], state=state)
    step_after_first = response_of(url).step
    repeat = interviewer.submit(url, {**ADULT_PAGES[0], "AGE": "40"}, state=state)
    assert first.status_code == repeat.status_code == 303
    response = response_of(url)
    assert response.step == step_after_first
    assert response.page_index == 1 and response.answers["AGE"] == 34


def test_the_dashboard_links_an_interviewer_to_the_interviews(survey, member):
    interviewer = member(survey)
    html = interviewer.web.get("/").get_data(as_text=True)
    if interviewer.index_url not in html:
        html = interviewer.web.get("/dashboard").get_data(as_text=True)
    assert f'href="{interviewer.index_url}"' in html


def test_a_double_click_on_new_interview_starts_one(survey, member):
    interviewer = member(survey)
    first = interviewer.start(survey, nonce="same-nonce-0123456789")
    second = interviewer.start(survey, nonce="same-nonce-0123456789")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Response.id))) == 1
