"""CSV exports: one row per respondent, written whole or chunk by chunk.

Conventions as for every export (:mod:`analysis.export_tables`, ``docs/exports.md``): codes
or value labels, whole numbers without ``.0``, missing values as empty fields, ISO dates,
every text field neutralised (:func:`~analysis.export_tables.neutralise_formula`). Fields
are quoted as Python's ``csv`` module quotes them, but written by joining ready-made texts,
each distinct value of a column converted once: a million respondents take seconds.
"""

from __future__ import annotations

import csv
import io
import math
from typing import IO

import numpy as np
import pandas as pd

from .dataset import Dataset, Variable
from .errors import SpecificationError
from .export_tables import (ID_NAME, cells, column_values, export_columns, iso_text,
                            neutralise_formula, number_or_none)
from .i18n import _

DELIMITERS = (',', ';', '\t')


def _text(value) -> str:
    if value is None:
        return ''
    if isinstance(value, str):
        return neutralise_formula(value)
    return repr(value) if isinstance(value, float) else str(value)


def _quoted(text: str, delimiter: str) -> str:
    """``text`` as a CSV field: in double quotes, inner quotes doubled, when it holds the
    delimiter, a quote or a line break — exactly what Python's ``csv`` writer does by default
    (``QUOTE_MINIMAL``, RFC 4180)."""
    if delimiter in text or '"' in text or '\n' in text or '\r' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _number_text(value: float, lookup: dict) -> str:
    """A code as CSV text: its label from ``lookup``, else the number without ``.0``."""
    if not math.isfinite(value):
        return ''
    if value == math.floor(value) and abs(value) < 2 ** 53:
        value = int(value)  # 1 and 1.0 hash alike, so int label keys match
        return lookup.get(value) or str(value)
    return lookup.get(value) or repr(value)


def _converted_once(values, convert) -> list:
    """``convert`` applied once per distinct value and spread back; missing values are ''.

    Codes, labels, days and languages repeat, so a chunk of 50,000 cells needs a handful of
    conversions instead of 50,000 (``factorize`` hashes in C).
    """
    positions, distinct = pd.factorize(values)
    texts = np.array([convert(value) for value in distinct.tolist()] + [''], dtype=object)
    return texts[positions].tolist()  # position -1 (missing) picks the trailing ''


