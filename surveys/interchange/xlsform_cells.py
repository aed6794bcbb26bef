"""Cells and sheets of an XLSForm export: which settings standard columns carry, and writing
rows safely (texts never become formulas; cells keep within Excel's limits)."""

from __future__ import annotations

import json

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .languages import header

_TEXT_SETTINGS = ('hint', 'constraint_message')
#: The most characters a spreadsheet cell holds (Excel's limit; longer texts get cut).
CELL_MAX = 32_767


def compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'), sort_keys=True)


def is_text(value, languages) -> bool:
    """Whether per-language cells give ``value`` back exactly."""
    return (isinstance(value, dict) and bool(value)
            and all(lang in languages and isinstance(text, str) and text.strip()
                    for lang, text in value.items()))


def names_fit(pairs, codes) -> bool:
    """Whether ``[[code, name], ...]`` comes back from a name column beside ``codes``: every
    code in the list once, in the list's order, each name a non-blank text."""
    if not isinstance(pairs, list) or not pairs or not all(
            isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str)
            and pair[1].strip() == pair[1] != '' for pair in pairs):
        return False
    given = [str(code) for code, _name in pairs]
    return given == [code for code in codes if code in given] and len(set(given)) == len(given)


def split_settings(settings: dict, languages, list_carried=False) -> tuple:
    """``(cells, rest)``: the settings standard columns give back exactly, and the rest (for
    ``anketa_settings``)."""
    cells, rest = {}, {}
    condition = settings.get('required_if')
    conditional = isinstance(condition, str) and condition.strip() == condition != ''
    for key, value in settings.items():
        if key in _TEXT_SETTINGS and is_text(value, languages):
            cells.update({(key, lang): text for lang, text in value.items()})
        elif key in ('relevant', 'constraint') and isinstance(value, str) and value \
                and value.strip() == value:
            cells[key] = value
        elif key == 'required_if' and conditional:
            cells['required'] = value
        elif key == 'required' and isinstance(value, bool) and not conditional:
            cells['required'] = 'yes' if value else 'no'
        elif not (key == 'option_list' and list_carried):
            rest[key] = value
    return cells, rest


def write_sheet(workbook, title, columns, rows):
    """A sheet with a bold, frozen header row and ``rows`` (dicts keyed by column)."""
    sheet = workbook.create_sheet(title)
    sheet.append([header(*column) if isinstance(column, tuple) else column
                  for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = 'A2'
    for row in rows:
        values = [row.get(column, '') for column in columns]
        too_long = next((value for value in values if len(value or '') > CELL_MAX), None)
        if too_long is not None:
            raise ValueError(f'a text of {len(too_long)} characters does not fit a spreadsheet '
                             f'cell (at most {CELL_MAX}): {too_long[:40]!r}...')
        sheet.append([ILLEGAL_CHARACTERS_RE.sub('\ufffd', value) if value else None
                      for value in values])
    for cell in (cell for line in sheet.iter_rows(min_row=2) for cell in line):
        if isinstance(cell.value, str) and cell.value.startswith('='):
            cell.data_type = 's'  # a text, never a formula
    for index, column in enumerate(columns, start=1):
        width = 40 if isinstance(column, tuple) else max(12, len(str(column)) + 2)
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width


def survey_columns(rows, order, languages, text_columns) -> list:
    """The survey sheet's columns: the usual ones always, the rare ones when used."""
    optional = {'required_message', 'calculation'}
    used = {key[0] if isinstance(key, tuple) else key for row in rows for key in row}
    columns = []
    for key in order:
        if key in optional and key not in used:
            continue
        columns += [(key, lang) for lang in languages] if key in text_columns else [key]
    return columns
