"""Responses for researchers: the filtered list with quality flags, one response in detail,
marking invalid (reversible) and deleting. Changing functions flush; the caller commits.

Marking invalid and deleting keep the quota counters right in the same transaction: a valid
complete is counted in ``Response.quota_cells``; it is uncounted when it is marked invalid or
deleted and counted again when it is marked valid. Both are conditional UPDATE/DELETE
statements on the state the researcher saw, so a double click or two researchers at once
never count twice. Only ended interviews are marked invalid (see :func:`set_invalid`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from research.exceptions import DomainError
from research.extensions import db
from surveys.collect.quotas import count_complete
from surveys.fieldwork import quality
from surveys.fieldwork.dashboard import valid_complete_durations
from surveys.models import QuestionnaireVersion, QuotaCell, Response

PER_PAGE = 50

#: Labels of the quality flags (keys in :mod:`.quality`).
FLAG_LABELS = {
    quality.SPEEDER: _l("Speeder"),
    quality.STRAIGHT_LINER: _l("Straight-liner"),
}
#: Validity filter values.
VALIDITY = {"valid": _l("Valid"), "invalid": _l("Marked invalid")}


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; None means any."""

    status: str | None = None
    channel: str | None = None
    validity: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Listed:
    """A response on the list, with its duration and quality flags."""

    response: Response
    duration: float | None
    flags: list


@dataclass(frozen=True)
class ResponsePage:
    rows: list
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class AnswerRow:
    """One variable of a response: name, label, stored value and its value label."""

    name: str
    label: str
    value: object
    value_label: str | None


@dataclass
class ResponseDetail:
    response: Response
    duration: float | None
    flags: list
    #: Grid questions answered with one code on every row.
    straight_lined: list
    #: Seconds under which a complete is a speeder (None: too few completes yet).
    speeder_threshold: float | None
    answers: list = field(default_factory=list)
    #: ``[(page number, seconds)]`` in page order.
    timings: list = field(default_factory=list)
    #: ``{"kind": "screening" | "quota" | "other", ...}`` or None.
    end_cause: dict | None = None


# --- quality context ----------------------------------------------------------------------------

def survey_grids(survey_id: int) -> dict:
    """Grid rows (``quality.grid_rows``) over every version the survey's responses answered."""
    version_ids = select(Response.version_id).where(Response.survey_id == survey_id).distinct()
    variables = db.session.scalars(
        select(QuestionnaireVersion.variables).where(QuestionnaireVersion.id.in_(version_ids))
        .order_by(QuestionnaireVersion.number)).all()
    return quality.grid_rows(variable for listed in variables for variable in listed or [])


def speeder_threshold(survey_id: int) -> float | None:
    """Median duration of the valid completes ÷ 3 (None with fewer than five of them)."""
    return quality.speeder_threshold(valid_complete_durations(survey_id))


# --- the list ---------------------------------------------------------------------------------

def _conditions(survey_id: int, filters: Filters) -> list:
    conditions = [Response.survey_id == survey_id]
    if filters.status:
        conditions.append(Response.status == filters.status)
    if filters.channel:
        conditions.append(Response.channel == filters.channel)
    if filters.validity == "valid":
        conditions.append(Response.is_invalid.is_(False))
    elif filters.validity == "invalid":
        conditions.append(Response.is_invalid.is_(True))
    return conditions


def _duration(started, completed) -> float | None:
    return (completed - started).total_seconds() if completed is not None else None


def flagged_ids(survey_id: int, filters: Filters, grids: dict, threshold) -> list:
    """Ids (newest first) of the responses matching ``filters`` that carry ``filters.flag``
    (any flag for ``"any"``). Reads timestamps and the grid answers only (JSON paths)."""
    names = [name for rows in grids.values() for name in rows]
    columns = [Response.answers[name].as_string() for name in names]
    rows = db.session.execute(
        select(Response.id, Response.status, Response.started_at, Response.completed_at,
               *columns).where(*_conditions(survey_id, filters))
        .order_by(Response.id.desc())).all()
    found = []
    for row in rows:
        answers = dict(zip(names, row[4:]))
        flags = quality.flags_of(row.status, _duration(row.started_at, row.completed_at),
                                 answers, grids, threshold)
        if (filters.flag == "any" and flags) or filters.flag in flags:
            found.append(row.id)
    return found


