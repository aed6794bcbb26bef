"""The questionnaire builder as a new researcher meets it, in the real browser.

The issue's "Done when": build a 30-question survey using every type, logic, piping, an
A/B block and two languages; preview it; publish; edit into version 2; export and re-import
it both as JSON and as XLSForm with nothing lost. The main journey runs without JavaScript
(every builder page is a server-rendered form); a short run checks nothing breaks with it.
Controls are found by their labels and roles, as in test_journey.py.
"""
import json
import re

import pytest
from playwright.sync_api import expect

from surveys.interchange import normalise
from tests.browser.test_journey import register

pytestmark = pytest.mark.browser

OWNER = {"email": "bella@example.org", "name": "Bella Builder",
         "password": "a long builder passphrase"}
STUDY = "Coffee habits 2025"
SURVEY = "Coffee questionnaire"

#: The shared option list (Option lists page), used by Q4 and Q10.
BRANDS = ("brands", "1 = Альфа\n2 = Бета\n3 = Гамма\n99 = Ни одну из них [exclusive]",
          "Alpha\nBeta\nGamma\nNone of them")

#: Every item goes through "Add a question" and the editor, in this order: (menu name of
#: the type, the variable the builder gives it, what to fill in). ``text``, ``options``,
#: ``rows`` and per-language settings are (RU, EN) pairs; ``settings`` maps a field's
#: label to a value (True ticks a checkbox, a label of a select chooses it).
ITEMS = [
    ("Section (page break)", "S1", {"text": ("Знакомство", "Introduction")}),
    ("Instruction text", "I1", {"text": ("Спасибо, что отвечаете на вопросы о кофе.",
                                         "Thank you for answering our questions on coffee.")}),
    ("Consent", "Q1", {"text": ("Согласны ли вы участвовать в опросе?",
                                "Do you agree to take part in the survey?"),
                       "texts": {"Hint": ("Ответы анонимны.", "Answers are anonymous.")}}),
    ("Single choice", "Q2", {
        "text": ("Какую марку кофе вы покупаете чаще всего?",
                 "Which coffee brand do you buy most often?"),
        "options": ("1 = Альфа\n2 = Бета\n3 = Гамма\n98 = Другая [other]",
                    "Alpha\nBeta\nGamma\nAnother"),
        "settings": {"Answer required": True, "Option order": "Shuffle"}}),
    ("Yes / no", "Q3", {"text": ("Пьёте ли вы кофе каждый день?",
                                 "Do you drink coffee every day?"),
                        "settings": {"Answer required": True}}),
    ("Multiple choice", "Q4", {"text": ("Какие марки кофе вы знаете?",
                                        "Which coffee brands do you know?"),
                               "list": "brands",
                               "settings": {"Answer required": True,
                                            "At most … options": "3"}}),
    ("Section (page break)", "S2", {"text": ("Привычки", "Habits")}),
    ("Number", "Q5", {"text": ("Сколько чашек кофе в день вы выпиваете?",
                               "How many cups of coffee do you drink a day?"),
                      "settings": {"Show when (relevance)": "${Q3} = 1",
                                   "Valid when (constraint, . = answer)": ". <= 10",
                                   "Minimum": "0", "Maximum": "30"},
                      "texts": {"Message when not valid": ("Не больше 10 чашек, пожалуйста.",
                                                           "At most 10 cups, please.")}}),
    ("Date", "Q6", {"text": ("Когда вы последний раз покупали кофе?",
                             "When did you last buy coffee?"),
                    "settings": {"Minimum": "2020-01-01"}}),
    ("Short text", "Q7", {"text": ("Почему вы выбираете ${Q2}?", "Why do you choose ${Q2}?"),
                          "settings": {"Maximum length (characters)": "200"}}),
    ("Long text", "Q8", {"text": ("Опишите ваш идеальный кофе.", "Describe your ideal coffee."),
                         "settings": {"Required when": "${Q3} = 1"}}),
    ("E-mail address", "Q9", {"text": ("Ваш e-mail для розыгрыша призов",
                                       "Your e-mail for the prize draw")}),
    ("Multiple choice", "Q10", {"text": ("Какие из этих марок вы покупали за месяц?",
                                         "Which of these brands did you buy this month?"),
                                "list": "brands",
                                "settings": {"Show when (relevance)": "selected(${Q4}, '2')"}}),
    ("Section (page break)", "S3", {"text": ("Оценки", "Ratings")}),
    ("Likert scale (agreement)", "Q11", {"text": ("Кофе помогает мне проснуться.",
                                                  "Coffee helps me wake up."),
                                         # Workaround: empty the 5 default labels the editor
                                         # shows (test_likert_editor_switches_to_seven_points).
                                         "options": ("", ""),
                                         "settings": {"Scale points": "7"}}),
    ("Importance scale", "Q12", {"text": ("Насколько для вас важна цена кофе?",
                                          "How important is the price of coffee to you?")}),
    ("Rating scale", "Q13", {"text": ("Оцените вкус ${Q2}.", "Rate the taste of ${Q2}."),
                             "settings": {"Scale points": "10"},
                             "texts": {"Label of the low end": ("Ужасно", "Awful"),
                                       "Label of the high end": ("Отлично", "Excellent")}}),
    ("Net Promoter Score (NPS)", "Q14", {"texts": {
        "Brand or subject (fills {brand})": ("нашу кофейню", "our coffee shop")}}),
    ("Semantic differential", "Q15", {
        "text": ("Какой, по-вашему, кофе «Альфа»?", "How do you see Alpha coffee?"),
        "rows": ("1 = Дорогой | Дешёвый\n2 = Старомодный | Современный",
                 "Expensive | Cheap\nOld-fashioned | Modern"),
        "settings": {"Scale points": "5"}}),
    ("Grid (matrix)", "Q16", {
        "text": ("Оцените качество марок.", "Rate the quality of the brands."),
        "options": ("1 = Плохо\n2 = Средне\n3 = Хорошо", "Poor\nFair\nGood"),
        "rows": ("1 = Альфа\n2 = Бета\n3 = Гамма", "Alpha\nBeta\nGamma"),
        "settings": {"Row order": "Rotate"}}),
    ("Ranking", "Q17", {"text": ("Что для вас важнее всего в кофе?",
                                 "What matters most to you in coffee?"),
                        "rows": ("Вкус\nЦена\nАромат\nУпаковка",
                                 "Taste\nPrice\nAroma\nPackaging"),
                        "settings": {"Rank only the top …": "3"}}),
    ("Constant sum", "Q18", {"text": ("Распределите 100 баллов по важности.",
                                      "Share 100 points by importance."),
                             "rows": ("Вкус\nЦена\nАромат", "Taste\nPrice\nAroma"),
                             "settings": {"At most per item": "80"}}),
    ("Section (page break)", "S4", {"text": ("Ассоциации", "Associations")}),
    ("In your own words", "Q19", {"text": ("Утро с кофе", "A morning with coffee"),
                                  "texts": {"Prompt": ("Опишите своими словами утро с кофе.",
                                                       "Describe a morning with coffee.")}}),
    ("Sentence completion", "Q20", {"text": ("Закончите предложение.", "Finish the sentence."),
                                    "texts": {"Sentence stem (mark the blank with ___)": (
                                        "Когда я думаю о кофе, я ___",
                                        "When I think of coffee, I ___")}}),
    ("Story completion", "Q21", {"text": ("Продолжите историю.", "Continue the story."),
                                 "texts": {"Story opening": ("Анна зашла в кофейню и…",
                                                             "Anna walked into a café and…")}}),
    ("Word association", "Q22", {"text": ("Что приходит в голову при этих словах?",
                                          "What comes to mind with these words?"),
                                 "rows": ("Кофе\nУтро", "Coffee\nMorning"),
                                 "settings": {"Associations per word": "2"}}),
    ("Section (page break)", "S5", {"text": ("Цена", "Price")}),
    ("A/B split (randomiser)", "AB1", {"text": ("Тест цены", "Price test"),
                                       "options": ("1 = 199 ₽ [share=50]\n2 = 249 ₽ [share=50]",
                                                   "199 RUB\n249 RUB")}),
    ("Instruction text", "I2", {"text": ("Пачка кофе «Альфа» стоит 199 ₽.",
                                         "A pack of Alpha coffee costs 199 RUB."),
                                "settings": {"Show when (relevance)": "${AB1} = 1"}}),
    ("Instruction text", "I3", {"text": ("Пачка кофе «Альфа» стоит 249 ₽.",
                                         "A pack of Alpha coffee costs 249 RUB."),
                                "settings": {"Show when (relevance)": "${AB1} = 2"}}),
    ("Single choice", "Q23", {"text": ("Купили бы вы её по этой цене?",
                                       "Would you buy it at this price?"),
                              "options": ("1 = Да\n2 = Нет\n99 = Затрудняюсь ответить",
                                          "Yes\nNo\nDon't know"),
                              "settings": {"Show options as": "Drop-down list"}}),
]
#: The standard NPS block from the library comes last.
LIBRARY_ITEMS = ["NPS", "NPS_WHY"]
TYPE_MENU_NAMES = {name for name, _variable, _fill in ITEMS}


