"""Import respondent-level files (.sav, CSV, XLSX) as a :class:`~analysis.dataset.Dataset`.

For desk research and secondary data: the imported dataset goes through the same tables,
weights and tests as survey data. Every reader takes a path, ``bytes`` or a binary file object
and returns an :class:`ImportResult` (the dataset and translated warnings); unusable input
raises a :class:`DataImportError` subclass whose message says what is wrong. The detection
rules and limits are described in ``docs/imports.md``.

::

    result = read_csv(upload_bytes)
    result.dataset, result.warnings, result.renamed

Respondents are numbered 1..n in file order (the dataset's index). Column names that are not
valid variable names (an ASCII letter, then letters, digits or ``_``, at most 64 characters)
are renamed — Cyrillic transliterated, other characters replaced by ``_`` — with a warning,
and the original name becomes the label when the file has none. Names equal apart from case
are refused (:class:`VariableNameError`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .dataset import Dataset, Variable, check_weights
from .errors import AnalysisError
from .i18n import _

MAX_ROWS = 1_000_000
MAX_COLUMNS = 5_000
#: A numeric column of whole numbers with at most this many distinct values is nominal.
MAX_CATEGORIES = 12
VARIABLE_NAME = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,63}')
DELIMITERS = (',', ';', '\t')
VARIABLES_SHEET = 'Variables'

_CYRILLIC = dict(zip('абвгдеёжзийклмнопрстуфхцчшщъыьэюя',
                     ['a', 'b', 'v', 'g', 'd', 'e', 'e', 'zh', 'z', 'i', 'y', 'k', 'l', 'm', 'n',
                      'o', 'p', 'r', 's', 't', 'u', 'f', 'kh', 'ts', 'ch', 'sh', 'shch', '', 'y',
                      '', 'e', 'yu', 'ya']))
NUMBER = re.compile(r'[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?')
_DECIMAL_COMMA = re.compile(r'[+-]?\d+,\d+')


class DataImportError(AnalysisError):
    """A file that cannot be imported; the message says why."""


class UnreadableFileError(DataImportError):
    """Not a file of the expected format: corrupt, truncated or in an unknown encoding."""


class EmptyFileError(DataImportError):
    """A file without a header row, columns or bytes."""


class VariableNameError(DataImportError):
    """Column names that clash (equal apart from case)."""


class ImportLimitError(DataImportError):
    """More rows or columns than the import allows."""


@dataclass(frozen=True)
class ImportResult:
    """What a reader returns.

    Attributes
    ----------
    dataset : Dataset
        Respondents indexed 1..n, one variable per column, in file order.
    warnings : tuple of str
        Translated notes for the researcher (encoding guessed, columns renamed, metadata that
        could not be carried over).
    renamed : mapping
        Original column name → variable name, for the columns that were renamed.
    """

    dataset: Dataset
    warnings: tuple = ()
    renamed: Mapping = field(default_factory=dict)


def read_sav(source, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
             ) -> ImportResult:
    """Read an SPSS .sav/.zsav file with its dictionary (see :mod:`analysis.sav_import`)."""
    from .sav_import import read_sav as read  # sav_import builds on this module's helpers
    return read(source, max_rows=max_rows, max_columns=max_columns)


def read_csv(source, *, delimiter: str | None = None, encoding: str | None = None,
             max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> ImportResult:
    """Read a CSV file whose first row holds the column names.

    The encoding, when not given, is UTF-8 (with or without BOM), else Windows-1251, else
    Latin-1 (a warning names the guess). The delimiter, when not given, is the one of ``,``
    ``;`` tab that splits the first rows into the same number (> 1) of fields. Empty cells are
    missing; columns whose every value is a number are numeric (with ``;`` or tab as delimiter
    ``1,5`` is a decimal comma), the others text; see :func:`infer_variable` for measures.
    """
    raw = read_bytes(source)
    if not raw.strip():
        raise EmptyFileError(_('The file is empty.'))
    warnings = []
    text = _decode(raw, encoding, warnings)
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
    elif delimiter not in DELIMITERS:
        raise DataImportError(_('Unsupported delimiter %(delimiter)r; use one of , ; or tab.',
                                delimiter=delimiter))
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=''), delimiter=delimiter):
            if row:  # blank lines are skipped; a row of empty fields is a respondent
                rows.append(row)
            if len(rows) > max_rows + 1:
                break
    except csv.Error as error:
        raise UnreadableFileError(_('The CSV file cannot be parsed: %(error)s.',
                                    error=str(error))) from None
    header = rows[0] if rows else []
    widths = {len(row) for row in rows[1:] if len(row) != len(header)}
    if widths:
        raise UnreadableFileError(_('Rows have %(widths)s fields but the header has %(count)d; '
                                    'check the delimiter and quotes.', count=len(header),
                                    widths=', '.join(map(str, sorted(widths)[:5]))))
    decimal_comma = delimiter != ','
    columns = [[_parse_text(row[i], decimal_comma) for row in rows[1:]]
               for i in range(len(header))]
    return build_result(header, columns, {}, warnings, max_rows, max_columns)


def read_xlsx(source, *, sheet: str | int | None = None, max_rows: int = MAX_ROWS,
              max_columns: int = MAX_COLUMNS) -> ImportResult:
    """Read an Excel workbook and its Variables sheet (see :mod:`analysis.xlsx_import`)."""
    from .xlsx_import import read_xlsx as read  # xlsx_import builds on this module's helpers
    return read(source, sheet=sheet, max_rows=max_rows, max_columns=max_columns)


def read_bytes(source) -> bytes:
    """The bytes of a path, ``bytes``-like object or binary file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, 'read'):
        return source.read()
    try:
        with open(os.fspath(source), 'rb') as handle:
            return handle.read()
    except OSError as error:
        raise UnreadableFileError(_('The file cannot be read: %(error)s.',
                                    error=error.strerror or str(error))) from None


