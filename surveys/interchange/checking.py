"""The registry's checks of a whole definition, with each problem's place as path parts."""

from __future__ import annotations

import re

from surveys.definition import check_definition

_PART = re.compile(r'([^.\[\]]+)|\[(\d+)\]')


def field_parts(field: str) -> list:
    """``'options[2].settings.other'`` -> ``['options', 2, 'settings', 'other']``."""
    return [name if name else int(index) for name, index in _PART.findall(field or '')]


def registry_problems(definition) -> list:
    """``[(question index or None, path parts, message)]`` from ``check_definition``."""
    return [(index, field_parts(problem.field), str(problem.message))
            for index, problem in check_definition(definition)]


def json_parts(definition, index, parts) -> list:
    """The JSON path of a registry problem: options of a shared list point into the list."""
    if index is None:
        return parts
    questions = definition.get('questions') or []
    spec = questions[index] if 0 <= index < len(questions) else {}
    list_name = ((spec.get('settings') or {}).get('option_list')
                 if isinstance(spec, dict) else None)
    if parts[:1] == ['options'] and len(parts) > 1 and list_name and not spec.get('options'):
        return ['option_lists', list_name, *parts[1:]]
    return ['questions', index, *parts]
