"""Reading an uploaded .xlsx safely, and its sheets as rows of cells keyed by column.

The upload is checked with :mod:`zipfile` before openpyxl sees it (size, zip bombs), then read
with ``read_only=True, data_only=True``: formulas are never evaluated (a formula cell gives
its cached value, or nothing).
"""

from __future__ import annotations

import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .errors import ImportFailed, Problem, fail
from .languages import header_language

#: Largest accepted upload (bytes).
MAX_UPLOAD = 10 * 1024 * 1024
#: Largest total of the uncompressed parts of an .xlsx, and the largest compression ratio.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 1000
#: Rows and columns read from a sheet.
MAX_ROWS = 20_000
MAX_COLUMNS = 500
EXCEL_ROWS = 1_048_576

#: Columns that have a text per language (``label::English (en)``).
MEDIA_COLUMNS = frozenset({'media', 'image', 'audio', 'video', 'big-image'})
LANGUAGE_COLUMNS = frozenset({'label', 'hint', 'guidance_hint', 'constraint_message',
                              'required_message'}) | MEDIA_COLUMNS
_ALIASES = {'list name': 'list_name', 'listname': 'list_name',
            'constraint message': 'constraint_message', 'jr:constraintmsg': 'constraint_message',
            'required message': 'required_message', 'jr:requiredmsg': 'required_message',
            'choice filter': 'choice_filter', 'guidance hint': 'guidance_hint'}
_OLE_MAGIC = b'\xd0\xcf\x11\xe0'


@dataclass
class Row:
    """One spreadsheet row: ``cells`` maps ``(column, language or None)`` to stripped text."""

    number: int
    cells: dict

    def get(self, column: str, language=None) -> str:
        """The cell's text without surrounding spaces ('' when empty)."""
        return self.cells.get((column, language), '').strip()

    def texts(self, column: str) -> dict:
        """``{language: text}`` of the non-blank per-language cells of ``column``, as written
        (texts keep their spaces and line breaks)."""
        return {lang: text for (name, lang), text in self.cells.items()
                if name == column and lang is not None and text}


@dataclass
class Sheet:
    """A sheet's rows (after the header) and where each column is."""

    name: str
    letters: dict = field(default_factory=dict)  # (column, language) -> letter
    rows: list = field(default_factory=list)
    languages: list = field(default_factory=list)  # in the order of their first column

    def cell(self, row: int, column=None, language=None) -> Problem:
        """A problem location for ``row`` (and ``column``; the row's first cell if unknown)."""
        letter = self.letters.get((column, language)) or self.letters.get((column, None)) \
            or next((letter for (name, _lang), letter in self.letters.items()
                     if name == column), None)
        return self.where(row, letter or self.letters.get(('type', None)) or 'A')

    def where(self, row: int, letter: str) -> tuple:
        return (f'{self.name}!{letter}{row}', self.name, row, letter)

    def problem(self, row: int, message: str, column=None, language=None) -> Problem:
        location, sheet, number, letter = self.cell(row, column, language)
        return Problem(location, message, sheet, number, letter)

    def has(self, column: str) -> bool:
        return any(name == column for name, _lang in self.letters)


