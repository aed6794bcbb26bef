"""SPSS ``.sav`` export: data plus the dictionary a researcher expects to find in SPSS.

pyreadstat (ReadStat) writes the data, variable and value labels, user-missing values,
measurement levels, display widths and formats. ReadStat cannot write multiple-response sets
or the case weight, so :func:`write_sav` adds them to the file it wrote: an MRSETS extension
record (type 7, subtype 7) inserted before the dictionary's end, and the weight variable's
index in the file header. Both follow the system-file description in the PSPP developers'
guide, "System File Format" (https://www.gnu.org/software/pspp/pspp-dev/html_node/), sections
"File Header Record" and "Multiple Response Sets Records".
"""

from __future__ import annotations

import os
import re
import shutil
import struct

import numpy as np
import pandas as pd

from .dataset import Dataset
from .errors import SpecificationError
from .export_tables import (ID_NAME, cells, column_values, export_columns, format_code,
                            number_or_none)
from .i18n import _

MAX_NAME_BYTES = 64
MAX_VARIABLE_LABEL_BYTES = 256
MAX_VALUE_LABEL_BYTES = 120
#: SPSS may hold at most three discrete user-missing values, or one range plus one value.
MAX_MISSING_VALUES = 3
#: Longest string value (bytes) a system file holds.
MAX_STRING_BYTES = 32_767
RESERVED = {'ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH'}
_NAME = re.compile(r'[^\W\d_@#$][\w.@#$]*')
_HEADER_SIZE = 176
_WEIGHT_OFFSET = 76


def truncate_utf8(text: str, limit: int) -> tuple:
    """``(text, was_cut)``: ``text`` cut to at most ``limit`` UTF-8 bytes, whole characters."""
    data = text.encode('utf-8')
    if len(data) <= limit:
        return text, False
    return data[:limit].decode('utf-8', errors='ignore'), True


def check_names(names) -> None:
    """Raise :class:`SpecificationError` unless ``names`` are valid, unique SPSS names.

    SPSS names have at most 64 bytes, start with a letter, hold letters, digits and
    ``. _ @ # $``, do not end with a full stop, are not reserved words, and are unique
    ignoring case (``Q1`` and ``q1`` are the same variable to SPSS).
    """
    names = list(names)
    bad = [name for name in names
           if not _NAME.fullmatch(name) or name.endswith('.') or name.upper() in RESERVED]
    if bad:
        raise SpecificationError(_('These names are not valid SPSS variable names: %(names)s.',
                                   names=', '.join(bad[:10])))
    long = [name for name in names if len(name.encode('utf-8')) > MAX_NAME_BYTES]
    if long:
        raise SpecificationError(_('SPSS variable names have at most %(limit)d bytes; these are '
                                   'longer: %(names)s.', limit=MAX_NAME_BYTES,
                                   names=', '.join(long[:10])))
    seen: dict = {}
    for name in names:
        seen.setdefault(name.casefold(), []).append(name)
    clashes = [' / '.join(group) for group in seen.values() if len(group) > 1]
    if clashes:
        raise SpecificationError(_('SPSS does not tell upper from lower case in names, so these '
                                   'variables would clash: %(names)s.',
                                   names='; '.join(clashes[:10])))


def _missing_spec(variable, observed: np.ndarray, warnings: list):
    """pyreadstat's ``missing_ranges`` entry for ``variable``, or None."""
    codes = list(variable.missing_values)
    if not codes:
        return None
    if variable.kind != 'numeric':
        kept = [str(code) for code in codes if len(str(code).encode('utf-8')) <= 8]
        if len(kept) < len(codes) or len(kept) > MAX_MISSING_VALUES:
            warnings.append(_('Variable %(name)s: SPSS keeps at most three string missing '
                              'values of up to 8 bytes; declared %(kept)s.',
                              name=variable.name, kept=', '.join(kept[:MAX_MISSING_VALUES])))
        return kept[:MAX_MISSING_VALUES] or None
    codes = sorted({number_or_none(code) for code in codes} - {None})
    if len(codes) <= MAX_MISSING_VALUES:
        return codes
    valid = set(number_or_none(code) for code in variable.value_labels) | set(
        number_or_none(value) for value in np.unique(observed[np.isfinite(observed)]))
    valid -= set(codes)
    # One range over all codes, or over all but the lowest / highest plus that one discrete.
    for low, high, extra in ((codes[0], codes[-1], None), (codes[1], codes[-1], codes[0]),
                             (codes[0], codes[-2], codes[-1])):
        if not any(low <= value <= high for value in valid):
            return [{'lo': low, 'hi': high}] + ([extra] if extra is not None else [])
    warnings.append(_('Variable %(name)s: SPSS cannot hold all its missing values %(codes)s; '
                      'declared %(kept)s.', name=variable.name,
                      codes=', '.join(map(format_code, codes)),
                      kept=', '.join(map(format_code, codes[:MAX_MISSING_VALUES]))))
    return codes[:MAX_MISSING_VALUES]


