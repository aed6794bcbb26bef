"""Static checks for the questionnaire builder: everything that can be found without answers.

``check()`` never raises for bad expressions: it returns :class:`Problem` values, sorted by position.
"""

from __future__ import annotations

import difflib
from typing import Mapping

from . import nodes
from . import vartypes as types
from .errors import ExpressionSyntaxError, Problem, position_text
from .functions import FUNCTIONS, call_problem, function_problems
from .i18n import _
from .parser import parse_tree
from .values import date_from_text


def _arithmetic_hint(value_type: str) -> str:
    # Built per message, not at import, so that a translator installed later applies.
    if value_type == types.TEXT:
        return '; ' + _('convert it with number(...) first')
    if value_type == types.SELECT_MULTIPLE:
        return '; ' + _('count the choices with count-selected(...)')
    return ''


def _describe(node) -> str:
    """How a message refers to a sub-expression."""
    if isinstance(node, nodes.Variable):
        return '${%s}' % node.name
    if isinstance(node, nodes.String):
        return "'%s'" % node.value if "'" not in node.value else '"%s"' % node.value
    if isinstance(node, nodes.Current):
        return _('the current value (.)')
    if isinstance(node, nodes.Call):
        return '%s()' % node.name
    return _('the part at %(position)s') % {'position': position_text(node.line, node.column)}


class _TypeChecker:
    """Infers the static type of each node and collects type problems on the way."""

    def __init__(self, variables: Mapping[str, str], current_type: str | None):
        self.variables = variables
        self.current_type = current_type or types.ANY
        self.problems: list = []

    def report(self, node, message: str) -> None:
        self.problems.append(Problem(message, node.column, 'type', line=node.line))

    def infer(self, node) -> str:
        if isinstance(node, nodes.Number):
            return types.NUMBER
        if isinstance(node, nodes.String):
            return types.TEXT
        if isinstance(node, nodes.Variable):
            return self.variables.get(node.name, types.ANY)
        if isinstance(node, nodes.Current):
            return self.current_type
        if isinstance(node, nodes.Logical):
            for operand in node.operands:
                self.infer(operand)
            return types.BOOLEAN
        if isinstance(node, nodes.Negate):
            return self.arithmetic_operand(node.operand, self.infer(node.operand))
        if isinstance(node, nodes.Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, nodes.Comparison):
            return self.comparison(node)
        return self.call(node)

    def arithmetic_operand(self, node, value_type: str) -> str:
        """Report ``node`` if arithmetic cannot use it; the type it contributes."""
        if value_type in types.NUMERIC_TYPES:
            return types.NUMBER if value_type != types.ANY else types.ANY
        message = _('%(what)s is %(type)s, which arithmetic cannot use') % {
            'what': _describe(node), 'type': types.describe_type(value_type)}
        self.report(node, message + _arithmetic_hint(value_type) + '.')
        return types.NUMBER

    def arithmetic(self, node: nodes.Arithmetic) -> str:
        operand_types = [self.infer(operand) for operand in node.operands]
        result = operand_types[0]
        if result != types.DATE:
            result = self.arithmetic_operand(node.operands[0], result)
        for operator, operand, operand_type in zip(node.operators, node.operands[1:], operand_types[1:]):
            result = self.step(operator, result, operand, operand_type)
        return result

    def step(self, operator: str, left_type: str, operand, right_type: str) -> str:
        """Type of ``<left> operator operand``, reporting dates used in unsupported ways."""
        if types.DATE not in (left_type, right_type):
            right = self.arithmetic_operand(operand, right_type)
            return types.ANY if types.ANY in (left_type, right) and operator in ('+', '-') else types.NUMBER
        if types.ANY in (left_type, right_type):
            return types.ANY
        if operator == '-' and left_type == right_type == types.DATE:
            return types.NUMBER
        other = right_type if left_type == types.DATE else left_type
        moves_date = operator == '+' or (operator == '-' and right_type != types.DATE)
        if moves_date and other in types.NUMERIC_TYPES:
            return types.DATE
        self.report(operand, _("Dates can only be subtracted from each other or moved by a number "
                               "of days with '+' and '-' (at %(position)s).")
                    % {'position': position_text(operand.line, operand.column)})
        return types.ANY

    def comparison(self, node: nodes.Comparison) -> str:
        left_type, right_type = self.infer(node.left), self.infer(node.right)
        for operand, operand_type in ((node.left, left_type), (node.right, right_type)):
            if operand_type == types.SELECT_MULTIPLE:
                what = _describe(operand)
                self.report(operand, _("%(what)s is a multiple-choice answer: test it with "
                                       "selected(%(what)s, 'code') or count-selected(%(what)s), "
                                       "not with '%(operator)s'.")
                            % {'what': what, 'operator': node.operator})
                return types.BOOLEAN
        if types.DATE in (left_type, right_type):
            self.date_comparison(node, left_type, right_type)
        elif types.BOOLEAN in (left_type, right_type):
            self.boolean_comparison(node, left_type)
        return types.BOOLEAN

    def boolean_comparison(self, node: nodes.Comparison, left_type: str) -> None:
        # A yes/no value compares by truthiness, so `${consent} = 'false'` would be true.
        boolean, other = (node.left, node.right) if left_type == types.BOOLEAN else (node.right, node.left)
        if isinstance(other, nodes.String):
            self.report(other, _('Compare %(what)s with true() or false(), not with text: any '
                                 'non-empty text counts as true.') % {'what': _describe(boolean)})

    def date_comparison(self, node: nodes.Comparison, left_type: str, right_type: str) -> None:
        other, other_type = (node.right, right_type) if left_type == types.DATE else (node.left, left_type)
        if isinstance(other, nodes.String) and date_from_text(other.value) is None:
            self.report(other, _("%(what)s is not a date: write dates as 'YYYY-MM-DD'.")
                        % {'what': _describe(other)})
        elif other_type in (types.NUMBER, types.BOOLEAN, types.SELECT_ONE):
            self.report(node, _("Cannot compare a date with %(type)s at %(position)s; write the date "
                                "as 'YYYY-MM-DD'.")
                        % {'type': types.describe_type(other_type),
                           'position': position_text(node.line, node.column)})

    def call(self, node: nodes.Call) -> str:
        argument_types = [self.infer(argument) for argument in node.arguments]
        if call_problem(node) is not None:
            return types.ANY  # reported as a 'function' problem already
        spec = FUNCTIONS[node.name]
        for index, (argument, argument_type) in enumerate(zip(node.arguments, argument_types)):
            category = spec.argument_category(index)
            if category is None or argument_type in types.ARGUMENT_CATEGORIES[category]:
                continue
            self.report(argument, _('%(function)s() needs %(expected)s as argument %(index)s, '
                                    'but %(what)s is %(type)s.')
                        % {'function': node.name, 'expected': types.describe_category(category),
                           'index': index + 1, 'what': _describe(argument),
                           'type': types.describe_type(argument_type)})
        return spec.result_type(argument_types)


