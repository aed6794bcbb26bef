"""Reading question specs: names, constants and small helpers shared by every type.

A *question spec* is the plain dict the builder stores and the published definition freezes::

    {"variable": "Q5", "type": "multiple_choice", "text": {"ru": "...", "en": "..."},
     "settings": {...}, "options": [{"code": 1, "label": {...}, "settings": {...}}, ...],
     "rows": [...same shape as options...]}

Helpers here never raise on malformed specs; ``check_spec`` reports what is wrong.
"""

from __future__ import annotations

import re

#: Question variable names: a letter, then letters, digits and ``_``; 32 characters at most,
#: so that derived names (``Q7_r12_c3``) still fit SPSS's 64-byte limit.
VARIABLE_PATTERN = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,31}')

#: SPSS reserved words: a variable may not be called so (SPSS compares case-insensitively).
SPSS_RESERVED = frozenset({'ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR',
                           'TO', 'WITH'})

#: Columns the dataset builder adds beside the answers (Response metadata and weights).
SYSTEM_VARIABLES = frozenset({
    'response_id', 'id', 'survey_id', 'version', 'version_id', 'status', 'channel', 'variant',
    'variants', 'language', 'token', 'member_id', 'wave', 'wave_id', 'module', 'module_id',
    'interviewer_id', 'started_at', 'updated_at', 'completed_at', 'duration', 'timings',
    'weight', 'is_invalid', 'answers',
    # Fields of the respondent page form itself.
    'action', 'csrf_token',
})

#: Names no question variable may take, lower-cased (the check is case-insensitive).
RESERVED = frozenset(name.lower() for name in SPSS_RESERVED | SYSTEM_VARIABLES)

#: Option and row codes are whole numbers from 1 to this (they fit SPSS and 32-bit integers).
MAX_CODE = 999_999_999

#: Question-type categories, in the order the builder's menu shows them.
OPEN, CLOSED, STRUCTURE = 'open', 'closed', 'structure'
CATEGORIES = (CLOSED, OPEN, STRUCTURE)

#: Option-order settings: ``settings.randomize`` (options) and ``settings.randomize_rows`` (rows).
RANDOMIZE_MODES = (None, 'shuffle', 'rotate', 'reverse')

#: Hard limit on free-text answers, whatever a question's ``max_length`` says.
TEXT_MAX = 10_000


def copy_json(value):
    """A deep copy of JSON-shaped data (dicts, lists, tuples, scalars).

    Several times faster than :func:`copy.deepcopy` (no memo, no dispatch): specs are copied
    on every respondent page, so this is on the hot path of collection.
    """
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    if isinstance(value, tuple):
        return tuple(copy_json(item) for item in value)
    return value


def _refuse(self, *args, **kwargs):
    raise TypeError('a published questionnaire cannot be changed; copy it first (copy_json)')


class FrozenDict(dict):
    """A dict that refuses changes: part of a published questionnaire (see :func:`freeze_json`).

    It stays a ``dict`` for every reader (``isinstance``, JSON, Jinja). Copies
    (:func:`copy_json`, ``copy.copy``, ``copy.deepcopy``) are plain, changeable dicts.
    Because it cannot change, what the question types derive from a frozen spec is remembered
    on it (:func:`remembered`).
    """

    __slots__ = ('_derived',)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._derived = {}

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return copy_json(self)

    def __reduce__(self):
        return freeze_json, (copy_json(self),)


class FrozenList(list):
    """A list that refuses changes: part of a published questionnaire."""

    __slots__ = ()

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        return copy_json(self)

    def __reduce__(self):
        return freeze_json, (copy_json(self),)


def freeze_json(value):
    """A frozen deep copy of JSON-shaped data (:class:`FrozenDict`, :class:`FrozenList`).

    Published questionnaires are cached per process and shared by every request and thread;
    freezing them turns an accidental change (which would leak into other respondents' pages)
    into an immediate ``TypeError``.
    """
    if isinstance(value, dict):
        return FrozenDict({key: freeze_json(item) for key, item in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze_json(item) for item in value)
    if isinstance(value, tuple):
        return tuple(freeze_json(item) for item in value)
    return value


def remembered(spec, key, make):
    """``make()``, computed once per frozen ``spec`` and ``key`` (every time for other specs).

    For values a question type derives from the spec alone (its variables, its settings): a
    frozen spec cannot change, so they cannot go stale. The remembered value is shared: it must
    be immutable, or returned as a copy. Two threads may both compute it; either result is
    the same.
    """
    if not isinstance(spec, FrozenDict):
        return make()
    derived = spec._derived
    try:
        return derived[key]
    except KeyError:
        value = derived[key] = make()
        return value


def is_reserved(name: str) -> bool:
    """Whether ``name`` is an SPSS reserved word or a system variable (case-insensitive)."""
    return name.lower() in RESERVED


def is_code(value) -> bool:
    """Whether ``value`` is a valid option/row code: an int (not a bool) in 1..MAX_CODE."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_CODE


def localized(mapping, language: str, *, fallback: bool = True) -> str:
    """The text for ``language`` from a ``{lang: text}`` mapping.

    With ``fallback`` (for respondents), a missing translation falls back to the first non-empty
    text of the mapping (the questionnaire's main language comes first in stored specs).
    """
    if not isinstance(mapping, dict):
        return ''
    value = mapping.get(language)
    if isinstance(value, str) and value.strip():
        return value
    if fallback:
        for value in mapping.values():
            if isinstance(value, str) and value.strip():
                return value
    return ''


def item_settings(item) -> dict:
    """An option's or row's settings dict (empty when missing or malformed)."""
    settings = item.get('settings') if isinstance(item, dict) else None
    return settings if isinstance(settings, dict) else {}


def item_flag(item, name: str) -> bool:
    """A boolean flag of an option or row (``exclusive``, ``other``, ``anchored``)."""
    return bool(item_settings(item).get(name))


def is_anchored(item) -> bool:
    """Whether randomisation leaves the item where it is.

    ``anchored`` decides when given; otherwise "other" and exclusive options ("None of these")
    are anchored, because researchers expect them at the end of the list.
    """
    settings = item_settings(item)
    if 'anchored' in settings:
        return bool(settings['anchored'])
    return bool(settings.get('other') or settings.get('exclusive'))


def item_list(spec, key: str) -> list:
    """``spec[key]`` (``'options'`` or ``'rows'``) as a list of dicts, ignoring junk entries."""
    items = spec.get(key) if isinstance(spec, dict) else None
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict)]


def join_label(question: str, item: str) -> str:
    """A sub-variable label: 'question: item' (either part may be empty)."""
    if question and item:
        return f'{question}: {item}'
    return question or item
