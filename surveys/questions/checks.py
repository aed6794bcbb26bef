"""Builder-time checks shared by the question types. Each returns a list of :class:`Problem`.

Messages are written for researchers: they name the setting, the option and the value at fault.
"""

from __future__ import annotations

import datetime

from flask_babel import gettext as _

from surveys.expressions import check as check_expression

from .contract import Problem
from .spec import (MAX_CODE, RANDOMIZE_MODES, VARIABLE_PATTERN, is_code, is_reserved, localized)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_variable(variable) -> list:
    """The question's variable name: pattern, length and reserved words."""
    if not isinstance(variable, str) or not variable:
        return [Problem(_('Give the question a variable name (for example Q1).'), 'variable',
                        'variable_missing')]
    if not VARIABLE_PATTERN.fullmatch(variable):
        return [Problem(_('The variable name "%(name)s" is not valid: start with a Latin letter, '
                          'then use Latin letters, digits and "_", at most 32 characters.',
                          name=variable[:40]), 'variable', 'variable_invalid')]
    if is_reserved(variable):
        return [Problem(_('"%(name)s" is a reserved word (SPSS or a system variable); choose '
                          'another variable name.', name=variable), 'variable',
                        'variable_reserved')]
    return []


def check_language_text(mapping, field: str, language: str, what: str, *,
                        required: bool = True) -> list:
    """A ``{lang: text}`` mapping: its shape, and a text in the main language when required."""
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()):
        return [Problem(_('%(what)s must map language codes to texts.', what=what), field,
                        'text_invalid')]
    if required and not localized(mapping, language, fallback=False):
        return [Problem(_('%(what)s is missing in the main language (%(language)s).',
                          what=what, language=language), field, 'text_missing')]
    return []


def item_name(key: str, position: int) -> str:
    """'Option 3' or 'Row 2' (nominative, so messages can start with it in any language)."""
    if key == 'options':
        return _('Option %(position)s', position=position)
    return _('Row %(position)s', position=position)


def check_items(items, key: str, language: str, *, allowed_flags, labels_required=True) -> list:
    """Options or rows: shape, codes (positive, whole, unique), labels, flags."""
    if items is None:
        return []
    if not isinstance(items, list):
        message = (_('The answer options must be a list.') if key == 'options'
                   else _('The rows must be a list.'))
        return [Problem(message, key, 'items_invalid')]
    problems, seen = [], set()
    for index, item in enumerate(items):
        where, name = f'{key}[{index}]', item_name(key, index + 1)
        if not isinstance(item, dict):
            problems.append(Problem(_('%(item)s is not an object.', item=name), where,
                                    'item_invalid'))
            continue
        code = item.get('code')
        if not is_code(code):
            problems.append(Problem(
                _('%(item)s: the code %(code)s is not valid; codes are whole numbers from 1 to '
                  '%(max)s.', item=name, code=repr(code)[:20], max=MAX_CODE),
                f'{where}.code', 'code_invalid'))
        elif code in seen:
            problems.append(Problem(_('%(item)s: the code %(code)s is already used; every code '
                                      'must be unique.', item=name, code=code),
                                    f'{where}.code', 'code_duplicate'))
        else:
            seen.add(code)
        problems += check_item_label(item.get('label'), f'{where}.label', language, name,
                                     labels_required)
        problems += check_item_settings(item.get('settings'), f'{where}.settings', allowed_flags,
                                        name)
    return problems


def check_item_label(label, field, language, name, required) -> list:
    if label is None:
        label = {}
    if not isinstance(label, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in label.items()):
        return [Problem(_('%(item)s: the label must map language codes to texts.', item=name),
                        field, 'text_invalid')]
    if required and not localized(label, language, fallback=False):
        return [Problem(_('%(item)s: no label in the main language (%(language)s).', item=name,
                          language=language), field, 'text_missing')]
    return []


def check_item_settings(settings, field, allowed, name) -> list:
    if settings is None:
        return []
    if not isinstance(settings, dict):
        return [Problem(_('%(item)s: the settings must be an object.', item=name), field,
                        'settings_invalid')]
    problems = []
    for setting, value in settings.items():
        if setting not in allowed:
            problems.append(Problem(_('%(item)s: unknown setting "%(name)s".', item=name,
                                      name=str(setting)[:40]), f'{field}.{setting}',
                                    'setting_unknown'))
        elif allowed[setting] is bool and not isinstance(value, bool):
            problems.append(Problem(_('%(item)s: the setting "%(name)s" must be true or false.',
                                      item=name, name=setting), f'{field}.{setting}',
                                    'setting_invalid'))
    return problems


