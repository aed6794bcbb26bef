"""Every page a respondent of a live survey can meet, checked by axe-core (WCAG 2 A/AA) at
desktop and phone widths; the start and a question page answered with the keyboard alone,
with a visible focus on every control on the way.

The survey is the coffee survey of ``tests/collect_support`` on the live server; the question
pages themselves, of every question type, are checked in ``test_respond_accessibility.py``.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from research.extensions import db
from research.models.types import utcnow
from tests.browser.test_accessibility import assert_axe_clean
from tests.browser.test_collect_journey import (  # noqa: F401 (fixtures)
    answer_brands, answer_last, answer_screening, coffee_survey, expect_page, heading, invite,
    press, start, stored)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
ACCESS_PASSWORD = "espresso-2025"

#: What respondents tap besides the question controls (``test_respond_accessibility`` checks
#: those): 44 x 44 CSS pixels at least (WCAG 2.5.5).
TARGETS = "main input:not([type=hidden]), main button, main a.button, .respond-language select"

#: Open bugs: page -> ({axe rule: CSS selector every failing element matches}, reason).
KNOWN_VIOLATIONS = {}


def _survey_page(page, survey):
    page.goto(f"/s/{survey['key']}")


def _start_page_with_password(page, survey):
    page.goto(f"/s/{survey['key']}")
    expect(page.get_by_label("Access password")).to_be_visible()


def _wrong_password(page, survey):
    page.goto(f"/s/{survey['key']}")
    page.get_by_label("Access password").fill("latte")
    press(page, "Start")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Coffee survey")
    summary.get_by_role("link", name="The access password is not right.").click()
    expect(page.get_by_label("Access password")).to_be_focused()


def _first_page(page, survey):
    start(page, f"/s/{survey['key']}")


def _first_page_with_errors(page, survey):
    start(page, f"/s/{survey['key']}")
    press(page, "Next")
    expect(page.get_by_role("alert")).to_be_visible()


def _second_page(page, survey):
    start(page, f"/s/{survey['key']}")
    answer_screening(page)
    press(page, "Next")
    expect_page(page, 2, "Brands")


def _second_page_with_errors(page, survey):
    _second_page(page, survey)
    page.get_by_role("group", name="Which brands do you know?").get_by_label(
        "Other", exact=True).check()
    press(page, "Next")
    expect(page.get_by_role("alert")).to_contain_text("Rate the brands")


def _last_page(page, survey):
    _second_page(page, survey)
    answer_brands(page)
    press(page, "Next")
    expect_page(page, 3, "Last questions")


def _complete(page, survey):
    _last_page(page, survey)
    answer_last(page)
    press(page, "Finish")
    expect(heading(page)).to_have_text("Thank you!")


def _screened_out(page, survey):
    start(page, f"/s/{survey['key']}")
    answer_screening(page, age="16")
    press(page, "Next")
    expect(page.get_by_text("This survey is meant for other people")).to_be_visible()


def _over_quota(page, survey):
    start(page, f"/s/{survey['key']}")
    answer_screening(page, gender="Female")
    press(page, "Next")
    expect(page.get_by_text("We already have enough answers")).to_be_visible()


def _continue_later(page, survey):
    start(page, f"/s/{survey['key']}")
    press(page, "Continue later")
    expect(heading(page)).to_have_text("Continue later")


def _expired_link(page, survey):
    page.goto(survey["link"])
    expect(heading(page)).to_have_text("This link has expired")


def _closed(page, survey):
    page.goto(f"/s/{survey['key']}")
    expect(heading(page)).to_have_text("This survey is closed")


#: name -> (how the survey is set up, how the respondent gets to the page)
PAGES = {
    "start page": (None, _survey_page),
    "start page with an access password": ("password", _start_page_with_password),
    "start page with a wrong password": ("password", _wrong_password),
    "first question page": (None, _first_page),
    "first question page with errors": (None, _first_page_with_errors),
    "second question page": (None, _second_page),
    "second question page with errors": (None, _second_page_with_errors),
    "last question page": (None, _last_page),
    "complete end page": (None, _complete),
    "screened-out end page": (None, _screened_out),
    "over-quota end page": ("full quota", _over_quota),
    "continue-later page": (None, _continue_later),
    "expired link page": ("expired link", _expired_link),
    "closed survey page": ("closed", _closed),
}


@pytest.fixture
def prepared(coffee_survey, invite, live_app):
    """``prepared(setup)``: the coffee survey set up for one of the PAGES."""
    from surveys.fieldwork.quotas import create_quota
    from surveys.fieldwork.services import close_fieldwork
    from surveys.models import Survey

    def make(setup):
        fields = {"access_password_hash": generate_password_hash(ACCESS_PASSWORD)} \
            if setup == "password" else {}
        survey = coffee_survey(**fields)
        if setup == "expired link":
            survey["link"] = invite(survey, valid_until=utcnow() - timedelta(days=1))
        if setup in ("full quota", "closed"):
            with live_app.app_context():
                record = db.session.get(Survey, survey["id"])
                if setup == "closed":
                    close_fieldwork(record)
                else:  # one woman has completed already: the women's cell is full
                    quota = create_quota(record, "Gender", ["GENDER"], 1)
                    quota.cells[1].completes = 1
                db.session.commit()
                db.session.remove()
        return survey
    return make


def _case(name):
    if name in KNOWN_VIOLATIONS:
        from tests.browser.test_accessibility import KnownViolation
        return pytest.param(name, marks=pytest.mark.xfail(
            raises=KnownViolation, strict=True, reason=KNOWN_VIOLATIONS[name][1]))
    return name


@pytest.mark.parametrize("name", [_case(name) for name in PAGES])
def test_respondent_page_has_no_axe_violations(name, new_page, prepared):
    """At 1280 px, then the same page at 360 px (one journey to the page for both widths)."""
    setup, reach = PAGES[name]
    survey = prepared(setup)
    page = new_page(viewport=DESKTOP)
    reach(page, survey)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        what = f"{name} at {viewport['width']} px"
        assert_axe_clean(page, what, {what: KNOWN_VIOLATIONS[name]}
                         if name in KNOWN_VIOLATIONS else {})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the {what} scrolls sideways: {width} px"
        small = small_targets(page)
        assert not small, f"tap targets below 44 px on the {what}: {small}"


def small_targets(page):
    """Controls (other than radio buttons and checkboxes inside their labels) under 44 px."""
    return page.evaluate("""selector => [...document.querySelectorAll(selector)]
        .filter(e => !e.matches('label input[type=radio], label input[type=checkbox]'))
        .map(e => [e.id || e.name || e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44))
        .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
                         TARGETS)


