"""Parsed expressions: :func:`parse` (cached), :class:`Expression` and :func:`validate`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

from . import nodes
from .checker import check
from .errors import error_for_problem
from .evaluator import Context, evaluate
from .functions import function_problems
from .parser import parse_tree
from .values import truthy

#: How many distinct sources :func:`parse` remembers.
PARSE_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Expression:
    """A parsed expression, ready to evaluate any number of times.

    Attributes
    ----------
    source : str
        The text it was parsed from.
    ast : nodes.Node
        The syntax tree (see :mod:`surveys.expressions.nodes`).
    variables : frozenset of str
        Names referenced as ``${name}``.
    uses_current : bool
        Whether it uses ``.``, the value being validated.
    """

    source: str
    ast: Any
    variables: frozenset
    uses_current: bool

    def evaluate(self, answers: Mapping[str, Any], current: Any = None, today=None):
        """The value of the expression.

        Parameters
        ----------
        answers : Mapping
            Answers by variable name; a missing name counts as unanswered (``None``).
        current : optional
            The value ``.`` stands for (the answer being validated).
        today : datetime.date, optional
            What ``today()`` returns; defaults to the local date (pass it for determinism).

        Returns
        -------
        None, bool, int, float, str, datetime.date or tuple of str
            A multiple-choice value comes back as a tuple of code strings.

        Raises
        ------
        ExpressionEvaluationError
            If an answer has a type no question produces (e.g. a dict).
        """
        return evaluate(self.ast, Context.create(answers, current, today))

    def evaluate_bool(self, answers: Mapping[str, Any], current: Any = None, today=None) -> bool:
        """The truthiness of :meth:`evaluate` (None, 0, '', no options and False are false)."""
        return truthy(self.evaluate(answers, current, today))


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(source: str) -> Expression:
    tree = parse_tree(source)
    problems = function_problems(tree)
    if problems:
        raise error_for_problem(problems[0])
    all_nodes = list(nodes.walk(tree))
    return Expression(
        source=source,
        ast=tree,
        variables=frozenset(node.name for node in all_nodes if isinstance(node, nodes.Variable)),
        uses_current=any(isinstance(node, nodes.Current) for node in all_nodes),
    )


def parse(source: str) -> Expression:
    """Parse an expression (results are cached by source).

    Raises
    ------
    TypeError
        If ``source`` is not a string.
    ExpressionSyntaxError
        For malformed text, an empty text, or text beyond the length or nesting limits.
    ExpressionFunctionError
        For an unknown function or a wrong number of arguments.
    """
    if not isinstance(source, str):
        raise TypeError(f'an expression must be a str, not {type(source).__name__}')
    return _parse(source)


def validate(source: str, variables: Mapping[str, str], *, allow_current: bool = False,
             current_type: str | None = None) -> Expression:
    """Parse ``source`` and raise on the first problem :func:`check` finds.

    For imports and APIs that reject bad input outright. The raised error is the subclass of
    ``ExpressionError`` matching the problem's kind, with every problem in ``.problems``.
    """
    problems = check(source, variables, allow_current=allow_current, current_type=current_type)
    if problems:
        error = error_for_problem(problems[0])
        error.problems = problems
        raise error
    return parse(source)
