"""WTForms pieces for respondent forms: fields that work without JavaScript, and validators.

Every field here renders as plain HTML controls (radio buttons, checkboxes, selects, inputs), so
a page works on old phones, with scripts off and with screen readers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from wtforms import DecimalField, IntegerField, RadioField, SelectMultipleField
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                StopValidation, ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from research.forms import no_control_characters, strip

from . import messages


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (a multiple choice without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScaleField(RadioField):
    """Radio buttons for a numeric scale, with the end labels kept for the template.

    ``low_label`` and ``high_label`` are also written into the first and last choice labels
    (``"0 – Not at all likely"``), so that screen readers announce them.
    """

    def __init__(self, label=None, validators=None, *, low_label: str = '', high_label: str = '',
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low_label = low_label
        self.high_label = high_label


def _without_spaces(valuelist):
    if valuelist and isinstance(valuelist[0], str):
        return [valuelist[0].replace('\u00a0', '').replace('\u202f', '').replace(' ', '')]
    return valuelist


class LenientIntegerField(IntegerField):
    """A whole-number input that ignores spaces between thousands ("12 500")."""

    def process_formdata(self, valuelist):
        super().process_formdata(_without_spaces(valuelist))


class LenientDecimalField(DecimalField):
    """A decimal input that also accepts a decimal comma and spaces ("1 234,5"), as typed in
    Russian and many other locales."""

    def process_formdata(self, valuelist):
        valuelist = _without_spaces(valuelist)
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(',', '.')]
        super().process_formdata(valuelist)


def optional_int(value):
    """Coerce for selects with a blank choice: '' and None mean "not answered"."""
    if value is None or value == '':
        return None
    return int(value)


class MaxDecimals:
    """Refuse numbers with more decimal places than the question allows."""

    def __init__(self, places: int):
        self.places = places

    def __call__(self, form, field):
        value = field.data
        if isinstance(value, Decimal) and value.is_finite():
            if -value.normalize().as_tuple().exponent > self.places:
                raise ValidationError(messages.too_many_decimals(self.places))


class DateRange:
    """Refuse dates outside ``minimum``..``maximum`` (ISO 'YYYY-MM-DD' strings or None)."""

    def __init__(self, minimum: str | None, maximum: str | None):
        self.minimum = datetime.date.fromisoformat(minimum) if minimum else None
        self.maximum = datetime.date.fromisoformat(maximum) if maximum else None
        self.message = messages.date_out_of_range(minimum, maximum)

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        if (self.minimum and value < self.minimum) or (self.maximum and value > self.maximum):
            raise ValidationError(self.message)


class FiniteNumber:
    """Refuse 'NaN' and 'Infinity', which DecimalField would otherwise accept."""

    def __call__(self, form, field):
        if isinstance(field.data, Decimal) and not field.data.is_finite():
            raise StopValidation(messages.expected('number'))


def presence(required: bool, *, text: bool = False):
    """The first validator of an answer field: required, or optional (blank stops validation).

    Text fields use DataRequired (checked after stripping); others use InputRequired, so that
    0 (an NPS score, a constant-sum amount) counts as an answer.
    """
    if not required:
        return Optional()
    if text:
        return DataRequired(message=messages.required())
    return InputRequired(message=messages.required())


def text_validators(required: bool, max_length: int) -> list:
    """Validators of a free-text field: presence, length, no control characters."""
    return [presence(required, text=True),
            Length(max=max_length, message=messages.too_long(max_length)),
            no_control_characters]


class RangeIfNumber(NumberRange):
    """NumberRange that stays quiet when the input was not a number at all: the field's own
    "Not a valid number" is the one message the respondent needs."""

    def __call__(self, form, field):
        if field.data is None:
            return
        super().__call__(form, field)


def number_validators(required: bool, minimum=None, maximum=None, places=None) -> list:
    """Validators of a number field: presence, finiteness, range and decimal places."""
    validators = [presence(required), FiniteNumber()]
    if minimum is not None or maximum is not None:
        validators.append(RangeIfNumber(min=minimum, max=maximum,
                                        message=messages.out_of_range(minimum, maximum)))
    if places is not None:
        validators.append(MaxDecimals(places))
    return validators


TEXT_FILTERS = [strip]
