"""Test support for collection: a small published survey and a respondent that fills pages.

``live_survey(owner)`` creates a study with a survey whose questionnaire (:data:`QUESTIONS`)
is published and whose fieldwork is open. :class:`Respondent` answers it over HTTP through
the open link or a personal link, reading each page's CSRF token and step as a browser would.
"""
from __future__ import annotations

import re

from research.extensions import db
from research.studies.services import create_study
from surveys.builder.versions import publish, replace_draft
from surveys.definition import new_definition
from surveys.fieldwork.services import open_fieldwork
from surveys.manage.services import create_survey


def _t(en, ru=None):
    return {"en": en, "ru": ru or en}


def _opt(code, en, ru=None, **settings):
    option = {"code": code, "label": _t(en, ru)}
    if settings:
        option["settings"] = settings
    return option


def _q(variable, type_, en, options=(), rows=(), ru=None, **settings):
    return {"variable": variable, "type": type_, "text": _t(en, ru), "settings": settings,
            "options": list(options), "rows": list(rows)}


#: Three pages: screening (consent, gender, age), brands with an "other" option and a grid,
#: then an A/B block and an open question. Under-18s are screened out; the brand page is
#: skipped for those who never buy coffee.
QUESTIONS = [
    _q("CONSENT", "consent", "Do you agree to take part?", ru="Согласны ли вы участвовать?"),
    _q("GENDER", "single_choice", "Your gender?", [_opt(1, "Male", "Мужской"),
                                                   _opt(2, "Female", "Женский")],
       ru="Ваш пол?", required=True),
    _q("AGE", "numeric", "Your age?", ru="Ваш возраст?", required=True, integer=True, min=10,
       max=99, screen_out="${AGE} < 18"),
    _q("BUYS", "single_choice", "Do you buy coffee?", [_opt(1, "Yes", "Да"),
                                                       _opt(2, "No", "Нет")],
       ru="Покупаете ли вы кофе?", required=True),
    _q("P2", "section", "Brands", ru="Марки", relevant="${BUYS} = 1"),
    _q("BRANDS", "multiple_choice", "Which brands do you know?",
       [_opt(1, "Alpha"), _opt(2, "Beta"), _opt(3, "Gamma"),
        _opt(9, "Other", "Другое", other=True)], ru="Какие марки вы знаете?", required=True),
    _q("RATE", "grid", "Rate the brands", [_opt(1, "Bad"), _opt(2, "OK"), _opt(3, "Good")],
       [_opt(1, "Alpha"), _opt(2, "Beta"), _opt(3, "Gamma")], ru="Оцените марки",
       required=True),
    _q("P3", "section", "Last questions", ru="Последние вопросы"),
    _q("AB", "randomizer", "Price test", [_opt(1, "Low price"), _opt(2, "High price")]),
    _q("OFFER", "single_choice", "Would you buy it at ${AB}?", [_opt(1, "Yes"), _opt(2, "No")],
       ru="Купили бы вы это?"),
    _q("COMMENT", "long_text", "Anything else?", ru="Что-нибудь ещё?"),
]


def questionnaire(questions=None):
    document = new_definition(_t("Coffee survey", "Опрос о кофе"), ["en", "ru"], "en")
    document["settings"] = {"welcome": _t("Welcome to the coffee survey.",
                                          "Добро пожаловать."),
                            "thank_you": _t("Thanks a lot!", "Большое спасибо!")}
    document["questions"] = [dict(q) for q in (questions or QUESTIONS)]
    return document


def live_survey(owner, questions=None, *, title="Coffee survey", open_now=True, **fields):
    """A study with a survey whose questionnaire is published (and fieldwork open)."""
    study = create_study(owner, {"title": f"Study of {title}"})
    survey = create_survey(study, owner, title, "adhoc", "en", ["ru"])
    replace_draft(survey, questionnaire(questions))
    publish(survey, owner)
    for name, value in fields.items():
        setattr(survey, name, value)
    if open_now:
        open_fieldwork(survey)
    db.session.commit()
    return survey


#: Valid answers page by page for QUESTIONS (an adult who buys coffee).
ADULT_PAGES = [
    {"CONSENT": "1", "GENDER": "2", "AGE": "34", "BUYS": "1"},
    {"BRANDS": ["1", "3"], "RATE_r1": "3", "RATE_r2": "2", "RATE_r3": "1"},
    {"OFFER": "1", "COMMENT": "Fine coffee"},
]

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|step|nonce|language)"[^>]*value="([^"]*)"')
HIDDEN_REVERSED = re.compile(
    r'<input[^>]*value="([^"]*)"[^>]*name="(csrf_token|step|nonce|language)"')


def hidden_fields(html: str) -> dict:
    found = {name: value for name, value in HIDDEN.findall(html)}
    found.update({name: value for value, name in HIDDEN_REVERSED.findall(html)
                  if name not in found})
    return found


class Respondent:
    """A respondent's browser (a Flask test client) on one survey link."""

    def __init__(self, client, url):
        self.client = client
        self.url = url  # /s/<key> or /i/<token>

    def get(self, **kwargs):
        return self.client.get(self.url, **kwargs)

    def start(self, language="en", **extra):
        page = self.get()
        fields = hidden_fields(page.get_data(as_text=True))
        data = {"csrf_token": fields.get("csrf_token"), "nonce": fields.get("nonce", ""),
                "language": language, **extra}
        return self.client.post(self.url + "/start", data=data)

    def page_state(self) -> dict:
        return hidden_fields(self.get().get_data(as_text=True))

    def submit(self, answers: dict, action="next", state=None, **kwargs):
        state = state or self.page_state()
        data = {"csrf_token": state.get("csrf_token"), "step": state.get("step"),
                "action": action, **answers}
        return self.client.post(self.url, data=data, **kwargs)

    def complete(self, pages=None):
        self.start()
        for answers in pages or ADULT_PAGES:
            response = self.submit(answers)
            if response.status_code != 303:
                raise AssertionError(f"page not accepted: {response.status_code} "
                                     f"{response.get_data(as_text=True)[:2000]}")
        return self.get()
