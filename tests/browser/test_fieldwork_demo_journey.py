"""The issue's "done when", tried as a new user would, on the demo study.

A researcher publishes the demo questionnaire, opens fieldwork and sets a city quota;
respondents answer the open link on phone-sized windows with and without JavaScript (one
leaves and resumes elsewhere, one hits the full quota cell, one is screened out); an
interviewer keys in a telephone interview; the dashboard, the responses list and one response
show all of it, and the database agrees.

Questions are found by their texts in ``research.demo_questionnaire``, so the journey follows
the demo as it is shipped. Only the demo data and the interviewer's account are made directly.
"""
import re
import statistics

import pytest
from playwright.sync_api import expect

from research.demo_questionnaire import BRANDS, QUESTIONS
from research.extensions import db

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
NO_JAVASCRIPT = {"viewport": {"width": 360, "height": 740}, "java_script_enabled": False}
INTERVIEWER = {"email": "ivan@example.org", "name": "Ivan Interviewer"}

#: Respondent controls outside the questionnaire, per questionnaire language.
UI = {"en": {"next": "Next", "finish": "Finish", "agree": "Yes, I agree"},
      "ru": {"next": "Далее", "finish": "Завершить", "agree": "Да, я согласен(на)"}}

SPEC = {question["variable"]: question for question in QUESTIONS}

#: Answers by variable: option codes, row code -> option code / rank / amount, or text.
WEB_ADULT = {
    "CONSENT": 1, "FREQ": 1, "AGE_EXACT": 34, "AWARE": [1, 4], "USED": 1, "NPS": 7,
    "NPS_WHY": "Queues in the morning", "IMPORT": {1: 5, 2: 4, 3: 4, 4: 3, 5: 2},
    "RANK": {1: 1, 2: 3, 3: 2, 4: 4}, "SPEND": {1: 60, 2: 20, 3: 20, 4: 0},
    "IMAGE": {1: 5, 2: 6, 3: 4}, "INTENT": 4, "GENDER": 2, "AGE": 2, "REGION": 1,
    "INCOME": 4, "EDUCATION": 4, "HHSIZE": 3}
KAZAN_PHONE = {**WEB_ADULT, "CITY": 2}
MOSCOW_NO_JS = {**WEB_ADULT, "CITY": 1, "FREQ": 2, "AWARE": [2, 3], "USED": 2, "GENDER": 1,
                "AGE": 3, "AGE_EXACT": 41}
KAZAN_OVER_QUOTA = {"CONSENT": 1, "CITY": 2, "FREQ": 3, "AGE_EXACT": 25}
TEENAGER = {"CONSENT": 1, "CITY": 1, "FREQ": 1, "AGE_EXACT": 16}
#: Keyed in by the interviewer, in Russian: a Muscovite who does not know Bodroe Utro.
TELEPHONE = {**WEB_ADULT, "CITY": 1, "FREQ": 2, "AGE_EXACT": 52, "AWARE": [2, 5], "USED": 5,
             "GENDER": 1, "AGE": 4, "REGION": 1, "HHSIZE": 2, "INTENT": 2}


# --- the demo questionnaire's wording -----------------------------------------------------------

def text(variable, lang):
    spec = SPEC[variable]
    wording = spec["text"][lang]
    subject = (spec.get("settings") or {}).get("subject")
    return wording.replace("{brand}", subject[lang]) if subject else wording


def option(variable, code, lang):
    spec = SPEC[variable]
    options = BRANDS if spec["settings"].get("option_list") == "brands" else spec["options"]
    return next(item["label"][lang] for item in options if item["code"] == code)


def row(variable, code, lang):
    entry = next(item for item in SPEC[variable]["rows"] if item["code"] == code)
    if entry["label"]:
        return entry["label"][lang]
    ends = entry["settings"]
    return f"{ends['label_left'][lang]} – {ends['label_right'][lang]}"


def point(number):
    """A numbered scale point, with or without its end label ("0 – Not at all likely")."""
    return re.compile(rf"^{number}( – .*)?$")


def question(page, variable, lang):
    return page.get_by_role("group", name=text(variable, lang))


