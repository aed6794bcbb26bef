"""Open questions: free texts, e-mail, numbers and dates."""

from __future__ import annotations

import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.validators import Email

from . import checks, messages
from .contract import Problem
from .fields import (TEXT_FILTERS, DateRange, LenientDecimalField, LenientIntegerField,
                     number_validators, presence, text_validators)
from .registry import register
from .rules import DateRule, NumberRule, TextRule
from .single import SingleValueType
from .spec import OPEN, TEXT_MAX, localized

class TextType(SingleValueType):
    """A free-text answer stored as one string variable."""

    category = OPEN
    default_settings = {'max_length': TEXT_MAX}
    multiline = True

    def expression_type(self, spec):
        return 'text'

    def max_length(self, spec) -> int:
        return min(self.settings(spec)['max_length'], TEXT_MAX)

    def check_settings(self, spec, settings, language):
        return checks.check_int(settings, 'max_length', 1, TEXT_MAX)

    def make_field(self, spec, language, required, option_order):
        field_class = TextAreaField if self.multiline else StringField
        return field_class(self.field_label(spec, language),
                           validators=text_validators(required, self.max_length(spec)),
                           filters=TEXT_FILTERS, description=self.description(spec, language))

    def field_label(self, spec, language) -> str:
        return self.question_text(spec, language)

    def form_value(self, spec, data):
        return data or None

    def rule(self, spec, required):
        return TextRule(self.max_length(spec), required=required)


@register
class ShortText(TextType):
    name = 'short_text'
    label = _l('Short text')
    default_settings = {'max_length': 255}
    multiline = False
    menu_order = 10


@register
class LongText(TextType):
    name = 'long_text'
    label = _l('Long text')
    menu_order = 20


@register
class OwnWords(TextType):
    """"In your own words": a long text with a prompt shown above the box."""

    name = 'own_words'
    label = _l('In your own words')
    default_settings = {'max_length': TEXT_MAX, 'prompt': {}}
    menu_order = 30

    def check_settings(self, spec, settings, language):
        return super().check_settings(spec, settings, language) + checks.check_language_text(
            settings.get('prompt'), 'settings.prompt', language, _('The prompt'), required=False)

    def description(self, spec, language):
        parts = (localized(self.settings(spec).get('prompt'), language), self.hint(spec, language))
        return '\n'.join(part for part in parts if part)


@register
class EmailQuestion(TextType):
    name = 'email'
    label = _l('E-mail address')
    default_settings = {'max_length': 254}
    multiline = False
    menu_order = 60

    def make_field(self, spec, language, required, option_order):
        validators = text_validators(required, self.max_length(spec))
        validators.append(Email(message=messages.invalid_email()))
        return EmailField(self.question_text(spec, language), validators=validators,
                          filters=TEXT_FILTERS, description=self.description(spec, language))

    def rule(self, spec, required):
        return TextRule(self.max_length(spec), email=True, required=required)


@register
class Numeric(SingleValueType):
    """A number: whole (``integer``) or with up to ``decimals`` places, within ``min``..``max``."""

    name = 'numeric'
    label = _l('Number')
    category = OPEN
    kind = 'numeric'
    measure = 'scale'
    default_settings = {'integer': True, 'min': None, 'max': None, 'decimals': 2}
    menu_order = 70

    def expression_type(self, spec):
        return 'number'

    def places(self, settings) -> int:
        return 0 if settings['integer'] else settings['decimals']

    def check_settings(self, spec, settings, language):
        problems = (checks.check_bool(settings, 'integer') + checks.check_number(settings, 'min')
                    + checks.check_number(settings, 'max')
                    + checks.check_int(settings, 'decimals', 0, 6))
        if problems:
            return problems
        if settings['integer']:
            for name in ('min', 'max'):
                value = settings[name]
                if value is not None and not float(value).is_integer():
                    problems.append(Problem(_('The setting "%(name)s" must be a whole number for a '
                                              'whole-number question.', name=name),
                                            f'settings.{name}', 'setting_invalid'))
        return problems + checks.check_min_max(settings, 'min', 'max')

    def make_field(self, spec, language, required, option_order):
        settings = self.settings(spec)
        if settings['integer']:
            return LenientIntegerField(self.question_text(spec, language), description=self.description(
                spec, language), validators=number_validators(required, settings['min'],
                                                              settings['max']))
        places = self.places(settings)
        return LenientDecimalField(self.question_text(spec, language), places=places,
                                   description=self.description(spec, language),
                                   validators=number_validators(required, settings['min'],
                                                                settings['max'], places))

    def form_value(self, spec, data):
        if data is None or isinstance(data, int):
            return data
        number = float(data)
        return int(number) if number.is_integer() else number

    def rule(self, spec, required):
        settings = self.settings(spec)
        return NumberRule(settings['min'], settings['max'], self.places(settings),
                          required=required)


@register
class DateQuestion(SingleValueType):
    """A calendar date within ``min``..``max`` (ISO 'YYYY-MM-DD'); stored as ISO text."""

    name = 'date'
    label = _l('Date')
    category = OPEN
    kind = 'date'
    measure = 'scale'
    default_settings = {'min': None, 'max': None}
    menu_order = 80

    def expression_type(self, spec):
        return 'date'

    def check_settings(self, spec, settings, language):
        problems = checks.check_date(settings, 'min') + checks.check_date(settings, 'max')
        return problems or checks.check_min_max(settings, 'min', 'max')

    def make_field(self, spec, language, required, option_order):
        settings = self.settings(spec)
        validators = [presence(required)]
        if settings['min'] or settings['max']:
            validators.append(DateRange(settings['min'], settings['max']))
        render_kw = {key: settings[key] for key in ('min', 'max') if settings[key]}
        return DateField(self.question_text(spec, language), format='%Y-%m-%d',
                         validators=validators, render_kw=render_kw,
                         description=self.description(spec, language))

    def form_value(self, spec, data):
        return data.isoformat() if data is not None else None

    def rule(self, spec, required):
        settings = self.settings(spec)
        return DateRule(settings['min'], settings['max'], required=required)

    def expression_value(self, spec, answers):
        value = answers.get(spec['variable'])
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
