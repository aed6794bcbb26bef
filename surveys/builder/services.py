"""Editing the draft questionnaire. Functions flush; the caller commits.

The draft version is edited through its Question rows; everything that reads a
questionnaire (checks, preview, publishing, export) works on the definition
document built from them (surveys/definition.py).
"""
import copy
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from research.exceptions import DomainError
from research.extensions import db
from research.models.types import utcnow
from surveys import definition as definitions
from surveys.models import Question, QuestionnaireVersion
from surveys.questions import check_spec, get_type, type_of

VARIABLE_STEM = "Q"


def draft_of(survey):
    return survey.draft_version


def ensure_draft(survey):
    """The survey's draft, created from the newest published version when there is none.

    Editing a published questionnaire never changes it: the edits go to a new
    draft that becomes the next version when published.
    """
    draft = survey.draft_version
    if draft is not None:
        return draft
    latest = survey.published_version
    number = max((v.number for v in survey.versions), default=0) + 1
    draft = QuestionnaireVersion(number=number, created_at=utcnow(), settings={})
    survey.versions.append(draft)
    if latest is not None:
        frozen = latest.definition
        draft.settings = {"title": frozen.get("title", {}), **(frozen.get("settings") or {}),
                          "option_lists": frozen.get("option_lists") or {}}
        for position, spec in enumerate(frozen["questions"]):
            draft.questions.append(_question_from_spec(spec, position))
    db.session.flush()
    return draft


def _question_from_spec(spec, position):
    return Question(position=position, variable=spec["variable"], type=spec["type"],
                    text=copy.deepcopy(spec.get("text") or {}),
                    settings=copy.deepcopy(spec.get("settings") or {}),
                    options=copy.deepcopy(spec.get("options") or []),
                    rows=copy.deepcopy(spec.get("rows") or []))


def draft_definition(survey, draft=None):
    """The draft as a definition document (what preview, checks and publishing read)."""
    draft = draft or survey.draft_version
    settings = dict(draft.settings or {})
    title = settings.pop("title", None) or {survey.default_language: survey.title}
    option_lists = settings.pop("option_lists", None) or {}
    document = definitions.new_definition(title, survey.languages or [survey.default_language],
                                          survey.default_language)
    document["settings"] = settings
    document["option_lists"] = option_lists
    document["questions"] = [question.spec() for question in draft.questions]
    return document


# --- variable names -------------------------------------------------------------------

def used_variable_names(survey, draft, exclude=None):
    """Every name in use by the draft or by any published version.

    A dropped question's name is not given to a new question: analysis merges
    versions by variable name, and the old answers must not mix with new ones.
    """
    names = set()
    lists = (draft.settings or {}).get("option_lists") or {}
    specs = [question.spec() for question in draft.questions if question is not exclude]
    for spec in definitions.resolved_questions({"option_lists": lists, "questions": specs}):
        names.add(spec["variable"])
        names.update(v.name for v in _safe_variables(spec))
    for version in survey.versions:
        if version.is_published:
            names.update(v["name"] for v in version.variables or [])
            names.update(q["variable"] for q in version.definition["questions"])
    return names


def _safe_variables(spec):
    try:
        return type_of(spec).variables(spec, "en")
    except Exception:  # a half-written spec has no variables yet  # noqa: BLE001
        return []


def next_variable_name(survey, draft, stem=VARIABLE_STEM):
    used = {name.upper() for name in used_variable_names(survey, draft)}
    number = 1
    while f"{stem}{number}".upper() in used or any(
            name.startswith(f"{stem}{number}_".upper()) for name in used):
        number += 1
    return f"{stem}{number}"


# --- questions ------------------------------------------------------------------------

def _renumber(draft):
    for position, question in enumerate(draft.questions):
        question.position = position


def add_question(survey, type_name, after=None):
    """A new question of a type at the end (or after a given question)."""
    draft = ensure_draft(survey)
    kind = get_type(type_name)
    stem = "S" if type_name == "section" else "I" if type_name == "instruction" else \
        "AB" if type_name == "randomizer" else VARIABLE_STEM
    spec = kind.new_spec(next_variable_name(survey, draft, stem))
    index = draft.questions.index(after) + 1 if after is not None else len(draft.questions)
    question = _question_from_spec(spec, index)
    draft.questions.insert(index, question)
    _renumber(draft)
    db.session.flush()
    return question