def check_limits(rows: int, columns: int, max_rows: int, max_columns: int) -> None:
    """Raise :class:`ImportLimitError` past ``max_rows`` respondents or ``max_columns``."""
    if rows > max_rows:
        raise ImportLimitError(_('The file has more than %(max)d rows; the limit is %(max)d.',
                                 max=max_rows))
    if columns > max_columns:
        raise ImportLimitError(_('The file has %(count)d columns; the limit is %(max)d.',
                                 count=columns, max=max_columns))


def variable_names(names, warnings: list) -> tuple:
    """``(valid names, {original: new})`` for column names; see the module docstring."""
    names = [str(name).strip() for name in names]
    seen: dict = {}
    for name in names:
        if name:
            seen.setdefault(name.lower(), []).append(name)
    clashes = [' / '.join(group) for group in seen.values() if len(group) > 1]
    if clashes:
        raise VariableNameError(_('Column names must differ in more than case: %(names)s.',
                                  names='; '.join(clashes[:10])))
    used = {name.lower() for name in names if VARIABLE_NAME.fullmatch(name)}
    result, renamed = [], {}
    for position, name in enumerate(names, start=1):
        if VARIABLE_NAME.fullmatch(name):
            result.append(name)
            continue
        base = _clean_name(name) or f'V{position}'
        new, suffix = base, 1
        while new.lower() in used:
            suffix += 1
            new = f'{base[:60]}_{suffix}'
        used.add(new.lower())
        result.append(new)
        renamed[name or f'#{position}'] = new
    if renamed:
        warnings.append(_('Renamed %(count)d columns whose names are not valid variable names '
                          '(a letter, then letters, digits or _, at most 64 characters): '
                          '%(names)s.', count=len(renamed), names=', '.join(
                              f'{old} → {new}' for old, new in list(renamed.items())[:10])))
    return result, renamed


def infer_variable(name: str, label: str, values: list) -> tuple:
    """``(column, Variable)`` for Python values of a CSV or XLSX column.

    All-numeric (or empty) columns are numeric: nominal with each code as its value label
    when they hold whole numbers with at most :data:`MAX_CATEGORIES` distinct values (so that
    tables count them), else scale. All-date columns are ``date`` with ISO text; anything
    else is nominal text.
    """
    present = [v for v in values if v is not None]
    if all(isinstance(v, (int, float, np.number)) for v in present):
        column = pd.Series([np.nan if v is None else float(v) for v in values], dtype=float)
        codes = np.unique(column.dropna().to_numpy())
        if (0 < len(codes) <= MAX_CATEGORIES and np.all(np.mod(codes, 1) == 0)):
            labels = {int(code): str(int(code)) for code in codes}
            return column, Variable(name, label, 'numeric', 'nominal', labels)
        return column, Variable(name, label, 'numeric', 'scale')
    if all(isinstance(v, (dt.date, dt.time)) for v in present):
        return (pd.Series([iso_text(v) for v in values], dtype=object),
                Variable(name, label, 'date', 'nominal'))
    return (pd.Series([None if v is None else cell_text(v) for v in values], dtype=object),
            Variable(name, label, 'string', 'nominal'))


