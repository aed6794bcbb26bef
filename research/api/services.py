"""Interviews over the API: the web's flow (:mod:`surveys.collect.flow`), answers as JSON.

Functions flush and raise :class:`~.errors.ApiError` to refuse; the view commits (through
:func:`.idempotency.run_once`), and a refusal rolls the whole request back.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from research.extensions import db
from surveys.collect import access, flow
from surveys.definition import resolved_questions
from surveys.models import Response, Survey
from surveys.questions import type_of
from surveys.respond import expression_context, skipped_answers, visible_items
from surveys.respond.page import is_displayed
from surveys.respond.render import questionnaire_locale

from .errors import ApiError, detail, not_found
from .idempotency import Outcome
from .present import response_body

CHANNEL = "api"


# --- look-ups within the token's study -----------------------------------------------------------

def survey_for(token, survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.study_id != token.study_id:
        raise not_found()
    return survey


def response_for(token, response_id: int) -> Response:
    """A response the API started in the token's study (web respondents' are not exposed)."""
    response = db.session.scalar(
        select(Response).join(Survey, Survey.id == Response.survey_id)
        .where(Response.id == response_id, Response.channel == CHANNEL,
               Survey.study_id == token.study_id))
    if response is None:
        raise not_found()
    return response


def require_published(survey) -> None:
    if survey.published_version is None:
        raise ApiError(409, "survey_not_open", _("The survey has no published questionnaire."))


def require_open(survey) -> None:
    reason = access.unavailable_reason(survey)
    if reason == access.NOT_OPEN:
        raise ApiError(409, "survey_not_open", _("The survey does not take answers yet."))
    if reason is not None:
        raise ApiError(409, "survey_closed", _("The survey is closed and takes no more answers."))


# --- answers of one page -------------------------------------------------------------------------

def _details(errors: dict) -> list:
    return [detail(message, variable=name) for name, messages in errors.items()
            for message in messages]


def page_answers(definition, page, stored, payload, language: str) -> tuple:
    """``(answers, errors, shown questions)`` of ``page`` from a JSON object keyed by variable.

    The same rules as the web page (:func:`surveys.respond.validate_page`): relevance on the
    stored answers; a validation constraint also sees the other answers of the page; questions
    not shown get missing values.
    """
    values = expression_context(definition, stored)
    shown = visible_items(page, values)
    with questionnaire_locale(language):
        posted = {}
        for spec in shown:
            posted.update(type_of(spec).answers_from_json(spec, payload, language)[0])
        context = dict(values)
        for spec in shown:
            context.update(type_of(spec).expression_values(spec, posted))
        answers, errors = skipped_answers(page, shown), {}
        for spec in shown:
            found, problems = type_of(spec).answers_from_json(spec, payload, language,
                                                              context=context)
            answers.update(found)
            errors.update(problems)
    return answers, errors, shown


def _variables(specs) -> set:
    return {name for spec in specs for name in type_of(spec).variable_names(spec)}


def _refuse_unknown(payload, known: set, message: str) -> None:
    unknown = sorted(name for name in payload if name not in known)
    if unknown:
        raise ApiError(422, "invalid_answers", _("Some answers are not for this questionnaire."),
                       [detail(message, variable=name) for name in unknown])


def _invalid(errors: dict) -> ApiError:
    return ApiError(422, "invalid_answers", _("Some answers are not valid; nothing was stored."),
                    _details(errors))


# --- starting ------------------------------------------------------------------------------------

def _checked_language(survey, language):
    languages = survey.published_version.definition.get("languages") or []
    if language is not None and language not in languages:
        raise ApiError(422, "invalid_request", _("The questionnaire is not in this language."),
                       [detail(_("Use one of: %(languages)s.", languages=", ".join(languages)),
                               path="/language")])
    return language


def _checked_version(survey, number) -> None:
    current = survey.published_version.number
    if number is not None and number != current:
        raise ApiError(409, "version_mismatch",
                       _("The survey's published questionnaire is version %(current)d, not "
                         "%(sent)d. Load the questionnaire again.", current=current, sent=number))


def start_or_submit(survey, body: dict) -> Outcome:
    """Start an interview, or (with ``answers``) store a whole response; 201."""
    require_open(survey)
    _checked_version(survey, body.get("version"))
    language = _checked_language(survey, body.get("language"))
    if "answers" in body:
        definition = survey.published_version.definition
        _refuse_unknown(body["answers"], _variables(
            spec for spec in resolved_questions(definition) if is_displayed(spec)),
            _("There is no such question variable in this questionnaire."))
    response = flow.start_response(survey, channel=CHANNEL, language=language)
    if "answers" not in body:
        return Outcome(201, response_body(response), response.id)
    return _submit_whole(response, body["answers"])


def _submit_whole(response, payload: dict) -> Outcome:
    """Walk the pages with ``payload`` until the interview ends; all or nothing."""
    questionnaire = flow.questionnaire_of(response)
    definition = questionnaire.definition
    asked = set()
    while not response.is_finished:
        page = questionnaire.pages[response.page_index]
        answers, errors, shown = page_answers(definition, page, response.answers, payload,
                                              response.language)
        if errors:
            raise _invalid(errors)
        asked |= _variables(shown)
        flow.submit_page(response, answers, response.step)
    body = response_body(response)
    body["ignored"] = sorted(name for name, value in payload.items()
                             if name not in asked and value is not None)
    return Outcome(201, body, response.id)


# --- page by page --------------------------------------------------------------------------------

def _current_state(response_id: int) -> dict:
    """The response as committed (after a rollback of this request's changes)."""
    db.session.rollback()
    return response_body(db.session.get(Response, response_id))


def _stale(response_id: int) -> ApiError:
    return ApiError(409, "stale_step", _("This page was already submitted (the step is not the "
                                         "response's current step). Continue from the current "
                                         "state."), response=_current_state(response_id))


def submit_page(response, body: dict) -> Outcome:
    """Store the current page's answers and move on; 200 with the new state."""
    response_id = response.id
    if response.is_finished:
        raise ApiError(409, "interview_finished", _("The interview has ended."),
                       response=_current_state(response_id))
    require_open(response.survey)
    if body["step"] != response.step:
        raise _stale(response_id)
    questionnaire = flow.questionnaire_of(response)
    page = questionnaire.pages[response.page_index]
    payload = body["answers"]
    answers, errors, shown = page_answers(questionnaire.definition, page, response.answers,
                                          payload, response.language)
    _refuse_unknown(payload, _variables(shown), _("This variable is not asked on this page."))
    if errors:
        raise _invalid(errors)
    try:
        result = flow.submit_page(response, answers, body["step"])
    except StaleDataError:
        # A concurrent submit of the same page won; this one changed nothing.
        raise _stale(response_id) from None
    except flow.InterviewFinished:
        raise ApiError(409, "interview_finished", _("The interview has ended."),
                       response=_current_state(response_id)) from None
    if not result.applied:
        raise _stale(response_id)
    return Outcome(200, response_body(response), response_id)