def _numeric_format(values: np.ndarray, is_weight: bool) -> tuple:
    """``(format, display width)`` such as ``('F8.0', 8)`` wide enough for ``values``."""
    finite = values[np.isfinite(values)]
    whole = bool(np.all(finite == np.round(finite))) if finite.size else True
    decimals = 0 if whole else (4 if is_weight else 2)
    digits = len(str(int(np.max(np.abs(finite))))) if finite.size else 1
    width = min(max(8, digits + 1 + (decimals + 1 if decimals else 0)), 40)
    return f'F{width}.{decimals}', width


def write_sav(dataset: Dataset, path, *, weight: str | None = None,
              id_name: str | None = ID_NAME) -> list:
    """Write ``dataset`` as an SPSS system file; return warnings about what had to change.

    The file holds, per variable: the label (cut to 256 bytes), value labels (each cut to 120
    bytes), user-missing codes (``missing_values``: up to three discrete values, or one range
    plus one value when they allow it), the measurement level (nominal, ordinal, scale; string
    variables cannot be scale in SPSS and become nominal), a print format and display width
    fitted to the data; string widths come from the longest value. Multiple-response sets
    become dichotomy sets (``$name``, counted value as declared, label = set label), and
    ``weight`` becomes the file's case weight (``WEIGHT BY``). The respondent id comes first
    (``id_name``; ``None`` leaves it out).

    ``date`` variables are written as ISO 8601 strings (``2024-05-01``), not SPSS dates:
    simpler, unambiguous, and SPSS converts them with ``ALTER TYPE x (SDATE10)``.

    Labels are cut at a UTF-8 character boundary, never inside a Cyrillic letter; each cut,
    and each missing-value declaration SPSS cannot hold, adds a message to the returned list.
    Names longer than 64 bytes, invalid or equal ignoring case raise
    :class:`SpecificationError` (renaming silently would break the client's syntax).

    The data are converted in memory (ReadStat writes a whole frame); the file is written
    beside ``path`` first and renamed when complete, so a failure leaves no half-written
    export.
    """
    import pyreadstat  # imported here: only exports need it

    columns = export_columns(dataset, weight, id_name)
    mr_names = ['$' + s.name.lstrip('$') for s in dataset.mr_sets.values()]
    check_names([column.name for column in columns])
    check_names([name[1:] for name in mr_names])
    warnings: list = []
    frame, labels, value_labels, missing, measures, widths, formats = {}, {}, {}, {}, {}, {}, {}
    for column in columns:
        name, variable = column.name, column.variable
        series = column_values(dataset, column)
        if variable.kind == 'numeric':
            values = np.array([np.nan if value is None else value
                               for value in cells(series, variable)], dtype=float)
            frame[name] = values
            formats[name], widths[name] = _numeric_format(values, name == weight)
        else:
            texts = cells(series, variable)
            longest = max((len(text.encode('utf-8')) for text in texts if text), default=1)
            if longest > MAX_STRING_BYTES:
                warnings.append(_('Variable %(name)s: texts longer than %(limit)d bytes were '
                                  'cut.', name=name, limit=MAX_STRING_BYTES))
                texts = [truncate_utf8(text, MAX_STRING_BYTES)[0] if text else text
                         for text in texts]
            frame[name] = pd.Series(texts, dtype=object)
            widths[name] = min(max(8, longest), 60)
        if variable.label:
            labels[name], cut = truncate_utf8(variable.label, MAX_VARIABLE_LABEL_BYTES)
            if cut:
                warnings.append(_('The label of %(name)s was cut to %(limit)d bytes.',
                                  name=name, limit=MAX_VARIABLE_LABEL_BYTES))
        if variable.value_labels:
            entries = {}
            for code, label in variable.value_labels.items():
                entries[code if variable.kind != 'numeric' else float(code)], cut = \
                    truncate_utf8(str(label), MAX_VALUE_LABEL_BYTES)
                if cut:
                    warnings.append(_('The label of value %(code)s of %(name)s was cut to '
                                      '%(limit)d bytes.', code=format_code(code), name=name,
                                      limit=MAX_VALUE_LABEL_BYTES))
            value_labels[name] = entries
        spec = _missing_spec(variable, frame[name] if variable.kind == 'numeric'
                             else np.array([]), warnings)
        if spec:
            missing[name] = spec
        measures[name] = (variable.measure if variable.kind == 'numeric'
                          or variable.measure != 'scale' else 'nominal')
    frame = pd.DataFrame(frame, index=pd.RangeIndex(len(dataset.data)))
    for mr_set in dataset.mr_sets.values():
        strings = [n for n in mr_set.variables if dataset.variables[n].kind != 'numeric']
        if strings:
            raise SpecificationError(_('Multiple-response set %(name)s has non-numeric items: '
                                       '%(names)s.', name=mr_set.name, names=', '.join(strings)))
    path = os.fspath(path)
    draft, part = path + '.readstat.part', path + '.part'
    try:
        pyreadstat.write_sav(frame, draft, column_labels=labels,
                             variable_value_labels=value_labels, missing_ranges=missing,
                             variable_measure=measures, variable_display_width=widths,
                             variable_format=formats)
        _finish(draft, part, list(zip(mr_names, dataset.mr_sets.values())), weight)
        os.replace(part, path)
    finally:
        for leftover in (draft, part):
            if os.path.exists(leftover):
                os.remove(leftover)
    return warnings


