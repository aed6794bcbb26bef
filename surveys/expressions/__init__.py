"""The questionnaire expression language (the XLSForm/ODK expression subset).

One language for relevance (display conditions), skip, screen-out, required-if, validation
constraints, piping, quotas and filters; ``docs/expressions.md`` is the reference for researchers.
Sources are parsed with a real LALR parser (lark), never ``eval``. This package is pure: it imports
neither Flask nor the database layer.

>>> parse("${age} >= 18 and selected(${brands}, '4')").evaluate_bool({'age': 30, 'brands': [4]})
True
"""

from .checker import check
from .errors import (ExpressionError, ExpressionEvaluationError, ExpressionFunctionError,
                     ExpressionNameError, ExpressionSyntaxError, ExpressionTypeError, Problem)
from .expression import Expression, parse, validate
from .functions import FUNCTIONS, FunctionSpec
from .i18n import set_translator
from .nodes import unparse
from .parser import MAX_DEPTH, MAX_SOURCE_LENGTH
from .piping import display_value, pipe, piped_variables
from .vartypes import VARIABLE_TYPES

__all__ = [
    'FUNCTIONS', 'MAX_DEPTH', 'MAX_SOURCE_LENGTH', 'VARIABLE_TYPES',
    'Expression', 'ExpressionError', 'ExpressionEvaluationError', 'ExpressionFunctionError',
    'ExpressionNameError', 'ExpressionSyntaxError', 'ExpressionTypeError', 'FunctionSpec', 'Problem',
    'check', 'display_value', 'parse', 'pipe', 'piped_variables', 'set_translator', 'unparse',
    'validate',
]
