"""The registry of question types, and helpers that dispatch on ``spec["type"]``."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .base import QuestionType
from .contract import Problem
from .ordering import order_codes
from .spec import CATEGORIES, CLOSED, OPEN, STRUCTURE

_TYPES: dict = {}

#: Headings of the builder's "add question" menu.
CATEGORY_LABELS = {CLOSED: _l('Closed questions'), OPEN: _l('Open questions'),
                   STRUCTURE: _l('Structure')}


class UnknownQuestionType(KeyError):
    """``get_type`` was given a name no type is registered under."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name

    def __str__(self):
        return (f'unknown question type {self.name!r}; known types: '
                + ', '.join(sorted(_TYPES)))


def register(cls):
    """Class decorator: register one instance of a :class:`QuestionType` subclass by its name."""
    if not isinstance(cls, type) or not issubclass(cls, QuestionType):
        raise TypeError(f'{cls!r} is not a QuestionType subclass')
    if not cls.name:
        raise ValueError(f'{cls.__name__} has no name')
    if cls.name in _TYPES:
        raise ValueError(f'question type {cls.name!r} is registered twice: by '
                         f'{type(_TYPES[cls.name]).__name__} and {cls.__name__}')
    if cls.category not in CATEGORIES:
        raise ValueError(f'{cls.__name__}.category must be one of {CATEGORIES}')
    _TYPES[cls.name] = cls()
    return cls


def get_type(name) -> QuestionType:
    """The registered type called ``name``; raises :class:`UnknownQuestionType` (a KeyError)."""
    try:
        return _TYPES[name]
    except (KeyError, TypeError):
        raise UnknownQuestionType(name) from None


def type_of(spec) -> QuestionType:
    """The type of a question spec."""
    return get_type(spec.get('type') if isinstance(spec, dict) else None)


def all_types() -> list:
    """Every type, in menu order: by category (closed, open, structure), then menu position."""
    return sorted(_TYPES.values(),
                  key=lambda kind: (CATEGORIES.index(kind.category), kind.menu_order, kind.name))


def types_by_category() -> list:
    """``[(category, heading, [types])]`` for the builder's grouped "add question" menu."""
    return [(category, CATEGORY_LABELS[category],
             [kind for kind in all_types() if kind.category == category])
            for category in CATEGORIES]


def check_spec(spec, *, language: str = 'ru', known=None) -> list:
    """``type_of(spec).check_spec(...)``, reporting an unknown type as a problem."""
    try:
        kind = type_of(spec)
    except UnknownQuestionType as error:
        return [Problem(_('Unknown question type "%(name)s".', name=str(error.name)[:40]),
                        'type', 'type_unknown')]
    return kind.check_spec(spec, language=language, known=known)


def check_questionnaire(specs, *, language: str = 'ru', preset=None) -> list:
    """Check a whole questionnaire in order: ``[(index, Problem)]``.

    Each question's expressions may use the variables of the questions before it (plus
    ``preset``: ``{name: type}`` of panel profile or URL variables). Names that two questions
    would both define (``Q5_1`` as a question and as an option of ``Q5``) are reported.
    """
    known = dict(preset or {})
    claimed = set(known)  # every name in use, including those of blocks without answers
    found = []
    for index, spec in enumerate(specs):
        problems = check_spec(spec, language=language, known=known)
        found += [(index, problem) for problem in problems]
        if problems:
            continue
        kind = type_of(spec)
        own = {spec['variable'], *kind.field_names(spec), *kind.expression_variables(spec),
               *kind.variable_names(spec)}
        for name in sorted(own & claimed):
            found.append((index, Problem(_('The variable %(name)s is already defined by an '
                                           'earlier question.', name=name), 'variable',
                                         'variable_duplicate')))
        claimed |= own
        known.update(kind.expression_variables(spec))
    return found


def ordered_options(spec, seed: str, *, which: str = 'options') -> list:
    """The option (or row) codes in the order this respondent sees them.

    Follows ``settings.randomize`` (options) or ``settings.randomize_rows`` (rows): None,
    'shuffle', 'rotate' or 'reverse'; anchored items (and, unless told otherwise, "other" and
    exclusive options) keep their places. Deterministic per ``seed`` (use the response token).
    """
    if which not in ('options', 'rows'):
        raise ValueError("which must be 'options' or 'rows'")
    kind = type_of(spec)
    items = kind.options(spec) if which == 'options' else kind.rows(spec)
    setting = 'randomize' if which == 'options' else 'randomize_rows'
    mode = kind.settings(spec).get(setting)
    return order_codes(items, mode, str(seed), f"{spec['variable']}:{which}")
