"""Live display conditions in Chromium: with scripts a question appears on the same page as the
answer that shows it; without scripts it waits for its own page. The stored answers agree."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from research.auth.services import user_by_email
from research.extensions import db
from surveys.models import Response
from tests.browser.test_accessibility import assert_axe_clean
from tests.collect_support import live_survey
from tests.surveys.test_live_pages import LIVE_QUESTIONS

pytestmark = pytest.mark.browser


@pytest.fixture
def survey_url(live_app, make_account):
    email = make_account()
    with live_app.app_context():
        survey = live_survey(user_by_email(email), LIVE_QUESTIONS)
        url = f"/s/{survey.public_key}"
        db.session.remove()
    return url


def stored(live_app):
    with live_app.app_context():
        answers = db.session.scalars(select(Response.answers)).one()
        db.session.remove()
    return answers


def test_questions_appear_and_disappear_as_the_respondent_answers(new_page, survey_url,
                                                                   live_app):
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto(survey_url)
    page.get_by_role("button", name="Start").click()
    often = page.get_by_role("group", name="How often?")
    where = page.get_by_label("Where do you buy it?")
    assert page.get_by_text("Page 1 of 3").is_visible()
    assert not often.is_visible() and not where.is_visible()
    page.get_by_label("Yes").check()
    assert often.is_visible() and not where.is_visible()
    page.get_by_label("Daily").check()
    assert where.is_visible()
    assert_axe_clean(page, "live page", {})
    where.fill("Kiosk at the station")
    page.get_by_label("Weekly").check()
    assert not where.is_visible() and where.is_disabled()
    page.get_by_label("No").check()
    assert not often.is_visible()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    answers = stored(live_app)
    assert answers["BUYS"] == 1 and answers["OFTEN"] == 2 and answers["WHERE"] is None


def test_without_scripts_each_dependent_question_gets_its_page(new_page, survey_url, live_app):
    page = new_page(java_script_enabled=False)
    page.goto(survey_url)
    page.get_by_role("button", name="Start").click()
    assert page.get_by_text("How often?").count() == 0
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Where do you buy it?").fill("Kiosk")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Page 4 of 5")).to_be_visible()
    answers = stored(live_app)
    assert answers["BUYS"] == 1 and answers["OFTEN"] == 1 and answers["WHERE"] == "Kiosk"
