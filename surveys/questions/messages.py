"""Messages shown to respondents and API clients, shared by the form and the JSON paths.

Built when needed (not at import), so that the request's locale applies. The same wording is used
whether an answer came from the web form or from the API.
"""

from __future__ import annotations

from flask_babel import gettext as _


def number_text(value) -> str:
    """A number for a message: 5, 2.5 (no trailing '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def required() -> str:
    return _('Please answer this question.')


def too_long(maximum: int) -> str:
    return _('Please shorten the answer to at most %(max)s characters.', max=maximum)


def out_of_range(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return _('Enter a number from %(min)s to %(max)s.',
                 min=number_text(minimum), max=number_text(maximum))
    if minimum is not None:
        return _('Enter a number of at least %(min)s.', min=number_text(minimum))
    return _('Enter a number of at most %(max)s.', max=number_text(maximum))


def date_out_of_range(minimum, maximum) -> str:
    if minimum and maximum:
        return _('Enter a date from %(min)s to %(max)s.', min=minimum, max=maximum)
    if minimum:
        return _('Enter a date on or after %(min)s.', min=minimum)
    return _('Enter a date on or before %(max)s.', max=maximum)


def too_many_decimals(places: int) -> str:
    if places == 0:
        return _('Enter a whole number.')
    return _('Enter a number with at most %(places)s decimal places.', places=places)


def not_an_option(value) -> str:
    return _('%(value)s is not one of the answer options.', value=value)


def expected(what: str) -> str:
    """'Expected a whole number.' etc.; ``what`` names the JSON type expected."""
    phrases = {
        'code': _('Expected an option code (a whole number).'),
        'flag': _('Expected 0 (not selected) or 1 (selected).'),
        'integer': _('Expected a whole number.'),
        'number': _('Expected a number.'),
        'text': _('Expected text.'),
        'date': _("Expected a date written as 'YYYY-MM-DD'."),
        'object': _('Expected a JSON object with one value per variable.'),
    }
    return phrases[what]


def control_characters() -> str:
    return _('The text contains control characters that are not allowed.')


def invalid_email() -> str:
    return _('Enter a valid e-mail address.')


def constraint_failed() -> str:
    return _('This answer is not valid.')


def other_text_missing(label: str) -> str:
    return _('Please say what you mean by "%(option)s".', option=label)


def other_text_unused(label: str) -> str:
    return _('You wrote a text for "%(option)s" but did not choose it.', option=label)


# --- builder messages (for researchers) ---------------------------------------------------------

def spec_not_object() -> str:
    return _('The question must be an object with "variable", "type", "text" and "settings".')


def settings_not_object() -> str:
    return _('The settings must be an object.')


def no_items(key: str) -> str:
    if key == 'options':
        return _('This question type has no answer options.')
    return _('This question type has no rows.')


def question_text() -> str:
    return _('The question text')


def hint() -> str:
    return _('The hint')


def constraint_message() -> str:
    return _('The message of the validation constraint')
