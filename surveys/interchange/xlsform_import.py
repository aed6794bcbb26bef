"""XLSForm (.xlsx) -> questionnaire definition, all or nothing.

See docs/questionnaire-format.md for the mapping. Every problem is gathered (sheet, row,
column) and raised together in one :class:`ImportFailed`; nothing is returned half.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from surveys.definition import FORMAT, FORMAT_VERSION

from .checking import registry_problems
from .errors import ImportFailed, Problem
from .languages import guess_language, header_language
from .normal import normalise
from .schema import schema_errors
from .xlsform_choices import json_object, read_choices
from .xlsform_expr import combine, recode, unsupported_syntax
from .xlsform_groups import block, composite
from .xlsform_questions import Context, question
from .xlsform_read import parse_sheet, read_workbook
from .xlsform_structure import drop_repeats, parse_survey, skipped_names
from .xlsform_types import COMPOSITE, HEADER, appearances

#: Expression settings and the survey column each comes from.
EXPRESSION_COLUMNS = {'relevant': 'relevant', 'constraint': 'constraint',
                      'required_if': 'required'}
_SETTING_COLUMNS = {**EXPRESSION_COLUMNS, 'required': 'required', 'hint': 'hint',
                    'constraint_message': 'constraint_message'}
_ITEM_COLUMNS = {'code': 'name', 'label': 'label', 'settings': 'anketa_settings'}
_VARIABLE = re.compile(r'\$\{([^}]*)\}')


def _settings_row(sheets, problems):
    """The settings sheet and its first row of values (None, None when there is none)."""
    if 'settings' not in sheets:
        return None, None
    sheet = parse_sheet(*sheets['settings'], problems)
    return sheet, (sheet.rows[0] if sheet.rows else None)


def _languages(survey, choices, settings_sheet, settings, language, problems):
    """``(languages, default)``: the columns' languages; the default from the settings sheet,
    the ``language`` argument, or a guess from the texts of columns without a language."""
    found = list(dict.fromkeys(survey.languages + (choices.languages if choices else [])))
    default = None
    if settings is not None and settings.get('default_language'):
        default = header_language(settings.get('default_language'))
        if default is None:
            problems.append(settings_sheet.problem(settings.number, _(
                'The default_language "%(value)s" is not a language; write it as e.g. '
                '"English (en)".', value=settings.get('default_language')[:40]),
                'default_language'))
    plain = [row.get(column) for sheet in (survey, choices) if sheet is not None
             for row in sheet.rows for column in ('label', 'hint') if row.get(column)]
    if default is None:
        default = (language or guess_language(plain)) if plain or not found else found[0]
    return ([default] if default not in found else []) + found, default


def _title(context, settings, survey_title, problems, settings_sheet) -> tuple:
    """``(title, definition settings, shared list names or None)``."""
    extra = {} if settings is None else json_object(
        settings_sheet, settings, 'anketa_definition_settings', problems)
    title = extra.get('title') if isinstance(extra.get('title'), dict) else {}
    definition_settings = extra.get('settings') if isinstance(extra.get('settings'), dict) \
        else {}
    shared = extra.get('option_lists') if isinstance(extra.get('option_lists'), list) else None
    form_title = settings.get('form_title') if settings is not None else ''
    fallback = form_title or survey_title or (settings.get('form_id') if settings else '')
    if fallback and (form_title or not title):
        title = {**title, context.default: fallback}
    xlsform = definition_settings.get('xlsform')
    xlsform = dict(xlsform) if isinstance(xlsform, dict) else {}
    for key in ('form_id', 'version'):
        xlsform.pop(key, None)
        if settings is not None and settings.get(key):
            xlsform[key] = settings.get(key)
    definition_settings = {**definition_settings, 'xlsform': xlsform}
    return title, definition_settings, shared


def _shared_lists(nodes, lists, marked) -> set:
    """Lists that become shared option lists: those an Anketa export marks, or else those
    that several questions choose from."""
    if marked is not None:
        return {name for name in marked if name in lists}
    uses = {}

    def count(items):
        for node in items:
            if node.children is not None:
                count(node.children)
            elif node.type.base in ('select_one', 'select_multiple') and not node.type.or_other \
                    and HEADER not in appearances(node.row.get('appearance')):
                uses[node.type.list_name] = uses.get(node.type.list_name, 0) + 1
    count(nodes)
    return {name for name, used in uses.items() if used > 1 and name in lists}


def _is_section(node) -> bool:
    return (node.children is not None and node.row.get('anketa_type') not in COMPOSITE
            and bool(node.row.texts('label') or node.row.get('label')
                     or node.row.get('anketa_type') == 'section'))


def _walk(context, nodes, depth, conditions, out):
    """Specs in order; groups become sections (top level), or pass their conditions down."""
    def add(found, extra):
        if found is not None:
            spec, source = found
            relevant = combine([*extra, spec['settings'].get('relevant')])
            if relevant:
                spec['settings']['relevant'] = relevant
            out.append((spec, source))

    for position, node in enumerate(nodes):
        if node.children is None:
            add(question(context, node), conditions)
        elif node.row.get('anketa_type') in COMPOSITE:
            add(composite(context, node), conditions)
        else:
            own = node.row.get('relevant') or None
            if depth == 0 and _is_section(node):
                after = nodes[position + 1] if position + 1 < len(nodes) else None
                safe = after is None or _is_section(after)
                add(block(context, node, 'section', own if safe else None), [])
                _walk(context, node.children, 1, [] if safe else [own], out)
            else:
                if node.row.texts('label') or node.row.get('label'):
                    add(block(context, node, 'instruction', None), [*conditions, own])
                _walk(context, node.children, depth + 1, [*conditions, own], out)


def _not_imported(context, specs) -> dict:
    """``{name: row number}`` of named rows left out because of their own problems."""
    failed = {problem.row for problem in context.problems if problem.sheet == context.sheet.name}
    variables = {spec['variable'] for spec in specs}
    return {row.get('name'): row.number for row in context.sheet.rows
            if row.number in failed and row.get('name') and row.get('name') not in variables}


def _expressions(context, specs, sources, skipped, dropped) -> set:
    """Check XLSForm-only syntax and recode choice names; returns the cells reported."""
    reported = set()
    for spec, source in zip(specs, sources):
        settings = spec['settings']
        for key, column in EXPRESSION_COLUMNS.items():
            text = settings.get(key)
            if not isinstance(text, str) or not text:
                continue
            messages = [message for message in [unsupported_syntax(text)] if message]
            for name in _VARIABLE.findall(text):
                if name in skipped:
                    messages.append(_('${%(name)s} is a calculate or metadata row (row '
                                      '%(row)s), which Anketa does not import.', name=name,
                                      row=skipped[name]))
                elif name in dropped:
                    messages.append(_('${%(name)s} cannot be used: row %(row)s, which defines '
                                      'it, has a problem.', name=name, row=dropped[name]))
            if not messages:
                settings[key], messages = recode(text, context.names,
                                                 context.names.get(spec['variable']))
            for message in messages:
                reported.add(context.problem(source.row, message, column).location)
    return reported


def _locate(context, sources, index, parts, message) -> Problem:
    """The cell a registry or schema problem of question ``index`` points at."""
    source = sources[index]
    head = parts[0] if parts else None
    if head in ('options', 'rows') and len(parts) > 1 and isinstance(parts[1], int):
        items = source.items.get(head) or []
        item = items[parts[1]] if parts[1] < len(items) else None
        if item is not None:
            sheet, row = item
            column = _ITEM_COLUMNS.get(parts[2] if len(parts) > 2 else 'code', 'name')
            return sheet.problem(row.number, message, column, context.default)
    column = {'variable': 'name', 'text': 'label'}.get(head, 'type')
    if head == 'settings' and len(parts) > 1:
        column = _SETTING_COLUMNS.get(parts[1]) or next(
            (name for name in ('anketa_settings', 'parameters', 'appearance')
             if source.row.get(name)), 'type')
    return context.sheet.problem(source.row.number, message, column, context.default)


def _registry(definition, skip) -> list:
    """Registry problems as ``(path parts, message)``, leaving out the questions in ``skip``
    (their shape is wrong, so the registry cannot look at them)."""
    kept = [index for index in range(len(definition['questions'])) if index not in skip]
    partial = {**definition, 'questions': [definition['questions'][index] for index in kept]}
    return [(['questions', kept[index], *parts] if index is not None else parts, message)
            for index, parts, message in registry_problems(partial)]


def _check(context, definition, sources, reported, settings_sheet, settings) -> list:
    # The registry words variable-name problems better than the schema does.
    found = [(parts, message) for parts, message in schema_errors(definition)
             if not (parts[:1] == ['questions'] and parts[2:] == ['variable'])]
    if all(parts[:1] == ['questions'] and len(parts) > 1 for parts, _message in found):
        broken = {parts[1] for parts, _message in found}
        found += _registry(definition, broken)
    problems = []
    for parts, message in found:
        if parts[:1] == ['questions'] and len(parts) > 1:
            problem = _locate(context, sources, parts[1], parts[2:], message)
        elif parts[:1] == ['option_lists'] and len(parts) > 2:
            choices = context.lists[parts[1]].choices
            row = choices[parts[2]].row if isinstance(parts[2], int) else choices[0].row
            problem = context.choices_sheet.problem(row.number, message, 'label')
        elif settings_sheet is not None and settings is not None:
            column = {'default_language': 'default_language', 'title': 'form_title'}.get(
                parts[0] if parts else None, 'anketa_definition_settings')
            problem = settings_sheet.problem(settings.number, message, column)
        else:
            problem = Problem('settings', message, 'settings')
        if problem.location not in reported:
            problems.append(problem)
    return problems


def import_xlsform(data, *, survey_title=None, language=None) -> dict:
    """Read an XLSForm .xlsx upload into a definition, or raise :class:`ImportFailed`.

    ``survey_title`` is used when the form's settings have no ``form_title``; ``language`` is
    the language of columns without one (plain ``label``) when the settings name no
    ``default_language`` (without either, Cyrillic texts mean ``ru``, others ``en``).
    """
    sheets = read_workbook(data)
    problems = []
    if 'survey' not in sheets:
        raise ImportFailed([Problem('survey', _('The file has no "survey" sheet, so it is not '
                                                'an XLSForm.'), 'survey')])
    survey = parse_sheet(*sheets['survey'], problems)
    if not survey.has('type'):
        problems.append(Problem(f'{survey.name}!A1', _('The survey sheet has no "type" column.'),
                                survey.name, 1, 'A'))
    choices = parse_sheet(*sheets['choices'], problems) if 'choices' in sheets else None
    settings_sheet, settings = _settings_row(sheets, problems)
    languages, default = _languages(survey, choices, settings_sheet, settings, language,
                                    problems)
    lists = read_choices(choices, languages, default, problems)
    nodes = drop_repeats(survey, parse_survey(survey, problems), problems)
    context = Context(survey, choices, lists, set(), languages, default, problems)
    title, definition_settings, marked = _title(context, settings, survey_title, problems,
                                                settings_sheet)
    context.shared = _shared_lists(nodes, lists, marked)
    built = []
    _walk(context, nodes, 0, [], built)
    specs = [spec for spec, _source in built]
    sources = [source for _spec, source in built]
    reported = _expressions(context, specs, sources, skipped_names(survey),
                            _not_imported(context, specs))
    seen = {}
    for spec, source in built:
        name = spec['variable']
        if name in seen:
            reported.add(context.problem(source.row, _(
                'The name %(name)s is already used on row %(row)s.', name=name,
                row=seen[name]), 'name').location)
        seen.setdefault(name, source.row.number)
    xlsform = definition_settings['xlsform']
    if context.required_messages:
        xlsform['required_message'] = context.required_messages
    names = {variable: found.recorded for variable, found in context.names.items()
             if found.recorded}
    if names:
        kept = xlsform.get('choice_names')
        xlsform['choice_names'] = {**(kept if isinstance(kept, dict) else {}), **names}
    if not xlsform:
        del definition_settings['xlsform']
    definition = normalise({
        'format': FORMAT, 'format_version': FORMAT_VERSION, 'title': title,
        'languages': languages, 'default_language': default, 'settings': definition_settings,
        'option_lists': {name: lists[name].options() for name in lists
                         if name in context.shared},
        'questions': specs})
    problems += _check(context, definition, sources, reported, settings_sheet, settings)
    if problems:
        order = {name: position for position, name in
                 enumerate([survey.name, choices.name if choices else '', 'settings'])}
        problems.sort(key=lambda p: (order.get(p.sheet, 9), p.row or 0,
                                     len(p.column or ''), p.column or ''))
        raise ImportFailed(problems)
    return definition
