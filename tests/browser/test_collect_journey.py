"""Respondents answer the coffee survey (``tests/collect_support.QUESTIONS``) in Chromium.

On a phone-sized window with and without JavaScript, through the open link and personal
links, as a person would: controls are found by their labels and roles. After every journey
the database must hold exactly the expected interviews and answers.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from research.extensions import db
from research.models.types import utcnow

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
NO_JAVASCRIPT = {"viewport": {"width": 360, "height": 740}, "java_script_enabled": False}
BROWSERS = [pytest.param(PHONE, id="phone"), pytest.param(NO_JAVASCRIPT, id="no-js")]

#: What the adult coffee buyer of :func:`answer_screening` ... :func:`answer_last` stores.
ADULT_ANSWERS = {"CONSENT": 1, "GENDER": 2, "AGE": 34, "BUYS": 1,
                 "BRANDS_1": 1, "BRANDS_2": 0, "BRANDS_3": 1, "BRANDS_9": 1,
                 "BRANDS_other": "Delta",
                 "RATE_r1": 3, "RATE_r2": 2, "RATE_r3": 1, "OFFER": 1, "COMMENT": "Fine coffee"}


@pytest.fixture
def coffee_survey(live_app, make_account):
    """Factory: the live coffee survey (``live_survey`` keyword arguments); its ids and key."""
    from research.auth.services import user_by_email
    from tests.collect_support import live_survey

    email = make_account()

    def make(**fields):
        with live_app.app_context():
            survey = live_survey(user_by_email(email), **fields)
            made = {"id": survey.id, "key": survey.public_key, "owner": email}
            db.session.remove()
        return made
    return make


@pytest.fixture
def invite(live_app):
    """``invite(survey, **create_invitations options)``: one personal link's path."""
    from research.auth.services import user_by_email
    from surveys.fieldwork.services import create_invitations
    from surveys.models import Survey

    def make(survey, **options):
        with live_app.app_context():
            record = db.session.get(Survey, survey["id"])
            [(_invitation, token)] = create_invitations(
                record, user_by_email(survey["owner"]), ["Anna"], **options)
            db.session.commit()
            db.session.remove()
        return f"/i/{token}"
    return make


@pytest.fixture
def stored(live_app):
    """``stored(survey)``: the survey's interviews as dicts, oldest first."""
    from surveys.models import Response

    def read(survey):
        with live_app.app_context():
            rows = db.session.scalars(db.select(Response).where(
                Response.survey_id == survey["id"]).order_by(Response.id)).all()
            found = [{"status": r.status, "answers": dict(r.answers), "page": r.page_index,
                      "channel": r.channel, "invitation": r.invitation_id,
                      "language": r.language} for r in rows]
            db.session.remove()
        return found
    return read


def heading(page):
    return page.get_by_role("heading", level=1)


