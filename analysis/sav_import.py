"""Read SPSS .sav/.zsav files with their dictionary (the .sav part of :mod:`analysis.imports`).

pyreadstat reads the data and most of the dictionary; the weight variable (``WEIGHT BY``),
which pyreadstat does not report, is read from the file header here. What is carried over:

* variable labels, value labels, measurement levels (``unknown`` → nominal if labelled,
  else scale), string / numeric / date kinds (dates and times as ISO text, kind ``date``);
* user-missing values (read with ``user_missing=True``, so the codes stay in the data and
  ``Dataset.values`` excludes them): discrete codes as they are; a range ``lo THRU hi``
  becomes every code in it that occurs in the data or has a value label, plus all its whole
  numbers when there are at most :data:`MAX_RANGE_CODES` — exact for the imported data;
* multiple-dichotomy sets (``$AWARE``) as :class:`MultipleResponseSet` named without the
  ``$``, their items marked ``role='mr_item'``; multiple-category sets stay separate variables
  (with a warning);
* the weight variable, if the file declares one and its values are usable weights.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import struct
import tempfile

import pandas as pd

from .dataset import Dataset, MultipleResponseSet, Variable, check_weights
from .errors import AnalysisError
from .i18n import _
from .imports import (MAX_COLUMNS, MAX_ROWS, EmptyFileError, ImportResult, UnreadableFileError,
                      check_limits, iso_text, read_bytes, variable_names)

MAX_RANGE_CODES = 100
_HEADER_SIZE = 176


def read_sav(source, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
             ) -> ImportResult:
    """Read an SPSS .sav/.zsav file (path, ``bytes`` or binary file object).

    Raises :class:`~analysis.imports.EmptyFileError` for an empty file,
    :class:`~analysis.imports.UnreadableFileError` for anything pyreadstat cannot read
    (corrupt, truncated, not SPSS) and :class:`~analysis.imports.ImportLimitError` past the
    limits. See the module docstring for what is carried over.
    """
    import pyreadstat  # imported here: only this reader needs it

    raw = read_bytes(source)
    if not raw:
        raise EmptyFileError(_('The file is empty.'))
    with _temporary_file(raw) as path:
        try:
            meta = pyreadstat.read_sav(path, metadataonly=True, user_missing=True)[1]
            rows = meta.number_rows if meta.number_rows and meta.number_rows > 0 else 0
            check_limits(rows, meta.number_columns or 0, max_rows, max_columns)
            data, meta = pyreadstat.read_sav(path, user_missing=True, row_limit=max_rows + 1)
        except AnalysisError:
            raise
        except Exception as error:  # pyreadstat raises its own and builtin errors
            raise UnreadableFileError(_('The file is not a readable SPSS (.sav) file, or it is '
                                        'truncated (%(error)s).', error=str(error) or
                                        type(error).__name__)) from None
    check_limits(len(data), len(data.columns), max_rows, max_columns)
    warnings = []
    names, renamed = variable_names(meta.column_names, warnings)
    new_name = dict(zip(meta.column_names, names))
    frame, variables = {}, {}
    for original, name in zip(meta.column_names, names):
        frame[name], variables[name] = _variable(data[original], name, original, meta)
    mr_sets = _mr_sets(meta, new_name, variables, warnings)
    weight = _weight(raw, meta.column_names)
    weights = ()
    if weight is not None:
        name = new_name[weight]
        try:
            check_weights(pd.to_numeric(frame[name], errors='coerce').to_numpy(), name)
            variables[name] = Variable(name, variables[name].label or name, measure='scale',
                                       role='weight')
            weights = (name,)
        except AnalysisError as error:
            warnings.append(_('The file is weighted by %(name)s, which cannot be used as a '
                              'weight: %(error)s', name=name, error=str(error)))
    table = pd.DataFrame(frame)
    table.index = pd.RangeIndex(1, len(table) + 1, name='respondent')
    dataset = Dataset(table, variables.values(), mr_sets, weights)
    return ImportResult(dataset, tuple(warnings), renamed)


@contextlib.contextmanager
def _temporary_file(raw: bytes):
    # pyreadstat reads from a path only.
    handle, path = tempfile.mkstemp(suffix='.sav')
    try:
        with os.fdopen(handle, 'wb') as out:
            out.write(raw)
        yield path
    finally:
        os.unlink(path)


def _variable(column: pd.Series, name: str, original: str, meta) -> tuple:
    label = meta.column_names_to_labels.get(original) or ''
    measure = meta.variable_measure.get(original, 'unknown')
    labels = meta.variable_value_labels.get(original) or {}
    if meta.readstat_variable_types.get(original) == 'string':
        column = column.astype(object).where(column.notna() & (column != ''), None)
        missing = tuple(r['lo'] for r in meta.missing_ranges.get(original, ())
                        if r['lo'] == r['hi'])
        return column, Variable(name, label, 'string', 'nominal', labels,
                                missing_values=missing)
    if column.dtype == object or pd.api.types.is_datetime64_any_dtype(column):
        if column.map(lambda v: v is None or isinstance(v, (dt.date, dt.time))
                      or pd.isna(v)).all():
            return (column.map(iso_text).astype(object),
                    Variable(name, label, 'date', 'nominal'))
    column = pd.to_numeric(column, errors='coerce').astype(float)
    labels = {_code(code): text for code, text in labels.items()}
    if measure not in ('nominal', 'ordinal', 'scale'):
        measure = 'nominal' if labels else 'scale'
    missing = _missing_codes(meta.missing_ranges.get(original, ()), column, labels)
    return column, Variable(name, label, 'numeric', measure, labels, missing_values=missing)


def _missing_codes(ranges, column: pd.Series, labels: dict) -> tuple:
    codes = set()
    present = column.dropna().unique()
    for missing in ranges:
        low, high = float(missing['lo']), float(missing['hi'])
        if low == high:
            codes.add(_code(low))
            continue
        codes.update(_code(v) for v in present if low <= v <= high)
        codes.update(code for code in labels if low <= code <= high)
        if low.is_integer() and high.is_integer() and high - low < MAX_RANGE_CODES:
            codes.update(range(int(low), int(high) + 1))
    return tuple(sorted(codes))


def _mr_sets(meta, new_name: dict, variables: dict, warnings: list) -> list:
    sets = []
    for raw_name, spec in (getattr(meta, 'mr_sets', None) or {}).items():
        name = raw_name.lstrip('$')
        items = [new_name.get(item) for item in spec.get('variable_list', ())]
        counted = spec.get('counted_value')
        if not spec.get('is_dichotomy'):
            warnings.append(_('The multiple-category set %(name)s was imported as separate '
                              'variables.', name=raw_name))
            continue
        if (None in items or not items or isinstance(counted, str) or counted is None
                or any(variables[item].kind != 'numeric' for item in items)):
            warnings.append(_('The multiple-response set %(name)s needs numeric items and a '
                              'numeric counted value; it was not imported.', name=raw_name))
            continue
        if name in variables or any(s.name == name for s in sets):
            name = f'{name}_set'
        label = spec.get('label') or name
        for item in items:
            variable = variables[item]
            if variable.mr_set is None:
                variables[item] = Variable(item, variable.label, 'numeric', 'nominal',
                                           variable.value_labels, role='mr_item', mr_set=name,
                                           missing_values=variable.missing_values)
        sets.append(MultipleResponseSet(name, label, tuple(items), _code(counted)))
    return sets


def _weight(raw: bytes, column_names: list) -> str | None:
    """The variable named by the header's weight index (a 1-based 8-byte slot), if any."""
    if len(raw) < _HEADER_SIZE:
        return None
    order = '<' if struct.unpack_from('<i', raw, 64)[0] in (2, 3) else '>'
    slot = struct.unpack_from(order + 'i', raw, 76)[0]
    if slot <= 0:
        return None
    position, seen, variable = _HEADER_SIZE, 0, -1
    # Variable records come first; a string longer than 8 bytes continues in records of type -1.
    while position + 32 <= len(raw):
        record, kind, has_label, n_missing = struct.unpack_from(order + '4i', raw, position)
        if record != 2:
            return None
        seen += 1
        if kind != -1:
            variable += 1
        if seen == slot:
            return column_names[variable] if 0 <= variable < len(column_names) else None
        position += 32
        if has_label:
            length = struct.unpack_from(order + 'i', raw, position)[0]
            position += 4 + (length + 3) // 4 * 4
        position += abs(n_missing) * 8
    return None


def _code(code):
    number = float(code)
    return int(number) if number.is_integer() else number