def known_before(survey, draft, question):
    """``{variable: expression type}`` of the questions before ``question``."""
    known = {}
    for other in draft.questions:
        if other is question:
            break
        spec = other.spec()
        try:
            known.update(type_of(spec).expression_variables(spec))
        except Exception:  # noqa: BLE001  (an invalid earlier question is reported on its own)
            continue
    return known


def update_question(survey, question, spec):
    """Replace a question with an edited spec, if the spec is valid.

    Returns the problems (nothing is changed when there are any): type checks,
    expressions against the questions before it, and name clashes with the
    rest of the questionnaire and with earlier versions.
    """
    draft = question.version
    if draft.is_published:
        raise DomainError(_l("A published version cannot be changed."))
    lists = (draft.settings or {}).get("option_lists") or {}
    list_name = (spec.get("settings") or {}).get("option_list")
    if list_name and list_name not in lists:
        return [_problem(_l("There is no option list called %(name)s.", name=list_name),
                         "settings.option_list")]
    checked = definitions.resolved_questions({"option_lists": lists, "questions": [spec]})[0]
    known = known_before(survey, draft, question)
    problems = check_spec(checked, language=survey.default_language, known=known)
    problems += definitions.piping_problems(checked, known)
    if not problems:
        own = {spec["variable"], *(v.name for v in type_of(checked).variables(checked, "en"))}
        taken = {name.upper() for name in used_variable_names(survey, draft, exclude=question)}
        published_same_question = _published_names_of(survey, question.variable)
        clashes = sorted(name for name in own if name.upper() in taken
                         and name not in published_same_question)
        for name in clashes:
            problems.append(_problem(_l("The variable name %(name)s is already used in this "
                                        "questionnaire or an earlier version.", name=name),
                                     "variable"))
    if problems:
        return problems
    if spec["variable"] != question.variable:
        _rename_everywhere(draft, question, question.variable, spec["variable"])
    question.variable = spec["variable"]
    question.text = spec.get("text") or {}
    question.settings = spec.get("settings") or {}
    question.options = spec.get("options") or []
    question.rows = spec.get("rows") or []
    db.session.flush()
    return []


def _rename_everywhere(draft, renamed, old, new):
    """Follow a renamed variable in the other questions' conditions and piped texts."""
    from surveys.builder.versions import rename_references
    for other in draft.questions:
        if other is renamed:
            continue
        for column in ("text", "settings", "options", "rows"):
            value = getattr(other, column)
            updated = rename_references(copy.deepcopy(value), {old: new})
            if updated != value:
                setattr(other, column, updated)


def _published_names_of(survey, variable):
    """Names a published version gave to the question called ``variable`` (its own names)."""
    names = set()
    for version in survey.versions:
        if version.is_published:
            names.update(v["name"] for v in version.variables or [] if v["question"] == variable)
    return names


def _problem(message, field):
    from surveys.questions import Problem
    return Problem(message, field, "builder")


def delete_question(question):
    draft = question.version
    _ensure_editable(draft)
    draft.questions.remove(question)
    _renumber(draft)
    db.session.flush()


def duplicate_question(survey, question):
    draft = question.version
    _ensure_editable(draft)
    spec = question.spec()
    stem = re.sub(r"\d+$", "", spec["variable"]) or VARIABLE_STEM
    spec["variable"] = next_variable_name(survey, draft, stem)
    copy_ = _question_from_spec(spec, question.position + 1)
    draft.questions.insert(question.position + 1, copy_)
    _renumber(draft)
    db.session.flush()
    return copy_


def move_question(question, offset):
    """Move a question up (-1) or down (+1)."""
    draft = question.version
    _ensure_editable(draft)
    index = draft.questions.index(question)
    target = index + offset
    if not 0 <= target < len(draft.questions):
        return
    questions = draft.questions
    questions.insert(target, questions.pop(index))
    _renumber(draft)
    db.session.flush()


def _ensure_editable(draft):
    if draft.is_published:
        raise DomainError(_l("A published version cannot be changed."))


def question_of(draft, question_id):
    return db.session.scalar(select(Question).where(Question.id == question_id,
                                                    Question.version_id == draft.id))
