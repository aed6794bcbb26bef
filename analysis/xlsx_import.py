"""Read Excel workbooks (the .xlsx part of :mod:`analysis.imports`).

The first sheet not named ``Variables`` holds the data: its first non-empty row the column
names, the rows below one respondent each (entirely empty rows are skipped). Cell types decide
the variable kinds. A ``Variables`` sheet in the layout our exporter writes (``name``,
``label``, ``value labels`` as ``1 = Yes; 2 = No``, optionally ``measure``, ``missing values``
as ``98, 99`` and ``weight`` = ``yes``; headers matched without regard to case, spaces or
``_``) supplies the metadata of the columns it names.
"""

from __future__ import annotations

import io
import re
import warnings as python_warnings
import zipfile

from .i18n import _
from .imports import (MAX_COLUMNS, MAX_ROWS, NUMBER, VARIABLES_SHEET, DataImportError,
                      EmptyFileError, ImportLimitError, ImportResult, UnreadableFileError,
                      build_result, cell_text, check_limits, read_bytes)

#: What a workbook may unpack to (its XML is read into memory).
MAX_UNPACKED_BYTES = 1_000_000_000


def read_xlsx(source, *, sheet: str | int | None = None, max_rows: int = MAX_ROWS,
              max_columns: int = MAX_COLUMNS) -> ImportResult:
    """Read an Excel workbook: the header row holds the names, the rows below the answers.

    ``sheet`` is a sheet name or 0-based position; by default the first sheet not named
    ``Variables``. Column types come from the cells (numbers and booleans numeric, dates
    ISO text of kind ``date``, anything mixed with text is text). A sheet named ``Variables``
    with columns ``name``, ``label``, ``value labels`` (``1 = Yes; 2 = No``) and optionally
    ``measure`` and ``missing values`` (``98; 99``) supplies the metadata, as our exporter
    writes it.
    """
    import openpyxl  # imported here: only this reader needs it

    raw = read_bytes(source)
    if not raw:
        raise EmptyFileError(_('The file is empty.'))
    _check_unpacked_size(raw)
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter('ignore')  # openpyxl's notes on styles and extensions
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                names = book.sheetnames
                data_name = _pick_sheet(names, sheet)
                table = _sheet_rows(book[data_name], max_rows + 1, max_columns + 1)
                meta_rows = (_sheet_rows(book[VARIABLES_SHEET], max_columns + 1, 20,
                                         refuse_wider=False)
                             if VARIABLES_SHEET in names and data_name != VARIABLES_SHEET
                             else [])
            finally:
                book.close()
    except DataImportError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError,
            zipfile.LargeZipFile) as error:
        raise UnreadableFileError(_('The file is not a readable Excel (.xlsx) workbook '
                                    '(%(error)s).', error=str(error) or type(error).__name__)
                                  ) from None
    header = [_cell_name(cell) for cell in table[0]] if table else []
    while header and header[-1] == '' and all(len(r) < len(header) or r[len(header) - 1] is None
                                              for r in table[1:]):
        header.pop()
    columns = [[row[i] if i < len(row) else None for row in table[1:]]
               for i in range(len(header))]
    warnings = []
    metadata = _variables_sheet(meta_rows, warnings)
    return build_result(header, columns, metadata, warnings, max_rows, max_columns)


def _pick_sheet(names: list, sheet) -> str:
    if sheet is None:
        data = [name for name in names if name != VARIABLES_SHEET]
        if not data:
            raise EmptyFileError(_('The workbook has no data sheet.'))
        return data[0]
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return names[sheet]
    if sheet in names:
        return sheet
    raise DataImportError(_('The workbook has no sheet %(sheet)s; it has %(names)s.',
                            sheet=sheet, names=', '.join(names)))


def _check_unpacked_size(raw: bytes) -> None:
    """Refuse a workbook that would unpack to more than :data:`MAX_UNPACKED_BYTES`.

    An .xlsx file is a zip archive: a few megabytes can unpack to gigabytes of XML (a "zip
    bomb"), which openpyxl would read into memory. The sizes are in the archive's directory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return  # not a zip archive: openpyxl says so in its own words below
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportLimitError(_('The workbook unpacks to %(size)s MB, more than the %(limit)s MB '
                                 'an import may take; save the data as CSV instead.',
                                 size=unpacked // 1_000_000, limit=MAX_UNPACKED_BYTES // 1_000_000))


def _sheet_rows(worksheet, limit: int, max_col: int, *, refuse_wider: bool = True) -> list:
    """The non-empty rows of ``worksheet``, at most ``limit`` + 1 rows of ``max_col`` cells.

    The sheet's declared dimension is ignored: read-only openpyxl pads every row to it (and to
    ``max_col`` if given), and a forged ``A1:XFD1048576`` would make each row 16,384 cells
    long. Without it each row is as long as its own last cell, and is cut at ``max_col``.
    """
    worksheet.reset_dimensions()
    rows = []
    for row in worksheet.iter_rows(values_only=True):
        if refuse_wider and len(row) > max_col and any(cell not in (None, '') for cell in row[max_col:]):
            width = max(i for i, cell in enumerate(row) if cell not in (None, '')) + 1
            check_limits(0, width, limit, max_col - 1)
        row = row[:max_col]
        if any(cell is not None and cell != '' for cell in row):
            rows.append([None if cell == '' else cell for cell in row])
            if len(rows) > limit:
                break
    return rows


def _cell_name(cell) -> str:
    return '' if cell is None else cell_text(cell).strip()


def _variables_sheet(rows: list, warnings: list) -> dict:
    if not rows:
        return {}
    keys = [re.sub(r'[\s_]+', ' ', _cell_name(cell).lower()) for cell in rows[0]]
    if 'name' not in keys:
        warnings.append(_('The Variables sheet has no "name" column; it was ignored.'))
        return {}
    metadata = {}
    for row in rows[1:]:
        entry = {key: row[i] for i, key in enumerate(keys) if i < len(row) and row[i] is not None}
        name = _cell_name(entry.get('name'))
        if not name:
            continue
        measure = _cell_name(entry.get('measure')).lower()
        metadata[name] = {
            'label': _cell_name(entry.get('label')),
            'value_labels': _value_labels(entry.get('value labels'), name),
            'measure': measure if measure in ('nominal', 'ordinal', 'scale') else None,
            'missing_values': tuple(_code(part) for part in
                                    re.split(r'[;,\n]', _cell_name(entry.get('missing values')))
                                    if part.strip()),
            'weight': _cell_name(entry.get('weight')).lower() in ('yes', '1', 'true', 'x')}
    return metadata


def _value_labels(text, name: str) -> dict:
    labels = {}
    for part in re.split(r'[;\n]', _cell_name(text)):
        if not part.strip():
            continue
        code, equals, label = part.partition('=')
        if not equals:
            raise DataImportError(_('The value labels of %(name)s in the Variables sheet must '
                                    'read "1 = Yes; 2 = No"; found %(found)s.', name=name,
                                    found=part.strip()))
        labels[_code(code)] = label.strip()
    return labels


def _code(text: str):
    text = text.strip()
    if not NUMBER.fullmatch(text):
        raise DataImportError(_('%(code)s is not a numeric code.', code=text))
    number = float(text)
    return int(number) if number.is_integer() else number