def control(page, variable, lang, value):
    """The control answering ``variable`` with ``value`` (or the question, for rows)."""
    kind = SPEC[variable]["type"]
    if kind == "consent":
        return question(page, variable, lang).get_by_label(UI[lang]["agree"])
    if kind == "numeric":
        return page.get_by_role("textbox", name=text(variable, lang))
    if kind == "long_text":
        piped = text(variable, lang).replace("${NPS}", str(WEB_ADULT["NPS"]))
        return page.get_by_role("textbox", name=piped)
    if variable == "REGION":
        return page.get_by_role("combobox", name=text(variable, lang))
    return question(page, variable, lang)


def answer(page, variable, lang, value):
    kind = SPEC[variable]["type"]
    where = control(page, variable, lang, value)
    if kind == "consent":
        where.check()
    elif kind in ("numeric", "long_text"):
        where.fill(str(value))
    elif variable == "REGION":
        where.select_option(label=option(variable, value, lang))
    elif kind in ("single_choice", "multiple_choice"):
        for code in value if isinstance(value, list) else [value]:
            where.get_by_label(option(variable, code, lang), exact=True).check()
    elif kind == "nps":
        where.get_by_role("radio", name=point(value)).check()
    elif kind == "likert":
        where.get_by_role("radio").nth(value - 1).check()
    elif kind == "grid":
        for code, column in value.items():
            where.get_by_role("group", name=row(variable, code, lang), exact=True).get_by_role(
                "radio", name=option(variable, column, lang), exact=True).check()
    elif kind == "ranking":
        for code, rank in value.items():
            where.get_by_role("combobox", name=row(variable, code, lang), exact=True) \
                .select_option(str(rank))
    elif kind == "constant_sum":
        for code, amount in value.items():
            where.get_by_role("textbox", name=row(variable, code, lang), exact=True) \
                .fill(str(amount))
    elif kind == "semantic_differential":
        for code, number in value.items():
            where.get_by_role("group", name=row(variable, code, lang), exact=True).get_by_role(
                "radio", name=point(number)).check()
    else:
        raise ValueError(f"no way to answer {variable} ({kind})")


def stored_form(answers, *, knows_bodroe_utro):
    """What the database should hold for a completed ``answers`` (A/B variant left out)."""
    stored = {}
    for variable, value in answers.items():
        kind = SPEC[variable]["type"]
        if kind == "multiple_choice":
            stored.update({f"{variable}_{brand['code']}": int(brand["code"] in value)
                           for brand in BRANDS})
        elif kind == "grid":
            stored.update({f"{variable}_r{code}": column for code, column in value.items()})
        elif isinstance(value, dict):
            stored.update({f"{variable}_{code}": number for code, number in value.items()})
        else:
            stored[variable] = value
    if not knows_bodroe_utro:  # the NPS pages are skipped, the image question hidden: missing
        stored.update({"NPS": None, "NPS_WHY": None})
        stored.update({f"IMAGE_{code}": None for code in (1, 2, 3)})
    return stored


# --- driving pages ------------------------------------------------------------------------------

def heading(page):
    return page.get_by_role("heading", level=1)


def submit(page, button):
    """Press a button that sends the page, and wait for the page that answers it."""
    page.evaluate("document.body.dataset.leaving = '1'")
    button.click()
    page.wait_for_function("!document.body || !document.body.dataset.leaving")
    page.wait_for_load_state()


def primary(page, lang):
    return page.get_by_role("main").get_by_role(
        "button", name=re.compile(rf"^({UI[lang]['next']}|{UI[lang]['finish']})$"))


def answer_pages(page, lang, answers, *, stop_after=None, shots=None):
    """Answer page after page with what each page shows, until the interview ends (or the
    page headed ``stop_after`` is answered); returns the headings of the pages answered.

    ``shots`` maps headings to screenshot names, taken once the page is answered."""
    headings = []
    for _turn in range(20):
        if primary(page, lang).count() == 0:
            return headings
        headings.append(heading(page).inner_text())
        for variable, value in answers.items():
            if control(page, variable, lang, value).is_visible():
                answer(page, variable, lang, value)
        if headings[-1] == stop_after:
            return headings
        submit(page, primary(page, lang))
        errors = page.get_by_role("alert")
        assert errors.count() == 0, f"{headings[-1]!r}: {errors.all_inner_texts()}"
    raise AssertionError(f"no end after {headings}")