def list_responses(survey, filters: Filters, page: int = 1) -> ResponsePage:
    """One page (:data:`PER_PAGE`, newest first) of the survey's responses with their flags."""
    grids = survey_grids(survey.id)
    threshold = speeder_threshold(survey.id)
    if filters.flag:
        ids = flagged_ids(survey.id, filters, grids, threshold)
        total = len(ids)
    else:
        ids = None
        total = db.session.scalar(
            select(func.count(Response.id)).where(*_conditions(survey.id, filters)))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    query = select(Response).options(selectinload(Response.interviewer))
    if ids is None:
        query = (query.where(*_conditions(survey.id, filters)).order_by(Response.id.desc())
                 .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    else:
        shown = ids[(page - 1) * PER_PAGE:page * PER_PAGE]
        query = query.where(Response.id.in_(shown)).order_by(Response.id.desc())
    rows = []
    for response in db.session.scalars(query):
        duration = response.duration_seconds
        rows.append(Listed(response, duration, quality.flags_of(
            response.status, duration, response.answers or {}, grids, threshold)))
    return ResponsePage(rows, total, page, pages)


# --- one response -------------------------------------------------------------------------------

def _text(value) -> str:
    return "" if value is None else str(value)


def answer_rows(variables: list, answers: dict) -> list:
    """:class:`AnswerRow` per variable of the version (its order), then any stored answer the
    version does not declare (kept, never hidden)."""
    rows = []
    for variable in variables:
        value = answers.get(variable["name"])
        labels = {_text(code): label for code, label in variable.get("value_labels") or []}
        rows.append(AnswerRow(variable["name"], variable.get("label") or "", value,
                              labels.get(_text(value)) if value is not None else None))
    declared = {variable["name"] for variable in variables}
    rows.extend(AnswerRow(name, "", value, None)
                for name, value in answers.items() if name not in declared)
    return rows


def end_cause_of(response, variables: list) -> dict | None:
    """Why the interview ended early: the screening variable or the quota cell."""
    cause = response.end_cause
    if not cause:
        return None
    if cause.startswith("quota:") and cause[6:].isdigit():
        cell = db.session.get(QuotaCell, int(cause[6:]))
        if cell is None or cell.quota.survey_id != response.survey_id:
            return {"kind": "quota", "cell": None, "quota": None, "id": int(cause[6:])}
        return {"kind": "quota", "cell": cell.label, "quota": cell.quota.name, "id": cell.id}
    labels = {variable["name"]: variable.get("label") or "" for variable in variables}
    if cause in labels:
        return {"kind": "screening", "name": cause, "label": labels[cause]}
    return {"kind": "other", "name": cause}


def response_detail(response) -> ResponseDetail:
    """Everything the single-response page shows."""
    variables = (response.version.variables or []) if response.version else []
    grids = quality.grid_rows(variables)
    answers = response.answers or {}
    threshold = speeder_threshold(response.survey_id)
    duration = response.duration_seconds
    timings = sorted(((int(page), seconds) for page, seconds in (response.timings or {}).items()
                      if str(page).isdigit()))
    return ResponseDetail(
        response=response, duration=duration,
        flags=quality.flags_of(response.status, duration, answers, grids, threshold),
        straight_lined=quality.straight_lined_grids(answers, grids),
        speeder_threshold=threshold, answers=answer_rows(variables, answers), timings=timings,
        end_cause=end_cause_of(response, variables))


# --- changes ------------------------------------------------------------------------------------

def _changed_meanwhile():
    return DomainError(_l("The interview changed meanwhile (the respondent went on, or "
                          "someone else acted on it). Look again and repeat if needed."))


def set_invalid(response, invalid: bool) -> bool:
    """Mark ``response`` invalid (excluded from analysis) or valid again; False when it
    already was. A complete is uncounted from / counted again in its quota cells.

    Only an ended interview (complete, screened out, over quota) is marked invalid: one still
    going on would be counted in its quota cells when it completes, invalid or not.
    """
    if response.is_invalid == invalid:
        return False
    if invalid and not response.is_finished:
        raise DomainError(_l("Only an ended interview can be marked invalid. Wait until it "
                             "ends or is abandoned for good, or delete it."))
    result = db.session.execute(
        update(Response).where(Response.id == response.id,
                               Response.is_invalid.is_(not invalid),
                               Response.status == response.status)
        .values(is_invalid=invalid).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise _changed_meanwhile()
    if response.status == "complete":
        count_complete(list(response.quota_cells or []), -1 if invalid else +1)
    db.session.expire(response, ["is_invalid"])
    return True


def delete_response(response) -> None:
    """Delete ``response`` for good; a valid complete is uncounted from its quota cells.

    A personal link it came through stays (its ``response_id`` is set to NULL by the
    foreign key) with its uses unchanged.
    """
    counted = response.status == "complete" and not response.is_invalid
    cells = list(response.quota_cells or [])
    result = db.session.execute(
        delete(Response).where(Response.id == response.id,
                               Response.status == response.status,
                               Response.is_invalid.is_(bool(response.is_invalid)))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise _changed_meanwhile()
    if counted:
        count_complete(cells, -1)
    db.session.expunge(response)
