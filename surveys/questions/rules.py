"""Per-variable value rules for answers that arrive as JSON (the API; no WTForms).

Each rule mirrors the validators of the web field for the same variable, with the same messages
(see :mod:`surveys.questions.messages`). ``clean(value)`` returns the value to store or raises
:class:`InvalidValue`; it never raises anything else, whatever JSON it is given.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
import math
import re
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

from . import messages

_ISO_DATE = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}')


class InvalidValue(ValueError):
    """A value the variable cannot take; ``message`` is shown to the API client."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_whole(value) -> bool:
    """An int, or an integral float (JSON writers sometimes send 2.0); never a bool."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def has_control_characters(text: str) -> bool:
    return any(ord(character) < 32 and character not in '\t\r\n' for character in text)


def decimal_places(value) -> int:
    """Decimal places of a number as written in JSON (0.1 has 1; 100 has 0)."""
    return max(0, -Decimal(repr(value)).normalize().as_tuple().exponent)


class Rule(ABC):
    """Accepts ``None`` (not answered) unless ``required``; subclasses convert other values."""

    def __init__(self, *, required: bool = False):
        self.required = required

    def clean(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise InvalidValue(messages.required())
            return None
        return self.convert(value)

    @abstractmethod
    def convert(self, value):
        """The stored value for a JSON value of the right type (raise InvalidValue if not)."""


class CodeRule(Rule):
    """One of the given option codes."""

    def __init__(self, codes, **kwargs):
        super().__init__(**kwargs)
        self.codes = frozenset(codes)

    def convert(self, value):
        if not is_whole(value):
            raise InvalidValue(messages.expected('code'))
        if int(value) not in self.codes:
            raise InvalidValue(messages.not_an_option(int(value)))
        return int(value)


class FlagRule(Rule):
    """A multiple-response dichotomy: 0 or 1 (``true``/``false`` are accepted as 1/0)."""

    def convert(self, value):
        if isinstance(value, bool):
            return int(value)
        if not is_whole(value) or value not in (0, 1):
            raise InvalidValue(messages.expected('flag'))
        return int(value)


class NumberRule(Rule):
    """A number within ``minimum``..``maximum`` with at most ``places`` decimals (None: any)."""

    def __init__(self, minimum=None, maximum=None, places=None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.places = minimum, maximum, places

    def convert(self, value):
        if self.places == 0:
            if not is_whole(value):
                raise InvalidValue(messages.expected('integer'))
            value = int(value)
        elif (isinstance(value, bool) or not isinstance(value, (int, float))
              or not math.isfinite(value)):
            raise InvalidValue(messages.expected('number'))
        elif self.places is not None and decimal_places(value) > self.places:
            raise InvalidValue(messages.too_many_decimals(self.places))
        if ((self.minimum is not None and value < self.minimum)
                or (self.maximum is not None and value > self.maximum)):
            raise InvalidValue(messages.out_of_range(self.minimum, self.maximum))
        return value


class TextRule(Rule):
    """Text of at most ``max_length`` characters, stripped; optionally an e-mail address."""

    def __init__(self, max_length: int, *, email: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_length, self.email = max_length, email

    def convert(self, value):
        if not isinstance(value, str):
            raise InvalidValue(messages.expected('text'))
        value = value.strip()
        if has_control_characters(value):
            raise InvalidValue(messages.control_characters())
        if len(value) > self.max_length:
            raise InvalidValue(messages.too_long(self.max_length))
        if self.email:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError as error:
                raise InvalidValue(messages.invalid_email()) from error
        return value


class DateRule(Rule):
    """A date written as 'YYYY-MM-DD' within ``minimum``..``maximum`` (ISO strings or None)."""

    def __init__(self, minimum=None, maximum=None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def convert(self, value):
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise InvalidValue(messages.expected('date'))
        try:
            datetime.date.fromisoformat(value)
        except ValueError as error:
            raise InvalidValue(messages.expected('date')) from error
        # ISO dates of the same format compare correctly as text.
        if (self.minimum and value < self.minimum) or (self.maximum and value > self.maximum):
            raise InvalidValue(messages.date_out_of_range(self.minimum, self.maximum))
        return value