def check_unknown_settings(settings: dict, allowed) -> list:
    return [Problem(_('Unknown setting "%(name)s".', name=str(name)[:40]), f'settings.{name}',
                    'setting_unknown') for name in settings if name not in allowed]


def check_bool(settings: dict, name: str) -> list:
    if isinstance(settings.get(name), bool):
        return []
    return [Problem(_('The setting "%(name)s" must be true or false.', name=name),
                    f'settings.{name}', 'setting_invalid')]


def check_int(settings: dict, name: str, minimum: int, maximum: int, *, nullable=False) -> list:
    value = settings.get(name)
    if value is None and nullable:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        return [Problem(_('The setting "%(name)s" must be a whole number from %(min)s to %(max)s '
                          '(it is %(value)s).', name=name, min=minimum, max=maximum,
                          value=repr(value)[:20]), f'settings.{name}', 'setting_invalid')]
    return []


def check_number(settings: dict, name: str) -> list:
    value = settings.get(name)
    if value is None or (_number(value) and value == value and abs(value) != float('inf')):
        return []
    return [Problem(_('The setting "%(name)s" must be a number or empty.', name=name),
                    f'settings.{name}', 'setting_invalid')]


def check_date(settings: dict, name: str) -> list:
    value = settings.get(name)
    if value is None:
        return []
    try:
        if isinstance(value, str) and len(value) == 10:
            datetime.date.fromisoformat(value)
            return []
    except ValueError:
        pass
    return [Problem(_("The setting \"%(name)s\" must be a date written as 'YYYY-MM-DD'.",
                      name=name), f'settings.{name}', 'setting_invalid')]


def check_choice(settings: dict, name: str, allowed) -> list:
    if settings.get(name) in allowed:
        return []
    shown = ', '.join('none' if value is None else str(value) for value in allowed)
    return [Problem(_('The setting "%(name)s" must be one of: %(allowed)s.', name=name,
                      allowed=shown), f'settings.{name}', 'setting_invalid')]


def check_randomize(settings: dict, name: str = 'randomize') -> list:
    return check_choice(settings, name, RANDOMIZE_MODES)


def check_min_max(settings: dict, low: str, high: str) -> list:
    """``low`` must not exceed ``high`` when both are set (numbers or ISO dates)."""
    minimum, maximum = settings.get(low), settings.get(high)
    if minimum is None or maximum is None or type(minimum) is not type(maximum) and not (
            _number(minimum) and _number(maximum)):
        return []
    if minimum > maximum:
        return [Problem(_('The setting "%(low)s" (%(min)s) is greater than "%(high)s" (%(max)s).',
                          low=low, high=high, min=minimum, max=maximum), f'settings.{low}',
                        'min_above_max')]
    return []


#: The expression settings, with whether ``.`` (the answer being validated) may be used.
EXPRESSION_SETTINGS = (('relevant', False), ('required_if', False), ('constraint', True),
                       ('screen_out', False))


def check_expressions(settings: dict, known, own: dict, current_type) -> list:
    """Relevance, required-if, constraint and screen-out against the earlier variables.

    ``known`` is ``{name: type}`` of the earlier questions, or None to check syntax only. The
    constraint (which may also use ``.``) and the screen-out condition may use the question's
    own variables (``own``).
    """
    names = {'relevant': _('Display condition'), 'required_if': _('Required-if condition'),
             'constraint': _('Validation constraint'),
             'screen_out': _('Screen-out condition')}
    problems = []
    for name, allow_current in EXPRESSION_SETTINGS:
        source = settings.get(name)
        if source is None or source == '':
            continue
        if not isinstance(source, str):
            problems.append(Problem(_('%(what)s must be an expression (text).', what=names[name]),
                                    f'settings.{name}', 'expression'))
            continue
        variables = dict(known or {})
        if name in ('constraint', 'screen_out'):
            variables.update(own)
        found = check_expression(source, variables, allow_current=allow_current,
                                 current_type=current_type if allow_current else None)
        if known is None:
            found = [problem for problem in found if problem.kind != 'unknown_variable']
        problems += [Problem(f'{names[name]}: {problem.message}', f'settings.{name}', 'expression')
                     for problem in found]
    return problems