# --- the keyboard alone ------------------------------------------------------------------------

FOCUS_STATE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const label = element.closest('label');
    const ring = s => s.boxShadow !== 'none' && s.boxShadow !== '';
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {what: element.id || element.name || element.textContent.trim() || element.tagName,
            visible: outline || ring(style) || (label !== null && ring(getComputedStyle(label)))};
}"""


class Keyboard:
    """Moves focus with Tab and remembers whether every focused control showed it."""

    def __init__(self, page):
        self.page = page
        self.unseen = []

    def tab_to(self, selector, limit=20):
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            state = self.page.evaluate(FOCUS_STATE)
            if not state["visible"]:
                self.unseen.append(state["what"])
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        pytest.fail(f"{selector} was not reached with {limit} presses of Tab")

    def press(self, key):
        self.page.keyboard.press(key)


def test_start_and_first_page_with_the_keyboard_alone(new_page, prepared, stored):
    survey = prepared("password")
    page = new_page(viewport=DESKTOP)
    page.goto(f"/s/{survey['key']}")
    keys = Keyboard(page)

    keys.tab_to("#password")
    page.keyboard.type(ACCESS_PASSWORD)
    keys.tab_to("button[type=submit]:not(.secondary)")
    expect(page.locator(":focus")).to_have_text("Start")
    keys.press("Enter")
    expect_page(page, 1, "Coffee survey")

    # Next with nothing answered: focus goes to the error summary, its links to the fields.
    keys.tab_to("button[value=next]")
    keys.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    keys.tab_to(".error-summary a")
    keys.press("Enter")
    expect(page.get_by_label("Yes, I agree")).to_be_focused()

    keys.press("Space")
    expect(page.get_by_label("Yes, I agree")).to_be_checked()
    keys.tab_to("#GENDER-0")
    keys.press("ArrowDown")  # arrows move through a radio group, choosing as they go
    expect(page.get_by_label("Female")).to_be_checked()
    keys.tab_to("#AGE")
    page.keyboard.type("34")
    keys.tab_to("#BUYS-0")
    keys.press("Space")
    keys.tab_to("button[value=next]")
    keys.press("Enter")
    expect_page(page, 2, "Brands")

    # Checkboxes, the "other" text and a grid row on the second page.
    keys.tab_to("#BRANDS-0")
    keys.press("Space")
    keys.tab_to("#BRANDS-3")
    keys.press("Space")
    keys.tab_to("#BRANDS_other")
    page.keyboard.type("Delta")
    for row in ("RATE_r1", "RATE_r2", "RATE_r3"):
        keys.tab_to(f"#{row}-0")
        keys.press("Space")
    keys.tab_to("button[value=next]")
    keys.press("Enter")
    expect_page(page, 3, "Last questions")

    assert not keys.unseen, f"focus not visible on: {keys.unseen}"
    [interview] = stored(survey)
    answers = interview["answers"]
    assert {name: answers[name] for name in ("CONSENT", "GENDER", "AGE", "BUYS", "BRANDS_1",
                                             "BRANDS_9", "BRANDS_other", "RATE_r2")} == {
        "CONSENT": 1, "GENDER": 2, "AGE": 34, "BUYS": 1, "BRANDS_1": 1, "BRANDS_9": 1,
        "BRANDS_other": "Delta", "RATE_r2": 1}


def test_keyboard_focus_is_outlined_and_ringed_on_the_start_page(new_page, prepared):
    survey = prepared("password")
    page = new_page(viewport=PHONE)
    page.goto(f"/s/{survey['key']}")
    keys = Keyboard(page)
    for selector in (".skip-link", "#respond-language", ".respond-language button", "#password",
                     "main button[type=submit]"):  # in the order of the page
        keys.tab_to(selector, limit=3)
        styles = page.evaluate("""() => { const e = document.activeElement,
            s = getComputedStyle(e), r = e.getBoundingClientRect();
            return {outline: s.outlineStyle, width: s.outlineWidth, ring: s.boxShadow,
                    on_screen: r.left >= 0 && r.right <= innerWidth}; }""")
        assert styles["on_screen"], (selector, styles)  # the skip link comes into view
        assert styles["outline"] != "none" and styles["width"] != "0px", (selector, styles)
        assert styles["ring"] != "none", (selector, styles)
