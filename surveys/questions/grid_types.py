"""Grids (matrices): rows answered on a common set of columns (the options)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from . import checks
from .base import QuestionType
from .choice import check_count, not_selected, option_label, ordered
from .contract import Problem, Variable
from .fields import CheckboxListField, presence
from .registry import register
from .rules import CodeRule, FlagRule
from .scale_types import rows_missing
from .spec import CLOSED, item_flag, join_label, localized


@register
class Grid(QuestionType):
    """Rows × columns. One answer per row (``multiple`` false) or several (true).

    One answer per row: ``Q7_r<row>`` holds the column code. Several: ``Q7_r<row>_c<column>``
    is 0/1, and the row's cells form a multiple-response set ``Q7_r<row>``.
    """

    name = 'grid'
    label = _l('Grid (matrix)')
    category = CLOSED
    default_settings = {'multiple': False, 'measure': 'ordinal', 'randomize': None,
                        'randomize_rows': None}
    option_flags = {'anchored': bool, 'exclusive': bool}
    row_flags = {'anchored': bool}
    menu_order = 90

    def check_settings(self, spec, settings, language):
        problems = (checks.check_bool(settings, 'multiple')
                    + checks.check_choice(settings, 'measure', ('nominal', 'ordinal'))
                    + checks.check_randomize(settings)
                    + checks.check_randomize(settings, 'randomize_rows'))
        if not self.rows(spec):
            problems.append(Problem(_('A grid needs at least one row.'), 'rows',
                                           'too_few_items'))
        minimum = 1 if settings.get('multiple') is True else 2
        return problems + check_count(self.options(spec), 'options', minimum)

    def multiple(self, spec) -> bool:
        return self.settings(spec)['multiple'] is True

    def row_name(self, spec, row) -> str:
        return f"{spec['variable']}_r{row['code']}"

    def cell_name(self, spec, row, column) -> str:
        return f"{self.row_name(spec, row)}_c{column['code']}"

    def row_label(self, row, language) -> str:
        return localized(row.get('label'), language)

    def variables(self, spec, language):
        question, variable = self.question_text(spec, language), spec['variable']
        columns = self.options(spec)
        result = []
        for row in self.rows(spec):
            row_label = join_label(question, self.row_label(row, language))
            if not self.multiple(spec):
                result.append(Variable(
                    self.row_name(spec, row), row_label, 'numeric', self.settings(spec)['measure'],
                    {column['code']: option_label(column, language) for column in columns},
                    variable, 'grid_row'))
                continue
            for column in columns:
                result.append(Variable(
                    self.cell_name(spec, row, column),
                    join_label(row_label, option_label(column, language)), 'numeric', 'nominal',
                    {0: not_selected(language), 1: option_label(column, language)}, variable,
                    'mr_item', self.row_name(spec, row)))
        return result

    def expression_variables(self, spec):
        names = super().expression_variables(spec)
        if self.multiple(spec):
            names.update({self.row_name(spec, row): 'select_multiple' for row in self.rows(spec)})
        return names

    def expression_values(self, spec, answers):
        values = super().expression_values(spec, answers)
        if self.multiple(spec):
            for row in self.rows(spec):
                flags = [(column['code'], answers.get(self.cell_name(spec, row, column)))
                         for column in self.options(spec)]
                values[self.row_name(spec, row)] = (
                    None if all(flag is None for _code, flag in flags)
                    else [code for code, flag in flags if flag == 1])
        return values

    def field_names(self, spec):
        return [self.row_name(spec, row) for row in self.rows(spec)]

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        choices = [(column['code'], option_label(column, language))
                   for column in ordered(self.options(spec), option_order, 'option')]
        field_class = CheckboxListField if self.multiple(spec) else RadioField
        return [(self.row_name(spec, row),
                 field_class(self.row_label(row, language), choices=choices, coerce=int,
                             validators=[presence(False)]))
                for row in ordered(self.rows(spec), row_order, 'row')]

    def answers_from_form(self, spec, form):
        if not self.multiple(spec):
            return {name: form[name].data for name in self.field_names(spec)}
        answers = {}
        for row in self.rows(spec):
            chosen = set(form[self.row_name(spec, row)].data or ())
            answers.update({self.cell_name(spec, row, column): int(column['code'] in chosen)
                            for column in self.options(spec)})
        return answers

    def json_rules(self, spec, required):
        if not self.multiple(spec):
            codes = [column['code'] for column in self.options(spec)]
            return {name: CodeRule(codes) for name in self.field_names(spec)}
        return {self.cell_name(spec, row, column): FlagRule()
                for row in self.rows(spec) for column in self.options(spec)}

    def complete_answers(self, spec, answers):
        if self.multiple(spec) and any(value is not None for value in answers.values()):
            answers.update({name: 0 for name, value in answers.items() if value is None})
        return answers

    def chosen(self, spec, row, answers) -> list:
        """The columns chosen in ``row`` (one or none unless ``multiple``)."""
        if not self.multiple(spec):
            code = answers.get(self.row_name(spec, row))
            return [column for column in self.options(spec) if column['code'] == code]
        return [column for column in self.options(spec)
                if answers.get(self.cell_name(spec, row, column)) == 1]

    def group_errors(self, spec, answers, required, language):
        errors, missing = [], []
        for row in self.rows(spec):
            chosen = self.chosen(spec, row, answers)
            if not chosen:
                missing.append(self.row_label(row, language))
            exclusive = [column for column in chosen if item_flag(column, 'exclusive')]
            if exclusive and len(chosen) > 1:
                errors.append(_('Row "%(row)s": "%(option)s" cannot be combined with other '
                                'answers.', row=self.row_label(row, language),
                                option=option_label(exclusive[0], language)))
        if required and missing:
            errors.insert(0, rows_missing(missing))
        return errors
