"""Respondent-level exports: XLSX, JSON, and the conventions every format shares.

One row per respondent, the respondent id first (``respondent_id``, from the dataset's
index; ``id_name=None`` leaves it out), then every variable with metadata in display order.
Conventions shared by every format (``docs/exports.md``):

* numeric values are written as codes, or as their value labels with ``labels=True`` (codes
  without a label stay numbers); whole numbers carry no ``.0``;
* missing answers (NaN, ``None``, infinities) are empty cells (``null`` in JSON); user-missing
  codes such as 98 "Don't know" are written like any code (their status is in the metadata);
* ``date`` variables are ISO 8601 text (``2024-05-01``, or ``2024-05-01 13:45:00``);
* every text cell of a CSV or XLSX file goes through :func:`neutralise_formula`.

The CSV writer is :mod:`analysis.export_csv`, the SPSS one :mod:`analysis.export_sav`.

``weight`` names a weight variable of the dataset: it is checked with
:meth:`Dataset.weight <analysis.dataset.Dataset.weight>` and marked in the metadata. Flat
files have no notion of a case weight, so its column is written like any other.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd

from .dataset import Dataset, Variable
from .errors import SpecificationError
from .imports import VARIABLES_SHEET
from .i18n import _

#: First characters that make a spreadsheet read a cell as a formula (OWASP, below).
FORMULA_PREFIXES = ('=', '+', '-', '@', '\t', '\r')
ID_NAME = 'respondent_id'
#: Rows and columns of one Excel worksheet (the header takes one row).
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384


def neutralise_formula(value):
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
    ``'`` so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it
    (``=HYPERLINK(...)``, ``@SUM(A1)``, ``-2+3``). Numbers (including negative ones), ``None``
    and other text are returned unchanged.

    References
    ----------
    OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
    (the list of leading characters and the single-quote prefix).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class _Column:
    name: str
    variable: Variable
    #: True for the respondent id taken from the index.
    is_id: bool = False


def export_columns(dataset: Dataset, weight: str | None = None,
                   id_name: str | None = ID_NAME) -> list:
    """The columns to export, in order: the id (unless ``id_name`` is None), then variables."""
    if weight is not None:
        dataset.weight(weight)  # raises UnknownVariableError / WeightError
    columns = []
    if id_name is not None:
        if id_name in dataset.variables:
            raise SpecificationError(_('The respondent id column %(name)s has the name of a '
                                       'variable; choose another name.', name=id_name))
        numeric = pd.api.types.is_numeric_dtype(dataset.data.index.dtype)
        columns.append(_Column(id_name, Variable(
            id_name, _('Respondent id'), kind='numeric' if numeric else 'string',
            measure='nominal', role='key'), is_id=True))
    columns += [_Column(name, variable) for name, variable in dataset.variables.items()]
    return columns


def column_values(dataset: Dataset, column: _Column, start: int = 0,
                  stop: int | None = None) -> pd.Series:
    """The raw values of ``column`` for rows ``start:stop`` (user-missing codes kept)."""
    if column.is_id:
        return pd.Series(dataset.data.index[start:stop])
    return dataset.data[column.name].iloc[start:stop]


def _is_missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def iso_text(value):
    """A date-like value as ISO 8601 text (time only when not midnight), missing as None."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=' ', timespec='seconds')
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return iso_text(pd.Timestamp(value))
    return str(value)


def number_or_none(value):
    """A finite number as ``int`` when whole (no spurious ``.0``), else float; else None."""
    if value is None or isinstance(value, str):
        return None if value in (None, '') else value
    number = float(value)
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def cells(series: pd.Series, variable: Variable, labels: bool = False) -> list:
    """Python values for one column: int/float numbers, str text, None for missing."""
    if variable.kind == 'date':
        return [iso_text(value) for value in series.tolist()]
    if variable.kind == 'string':
        return [None if _is_missing(value) else str(value) for value in series.tolist()]
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        raw = series.to_numpy(dtype=float, na_value=np.nan).tolist()
    else:
        raw = [None if _is_missing(value) else value for value in series.tolist()]
    values = [number_or_none(value) for value in raw]
    if labels and variable.value_labels:
        lookup = variable.value_labels  # 1 and 1.0 hash alike, so int keys match floats
        values = [lookup.get(value, value) if value is not None else None for value in values]
    return values


def format_code(code) -> str:
    """A code as written in metadata: ``1`` rather than ``1.0``."""
    number = number_or_none(code)
    return str(code if number is None else number)


def _value_labels_text(variable: Variable) -> str:
    return '; '.join(f'{format_code(code)} = {label}'
                     for code, label in variable.value_labels.items())


