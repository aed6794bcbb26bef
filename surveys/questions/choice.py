"""Shared machinery of the closed types: option lists, "other, please specify", exclusivity."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from research.forms import no_control_characters

from . import checks, labels, messages
from .contract import Problem, Variable
from .fields import TEXT_FILTERS, optional_int, presence
from .ordering import check_order
from .rules import CodeRule
from .single import SingleValueType
from .spec import CLOSED, item_flag, join_label, localized

#: Longest "other, please specify" text.
OTHER_MAX = 255


def option_label(option, language) -> str:
    return localized(option.get('label'), language)


def ordered(items: list, order, what: str) -> list:
    """``items`` in the caller's ``order`` of codes (a permutation), or as defined."""
    by_code = {item['code']: item for item in items}
    return [by_code[code] for code in check_order(order, list(by_code), what)]


def other_option(options: list):
    return next((option for option in options if item_flag(option, 'other')), None)


def other_name(spec) -> str:
    return f"{spec['variable']}_other"


def check_single_other(options: list) -> list:
    if sum(item_flag(option, 'other') for option in options) > 1:
        return [Problem(_('Only one option can ask for "other, please specify".'), 'options',
                        'other_repeated')]
    return []


def check_count(items: list, key: str, minimum: int, maximum: int | None = None) -> list:
    """At least ``minimum`` (and at most ``maximum``) options or rows."""
    count = len(items)
    if count < minimum:
        if key == 'options':
            message = _('Too few answer options: there are %(count)s, the minimum is %(min)s.',
                        count=count, min=minimum)
        else:
            message = _('Too few rows: there are %(count)s, the minimum is %(min)s.',
                        count=count, min=minimum)
        return [Problem(message, key, 'too_few_items')]
    if maximum is not None and count > maximum:
        if key == 'options':
            message = _('Too many answer options: there are %(count)s, the maximum is %(max)s.',
                        count=count, max=maximum)
        else:
            message = _('Too many rows: there are %(count)s, the maximum is %(max)s.',
                        count=count, max=maximum)
        return [Problem(message, key, 'too_many_items')]
    return []


def other_variable(spec, options, language):
    """The "other, please specify" text variable, if an option asks for one."""
    option = other_option(options)
    if option is None:
        return []
    return [Variable(other_name(spec), join_label(localized(spec.get('text'), language),
                                                  option_label(option, language)),
                     'string', 'nominal', {}, spec['variable'], 'other_text')]


def other_field(spec, options, language):
    option = other_option(options)
    if option is None:
        return []
    return [(other_name(spec), StringField(
        option_label(option, language), filters=TEXT_FILTERS,
        validators=[Optional(), Length(max=OTHER_MAX, message=messages.too_long(OTHER_MAX)),
                    no_control_characters]))]


def other_errors(spec, options, chosen: bool, answers, language) -> list:
    """The other text is needed when its option is chosen, and only then."""
    option = other_option(options)
    if option is None:
        return []
    text = answers.get(other_name(spec))
    if chosen and not text:
        return [messages.other_text_missing(option_label(option, language))]
    if text and not chosen:
        return [messages.other_text_unused(option_label(option, language))]
    return []


class ChoiceType(SingleValueType):
    """One answer from a list of options: stored as the option's code, with value labels."""

    category = CLOSED
    kind = 'numeric'
    measure = 'nominal'
    default_settings = {'randomize': None}
    option_flags = {'anchored': bool}
    #: Bounds on the number of options.
    min_options, max_options = 2, None
    #: How the options show when the spec has no ``display`` setting (radio or dropdown).
    display = 'radio'

    def expression_type(self, spec):
        return 'select_one'

    def check_settings(self, spec, settings, language):
        return (checks.check_randomize(settings)
                + check_count(self.options(spec), 'options', self.min_options, self.max_options))

    def value_labels(self, spec, language):
        return {option['code']: option_label(option, language) for option in self.options(spec)}

    def choices(self, spec, language, option_order) -> list:
        return [(option['code'], option_label(option, language))
                for option in ordered(self.options(spec), option_order, 'option')]

    def make_field(self, spec, language, required, option_order):
        choices = self.choices(spec, language, option_order)
        text, description = self.question_text(spec, language), self.description(spec, language)
        if self.settings(spec).get('display', self.display) == 'dropdown':
            return SelectField(text, choices=[('', _('— choose —'))] + choices, coerce=optional_int,
                               validators=[presence(required)], description=description)
        return RadioField(text, choices=choices, coerce=int, validators=[presence(required)],
                          description=description)

    def rule(self, spec, required):
        return CodeRule([option['code'] for option in self.options(spec)], required=required)

    def selected_option(self, spec, answers):
        code = answers.get(spec['variable'])
        return next((option for option in self.options(spec) if option['code'] == code), None)


class LabelledScaleType(ChoiceType):
    """An ordinal scale of options with default labels (which a spec may override)."""

    measure = 'ordinal'

    def check_settings(self, spec, settings, language):
        return checks.check_randomize(settings) + check_count(
            self.options(spec), 'options', self.points(settings), self.points(settings))

    def points(self, settings) -> int:
        return len(self.default_options)


def not_selected(language) -> str:
    return labels.pick(labels.NOT_SELECTED, language)
