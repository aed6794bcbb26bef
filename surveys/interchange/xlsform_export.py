"""Questionnaire definition -> XLSForm .xlsx: ``survey``, ``choices`` and ``settings`` sheets.

Standard XLSForm columns carry what XLSForm can say, so that other tools (KoboToolbox, ODK)
read the file; ``anketa_type`` and ``anketa_settings`` carry the rest, so that Anketa's own
import gives the definition back (in normal form, see :mod:`.normal`).
"""

from __future__ import annotations

import io
import json

from openpyxl import Workbook

from surveys.questions import get_type

from .languages import language_name
from .xlsform_cells import (compact, is_text, names_fit, split_settings, survey_columns,
                            write_sheet)
from .xlsform_types import COMPOSITE, OTHER_TEXT

_TEXT_TYPES = {'short_text': '', 'long_text': 'multiline', 'own_words': 'multiline',
               'sentence_completion': '', 'story_completion': 'multiline', 'email': ''}
_SELECT_TYPES = {'single_choice': 'select_one', 'dichotomous': 'select_one',
                 'likert': 'select_one', 'importance': 'select_one', 'consent': 'select_one',
                 'multiple_choice': 'select_multiple'}
_CHILD_TYPES = {'semantic_differential': 'range', 'constant_sum': 'integer',
                'word_association': 'text'}
_SURVEY_COLUMNS = ('type', 'name', 'label', 'hint', 'required', 'required_message', 'relevant',
                   'constraint', 'constraint_message', 'appearance', 'parameters', 'calculation',
                   'anketa_type', 'anketa_settings')
_TEXT_COLUMNS = {'label', 'hint', 'constraint_message', 'required_message'}


