"""XLSForm expressions on import: refuse what Anketa's language lacks, recode choice names.

Anketa stores whole-number codes, so a list with names like ``male`` gets codes 1..n; the
expressions that test those names (``${sex} = 'male'``, ``selected(${sex}, 'male')``) are
rewritten to the codes (``${sex} = '1'``). Other syntax is checked later by the registry.
"""

from __future__ import annotations

import dataclasses
import re

from flask_babel import gettext as _

from surveys.expressions import ExpressionError, nodes, parse, unparse

# XLSForm syntax with no counterpart in Anketa's language, and how to name it in a message.
_UNSUPPORTED = (
    (re.compile(r'\bjr:[\w-]+'), 'jr:'),
    (re.compile(r'(^|[\s(,=<>!+*-])(\.\.|/[A-Za-z_])'), 'paths'),
)


def unsupported_syntax(source: str) -> str | None:
    """A message when ``source`` uses XLSForm syntax Anketa cannot run, else None."""
    for pattern, what in _UNSUPPORTED:
        match = pattern.search(source)
        if not match:
            continue
        if what == 'paths':
            return _('XPath paths (such as ../name or /data/name) are not supported; refer to '
                     'questions as ${name}.')
        return _('%(function)s is not supported by Anketa\'s expression language.',
                 function=match.group(0) + ('()' if '(' in source[match.end():][:1] else ''))
    return None


@dataclasses.dataclass
class ChoiceNames:
    """How one select question's choice names become codes."""

    list_name: str
    codes: dict            # choice name -> code
    strict: bool           # names are not numbers: a name not in the list is an error
    recorded: list = dataclasses.field(default_factory=list)  # [[code, original name]]


def recode(source: str, names: dict, own: ChoiceNames | None = None) -> tuple:
    """``(new source, problems)`` with choice names replaced by codes.

    ``names`` maps question variables to :class:`ChoiceNames`; ``own`` is the question's own
    (for ``.`` in its constraint). A source that does not parse is returned unchanged (the
    registry reports the syntax error).
    """
    try:
        tree = parse(source).ast
    except ExpressionError:
        return source, []
    problems = []

    def names_of(node):
        if isinstance(node, nodes.Variable):
            return names.get(node.name)
        if isinstance(node, nodes.Current):
            return own
        return None

    def literal(node, choice):
        if choice is None or not isinstance(node, (nodes.String, nodes.Number)):
            return node
        text = node.value if isinstance(node, nodes.String) else str(node.value)
        code = choice.codes.get(text)
        if code is None:
            if choice.strict:
                problems.append(_('"%(name)s" is not a choice of the list %(list)s.',
                                  name=text[:40], list=choice.list_name))
            return node
        return node if str(code) == text else nodes.String(str(code))

    def rebuild(node):
        if isinstance(node, nodes.Comparison):
            left, right = rebuild(node.left), rebuild(node.right)
            if node.operator in ('=', '!='):
                right = literal(right, names_of(left))
                left = literal(left, names_of(right))
            return dataclasses.replace(node, left=left, right=right)
        if isinstance(node, nodes.Call):
            arguments = [rebuild(argument) for argument in node.arguments]
            if node.name == 'selected' and len(arguments) == 2:
                arguments[1] = literal(arguments[1], names_of(arguments[0]))
            return dataclasses.replace(node, arguments=tuple(arguments))
        if isinstance(node, nodes.Negate):
            return dataclasses.replace(node, operand=rebuild(node.operand))
        if isinstance(node, (nodes.Arithmetic, nodes.Logical)):
            return dataclasses.replace(node, operands=tuple(rebuild(part)
                                                            for part in node.operands))
        return node

    rebuilt = rebuild(tree)
    if rebuilt == tree:
        return source, problems
    return unparse(rebuilt), problems


def combine(conditions) -> str | None:
    """Display conditions that must all hold, as one expression (None when there are none)."""
    conditions = [condition for condition in conditions if condition]
    if len(conditions) <= 1:
        return conditions[0] if conditions else None
    return ' and '.join(f'({condition})' for condition in conditions)
