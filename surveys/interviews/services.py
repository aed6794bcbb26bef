"""Interviews keyed in by interviewers: which surveys take them, starting one, finding an
interviewer's own entries. Functions flush; the caller commits."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from research.exceptions import DomainError
from research.extensions import db
from surveys.collect import access, flow
from surveys.collect.questionnaire import published
from surveys.models import Response, Survey
from surveys.models.fieldwork import hash_token

#: Channels an interviewer keys in (vocabulary.CHANNELS), in the order of the choice list.
INTERVIEW_CHANNELS = ("phone", "face_to_face", "mail", "observation")
#: Own entries listed per page.
ENTRIES_PER_PAGE = 100

UNAVAILABLE_MESSAGES = {
    access.NOT_OPEN: _l("This survey is not open for fieldwork yet: it takes no interviews."),
    access.CLOSED: _l("This survey is closed: it takes no new interviews."),
}


def live_surveys(study) -> list:
    """The study's surveys that take interviews now, in creation order."""
    surveys = db.session.scalars(select(Survey).where(Survey.study_id == study.id)
                                 .order_by(Survey.id)).all()
    return [survey for survey in surveys if access.unavailable_reason(survey) is None]


def survey_languages(survey) -> list:
    """The languages of the survey's published questionnaire (default first)."""
    definition = published(survey.published_version).definition \
        if survey.published_version is not None else {}
    languages = list(definition.get("languages") or [survey.default_language])
    default = definition.get("default_language")
    if default in languages:
        languages.remove(default)
        languages.insert(0, default)
    return languages


def interview_token_hash(survey, interviewer, nonce: str) -> str:
    """The stored fingerprint of the interview started with the form's one-time ``nonce``."""
    return hash_token(access.resume_token_for(survey.id, f"interview:{interviewer.id}:{nonce}"))


def started_with(survey, interviewer, nonce: str) -> Response | None:
    """The interview an earlier press of the same "New interview" form started, if any."""
    return db.session.scalar(select(Response).where(
        Response.token_hash == interview_token_hash(survey, interviewer, nonce)))


def start_interview(survey, interviewer, channel: str, language: str | None = None,
                    nonce: str | None = None) -> Response:
    """A new interview on ``survey`` keyed in by ``interviewer`` through ``channel``.

    With the form's ``nonce``, a repeated press finds the interview of the first one (the
    unique token fingerprint stops a concurrent repeat at the database).
    """
    if channel not in INTERVIEW_CHANNELS:
        raise DomainError(_l("Choose one of the interviewer channels."), field="channel")
    reason = access.unavailable_reason(survey)
    if reason is not None:
        raise DomainError(UNAVAILABLE_MESSAGES[reason])
    token_hash = interview_token_hash(survey, interviewer, nonce) if nonce else None
    return flow.start_response(survey, channel=channel, language=language,
                               interviewer=interviewer, token_hash=token_hash)


def _own(study, user):
    return (Response.interviewer_id == user.id, Survey.study_id == study.id,
            Response.channel.in_(INTERVIEW_CHANNELS))


def own_entry(study, user, response_id: int) -> Response | None:
    """The interview ``response_id`` if ``user`` keyed it in for ``study``; else None."""
    return db.session.scalar(select(Response).join(Survey).where(
        Response.id == response_id, *_own(study, user)))


def own_entries(study, user, page: int = 1) -> tuple[list, int]:
    """``(entries on the page, newest first; total)`` of the user's interviews in the study."""
    total = db.session.scalar(select(func.count(Response.id)).join(Survey)
                              .where(*_own(study, user)))
    rows = db.session.scalars(
        select(Response).join(Survey).options(contains_eager(Response.survey))
        .where(*_own(study, user)).order_by(Response.id.desc()).limit(ENTRIES_PER_PAGE)
        .offset((page - 1) * ENTRIES_PER_PAGE)).all()
    return rows, total
