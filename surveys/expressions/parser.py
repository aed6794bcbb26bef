"""Source text -> syntax tree, with the language's own errors and limits.

Lark's LALR parser builds the tree through an inline transformer (callbacks run at each reduction),
so neither parsing nor building recurses: deep input fails with the depth-limit error, never with
RecursionError. Function names are not checked here (see ``expression.py`` and ``checker.py``), so
that ``check()`` can report every unknown function at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from lark import Lark, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from . import nodes
from .errors import ExpressionSyntaxError, position_text
from .i18n import _
from .values import normalise_number

#: Longest accepted source, in characters.
MAX_SOURCE_LENGTH = 2000
#: Deepest accepted nesting of operators, calls and parentheses (see docs/expressions.md).
MAX_DEPTH = 50

KEYWORDS = frozenset({'and', 'or', 'div', 'mod'})
# Terminals that can start a value: when the parser expected one of these, a value is missing.
# (MINUS, NAME and LPAR are left out: they are also expected after a value or a name.)
_VALUE_STARTS = frozenset({'NUMBER', 'STRING', 'VARIABLE', 'DOT'})


def _syntax_error(template: str, line: int | None, column: int | None, **values) -> ExpressionSyntaxError:
    """An error whose message names its position (``template`` takes ``%(position)s``)."""
    message = template % dict(values, position=position_text(line, column))
    return ExpressionSyntaxError(message, column, line)


def _at(node_or_token) -> dict:
    return {'line': node_or_token.line, 'column': node_or_token.column}


def _deepest(children) -> int:
    return 1 + max((child.depth for child in children), default=0)


class _TreeBuilder(Transformer):
    """Lark callbacks turning each reduction into a :mod:`nodes` object (stateless, thread-safe)."""

    def _checked(self, node):
        if node.depth > MAX_DEPTH:
            raise _syntax_error(
                _('The expression is nested too deeply at %(position)s '
                  '(the limit is %(limit)s levels); split it into simpler conditions.'),
                node.line, node.column, limit=MAX_DEPTH)
        return node

    def or_expr(self, operands):
        return self._checked(nodes.Logical('or', tuple(operands), depth=_deepest(operands),
                                           **_at(operands[0])))

    def and_expr(self, operands):
        return self._checked(nodes.Logical('and', tuple(operands), depth=_deepest(operands),
                                           **_at(operands[0])))

    def comparison(self, children):
        left, operator, right = children
        return self._checked(nodes.Comparison(left, str(operator), right, depth=_deepest((left, right)),
                                              **_at(operator)))

    def _chain(self, children):
        operands, operators = tuple(children[0::2]), tuple(children[1::2])
        spelled = tuple('div' if operator == '/' else str(operator) for operator in operators)
        return self._checked(nodes.Arithmetic(operands, spelled, depth=_deepest(operands),
                                              **_at(operands[0])))

    additive = multiplicative = _chain

    def negate(self, children):
        minus, operand = children
        return self._checked(nodes.Negate(operand, depth=_deepest((operand,)), **_at(minus)))

    def group(self, children):
        # Parentheses add no node, but they count as a level of nesting (as they would in a
        # recursive-descent parser such as the browser's).
        (inner,) = children
        return self._checked(dataclasses.replace(inner, depth=inner.depth + 1))

    def number(self, children):
        (token,) = children
        value = normalise_number(float(token)) if '.' in token else normalise_number(int(token))
        if value is None:
            raise _syntax_error(_('The number at %(position)s is too large.'), token.line, token.column)
        return nodes.Number(value, **_at(token))

    def string(self, children):
        (token,) = children
        return nodes.String(str(token)[1:-1], **_at(token))

    def variable(self, children):
        (token,) = children
        return nodes.Variable(str(token)[2:-1], **_at(token))

    def current(self, children):
        return nodes.Current(**_at(children[0]))

    def arguments(self, children):
        return tuple(children)

    def call(self, children):
        name, arguments = children
        arguments = arguments or ()
        return self._checked(nodes.Call(str(name), arguments, depth=_deepest(arguments), **_at(name)))

    def bare_name(self, children):
        (name,) = children
        raise _bare_name_error(name)


def _bare_name_error(name) -> ExpressionSyntaxError:
    """Explain a name written without ${...} or without parentheses."""
    text = str(name)
    if text in KEYWORDS:
        return _syntax_error(_("Unexpected '%(name)s' at %(position)s: a value is missing before it."),
                             name.line, name.column, name=text)
    if text.lower() in KEYWORDS:
        return _syntax_error(_("Unexpected '%(name)s' at %(position)s: operators are written in "
                               "lower case ('%(lower)s')."),
                             name.line, name.column, name=text, lower=text.lower())
    from .functions import FUNCTIONS  # a late import keeps the parser free of evaluation code
    if text in FUNCTIONS:
        return _syntax_error(_("'%(name)s' at %(position)s is a function: write %(name)s(...)."),
                             name.line, name.column, name=text)
    return _syntax_error(_("Unknown name '%(name)s' at %(position)s: variables are written "
                           "as ${%(name)s}."), name.line, name.column, name=text)


_PARSER = Lark(
    (Path(__file__).with_name('grammar.lark')).read_text(encoding='utf-8'),
    parser='lalr',
    lexer='contextual',
    transformer=_TreeBuilder(),
    maybe_placeholders=True,
)


def _describe_token(token) -> str:
    if token.type == 'STRING' or token.type == 'VARIABLE':
        return str(token)
    return "'%s'" % token


def _line_and_column(source: str, offset: int) -> tuple:
    line = source.count('\n', 0, offset) + 1
    return line, offset - (source.rfind('\n', 0, offset) + 1) + 1


def _unexpected_characters(source: str, error: UnexpectedCharacters) -> ExpressionSyntaxError:
    character = source[error.pos_in_stream]
    line, column = error.line, error.column
    if character == '$':
        return _syntax_error(_('Malformed variable reference at %(position)s: write ${name}, where '
                               'the name has letters, digits and underscores only.'), line, column)
    if character in '\'"':
        return _syntax_error(_('The text starting at %(position)s has no closing %(quote)s.'),
                             line, column, quote=character)
    if character == '!':
        return _syntax_error(_("Unexpected '!' at %(position)s: write != for 'not equal' "
                               'and not(...) for negation.'), line, column)
    # Invisible characters (pasted control codes) are named by their code point.
    shown = character if character.isprintable() else 'U+%04X' % ord(character)
    return _syntax_error(_("Unexpected character '%(character)s' at %(position)s."),
                         line, column, character=shown)


def _unexpected_token(source: str, error: UnexpectedToken) -> ExpressionSyntaxError:
    token, expected = error.token, set(error.expected)
    history = getattr(error, 'token_history', None) or []
    previous = history[-1] if history else None
    if previous is not None and previous.type == 'NAME':
        # A name not followed by '(': report the name, which is the real mistake.
        return _bare_name_error(previous)
    value_missing = bool(expected & _VALUE_STARTS)
    if token.type == '$END':
        line, column = _line_and_column(source, len(source.rstrip()))
        if value_missing:
            return _syntax_error(_('The expression is incomplete at %(position)s: a value is missing.'),
                                 line, column)
        return _syntax_error(_("The expression is incomplete at %(position)s: a closing ')' "
                               'is missing.'), line, column)
    described = _describe_token(token)
    if token.type == 'COMPARATOR' and not value_missing:
        return _syntax_error(_('Unexpected %(token)s at %(position)s: comparisons cannot be '
                               "chained; join them with 'and'."), token.line, token.column,
                             token=described)
    if token.type == 'NAME' and not value_missing:
        return _bare_name_error(token) if str(token).lower() in KEYWORDS else _syntax_error(
            _("Unexpected '%(name)s' at %(position)s: an operator (such as 'and' or '=') is "
              'missing before it.'), token.line, token.column, name=str(token))
    if value_missing:
        return _syntax_error(_('Unexpected %(token)s at %(position)s: a value is missing before it.'),
                             token.line, token.column, token=described)
    if token.type == 'RPAR':
        return _syntax_error(_("Unexpected ')' at %(position)s: there is no '(' for it to close."),
                             token.line, token.column)
    if token.type in ('VARIABLE', 'NUMBER', 'STRING', 'DOT'):
        return _syntax_error(_('Unexpected %(token)s at %(position)s: an operator (such as '
                               "'and' or '=') is missing before it."), token.line, token.column,
                             token=described)
    return _syntax_error(_('Unexpected %(token)s at %(position)s.'), token.line, token.column,
                         token=described)


def parse_tree(source: str):
    """Parse ``source`` into a :mod:`nodes` tree.

    Raises
    ------
    TypeError
        If ``source`` is not a string.
    ExpressionSyntaxError
        If the text is not a well-formed expression, is empty, is longer than
        :data:`MAX_SOURCE_LENGTH` or nests deeper than :data:`MAX_DEPTH`.
    """
    if not isinstance(source, str):
        raise TypeError(f'an expression must be a str, not {type(source).__name__}')
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionSyntaxError(
            _('The expression is too long (%(length)s characters; the limit is %(limit)s).')
            % {'length': len(source), 'limit': MAX_SOURCE_LENGTH})
    if not source.strip():
        raise ExpressionSyntaxError(_('The expression is empty.'))
    try:
        return _PARSER.parse(source)
    except UnexpectedCharacters as error:
        raise _unexpected_characters(source, error) from None
    except UnexpectedToken as error:
        raise _unexpected_token(source, error) from None
    except UnexpectedInput as error:  # pragma: no cover - LALR reports the end as UnexpectedToken
        raise _syntax_error(_('The expression cannot be read at %(position)s.'),
                            getattr(error, 'line', None), getattr(error, 'column', None)) from None
