"""The question-type registry: one class per type, working on plain question specs.

``docs/question-types.md`` describes the types for researchers (settings, variables, storage).

>>> kind = get_type('multiple_choice')
>>> [v.name for v in kind.variables(spec, 'en')]          # doctest: +SKIP
['Q5_1', 'Q5_2', 'Q5_other']

Importing this package registers every type.
"""

from . import (choice_types, grid_types, open_types, projective_types, ranking_types,  # noqa: F401
               scale_types, structure_types)
from .base import COMMON_SETTINGS, QuestionType
from .contract import Problem, Variable
from .registry import (CATEGORY_LABELS, UnknownQuestionType, all_types, check_questionnaire,
                       check_spec, get_type, ordered_options, register, type_of, types_by_category)
from .spec import CATEGORIES, RESERVED, SPSS_RESERVED, SYSTEM_VARIABLES, VARIABLE_PATTERN

__all__ = [
    'CATEGORIES', 'CATEGORY_LABELS', 'COMMON_SETTINGS', 'RESERVED', 'SPSS_RESERVED',
    'SYSTEM_VARIABLES', 'VARIABLE_PATTERN', 'Problem', 'QuestionType', 'UnknownQuestionType',
    'Variable', 'all_types', 'check_questionnaire', 'check_spec', 'get_type', 'ordered_options',
    'register', 'type_of', 'types_by_category',
]
