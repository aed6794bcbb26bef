"""Reading and checking a weighting scheme's inputs: category codes, targets, caps, totals.

Split from :mod:`analysis.weighting` so that module keeps to the procedures and their results.
"""

from __future__ import annotations

from numbers import Real
from typing import Mapping

import numpy as np

from .dataset import Dataset
from .errors import SpecificationError
from .i18n import _

UNITS = ('percent', 'count')


def _codes(dataset: Dataset, name: str) -> np.ndarray:
    """The codes of weighting variable ``name`` as floats; NaN and non-categorical refused."""
    if not dataset.variable(name).is_categorical:
        raise SpecificationError(_('Variable %(variable)s is not categorical (numeric codes '
                                   'with value labels, nominal or ordinal), so it cannot be '
                                   'weighted to targets.', variable=name))
    try:
        column = dataset.data[name].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise SpecificationError(_('Variable %(variable)s has values that are not numeric '
                                   'codes.', variable=name)) from None
    missing = int(np.isnan(column).sum())
    if missing:
        raise SpecificationError(_('Respondents without a value for weighting variable '
                                   '%(variable)s: %(count)d. Give them a category (e.g. "Not '
                                   'stated") with a target, or filter them out.', count=missing,
                                   variable=name))
    return column


def _shares(name, targets: Mapping, unit) -> tuple:
    """Target shares by code (float codes for a variable, tuples for cells) and their sum."""
    values = {}
    for code, target in targets.items():
        key = code if isinstance(code, tuple) else _code_number(name, code)
        code = _cell_text(code) if isinstance(code, tuple) else _plain(code)
        if key in values:
            raise SpecificationError(_('Code %(code)s of %(variable)s has two targets.',
                                       code=code, variable=name))
        if _number(target) is None:
            raise SpecificationError(_('The target for %(variable)s = %(code)s is not a number: '
                                       '%(target)r.', variable=name, code=code, target=target))
        if target < 0:
            raise SpecificationError(_('The target for %(variable)s = %(code)s is negative '
                                       '(%(target)s).', variable=name, code=code,
                                       target=_plain(target)))
        values[key] = float(target)
    target_sum = sum(values.values())
    if unit == 'percent' and abs(target_sum - 100) > 0.01:
        raise SpecificationError(_('The percentage targets of %(variable)s sum to %(sum)s, not '
                                   '100.', variable=name, sum=f'{target_sum:g}'))
    if target_sum <= 0:
        raise SpecificationError(_('The targets of %(variable)s sum to 0.', variable=name))
    return {code: value / target_sum for code, value in values.items()}, target_sum


def _code_number(name, code) -> float:
    try:
        number = None if isinstance(code, bool) else float(code)
    except (TypeError, ValueError):
        number = None
    if number is None or not np.isfinite(number):
        raise SpecificationError(_('Target code %(code)r of %(variable)s is not a numeric code.',
                                   code=code, variable=name))
    return number


def _number(value) -> float | None:
    """``value`` as a float if it is a finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        return None
    return float(value)


def _start(dataset, unit, base_weight, total):
    """The base weights and the total of the final weights, checked."""
    if unit not in UNITS:
        raise SpecificationError(_('Unknown target unit %(unit)r: use "percent" or "count".',
                                   unit=unit))
    if len(dataset) == 0:
        raise SpecificationError(_('There are no respondents to weight.'))
    if total is not None and (_number(total) is None or total <= 0):
        raise SpecificationError(_('The total of the weights must be a positive number.'))
    return dataset.weight(base_weight), float(len(dataset) if total is None else total)


def _check_cap(cap):
    if cap is None:
        return None, None
    if not isinstance(cap, (tuple, list)) or len(cap) != 2 or any(
            value is not None and (_number(value) is None or value < 0) for value in cap):
        raise SpecificationError(_('Weight caps must be a pair (low, high) of non-negative '
                                   'numbers or None.'))
    low, high = cap
    if (low is not None and low > 1) or (high is not None and high < 1):
        raise SpecificationError(_('Weight caps are relative to the mean weight: the low cap '
                                   'must be at most 1 and the high cap at least 1.'))
    return low, high


def _cell_text(cell) -> str:
    return ' × '.join(str(_plain(code)) for code in cell)


def _plain(value):
    """``value`` made JSON-friendly: Python scalars (integral floats as int), str keys."""
    if isinstance(value, Mapping):
        return {str(_plain(key)): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