def _hashed_by_value(series: pd.Series) -> bool:
    """Whether equal values of ``series`` always write the same text (plain strings or
    timestamps), so that converting each distinct value once is exact. Mixed objects are not:
    1, 1.0 and True hash alike but print differently."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return True
    return series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in (
        'string', 'empty')


def _csv_fields(series: pd.Series, variable: Variable, labels: bool, delimiter: str) -> list:
    """The CSV fields of one column: formatted, neutralised and quoted, column-wise."""
    if (variable.kind == 'numeric' and pd.api.types.is_numeric_dtype(series.dtype)
            and not pd.api.types.is_bool_dtype(series)):
        lookup = {}
        if labels and variable.value_labels:
            lookup = {number_or_none(code): _text(str(label))
                      for code, label in variable.value_labels.items()}
        values = series.to_numpy(dtype=float, na_value=np.nan)
        if series.dtype.kind in 'iu' and not lookup and (np.abs(values) < 2 ** 53).all():
            # Respondent ids are all distinct: converting each once would save nothing.
            return list(map(str, series.tolist()))
        return _converted_once(values, lambda value: _quoted(_number_text(value, lookup),
                                                             delimiter))
    if variable.kind != 'numeric' and _hashed_by_value(series):
        convert = str if variable.kind == 'string' else iso_text
        return _converted_once(series, lambda value: _quoted(_text(convert(value)), delimiter))
    return [_quoted(_text(value), delimiter) for value in cells(series, variable, labels)]


class CsvWriter:
    """A CSV export written in parts: the header, then respondents chunk by chunk.

    :func:`write_csv` writes a whole dataset through it. A caller that reads respondents in
    chunks (the raw export job, which never holds a million of them at once) makes the writer
    from a dataset with the variables and no rows, then passes each chunk — a Dataset with the
    same variables — to :meth:`write_chunk`; the file is byte for byte the one
    :func:`write_csv` writes for all the rows at once, since every cell depends on its own
    value only. Options as for :func:`write_csv`.
    """

    def __init__(self, dataset: Dataset, stream: IO[str], *, labels: bool = False,
                 bom: bool = False, delimiter: str = ',', weight: str | None = None,
                 id_name: str | None = ID_NAME):
        if delimiter not in DELIMITERS:
            raise SpecificationError(_('A CSV delimiter must be a comma, a semicolon or a '
                                       'tab, not %(delimiter)r.', delimiter=delimiter))
        self.columns = export_columns(dataset, weight, id_name)
        self.stream, self.labels, self.bom, self.delimiter = stream, labels, bom, delimiter
        #: Respondent rows written so far.
        self.rows = 0

    def write_header(self) -> None:
        """The byte-order mark (if asked for) and the row of variable names."""
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator='\r\n').writerow(
            [_text(column.name) for column in self.columns])
        self.stream.write(('\ufeff' if self.bom else '') + buffer.getvalue())

    def write_chunk(self, dataset: Dataset, start: int = 0, stop: int | None = None) -> int:
        """Write the respondents ``start:stop`` of ``dataset``; return how many."""
        fields = [_csv_fields(column_values(dataset, column, start, stop), column.variable,
                              self.labels, self.delimiter) for column in self.columns]
        count = len(dataset.data.iloc[start:stop])
        if len(fields) == 1:  # the csv module quotes a row that is one empty field
            fields[0] = ['""' if field == '' else field for field in fields[0]]
        if count and fields:  # (no columns, no rows: as csv.writer.writerows(zip()))
            # Joining ready-made fields is several times faster than csv.writer.
            self.stream.write('\r\n'.join(map(self.delimiter.join, zip(*fields))) + '\r\n')
        self.rows += count
        return count


def write_csv(dataset: Dataset, stream: IO[str], *, labels: bool = False, bom: bool = False,
              delimiter: str = ',', weight: str | None = None, chunk_rows: int = 50_000,
              id_name: str | None = ID_NAME) -> int:
    """Write the respondents of ``dataset`` to ``stream`` as CSV; return the number of rows.

    Parameters
    ----------
    dataset : Dataset
    stream : text stream
        Opened with ``encoding='utf-8', newline=''`` (rows end in ``\\r\\n``, RFC 4180).
    labels : bool
        Value labels instead of codes where a code has one.
    bom : bool
        Start with a UTF-8 byte-order mark, which Excel needs to read UTF-8 (Cyrillic) text.
    delimiter : {',', ';', '\\t'}
        ``;`` suits Excel in locales whose decimal separator is a comma.
    weight : str, optional
        A weight variable; it is validated, and written like any other column.
    chunk_rows : int
        Rows converted at a time: memory stays proportional to one chunk, never the file.
    id_name : str or None
        Header of the respondent id column; ``None`` leaves the id out.

    The header holds variable names; text cells are neutralised
    (:func:`~analysis.export_tables.neutralise_formula`).
    Fields are quoted as Python's ``csv`` module quotes them (``QUOTE_MINIMAL``).
    :class:`CsvWriter` writes the same file from chunks of respondents.
    """
    if not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise SpecificationError(_('chunk_rows must be a positive whole number.'))
    writer = CsvWriter(dataset, stream, labels=labels, bom=bom, delimiter=delimiter,
                       weight=weight, id_name=id_name)
    writer.write_header()
    count = len(dataset.data)
    for start in range(0, count, chunk_rows):
        writer.write_chunk(dataset, start, min(start + chunk_rows, count))
    return count
