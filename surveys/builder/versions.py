"""Publishing versions, comparability between them, and whole-draft replacement."""
import copy
import re

from flask_babel import lazy_gettext as _l

from research.exceptions import DomainError
from research.extensions import db
from research.models.types import utcnow
from surveys import definition as definitions
from surveys.builder.services import (_question_from_spec, draft_definition, ensure_draft,
                                      next_variable_name, used_variable_names)


def draft_problems(survey):
    """``[(question or None, Problem)]`` that stop the draft from being published."""
    draft = survey.draft_version
    document = draft_definition(survey, draft)
    found = []
    for index, problem in definitions.check_definition(document):
        found.append((draft.questions[index] if index is not None else None, problem))
    if not draft.questions:
        from surveys.questions import Problem
        found.append((None, Problem(_l("The questionnaire has no questions yet."), None,
                                    "empty")))
    return found


def publish(survey, user):
    """Freeze the draft as an immutable version; respondents get it from now on."""
    draft = survey.draft_version
    if draft is None:
        raise DomainError(_l("There is no draft to publish."))
    problems = draft_problems(survey)
    if problems:
        raise DomainError(_l("Fix the problems in the questionnaire before publishing."))
    document = draft_definition(survey, draft)
    draft.definition = document
    draft.variables = [variable.to_dict() for variable in
                       definitions.variables(document, survey.default_language)]
    draft.published_at = utcnow()
    draft.published_by_id = user.id
    db.session.flush()
    return draft


def comparability_warnings(survey):
    """What in the draft breaks comparison with data already collected.

    A variable that keeps its name but changes its kind, measurement level or the
    meaning of a code (a code whose label changed, or that disappeared) would
    merge incomparable answers in analysis.
    """
    draft = survey.draft_version
    if draft is None:
        return []
    current = {v.name: v for v in definitions.variables(draft_definition(survey, draft),
                                                         survey.default_language)}
    warnings = []
    for version in survey.versions:
        if not version.is_published:
            continue
        for old in version.variables or []:
            new = current.get(old["name"])
            if new is None:
                continue
            if new.kind != old["kind"] or new.measure != old["measure"]:
                warnings.append(_l(
                    "%(name)s was %(old)s in version %(version)d and is %(new)s now: its data "
                    "will not be comparable.", name=old["name"], version=version.number,
                    old=f'{old["kind"]}/{old["measure"]}', new=f"{new.kind}/{new.measure}"))
            old_labels = {int(code): label for code, label in old.get("value_labels") or []}
            for code, label in old_labels.items():
                if code not in new.value_labels:
                    warnings.append(_l("%(name)s: code %(code)d (“%(label)s”) of version "
                                       "%(version)d no longer exists.", name=old["name"],
                                       code=code, label=label, version=version.number))
                elif new.value_labels[code] != label:
                    warnings.append(_l("%(name)s: code %(code)d meant “%(old)s” in version "
                                       "%(version)d and means “%(new)s” now.",
                                       name=old["name"], code=code, old=label,
                                       new=new.value_labels[code], version=version.number))
    return _unique(warnings)


def _unique(items):
    seen, result = set(), []
    for item in items:
        if str(item) not in seen:
            seen.add(str(item))
            result.append(item)
    return result


def replace_draft(survey, document):
    """Make an imported definition the survey's draft: all or nothing.

    The definition must already be checked (the importers do); its languages
    become the survey's languages.
    """
    problems = definitions.check_definition(document)
    if problems:
        raise DomainError(_l("The imported questionnaire has problems; nothing was changed."))
    draft = ensure_draft(survey)
    draft.questions.clear()
    db.session.flush()
    settings = dict(document.get("settings") or {})
    settings["title"] = document.get("title") or {}
    settings["option_lists"] = document.get("option_lists") or {}
    draft.settings = settings
    survey.default_language = document["default_language"]
    survey.languages = list(document["languages"])
    for position, spec in enumerate(document["questions"]):
        draft.questions.append(_question_from_spec(spec, position))
    db.session.flush()
    return draft


def insert_block(survey, specs, after=None):
    """Insert library questions, renaming variables that are taken.

    References between the block's own questions (``${NPS}`` in the reason
    question's condition) follow the renaming, so the block keeps working.
    """
    draft = ensure_draft(survey)
    renames = {}
    taken = {name.upper() for name in used_variable_names(survey, draft)}
    specs = copy.deepcopy(specs)
    for spec in specs:
        name = spec["variable"]
        if name.upper() in taken or any(t.startswith(name.upper() + "_") for t in taken):
            stem = re.sub(r"\d+$", "", name) or "Q"
            new = next_variable_name(survey, draft, stem)
            while new.upper() in taken:
                new = stem + str(int(re.sub(r"\D", "", new) or 0) + 1)
            renames[name] = new
            spec["variable"] = new
        taken.add(spec["variable"].upper())
    index = draft.questions.index(after) + 1 if after is not None else len(draft.questions)
    for offset, spec in enumerate(specs):
        rename_references(spec, renames)
        draft.questions.insert(index + offset, _question_from_spec(spec, index + offset))
    for position, question in enumerate(draft.questions):
        question.position = position
    db.session.flush()
    return renames


_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def rename_references(value, renames):
    """Rewrite ``${old}`` to ``${new}`` in every string of a spec, in place."""
    if not renames:
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = rename_references(item, renames)
        return value
    if isinstance(value, list):
        return [rename_references(item, renames) for item in value]
    if isinstance(value, str):
        return _REFERENCE.sub(lambda m: "${%s}" % renames.get(m.group(1), m.group(1)), value)
    return value
