"""What the API answers: questionnaires, responses and the page to answer, as JSON data."""
from __future__ import annotations

from surveys.collect import flow
from surveys.questions import type_of
from surveys.questions.choice import option_label
from surveys.questions.spec import localized
from surveys.respond import display_formatter, expression_context, pipe_spec, visible_items


def timestamp(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def questionnaire_body(survey) -> dict:
    """The survey's newest published version (its definition and variables)."""
    version = survey.published_version
    definition = version.definition
    return {"survey_id": survey.id, "version": version.number, "status": survey.status,
            "published_at": timestamp(version.published_at),
            "languages": list(definition.get("languages") or []),
            "default_language": definition.get("default_language"),
            "definition": definition, "variables": version.variables or []}


def _items(kind, spec, key, language) -> list:
    items = kind.options(spec) if key == "options" else kind.rows(spec)
    return [{"code": item.get("code"), "label": option_label(item, language)} for item in items]


def question_body(spec, language: str, values) -> dict:
    kind = type_of(spec)
    return {"variable": spec["variable"], "type": kind.name,
            "text": kind.question_text(spec, language),
            "required": kind.is_required(spec, values),
            "variables": kind.variable_names(spec),
            "options": _items(kind, spec, "options", language),
            "rows": _items(kind, spec, "rows", language)}


def page_body(response) -> dict | None:
    """The page the interview is on, with its visible questions; None once it has ended."""
    if response.is_finished:
        return None
    questionnaire = flow.questionnaire_of(response)
    definition = questionnaire.definition
    page = questionnaire.pages[response.page_index]
    language = response.language or definition.get("default_language") or ""
    values = expression_context(definition, response.answers)
    formatter = display_formatter(definition, language)
    items = [pipe_spec(spec, values, formatter) for spec in visible_items(page, values)]
    heading = pipe_spec(page.section, values, formatter).get("text") if page.section else None
    return {"index": response.page_index, "number": response.page_index + 1,
            "count": questionnaire.page_count,
            "title": localized(heading or definition.get("title"), language),
            "questions": [question_body(spec, language, values) for spec in items]}


def response_body(response) -> dict:
    """An interview's state: where it is, its step for the next submit, its answers."""
    return {"id": response.id, "survey_id": response.survey_id,
            "version": response.version.number, "status": response.status,
            "channel": response.channel, "language": response.language, "step": response.step,
            "page": page_body(response), "started_at": timestamp(response.started_at),
            "updated_at": timestamp(response.updated_at),
            "completed_at": timestamp(response.completed_at), "answers": response.answers}
