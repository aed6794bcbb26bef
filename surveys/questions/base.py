"""The question-type base class. One subclass per type, registered in :mod:`.registry`.

A type works on plain question specs (see :mod:`.spec`) and knows, for its questions:
builder-time checks (:meth:`QuestionType.check_spec`), the analysis variables
(:meth:`~QuestionType.variables`), the expression-language view of the answers, the WTForms
fields of the respondent form, cross-field validation, and the answers to store from a form or
from JSON. Forms and JSON share one set of cross-field rules (:meth:`~QuestionType.group_errors`).
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import Any, Mapping

from surveys.expressions import parse

from . import checks, messages
from .contract import Problem, Variable
from .rules import InvalidValue
from .spec import (CLOSED, OPEN, STRUCTURE, FrozenDict, copy_json, freeze_json, item_list,
                   localized, remembered)

__all__ = ['CLOSED', 'COMMON_SETTINGS', 'OPEN', 'STRUCTURE', 'Problem', 'QuestionType', 'Variable']

#: Settings every answerable question has, with their defaults.
COMMON_SETTINGS = {'required': False, 'hint': {}, 'relevant': None, 'constraint': None,
                   'constraint_message': {}, 'required_if': None, 'screen_out': None}

# Which item-flag settings are allowed, and their value type.
OPTION_FLAGS = {'exclusive': bool, 'other': bool, 'anchored': bool}
ROW_FLAGS = {'anchored': bool}

#: Problems after which the type-specific checks cannot run (malformed options or rows).
BLOCKING = frozenset({'items_invalid', 'item_invalid', 'code_invalid', 'code_duplicate',
                      'settings_invalid', 'items_unexpected'})

#: Expression type of a variable that has no main-variable type of its own.
_KIND_TYPES = {'numeric': 'number', 'string': 'text', 'date': 'date'}


class QuestionType(ABC):
    """Base class of the question types; subclasses set the class attributes below."""

    #: Registry key, stored in ``spec["type"]``.
    name: str = ''
    #: Name in the builder's menu (lazy-translated).
    label = ''
    #: ``'open'``, ``'closed'`` or ``'structure'``.
    category: str = OPEN
    #: Type-specific settings and their defaults (merged over :data:`COMMON_SETTINGS`).
    default_settings: dict = {}
    #: The common settings this type accepts (structure blocks accept fewer).
    common_settings: dict = COMMON_SETTINGS
    #: Whether the spec has ``options`` / ``rows``, and the allowed flags in their settings.
    option_flags: dict | None = None
    row_flags: dict | None = None
    #: Options used when the spec has none (default scales); specs may override the labels.
    default_options: tuple = ()
    #: Consent: declining ends the interview as screened out.
    screens_out_when_declined = False
    #: Section: the respondent form starts a new page here.
    starts_page = False
    #: Position within the category in the builder's menu.
    menu_order = 100

    def __repr__(self):
        return f'<question type {self.name}>'

    # --- reading specs -------------------------------------------------------------------------

    def settings(self, spec) -> dict:
        """The effective settings: common and type defaults, overridden by the spec's."""
        if isinstance(spec, FrozenDict):
            # Read many times per respondent page: merged once per published spec, then handed
            # out as a shallow copy (its nested values are frozen: the caller cannot change the
            # remembered one).
            return dict(remembered(spec, 'settings',
                                   lambda: freeze_json(self._merged_settings(spec))))
        return self._merged_settings(spec)

    def _merged_settings(self, spec) -> dict:
        merged = copy_json({**self.common_settings, **self.default_settings})
        given = spec.get('settings') if isinstance(spec, dict) else None
        if isinstance(given, dict):
            merged.update(given)
        return merged

    def options(self, spec) -> list:
        """The answer options: the spec's, or the type's default scale."""
        return item_list(spec, 'options') or copy.deepcopy(list(self.default_options))

    def rows(self, spec) -> list:
        return item_list(spec, 'rows')

    def question_text(self, spec, language) -> str:
        return localized(spec.get('text'), language)

    def hint(self, spec, language) -> str:
        return localized(self.settings(spec).get('hint'), language)

    def new_spec(self, variable: str) -> dict:
        """A fresh spec for the builder's "add question", with default settings and options."""
        return {'variable': variable, 'type': self.name, 'text': {},
                'settings': copy.deepcopy(self.default_settings),
                'options': copy.deepcopy(list(self.default_options)), 'rows': []}

    def is_required(self, spec, context: Mapping | None = None) -> bool:
        """``settings.required``, or ``settings.required_if`` evaluated on ``context``."""
        settings = self.settings(spec)
        if settings.get('required'):
            return True
        source = settings.get('required_if')
        if source and context is not None:
            return parse(source).evaluate_bool(context)
        return False

    # --- builder checks ------------------------------------------------------------------------

    def check_spec(self, spec, *, language: str = 'ru', known: Mapping | None = None) -> list:
        """Everything wrong with ``spec``, as :class:`Problem` values (never raises).

        ``language`` is the questionnaire's main language (texts and labels must exist in it);
        ``known`` maps the variables defined before this question to their expression types
        (None: check expression syntax only).
        """
        if not isinstance(spec, dict):
            return [Problem(messages.spec_not_object(), '', 'spec_invalid')]
        naming = checks.check_variable(spec.get('variable'))
        problems = naming + self.check_text(spec, language)
        settings = spec.get('settings')
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            return problems + [Problem(messages.settings_not_object(), 'settings',
                                       'settings_invalid')]
        problems += checks.check_unknown_settings(
            settings, {*self.common_settings, *self.default_settings})
        for key, flags in (('options', self.option_flags), ('rows', self.row_flags)):
            if flags is None:
                if spec.get(key):
                    problems.append(Problem(messages.no_items(key), key, 'items_unexpected'))
            else:
                problems += checks.check_items(spec.get(key), key, language, allowed_flags=flags,
                                               labels_required=self.labels_required(key))
        if any(problem.code in BLOCKING for problem in problems):
            return problems  # the type's own checks need well-formed options and rows
        merged = self.settings(spec)
        setting_problems = (self.check_common(merged, language)
                            + self.check_settings(spec, merged, language))
        problems += setting_problems
        if not naming and not setting_problems:
            problems += checks.check_expressions(merged, known, self.expression_variables(spec),
                                                 self.expression_type(spec))
        return problems

    def check_text(self, spec, language) -> list:
        return checks.check_language_text(spec.get('text'), 'text', language,
                                          messages.question_text())

    def labels_required(self, key: str) -> bool:
        return True

    def check_common(self, settings: dict, language: str) -> list:
        problems = []
        if 'required' in self.common_settings:
            problems += checks.check_bool(settings, 'required')
        for name, what in (('hint', messages.hint()),
                           ('constraint_message', messages.constraint_message())):
            if name in self.common_settings:
                problems += checks.check_language_text(settings.get(name), f'settings.{name}',
                                                       language, what, required=False)
        return problems

    def check_settings(self, spec, settings: dict, language: str) -> list:
        """Type-specific checks (settings are merged with the defaults; structure is sound)."""
        return []

    # --- analysis variables and expressions ----------------------------------------------------

    @abstractmethod
    def variables(self, spec, language: str) -> list:
        """The analysis variables this question yields, labelled in ``language``."""

    def variable_names(self, spec) -> list:
        return [variable.name for variable in self._unlabelled_variables(spec)]

    def _unlabelled_variables(self, spec) -> tuple:
        """``variables(spec, '')``, for their names and kinds: remembered on a published spec
        (building every variable with its labels is the costly part of reading a grid)."""
        return remembered(spec, 'variables', lambda: tuple(self.variables(spec, '')))

    def is_answered(self, spec, answers: Mapping) -> bool:
        """Whether the stored answers say anything (a multiple choice with no tick does not)."""
        if self.expression_type(spec):
            return self.expression_value(spec, answers) not in (None, '', [])
        return any(answers.get(name) not in (None, '') for name in self.variable_names(spec))

    def empty_answers(self, spec) -> dict:
        """The answers of a question not shown (all system-missing)."""
        return dict.fromkeys(self.variable_names(spec))

    def expression_type(self, spec) -> str | None:
        """The expression-language type of ``${<question variable>}``, or None if it has none."""
        return None

    def expression_variables(self, spec) -> dict:
        """Every name this question defines for expressions, with its type."""
        names = {}
        main = self.expression_type(spec)
        if main:
            names[spec['variable']] = main
        for variable in self._unlabelled_variables(spec):
            coded = variable.value_labels and variable.role != 'mr_item'
            names.setdefault(variable.name, 'select_one' if coded and variable.kind == 'numeric'
                             else _KIND_TYPES[variable.kind])
        return names

    def expression_value(self, spec, answers: Mapping) -> Any:
        """The value expressions see for ``${<question variable>}``, from stored answers."""
        return answers.get(spec['variable'])

    def expression_values(self, spec, answers: Mapping) -> dict:
        """Values for every name of :meth:`expression_variables`, from stored answers."""
        values = {name: answers.get(name) for name in self.expression_variables(spec)}
        if self.expression_type(spec):
            values[spec['variable']] = self.expression_value(spec, answers)
        return values

    # --- respondent form -----------------------------------------------------------------------

    @abstractmethod
    def form_fields(self, spec, language: str, *, option_order=None, row_order=None,
                    context: Mapping | None = None) -> list:
        """``[(field name, UnboundField)]`` for the page form; names are variable names."""

    def field_names(self, spec) -> list:
        """Names of the fields :meth:`form_fields` makes (by default, the variable names)."""
        return self.variable_names(spec)

    @abstractmethod
    def answers_from_form(self, spec, form) -> dict:
        """The answers to store, keyed by variable name, from a validated form."""

    def validate_group(self, spec, form, language: str | None = None, *,
                       context: Mapping | None = None) -> list:
        """Cross-field errors of a submitted form (after ``form.validate()``).

        Returns [] while a field of the question has its own error: that error says it better.
        ``context`` holds the expression values of the other questions; with it, required-if
        and the validation constraint are applied.
        """
        for name in self.field_names(spec):
            if name in form and form[name].errors:
                return []
        answers = self.answers_from_form(spec, form)
        return (self.group_errors(spec, answers, self.is_required(spec, context), language or '')
                + self.constraint_errors(spec, answers, context, language or ''))

    # --- API -----------------------------------------------------------------------------------

    @abstractmethod
    def json_rules(self, spec, required: bool) -> dict:
        """``{variable name: Rule}`` checking each JSON value (see :mod:`.rules`)."""

    def answers_from_json(self, spec, payload, language: str | None = None, *,
                          context: Mapping | None = None) -> tuple:
        """``(answers, errors)`` from a JSON object of values keyed by variable name.

        Keys of other questions are ignored. ``errors`` maps a variable name (the question's own
        for cross-field rules) to messages; when it is not empty, store nothing.
        """
        answers = self.empty_answers(spec)
        if not isinstance(payload, Mapping):
            return answers, {spec['variable']: [messages.expected('object')]}
        required = self.is_required(spec, context)
        errors = {}
        for name, rule in self.json_rules(spec, required).items():
            try:
                answers[name] = rule.clean(payload.get(name))
            except InvalidValue as error:
                errors.setdefault(name, []).append(error.message)
        answers = self.complete_answers(spec, answers)
        if not errors:
            group = (self.group_errors(spec, answers, required, language or '')
                     + self.constraint_errors(spec, answers, context, language or ''))
            if group:
                errors[spec['variable']] = group
        return answers, errors

    def complete_answers(self, spec, answers: dict) -> dict:
        """Fill what a JSON client may leave out (e.g. the 0s of unchosen options)."""
        return answers

    # --- rules shared by forms and JSON --------------------------------------------------------

    def group_errors(self, spec, answers: dict, required: bool, language: str) -> list:
        """Rules across the question's variables (exclusive options, sums, ranks ...)."""
        return []

    def constraint_errors(self, spec, answers: dict, context: Mapping | None,
                          language: str) -> list:
        """``settings.constraint`` on an answered question (needs ``context``, as ODK does)."""
        settings = self.settings(spec)
        source = settings.get('constraint')
        if not source or context is None or not self.is_answered(spec, answers):
            return []
        values = dict(context)
        values.update(self.expression_values(spec, answers))
        current = self.expression_value(spec, answers) if self.expression_type(spec) else None
        if parse(source).evaluate_bool(values, current=current):
            return []
        return [localized(settings.get('constraint_message'), language)
                or messages.constraint_failed()]

