"""axe-core (WCAG 2.x A and AA) on the questionnaire builder's pages, and the phone layout.

The questionnaire is made through the builder's services (fast); the pages are then
opened as the researcher sees them, in states worth checking: an outline with problems,
comparability warnings and missing translations, editors with and without errors, the
preview with its error summary, a published version, a failed import.
"""
import copy

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import KnownViolation, assert_axe_clean
from tests.browser.test_layout import PHONE, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def _t(ru, en):
    return {"ru": ru, "en": en}


def _items(*labels):
    return [{"code": code, "label": _t(*pair)} for code, pair in enumerate(labels, start=1)]


BRANDS = _items(("Альфа", "Alpha"), ("Бета", "Beta"), ("Гамма", "Gamma"))
#: The draft of version 1, then published.
SPECS = [
    {"variable": "S1", "type": "section", "text": _t("Знакомство", "Introduction")},
    {"variable": "Q1", "type": "single_choice",
     "text": _t("Какую марку вы покупаете чаще всего?", "Which brand do you buy most often?"),
     "settings": {"required": True},
     "options": _items(("Альфа", "Alpha"), ("Бета", "Beta"), ("Другая", "Another"))},
    {"variable": "Q2", "type": "grid", "text": _t("Оцените марки.", "Rate the brands."),
     "options": _items(("Плохо", "Poor"), ("Средне", "Fair"), ("Хорошо", "Good")),
     "rows": _items(("Альфа", "Alpha"), ("Бета", "Beta"))},
    {"variable": "Q3", "type": "semantic_differential",
     "text": _t("Какая марка «Альфа»?", "How do you see Alpha?"),
     "rows": [{"code": 1, "label": {}, "settings": {"label_left": _t("Дорогая", "Expensive"),
                                                    "label_right": _t("Дешёвая", "Cheap")}}]},
    {"variable": "S2", "type": "section", "text": _t("Привычки", "Habits")},
    {"variable": "Q4", "type": "numeric", "text": _t("Сколько чашек в день?", "Cups a day?"),
     "settings": {"relevant": "${Q1} = 1", "constraint": ". <= 10",
                  "constraint_message": _t("Не больше 10.", "At most 10.")}},
    {"variable": "Q5", "type": "multiple_choice",
     "text": _t("Какие марки вы знаете?", "Which brands do you know?"),
     "settings": {"option_list": "brands"}},
]


@pytest.fixture
def builder_survey(live_app, make_account, make_full_study):
    """A survey (ru + en) whose version 1 is published and whose draft (version 2) has a
    reworded option (a comparability warning), a question without options (a problem) and
    one with its English text missing; returns the ids, the owner's e-mail and the ids of
    the draft's questions by variable."""
    from research.auth.services import user_by_email
    from research.extensions import db
    from surveys.builder import services
    from surveys.builder.settings import save_option_list
    from surveys.builder.versions import publish
    from surveys.models import Survey

    email = make_account()
    ids = make_full_study(email)
    with live_app.app_context():
        survey = db.session.get(Survey, ids["survey"])
        save_option_list(survey, "brands", BRANDS)
        for spec in SPECS:
            question = services.add_question(survey, spec["type"])
            problems = services.update_question(survey, question, {
                "settings": {}, "options": [], "rows": [], **spec})
            assert not problems, (spec["variable"], problems)
        publish(survey, user_by_email(email))
        draft = services.ensure_draft(survey)
        q1 = next(q for q in draft.questions if q.variable == "Q1")
        spec = copy.deepcopy(q1.spec())  # a new document, so the change is saved
        spec["options"][1]["label"] = _t("Бета Плюс", "Beta Plus")
        assert not services.update_question(survey, q1, spec)
        services.add_question(survey, "single_choice")  # no options yet: a problem
        untranslated = services.add_question(survey, "short_text")
        assert not services.update_question(survey, untranslated, {
            **untranslated.spec(), "text": {"ru": "Ваш город?"}})
        db.session.commit()
        questions = {q.variable: q.id for q in survey.draft_version.questions}
        db.session.remove()
    base = f"/studies/{ids['study']}/surveys/{ids['survey']}/builder"
    return {"email": email, "base": base, "questions": questions}


