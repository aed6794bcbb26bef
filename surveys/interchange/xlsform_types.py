"""The XLSForm ↔ Anketa type mapping (docs/questionnaire-format.md has the table)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: XLSForm types Anketa skips without a word: metadata and computed values, no question shown.
SKIPPED = frozenset({
    'start', 'end', 'today', 'deviceid', 'subscriberid', 'simserial', 'phonenumber', 'username',
    'email', 'audit', 'calculate', 'hidden', 'xml-external', 'csv-external', 'start-geopoint',
    'background-audio', 'background-geopoint',
})

#: XLSForm types Anketa cannot import (an error names each such row).
UNSUPPORTED = frozenset({
    'geopoint', 'geotrace', 'geoshape', 'image', 'audio', 'video', 'file', 'barcode', 'time',
    'datetime', 'acknowledge', 'trigger', 'osm', 'select_one_from_file',
    'select_multiple_from_file', 'select_one_external', 'begin repeat', 'end repeat',
})

#: Plain question types and their aliases.
SIMPLE = {'integer': 'integer', 'int': 'integer', 'decimal': 'decimal', 'text': 'text',
          'string': 'text', 'date': 'date', 'note': 'note', 'range': 'range',
          'calculate': 'calculate'}

#: Types that take a choice list: ``select_one <list>``.
SELECTS = {'select_one': 'select_one', 'select one': 'select_one',
           'select_multiple': 'select_multiple', 'select multiple': 'select_multiple',
           'select all that apply': 'select_multiple', 'rank': 'rank'}

#: The XLSForm type an Anketa-exported row of each Anketa type has (checked on import).
ANKETA_BASE = {
    'short_text': 'text', 'long_text': 'text', 'own_words': 'text',
    'sentence_completion': 'text', 'story_completion': 'text', 'email': 'text',
    'numeric': ('integer', 'decimal'), 'date': 'date',
    'single_choice': 'select_one', 'dichotomous': 'select_one', 'likert': 'select_one',
    'importance': 'select_one', 'consent': 'select_one', 'multiple_choice': 'select_multiple',
    'rating': 'range', 'nps': 'range', 'ranking': 'rank', 'instruction': 'note',
    'section': 'begin group', 'grid': 'begin group', 'semantic_differential': 'begin group',
    'constant_sum': 'begin group', 'word_association': 'begin group',
    'randomizer': 'calculate', 'other_text': 'text',
}

#: Anketa types exported as a group of one row per item; the rows are named
#: ``<variable>_<prefix><item code>``.
COMPOSITE = {'grid': 'r', 'semantic_differential': '', 'constant_sum': '',
             'word_association': 's'}

#: The row an Anketa export adds after a question with an "other, please specify" option, so
#: that other tools ask for the text too; Anketa's import skips it.
OTHER_TEXT = 'other_text'

#: Appearances that choose an Anketa setting or type (other appearances are display hints
#: that Anketa ignores).
LIKERT, DROPDOWN, MULTILINE, HEADER = 'likert', 'minimal', 'multiline', 'label'


@dataclass(frozen=True)
class XlsType:
    """A parsed ``type`` cell: ``base`` (``select_one``, ``begin group``, ``integer`` ...)."""

    base: str
    list_name: str | None = None
    or_other: bool = False

    @property
    def is_select(self) -> bool:
        return self.base in ('select_one', 'select_multiple', 'rank')


def parse_type(text: str) -> XlsType | None:
    """Parse a ``type`` cell (case-insensitive; list names keep their case). None: unknown."""
    words = text.split()
    lowered = [word.lower() for word in words]
    if not words:
        return None
    joined = ' '.join(lowered).replace('_', ' ')
    for prefix in ('begin', 'end'):
        for what in ('group', 'repeat'):
            if joined == f'{prefix} {what}':
                return XlsType(f'{prefix} {what}')
    if lowered[-1] == 'or_other' or lowered[-2:] == ['or', 'other']:
        cut = 1 if lowered[-1] == 'or_other' else 2
        parsed = parse_type(' '.join(words[:-cut]))
        if parsed is None or not parsed.is_select or parsed.base == 'rank':
            return None
        return XlsType(parsed.base, parsed.list_name, True)
    for alias, base in sorted(SELECTS.items(), key=lambda item: -len(item[0])):
        size = len(alias.split())
        if ' '.join(lowered[:size]) == alias and len(words) == size + 1:
            return XlsType(base, words[size])
    if len(words) == 1:
        word = lowered[0].replace('_', '-') if lowered[0] not in SIMPLE else lowered[0]
        if lowered[0] in SIMPLE:
            return XlsType(SIMPLE[lowered[0]])
        if lowered[0] in SKIPPED or word in SKIPPED:
            return XlsType(lowered[0] if lowered[0] in SKIPPED else word)
        if lowered[0] in UNSUPPORTED:
            return XlsType(lowered[0])
    if lowered[0] in UNSUPPORTED:
        return XlsType(lowered[0])
    return None


def parse_parameters(text: str) -> dict:
    """``'start=0 end=10 step=1'`` (or separated by ``,`` / ``;``) -> ``{'start': '0', ...}``.

    Raises ValueError for a part without ``=``.
    """
    result = {}
    for part in re.split(r'[\s,;]+', text.strip()):
        if not part:
            continue
        key, equals, value = part.partition('=')
        if not equals or not key:
            raise ValueError(part)
        result[key.strip().lower()] = value.strip()
    return result


def appearances(text: str) -> set:
    return set(text.lower().split())


def is_true(text: str) -> bool | None:
    """XLSForm yes/no cells: True, False, or None when the text is something else."""
    value = text.strip().lower()
    if value in ('yes', 'true', 'true()', '1', 'y'):
        return True
    if value in ('no', 'false', 'false()', '0', 'n', ''):
        return False
    return None