def write_xlsx(dataset: Dataset, path, *, labels: bool = False, weight: str | None = None,
               id_name: str | None = ID_NAME) -> int:
    """Write an Excel workbook with a "Data" and a "Variables" sheet; return the row count.

    "Data" has the variable names in a frozen header row and one row per respondent: numbers
    as numbers, text neutralised (:func:`neutralise_formula`) and written as text, missing
    values as empty cells. "Variables" lists name, label, measurement level, value labels
    (``1 = Yes; 2 = No``), user-missing codes and which variable is the weight. The workbook
    is written by XlsxWriter in ``constant_memory`` mode (rows are flushed as they are
    written). More than 1,048,575 respondents or 16,384 columns do not fit a worksheet and
    raise :class:`SpecificationError`.
    """
    import xlsxwriter  # imported here: only exports need it

    columns = export_columns(dataset, weight, id_name)
    count = len(dataset.data)
    if count + 1 > XLSX_MAX_ROWS or len(columns) > XLSX_MAX_COLUMNS:
        raise SpecificationError(_('%(rows)d respondents × %(columns)d columns do not fit an '
                                   'Excel worksheet; export CSV or SPSS instead.',
                                   rows=count, columns=len(columns)))
    workbook = xlsxwriter.Workbook(path, {'constant_memory': True, 'strings_to_numbers': False,
                                          'strings_to_formulas': False,
                                          'strings_to_urls': False})
    try:
        bold = workbook.add_format({'bold': True})
        # Sheet names and the Variables headers are a file format that read_xlsx parses back,
        # so they stay in English whatever the reader's language.
        sheet = workbook.add_worksheet('Data')
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            sheet.write_string(0, index, neutralise_formula(column.name), bold)
        row = 1
        for start in range(0, count, 10_000):
            stop = min(start + 10_000, count)
            values = [cells(column_values(dataset, column, start, stop), column.variable,
                            labels) for column in columns]
            for record in zip(*values):
                for index, value in enumerate(record):
                    if isinstance(value, str):
                        sheet.write_string(row, index, neutralise_formula(value))
                    elif value is not None:
                        sheet.write_number(row, index, value)
                row += 1
        meta = workbook.add_worksheet(VARIABLES_SHEET)
        meta.freeze_panes(1, 0)
        headers = ['Name', 'Label', 'Measure', 'Value labels', 'Missing values', 'Weight']
        for index, header in enumerate(headers):
            meta.write_string(0, index, header, bold)
        for row, column in enumerate(columns, start=1):
            variable = column.variable
            texts = [column.name, variable.label, variable.measure,
                     _value_labels_text(variable),
                     ', '.join(format_code(code) for code in variable.missing_values),
                     'yes' if column.name == weight else '']
            for index, text in enumerate(texts):
                if text:
                    meta.write_string(row, index, neutralise_formula(text))
    finally:
        workbook.close()
    return count


def variable_metadata(column: _Column, weight: str | None = None) -> dict:
    """One variable's metadata as JSON-ready values (value labels as ``[code, label]``)."""
    variable = column.variable
    return {'name': column.name, 'label': variable.label, 'kind': variable.kind,
            'measure': variable.measure, 'role': variable.role,
            'value_labels': [[number_or_none(code) if variable.kind == 'numeric' else code,
                              label] for code, label in variable.value_labels.items()],
            'missing_values': [number_or_none(code) if variable.kind == 'numeric' else code
                               for code in variable.missing_values],
            'question': variable.question, 'mr_set': variable.mr_set,
            'weight': column.name == weight}


class JsonWriter:
    """A JSON export written in parts: the metadata, chunks of rows, the end.

    As :class:`CsvWriter`: made from a dataset with the variables (rows optional), it takes
    chunks with the same variables and writes what :func:`write_json` writes at once.
    """

    def __init__(self, dataset: Dataset, stream: IO[str], *, weight: str | None = None,
                 id_name: str | None = ID_NAME):
        self.columns = export_columns(dataset, weight, id_name)
        self.names = [column.name for column in self.columns]
        self.head = {'variables': [variable_metadata(column, weight)
                                   for column in self.columns],
                     'mr_sets': [{'name': s.name, 'label': s.label,
                                  'variables': list(s.variables),
                                  'counted_value': number_or_none(s.counted_value)}
                                 for s in dataset.mr_sets.values()]}
        self.stream = stream
        # One encoder for every row: json.dumps with options would build one per call.
        self.encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
        self.separator = '\n'
        #: Respondent rows written so far.
        self.rows = 0

    def write_head(self) -> None:
        """The metadata and the opening of ``rows``."""
        self.stream.write(json.dumps(self.head, ensure_ascii=False, allow_nan=False)[:-1]
                          + ', "rows": [')

    def write_chunk(self, dataset: Dataset, start: int = 0, stop: int | None = None) -> int:
        """Write the respondents ``start:stop`` of ``dataset``, one object each; return how
        many."""
        values = [cells(column_values(dataset, column, start, stop), column.variable)
                  for column in self.columns]
        count = 0
        for record in zip(*values):
            self.stream.write(self.separator + self.encode(dict(zip(self.names, record))))
            self.separator = ',\n'
            count += 1
        self.rows += count
        return count

    def write_end(self) -> None:
        """Close ``rows`` and the document."""
        self.stream.write('\n]}\n')


def write_json(dataset: Dataset, stream: IO[str], *, weight: str | None = None,
               chunk_rows: int = 10_000, id_name: str | None = ID_NAME) -> int:
    """Write ``{"variables": [...], "mr_sets": [...], "rows": [...]}``; return the row count.

    ``variables`` holds each column's metadata (:func:`variable_metadata`), ``mr_sets`` the
    multiple-response sets, ``rows`` one object per respondent keyed by variable name, with
    codes (never labels, never neutralised: JSON is read by programs) and ``null`` for
    missing values. Rows are written one at a time; the text is UTF-8 (``ensure_ascii`` off).
    :class:`JsonWriter` writes the same document from chunks of respondents.
    """
    writer = JsonWriter(dataset, stream, weight=weight, id_name=id_name)
    writer.write_head()
    count = len(dataset.data)
    for start in range(0, count, chunk_rows):
        writer.write_chunk(dataset, start, min(start + chunk_rows, count))
    writer.write_end()
    return count
