"""The interview as a state machine: start, submit a page, go back, end. Functions flush; the
caller commits (one transaction per request).

Every channel uses these functions: the web form, interviewers keying in answers and the JSON
API. A page submit carries the response's ``step`` (its row version) as the respondent saw it;
a submit with an older step is a repeat (double click, browser back and resubmit, a retry after
a timeout) and changes nothing. Two submits racing with the same step are separated by the
database: the UPDATE of the second matches no row (``StaleDataError``), its transaction is
rolled back and it is answered as a repeat.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Mapping, NamedTuple

from sqlalchemy import func, select, update

from research.extensions import db
from research.models.types import utcnow
from surveys.models import Response, Survey
from surveys.respond import expression_context, page_is_visible, screen_out_cause
from surveys.respond.page import skipped_answers

from . import quotas
from .questionnaire import PublishedQuestionnaire, published

#: Statuses that count towards a variant's fill when assigning A/B variants.
ACTIVE_STATUSES = ("in_progress", "complete")
#: A page's time is capped: a respondent who left the tab open overnight is not a slow reader.
MAX_PAGE_SECONDS = 3600


class SubmitResult(NamedTuple):
    """What a page submit did."""

    #: False when the submit was a repeat of an earlier one (nothing changed).
    applied: bool
    #: The response's status afterwards.
    status: str


class InterviewFinished(Exception):
    """The interview has ended (complete, screened out or over quota): no more pages."""


def questionnaire_of(response) -> PublishedQuestionnaire:
    return published(response.version)


# --- start ------------------------------------------------------------------------------------

def variant_counts(survey_id: int, variable: str) -> dict:
    """``{code as text: interviews}`` already assigned to each variant (in progress or done)."""
    value = Response.variants[variable].as_string()
    rows = db.session.execute(
        select(value, func.count()).where(Response.survey_id == survey_id,
                                          Response.status.in_(ACTIVE_STATUSES))
        .group_by(value)).all()
    return {str(code): count for code, count in rows if code is not None}


def choose_variant(shares: Mapping, counts: Mapping, rng=random) -> object:
    """The least-filled variant against its share (ties broken at random).

    With shares 50/50 and 10 vs 9 interviews the second variant is chosen; with 70/30 the
    variants are filled in proportion 7:3. The fill of a variant is ``count / share``.
    """
    fills = {code: counts.get(str(code), 0) / share for code, share in shares.items() if share}
    lowest = min(fills.values())
    candidates = [code for code, fill in fills.items() if fill == lowest]
    return rng.choice(candidates)


def assign_variants(survey_id: int, questionnaire: PublishedQuestionnaire) -> dict:
    """``{randomiser variable: variant code}`` for a new interview."""
    return {variable: choose_variant(shares, variant_counts(survey_id, variable))
            for variable, shares in questionnaire.randomisers}


def start_response(survey, *, channel: str = "web", language: str | None = None,
                   token_hash: str | None = None, invitation=None, interviewer=None,
                   now: datetime | None = None) -> Response:
    """A new interview on the survey's newest published version, on its first visible page."""
    version = survey.published_version
    if version is None:
        raise ValueError("the survey has no published questionnaire")
    questionnaire = published(version)
    now = now or utcnow()
    definition = questionnaire.definition
    if language not in (definition.get("languages") or []):
        language = definition.get("default_language")
    variants = assign_variants(survey.id, questionnaire)
    response = Response(
        survey_id=survey.id, version_id=version.id, status="in_progress", channel=channel,
        language=language, token_hash=token_hash, variants=variants, answers=dict(variants),
        timings={}, invitation_id=invitation.id if invitation is not None else None,
        interviewer_id=interviewer.id if interviewer is not None else None,
        started_at=now, updated_at=now, quota_cells=[])
    response.page_index = next_visible_page(questionnaire, response.answers, 0, +1) or 0
    db.session.add(response)
    db.session.flush()
    return response


# --- moving through the pages ------------------------------------------------------------------

def values_of(questionnaire: PublishedQuestionnaire, answers: Mapping) -> dict:
    """The expression values of ``answers`` (see ``surveys.respond.expression_context``)."""
    return expression_context(questionnaire.definition, answers, specs=questionnaire.specs)


def next_visible_page(questionnaire: PublishedQuestionnaire, answers: Mapping, start: int,
                      step: int, *, values: Mapping | None = None) -> int | None:
    """The nearest page from ``start`` in direction ``step`` whose section is shown
    (``values``: those of ``answers``, when already at hand)."""
    if values is None:
        values = values_of(questionnaire, answers)
    index = start
    while 0 <= index < questionnaire.page_count:
        if page_is_visible(questionnaire.pages[index], values):
            return index
        index += step
    return None


def _cleared_pages(questionnaire, start: int, stop: int) -> dict:
    """All-missing answers for the questions of pages skipped between ``start`` and ``stop``:
    every variable of a skipped question is stored as missing, as for a question hidden on a
    page shown (and answers given before the respondent went back and took another route are
    removed)."""
    cleared = {}
    for index in range(start, stop):
        cleared.update(skipped_answers(questionnaire.pages[index], []))
    return cleared


def _check_step(response, expected_step) -> bool:
    return expected_step is not None and int(expected_step) == response.step


def _record_time(response, now: datetime) -> None:
    seconds = min(max((now - response.updated_at).total_seconds(), 0.0), MAX_PAGE_SECONDS)
    key = str(response.page_index + 1)
    timings = dict(response.timings or {})
    timings[key] = round(timings.get(key, 0.0) + seconds, 3)
    response.timings = timings


