"""One respondent page: which items show, its form (built per request), validation, answers.

Pure functions over a questionnaire definition (:mod:`surveys.definition`) and the question-type
registry. ``values`` are expression values (``{name: value}``, see :func:`expression_context`):
relevance and ``required_if`` see the answers given so far; the validation ``constraint`` of a
question also sees the answers posted on the same page.
"""

from __future__ import annotations

import datetime
from typing import Mapping, NamedTuple

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.widgets import ListWidget

from surveys.definition import pages, resolved_questions
from surveys.expressions import parse
from surveys.questions import ordered_options, type_of

from .piping import pipe_spec

#: Values of the submit buttons (``name="action"``); Finish on the last page sends NEXT.
ACTION_NEXT, ACTION_BACK = 'next', 'back'
#: Names the page form uses itself: a question field so named would be overwritten.
FORM_NAMES = frozenset({'action', 'csrf_token'})
#: Types shown as text without fields (other field-less types, like the A/B randomiser, are not
#: shown at all).
TEXT_BLOCKS = frozenset({'instruction'})


class BuiltForm(NamedTuple):
    """What :func:`build_page_form` makes."""

    #: The bound page form (a fresh ``PageForm`` class per call).
    form: FlaskForm
    #: ``{question variable: [field names in display order]}`` for every visible question.
    fields: dict
    #: The visible items with ``${...}`` piped into their texts (what to render and validate).
    items: list


class PageValidation(NamedTuple):
    """What :func:`validate_page` finds."""

    #: ``{question variable: [messages]}``, only for questions with errors.
    errors: dict
    #: ``[(field id, message)]`` in page order, linking to the field in error (or the first
    #: field) of each question; the id is None for an expired form (CSRF).
    summary: list

    @property
    def valid(self) -> bool:
        return not self.summary


def expression_context(definition, answers: Mapping, *, preset: Mapping | None = None,
                       specs=None) -> dict:
    """Expression values of the stored ``answers`` (plus ``preset`` panel/URL variables).

    ``specs`` are the definition's resolved questions, when already at hand (a prepared
    questionnaire's, see :mod:`.prepared`).
    """
    values = dict(preset or {})
    for spec in resolved_questions(definition) if specs is None else specs:
        values.update(type_of(spec).expression_values(spec, answers))
    return values


def is_relevant(spec, values: Mapping) -> bool:
    """Whether the item's display condition (``settings.relevant``) holds."""
    source = type_of(spec).settings(spec).get('relevant')
    return not source or parse(source).evaluate_bool(values)


def page_is_visible(page, values: Mapping) -> bool:
    """False when the page's section has a display condition that does not hold."""
    return page.section is None or is_relevant(page.section, values)


def is_displayed(spec) -> bool:
    """Whether the respondent sees the item at all (questions and text blocks)."""
    kind = type_of(spec)
    return kind.name in TEXT_BLOCKS or bool(kind.field_names(spec))


def visible_items(page, values: Mapping) -> list:
    """The page's instruction blocks and questions shown for ``values`` (specs, in order)."""
    if not page_is_visible(page, values):
        return []
    return [spec for spec in page.questions if is_displayed(spec) and is_relevant(spec, values)]


def _form_data(spec, unbound: dict, answers: Mapping) -> dict:
    """Field data showing stored ``answers`` again (when the respondent comes back)."""
    kind = type_of(spec)
    derived = kind.expression_values(spec, answers)  # lists of codes for checkbox fields
    data = {}
    for name in unbound:
        value = answers[name] if name in answers else derived.get(name)
        if isinstance(value, str) and issubclass(unbound[name].field_class, DateField):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                value = None
        if value is not None:
            data[name] = value
    return data


