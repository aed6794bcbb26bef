"""Closed questions with an option list: single choice, yes/no, multiple choice."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import checks, labels, messages
from .base import OPTION_FLAGS, QuestionType
from .choice import (OTHER_MAX, ChoiceType, check_count, check_single_other, not_selected,
                     option_label, ordered, other_errors, other_field, other_name, other_option,
                     other_variable)
from .contract import Problem, Variable
from .fields import CheckboxListField
from .registry import register
from .rules import FlagRule, TextRule
from .spec import CLOSED, item_flag, join_label


@register
class SingleChoice(ChoiceType):
    """One option; radio buttons or a dropdown (``display``); may have an "other" option."""

    name = 'single_choice'
    label = _l('Single choice')
    default_settings = {'randomize': None, 'display': 'radio'}
    option_flags = {'other': bool, 'anchored': bool}
    menu_order = 10

    def check_settings(self, spec, settings, language):
        return (super().check_settings(spec, settings, language)
                + checks.check_choice(settings, 'display', ('radio', 'dropdown'))
                + check_single_other(self.options(spec)))

    def variables(self, spec, language):
        return super().variables(spec, language) + other_variable(spec, self.options(spec),
                                                                  language)

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        return (super().form_fields(spec, language, option_order=option_order, context=context)
                + other_field(spec, self.options(spec), language))

    def field_names(self, spec):
        return self.variable_names(spec)

    def answers_from_form(self, spec, form):
        answers = {spec['variable']: form[spec['variable']].data}
        if other_option(self.options(spec)) is not None:
            answers[other_name(spec)] = form[other_name(spec)].data or None
        return answers

    def json_rules(self, spec, required):
        rules = super().json_rules(spec, required)
        if other_option(self.options(spec)) is not None:
            rules[other_name(spec)] = TextRule(OTHER_MAX)
        return rules

    def group_errors(self, spec, answers, required, language):
        chosen = self.selected_option(spec, answers)
        return other_errors(spec, self.options(spec),
                            chosen is not None and item_flag(chosen, 'other'), answers, language)


@register
class Dichotomous(ChoiceType):
    """Yes (1) / No (2) by default; the labels and codes of the two options may be changed."""

    name = 'dichotomous'
    label = _l('Yes / no')
    default_options = tuple(labels.YES_NO)
    min_options = max_options = 2
    menu_order = 20


@register
class MultipleChoice(QuestionType):
    """Any number of options: one 0/1 variable per option (a multiple-response set)."""

    name = 'multiple_choice'
    label = _l('Multiple choice')
    category = CLOSED
    default_settings = {'randomize': None, 'min_selections': None, 'max_selections': None}
    option_flags = OPTION_FLAGS
    menu_order = 30

    def item_name(self, spec, code) -> str:
        return f"{spec['variable']}_{code}"

    def check_settings(self, spec, settings, language):
        options = self.options(spec)
        problems = (checks.check_randomize(settings) + check_count(options, 'options', 1)
                    + check_single_other(options)
                    + checks.check_int(settings, 'min_selections', 0, 1000, nullable=True)
                    + checks.check_int(settings, 'max_selections', 1, 1000, nullable=True))
        if problems:
            return problems
        problems += checks.check_min_max(settings, 'min_selections', 'max_selections')
        combinable = sum(not item_flag(option, 'exclusive') for option in options)
        if (settings['min_selections'] or 0) > combinable:
            problems.append(Problem(
                _('At least %(min)s answers are required, but only %(count)s options can be chosen '
                  'together (exclusive options count alone).', min=settings['min_selections'],
                  count=combinable), 'settings.min_selections', 'selections_impossible'))
        return problems

    def variables(self, spec, language):
        question, variable = self.question_text(spec, language), spec['variable']
        zero = not_selected(language)
        items = [Variable(self.item_name(spec, option['code']),
                          join_label(question, option_label(option, language)), 'numeric',
                          'nominal', {0: zero, 1: option_label(option, language)}, variable,
                          'mr_item', variable) for option in self.options(spec)]
        return items + other_variable(spec, self.options(spec), language)

    def expression_type(self, spec):
        return 'select_multiple'

    def expression_value(self, spec, answers):
        flags = [(option['code'], answers.get(self.item_name(spec, option['code'])))
                 for option in self.options(spec)]
        if all(flag is None for _code, flag in flags):
            return None
        return [code for code, flag in flags if flag == 1]

    def field_names(self, spec):
        names = [spec['variable']]
        return names + ([other_name(spec)] if other_option(self.options(spec)) else [])

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        choices = [(option['code'], option_label(option, language))
                   for option in ordered(self.options(spec), option_order, 'option')]
        field = CheckboxListField(self.question_text(spec, language), choices=choices, coerce=int,
                                  description=self.hint(spec, language))
        return [(spec['variable'], field)] + other_field(spec, self.options(spec), language)

    def answers_from_form(self, spec, form):
        chosen = set(form[spec['variable']].data or ())
        answers = {self.item_name(spec, option['code']): int(option['code'] in chosen)
                   for option in self.options(spec)}
        if other_option(self.options(spec)) is not None:
            answers[other_name(spec)] = form[other_name(spec)].data or None
        return answers

    def json_rules(self, spec, required):
        rules = {self.item_name(spec, option['code']): FlagRule() for option in self.options(spec)}
        if other_option(self.options(spec)) is not None:
            rules[other_name(spec)] = TextRule(OTHER_MAX)
        return rules

    def complete_answers(self, spec, answers):
        names = [self.item_name(spec, option['code']) for option in self.options(spec)]
        if any(answers.get(name) is not None for name in names):
            answers.update({name: 0 for name in names if answers.get(name) is None})
        return answers

    def group_errors(self, spec, answers, required, language):
        options = self.options(spec)
        chosen = [option for option in options
                  if answers.get(self.item_name(spec, option['code'])) == 1]
        other = other_option(options)
        other_chosen = other is not None and other in chosen
        if not chosen:
            errors = [messages.required()] if required else []
            return errors + other_errors(spec, options, False, answers, language)
        exclusive = [option for option in chosen if item_flag(option, 'exclusive')]
        if exclusive and len(chosen) > 1:
            return [_('"%(option)s" cannot be combined with other answers.',
                      option=option_label(exclusive[0], language))]
        errors = []
        settings = self.settings(spec)
        low, high = settings['min_selections'], settings['max_selections']
        if not exclusive and low and len(chosen) < low:
            errors.append(_('Please choose more answers (at least %(min)s).', min=low))
        if high and len(chosen) > high:
            errors.append(_('Please choose fewer answers (at most %(max)s).', max=high))
        return errors + other_errors(spec, options, other_chosen, answers, language)