def check_xlsx_bytes(data) -> None:
    """Refuse uploads that are too big, not a zip, or a zip bomb, before any parsing."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError('the upload must be bytes')
    if len(data) > MAX_UPLOAD:
        fail('', _('The file is too big (%(size)s MB); the limit is %(limit)s MB.',
                   size=round(len(data) / 1024 / 1024, 1), limit=MAX_UPLOAD // 1024 // 1024))
    if data[:4] == _OLE_MAGIC:
        fail('', _('This is not an .xlsx file: it looks like an old Excel .xls file or an '
                   'encrypted workbook. Save it as an unprotected .xlsx file and upload that.'))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        fail('', _('This is not an .xlsx file (or the file is damaged).'))
    if len(members) > MAX_MEMBERS:
        fail('', _('This is not a questionnaire .xlsx file: it has too many parts.'))
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if total > MAX_UNCOMPRESSED or any(
            member.file_size > MAX_RATIO * max(member.compress_size, 1) for member in members) \
            or total > MAX_RATIO * max(packed, 1):
        fail('', _('The .xlsx file unpacks to too much data (more than %(limit)s MB, or '
                   'compressed more than %(ratio)s times); it is refused as unsafe.',
                   limit=MAX_UNCOMPRESSED // 1024 // 1024, ratio=MAX_RATIO))


def read_workbook(data) -> dict:
    """``{lower-cased sheet name: (name, [(row number, values), ...])}`` of a checked upload.

    Only rows with a value are kept (and counted against :data:`MAX_ROWS`).
    """
    check_xlsx_bytes(data)
    sheets = {}
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, styles): irrelevant here.
            warnings.simplefilter('ignore')
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for worksheet in workbook.worksheets:
                    key = worksheet.title.strip().lower()
                    if key not in sheets and hasattr(worksheet, 'iter_rows'):
                        sheets[key] = (worksheet.title, _rows(worksheet))
            finally:
                workbook.close()
    except ImportFailed:
        raise
    except Exception:  # noqa: BLE001 - any parser failure on untrusted input means "not readable"
        fail('', _('This is not a valid .xlsx file (or the file is damaged).'))
    return sheets


def _rows(worksheet) -> list:
    rows = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS,
                                                        max_row=EXCEL_ROWS), start=1):
        if any(value is not None and str(value).strip() for value in values):
            rows.append((number, values))
            if len(rows) > MAX_ROWS + 1:
                fail(worksheet.title, _('The sheet "%(sheet)s" has more than %(limit)s rows.',
                                        sheet=worksheet.title, limit=MAX_ROWS))
    return rows


def cell_text(value) -> str:
    """A cell value as text (whole floats without ``.0``; booleans as true/false)."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def column_key(header: str):
    """``'label::English (en)'`` -> ``('label', 'English (en)')``; plain -> ``(name, None)``.

    Anketa's own columns are ``anketa_type``, ``anketa_settings`` and
    ``anketa_definition_settings``; ``anketa::type`` is read as ``anketa_type``.
    """
    text = re.sub(r'\s+', ' ', header.strip())
    lowered = text.lower()
    if lowered.startswith(('anketa::', 'anketa_')):
        return 'anketa_' + lowered.split('::', 1)[-1].removeprefix('anketa_'), None
    base, separator, rest = text.partition('::')
    if not separator:
        base, separator, rest = text.partition(':')
        if separator and base.strip().lower() not in LANGUAGE_COLUMNS:
            base, rest = text, ''  # e.g. jr:constraintMsg
    base = base.strip().lower()
    base = _ALIASES.get(base, base.replace(' ', '_'))
    if base == 'media' and '::' in rest:  # media::image::English (en)
        rest = rest.partition('::')[2]
    return base, (rest.strip() or None)


def parse_sheet(name: str, rows: list, problems: list) -> Sheet:
    """Headers (the first row with values) and the rows below; header problems go to
    ``problems``."""
    sheet = Sheet(name)
    if not rows:
        return sheet
    columns, top = [], rows[0][0]
    for index, raw in enumerate(rows[0][1]):
        header = cell_text(raw).strip()
        letter = get_column_letter(index + 1)
        if not header:
            columns.append(None)
            continue
        base, language = column_key(header)
        if language is not None:
            if base not in LANGUAGE_COLUMNS:
                columns.append(None)  # bind::, body::, instance:: ... are not read
                continue
            code = header_language(language)
            if code is None:
                problems.append(Problem(f'{name}!{letter}{top}', _(
                    'The column "%(header)s" names a language Anketa does not know; write it '
                    'as "%(base)s::Language (code)", e.g. "%(base)s::English (en)".',
                    header=header[:60], base=base), name, top, letter))
                columns.append(None)
                continue
            language = code
            if code not in sheet.languages and base == 'label':
                sheet.languages.append(code)
        key = (base, language)
        if key in sheet.letters:
            problems.append(Problem(f'{name}!{letter}{top}', _(
                'The column "%(header)s" repeats column %(other)s.', header=header[:60],
                other=sheet.letters[key]), name, top, letter))
            columns.append(None)
            continue
        sheet.letters[key] = letter
        columns.append(key)
    for number, values in rows[1:]:
        cells = {}
        for key, value in zip(columns, values):
            text = cell_text(value) if key is not None else ''
            if text.strip():
                cells[key] = text
        if cells:
            sheet.rows.append(Row(number, cells))
    for (base, language) in sheet.letters:
        if language is not None and language not in sheet.languages \
                and base not in MEDIA_COLUMNS:
            sheet.languages.append(language)
    return sheet