def build_page_form(page, language: str, *, seed, values: Mapping, formdata=None,
                    answers: Mapping | None = None, formatter=None) -> BuiltForm:
    """The page form of the visible questions.

    ``formdata`` is the posted data (None: not submitted; the form then shows ``answers``, the
    stored answers, if given). Options and rows are ordered by ``seed`` (the response token).
    ``formatter(name, value)`` shows piped values (see :func:`.piping.display_formatter`).
    """
    items = [pipe_spec(spec, values, formatter) for spec in visible_items(page, values)]
    fields, groups, data = {}, {}, {}
    for spec in items:
        kind = type_of(spec)
        made = dict(kind.form_fields(
            spec, language, option_order=ordered_options(spec, seed),
            row_order=ordered_options(spec, seed, which='rows'), context=values))
        clashes = set(made) & (set(fields) | FORM_NAMES)
        if clashes:
            raise ValueError(f'the page form cannot have fields named {sorted(clashes)} (defined '
                             f'twice, or used by the form itself)')
        groups[spec['variable']] = list(made)
        fields.update(made)
        if answers is not None and formdata is None:
            data.update(_form_data(spec, made, answers))
    form_class = type('PageForm', (FlaskForm,), fields)
    return BuiltForm(form_class(formdata=formdata, data=data), groups, items)


def focus_id(field) -> str:
    """The id an error link points at: the first radio/checkbox of a group, else the field."""
    return f'{field.id}-0' if isinstance(field.widget, ListWidget) else field.id


def answers_from_page(form, page_items) -> dict:
    """The answers to store for the visible items (every variable of each question)."""
    answers = {}
    for spec in page_items:
        answers.update(type_of(spec).answers_from_form(spec, form))
    return answers


def skipped_answers(page, page_items) -> dict:
    """All-missing answers for the page's questions that were not shown."""
    shown = {spec['variable'] for spec in page_items}
    answers = {}
    for spec in page.questions:
        if spec['variable'] not in shown and is_displayed(spec):
            answers.update(type_of(spec).empty_answers(spec))
    return answers


def _field_names(spec, form, order: dict) -> list:
    names = [name for name in type_of(spec).field_names(spec) if name in order]
    return sorted(names, key=order.__getitem__)


def validate_page(form, page_items, language: str, values: Mapping) -> PageValidation:
    """``form.validate()``, then each question's cross-field rules, required-if and constraint.

    The type's ``validate_group`` applies ``required_if`` and the constraint when given a
    context; the context is ``values`` updated with the answers posted on this page.
    """
    form.validate()
    context = dict(values)
    posted = answers_from_page(form, page_items)
    for spec in page_items:
        context.update(type_of(spec).expression_values(spec, posted))
    order = {field.name: index for index, field in enumerate(form)}
    errors, summary = {}, []
    for spec in page_items:
        kind = type_of(spec)
        names = _field_names(spec, form, order)
        if not names:
            continue
        question = kind.question_text(spec, language)
        messages, first = [], None
        for name in names:
            field = form[name]
            for message in field.errors:
                label = str(field.label.text)
                several = len(names) > 1 and label and label != question
                messages.append(f'{label}: {message}' if several else str(message))
                first = first or focus_id(field)
        messages += [str(message) for message in
                     kind.validate_group(spec, form, language, context=context)]
        if messages:
            errors[spec['variable']] = messages
            target = first or focus_id(form[names[0]])
            summary += [(target, summary_text(question, message)) for message in messages]
    if 'csrf_token' in form.errors:
        summary.insert(0, (None, _('The form expired. Please send it again.')))
    return PageValidation(errors, summary)


def summary_text(question: str, message: str) -> str:
    """'Your age? Please answer ...' / 'Share 100 points: The amounts ...' for the summary."""
    question = question.strip()
    if not question:
        return message
    return f'{question} {message}' if question[-1] in '?!.:…' else f'{question}: {message}'


def page_progress(definition, page_index: int) -> tuple:
    """``(current, total)`` pages, counting from 1 (hidden pages count too)."""
    total = len(pages(definition))
    if not 0 <= page_index < total:
        raise IndexError(f'page {page_index} of a questionnaire with {total} pages')
    return page_index + 1, total


def submitted_action(formdata) -> str:
    """Which button was pressed: :data:`ACTION_BACK`, else :data:`ACTION_NEXT` (e.g. Enter)."""
    return ACTION_BACK if formdata and formdata.get('action') == ACTION_BACK else ACTION_NEXT
