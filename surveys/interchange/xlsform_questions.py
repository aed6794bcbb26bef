"""Survey rows -> question specs: plain XLSForm rows and rows Anketa exported."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from surveys.questions import UnknownQuestionType, get_type

from .errors import Problem
from .xlsform_choices import choice_names, json_object, media_problems, other_option, texts
from .xlsform_read import Row, Sheet
from .xlsform_types import (ANKETA_BASE, DROPDOWN, HEADER, LIKERT, MULTILINE, OTHER_TEXT,
                            XlsType, appearances, is_true, parse_parameters)


@dataclass
class Source:
    """Where a spec came from: its survey row, and a ``(sheet, row)`` per option / row."""

    row: Row
    items: dict = field(default_factory=dict)


@dataclass
class Context:
    """What the conversion of one form needs and gathers."""

    sheet: Sheet
    choices_sheet: Sheet | None
    lists: dict
    shared: set
    languages: list
    default: str
    problems: list
    names: dict = field(default_factory=dict)  # variable -> ChoiceNames (select questions)
    required_messages: dict = field(default_factory=dict)

    def problem(self, row: Row, message: str, column='type', language=None) -> Problem:
        problem = self.sheet.problem(row.number, message, column, language)
        self.problems.append(problem)
        return problem

    def texts(self, row: Row, column: str) -> dict:
        return texts(row, column, self.languages, self.default)


def common_settings(context: Context, row: Row) -> dict:
    """hint, constraint message, relevant, constraint and required (or required-if)."""
    settings = {}
    for key in ('hint', 'constraint_message'):
        found = context.texts(row, key)
        if found:
            settings[key] = found
    for key in ('relevant', 'constraint'):
        if row.get(key):
            settings[key] = row.get(key)
    required = row.get('required')
    if required:
        flag = is_true(required)
        if flag is None:
            settings['required_if'] = required
        else:
            settings['required'] = flag
    message = context.texts(row, 'required_message')
    if message and row.get('name'):
        context.required_messages[row.get('name')] = message
    return settings


def new_spec(row: Row, kind: str, text: dict, settings: dict) -> dict:
    """A question spec in the builder's shape."""
    return {'variable': row.get('name') or '', 'type': kind, 'text': text, 'settings': settings,
            'options': [], 'rows': []}


def list_items(context: Context, row: Row, xtype: XlsType, key: str):
    """``(items, item sources, ChoiceNames, shared list name or None)``; None if no list."""
    choices = context.lists.get(xtype.list_name)
    if choices is None:
        if context.choices_sheet is None:
            context.problem(row, _('The form has no "choices" sheet, so the list %(list)s does '
                                   'not exist.', list=xtype.list_name[:40]))
        else:
            context.problem(row, _('There is no choice list called %(list)s in the choices '
                                   'sheet.', list=xtype.list_name[:40]))
        return None
    other = other_option(choices, context.languages) if xtype.or_other else None
    sources = [(context.choices_sheet, choice.row) for choice in choices.choices]
    sources += [None] if other else []
    names = choice_names(choices, other)
    if key == 'options' and other is None and choices.name in context.shared:
        return [], sources, names, choices.name
    return choices.options() + ([other] if other else []), sources, names, None


def _parameters(context: Context, row: Row) -> dict:
    try:
        return parse_parameters(row.get('parameters'))
    except ValueError as error:
        context.problem(row, _('The parameter "%(part)s" is not written as name=value.',
                               part=str(error)[:40]), 'parameters')
        return {}


def _number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def _range(context: Context, row: Row, spec: dict, parameters: dict) -> None:
    """range -> nps (0..10), rating (1..3-11), or a number with min and max."""
    start, end, step = (_number(parameters.get(name, default)) for name, default in
                        (('start', '1'), ('end', '10'), ('step', '1')))
    if None in (start, end, step) or step <= 0:
        context.problem(row, _('A range needs numbers for start, end and a positive step, '
                               'e.g. "start=1 end=5 step=1".'), 'parameters')
        spec['type'] = 'numeric'
        return
    if step == 1 and (start, end) == (0, 10):
        spec['type'] = 'nps'
    elif step == 1 and start == 1 and isinstance(end, int) and 3 <= end <= 11:
        spec['type'], spec['settings']['points'] = 'rating', end
    else:
        whole = all(isinstance(value, int) for value in (start, end, step))
        spec['type'] = 'numeric'
        spec['settings'].update({'integer': whole, 'min': min(start, end), 'max': max(start, end)})
        if not whole:
            spec['settings']['decimals'] = min(len(str(step).partition('.')[2]), 6)


