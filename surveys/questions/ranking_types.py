"""Ranking and constant sum: one number per item (the rows)."""

from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField

from . import checks, messages
from .base import QuestionType
from .choice import check_count, ordered
from .contract import Problem, Variable
from .fields import number_validators, optional_int, presence
from .registry import register
from .rules import NumberRule
from .spec import CLOSED, join_label, localized


class ItemNumbersType(QuestionType):
    """Rows are items; ``Q<n>_<item code>`` holds one number per item."""

    category = CLOSED
    row_flags = {'anchored': bool}
    measure = 'ordinal'
    role = 'rank'

    def item_name(self, spec, row) -> str:
        return f"{spec['variable']}_{row['code']}"

    def item_label(self, row, language) -> str:
        return localized(row.get('label'), language)

    def variables(self, spec, language):
        question = self.question_text(spec, language)
        return [Variable(self.item_name(spec, row), join_label(question,
                                                               self.item_label(row, language)),
                         'numeric', self.measure, {}, spec['variable'], self.role)
                for row in self.rows(spec)]

    def answers_from_form(self, spec, form):
        return {name: form[name].data for name in self.field_names(spec)}


@register
class Ranking(ItemNumbersType):
    """Rank the items 1..N (or only the top ``rank_top``); 1 is the best. No JavaScript needed:
    each item has a select of ranks, and a repeated rank is refused."""

    name = 'ranking'
    label = _l('Ranking')
    default_settings = {'rank_top': None, 'randomize_rows': None}
    menu_order = 100

    def check_settings(self, spec, settings, language):
        count = len(self.rows(spec))
        problems = (checks.check_randomize(settings, 'randomize_rows')
                    + check_count(self.rows(spec), 'rows', 2))
        if problems:
            return problems
        return checks.check_int(settings, 'rank_top', 1, count, nullable=True)

    def ranks(self, spec) -> int:
        """How many ranks are given: ``rank_top`` or every item."""
        return self.settings(spec)['rank_top'] or len(self.rows(spec))

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        choices = [('', '—')] + [(rank, str(rank)) for rank in range(1, self.ranks(spec) + 1)]
        return [(self.item_name(spec, row),
                 SelectField(self.item_label(row, language), choices=choices, coerce=optional_int,
                             validators=[presence(False)]))
                for row in ordered(self.rows(spec), row_order, 'row')]

    def json_rules(self, spec, required):
        return {self.item_name(spec, row): NumberRule(1, self.ranks(spec), 0)
                for row in self.rows(spec)}

    def group_errors(self, spec, answers, required, language):
        given = [answers.get(self.item_name(spec, row)) for row in self.rows(spec)]
        given = [rank for rank in given if rank is not None]
        if not given:
            return [messages.required()] if required else []
        repeated = sorted(rank for rank, count in Counter(given).items() if count > 1)
        if repeated:
            return [_('Each rank can be given only once; repeated: %(ranks)s.',
                      ranks=', '.join(map(str, repeated)))]
        wanted = self.ranks(spec)
        if required and len(given) < wanted:
            return [_('Please give the ranks 1 to %(count)s, each to one item.', count=wanted)]
        if sorted(given) != list(range(1, len(given) + 1)):
            return [_('Use the ranks from 1 upwards without gaps.')]
        return []


@register
class ConstantSum(ItemNumbersType):
    """Share ``total`` points (default 100) among the items; blanks count as 0."""

    name = 'constant_sum'
    label = _l('Constant sum')
    default_settings = {'total': 100, 'max_per_item': None, 'randomize_rows': None}
    measure = 'scale'
    role = 'amount'
    menu_order = 110

    def check_settings(self, spec, settings, language):
        rows = self.rows(spec)
        problems = (checks.check_randomize(settings, 'randomize_rows')
                    + check_count(rows, 'rows', 2)
                    + checks.check_int(settings, 'total', 1, 1_000_000)
                    + checks.check_int(settings, 'max_per_item', 1, 1_000_000, nullable=True))
        if problems:
            return problems
        total, per_item = settings['total'], settings['max_per_item']
        if per_item is not None and per_item * len(rows) < total:
            problems.append(Problem(
                _('The total %(total)s cannot be reached: %(count)s items × at most %(max)s each '
                  'is only %(reachable)s.', total=total, count=len(rows), max=per_item,
                  reachable=per_item * len(rows)), 'settings.max_per_item', 'total_unreachable'))
        return problems

    def item_maximum(self, spec) -> int:
        settings = self.settings(spec)
        return min(settings['max_per_item'] or settings['total'], settings['total'])

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        maximum = self.item_maximum(spec)
        return [(self.item_name(spec, row),
                 IntegerField(self.item_label(row, language),
                              validators=number_validators(False, 0, maximum),
                              render_kw={'min': 0, 'max': maximum}))
                for row in ordered(self.rows(spec), row_order, 'row')]

    def answers_from_form(self, spec, form):
        return self.complete_answers(spec, super().answers_from_form(spec, form))

    def json_rules(self, spec, required):
        maximum = self.item_maximum(spec)
        return {self.item_name(spec, row): NumberRule(0, maximum, 0) for row in self.rows(spec)}

    def complete_answers(self, spec, answers):
        if any(value is not None for value in answers.values()):
            answers = {name: 0 if value is None else value for name, value in answers.items()}
        return answers

    def group_errors(self, spec, answers, required, language):
        amounts = [answers.get(self.item_name(spec, row)) for row in self.rows(spec)]
        if all(amount is None for amount in amounts):
            return [messages.required()] if required else []
        total, given = self.settings(spec)['total'], sum(amount or 0 for amount in amounts)
        if given != total:
            return [_('The amounts add up to %(sum)s; they must add up to %(total)s.',
                      sum=given, total=total)]
        return []
