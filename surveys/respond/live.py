"""Live pages: with JavaScript, questions whose display condition depends on an answer on the
same page are shown on that page and appear or disappear as the respondent answers.

Without JavaScript such a question gets a page of its own (:func:`surveys.definition.pages`).
When the browser runs scripts, consecutive pages of one section are merged into a *live page*
unless a question needs an earlier answer of the merged page for something a script does not
update (a required-if condition or piped text). Relevance on a live page is evaluated in page
order: a hidden question counts as unanswered for the questions after it. The browser
(``research/static/js/respond.js`` with ``expressions.js``) and :func:`shown_items` apply the
same rule, so the server validates and stores exactly the questions the respondent saw.
"""

from __future__ import annotations

import datetime
from typing import Mapping

from surveys.definition import Page, depends_on
from surveys.questions import type_of
from surveys.questions.spec import FrozenDict, copy_json, freeze_json, remembered

from .page import answers_from_page, build_page_form, is_displayed, is_relevant


def _without_relevance(spec) -> dict:
    """A copy of ``spec`` without its display condition; for a published (frozen) spec, made
    once and frozen as well, so that it keeps what is remembered on it from page to page."""
    if isinstance(spec, FrozenDict):
        return remembered(spec, 'without_relevance',
                          lambda: freeze_json(_without_relevance(copy_json(spec))))
    spec = copy_json(spec)
    if isinstance(spec.get('settings'), dict):
        spec['settings'].pop('relevant', None)
    return spec


def _answered_names(spec) -> set:
    kind = type_of(spec)
    if not kind.field_names(spec):
        return set()
    return set(kind.expression_variables(spec)) | {spec['variable']}


def live_groups(pages: list) -> list:
    """``[(first, last)]`` page indexes merged into one live page each, covering every page."""
    groups = []
    names: set = set()
    for index, page in enumerate(pages):
        if groups and page.section is pages[groups[-1][1]].section and not any(
                depends_on(_without_relevance(spec)) & names for spec in page.questions):
            groups[-1] = (groups[-1][0], index)
        else:
            groups.append((index, index))
            names = set()
        for spec in page.questions:
            names |= _answered_names(spec)
    return groups


def merged_page(pages: list, first: int, last: int) -> Page:
    """The pages ``first`` to ``last`` (one section) as one page."""
    return Page(pages[first].section,
                [spec for page in pages[first:last + 1] for spec in page.questions])


def shown_items(page: Page, values: Mapping, posted: Mapping | None = None) -> list:
    """``[(spec, shown)]`` for the page's displayed items, deciding relevance in page order.

    ``values`` are the expression values of the stored answers; ``posted`` (answers read from
    the submitted form) replace them for the questions of the page. A question that is not
    shown counts as unanswered for the questions after it.
    """
    context = dict(values)
    result = []
    for spec in page.questions:
        if not is_displayed(spec):
            continue
        shown = is_relevant(spec, context)
        result.append((spec, shown))
        kind = type_of(spec)
        if not shown:
            context.update(kind.expression_values(spec, kind.empty_answers(spec)))
        elif posted is not None:
            context.update(kind.expression_values(spec, posted))
    return result


def page_without_relevance(page: Page, specs: list) -> Page:
    """A page of ``specs`` whose own display conditions are already decided (dropped)."""
    return Page(page.section, [_without_relevance(spec) for spec in specs])


def posted_answers(page: Page, language: str, *, seed, values: Mapping, formdata) -> tuple:
    """``(form of every item, answers read from it)`` before validation: what the respondent
    posted for each displayed item, to decide relevance on the live page."""
    every = page_without_relevance(page, [spec for spec in page.questions
                                          if is_displayed(spec)])
    built = build_page_form(every, language, seed=seed, values=values, formdata=formdata)
    return built.form, answers_from_page(built.form, built.items)


def _encode(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {'$date': value.isoformat()[:10]}
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]  # the browser's multiple choice: code strings
    return value


def browser_logic(page: Page, values: Mapping, field_names) -> dict:
    """What ``respond.js`` needs: the values so far and how to read each field of the page.

    ``fields`` maps an expression variable answered on the page to its field and type; codes
    of single choices are numbers when all the question's codes are numbers (as stored).
    """
    fields = {}
    for spec in page.questions:
        kind = type_of(spec)
        numeric = all(isinstance(option.get('code'), int) and not isinstance(
            option.get('code'), bool) for option in kind.options(spec))
        for name, vartype in kind.expression_variables(spec).items():
            if name in field_names:
                fields[name] = {'type': vartype, 'numeric': numeric}
    return {'values': {name: _encode(value) for name, value in values.items()
                       if value is not None},
            'fields': fields}