def status(page):
    """The flashed messages (the outline's comparability note is a status too, below it)."""
    return page.get_by_role("status").first


def outline_item(page, variable):
    return page.locator("ol.outline > li").filter(
        has=page.locator(".variable", has_text=re.compile(rf"^{variable}$")))


def fill_pair(page, label, pair):
    ru, en = pair
    page.get_by_label(f"{label} (RU)", exact=True).fill(ru)
    page.get_by_label(f"{label} (EN)", exact=True).fill(en)


def fill_editor(page, fill):
    if "text" in fill:
        fill_pair(page, "Text", fill["text"])
    if "list" in fill:
        page.get_by_label("Options from a shared list").select_option(fill["list"])
    if "options" in fill:
        fill_pair(page, "Options", fill["options"])
    if "rows" in fill:
        fill_pair(page, "Rows / items", fill["rows"])
    for label, pair in fill.get("texts", {}).items():
        fill_pair(page, label, pair)
    for label, value in fill.get("settings", {}).items():
        control = page.get_by_label(label, exact=True)
        if value is True:
            control.check()
        elif control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)


def add_item(page, type_name, variable, fill, screenshot=None):
    """Outline → "Add a question" → the editor → saved, back on the outline."""
    adder = page.get_by_role("region", name="Add a question")
    adder.get_by_label("Question type").select_option(label=type_name)
    adder.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{variable}: {type_name}")
    expect(page.get_by_label("Variable name")).to_have_value(variable)
    fill_editor(page, fill)
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".flashes, .error-summary").first).to_be_visible()
    refused = page.locator(".error-summary")
    assert not refused.count(), f"{variable} was not saved: {refused.inner_text()}"
    expect(status(page)).to_contain_text(f"Question {variable} saved.")


