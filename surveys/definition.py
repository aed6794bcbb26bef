"""The questionnaire definition: the whole questionnaire as one JSON document.

A published version freezes its definition; exports write it and imports read it
(docs/questionnaire-format.md, JSON Schema in surveys/interchange/). Shape::

    {"format": "anketa.questionnaire", "format_version": 1,
     "title": {lang: text}, "languages": ["ru", "en"], "default_language": "ru",
     "settings": {"welcome": {lang: text}, "thank_you": {lang: text}, ...},
     "option_lists": {"brands": [option, ...]},
     "questions": [question spec, ...]}

Questions are a flat list in order; a ``section`` item starts a new page. A question
may take its options from a shared list with ``settings.option_list`` (and no options
of its own): :func:`resolved_questions` fills them in before anything else reads them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from surveys.expressions import ExpressionError, parse, piped_variables
from surveys.questions import Problem, check_questionnaire, checks, type_of
from surveys.questions.spec import copy_json

FORMAT = "anketa.questionnaire"
FORMAT_VERSION = 1


def new_definition(title, languages, default_language):
    """An empty questionnaire."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "title": dict(title),
            "languages": list(languages), "default_language": default_language,
            "settings": {}, "option_lists": {}, "questions": []}


def resolved_questions(definition) -> list:
    """The question specs with shared option lists filled in (copies; the input is kept)."""
    lists = definition.get("option_lists") or {}
    specs = []
    for spec in definition.get("questions") or []:
        spec = copy_json(spec)
        settings = spec.get("settings")
        # The reference is the definition's business; the question types never see it.
        name = settings.pop("option_list", None) if isinstance(settings, dict) else None
        if name and not spec.get("options") and name in lists:
            spec["options"] = copy_json(lists[name])
        specs.append(spec)
    return specs


@dataclass
class Page:
    """One page of the respondent form: an optional section block and its questions."""

    section: dict | None
    questions: list = field(default_factory=list)


def pages(definition, *, specs=None) -> list:
    """Split the questionnaire into pages at ``section`` items.

    A question whose display condition, required-if condition or piped text
    uses an answer from its own page starts a new page of the same section:
    a page is shown before its answers exist, so without JavaScript the
    question would otherwise never appear (or pipe a blank).
    ``specs`` are the definition's :func:`resolved_questions`, when already at hand.
    """
    result = [Page(None)]
    on_page = set()
    for spec in resolved_questions(definition) if specs is None else specs:
        kind = type_of(spec)
        if kind.starts_page:
            result.append(Page(spec))
            on_page = set()
            continue
        if result[-1].questions and depends_on(spec) & on_page:
            result.append(Page(result[-1].section))
            on_page = set()
        result[-1].questions.append(spec)
        if kind.field_names(spec):  # answered on the page (a randomiser is assigned before)
            on_page |= set(kind.expression_variables(spec)) | {spec["variable"]}
    # A questionnaire that starts with a section has no untitled first page.
    return [page for index, page in enumerate(result) if index or page.questions]


def depends_on(spec) -> set:
    """Variables a question needs before it is shown: conditions and piped texts."""
    names = set()
    settings = spec.get("settings") or {}
    for key in ("relevant", "required_if"):
        source = settings.get(key)
        if isinstance(source, str) and source:
            try:
                names |= parse(source).variables
            except ExpressionError:
                continue  # reported by the expression check
    for _path, text in _texts(spec.get("text"), "text"):
        names.update(piped_variables(text))
    return names


def check_definition(definition, *, preset=None) -> list:
    """Problems of a whole questionnaire: ``[(question index or None, Problem)]``."""
    found = []
    languages = definition.get("languages") or []
    default = definition.get("default_language")
    if default not in languages:
        found.append((None, Problem(_("The main language must be one of the questionnaire's "
                                      "languages."), "default_language", "language_invalid")))
    lists = definition.get("option_lists") or {}
    for index, spec in enumerate(definition.get("questions") or []):
        name = (spec.get("settings") or {}).get("option_list") if isinstance(spec, dict) else None
        if name and name not in lists:
            found.append((index, Problem(_("There is no option list called %(name)s.",
                                           name=name), "settings.option_list",
                                         "option_list_unknown")))
    specs = resolved_questions(definition)
    found += check_questionnaire(specs, language=default or "ru", preset=preset)
    known = set(preset or {})
    for index, spec in enumerate(specs):
        found += [(index, problem) for problem in piping_problems(spec, known)]
        try:
            known.update(type_of(spec).expression_variables(spec))
        except Exception:  # noqa: BLE001  (an invalid question is reported by its own check)
            known.add(spec.get("variable"))
    return found


def _texts(value, path):
    """Every string inside a question's texts, with where it stands."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _texts(item, f"{path}[{position}]")


#: Settings that hold expressions, not texts (their references are checked as expressions).
EXPRESSION_SETTINGS = {name for name, _current in checks.EXPRESSION_SETTINGS} | {"option_list"}


def piping_problems(spec, known) -> list:
    """``${name}`` in texts that is not a variable of an earlier question.

    Piping a later or misspelt variable would show respondents an empty gap.
    """
    problems = []
    settings = {key: value for key, value in (spec.get("settings") or {}).items()
                if key not in EXPRESSION_SETTINGS}
    sources = [("text", spec.get("text")), ("settings", settings),
               ("options", spec.get("options")), ("rows", spec.get("rows"))]
    for root, value in sources:
        for path, text in _texts(value, root):
            for name in piped_variables(text):
                if name not in known:
                    problems.append(Problem(
                        _("${%(name)s} in the text is not a variable of an earlier question.",
                          name=name), path,
                        "piping_unknown"))
    return problems


def variables(definition, language=None) -> list:
    """The analysis variables of the questionnaire, in order."""
    language = language or definition.get("default_language")
    result = []
    for spec in resolved_questions(definition):
        result += type_of(spec).variables(spec, language)
    return result


def missing_translations(definition) -> list:
    """``[(question index, field path, language)]`` for texts missing in a language.

    Looks at question texts and hints, option and row labels: what a respondent who
    switches language would otherwise see in the main language.
    """
    missing = []
    languages = definition.get("languages") or []
    for index, spec in enumerate(resolved_questions(definition)):
        texts = [("text", spec.get("text") or {})]
        hint = (spec.get("settings") or {}).get("hint")
        if hint:
            texts.append(("settings.hint", hint))
        for key in ("options", "rows"):
            for position, item in enumerate(spec.get(key) or []):
                texts.append((f"{key}[{position}].label", item.get("label") or {}))
        for path, text in texts:
            if not any((text.get(lang) or "").strip() for lang in languages):
                continue  # nothing written in any language: a different problem
            for lang in languages:
                if not (text.get(lang) or "").strip():
                    missing.append((index, path, lang))
    return missing