def start(page, path):
    page.goto(path)
    expect(heading(page)).to_have_text("Coffee survey")
    expect(page.get_by_text("Welcome to the coffee survey.")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()


def answer_screening(page, gender="Female", age="34", buys="Yes"):
    page.get_by_role("group", name="Do you agree to take part?").get_by_label(
        "Yes, I agree").check()
    page.get_by_role("group", name="Your gender?").get_by_label(gender, exact=True).check()
    page.get_by_label("Your age?").fill(age)
    page.get_by_role("group", name="Do you buy coffee?").get_by_label(buys, exact=True).check()


def answer_brands(page):
    brands = page.get_by_role("group", name="Which brands do you know?")
    brands.get_by_label("Alpha").check()
    brands.get_by_label("Gamma").check()
    brands.get_by_label("Other", exact=True).check()
    brands.get_by_label("Other, please specify").fill("Delta")
    rating = page.get_by_role("group", name="Rate the brands")
    for brand, rate in (("Alpha", "Good"), ("Beta", "OK"), ("Gamma", "Bad")):
        rating.get_by_role("group", name=brand, exact=True).get_by_label(rate).check()


def offer_question(page):
    return page.get_by_role("group", name=re.compile(r"^Would you buy it at (Low|High) price\?"))


def answer_last(page):
    offer_question(page).get_by_label("Yes").check()
    page.get_by_label("Anything else?").fill("Fine coffee")


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def expect_page(page, number, title):
    expect(page.get_by_text(f"Page {number} of 3")).to_be_visible()
    expect(heading(page)).to_have_text(title)


def expect_thank_you(page):
    expect(heading(page)).to_have_text("Thank you!")
    expect(page.get_by_text("Thanks a lot!")).to_be_visible()


def assert_adult_answers(answers):
    assert answers.pop("AB") in (1, 2)
    assert answers == ADULT_ANSWERS


@pytest.mark.parametrize("options", BROWSERS)
def test_open_link_with_errors_back_and_continue_later_elsewhere(
        new_page, coffee_survey, stored, options):
    survey = coffee_survey()
    page = new_page(**options)
    start(page, f"/s/{survey['key']}")
    expect(heading(page)).to_have_text("Coffee survey")

    # Next with nothing answered: an error summary whose links lead to the fields.
    press(page, "Next")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following")
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(page.get_by_label("Your age?")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link", name="Your age? Please answer this question.").click()
    expect(page.get_by_label("Your age?")).to_be_focused()
    summary.get_by_role("link", name="Your gender? Please answer this question.").click()
    male = page.get_by_role("group", name="Your gender?").get_by_label("Male", exact=True)
    expect(male).to_be_focused()

    # An age outside 10-99 is refused; the other answers stay on the page.
    answer_screening(page, age="7")
    press(page, "Next")
    expect(page.get_by_role("alert")).to_contain_text("Your age?")
    expect(page.get_by_role("group", name="Your gender?").get_by_label("Female")).to_be_checked()
    page.get_by_label("Your age?").fill("34")
    press(page, "Next")
    expect_page(page, 2, "Brands")

    # Back keeps the first page's answers.
    press(page, "Back")
    expect_page(page, 1, "Coffee survey")
    expect(page.get_by_label("Your age?")).to_have_value("34")
    expect(page.get_by_role("group", name="Your gender?").get_by_label("Female")).to_be_checked()
    expect(page.get_by_role("group", name="Do you buy coffee?").get_by_label(
        "Yes", exact=True)).to_be_checked()
    press(page, "Next")

    # The second page: half answered first, then in full; back from page 3 keeps it too.
    expect_page(page, 2, "Brands")
    page.get_by_role("group", name="Which brands do you know?").get_by_label("Alpha").check()
    press(page, "Next")
    expect(page.get_by_role("alert")).to_contain_text("Rate the brands")
    answer_brands(page)
    press(page, "Next")
    expect_page(page, 3, "Last questions")
    press(page, "Back")
    expect_page(page, 2, "Brands")
    brands = page.get_by_role("group", name="Which brands do you know?")
    expect(brands.get_by_label("Gamma")).to_be_checked()
    expect(brands.get_by_label("Beta")).not_to_be_checked()
    expect(brands.get_by_label("Other, please specify")).to_have_value("Delta")
    expect(page.get_by_role("group", name="Beta", exact=True).get_by_label("OK")).to_be_checked()
    press(page, "Next")

    # Continue later on the last page: the answer given there is kept, a resume link shown.
    expect_page(page, 3, "Last questions")
    offer_question(page).get_by_label("Yes").check()
    press(page, "Continue later")
    expect(heading(page)).to_have_text("Continue later")
    resume_link = page.get_by_label("Your resume link").input_value()
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/s/{survey['key']}/resume/[\w-]+",
                        resume_link), resume_link
    [interview] = stored(survey)
    assert interview["status"] == "in_progress" and interview["page"] == 2
    assert interview["answers"]["OFFER"] == 1

    # The same browser finds its interview again by cookie.
    page.goto(f"/s/{survey['key']}")
    expect_page(page, 3, "Last questions")
    expect(offer_question(page).get_by_label("Yes")).to_be_checked()

    # Another browser continues with the resume link, where the respondent stopped.
    elsewhere = new_page(**options)
    elsewhere.goto(resume_link)
    expect_page(elsewhere, 3, "Last questions")
    expect(offer_question(elsewhere).get_by_label("Yes")).to_be_checked()
    elsewhere.get_by_label("Anything else?").fill("Fine coffee")
    press(elsewhere, "Finish")
    expect_thank_you(elsewhere)

    # The first browser now sees the end page too; nothing more can be sent.
    page.goto(f"/s/{survey['key']}")
    expect_thank_you(page)
    [interview] = stored(survey)
    assert interview["status"] == "complete" and interview["channel"] == "web"
    assert interview["invitation"] is None and interview["language"] == "en"
    assert_adult_answers(interview["answers"])


@pytest.mark.parametrize("options", BROWSERS)
def test_an_under_eighteen_is_screened_out(new_page, coffee_survey, stored, options):
    survey = coffee_survey()
    page = new_page(**options)
    start(page, f"/s/{survey['key']}")
    answer_screening(page, age="16")
    press(page, "Next")
    expect(heading(page)).to_have_text("The survey has ended")
    expect(page.get_by_text("This survey is meant for other people")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    page.goto(f"/s/{survey['key']}")  # coming back changes nothing
    expect(heading(page)).to_have_text("The survey has ended")
    [interview] = stored(survey)
    assert interview["status"] == "screened_out"
    assert {name: interview["answers"][name] for name in ("CONSENT", "GENDER", "AGE", "BUYS")} \
        == {"CONSENT": 1, "GENDER": 2, "AGE": 16, "BUYS": 1}
    assert "BRANDS_1" not in interview["answers"]


def test_a_non_buyer_skips_the_brands_page_both_ways(new_page, coffee_survey, stored):
    survey = coffee_survey()
    page = new_page(**NO_JAVASCRIPT)
    start(page, f"/s/{survey['key']}")
    answer_screening(page, buys="No")
    press(page, "Next")
    expect(heading(page)).to_have_text("Last questions")
    press(page, "Back")
    expect_page(page, 1, "Coffee survey")
    page.get_by_role("group", name="Do you buy coffee?").get_by_label("Yes", exact=True).check()
    press(page, "Next")
    expect_page(page, 2, "Brands")  # a changed answer opens the page again
    press(page, "Back")
    page.get_by_role("group", name="Do you buy coffee?").get_by_label("No", exact=True).check()
    press(page, "Next")
    answer_last(page)
    press(page, "Finish")
    expect_thank_you(page)
    [interview] = stored(survey)
    assert interview["status"] == "complete" and interview["answers"]["BUYS"] == 2
    assert all(interview["answers"].get(name) is None
               for name in ("BRANDS_1", "BRANDS_other", "RATE_r1")), interview["answers"]


def complete_as_adult(page, path, gender="Female"):
    start(page, path)
    answer_screening(page, gender=gender)
    press(page, "Next")
    expect_page(page, 2, "Brands")
    answer_brands(page)
    press(page, "Next")
    expect_page(page, 3, "Last questions")
    answer_last(page)
    press(page, "Finish")
    expect_thank_you(page)


def test_a_full_quota_cell_ends_the_second_woman_over_quota(
        new_page, coffee_survey, stored, live_app):
    from surveys.fieldwork.quotas import create_quota
    from surveys.models import QuotaCell, Survey

    survey = coffee_survey()
    with live_app.app_context():
        create_quota(db.session.get(Survey, survey["id"]), "Gender", ["GENDER"], 1)
        db.session.commit()
        db.session.remove()
    complete_as_adult(new_page(**PHONE), f"/s/{survey['key']}")

    page = new_page(**PHONE)
    start(page, f"/s/{survey['key']}")
    answer_screening(page, gender="Female", age="41")
    press(page, "Next")
    expect(heading(page)).to_have_text("The survey has ended")
    expect(page.get_by_text("We already have enough answers from people like you")).to_be_visible()

    # A man still gets in: his cell is not full.
    page = new_page(**NO_JAVASCRIPT)
    start(page, f"/s/{survey['key']}")
    answer_screening(page, gender="Male", age="52")
    press(page, "Next")
    expect_page(page, 2, "Brands")

    first, second, third = stored(survey)
    assert first["status"] == "complete"
    assert second["status"] == "over_quota" and second["answers"]["AGE"] == 41
    assert third["status"] == "in_progress" and third["answers"]["GENDER"] == 1
    with live_app.app_context():
        cells = {cell.label: cell.completes for cell in db.session.scalars(db.select(QuotaCell))}
        db.session.remove()
    assert cells == {"Male": 0, "Female": 1}


def test_a_personal_link_starts_resumes_and_is_used_once(
        new_page, coffee_survey, invite, stored, live_app):
    from surveys.models import RespondentInvitation

    survey = coffee_survey()
    link = invite(survey, valid_until=utcnow() + timedelta(days=7))
    page = new_page(**PHONE)
    start(page, link)
    answer_screening(page)
    press(page, "Next")
    expect_page(page, 2, "Brands")
    page.context.close()  # the respondent leaves; the link itself finds the interview again

    page = new_page(**NO_JAVASCRIPT)
    page.goto(link)
    expect_page(page, 2, "Brands")
    expect(page.get_by_role("button", name="Continue later")).to_have_count(0)
    answer_brands(page)
    press(page, "Next")
    answer_last(page)
    press(page, "Finish")
    expect_thank_you(page)

    for browser_page in (page, new_page(**PHONE)):  # single use: the end page again
        browser_page.goto(link)
        expect_thank_you(browser_page)
        expect(browser_page.get_by_role("main").get_by_role("button")).to_have_count(0)

    [interview] = stored(survey)
    assert interview["status"] == "complete" and interview["invitation"] is not None
    assert_adult_answers(interview["answers"])
    with live_app.app_context():
        invitation = db.session.get(RespondentInvitation, interview["invitation"])
        assert invitation.uses == 1 and invitation.response_id is not None
        db.session.remove()


def test_an_expired_personal_link_shows_the_expired_page(
        new_page, coffee_survey, invite, stored):
    survey = coffee_survey()
    link = invite(survey, valid_until=utcnow() - timedelta(hours=1))
    page = new_page(**PHONE)
    answer = page.goto(link)
    assert answer.status == 410
    expect(heading(page)).to_have_text("This link has expired")
    expect(page.get_by_role("button", name="Start")).to_have_count(0)
    assert stored(survey) == []


def test_a_closed_survey_shows_the_closed_page(new_page, coffee_survey, stored, live_app):
    from surveys.fieldwork.services import close_fieldwork
    from surveys.models import Survey

    survey = coffee_survey()
    page = new_page(**PHONE)
    start(page, f"/s/{survey['key']}")  # an interview under way when fieldwork closes
    with live_app.app_context():
        close_fieldwork(db.session.get(Survey, survey["id"]))
        db.session.commit()
        db.session.remove()
    answer_screening(page)
    press(page, "Next")
    expect(heading(page)).to_have_text("This survey is closed")

    newcomer = new_page(**NO_JAVASCRIPT)
    answer = newcomer.goto(f"/s/{survey['key']}")
    assert answer.status == 410
    expect(heading(newcomer)).to_have_text("This survey is closed")
    expect(newcomer.get_by_role("button", name="Start")).to_have_count(0)
    [interview] = stored(survey)
    assert interview["status"] == "in_progress" and "AGE" not in interview["answers"]


def test_the_link_of_a_draft_survey_is_not_found(new_page, coffee_survey, invite, stored):
    from surveys.collect.access import new_public_key

    survey = coffee_survey(open_now=False, public_key=new_public_key())
    page = new_page(**PHONE)
    assert page.goto(f"/s/{survey['key']}").status == 404
    assert page.goto(invite(survey)).status == 404
    assert stored(survey) == []


def test_double_clicks_and_repeated_submits_store_one_interview_and_skip_no_page(
        new_page, coffee_survey, stored):
    survey = coffee_survey()
    page = new_page(**PHONE)
    page.goto(f"/s/{survey['key']}")
    page.get_by_role("button", name="Start").dblclick()
    expect_page(page, 1, "Coffee survey")

    # The same page sent twice at once (a double tap on a slow connection).
    answer_screening(page)
    statuses = page.evaluate("""async () => {
        const form = document.querySelector('form.respond-form');
        const url = form.getAttribute('action');  // form.action is the buttons named "action"
        const send = () => { const data = new FormData(form); data.set('action', 'next');
                             return fetch(url, {method: 'POST', body: data}); };
        const answers = await Promise.all([send(), send()]);
        return answers.map(answer => answer.status);
    }""")
    assert statuses == [200, 200], statuses  # each one lands on the page after redirect
    page.reload()
    expect_page(page, 2, "Brands")

    answer_brands(page)
    page.get_by_role("button", name="Next").dblclick()
    expect_page(page, 3, "Last questions")
    [interview] = stored(survey)
    assert interview["status"] == "in_progress" and interview["page"] == 2

    answer_last(page)
    page.get_by_role("button", name="Finish").dblclick()
    expect_thank_you(page)
    [interview] = stored(survey)
    assert interview["status"] == "complete"
    assert_adult_answers(interview["answers"])


def test_a_stale_page_sent_from_a_second_tab_changes_nothing(new_page, coffee_survey, stored):
    survey = coffee_survey()
    page = new_page(**NO_JAVASCRIPT)
    start(page, f"/s/{survey['key']}")
    second_tab = page.context.new_page()  # same cookie, same interview, same first page
    second_tab.goto(f"/s/{survey['key']}")
    expect_page(second_tab, 1, "Coffee survey")

    answer_screening(page)
    press(page, "Next")
    expect_page(page, 2, "Brands")
    answer_screening(second_tab, gender="Male", age="50")
    press(second_tab, "Next")
    expect_page(second_tab, 2, "Brands")  # where the respondent really is
    expect(second_tab.get_by_role("alert")).to_have_count(0)

    [interview] = stored(survey)
    assert interview["page"] == 1
    assert (interview["answers"]["GENDER"], interview["answers"]["AGE"]) == (2, 34)
