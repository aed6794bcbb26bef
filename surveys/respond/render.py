"""One call for a view: build, validate and render a respondent page of a definition.

>>> view = respondent_page(definition, 0, 'ru', seed=token, answers=stored,
...                        formdata=request.form if request.method == 'POST' else None)
>>> if view.answers is not None and view.action == ACTION_NEXT: ...  # store, go on
>>> return render_respondent_page(view, action=url_for(...))

Everything runs in the questionnaire language: interface texts and messages too.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Mapping

from babel import Locale
from babel.core import UnknownLocaleError
from flask import render_template
from flask_babel import force_locale

from surveys.definition import pages
from surveys.questions.spec import localized

from .page import (PageValidation, answers_from_page, build_page_form, expression_context,
                   page_is_visible, skipped_answers, submitted_action,
                   validate_page)
from .piping import display_formatter, pipe_spec
from .view import item_view


@dataclass
class RespondentPage:
    """A page ready to render (see ``templates/respond/page.html``)."""

    title: str
    language: str
    #: ``[(code, name in that language)]`` of the questionnaire's languages.
    languages: list
    heading: str
    #: Whether the page has a section title (then the questionnaire title is shown above it).
    has_section: bool
    progress: tuple
    is_first: bool
    is_last: bool
    #: False when the page's section is hidden by its display condition.
    visible: bool
    form: object
    items: list
    validation: PageValidation | None = None
    #: The answers to store (every variable of the page), when submitted and valid.
    answers: dict | None = None
    #: The button pressed: ``'next'`` or ``'back'`` (None when not submitted).
    action: str | None = None
    fields: dict = field(default_factory=dict)

    @property
    def error_summary(self) -> list:
        return self.validation.summary if self.validation else []

    @property
    def has_required(self) -> bool:
        return any(item.required for item in self.items)


@contextlib.contextmanager
def questionnaire_locale(language):
    """Interface texts and messages in the questionnaire's ``language`` inside the block."""
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        yield  # a questionnaire language Babel does not know: keep the interface language
        return
    with force_locale(language):
        yield


def language_name(code: str) -> str:
    """A language's own name ("Русский", "English"), or its code if unknown."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:]


def respondent_page(definition, page_index: int, language: str, *, seed,
                    answers: Mapping | None = None, formdata=None,
                    preset: Mapping | None = None, page=None, prepared=None,
                    values: Mapping | None = None) -> RespondentPage:
    """Build page ``page_index`` for a respondent; validate it when ``formdata`` is given.

    ``answers`` are the stored answers so far (they drive relevance, piping and refill the
    page when it is shown again); ``seed`` orders randomised options (use the response token).
    ``page`` replaces the page of that index (a page merged from several, see ``live``).
    ``prepared`` is the definition prepared once (:mod:`.prepared`; its definition is used) and
    ``values`` the :func:`.page.expression_context` of ``answers`` and ``preset``, when the
    caller has them: nothing is then derived from the definition again.
    """
    if prepared is not None:
        definition, all_pages, specs = prepared.definition, prepared.pages, prepared.specs
    else:
        all_pages, specs = pages(definition), None  # split once: the progress needs the count
    languages = list(definition.get('languages') or [])
    if language not in languages:
        language = definition.get('default_language') or (languages[0] if languages else 'en')
    if not 0 <= page_index < len(all_pages):
        raise IndexError(f'page {page_index} of a questionnaire with {len(all_pages)} pages')
    if page is None:
        page = all_pages[page_index]
    answers = dict(answers or {})
    with questionnaire_locale(language):
        if values is None:
            values = expression_context(definition, answers, preset=preset, specs=specs)
        formatter = (prepared.formatter(language) if prepared is not None
                     else display_formatter(definition, language))
        built = build_page_form(page, language, seed=seed, values=values, formdata=formdata,
                                answers=answers, formatter=formatter)
        validation = stored = action = None
        if formdata is not None:
            action = submitted_action(formdata)
            validation = validate_page(built.form, built.items, language, values)
            if validation.valid:
                stored = {**skipped_answers(page, built.items),
                          **answers_from_page(built.form, built.items)}
        errors = validation.errors if validation else {}
        items = [item_view(spec, built, language, values, errors.get(spec['variable']))
                 for spec in built.items]
        section = pipe_spec(page.section, values, formatter) if page.section else None
    title = localized(definition.get('title'), language)
    current, total = page_index + 1, len(all_pages)  # page_progress without a second split
    return RespondentPage(
        title=title, language=language,
        languages=[(code, language_name(code)) for code in languages],
        heading=localized(section.get('text'), language) if section else title,
        has_section=section is not None, progress=(current, total),
        is_first=page_index == 0, is_last=current == total,
        visible=page_is_visible(page, values), form=built.form, items=items,
        validation=validation, answers=stored, action=action, fields=built.fields)


def render_respondent_page(view: RespondentPage, *, action: str = '',
                           language_action: str | None = None, language_field: str = 'lang',
                           template: str = 'respond/page.html', **context) -> str:
    """The page's HTML. ``action`` is where the form posts; the language switch (shown when
    the questionnaire has several languages) sends ``language_field`` by GET to
    ``language_action``."""
    with questionnaire_locale(view.language):
        return render_template(template, page=view, form=view.form, action=action,
                               language_action=language_action, language_field=language_field,
                               **context)