def start(page, link, *, to_english=False, shot=None):
    """Open the survey link; the start page is in Russian, the questionnaire's main language."""
    page.goto(link)
    expect(heading(page)).to_have_text("Кофе с собой: утренние покупки")
    expect(page.get_by_text("Спасибо, что помогаете нам стать лучше!")).to_be_visible()
    if shot:
        shoot(page, shot)
    if to_english:
        page.get_by_label("Язык").select_option("English")
        submit(page, page.get_by_role("button", name="Сменить"))
        expect(heading(page)).to_have_text("Coffee to go in the morning")
        expect(page.get_by_text("The survey takes about 7 minutes.")).to_be_visible()
    # The start page has one button; it says "Start" in every language shipped so far.
    submit(page, page.get_by_role("main").get_by_role("button"))


def expect_thank_you(page, lang="en"):
    expect(heading(page)).to_have_text({"en": "Thank you!", "ru": "Спасибо!"}[lang])
    expect(page.get_by_text({"en": "Thank you for your answers!",
                             "ru": "Спасибо за ваши ответы!"}[lang])).to_be_visible()
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)


def shoot(page, name):
    page.screenshot(path=f"/tmp/journey-{name}.png", full_page=True)


def cells_of(where, header):
    """The data cells of the table row headed ``header``."""
    return where.get_by_role("row").filter(
        has=where.page.get_by_role("rowheader", name=header, exact=True)).get_by_role("cell")


def figure(page, term):
    """The value of a term of the dashboard's summary."""
    return page.locator("dl.figures dt", has_text=re.compile(rf"^{term}$")).locator(
        "xpath=following-sibling::dd[1]")


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def demo(live_app, base_url):
    """The demo researcher and study as ``make run`` creates them, and an interviewer's account
    (not yet in the study)."""
    from research.demo import load_demo
    from research.models import User
    from tests.browser.conftest import PASSWORD

    with live_app.app_context():
        user, study = load_demo()
        interviewer = User(email=INTERVIEWER["email"], name=INTERVIEWER["name"], active=True)
        interviewer.set_password(PASSWORD)
        db.session.add(interviewer)
        db.session.commit()
        survey = study.surveys[0]
        made = {"email": user.email, "password": live_app.config["DEMO_PASSWORD"],
                "study": study.id, "study_title": study.title,
                "survey": survey.id, "survey_title": survey.title}
        db.session.remove()
    return made


@pytest.fixture
def stored(live_app):
    """The demo survey's interviews and quota cells as the database holds them."""
    from surveys.models import Quota, QuotaCell, Response

    def read(survey_id):
        with live_app.app_context():
            responses = [{
                "id": r.id, "status": r.status, "channel": r.channel, "language": r.language,
                "interviewer": r.interviewer.email if r.interviewer else None,
                "answers": dict(r.answers), "started": r.started_at, "ended": r.completed_at}
                for r in db.session.scalars(db.select(Response).where(
                    Response.survey_id == survey_id).order_by(Response.id))]
            cells = {cell.label: (cell.target, cell.completes) for cell in db.session.scalars(
                db.select(QuotaCell).join(Quota).where(Quota.survey_id == survey_id))}
            db.session.remove()
        return responses, cells
    return read


# --- the journey --------------------------------------------------------------------------------