class _Writer:
    """Collects the rows of the three sheets."""

    def __init__(self, definition):
        self.definition = definition
        self.languages = list(definition.get('languages') or [])
        self.shared = dict(definition.get('option_lists') or {})
        self.survey, self.choices = [], []
        self.list_rows, self.users = {}, {}  # list name -> its choices rows / variables
        self.taken = set(self.shared)
        for name, items in self.shared.items():
            self.write_list(name, items)
        xlsform = (definition.get('settings') or {}).get('xlsform')
        messages = xlsform.get('required_message') if isinstance(xlsform, dict) else None
        variables = {spec.get('variable') for spec in definition.get('questions') or []}
        #: Required messages kept from an XLSForm import, when columns can carry them all.
        self.messages = messages if isinstance(messages, dict) and all(
            name in variables and is_text(text, self.languages)
            for name, text in messages.items()) else {}

    def texts(self, key, mapping) -> dict:
        mapping = mapping if isinstance(mapping, dict) else {}
        return {(key, lang): mapping[lang] for lang in self.languages
                if isinstance(mapping.get(lang), str) and mapping[lang].strip()}

    def write_list(self, name, items):
        rows = self.list_rows.setdefault(name, [])
        for item in items:
            rows.append({'list_name': name, 'name': str(item.get('code')),
                         **self.texts('label', item.get('label')),
                         'anketa_settings': compact(item['settings'])
                         if item.get('settings') else ''})
        self.choices += rows

    def own_list(self, variable, items) -> str:
        name, number = variable, 1
        while name in self.taken:
            number += 1
            name = f'{variable}_{number}'
        self.taken.add(name)
        self.write_list(name, items)
        self.users[name] = [variable]
        return name

    def options_list(self, spec, kind, *, refer=True) -> tuple:
        """``(list name, whether it is the shared list of settings.option_list)``; ``refer``:
        the row names the list in its type cell."""
        shared = (spec.get('settings') or {}).get('option_list')
        if not spec.get('options') and isinstance(shared, str) and shared in self.shared:
            if refer:
                self.users.setdefault(shared, []).append(spec['variable'])
            return shared, True
        return self.own_list(spec['variable'], kind.options(spec)), False

    def choice_names(self):
        """Write the kept XLSForm choice names (``settings.xlsform.choice_names``) into the
        choices rows, where the import finds them again; return the names left over."""
        xlsform = (self.definition.get('settings') or {}).get('xlsform')
        kept = xlsform.get('choice_names') if isinstance(xlsform, dict) else None
        if not isinstance(kept, dict):
            return kept
        kept = dict(kept)
        for name, users in self.users.items():
            codes = [row['name'] for row in self.list_rows.get(name, [])]
            pairs = kept.get(users[0])
            if not all(kept.get(user) == pairs for user in users) or not names_fit(pairs, codes):
                continue
            by_code = {str(code): original for code, original in pairs}
            for row in self.list_rows[name]:
                row['anketa_choice_name'] = by_code.get(row['name'], '')
            for user in users:
                del kept[user]
        return kept

    def row(self, spec, xls_type, settings, *, list_carried=False, text=None, **extra) -> dict:
        cells, rest = split_settings(settings, self.languages, list_carried)
        row = {'type': xls_type, 'name': spec['variable'],
               **self.texts('label', spec.get('text') if text is None else text), **cells,
               'anketa_type': spec['type'], 'anketa_settings': compact(rest) if rest else ''}
        row.update({key: value for key, value in extra.items() if value})
        row.update(self.texts('required_message', self.messages.get(spec['variable'])))
        self.survey.append(row)
        return row

    def question(self, spec):
        kind, settings = get_type(spec['type']), dict(spec.get('settings') or {})
        effective, name = kind.settings(spec), spec['type']
        if name in COMPOSITE:
            return self.composite(spec, kind, settings)
        if name in _TEXT_TYPES:
            return self.row(spec, 'text', settings, appearance=_TEXT_TYPES[name])
        if name == 'numeric':
            return self.row(spec, 'integer' if effective['integer'] else 'decimal', settings)
        if name in ('date', 'instruction'):
            return self.row(spec, 'date' if name == 'date' else 'note', settings)
        if name in ('rating', 'nps'):
            first, last = kind.bounds(spec)
            text = {lang: kind.question_text(spec, lang) for lang in self.languages} \
                if name == 'nps' else None
            return self.row(spec, 'range', settings, text=text,
                            parameters=f'start={first} end={last} step=1')
        if name == 'ranking':
            rows = self.own_list(spec['variable'], kind.rows(spec))
            return self.row(spec, f'rank {rows}', settings, parameters='randomize=true'
                            if effective.get('randomize_rows') == 'shuffle' else '')
        list_name, carried = self.options_list(spec, kind, refer=name != 'randomizer')
        if name == 'randomizer':
            if not carried:
                settings['@list'] = list_name
            count = len(kind.options(spec)) or 1
            return self.row(spec, 'calculate', settings,
                            calculation=f'once(int(random() * {count}) + 1)')
        appearance = {'likert': 'likert', 'importance': 'likert'}.get(name, '')
        if effective.get('display') == 'dropdown':
            appearance = 'minimal'
        self.row(spec, f'{_SELECT_TYPES[name]} {list_name}', settings, list_carried=carried,
                 appearance=appearance, parameters='randomize=true'
                 if effective.get('randomize') == 'shuffle' else '')
        self.other_text(spec, kind)

    def other_text(self, spec, kind):
        """A text row for the "other, please specify" answer, for other tools."""
        resolved = spec
        shared = (spec.get('settings') or {}).get('option_list')
        if not spec.get('options') and shared in self.shared:
            resolved = {**spec, 'options': self.shared[shared]}
        for option in kind.options(resolved):
            if (option.get('settings') or {}).get('other') is True:
                self.survey.append({
                    'type': 'text', 'name': f"{spec['variable']}_other",
                    **self.texts('label', option.get('label')),
                    'relevant': f"selected(${{{spec['variable']}}}, '{option['code']}')",
                    'anketa_type': OTHER_TEXT})
                return

    def composite(self, spec, kind, settings):
        variable, name = spec['variable'], spec['type']
        columns, carried = (self.options_list(spec, kind) if name == 'grid' else (None, False))
        self.row(spec, 'begin group', settings, list_carried=carried,
                 appearance='table-list' if name == 'grid' else 'field-list')
        child_type = _CHILD_TYPES.get(name)
        if name == 'grid':
            child_type = ('select_multiple ' if kind.settings(spec)['multiple'] is True
                          else 'select_one ') + columns
        points = kind.settings(spec).get('points')
        for item in kind.rows(spec):
            label = item.get('label')
            if name == 'semantic_differential' and not self.texts('label', label):
                label = {lang: kind.pair_label(item, lang) for lang in self.languages}
            self.survey.append({
                'type': child_type, 'name': f"{variable}_{COMPOSITE[name]}{item['code']}",
                **self.texts('label', label),
                'parameters': f'start=1 end={points} step=1' if points else '',
                'anketa_settings': compact(item['settings']) if item.get('settings') else ''})
        self.survey.append({'type': 'end group'})

    def section(self, spec):
        self.row(spec, 'begin group', dict(spec.get('settings') or {}), appearance='field-list')

    def settings_row(self) -> dict:
        definition = self.definition
        settings = json.loads(json.dumps(definition.get('settings') or {}))
        xlsform = settings.get('xlsform') if isinstance(settings.get('xlsform'), dict) else {}
        names = self.choice_names()
        if names:
            xlsform['choice_names'] = names
        else:
            xlsform.pop('choice_names', None)
        row = {}
        for key in ('form_id', 'version'):
            if isinstance(xlsform.get(key), str) and xlsform[key].strip() == xlsform[key] != '':
                row[key] = xlsform.pop(key)
        if self.messages:
            xlsform.pop('required_message', None)
        if 'xlsform' in settings and isinstance(settings['xlsform'], dict) and not xlsform:
            del settings['xlsform']
        title = definition.get('title') or {}
        default = definition.get('default_language')
        row.update({'form_title': title.get(default, ''),
                    'default_language': f'{language_name(default)} ({default})',
                    'anketa_definition_settings': compact({
                        'title': title, 'settings': settings,
                        'option_lists': list(self.shared)})})
        return row


def export_xlsform(definition) -> bytes:
    """The definition as an XLSForm workbook (.xlsx bytes).

    Raises ValueError for a text longer than a cell holds (:data:`.xlsform_cells.CELL_MAX`).
    """
    writer = _Writer(definition)
    in_section = False
    for spec in definition.get('questions') or []:
        if spec['type'] == 'section':
            if in_section:
                writer.survey.append({'type': 'end group'})
            writer.section(spec)
            in_section = True
        else:
            writer.question(spec)
    if in_section:
        writer.survey.append({'type': 'end group'})
    languages = writer.languages
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_sheet(workbook, 'survey', survey_columns(writer.survey, _SURVEY_COLUMNS, languages,
                                                   _TEXT_COLUMNS), writer.survey)
    settings = writer.settings_row()  # first: it fills in the kept choice names
    named = any(row.get('anketa_choice_name') for row in writer.choices)
    write_sheet(workbook, 'choices', ['list_name', 'name', *[('label', lang) for lang in languages],
                                      'anketa_settings'] + ['anketa_choice_name'] * named,
                writer.choices)
    write_sheet(workbook, 'settings', ['form_title', 'form_id', 'version', 'default_language',
                                       'anketa_definition_settings'], [settings])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
