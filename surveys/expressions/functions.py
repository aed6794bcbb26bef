"""The function registry: name -> arity, implementation and static types.

Implementations take the evaluation context and a list of argument values. A *lazy* function gets
zero-argument callables instead, so that ``if()`` evaluates only the branch it returns.
"""

from __future__ import annotations

import datetime
import difflib
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Callable

from . import nodes
from . import vartypes as types
from .errors import Problem, position_text
from .i18n import _
from .values import codes_of, is_empty, normalise_number, to_date, to_number, to_text, truthy


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the language.

    Attributes
    ----------
    name : str
        The name as written in expressions (``count-selected``).
    min_arguments, max_arguments : int, int or None
        Arity range; ``None`` means any number of arguments.
    implementation : callable
        ``implementation(context, arguments) -> value``.
    returns : str or callable
        Static result type, or a callable taking the argument types and returning it.
    argument_types : tuple of str or None
        Category of accepted static types per position (a key of
        ``vartypes.ARGUMENT_CATEGORIES``, or None for any); the last entry repeats.
    lazy : bool
        Whether the implementation receives callables instead of values.
    """

    name: str
    min_arguments: int
    max_arguments: int | None
    implementation: Callable
    returns: object
    argument_types: tuple = (None,)
    lazy: bool = False

    def __post_init__(self):
        for category in self.argument_types:
            if category is not None and category not in types.ARGUMENT_CATEGORIES:
                raise ValueError(f'unknown argument category {category!r} for {self.name}()')

    def accepts_count(self, count: int) -> bool:
        """Whether ``count`` arguments is a valid call."""
        return count >= self.min_arguments and (self.max_arguments is None or count <= self.max_arguments)

    def argument_category(self, position: int):
        """Category of static types accepted at argument ``position`` (None: any)."""
        return self.argument_types[min(position, len(self.argument_types) - 1)]

    def result_type(self, argument_types: list) -> str:
        """Static result type for arguments of ``argument_types``."""
        return self.returns(argument_types) if callable(self.returns) else self.returns


def _selected(context, arguments):
    value, code = arguments
    code_text = to_text(code).strip()
    return code_text != '' and code_text in codes_of(value)


def _if(context, arguments):
    condition, when_true, when_false = arguments
    return when_true() if truthy(condition()) else when_false()


def _integer(context, arguments):
    number = to_number(arguments[0])
    return None if number is None else normalise_number(math.trunc(number))


def _round(context, arguments):
    """Round half away from zero on the decimal digits (ODK; Python's round() is half-even)."""
    number = to_number(arguments[0])
    digits = to_number(arguments[1]) if len(arguments) > 1 else 0
    if number is None or digits is None:
        return None
    # Beyond these bounds the result is the number itself or zero, and Decimal needs no more.
    digits = max(-400, min(400, math.trunc(digits)))
    exact = Decimal(number) if isinstance(number, int) else Decimal(repr(number))
    if exact.as_tuple().exponent >= -digits:
        return number
    with localcontext() as decimal_context:
        decimal_context.prec = 1000
        rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return normalise_number(float(rounded))


def _coalesce(context, arguments):
    return next((value for value in arguments if not is_empty(value)), None)


def _numbers(arguments):
    """The numeric readings of the answered arguments (missing and non-numeric are skipped)."""
    return [number for number in map(to_number, arguments) if number is not None]


def _extreme(choose):
    def implementation(context, arguments):
        numbers = _numbers(arguments)
        return choose(numbers) if numbers else None
    return implementation


def _sum(context, arguments):
    # Plain left-to-right addition, like '+' and like the browser evaluator (not math.fsum).
    return normalise_number(sum(_numbers(arguments), 0))


def _today(context, arguments):
    return context.today if context.today is not None else datetime.date.today()


def _branches(argument_types):
    return types.join_types(argument_types[1:3])


_NUMBER, _TEXT, _BOOLEAN, _DATE = types.NUMBER, types.TEXT, types.BOOLEAN, types.DATE

_SPECS = (
    FunctionSpec('selected', 2, 2, _selected, _BOOLEAN, ('choice', None)),
    FunctionSpec('count-selected', 1, 1, lambda context, arguments: len(codes_of(arguments[0])),
                 _NUMBER, ('choice',)),
    FunctionSpec('string-length', 1, 1, lambda context, arguments: len(to_text(arguments[0])), _NUMBER),
    FunctionSpec('if', 3, 3, _if, _branches, lazy=True),
    FunctionSpec('not', 1, 1, lambda context, arguments: not truthy(arguments[0]), _BOOLEAN),
    FunctionSpec('true', 0, 0, lambda context, arguments: True, _BOOLEAN),
    FunctionSpec('false', 0, 0, lambda context, arguments: False, _BOOLEAN),
    FunctionSpec('number', 1, 1, lambda context, arguments: to_number(arguments[0]), _NUMBER),
    FunctionSpec('int', 1, 1, _integer, _NUMBER, ('numeric_or_text',)),
    FunctionSpec('round', 1, 2, _round, _NUMBER, ('numeric_or_text', 'numeric')),
    FunctionSpec('concat', 1, None, lambda context, arguments: ''.join(map(to_text, arguments)), _TEXT),
    FunctionSpec('coalesce', 2, 2, _coalesce, types.join_types),
    FunctionSpec('contains', 2, 2,
                 lambda context, arguments: to_text(arguments[1]) in to_text(arguments[0]), _BOOLEAN),
    FunctionSpec('today', 0, 0, _today, _DATE),
    FunctionSpec('date', 1, 1, lambda context, arguments: to_date(arguments[0]), _DATE,
                 ('date_like',)),
    FunctionSpec('min', 1, None, _extreme(min), _NUMBER, ('numeric',)),
    FunctionSpec('max', 1, None, _extreme(max), _NUMBER, ('numeric',)),
    FunctionSpec('sum', 1, None, _sum, _NUMBER, ('numeric',)),
)


def _build_registry(specs) -> dict:
    registry = {}
    for spec in specs:
        if spec.name in registry:
            raise ValueError(f'function {spec.name!r} is registered twice')
        registry[spec.name] = spec
    return registry


#: Every function of the language by name.
FUNCTIONS: dict = _build_registry(_SPECS)


def _arity_text(spec: FunctionSpec) -> str:
    low, high = spec.min_arguments, spec.max_arguments
    if high is None:
        return _('at least 1 argument') if low == 1 else _('at least %(count)s arguments') % {'count': low}
    if low == high == 0:
        return _('no arguments')
    if low == high == 1:
        return _('1 argument')
    if low == high:
        return _('%(count)s arguments') % {'count': low}
    if high == low + 1:
        return _('%(low)s or %(high)s arguments') % {'low': low, 'high': high}
    return _('%(low)s to %(high)s arguments') % {'low': low, 'high': high}


def call_problem(call: nodes.Call):
    """The problem with a call's function name or argument count, or None."""
    spec = FUNCTIONS.get(call.name)
    position = position_text(call.line, call.column)
    if spec is None:
        message = _('Unknown function %(name)s() at %(position)s.') % {'name': call.name, 'position': position}
        close = difflib.get_close_matches(call.name, FUNCTIONS, n=1)
        if close:
            message += ' ' + _('Did you mean %(name)s()?') % {'name': close[0]}
        return Problem(message, call.column, 'function', line=call.line)
    if not spec.accepts_count(len(call.arguments)):
        message = _('%(name)s() at %(position)s takes %(expected)s, not %(count)s.') % {
            'name': call.name, 'position': position, 'expected': _arity_text(spec),
            'count': len(call.arguments)}
        return Problem(message, call.column, 'function', line=call.line)
    return None


def function_problems(tree) -> list:
    """Problems with every function call in ``tree``, left to right."""
    calls = (node for node in nodes.walk(tree) if isinstance(node, nodes.Call))
    return [problem for problem in map(call_problem, calls) if problem is not None]
