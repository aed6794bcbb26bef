"""Static value types used by ``check()`` and by the function registry."""

from __future__ import annotations

from .i18n import _

NUMBER = 'number'
TEXT = 'text'
DATE = 'date'
BOOLEAN = 'boolean'
SELECT_ONE = 'select_one'
SELECT_MULTIPLE = 'select_multiple'
#: Not a variable type: a value whose type static checking cannot know (``.``, mixed ``if()``).
ANY = 'any'

#: The types a questionnaire variable can declare.
VARIABLE_TYPES = frozenset({NUMBER, TEXT, DATE, BOOLEAN, SELECT_ONE, SELECT_MULTIPLE})

#: Types that arithmetic accepts (choice codes are often numeric scale points; booleans count 1/0).
NUMERIC_TYPES = frozenset({NUMBER, SELECT_ONE, BOOLEAN, ANY})
#: Types that ``selected()`` and ``count-selected()`` accept.
CHOICE_TYPES = frozenset({SELECT_ONE, SELECT_MULTIPLE, ANY})

#: Argument categories of the function registry: name -> accepted types.
ARGUMENT_CATEGORIES = {
    'numeric': NUMERIC_TYPES,
    'numeric_or_text': NUMERIC_TYPES | {TEXT},
    'choice': CHOICE_TYPES,
    'date_like': frozenset({DATE, TEXT, NUMBER, ANY}),
}


def describe_type(value_type: str) -> str:
    """The type as a phrase for messages ('a multiple-choice answer')."""
    phrases = {
        NUMBER: _('a number'),
        TEXT: _('text'),
        DATE: _('a date'),
        BOOLEAN: _('a yes/no value'),
        SELECT_ONE: _('a single-choice answer'),
        SELECT_MULTIPLE: _('a multiple-choice answer'),
        ANY: _('a value'),
    }
    return phrases[value_type]


def describe_category(category: str) -> str:
    """What an argument category asks for, as a phrase for messages."""
    phrases = {
        'numeric': _('a number'),
        'numeric_or_text': _('a number'),
        'choice': _('a single- or multiple-choice answer'),
        'date_like': _('a date'),
    }
    return phrases[category]


def join_types(types) -> str:
    """The one type of several possible results, or ANY when they differ."""
    distinct = set(types)
    return distinct.pop() if len(distinct) == 1 else ANY