def _fit(spec: dict) -> dict:
    """Fold what the type cannot hold: a note's hint joins its text; ``required`` is dropped
    where the type has none (notes, consent)."""
    kind = get_type(spec['type'])
    settings = spec['settings']
    if 'required' not in kind.common_settings:
        settings.pop('required', None)
    if spec['type'] == 'instruction' and 'hint' in settings:
        hint = settings.pop('hint')
        spec['text'] = {lang: '\n\n'.join(part for part in (spec['text'].get(lang),
                                                             hint.get(lang)) if part)
                        for lang in dict.fromkeys([*spec['text'], *hint])}
    return spec


def question(context: Context, node) -> tuple | None:
    """``(spec, Source)`` for a question row, or None when it yields no question."""
    row, xtype = node.row, node.type
    context.problems.extend(media_problems(context.sheet, row))
    if row.get('choice_filter'):
        context.problem(row, _('Cascading selects (choice_filter) are not supported.'),
                        'choice_filter')
    if row.get('anketa_type'):
        return _anketa_question(context, node)
    look = appearances(row.get('appearance'))
    if xtype.is_select and HEADER in look:
        return None  # a matrix header row: it only shows the column labels
    parameters = _parameters(context, row)
    spec = new_spec(row, None, context.texts(row, 'label'), common_settings(context, row))
    settings, source, base = spec['settings'], Source(row), xtype.base
    if base == 'text':
        spec['type'] = 'long_text' if MULTILINE in look else 'short_text'
    elif base in ('integer', 'decimal'):
        spec['type'], settings['integer'] = 'numeric', base == 'integer'
    elif base in ('date', 'note'):
        spec['type'] = 'date' if base == 'date' else 'instruction'
    elif base == 'range':
        _range(context, row, spec, parameters)
    elif xtype.is_select:
        found = list_items(context, row, xtype, 'rows' if base == 'rank' else 'options')
        if found is None:
            return None
        items, sources, names, shared = found
        shuffle = is_true(parameters.get('randomize', '')) is True
        context.names[spec['variable']] = names
        if base == 'rank':
            spec.update(type='ranking', rows=items)
            source.items['rows'] = sources
            if shuffle:
                settings['randomize_rows'] = 'shuffle'
            return _fit(spec), source
        spec['options'], source.items['options'] = items, sources
        if shared:
            settings['option_list'] = shared
        count = len(sources)
        if base == 'select_multiple':
            spec['type'] = 'multiple_choice'
        elif LIKERT in look and not xtype.or_other and count in (5, 7):
            spec['type'], settings['points'] = 'likert', count
        else:
            spec['type'] = 'single_choice'
            if DROPDOWN in look:
                settings['display'] = 'dropdown'
        if shuffle:
            settings['randomize'] = 'shuffle'
    else:
        context.problem(row, _('The question type "%(type)s" is not supported by Anketa.',
                               type=row.get('type')[:40]))
        return None
    return _fit(spec), source


def anketa_kind(context: Context, row: Row, xtype: XlsType):
    marker = row.get('anketa_type')
    try:
        get_type(marker)
    except UnknownQuestionType:
        context.problem(row, _('Unknown Anketa question type "%(type)s".', type=marker[:40]),
                        'anketa_type')
        return None
    expected = ANKETA_BASE.get(marker, ())
    if xtype.base not in (expected if isinstance(expected, tuple) else (expected,)):
        context.problem(row, _('The type "%(type)s" does not fit the Anketa type "%(anketa)s"; '
                               'clear the anketa_ cells of this row to import it as a plain '
                               'XLSForm question.', type=row.get('type')[:40], anketa=marker),
                        'anketa_type')
        return None
    return marker


def _anketa_question(context: Context, node) -> tuple | None:
    row, xtype = node.row, node.type
    if row.get('anketa_type') == OTHER_TEXT:
        return None  # written for other tools; the option's "other" flag asks for the text
    marker = anketa_kind(context, row, xtype)
    if marker is None:
        return None
    residue = json_object(context.sheet, row, 'anketa_settings', context.problems)
    spec = new_spec(row, marker, context.texts(row, 'label'),
                    {**residue, **common_settings(context, row)})
    source = Source(row)
    key = 'rows' if marker == 'ranking' else 'options'
    if xtype.is_select:
        found = list_items(context, row, xtype, key)
        if found is None:
            return None
        spec[key], source.items[key], names, shared = found
        if shared:
            spec['settings']['option_list'] = shared
        context.names[spec['variable']] = names
    list_name = spec['settings'].pop('@list', None)
    if marker == 'randomizer' and list_name:
        found = list_items(context, row, XlsType('select_one', str(list_name)), 'rows')
        if found is None:
            return None
        spec['options'], source.items['options'], context.names[spec['variable']] = found[:3]
    return spec, source
