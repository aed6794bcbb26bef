"""The Russian interface: language choice, translated pages, and a complete catalogue.

The catalogue tests name every msgid that lacks a translation, has lost a placeholder, or is used
in the code but missing from the catalogue, so a new string cannot ship untranslated.
"""
import contextvars
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from research.extensions import db
from research.models import User
from tests.conftest import Web

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "research" / "translations"
RU_PO = TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po"
RU_MO = TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.mo"
EXPRESSIONS = ROOT / "surveys" / "expressions"
#: The keywords of ``make extract-messages``.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[a-z]")
PASSWORD = "correct horse battery"


def _text(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.get_data(as_text=True)


def _relogin(app, user):
    """A new browser (empty cookie jar) that logs ``user`` in without an Accept-Language."""
    web = Web(app.test_client())
    assert web.login(user.email, PASSWORD).status_code == 302
    return web


def _stored_locale(user_id):
    db.session.expire_all()
    return db.session.get(User, user_id).locale


# --- choosing the language ---------------------------------------------------------------------

def test_login_page_is_russian_for_a_russian_browser(client):
    response, html = _text(client, "/account/login", **{"Accept-Language": "ru-RU,ru;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="ru">' in html
    assert "<title>Войти · Anketa</title>" in html
    for text in ("Электронная почта", "Пароль", "Не выходить из системы на этом компьютере",
                 "Ещё нет учётной записи?", "Зарегистрироваться", "Перейти к содержимому",
                 "Anketa — платформа для опросов и маркетинговых исследований"):
        assert text in html
    assert "Log in" not in html


@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "en"},
                                     {"Accept-Language": "en-GB,en;q=0.8"},
                                     {"Accept-Language": "de-DE,de;q=0.9"}])
def test_login_page_is_english_by_default(client, headers):
    response, html = _text(client, "/account/login", **headers)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Keep me logged in on this computer" in html and "No account yet?" in html
    assert "Войти" not in html


