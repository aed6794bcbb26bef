"""Tree-walking evaluation of a parsed expression over a mapping of answers.

Recursion is bounded by the parser's nesting limit, so it cannot exhaust the stack.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial
from typing import Any, Mapping

from . import nodes
from .errors import ExpressionEvaluationError
from .functions import FUNCTIONS
from .i18n import _
from .operators import arithmetic, compare, negate
from .values import normalise_value, truthy


@dataclass(frozen=True)
class Context:
    """What an evaluation reads: the answers, the current value (``.``) and today's date."""

    answers: Mapping[str, Any]
    current: Any = None
    today: datetime.date | None = None

    @classmethod
    def create(cls, answers, current=None, today=None) -> 'Context':
        """Check the arguments of an evaluation and normalise the current value once."""
        if not isinstance(answers, Mapping):
            raise TypeError(f'answers must be a mapping, not {type(answers).__name__}')
        if today is not None and not isinstance(today, datetime.date):
            raise TypeError(f'today must be a datetime.date, not {type(today).__name__}')
        if isinstance(today, datetime.datetime):
            today = today.date()
        return cls(answers, normalise_value(current, '.'), today)


def evaluate(node, context: Context):
    """The value of ``node`` (a :mod:`nodes` tree) in ``context``."""
    return _EVALUATORS[type(node)](node, context)


def _variable(node: nodes.Variable, context: Context):
    return normalise_value(context.answers.get(node.name), node.name)


def _logical(node: nodes.Logical, context: Context) -> bool:
    # Short-circuit, so that `${q} != '' and ${q} > 3`-style guards behave as they read.
    stop_at = node.operator == 'or'
    for operand in node.operands:
        if truthy(evaluate(operand, context)) == stop_at:
            return stop_at
    return not stop_at


def _arithmetic(node: nodes.Arithmetic, context: Context):
    result = evaluate(node.operands[0], context)
    for operator, operand in zip(node.operators, node.operands[1:]):
        result = arithmetic(operator, result, evaluate(operand, context))
    return result


def _call(node: nodes.Call, context: Context):
    spec = FUNCTIONS.get(node.name)
    if spec is None or not spec.accepts_count(len(node.arguments)):
        # parse() rejects such calls; only a hand-built tree gets here.
        raise ExpressionEvaluationError(_('Cannot call %(name)s() here.') % {'name': node.name},
                                        node.column, node.line)
    if spec.lazy:
        arguments = [partial(evaluate, argument, context) for argument in node.arguments]
    else:
        arguments = [evaluate(argument, context) for argument in node.arguments]
    return spec.implementation(context, arguments)


_EVALUATORS = {
    nodes.Number: lambda node, context: node.value,
    nodes.String: lambda node, context: node.value,
    nodes.Variable: _variable,
    nodes.Current: lambda node, context: context.current,
    nodes.Negate: lambda node, context: negate(evaluate(node.operand, context)),
    nodes.Arithmetic: _arithmetic,
    nodes.Comparison: lambda node, context: compare(
        node.operator, evaluate(node.left, context), evaluate(node.right, context)),
    nodes.Logical: _logical,
    nodes.Call: _call,
}
