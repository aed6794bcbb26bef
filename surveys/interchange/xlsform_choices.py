"""The ``choices`` sheet: choice lists, their codes, and the options a question gets.

Choice names that are all whole numbers (1 to 999 999 999, written without leading zeros) are
the codes. Otherwise the list's choices are coded 1..n in sheet order, and the names are kept
in ``settings.xlsform.choice_names`` of the definition (an Anketa export writes them back in
the ``anketa_choice_name`` column).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from surveys.questions.spec import MAX_CODE

from .xlsform_expr import ChoiceNames
from .xlsform_read import MEDIA_COLUMNS, Row, Sheet

_NUMBER = re.compile(r'[1-9][0-9]{0,8}')

#: Label of the option ``or_other`` adds, per language (English for the others).
OTHER_LABELS = {'en': 'Other', 'ru': 'Другое'}


@dataclass
class Choice:
    row: Row
    name: str
    code: int
    label: dict
    settings: dict
    original: str = ''  # the XLSForm name an Anketa export kept (anketa_choice_name)


@dataclass
class ChoiceList:
    name: str
    choices: list = field(default_factory=list)
    text_coded: bool = False

    def options(self) -> list:
        return [{'code': choice.code, 'label': dict(choice.label),
                 'settings': dict(choice.settings)} for choice in self.choices]


def texts(row: Row, column: str, languages: list, default: str) -> dict:
    """``{lang: text}`` from ``column::Language (code)`` cells, and the plain column for the
    default language (where its own column is empty), in ``languages`` order."""
    found = row.texts(column)
    plain = row.cells.get((column, None), '')
    if plain and not found.get(default):
        found[default] = plain
    return {lang: found[lang] for lang in languages if found.get(lang)}


def json_object(sheet: Sheet, row: Row, column: str, problems: list) -> dict:
    """An ``anketa_...`` cell holding a JSON object ({} when empty)."""
    text = row.get(column)
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        problems.append(sheet.problem(row.number, _('The cell must hold a JSON object, e.g. '
                                                    '{"randomize": "rotate"}.'), column))
        return {}
    return value


def media_problems(sheet: Sheet, row: Row) -> list:
    return [sheet.problem(row.number, _('Images, audio and video in labels are not supported.'),
                          name, language)
            for (name, language) in row.cells if name in MEDIA_COLUMNS]


def read_choices(sheet: Sheet | None, languages: list, default: str, problems: list) -> dict:
    """``{list name: ChoiceList}`` from the choices sheet (None: the form has none)."""
    if sheet is None:
        return {}
    lists = {}
    for row in sheet.rows:
        problems.extend(media_problems(sheet, row))
        list_name, name = row.get('list_name'), row.get('name')
        if not list_name:
            problems.append(sheet.problem(row.number, _('This choice has no list_name.'),
                                          'list_name'))
            continue
        if not name:
            problems.append(sheet.problem(row.number, _('This choice has no name.'), 'name'))
            continue
        choices = lists.setdefault(list_name, ChoiceList(list_name))
        if any(choice.name == name for choice in choices.choices):
            problems.append(sheet.problem(row.number, _(
                'The choice name "%(name)s" appears twice in the list %(list)s.',
                name=name[:40], list=list_name[:40]), 'name'))
            continue
        choices.choices.append(Choice(row, name, 0, texts(row, 'label', languages, default),
                                      json_object(sheet, row, 'anketa_settings', problems),
                                      row.get('anketa_choice_name')))
    for choices in lists.values():
        numeric = all(_NUMBER.fullmatch(choice.name) for choice in choices.choices)
        choices.text_coded = not numeric
        for position, choice in enumerate(choices.choices, start=1):
            choice.code = int(choice.name) if numeric else position
    return lists


def other_option(choices: ChoiceList, languages: list) -> dict:
    """The option ``or_other`` adds: the next free code, flagged ``other``."""
    code = min(max((choice.code for choice in choices.choices), default=0) + 1, MAX_CODE)
    return {'code': code, 'label': {lang: OTHER_LABELS.get(lang, OTHER_LABELS['en'])
                                    for lang in languages}, 'settings': {'other': True}}


def choice_names(choices: ChoiceList, other: dict | None) -> ChoiceNames:
    """Name -> code for rewriting expressions (``other`` for ``or_other``), and the
    ``[[code, name], ...]`` to keep: the names that are not their code."""
    codes = {choice.name: choice.code for choice in choices.choices}
    recorded = []
    for choice in choices.choices:
        original = choice.original or (choice.name if choice.name != str(choice.code) else '')
        if original:
            codes.setdefault(original, choice.code)
            recorded.append([choice.code, original])
    if other is not None:
        codes.setdefault('other', other['code'])
        recorded.append([other['code'], 'other'])
    return ChoiceNames(choices.name, codes, choices.text_coded, recorded)
