"""Comparison and arithmetic on normalised values (see docs/expressions.md for the rules)."""

from __future__ import annotations

import datetime
import math
import operator as python_operator

from .values import (add_days, date_from_text, is_empty, is_number, normalise_number,
                     number_from_text, to_number, to_text, truthy, EPOCH)

_ORDERINGS = {
    '<': python_operator.lt,
    '<=': python_operator.le,
    '>': python_operator.gt,
    '>=': python_operator.ge,
}


def compare(operator: str, left, right) -> bool:
    """Apply a comparison operator with the language's missing-value and conversion rules."""
    if operator in ('=', '!='):
        if is_empty(left) or is_empty(right):
            # Missing equals only missing (an empty text counts as missing).
            equal = is_empty(left) and is_empty(right)
        else:
            equal = _equal(_scalar(left), _scalar(right))
        return equal if operator == '=' else not equal
    if is_empty(left) or is_empty(right):
        return False
    pair = _ordered_pair(_scalar(left), _scalar(right))
    if pair is None:
        return False
    return _ORDERINGS[operator](*pair)


def _scalar(value):
    # A multiple-choice answer takes part in comparisons as ODK's space-separated text.
    return to_text(value) if isinstance(value, tuple) else value


def _numeric(value):
    """A number for numbers and numeric text, else None."""
    if is_number(value):
        return value
    if isinstance(value, str):
        return number_from_text(value)
    return None


def _date_pair(left, right):
    """Comparable stand-ins when at least one side is a date, or None to compare as text."""
    if isinstance(left, datetime.date) and isinstance(right, datetime.date):
        return left, right
    date, other, date_is_left = (left, right, True) if isinstance(left, datetime.date) else (right, left, False)
    if isinstance(other, str):
        other_date = date_from_text(other)
        if other_date is None:
            return None
        pair = (date, other_date)
    elif is_number(other) or isinstance(other, bool):
        # ODK treats a date as the number of days since 1970-01-01.
        pair = ((date - EPOCH).days, int(other) if isinstance(other, bool) else other)
    else:
        return None
    return pair if date_is_left else pair[::-1]


def _equal(left, right) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        # XPath: comparing with a boolean compares truthiness.
        return truthy(left) == truthy(right)
    if isinstance(left, datetime.date) or isinstance(right, datetime.date):
        pair = _date_pair(left, right)
        return pair[0] == pair[1] if pair is not None else to_text(left) == to_text(right)
    if is_number(left) or is_number(right):
        left_number, right_number = _numeric(left), _numeric(right)
        if left_number is None or right_number is None:
            return False
        return left_number == right_number
    return to_text(left) == to_text(right)


def _ordered_pair(left, right):
    if isinstance(left, bool) or isinstance(right, bool):
        left_number, right_number = to_number(left), to_number(right)
        if left_number is None or right_number is None:
            return None
        return left_number, right_number
    if isinstance(left, datetime.date) or isinstance(right, datetime.date):
        pair = _date_pair(left, right)
        return pair if pair is not None else (to_text(left), to_text(right))
    left_number, right_number = _numeric(left), _numeric(right)
    if left_number is not None and right_number is not None:
        return left_number, right_number
    return to_text(left), to_text(right)


def arithmetic(operator: str, left, right):
    """``left operator right`` for ``+ - * div mod``; missing when an operand is missing."""
    if isinstance(left, datetime.date) or isinstance(right, datetime.date):
        return _date_arithmetic(operator, left, right)
    left_number, right_number = to_number(left), to_number(right)
    if left_number is None or right_number is None:
        return None
    if operator == '+':
        result = left_number + right_number
    elif operator == '-':
        result = left_number - right_number
    elif operator == '*':
        result = left_number * right_number
    elif right_number == 0:
        # Division and remainder by zero are missing, not infinity or an error.
        return None
    elif operator == 'div':
        result = left_number / right_number
    elif operator == 'mod':
        result = _truncated_remainder(left_number, right_number)
    else:
        raise ValueError(f'unknown arithmetic operator {operator!r}')
    return normalise_number(result)


def _truncated_remainder(dividend, divisor):
    """XPath/JavaScript remainder: the sign follows the dividend (Python's % follows the divisor)."""
    if isinstance(dividend, int) and isinstance(divisor, int):
        remainder = abs(dividend) % abs(divisor)
        return -remainder if dividend < 0 else remainder
    return math.fmod(dividend, divisor)


def _date_arithmetic(operator: str, left, right):
    left_is_date = isinstance(left, datetime.date)
    right_is_date = isinstance(right, datetime.date)
    if left_is_date and right_is_date:
        return (left - right).days if operator == '-' else None
    if operator not in ('+', '-') or (operator == '-' and right_is_date):
        return None
    days = to_number(right if left_is_date else left)
    if days is None:
        return None
    date = left if left_is_date else right
    return add_days(date, days if operator == '+' else -days)


def negate(value):
    """Unary minus; missing for missing, non-numeric text and dates."""
    if isinstance(value, datetime.date):
        return None
    number = to_number(value)
    return None if number is None else normalise_number(-number)
