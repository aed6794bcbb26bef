"""The value model: normalising answers and converting between numbers, text and booleans.

Numbers behave as in XPath and JavaScript (IEEE doubles), so that the browser evaluator can give
the same results: integral results are ints, integers beyond 2**53 become floats, and anything that
is not finite (overflow, NaN) is missing (``None``).
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from decimal import Decimal

from .errors import ExpressionEvaluationError
from .i18n import _

#: Integers at least this large lose precision as doubles, so they are kept as floats.
MAX_SAFE_INTEGER = 2 ** 53
EPOCH = datetime.date(1970, 1, 1)

# ASCII digits only: Python would otherwise read Arabic-Indic digits or '1_000' as numbers.
_NUMERIC_TEXT = re.compile(r'[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*')
_ISO_DATE = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}')


def is_number(value) -> bool:
    """True for int and float values (bool is not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalise_number(value):
    """An int or float as the language sees it, or None when it is not finite."""
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER < value < MAX_SAFE_INTEGER:
            return value
        try:
            value = float(value)
        except OverflowError:
            return None
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < MAX_SAFE_INTEGER:
        return int(value)
    return value


def _number_from_any(value):
    """Normalise a Python number of any kind (int subclass, Decimal, Fraction, numpy scalar)."""
    if isinstance(value, Decimal):
        return None if value.is_nan() else normalise_number(float(value))
    if isinstance(value, numbers.Integral):
        return normalise_number(int(value))
    return normalise_number(float(value))


def normalise_value(value, name: str = '.'):
    """The answer ``value`` as the evaluator handles it.

    Numbers become int/float (see :func:`normalise_number`), datetimes become dates, and a
    collection of option codes becomes a tuple of code strings. Raises
    :class:`ExpressionEvaluationError` for values no question type produces.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (numbers.Real, Decimal)):
        return _number_from_any(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(code for code in (_code_text(item, name) for item in value) if code != '')
    if isinstance(value, (set, frozenset)):
        # Sets have no order; sort so that text and equality do not depend on hashing.
        return tuple(sorted(code for code in (_code_text(item, name) for item in value) if code != ''))
    raise ExpressionEvaluationError(
        _('The answer to ${%(name)s} has an unsupported type (%(type)s).')
        % {'name': name, 'type': type(value).__name__})


def _code_text(item, name: str) -> str:
    """One option code of a multiple-choice answer, as text (4 and '4' are the same code)."""
    if item is None:
        return ''
    if isinstance(item, str):
        return item
    if isinstance(item, (bool, numbers.Real, Decimal)):
        return to_text(normalise_value(item, name))
    raise ExpressionEvaluationError(
        _('The answer to ${%(name)s} contains an option code of unsupported type (%(type)s).')
        % {'name': name, 'type': type(item).__name__})


def is_empty(value) -> bool:
    """Missing for comparisons: not answered, empty text or no option chosen."""
    return value is None or value == '' or value == ()


def truthy(value) -> bool:
    """Truthiness: None, 0, '', no options and False are false; everything else is true."""
    if value is None:
        return False
    if isinstance(value, datetime.date):
        return True
    return bool(value)


def format_number(value) -> str:
    """Text of a number exactly as JavaScript's ``String(number)`` writes it."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return '0'
    sign = '-' if value < 0 else ''
    # repr() gives the shortest digits that round-trip, as ECMAScript's Number::toString does.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = ''.join(map(str, digit_tuple)).rstrip('0')
    exponent += len(''.join(map(str, digit_tuple))) - len(digits)
    count = len(digits)
    point = exponent + count  # the decimal point sits after this many digits
    if count <= point <= 21:
        text = digits + '0' * (point - count)
    elif 0 < point <= 21:
        text = digits[:point] + '.' + digits[point:]
    elif -6 < point <= 0:
        text = '0.' + '0' * -point + digits
    else:
        power = point - 1
        mantissa = digits if count == 1 else digits[0] + '.' + digits[1:]
        text = f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
    return sign + text


def to_text(value) -> str:
    """Text of a (normalised) value: '' for missing, 'true'/'false', ISO dates, codes joined by spaces."""
    if value is None:
        return ''
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if is_number(value):
        return format_number(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        # As ODK stores a multiple-choice answer.
        return ' '.join(value)
    return str(value)


def number_from_text(text: str):
    """The number written in ``text`` (optional minus, digits, optional decimals), or None."""
    if not _NUMERIC_TEXT.fullmatch(text):
        return None
    return normalise_number(float(text))


def to_number(value):
    """A value as a number, or None (missing) when it has no numeric reading.

    Booleans are 1 and 0, numeric text is read, dates are days since 1970-01-01 (as in ODK).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if is_number(value):
        return value
    if isinstance(value, datetime.date):
        return (value - EPOCH).days
    return number_from_text(to_text(value))


def date_from_text(text: str):
    """The date written as ``YYYY-MM-DD`` in ``text``, or None."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def to_date(value):
    """A value as a date: dates, ISO text, and numbers of days since 1970-01-01; else None."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return date_from_text(value)
    if is_number(value):
        return add_days(EPOCH, value)
    return None


def add_days(date: datetime.date, days):
    """``date`` moved by ``days`` (truncated to whole days), or None outside years 1-9999."""
    try:
        return date + datetime.timedelta(days=math.trunc(days))
    except (OverflowError, ValueError):
        return None


def codes_of(value) -> tuple:
    """The option codes chosen in an answer: a multiple choice's codes, a single code, or ()."""
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    # ODK stores choices as space-separated codes, so text is split the same way.
    return tuple(to_text(value).split())
