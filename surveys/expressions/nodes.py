"""The abstract syntax tree: small frozen dataclasses, plus :func:`unparse` back to source.

Positions (``line``, ``column``) are kept for messages but excluded from equality, so two parses
of differently spaced sources compare equal. Chains of operators of one precedence level
(``a + b - c``, ``a and b and c``) are single n-ary nodes: a sum of 60 answers is then one node
deep, and evaluation never recurses deeper than the nesting limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator, Union

@dataclass(frozen=True)
class _Node:
    # Keyword-only so that subclasses can declare their own fields first; none of these take part
    # in equality. ``depth`` is the nesting depth the parser checks against its limit.
    line: int | None = field(default=None, compare=False, repr=False, kw_only=True)
    column: int | None = field(default=None, compare=False, repr=False, kw_only=True)
    depth: int = field(default=1, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Number(_Node):
    """A numeric literal; ``value`` is an int when integral, else a float."""

    value: Union[int, float]


@dataclass(frozen=True)
class String(_Node):
    """A text literal, without its quotes."""

    value: str


@dataclass(frozen=True)
class Variable(_Node):
    """A reference ``${name}`` to an answer."""

    name: str


@dataclass(frozen=True)
class Current(_Node):
    """``.``: the value being validated (in constraints)."""


@dataclass(frozen=True)
class Negate(_Node):
    """Unary minus."""

    operand: 'Node'


@dataclass(frozen=True)
class Arithmetic(_Node):
    """``operands[0] op[0] operands[1] op[1] ...`` of one precedence level, left to right.

    ``operators`` are ``'+'``, ``'-'`` (additive) or ``'*'``, ``'div'``, ``'mod'``
    (multiplicative; ``/`` is read as ``div``).
    """

    operands: tuple
    operators: tuple


@dataclass(frozen=True)
class Comparison(_Node):
    """``left operator right`` with one of ``= != < <= > >=`` (comparisons do not chain)."""

    left: 'Node'
    operator: str
    right: 'Node'


@dataclass(frozen=True)
class Logical(_Node):
    """``operands`` joined by ``'and'`` or by ``'or'`` (short-circuit, left to right)."""

    operator: str
    operands: tuple


@dataclass(frozen=True)
class Call(_Node):
    """A function call ``name(arguments...)``."""

    name: str
    arguments: tuple


Node = Union[Number, String, Variable, Current, Negate, Arithmetic, Comparison, Logical, Call]

ADDITIVE_OPERATORS = ('+', '-')
MULTIPLICATIVE_OPERATORS = ('*', 'div', 'mod')
COMPARISON_OPERATORS = ('=', '!=', '<', '<=', '>', '>=')


def children(node: Node) -> tuple:
    """The direct sub-expressions of ``node``."""
    if isinstance(node, Negate):
        return (node.operand,)
    if isinstance(node, (Arithmetic, Logical)):
        return node.operands
    if isinstance(node, Comparison):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.arguments
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right (iteratively)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


# Binding strength; a child binding no tighter than its parent needs parentheses.
_OR, _AND, _COMPARISON, _ADDITIVE, _MULTIPLICATIVE, _UNARY, _PRIMARY = range(1, 8)


def _precedence(node: Node) -> int:
    if isinstance(node, Logical):
        return _OR if node.operator == 'or' else _AND
    if isinstance(node, Comparison):
        return _COMPARISON
    if isinstance(node, Arithmetic):
        return _ADDITIVE if node.operators[0] in ADDITIVE_OPERATORS else _MULTIPLICATIVE
    if isinstance(node, Negate):
        return _UNARY
    return _PRIMARY


def _format_number_literal(value) -> str:
    if isinstance(value, int):
        return str(value)
    # Positional notation: the grammar has no exponents.
    return format(Decimal(repr(value)), 'f')


def _format_string_literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    # Literals cannot contain both quotes; build the text from pieces instead.
    pieces = [_format_string_literal(part) for part in value.split("'")]
    return 'concat(' + ", \"'\", ".join(pieces) + ')'


def unparse(node: Node) -> str:
    """Canonical source text for ``node``; parsing it gives back an equal tree.

    That holds for every tree the parser produces (a hand-built text holding both quote
    characters is written as a ``concat()`` call, since literals cannot hold both).
    """
    if isinstance(node, Number):
        return _format_number_literal(node.value)
    if isinstance(node, String):
        return _format_string_literal(node.value)
    if isinstance(node, Variable):
        return '${' + node.name + '}'
    if isinstance(node, Current):
        return '.'
    if isinstance(node, Call):
        return node.name + '(' + ', '.join(unparse(argument) for argument in node.arguments) + ')'
    level = _precedence(node)
    if isinstance(node, Negate):
        return '-' + _wrapped(node.operand, level - 1)
    if isinstance(node, Comparison):
        return f'{_wrapped(node.left, level)} {node.operator} {_wrapped(node.right, level)}'
    if isinstance(node, Logical):
        return f' {node.operator} '.join(_wrapped(operand, level) for operand in node.operands)
    parts = [_wrapped(node.operands[0], level)]
    for operator, operand in zip(node.operators, node.operands[1:]):
        parts.append(f'{operator} {_wrapped(operand, level)}')
    return ' '.join(parts)


def _wrapped(node: Node, parent_level: int) -> str:
    text = unparse(node)
    return f'({text})' if _precedence(node) <= parent_level else text