def _closest_name(name: str, variables: Mapping[str, str]) -> str | None:
    """A defined variable the researcher probably meant (names are case-sensitive: q9 vs Q9)."""
    same_letters = [candidate for candidate in variables if candidate.lower() == name.lower()]
    if same_letters:
        return same_letters[0]
    close = difflib.get_close_matches(name, list(variables), n=1)
    return close[0] if close else None


def _name_problems(tree, variables: Mapping[str, str], allow_current: bool) -> list:
    problems = []
    for node in nodes.walk(tree):
        if isinstance(node, nodes.Variable) and node.name not in variables:
            message = _('Unknown variable ${%(name)s} at %(position)s.') % {
                'name': node.name, 'position': position_text(node.line, node.column)}
            close = _closest_name(node.name, variables)
            if close:
                message += ' ' + _('Did you mean ${%(name)s}?') % {'name': close}
            problems.append(Problem(message, node.column, 'unknown_variable', line=node.line))
        elif isinstance(node, nodes.Current) and not allow_current:
            problems.append(Problem(
                _("The current value '.' at %(position)s can only be used in a validation "
                  'constraint.') % {'position': position_text(node.line, node.column)},
                node.column, 'unknown_variable', line=node.line))
    return problems


def _check_arguments(variables, current_type) -> None:
    if not isinstance(variables, Mapping):
        raise TypeError(f'variables must be a mapping of name to type, not {type(variables).__name__}')
    for name, value_type in variables.items():
        if value_type not in types.VARIABLE_TYPES:
            raise ValueError(f'variable {name!r} has unknown type {value_type!r}; '
                             f'expected one of {sorted(types.VARIABLE_TYPES)}')
    if current_type is not None and current_type not in types.VARIABLE_TYPES:
        raise ValueError(f'unknown current_type {current_type!r}')


def check(source: str, variables: Mapping[str, str], *, allow_current: bool = False,
          current_type: str | None = None) -> list:
    """Find the problems in an expression before it is saved.

    Parameters
    ----------
    source : str
        The expression as the researcher wrote it.
    variables : Mapping[str, str]
        The questionnaire's variables: name -> ``'number'``, ``'text'``, ``'date'``,
        ``'select_one'``, ``'select_multiple'`` or ``'boolean'``.
    allow_current : bool
        Whether ``.`` may be used (validation constraints).
    current_type : str, optional
        The type of ``.`` (the question being validated), for type checks.

    Returns
    -------
    list of Problem
        Empty when the expression is fine. A syntax error is reported alone (nothing else can be
        checked); otherwise function, name and type problems, sorted by position.
    """
    _check_arguments(variables, current_type)
    try:
        tree = parse_tree(source)
    except ExpressionSyntaxError as error:
        return [error.to_problem()]
    checker = _TypeChecker(variables, current_type)
    checker.infer(tree)
    problems = function_problems(tree) + _name_problems(tree, variables, allow_current) + checker.problems
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
