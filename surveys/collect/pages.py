"""One respondent page over HTTP, for any channel: show it, take its submit, redirect.

Views decide who the respondent is and where their pages live (a :class:`Place`); this module
runs the page: build it from the published version, validate the post, hand valid answers to
:mod:`.flow`, commit, and answer with a redirect (post/redirect/get), so a reload never posts
twice. A post whose ``step`` is not the response's current step is a repeat and only
redirects to where the respondent really is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import abort, redirect, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from research.extensions import db
from surveys.respond import render_respondent_page, respondent_page
from surveys.respond.page import ACTION_BACK, FORM_NAMES

from . import flow

#: The button that keeps what was answered and shows the resume link.
ACTION_LATER = "later"
#: Names the page posts besides its question fields.
CONTROL_NAMES = FORM_NAMES | {"step"}


@dataclass
class Place:
    """Where one response's pages live and how they look."""

    #: GET shows the current page; POST submits it.
    url: str
    #: Offer "Continue later" (anonymous respondents get a resume link).
    on_later: Callable | None = None
    template: str = "respond/page.html"
    context: dict = field(default_factory=dict)


def seed_of(response) -> str:
    """Seed of the respondent's option order: stable for the response, unknown to others."""
    return f"response-{response.id}"


def switch_language(response) -> None:
    """Apply ``?lang=`` from the language switch (a questionnaire language only)."""
    wanted = request.args.get("lang")
    questionnaire = flow.questionnaire_of(response)
    if wanted and wanted != response.language and wanted in (
            questionnaire.definition.get("languages") or []):
        response.language = wanted
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()


def build(response, formdata=None):
    questionnaire = flow.questionnaire_of(response)
    return respondent_page(questionnaire.definition, response.page_index, response.language,
                           seed=seed_of(response), answers=response.answers, formdata=formdata)


def render(response, place: Place, view=None, status: int = 200):
    view = view or build(response)
    html = render_respondent_page(view, action=place.url, language_action=place.url,
                                  template=place.template, step=response.step,
                                  offer_later=place.on_later is not None, **place.context)
    return html, status


def posted_step(form) -> int | None:
    value = form.get("step", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def unknown_fields(form, view) -> set:
    """Posted names that are not on the page: a tampered or foreign form."""
    return set(form.keys()) - set(view.form._fields) - CONTROL_NAMES


def handle_post(response, place: Place):
    """Take the current page's submit; a Flask response (redirect, or the page with errors)."""
    if response.is_finished or posted_step(request.form) != response.step:
        return redirect(place.url, code=303)  # a repeat: show where the respondent really is
    view = build(response, formdata=request.form)
    if unknown_fields(request.form, view):
        abort(400, description=_("The form contained fields that are not on this page."))
    action = request.form.get("action")
    try:
        if action == ACTION_LATER and place.on_later is not None:
            if view.answers is not None:  # keep a valid page; an invalid one is not stored
                flow.save_page(response, view.answers, response.step)
                db.session.commit()
            return place.on_later(response)
        if action == ACTION_BACK:
            flow.go_back(response, response.step)
        elif view.answers is None:
            return render(response, place, view, status=422)
        else:
            flow.submit_page(response, view.answers, response.step)
        db.session.commit()
    except (StaleDataError, flow.InterviewFinished):
        # A concurrent submit of the same page won (it is the one kept), or the interview
        # ended meanwhile: nothing of this one is stored.
        db.session.rollback()
    return redirect(place.url, code=303)