def _finish(source: str, target: str, mr_sets: list, weight: str | None) -> None:
    """Copy ``source`` to ``target`` adding the MRSETS record and the weight index."""
    with open(source, 'rb') as file:
        header = bytearray(file.read(_HEADER_SIZE))
        if header[:4] != b'$FL2':
            raise SpecificationError(_('The SPSS writer produced an unexpected file.'))
        order = '<' if struct.unpack('<i', header[64:68])[0] in (2, 3) else '>'

        def ints(count):
            return struct.unpack(f'{order}{count}i', file.read(4 * count))

        short_names, index, position, long_names = {}, 0, 0, {}
        while True:
            record, = ints(1)
            if record == 2:
                kind, has_label, n_missing, _print, _write = ints(5)
                name = file.read(8).decode('utf-8').rstrip()
                index += 1
                if kind != -1:
                    short_names[name] = index
                if has_label:
                    length, = ints(1)
                    file.read((length + 3) // 4 * 4)
                file.read(abs(n_missing) * 8)
            elif record == 3:
                count, = ints(1)
                for _i in range(count):
                    file.read(8)
                    length = file.read(1)[0]
                    file.read((length + 8) // 8 * 8 - 1)
            elif record == 4:
                count, = ints(1)
                file.read(4 * count)
            elif record == 6:
                count, = ints(1)
                file.read(80 * count)
            elif record == 7:
                subtype, size, count = ints(3)
                data = file.read(size * count)
                if subtype == 13:
                    for pair in data.decode('utf-8').split('\t'):
                        short_name, _sep, long_name = pair.partition('=')
                        long_names[long_name] = short_name
            elif record == 999:
                position = file.tell() - 4
                break
            else:
                raise SpecificationError(_('The SPSS writer produced an unexpected file.'))
        file.seek(_HEADER_SIZE)
        dictionary = file.read(position - _HEADER_SIZE)

        def short(name):
            return long_names.get(name, name)

        if weight is not None:
            header[_WEIGHT_OFFSET:_WEIGHT_OFFSET + 4] = struct.pack(
                f'{order}i', short_names[short(weight)])
        extra = b''
        if mr_sets:
            text = b''.join(_mr_set_line(name, mr_set, short) for name, mr_set in mr_sets)
            extra = struct.pack(f'{order}4i', 7, 7, 1, len(text)) + text
        with open(target, 'wb') as out:
            out.write(header)
            out.write(dictionary)
            out.write(extra)
            shutil.copyfileobj(file, out)


def _mr_set_line(name: str, mr_set, short) -> bytes:
    """``$name=D<n> <counted> <n> <label> <short names>\\n`` (a multiple dichotomy set)."""
    counted = format_code(mr_set.counted_value).encode('utf-8')
    label = mr_set.label.encode('utf-8')
    items = ' '.join(short(item).lower() for item in mr_set.variables).encode('utf-8')
    return (name.encode('utf-8') + b'=D' + str(len(counted)).encode() + b' ' + counted + b' '
            + str(len(label)).encode() + b' ' + label + b' ' + items + b'\n')
