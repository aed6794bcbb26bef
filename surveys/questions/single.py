"""Base class of the types that yield one variable from one form field."""

from __future__ import annotations

from abc import abstractmethod

from .base import QuestionType
from .contract import Variable


class SingleValueType(QuestionType):
    """One variable named like the question, one field of the same name."""

    #: Storage kind and measurement level of the variable.
    kind = 'string'
    measure = 'nominal'

    def variables(self, spec, language):
        variable = spec['variable']
        return [Variable(variable, self.variable_label(spec, language), self.kind, self.measure,
                         self.value_labels(spec, language), variable)]

    def variable_label(self, spec, language) -> str:
        return self.question_text(spec, language)

    def value_labels(self, spec, language) -> dict:
        return {}

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        required = self.is_required(spec, context)
        return [(spec['variable'], self.make_field(spec, language, required, option_order))]

    def field_names(self, spec):
        return [spec['variable']]

    @abstractmethod
    def make_field(self, spec, language, required: bool, option_order):
        """The UnboundField for the answer."""

    def answers_from_form(self, spec, form):
        return {spec['variable']: self.form_value(spec, form[spec['variable']].data)}

    def form_value(self, spec, data):
        """The stored value for the field's ``data`` (None when not answered)."""
        return data

    def json_rules(self, spec, required):
        return {spec['variable']: self.rule(spec, required)}

    @abstractmethod
    def rule(self, spec, required: bool):
        """The JSON rule (see :mod:`.rules`) for the answer."""

    def description(self, spec, language) -> str:
        return self.hint(spec, language)