def iso_text(value):
    """ISO 8601 text of a date, time or datetime (a datetime at midnight as a date)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat()


def build_result(header, columns, metadata, warnings, max_rows, max_columns) -> ImportResult:
    """The :class:`ImportResult` of a header, its columns and ``{name: metadata}``."""
    if not header or not any(str(name).strip() for name in header):
        raise EmptyFileError(_('The file has no header row with column names.'))
    check_limits(len(columns[0]) if columns else 0, len(header), max_rows, max_columns)
    names, renamed = variable_names(header, warnings)
    frame, variables, weights = {}, [], []
    for original, name, values in zip(header, names, columns):
        original = str(original).strip()
        extra = metadata.pop(original, None) or metadata.pop(name, None) or {}
        label = extra.get('label') or original or name
        column, variable = infer_variable(name, label, values)
        if extra and variable.kind == 'numeric':
            measure = extra.get('measure') or ('nominal' if extra.get('value_labels')
                                               else variable.measure)
            labels = extra.get('value_labels') or (variable.value_labels
                                                   if measure != 'scale' else {})
            variable = Variable(name, label, 'numeric', measure, labels,
                                missing_values=extra.get('missing_values', ()))
        if extra.get('weight'):
            try:
                check_weights(column.to_numpy(dtype=float), name)
                variable = Variable(name, label, measure='scale', role='weight')
                weights.append(name)
            except (AnalysisError, TypeError, ValueError) as error:
                warnings.append(_('%(name)s is marked as the weight but cannot be used as one: '
                                  '%(error)s', name=name, error=str(error)))
        frame[name] = column
        variables.append(variable)
    if metadata:
        warnings.append(_('The Variables sheet describes columns the data do not have: '
                          '%(names)s.', names=', '.join(list(metadata)[:10])))
    data = pd.DataFrame(frame)
    data.index = pd.RangeIndex(1, len(data) + 1, name='respondent')
    return ImportResult(Dataset(data, variables, weights=weights), tuple(warnings), renamed)


def _clean_name(name: str) -> str:
    name = ''.join(_CYRILLIC[c.lower()].capitalize() if c.lower() in _CYRILLIC and c.isupper()
                   else _CYRILLIC.get(c, c) for c in name)
    name = re.sub(r'[^A-Za-z0-9_]+', '_', name).strip('_')
    if name and not name[0].isalpha():
        name = 'V' + name
    return name[:64]


def _decode(raw: bytes, encoding: str | None, warnings: list) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise UnreadableFileError(_('The file cannot be read as %(encoding)s (%(error)s).',
                                        encoding=encoding, error=str(error))) from None
    try:
        return raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode('cp1251')
    except UnicodeDecodeError:
        text = None
    # Western text read as cp1251 mixes Latin and Cyrillic letters inside words.
    if text is not None and not _mixed_scripts(text):
        warnings.append(_('The file is not UTF-8; it was read as Windows-1251 (cp1251).'))
        return text
    warnings.append(_('The file is not UTF-8; it was read as Latin-1 (ISO-8859-1).'))
    return raw.decode('latin-1')


def _mixed_scripts(text: str) -> bool:
    words = re.findall(r'\w+', text)
    cyrillic = [w for w in words if re.search('[а-яёА-ЯЁ]', w)]
    mixed = [w for w in cyrillic if re.search('[A-Za-z]', w)]
    return len(mixed) > len(cyrillic) / 2


def _sniff_delimiter(text: str) -> str:
    sample = [line for line in text.splitlines() if line.strip()][:20]
    scores = {}
    for delimiter in (';', '\t', ','):
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        # Consistent widths first, then the widest header.
        scores[delimiter] = (len(set(widths)) == 1 and widths[0] > 1, widths[0] if widths else 0)
    return max(scores, key=scores.get, default=',')


def _parse_text(cell: str, decimal_comma: bool):
    cell = cell.strip()
    if not cell:
        return None
    if NUMBER.fullmatch(cell):
        return float(cell)
    if decimal_comma and _DECIMAL_COMMA.fullmatch(cell):
        return float(cell.replace(',', '.'))
    return cell


def cell_text(value) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return iso_text(value)
    return str(value)
