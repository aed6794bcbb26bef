"""One respondent page over HTTP, for any channel: show it, take its submit, redirect.

Views decide who the respondent is and where their pages live (a :class:`Place`); this module
runs the page: build it from the published version, validate the post, hand valid answers to
:mod:`.flow`, commit, and answer with a redirect (post/redirect/get), so a reload never posts
twice. A post whose ``step`` is not the response's current step is a repeat and only
redirects to where the respondent really is.

Browsers that run scripts get *live pages* (``surveys.respond.live``): ``respond.js`` sets the
``anketa_js`` cookie, pages are then rendered merged and post ``layout=live``, which tells
this module to validate the merged page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import abort, redirect, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from research.extensions import db
from surveys.respond import render_respondent_page, respondent_page
from surveys.respond.live import (browser_logic, merged_page, page_without_relevance,
                                  posted_answers, shown_items)
from surveys.respond.page import ACTION_BACK, ACTION_NEXT, FORM_NAMES, skipped_answers

from . import flow

#: The button that keeps what was answered and shows the resume link.
ACTION_LATER = "later"
#: Names the page posts besides its question fields.
CONTROL_NAMES = FORM_NAMES | {"step", "layout"}
#: Set by respond.js: this browser runs scripts, so pages may be live.
SCRIPT_COOKIE = "anketa_js"


@dataclass
class Place:
    """Where one response's pages live and how they look."""

    #: GET shows the current page; POST submits it.
    url: str
    #: Offer "Continue later": ``on_later(response, saved)`` answers the press; ``saved`` is
    #: False when the page was incomplete and its answers were not stored.
    on_later: Callable | None = None
    template: str = "respond/page.html"
    context: dict = field(default_factory=dict)


@dataclass
class Built:
    """A page built for a response: the view, and for live pages what the browser needs."""

    view: object
    #: ``(first, last)`` pages the view covers.
    span: tuple
    logic: dict | None = None
    #: Every field name of a live page (hidden items included), for the tamper check.
    names: set | None = None


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


def wants_live_page() -> bool:
    if request.method == "POST":
        return request.form.get("layout") == "live"
    return request.cookies.get(SCRIPT_COOKIE) == "1"


def build(response, formdata=None, *, live: bool = False) -> Built:
    questionnaire = flow.questionnaire_of(response)
    definition = questionnaire.definition
    index = response.page_index
    first, last, number = questionnaire.group_of(index)
    if not live or first == last:
        view = respondent_page(definition, index, response.language, seed=seed_of(response),
                               answers=response.answers, formdata=formdata,
                               prepared=questionnaire)
        if live:  # a live page of one page: counted among live pages
            view.progress = (number + 1, len(questionnaire.groups))
        return Built(view, (index, index))
    page = merged_page(questionnaire.pages, first, last)
    values = flow.values_of(questionnaire, response.answers)
    seed = seed_of(response)
    posted = names = None
    if formdata is not None:
        form, posted = posted_answers(page, response.language, seed=seed, values=values,
                                      formdata=formdata)
        names = set(form._fields)
    decided = shown_items(page, values, posted)
    shown = [spec for spec, visible in decided if visible]
    specs = shown if formdata is not None else [spec for spec, _visible in decided]
    view = respondent_page(definition, first, response.language, seed=seed,
                           answers=response.answers, formdata=formdata,
                           page=page_without_relevance(page, specs), prepared=questionnaire,
                           values=values)
    if view.answers is not None:
        view.answers = {**skipped_answers(page, shown), **view.answers}
    conditions = {spec["variable"]: (spec.get("settings") or {}).get("relevant", "")
                  for spec, _visible in decided}
    hidden = {spec["variable"] for spec, visible in decided if not visible}
    for item in view.items:
        item.relevant = conditions.get(item.variable) or ""
        item.hidden = item.variable in hidden
    view.progress = (number + 1, len(questionnaire.groups))
    view.is_last = last == questionnaire.page_count - 1
    view.is_first = first == 0
    logic = browser_logic(page, values, set(view.form._fields))
    return Built(view, (first, last), logic, names or set(view.form._fields))


def render(response, place: Place, built: Built | None = None, status: int = 200):
    built = built or build(response, live=wants_live_page())
    html = render_respondent_page(built.view, action=place.url, language_action=place.url,
                                  template=place.template, step=response.step,
                                  offer_later=place.on_later is not None, logic=built.logic,
                                  **place.context)
    return html, status


def posted_step(form) -> int | None:
    value = form.get("step", "")
    # isdigit() alone admits '²' and '①', which int() refuses.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def unknown_fields(form, built: Built) -> set:
    """Posted names that are not on the page: a tampered or foreign form."""
    names = built.names if built.names is not None else set(built.view.form._fields)
    return set(form.keys()) - names - CONTROL_NAMES


def handle_post(response, place: Place):
    """Take the current page's submit; a Flask response (redirect, or the page with errors)."""
    if response.is_finished or posted_step(request.form) != response.step:
        return redirect(place.url, code=303)  # a repeat: show where the respondent really is
    built = build(response, formdata=request.form, live=wants_live_page())
    view = built.view
    if unknown_fields(request.form, built):
        abort(400, description=_("The form contained fields that are not on this page."))
    action = request.form.get("action") or ACTION_NEXT  # Enter sends no button
    if action not in (ACTION_NEXT, ACTION_BACK) and not (
            action == ACTION_LATER and place.on_later is not None):
        abort(400, description=_("The form was sent with a button this page does not have."))
    first, last = built.span
    try:
        if action == ACTION_LATER and place.on_later is not None:
            saved = view.answers is not None  # a valid page is kept; an invalid one is not
            if saved:
                flow.save_page(response, view.answers, response.step)
                db.session.commit()
            return place.on_later(response, saved)
        if action == ACTION_BACK:
            flow.go_back(response, response.step, first=first)
        elif view.answers is None:
            return render(response, place, built, status=422)
        else:
            flow.submit_page(response, view.answers, response.step, through=last)
        db.session.commit()
    except (StaleDataError, flow.InterviewFinished):
        # A concurrent submit of the same page won (it is the one kept), or the interview
        # ended meanwhile: nothing of this one is stored.
        db.session.rollback()
    return redirect(place.url, code=303)
