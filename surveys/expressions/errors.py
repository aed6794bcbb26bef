"""Errors and problems of the expression language.

Every failure the language can report is an :class:`ExpressionError`; ``check()`` reports the same
failures as :class:`Problem` values instead of raising, so the questionnaire builder can list them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import _

#: The kinds of problem ``check()`` reports, in the order a researcher would fix them.
PROBLEM_KINDS = ('syntax', 'function', 'unknown_variable', 'type')


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an expression, found without evaluating it.

    Attributes
    ----------
    message : str
        A plain English sentence (already passed through the translation hook).
    column : int or None
        1-based column in the line where the problem starts, when it has a position.
    kind : str
        ``'syntax'``, ``'function'``, ``'unknown_variable'`` or ``'type'``.
    line : int or None
        1-based line of that column (expressions are usually one line).
    """

    message: str
    column: int | None
    kind: str
    line: int | None = None

    def __post_init__(self):
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f'unknown problem kind {self.kind!r}')


class ExpressionError(Exception):
    """Base class of every error of the expression language.

    Parameters
    ----------
    message : str
        A plain English sentence, shown to researchers as it is.
    column, line : int, optional
        1-based position of the offending text, when there is one.
    """

    #: The :class:`Problem` kind this error corresponds to.
    kind = 'syntax'

    def __init__(self, message: str, column: int | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column
        self.line = line
        #: Every problem found, when raised by ``validate()`` (the first one is this error).
        self.problems: list = []

    def __str__(self) -> str:
        return str(self.message)

    def to_problem(self) -> Problem:
        """The same failure as a :class:`Problem` (used by ``check()``; not for evaluation errors)."""
        return Problem(message=str(self.message), kind=self.kind, column=self.column, line=self.line)


class ExpressionSyntaxError(ExpressionError):
    """The source is not a well-formed expression (or exceeds the length or depth limit)."""

    kind = 'syntax'


class ExpressionFunctionError(ExpressionSyntaxError):
    """An unknown function, or a function called with the wrong number of arguments.

    A subclass of :class:`ExpressionSyntaxError` because ``parse()`` rejects such calls.
    """

    kind = 'function'


class ExpressionNameError(ExpressionError):
    """A variable that the questionnaire does not define, or ``.`` where there is no current value."""

    kind = 'unknown_variable'


class ExpressionTypeError(ExpressionError):
    """Values of the wrong type for an operator or a function (found by static checking)."""

    kind = 'type'


class ExpressionEvaluationError(ExpressionError):
    """Evaluation failed in a way the semantics cannot define away (an unsupported answer value)."""

    kind = 'evaluation'


_ERROR_FOR_KIND = {
    'syntax': ExpressionSyntaxError,
    'function': ExpressionFunctionError,
    'unknown_variable': ExpressionNameError,
    'type': ExpressionTypeError,
}


def error_for_problem(problem: Problem) -> ExpressionError:
    """The exception that :func:`validate` raises for ``problem``."""
    return _ERROR_FOR_KIND[problem.kind](problem.message, problem.column, problem.line)


def position_text(line: int | None, column: int | None) -> str:
    """'column 14', or 'line 2, column 3' for multi-line sources."""
    if line is not None and line > 1:
        return _('line %(line)s, column %(column)s') % {'line': line, 'column': column}
    return _('column %(column)s') % {'column': column}