def test_the_demo_study_in_the_field(new_page, log_in, demo, stored, live_server):
    # 1. The researcher publishes the questionnaire, opens fieldwork and sets a city quota.
    researcher = new_page()
    log_in(researcher, demo["email"], demo["password"])
    researcher.get_by_role("link", name=demo["study_title"]).first.click()
    researcher.get_by_role("link", name=demo["survey_title"]).click()
    expect(heading(researcher)).to_have_text(demo["survey_title"])
    researcher.get_by_role("link", name="Questionnaire", exact=True).click()
    researcher.get_by_role("button", name="Publish version 1").click()
    expect(researcher.get_by_role("status")).to_contain_text("Version 1 is published")
    researcher.get_by_role("link", name=demo["survey_title"]).click()
    expect(researcher.get_by_text("Version 1 — published")).to_be_visible()
    researcher.get_by_role("link", name="Fieldwork").click()
    expect(heading(researcher)).to_have_text("Fieldwork dashboard")
    fieldwork = researcher.url

    tabs = researcher.get_by_role("navigation", name="Fieldwork")
    tabs.get_by_role("link", name="Access and closing").click()
    expect(heading(researcher)).to_have_text("Access and closing")
    expect(researcher.get_by_role("heading", name="Fieldwork status: Draft")).to_be_visible()
    researcher.get_by_role("button", name="Open fieldwork").click()
    expect(researcher.get_by_role("heading", name="Fieldwork status: Live")).to_be_visible()
    link = researcher.get_by_role("textbox", name="Open link", exact=True).input_value()
    assert re.fullmatch(rf"{re.escape(live_server)}/s/[\w-]+", link), link

    tabs.get_by_role("link", name="Quotas").click()
    expect(researcher.get_by_text("No quotas yet.")).to_be_visible()
    expect(researcher.get_by_text(re.compile(r"Closed variables: .*\bCITY\b"))).to_be_visible()
    researcher.get_by_label("Name").fill("City")
    researcher.get_by_label("Closed variables to cross").fill("CITY")
    researcher.get_by_label("Target per cell").fill("5")
    researcher.get_by_role("button", name="Create quota").click()
    expect(researcher.get_by_role("status")).to_contain_text("Quota created.")
    researcher.get_by_label("Target of Казань").fill("1")
    researcher.get_by_role("button", name=re.compile(r"^Save targets")).click()
    expect(researcher.get_by_role("status")).to_contain_text("Targets saved.")
    expect(researcher.get_by_role("table", name="Cells of City").get_by_role("row")) \
        .to_have_count(4)
    expect(researcher.get_by_label("Target of Казань")).to_have_value("1")
    expect(researcher.get_by_label("Target of Москва")).to_have_value("5")

    # 2a. Respondent 1: a phone with JavaScript, in English; from Kazan (fills its cell).
    phone = new_page(**PHONE)
    start(phone, link, to_english=True, shot="1-phone-start-ru")
    expect(phone.get_by_text("Page 1 of 8")).to_be_visible()
    pages = answer_pages(phone, "en", KAZAN_PHONE,
                         shots={"What matters in the morning": "2-phone-grid-en"})
    expect_thank_you(phone)
    shoot(phone, "3-phone-thank-you")
    assert pages == ["Welcome", "A few questions about you", "Coffee shops", "About Bodroe Utro",
                     "Your score", "What matters in the morning", "A new offer", "About you"]
    assert "anketa_js" in {cookie["name"] for cookie in phone.context.cookies()}  # live pages

    # 2b. Respondent 2: no JavaScript, in English; leaves after the brands, resumes elsewhere.
    no_js = new_page(**NO_JAVASCRIPT)
    start(no_js, link, to_english=True)
    expect(no_js.get_by_text("Page 1 of 8")).to_be_visible()
    before = answer_pages(no_js, "en", MOSCOW_NO_JS, stop_after="Coffee shops")
    assert before == ["Welcome", "A few questions about you", "Coffee shops"]
    submit(no_js, no_js.get_by_role("button", name="Continue later"))
    expect(heading(no_js)).to_have_text("Continue later")
    expect(no_js.get_by_text("Your answers are saved.")).to_be_visible()
    resume_link = no_js.get_by_label("Your resume link").input_value()
    assert resume_link.startswith(f"{link}/resume/"), resume_link
    no_js.context.close()  # the browser is closed; its cookie is gone with it

    no_js = new_page(**NO_JAVASCRIPT)
    no_js.goto(resume_link)
    expect(heading(no_js)).to_have_text("Coffee shops")  # where the respondent left
    expect(no_js.get_by_text("Page 3 of 8")).to_be_visible()
    expect(question(no_js, "AWARE", "en").get_by_label("Coffeemania")).to_be_checked()
    expect(question(no_js, "AWARE", "en").get_by_label("Cofix")).not_to_be_checked()
    expect(question(no_js, "USED", "en").get_by_label("Coffeemania")).to_be_checked()
    after = answer_pages(no_js, "en", MOSCOW_NO_JS)
    # No Bodroe Utro among the shops known: no NPS page and no image question.
    assert after == ["Coffee shops", "What matters in the morning", "A new offer", "About you"]
    expect_thank_you(no_js)

    # 3a. Respondent 3: Kazan again, whose cell is full: the over-quota page.
    over = new_page(**PHONE)
    start(over, link, to_english=True)
    assert answer_pages(over, "en", KAZAN_OVER_QUOTA) == ["Welcome", "A few questions about you"]
    expect(heading(over)).to_have_text("The survey has ended")
    expect(over.get_by_text("We already have enough answers from people like you")) \
        .to_be_visible()
    shoot(over, "4-phone-over-quota")

    # 3b. Respondent 4, in Russian without JavaScript, is 16: screened out.
    teenager = new_page(**NO_JAVASCRIPT)
    start(teenager, link)
    assert answer_pages(teenager, "ru", TEENAGER) == [
        "Добро пожаловать", "Несколько вопросов о вас"]
    expect(teenager.get_by_text("Спасибо! К сожалению, этот опрос не для вас.")).to_be_visible()
    expect(teenager.get_by_role("main").get_by_role("button")).to_have_count(0)
    shoot(teenager, "5-no-js-screened-out-ru")
    teenager.goto(link)  # coming back changes nothing
    expect(teenager.get_by_text("Спасибо! К сожалению, этот опрос не для вас.")).to_be_visible()

    # 4. The owner adds an interviewer on the team page, who keys in a telephone interview.
    researcher.goto(f"/studies/{demo['study']}")
    researcher.get_by_role("link", name="Team").click()
    researcher.get_by_label("Colleague's e-mail").fill(INTERVIEWER["email"])
    researcher.get_by_label("Role", exact=True).select_option(label="Interviewer")
    researcher.get_by_role("button", name="Invite").click()
    expect(researcher.get_by_role("row", name=re.compile(INTERVIEWER["name"]))) \
        .to_contain_text("Interviewer")

    interviewer = new_page()
    log_in(interviewer, INTERVIEWER["email"])
    interviewer.get_by_role("region", name="Interviews to key in").get_by_role(
        "link", name=demo["study_title"]).click()
    expect(heading(interviewer)).to_have_text("Interviews")
    expect(interviewer.get_by_text("You have not keyed in any interview")).to_be_visible()
    card = interviewer.get_by_role("article", name=demo["survey_title"])
    card.get_by_label("Channel").select_option(label="Telephone interview")
    card.get_by_label("Questionnaire language").select_option(label="Русский")
    submit(interviewer, card.get_by_role("button", name="New interview"))
    bar = interviewer.get_by_role("navigation", name="Interview")
    expect(bar).to_contain_text(demo["survey_title"])
    # The bar speaks the interviewer's language, the questions the questionnaire's.
    expect(bar).to_contain_text("Telephone interview")
    shoot(interviewer, "6-interviewer-page-ru")
    keyed = answer_pages(interviewer, "ru", TELEPHONE)
    assert "О «Бодром утре»" not in keyed, keyed  # NPS only for those who know the brand
    expect(heading(interviewer)).to_have_text(re.compile(r"^Interview \d+ has ended$"))
    expect(interviewer.get_by_text("The interview is complete: its answers are saved.")) \
        .to_be_visible()
    interviewer.get_by_role("link", name="Back to my interviews").last.click()
    expect(interviewer.get_by_role("table")).to_contain_text("Telephone interview")
    expect(interviewer.get_by_role("table")).to_contain_text("Complete")

    # 5. The dashboard shows all of it.
    researcher.goto(fieldwork)
    expect(heading(researcher)).to_have_text("Fieldwork dashboard")
    expect(figure(researcher, "Valid completes")).to_have_text("3")
    expect(figure(researcher, "Interviews started")).to_have_text("5")
    expect(figure(researcher, "Completion rate")).to_have_text("100.0%")
    expect(figure(researcher, "Incidence")).to_have_text("80.0%")
    median = figure(researcher, "Median duration of valid completes")
    expect(median).to_have_text(re.compile(r"^\d+:\d\d$"))
    median_shown = median.inner_text()
    statuses = researcher.get_by_role("region", name="Interviews by status")
    for status, total in (("In progress", 0), ("Complete", 3), ("Screened out", 1),
                          ("Over quota", 1), ("Abandoned", 0)):
        expect(cells_of(statuses, status)).to_have_text([str(total), "0", str(total)])
    channels = researcher.get_by_role("region", name="Valid completes by channel")
    expect(channels.get_by_role("rowheader")).to_have_text(["Web", "Telephone interview"])
    expect(cells_of(channels, "Web")).to_have_text(["2"])
    expect(cells_of(channels, "Telephone interview")).to_have_text(["1"])
    quota = researcher.get_by_role("region", name="Quota cells")
    expect(quota.get_by_role("table", name="City")).to_be_visible()
    # Target, completes, filled, overshoot, over-quota endings.
    expect(cells_of(quota, "Москва")).to_have_text(["5", "2", "40%", "0", "0"])
    expect(cells_of(quota, "Казань")).to_have_text(["1", "1", "100%", "0", "1"])
    expect(cells_of(quota, "Другой город")).to_have_text(["5", "0", "0%", "0", "0"])
    shoot(researcher, "7-dashboard")

    # The responses list shows the channels and the interviewer; one response its answers.
    researcher.get_by_role("navigation", name="Fieldwork").get_by_role(
        "link", name="Responses").click()
    listing = researcher.locator("#responses")
    expect(listing.get_by_role("row")).to_have_count(6)
    expect(listing.get_by_role("row", name=re.compile("Telephone interview"))) \
        .to_contain_text(INTERVIEWER["name"])
    expect(listing.get_by_role("row", name=re.compile(r" Web "))).to_have_count(4)
    shoot(researcher, "8-responses")
    responses, cells = stored(demo["survey"])  # for the ids of the rows to open
    phone_complete = responses[0]
    listing.get_by_role("link", name=str(phone_complete["id"]), exact=True).click()
    expect(heading(researcher)).to_have_text(f"Response {phone_complete['id']}")
    expect(researcher.locator("#status")).to_have_text("Complete")
    answers = researcher.locator("#answers")
    expect(answers.locator("tr[data-variable=CITY]")).to_contain_text("Казань")
    expect(answers.locator("tr[data-variable=AGE_EXACT] .value")).to_have_text("34")
    expect(answers.locator("tr[data-variable=NPS_WHY] .value")).to_have_text(
        "Queues in the morning")
    shoot(researcher, "9-response")

    researcher.get_by_role("link", name="Back to the responses").click()
    researcher.locator("#responses").get_by_role(
        "link", name=str(responses[4]["id"]), exact=True).click()
    interview = researcher.get_by_role("region", name="Interview")
    expect(interview).to_contain_text("Telephone interview")
    expect(interview).to_contain_text(INTERVIEWER["name"])
    expect(researcher.locator("#answers tr[data-variable=AGE_EXACT] .value")).to_have_text("52")
    researcher.go_back()
    researcher.locator("#responses").get_by_role(
        "link", name=str(responses[3]["id"]), exact=True).click()
    expect(researcher.locator("#status")).to_have_text("Screened out")
    expect(researcher.locator("#end-cause")).to_contain_text("AGE_EXACT")
    researcher.go_back()
    researcher.locator("#responses").get_by_role(
        "link", name=str(responses[2]["id"]), exact=True).click()
    expect(researcher.locator("#status")).to_have_text("Over quota")
    expect(researcher.locator("#end-cause")).to_contain_text("Full quota cell Казань (City)")

    # The database agrees.
    [first, second, third, fourth, fifth] = responses
    assert [(r["status"], r["channel"], r["language"], r["interviewer"]) for r in responses] == [
        ("complete", "web", "en", None), ("complete", "web", "en", None),
        ("over_quota", "web", "en", None), ("screened_out", "web", "ru", None),
        ("complete", "phone", "ru", INTERVIEWER["email"])]
    for response in responses:
        assert response["answers"].pop("PRICE_TEST") in (1, 2)
        assert response["ended"] is not None and response["ended"] >= response["started"]
    assert first["answers"] == stored_form(KAZAN_PHONE, knows_bodroe_utro=True)
    assert second["answers"] == stored_form(MOSCOW_NO_JS, knows_bodroe_utro=False)
    assert third["answers"] == KAZAN_OVER_QUOTA
    assert fourth["answers"] == TEENAGER
    assert fifth["answers"] == stored_form(TELEPHONE, knows_bodroe_utro=False)
    assert cells == {"Москва": (5, 2), "Казань": (1, 1), "Другой город": (5, 0)}
    seconds = round(statistics.median((r["ended"] - r["started"]).total_seconds()
                                      for r in (first, second, fifth)))
    assert median_shown == f"{seconds // 60}:{seconds % 60:02d}"


def test_fieldwork_pages_show_their_tabs(new_page, log_in, demo):
    page = new_page()
    log_in(page, demo["email"], demo["password"])
    page.goto(f"/studies/{demo['study']}/surveys/{demo['survey']}/fieldwork/")
    tabs = page.get_by_role("navigation", name="Fieldwork").get_by_role("link")
    expect(tabs).to_have_text(["Dashboard", "Responses", "Access and closing",
                               "Personal links", "Quotas"])