def go_back(response, expected_step, *, now: datetime | None = None,
            first: int | None = None) -> SubmitResult:
    """Back to the visible page before the current one (or before page ``first``, where a
    live page began); answers of the current page are not stored."""
    if response.is_finished:
        raise InterviewFinished(response.status)
    if not _check_step(response, expected_step):
        return SubmitResult(False, response.status)
    questionnaire = questionnaire_of(response)
    now = now or utcnow()
    _record_time(response, now)
    start = (response.page_index if first is None else first) - 1
    previous = next_visible_page(questionnaire, response.answers, start, -1)
    response.page_index = previous if previous is not None else response.page_index
    response.status = "in_progress"
    response.updated_at = now
    db.session.flush()
    return SubmitResult(True, response.status)


def save_page(response, page_answers: Mapping, expected_step, *,
              now: datetime | None = None) -> SubmitResult:
    """Store a valid page's answers without moving on ("continue later")."""
    if response.is_finished:
        raise InterviewFinished(response.status)
    if not _check_step(response, expected_step):
        return SubmitResult(False, response.status)
    now = now or utcnow()
    _record_time(response, now)
    response.answers = {**response.answers, **page_answers}
    response.status = "in_progress"
    response.updated_at = now
    db.session.flush()
    return SubmitResult(True, response.status)


def submit_page(response, page_answers: Mapping, expected_step, *,
                now: datetime | None = None, through: int | None = None) -> SubmitResult:
    """Store a valid page's answers and move on: next page, or the end of the interview.

    ``page_answers`` are the validated answers of the response's current page (every variable
    of it); ``through`` is the last page a live page covered (see ``surveys.respond.live``).
    Screen-out conditions and quotas are checked after every page.
    """
    if response.is_finished:
        raise InterviewFinished(response.status)
    if not _check_step(response, expected_step):
        return SubmitResult(False, response.status)
    questionnaire = questionnaire_of(response)
    # Read the quota cells before changing the response: a query would autoflush it and
    # spend a row version on a half-made change.
    cells = quotas.active_cells(response.survey_id)
    admitted = (quotas.matching_cells(cells, values_of(questionnaire, response.answers))
                if cells else [])
    now = now or utcnow()
    _record_time(response, now)
    answers = {**response.answers, **page_answers}
    response.status = "in_progress"
    response.updated_at = now
    # One expression context of the new answers serves screen-out, quotas and the next page.
    values = values_of(questionnaire, answers)
    cause = screen_out_cause(questionnaire.definition, answers, specs=questionnaire.specs,
                             values=values)
    if cause is not None:
        response.answers = answers
        _end(response, "screened_out", cause, now)
        return SubmitResult(True, response.status)
    # Only a cell the respondent enters with this page can turn them away: those already in
    # it when it filled are the in-flight interviews that complete (the reported overshoot).
    full = next((cell for cell in quotas.matching_cells(cells, values)
                 if cell.is_full and cell.id not in {c.id for c in admitted}), None)
    if full is not None:
        response.answers = answers
        _end(response, "over_quota", f"quota:{full.id}", now)
        return SubmitResult(True, response.status)
    last = max(response.page_index, through if through is not None else response.page_index)
    following = next_visible_page(questionnaire, answers, last + 1, +1, values=values)
    stop = following if following is not None else questionnaire.page_count
    answers.update(_cleared_pages(questionnaire, last + 1, stop))
    response.answers = answers
    if following is None:
        complete(response, now=now, cells=quotas.matching_cells(cells, values))
    else:
        response.page_index = following
        db.session.flush()
    return SubmitResult(True, response.status)


def _end(response, status: str, cause: str | None, now: datetime) -> None:
    response.status = status
    response.end_cause = cause
    response.completed_at = now
    db.session.flush()


def complete(response, *, now: datetime | None = None, cells: list | None = None) -> None:
    """Mark the interview complete, count it in its quota cells, close a full survey."""
    now = now or utcnow()
    cell_ids = [cell.id for cell in cells or []]
    response.quota_cells = cell_ids
    _end(response, "complete", None, now)
    if not response.is_invalid:  # an interview marked invalid meanwhile counts nowhere
        quotas.count_complete(cell_ids)
    survey = response.survey
    if survey.max_completes is None:
        return
    # Completes of a survey with a limit queue on its row, so each count sees every complete
    # committed before it and the survey closes exactly at its number (PostgreSQL; SQLite
    # serialises writers anyway).
    db.session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    if complete_count(survey.id) >= survey.max_completes:
        survey.status = "closed"
        survey.closed_at = survey.closed_at or now
        db.session.flush()


def complete_count(survey_id: int) -> int:
    """Valid completes of a survey."""
    return db.session.scalar(select(func.count(Response.id)).where(
        Response.survey_id == survey_id, Response.status == "complete",
        Response.is_invalid.is_(False)))


# --- abandonment -------------------------------------------------------------------------------

def sweep_abandoned(survey, *, now: datetime | None = None) -> int:
    """Mark interviews untouched for the survey's inactivity limit as abandoned; how many.

    Abandoned interviews may still be resumed: the next page submit puts them back in progress.
    """
    now = now or utcnow()
    limit = now - timedelta(minutes=survey.abandon_after_minutes)
    result = db.session.execute(
        update(Response).where(Response.survey_id == survey.id,
                               Response.status == "in_progress", Response.updated_at < limit)
        .values(status="abandoned", step=Response.step + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount
