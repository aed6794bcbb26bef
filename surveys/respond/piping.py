"""Piping earlier answers into the texts of a question, shown as the respondent reads them.

:func:`pipe_spec` fills ``${name}`` in every text of a spec (question text, hint, prompt, story,
stem, end labels, option and row labels) in every language; :func:`display_formatter` shows
coded answers as their option labels in the respondent's language. The result is plain text:
the templates escape it.
"""

from __future__ import annotations

import datetime
from typing import Callable, Mapping

from babel.core import UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

from surveys.definition import resolved_questions
from surveys.expressions import display_value, pipe
from surveys.questions import type_of
from surveys.questions.spec import FrozenDict, copy_json, item_list, localized, remembered

#: Settings that hold expressions, never texts to pipe.
EXPRESSION_SETTINGS = frozenset({'relevant', 'constraint', 'required_if'})


def _pipe_texts(mapping, values, formatter) -> None:
    """Pipe a ``{language: text}`` mapping in place."""
    if isinstance(mapping, dict):
        for language, text in mapping.items():
            if isinstance(text, str) and '${' in text:
                mapping[language] = pipe(text, values, formatter)


def _pipe_settings(settings, values, formatter) -> None:
    if isinstance(settings, dict):
        for key, value in settings.items():
            if key not in EXPRESSION_SETTINGS:
                _pipe_texts(value, values, formatter)


def _has_piping(spec) -> bool:
    """Whether any text of ``spec`` that :func:`pipe_spec` fills contains ``${``."""
    def piped(mapping):
        return isinstance(mapping, dict) and any(
            isinstance(text, str) and '${' in text for text in mapping.values())

    def piped_settings(settings):
        return isinstance(settings, dict) and any(
            piped(value) for key, value in settings.items() if key not in EXPRESSION_SETTINGS)

    return (piped(spec.get('text')) or piped_settings(spec.get('settings'))
            or any(piped(item.get('label')) or piped_settings(item.get('settings'))
                   for key in ('options', 'rows') for item in item_list(spec, key)))


def pipe_spec(spec: dict, values: Mapping, formatter: Callable | None = None) -> dict:
    """A copy of ``spec`` with ``${name}`` replaced in all its texts (expressions untouched).

    A frozen spec (of a published questionnaire) with nothing to pipe is returned as it is:
    it cannot be changed, so a copy would only cost time and lose what is remembered on it.
    """
    if isinstance(spec, FrozenDict) and not remembered(spec, 'piped', lambda: _has_piping(spec)):
        return spec
    spec = copy_json(spec)
    _pipe_texts(spec.get('text'), values, formatter)
    _pipe_settings(spec.get('settings'), values, formatter)
    for key in ('options', 'rows'):
        for item in item_list(spec, key):
            _pipe_texts(item.get('label'), values, formatter)
            _pipe_settings(item.get('settings'), values, formatter)
    return spec


def _number(value, language: str) -> str:
    try:
        return format_decimal(value, locale=language, group_separator=False)
    except (UnknownLocaleError, ValueError, TypeError):
        return display_value('', value)


def _date(value, language: str) -> str:
    try:
        return format_date(value, 'long', locale=language)
    except (UnknownLocaleError, ValueError, TypeError):
        return value.isoformat()


def display_formatter(definition, language: str, *, specs=None) -> Callable:
    """``formatter(name, value) -> str`` for :func:`surveys.expressions.pipe`.

    Codes become option labels (lists of codes are joined with ', '), agreement to a consent is
    its option label, numbers and dates are written as usual in ``language``. ``specs`` are the
    definition's resolved questions, when already at hand.
    """
    labels, booleans = {}, {}
    for spec in resolved_questions(definition) if specs is None else specs:
        kind = type_of(spec)
        options = {option.get('code'): localized(option.get('label'), language)
                   for option in kind.options(spec)}
        coded = {variable.name: variable.value_labels for variable in kind.variables(spec,
                                                                                    language)}
        for name, vartype in kind.expression_variables(spec).items():
            if vartype == 'select_multiple':
                labels[name] = options
            elif vartype == 'select_one':
                labels[name] = coded.get(name) or options
            elif vartype == 'boolean' and len(options) == 2:
                booleans[name] = tuple(options.values())

    def show(name, value):
        if value is None:
            return ''
        if isinstance(value, bool):
            if name in booleans:
                return booleans[name][0 if value else 1]
            return display_value(name, value)
        names = labels.get(name, {})
        if isinstance(value, (list, tuple)):
            return ', '.join(show_one(names, item) for item in value)
        return show_one(names, value)

    def show_one(names, value):
        if value in names and names[value]:
            return names[value]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _number(value, language)
        if isinstance(value, datetime.date):
            return _date(value, language)
        return display_value('', value)

    return show