def expect_no_problems(page):
    problems = page.locator("ol.outline > li.has-problems")
    assert not problems.count(), "problems: " + " | ".join(problems.all_inner_texts())
    expect(page.locator(".error-summary")).to_have_count(0)


def download(page, link_name, folder):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def next_button(page):
    """The respondent page's Next/Finish button (its label is in the questionnaire's language)."""
    return page.locator("button[name=action][value=next]")


def new_survey(page, study_url, title, main="ru", further=("English",)):
    page.goto(study_url)
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind of survey").select_option(label="Ad hoc")
    page.get_by_label("Main language of the questionnaire").select_option(main)
    for name in further:
        page.get_by_role("group", name="Further languages").get_by_label(name).check()
    page.get_by_role("button", name="Create survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def open_builder(page, survey_url):
    """From the survey's page to its questionnaire builder."""
    page.goto(survey_url)
    page.get_by_role("link", name="Questionnaire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Questionnaire")


def test_researcher_builds_previews_publishes_versions_and_round_trips(new_page, live_app,
                                                                        tmp_path):
    page = new_page(java_script_enabled=False)
    page.goto("/account/register")
    register(page, **OWNER)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("link", name="New study").click()
    page.get_by_label("Title").fill(STUDY)
    page.get_by_role("button", name="Create study").click()
    expect(page).to_have_url(re.compile(r"/studies/\d+$"))
    study_url = page.url
    survey_url = new_survey(page, study_url, SURVEY)
    expect(page.get_by_text("ru, en (main: ru)")).to_be_visible()
    open_builder(page, survey_url)
    outline_url = page.url
    expect(page.get_by_text(re.compile(r"^No questions yet\."))).to_be_visible()
    page.screenshot(path=tmp_path / "outline-empty.png", full_page=True)

    # The shared brand list, written once.
    page.get_by_role("link", name="Option lists").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared option lists")
    page.get_by_label("List name").fill(BRANDS[0])
    page.get_by_label("Options (RU)").fill(BRANDS[1])
    page.get_by_label("Options (EN)").fill(BRANDS[2])
    page.get_by_role("button", name="Save list").click()
    expect(status(page)).to_contain_text("Option list brands saved.")
    expect(page.get_by_role("row", name=re.compile(r"brands\s+4"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Questionnaire")).click()

    # The texts around the questions, in both languages.
    page.get_by_role("link", name="Languages and texts").click()
    expect(page.get_by_label("Main language")).to_have_value("ru")
    expect(page.get_by_role("group", name="Languages of the questionnaire").get_by_label(
        "English")).to_be_checked()
    fill_pair(page, "Title respondents see", ("Кофе и вы", "Coffee and you"))
    fill_pair(page, "Thank-you text (after the last page)",
              ("Спасибо за ответы!", "Thank you for your answers!"))
    page.get_by_role("button", name="Save settings").click()
    expect(status(page)).to_contain_text("Questionnaire settings saved.")
    page.get_by_role("link", name=re.compile("Questionnaire")).click()

    # Every type once through the editor (and some twice), in both languages.
    for type_name, variable, fill in ITEMS:
        add_item(page, type_name, variable, fill,
                 screenshot=tmp_path / f"editor-{variable}.png" if variable in (
                     "Q2", "Q5", "Q15") else None)

    # The standard NPS block from the library.
    library = page.get_by_role("region", name="Insert from the library")
    library.get_by_label("Block").select_option(
        label="Standard: NPS with the reason for the score")
    library.get_by_role("button", name="Insert block").click()
    expect(status(page)).to_contain_text("Block inserted.")
    # The standard block recommends "our company"; this study names the brand instead.
    nps = outline_item(page, "NPS")
    expect(nps.locator(".problems")).to_have_count(0)
    nps.get_by_role("link", name="Edit NPS").click()
    fill_pair(page, "Brand or subject (fills {brand})", ("кофе «Альфа»", "Alpha coffee"))
    page.get_by_role("button", name="Save question").click()
    expect(status(page)).to_contain_text("Question NPS saved.")

    # The outline: every item, its logic, no problems.
    variables = [variable for _t, variable, _f in ITEMS] + LIBRARY_ITEMS
    expect(page.locator("ol.outline > li .variable")).to_have_text(variables)
    assert len(variables) >= 30
    expect_no_problems(page)
    expect(outline_item(page, "Q5")).to_contain_text("shown when: ${Q3} = 1")
    expect(outline_item(page, "Q5")).to_contain_text("valid when: . <= 10")
    expect(outline_item(page, "Q8")).to_contain_text("required when: ${Q3} = 1")
    expect(outline_item(page, "Q10")).to_contain_text("shown when: selected(${Q4}, '2')")
    expect(outline_item(page, "I2")).to_contain_text("shown when: ${AB1} = 1")
    expect(outline_item(page, "I3")).to_contain_text("shown when: ${AB1} = 2")
    expect(outline_item(page, "Q2")).to_contain_text("required")
    page.screenshot(path=tmp_path / "outline.png", full_page=True)

    # Preview: the draft as respondents get it, in Russian first.
    page.get_by_role("link", name="Preview").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("banner")).to_contain_text("Кофе и вы")
    # The banner speaks the questionnaire's language, like the rest of the page.
    expect(page.get_by_role("note")).to_contain_text("ответы не сохраняются")
    expect(page.get_by_role("heading", level=1)).to_have_text("Знакомство")
    expect(page.get_by_text("Спасибо, что отвечаете на вопросы о кофе.")).to_be_visible()
    next_button(page).click()  # nothing answered
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(4)  # Q1, Q2, Q3, Q4 are required
    page.screenshot(path=tmp_path / "preview-errors.png", full_page=True)
    consent = page.get_by_role("group", name=re.compile("Согласны ли вы участвовать"))
    consent.get_by_label("Да, я согласен(на)").check()
    page.get_by_role("group", name=re.compile("Какую марку кофе")).get_by_label("Бета").check()
    page.get_by_role("group", name=re.compile("Пьёте ли вы кофе")).get_by_label("Нет").check()
    page.get_by_role("group", name=re.compile("Какие марки кофе вы знаете")).get_by_label(
        "Альфа").check()
    next_button(page).click()

    # Habits: no daily coffee hides the cups (Q5), Alpha alone hides the purchases (Q10);
    # Q7 pipes the brand's label.
    expect(page.get_by_role("heading", level=1)).to_have_text("Привычки")
    expect(page.get_by_text("Сколько чашек кофе")).to_have_count(0)
    expect(page.get_by_text("Какие из этих марок вы покупали")).to_have_count(0)
    expect(page.get_by_label("Почему вы выбираете Бета?")).to_be_visible()
    page.get_by_role("button", name="Назад").click()
    page.get_by_role("group", name=re.compile("Пьёте ли вы кофе")).get_by_label("Да").check()
    next_button(page).click()
    cups = page.get_by_label(re.compile("Сколько чашек кофе"))
    expect(cups).to_be_visible()
    cups.fill("12")
    next_button(page).click()
    expect(page.get_by_role("alert")).to_contain_text("Не больше 10 чашек, пожалуйста.")
    # Daily drinkers must describe their ideal coffee (required when ${Q3} = 1).
    expect(page.get_by_role("alert")).to_contain_text("Опишите ваш идеальный кофе.")
    page.get_by_label(re.compile("Сколько чашек кофе")).fill("3")
    page.get_by_label(re.compile("Опишите ваш идеальный кофе")).fill("Крепкий, без сахара")

    # The respondent switches to English: the page and the piped label follow. (What was
    # typed on the page and not yet sent is lost: the switch is a separate GET form.)
    page.get_by_label("Язык").select_option("en")
    page.get_by_role("button", name="Сменить").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Habits")
    expect(page.get_by_label("Why do you choose Beta?")).to_be_visible()
    page.get_by_label(re.compile("How many cups")).fill("3")
    page.get_by_label(re.compile("Describe your ideal coffee")).fill("Strong, no sugar")
    page.screenshot(path=tmp_path / "preview-habits-en.png", full_page=True)
    next_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ratings")
    expect(page.get_by_role("group", name=re.compile(r"Rate the taste of Beta\."))).to_be_visible()
    expect(page.get_by_role("group", name=re.compile(
        "How likely is it that you would recommend our coffee shop"))).to_be_visible()
    next_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Associations")
    expect(page.get_by_label("When I think of coffee, I ___")).to_be_visible()
    next_button(page).click()
    # The price page: exactly one A/B variant is shown.
    expect(page.get_by_role("heading", level=1)).to_have_text("Price")
    variants = page.get_by_text(re.compile(r"A pack of Alpha coffee costs (199|249) RUB\."))
    expect(variants).to_have_count(1)
    page.get_by_role("group", name=re.compile("How likely is it that you would recommend "
                                              "Alpha coffee")).get_by_label("9").check()
    next_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview finished")
    expect(page.get_by_text("Thank you for your answers!")).to_be_visible()
    stored = page.get_by_role("table", name="Answers as they would be stored")
    expect(stored.get_by_role("row", name=re.compile(r"^Q2 .* 2$"))).to_be_visible()
    expect(stored.get_by_role("row", name=re.compile(r"^Q5 .* 3$"))).to_be_visible()
    expect(stored.get_by_role("row", name=re.compile(r"^AB1 .* [12]$"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Questionnaire")).click()
    expect(page).to_have_url(outline_url)

    # Publish version 1.
    page.get_by_role("button", name="Publish version 1").click()
    expect(status(page)).to_contain_text("Version 1 is published.")
    expect(page.get_by_role("button", name="Edit as a new draft")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Add"))).to_have_count(0)
    with open(download(page, "Export JSON", tmp_path), encoding="utf-8") as file:
        version_1 = json.load(file)
    assert [q["variable"] for q in version_1["questions"]] == variables

    # Version 2: a new draft, a reworded option and a new question.
    page.get_by_role("button", name="Edit as a new draft").click()
    expect(status(page)).to_contain_text("Draft version 2 created")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire — draft version 2")
    outline_item(page, "Q2").get_by_role("link", name="Edit Q2").click()
    page.get_by_label("Options (RU)").fill(
        "1 = Альфа\n2 = Бета Плюс\n3 = Гамма\n98 = Другая [other]")
    page.get_by_label("Options (EN)").fill("Alpha\nBeta Plus\nGamma\nAnother")
    page.get_by_role("button", name="Save question").click()
    expect(status(page)).to_contain_text("Question Q2 saved.")
    add_item(page, "Short text", "Q24", {"text": ("В каком городе вы живёте?",
                                                  "Which city do you live in?")})
    warnings = page.get_by_role("status").filter(has_text="Comparability with collected data")
    expect(warnings).to_contain_text("Q2: code 2 meant “Бета” in version 1 and means "
                                     "“Бета Плюс” now.")
    expect_no_problems(page)
    page.screenshot(path=tmp_path / "outline-v2-warnings.png")
    page.get_by_role("button", name="Publish version 2").click()
    expect(status(page)).to_contain_text("Version 2 is published.")

    # Version 1 is unchanged.
    page.get_by_role("link", name="version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1")
    table = page.get_by_role("table", name="Variables of this version")
    expect(table.get_by_role("row", name=re.compile(r"^Q2 "))).to_contain_text("2 = Бета;")
    expect(table.get_by_role("row", name=re.compile(r"^Q24 "))).to_have_count(0)
    page.screenshot(path=tmp_path / "version-1.png", full_page=True)
    page.goto(outline_url)
    page.get_by_role("link", name="version 2").click()
    table = page.get_by_role("table", name="Variables of this version")
    expect(table.get_by_role("row", name=re.compile(r"^Q2 "))).to_contain_text("2 = Бета Плюс")
    expect(table.get_by_role("row", name=re.compile(r"^Q24 "))).to_have_count(1)

    # Export version 2 both ways.
    page.goto(outline_url)
    exported_json = download(page, "Export JSON", tmp_path)
    exported_xlsx = download(page, "Export XLSForm", tmp_path)
    assert exported_json.name == "Coffee-questionnaire-v2.json"
    assert exported_xlsx.name == "Coffee-questionnaire-v2.xlsx"
    original = json.loads(exported_json.read_text(encoding="utf-8"))
    assert len(original["questions"]) == len(variables) + 1

    # Import each into a new survey: the imported draft exports the same questionnaire.
    copy_url = new_survey(page, study_url, "Imported copy", main="en", further=())
    open_builder(page, copy_url)
    imported = import_and_export(page, exported_json, tmp_path / "from-json",
                                 len(original["questions"]))
    assert imported["questions"] == original["questions"]
    assert imported["option_lists"] == original["option_lists"]
    assert imported["languages"] == ["ru", "en"]

    # A spreadsheet cannot tell "no settings" from "empty settings" and does not repeat
    # default labels: the XLSForm round trip gives the definition's documented normal form
    # (surveys/interchange/normal.py), which means the same questionnaire. The last check.
    imported = import_and_export(page, exported_xlsx, tmp_path / "from-xlsform",
                                 len(original["questions"]))
    assert imported["languages"] == ["ru", "en"]
    with live_app.app_context():
        expected = normalise(original)
    assert imported["option_lists"] == expected["option_lists"]
    assert imported["questions"] == expected["questions"]


def import_and_export(page, path, folder, count):
    folder.mkdir()
    importer = page.get_by_role("region", name="Import a questionnaire")
    importer.get_by_label("Questionnaire file (.json or XLSForm .xlsx)").set_input_files(path)
    importer.get_by_role("button", name="Import").click()
    failed = page.get_by_role("heading", name=re.compile("Nothing was imported"))
    assert not failed.count(), page.locator("main").inner_text()
    expect(status(page)).to_contain_text(
        f"Questionnaire imported: {count} questions in the draft.")
    expect_no_problems(page)
    with open(download(page, "Export JSON", folder), encoding="utf-8") as file:
        return json.load(file)


def test_likert_editor_switches_to_seven_points(page, make_account, make_full_study, log_in):
    email = make_account()
    ids = make_full_study(email)
    log_in(page, email)
    page.goto(f"/studies/{ids['study']}/surveys/{ids['survey']}/builder/")
    add_item(page, "Likert scale (agreement)", "Q1", {
        "text": ("Кофе помогает мне проснуться.", "Coffee helps me wake up."),
        "settings": {"Scale points": "7"}})


def test_builder_works_with_javascript(new_page, make_account, make_full_study, log_in):
    """A short run with JavaScript on: add a question, preview it; no script errors."""
    email = make_account()
    ids = make_full_study(email)
    page = new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    log_in(page, email)
    page.goto(f"/studies/{ids['study']}/surveys/{ids['survey']}/builder/")
    add_item(page, "Multiple choice", "Q1", {
        "text": ("Какие марки вы знаете?", "Which brands do you know?"),
        "options": ("Альфа\nБета\n99 = Ни одной [exclusive]", "Alpha\nBeta\nNone"),
        "settings": {"Answer required": True}})
    add_item(page, "Section (page break)", "S1", {"text": ("Почему", "Why")})
    add_item(page, "Short text", "Q2", {"text": ("Чем вам нравится ${Q1}?", "Why ${Q1}?"),
                                        "settings": {"Show when (relevance)":
                                                     "not(selected(${Q1}, '99'))"}})
    expect_no_problems(page)
    page.get_by_role("link", name="Preview").click()
    next_button(page).click()
    expect(page.get_by_role("alert")).to_contain_text("Какие марки вы знаете?")
    page.get_by_label("Ни одной").check()
    page.get_by_label("Альфа").check()  # exclusive with "none": refused on submit
    next_button(page).click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Ни одной").uncheck()
    next_button(page).click()
    expect(page.get_by_label("Чем вам нравится Альфа?")).to_be_visible()
    next_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview finished")
    assert not errors


def test_condition_on_the_same_page_is_not_silently_skipped(page, make_account,
                                                             make_full_study, log_in):
    email = make_account()
    ids = make_full_study(email)
    log_in(page, email)
    page.goto(f"/studies/{ids['study']}/surveys/{ids['survey']}/builder/")
    add_item(page, "Yes / no", "Q1", {"text": ("Пьёте ли вы кофе?", "Do you drink coffee?")})
    add_item(page, "Short text", "Q2", {"text": ("Какой кофе вы пьёте?",
                                                 "Which coffee do you drink?"),
                                        "settings": {"Show when (relevance)": "${Q1} = 1"}})
    if outline_item(page, "Q2").locator(".problems, .warnings").count():
        return  # the builder tells the researcher
    page.get_by_role("link", name="Preview").click()
    page.get_by_label("Да").check()
    next_button(page).click()
    expect(page.get_by_label("Какой кофе вы пьёте?")).to_be_visible(timeout=1000)