def test_switch_sets_the_session_language(web):
    response = web.post("/language", {"locale": "ru", "next": "/account/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/login")
    with web.client.session_transaction() as session:
        assert session["locale"] == "ru"
    _response, html = _text(web.client, "/account/login", **{"Accept-Language": "en"})
    assert '<html lang="ru">' in html and "Ещё нет учётной записи?" in html
    web.post("/language", {"locale": "en"})
    _response, html = _text(web.client, "/account/login", **{"Accept-Language": "ru"})
    assert '<html lang="en">' in html


def test_switch_stores_the_language_of_a_logged_in_user(app, logged_in):
    web, user = logged_in
    assert user.locale is None
    assert web.post("/language", {"locale": "ru"}).status_code == 302
    assert _stored_locale(user.id) == "ru"
    _response, html = _text(web.client, "/dashboard")
    assert '<html lang="ru">' in html and "Мои исследования" in html

    # The next session, in another browser that sends no Accept-Language, is Russian too.
    _response, html = _text(_relogin(app, user).client, "/dashboard")
    assert '<html lang="ru">' in html
    assert "Мои исследования" in html and "Новое исследование" in html


def test_the_stored_language_wins_over_the_browser(app, make_user):
    russian = make_user(email="ru-reader@example.org")
    english = make_user(email="en-reader@example.org")
    russian.locale, english.locale = "ru", "en"
    db.session.commit()

    _response, html = _text(_relogin(app, russian).client, "/dashboard",
                            **{"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="ru">' in html and "Мои исследования" in html
    _response, html = _text(_relogin(app, english).client, "/dashboard",
                            **{"Accept-Language": "ru-RU,ru;q=0.9"})
    assert '<html lang="en">' in html and "My studies" in html


@pytest.mark.parametrize("locale", ["de", "", "RU", "ru_RU", "../en"])
def test_switch_to_an_unknown_language_is_a_bad_request(web, locale):
    response = web.post("/language", {"locale": locale})
    assert response.status_code == 400
    with web.client.session_transaction() as session:
        assert "locale" not in session


def test_unknown_language_is_not_stored_for_the_user(logged_in):
    web, user = logged_in
    assert web.post("/language", {"locale": "xx"}).status_code == 400
    assert _stored_locale(user.id) is None


def test_switch_needs_the_csrf_token(web):
    response = web.post("/language", {"locale": "ru"}, csrf=False,
                        headers={"Accept-Language": "ru"})
    assert response.status_code == 400
    assert "защитный токен" in response.get_data(as_text=True)
    with web.client.session_transaction() as session:
        assert "locale" not in session


# --- translated pages --------------------------------------------------------------------------

def test_russian_dashboard_shows_translated_stages(logged_in, make_study):
    web, user = logged_in
    make_study(user, client="ООО «Ромашка»")
    _response, html = _text(web.client, "/dashboard", **{"Accept-Language": "ru"})
    assert '<html lang="ru">' in html
    for text in ("Мои исследования", "Brand health tracker", "Владелец", "0 опросов",
                 "Этапы исследования", "Цели", "План исследования", "Полевой этап",
                 "Анализ и отчётность", "текущий:", "предстоит:", "Выйти"):
        assert text in html, text
    for english in ("My studies", "Fieldwork", "Analysis &amp; reporting", "Owner"):
        assert english not in html, english


def test_russian_study_page_shows_translated_checklists(logged_in, make_study):
    web, user = logged_in
    study = make_study(user, problem_statement="Падает доля рынка в регионах.")
    response, html = _text(web.client, f"/studies/{study.id}", **{"Accept-Language": "ru"})
    assert response.status_code == 200
    for text in ("Чек-листы этапов", "Выполнено обязательных пунктов чек-листа",
                 "Проблема исследования сформулирована", "Цели исследования перечислены",
                 "Гипотезы сформулированы", "Цели согласованы с заказчиком",
                 "Методы сбора данных выбраны", "Целевая аудитория описана",
                 "Полевой этап завершён, данные проверены", "Отчёт передан заказчику",
                 "(необязательно)", "Отметить как выполненное", "Перейти к следующему этапу",
                 "текущий этап", "Проблема исследования", "Целевая аудитория", "Гипотезы",
                 "Ваша роль:", "Владелец", "Команда", "Опросов пока нет.",
                 "Удалить это исследование"):
        assert text in html, text
    for english in ("Problem statement written", "Stage checklists", "(optional)", "Your role:"):
        assert english not in html, english


def test_russian_study_form_shows_translated_choices(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    _response, html = _text(web.client, f"/studies/{study.id}/edit", **{"Accept-Language": "ru"})
    for text in ("Каузальное (экспериментальное)", "Кабинетное исследование (вторичные данные)",
                 "Фокус-группа", "Глубинное интервью", "Квотная (невероятностная)",
                 "Объём выборки", "Тип выборки", "Квоты (план)", "— не выбрано —"):
        assert text in html, text


def test_form_errors_are_russian(web):
    response = web.post("/account/login", {"email": "", "password": ""},
                        headers={"Accept-Language": "ru"})
    assert "Обязательное поле." in response.get_data(as_text=True)  # WTForms' own catalogue
    response = web.post("/account/login", {"email": "nobody@example.org",
                                           "password": "not the password"},
                        headers={"Accept-Language": "ru"})
    assert "Неверный адрес электронной почты или пароль." in response.get_data(as_text=True)


def test_flash_messages_are_russian(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    response = web.post(f"/studies/{study.id}/checklist/client_agreed", {"done": "1"},
                        headers={"Accept-Language": "ru"})
    assert response.status_code == 302
    _response, html = _text(web.client, response.headers["Location"], **{"Accept-Language": "ru"})
    assert "Чек-лист обновлён." in html


def test_error_pages_are_russian(client):
    response, html = _text(client, "/no/such/page", **{"Accept-Language": "ru"})
    assert response.status_code == 404
    assert '<html lang="ru">' in html
    for text in ("Страница не найдена", "Такой страницы нет, или у вас нет к ней доступа.",
                 "На главную страницу"):
        assert text in html, text

    response, html = _text(client, "/account/logout", **{"Accept-Language": "ru"})
    assert response.status_code == 405 and "Метод не поддерживается" in html

    response = client.get("/no/such/page", headers={"Accept-Language": "ru",
                                                    "Accept": "application/json"})
    assert response.json["error"] == "Страница не найдена"


def test_error_pages_of_a_russian_user_are_russian(logged_in, make_study):
    web, user = logged_in
    web.post("/language", {"locale": "ru"})
    _response, html = _text(web.client, "/studies/999999")
    assert "Страница не найдена" in html


# --- the catalogue -----------------------------------------------------------------------------

def _read_po(path):
    with open(path, "rb") as file:
        return read_po(file, locale="ru")


def _key(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def _ids(message):
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _strings(message):
    return [message.string] if isinstance(message.string, str) else list(message.string or ())


def _placeholders(text):
    return set(PLACEHOLDER.findall(text or ""))


@pytest.fixture(scope="module")
def ru_catalogue():
    return _read_po(RU_PO)


def _extract(root=ROOT):
    """(filename, line, msgid) of every message the code marks, as ``make extract-messages``."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS):
        yield filename, lineno, message if isinstance(message, str) else message[0]


@pytest.fixture(scope="module")
def code_messages():
    """msgid -> its first location, for every message the code marks."""
    found = {}
    for filename, lineno, key in _extract():
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def test_catalogue_header(ru_catalogue):
    assert str(ru_catalogue.locale) == "ru"
    assert ru_catalogue.project == "Anketa"
    assert ru_catalogue.num_plurals == 3
    plural_forms = ru_catalogue.plural_forms.replace(" ", "")
    assert "n%10==1&&n%100!=11?0" in plural_forms
    assert not ru_catalogue.fuzzy


def test_every_message_has_a_russian_translation(ru_catalogue):
    problems = []
    for message in ru_catalogue:
        if not message.id:
            continue
        strings = _strings(message)
        if message.pluralizable and len(strings) != ru_catalogue.num_plurals:
            problems.append(f"{_key(message)!r}: needs {ru_catalogue.num_plurals} plural forms")
        if not strings or not all(s.strip() for s in strings):
            problems.append(f"{_key(message)!r}: not translated")
        if message.fuzzy:
            problems.append(f"{_key(message)!r}: marked fuzzy")
    assert not problems, "Russian catalogue incomplete:\n" + "\n".join(problems)


def test_translations_keep_the_placeholders(ru_catalogue):
    problems = []
    for message in ru_catalogue:
        if not message.id:
            continue
        expected = set().union(*(_placeholders(i) for i in _ids(message)))
        for form, string in enumerate(_strings(message)):
            if _placeholders(string) != expected:
                problems.append(f"{_key(message)!r} (form {form}): {sorted(expected)} became "
                                f"{sorted(_placeholders(string))}")
            if all("${" in i for i in _ids(message)) and "${" not in string:
                problems.append(f"{_key(message)!r} (form {form}): lost the ${{...}} reference")
    assert not problems, "Placeholders differ:\n" + "\n".join(problems)


def test_catalogue_has_every_message_of_the_code(ru_catalogue, code_messages):
    catalogued = {_key(message) for message in ru_catalogue if message.id}
    missing = sorted(set(code_messages) - catalogued)
    assert not missing, ("Not in the Russian catalogue (run `make update-messages` and "
                         "translate):\n" + "\n".join(f"{code_messages[m]}: {m!r}"
                                                      for m in missing))


def test_extraction_reads_every_template_that_has_messages():
    # Jinja's extractor returns nothing for a template it cannot parse; catch that here.
    extracted = {filename for filename, _lineno, _key in _extract()}
    marked = re.compile(r"""\b_\(\s*["']""")
    skipped = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
                     if marked.search(path.read_text(encoding="utf-8"))
                     and str(path.relative_to(ROOT)) not in extracted)
    assert not skipped, "Templates with messages that extraction skips: " + repr(skipped)


def _compiled(compiled, message):
    """The compiled entry of ``message`` (Babel's read_mo keeps a msgctxt as bytes)."""
    context = message.context.encode() if message.context else None
    return compiled.get(message.id, context)


def test_compiled_catalogue_matches_the_po(ru_catalogue):
    assert RU_MO.exists(), "run `make translations` to compile the catalogues"
    with open(RU_MO, "rb") as file:
        compiled = read_mo(file)
    stale = [_key(message) for message in ru_catalogue if message.id
             and (_compiled(compiled, message) is None
                  or _strings(_compiled(compiled, message)) != _strings(message))]
    assert not stale, "messages.mo is out of date (run `make translations`): " + repr(stale[:5])


def test_english_catalogue_stays_the_source():
    english = _read_po(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")
    assert all(not any(_strings(m)) for m in english if m.id)


# --- the expression language -------------------------------------------------------------------

def test_expression_messages_are_in_the_catalogue(ru_catalogue, code_messages):
    expression_messages = {msgid for msgid, where in code_messages.items()
                           if where.startswith("surveys/expressions/")}
    assert len(expression_messages) > 40
    translated = {_key(m): m.string for m in ru_catalogue if m.id and m.string}
    missing = sorted(expression_messages - set(translated))
    assert not missing, "Expression messages without Russian: " + repr(missing)
    assert translated["The expression is empty."] == "Выражение пустое."
    assert translated["column %(column)s"] == "позиция %(column)s"


def test_expression_language_has_a_translator_hook():
    from surveys import expressions
    assert callable(expressions.set_translator)
    assert "set_translator" in expressions.__all__


def test_expression_messages_come_out_russian_through_the_hook(app):
    """What the web layer gets once it installs Flask-Babel's gettext with set_translator.

    The application does not install it yet; this test installs it only for itself.
    """
    from flask_babel import gettext
    from surveys.expressions import ExpressionSyntaxError, check, parse, set_translator

    def parse_error(language):
        # A fresh context per request, as in production: Flask-Babel caches the locale in it.
        def run():
            with app.test_request_context("/", headers={"Accept-Language": language}):
                with pytest.raises(ExpressionSyntaxError) as error:
                    parse("${q1} = ")
                problems = check("${brands} = 2 and ${age} + 'x' > 1",
                                 {"brands": "select_multiple", "age": "number"})
                return str(error.value), " ".join(problem.message for problem in problems)
        return contextvars.Context().run(run)

    set_translator(gettext)
    try:
        syntax, problems = parse_error("ru")
        assert syntax == "Выражение не закончено (позиция 8): не хватает значения."
        assert "${brands} — ответ с несколькими вариантами" in problems
        assert "selected(${brands}, 'код')" in problems
        assert "не может участвовать в арифметических действиях" in problems
        syntax, problems = parse_error("en")
        assert syntax == "The expression is incomplete at column 8: a value is missing."
        assert "is a multiple-choice answer" in problems
    finally:
        set_translator(None)
    with pytest.raises(ExpressionSyntaxError, match="incomplete at column 8"):
        parse("${q1} = ")