def _editor(variable, bad=None):
    """The editor of ``variable``; with ``bad`` = (field label, value), sent with that error."""
    def go(page, survey):
        page.goto(f"{survey['base']}/questions/{survey['questions'][variable]}")
        if bad:
            label, value = bad
            page.get_by_label(label, exact=True).fill(value)
            page.get_by_role("button", name="Save question").click()
            expect(page.get_by_role("alert")).to_be_visible()
    return go


def _outline(page, survey):
    page.goto(f"{survey['base']}/")
    expect(page.locator("li.has-problems")).not_to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Comparability")).to_be_visible()
    expect(page.get_by_text("Missing translations:")).to_be_visible()


def _lists_with_error(page, survey):
    page.goto(f"{survey['base']}/lists")
    page.get_by_label("List name").fill("Brands 2")
    page.get_by_label("Options (RU)").fill("1 = Альфа\n1 = Бета")
    page.get_by_role("button", name="Save list").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _preview_with_errors(page, survey):
    page.goto(f"{survey['base']}/preview?restart=1")
    page.locator("button[name=action][value=next]").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _import_failed(page, survey):
    page.goto(f"{survey['base']}/")
    importer = page.get_by_role("region", name="Import a questionnaire")
    importer.get_by_label("Questionnaire file (.json or XLSForm .xlsx)").set_input_files({
        "name": "broken.xlsx", "buffer": b"PK\x03\x04 not really a workbook",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    importer.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nothing was imported")


#: name -> the page's path under the builder, or a function that gets there.
PAGES = {
    "outline with problems and warnings": _outline,
    "editor: single choice": _editor("Q1"),
    "editor: single choice with errors": _editor("Q1", ("Options (RU)", "1 = Альфа\n1 = Бета")),
    "editor: grid": _editor("Q2"),
    "editor: grid with errors": _editor("Q2", ("Rows / items (RU)", "")),
    "editor: semantic differential": _editor("Q3"),
    "editor: semantic differential with errors": _editor(
        "Q3", ("Rows / items (RU)", "1 = Дорогая, дешёвая")),
    "editor: number": _editor("Q4"),
    "editor: number with errors": _editor(
        "Q4", ("Valid when (constraint, . = answer)", "${Q99} >")),
    "settings page": "/settings",
    "option lists": "/lists?name=brands",
    "option lists with errors": _lists_with_error,
    "preview": "/preview?restart=1",
    "preview with errors": _preview_with_errors,
    "version page": "/versions/1",
    "import failed": _import_failed,
}

#: Open bugs: page -> ({axe rule: CSS selector every failing element matches}, reason).
KNOWN_VIOLATIONS = {}


def _case(name):
    if name in KNOWN_VIOLATIONS:
        return pytest.param(name, marks=pytest.mark.xfail(
            raises=KnownViolation, strict=True, reason=KNOWN_VIOLATIONS[name][1]))
    return name


@pytest.mark.parametrize("name", [_case(name) for name in PAGES])
def test_builder_page_has_no_axe_violations(name, page, builder_survey, log_in):
    log_in(page, builder_survey["email"])
    target = PAGES[name]
    if callable(target):
        target(page, builder_survey)
    else:
        page.goto(builder_survey["base"] + target)
    assert_axe_clean(page, name, KNOWN_VIOLATIONS)


#: name -> (path under the builder, or a function that gets there)
PHONE_PAGES = {
    "outline": _outline,
    "editor": _editor("Q3"),
    "editor with errors": _editor("Q1", ("Options (RU)", "1 = Альфа\n1 = Бета")),
    "preview": "/preview?restart=1",
}
#: Open layout bugs: name -> reason.
KNOWN_OVERFLOWS = {}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_OVERFLOWS[name]))
    if name in KNOWN_OVERFLOWS else name for name in PHONE_PAGES])
def test_builder_page_fits_a_phone(name, new_page, builder_survey, log_in, tmp_path):
    page = new_page(**PHONE)
    log_in(page, builder_survey["email"])
    target = PHONE_PAGES[name]
    if callable(target):
        target(page, builder_survey)
    else:
        page.goto(builder_survey["base"] + target)
    page.screenshot(path=tmp_path / f"{name.replace(' ', '-')}-360.png", full_page=True)
    assert_no_horizontal_scroll(page)
