"""Groups of survey rows -> specs: Anketa's item groups (grid, semantic differential,
constant sum, word association), sections and headings."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .xlsform_choices import json_object
from .xlsform_questions import Context, Source, anketa_kind, common_settings, list_items, new_spec
from .xlsform_types import COMPOSITE


def composite(context: Context, node) -> tuple | None:
    """An Anketa grid, semantic differential, constant sum or word association group."""
    row = node.row
    marker = anketa_kind(context, row, node.type)
    if marker is None:
        return None
    residue = json_object(context.sheet, row, 'anketa_settings', context.problems)
    spec = new_spec(row, marker, context.texts(row, 'label'),
                    {**residue, **common_settings(context, row)})
    source = Source(row, {'rows': []})
    pattern = re.compile(re.escape(row.get('name')) + '_' + COMPOSITE[marker]
                         + '([1-9][0-9]{0,8})')
    columns = None
    for child in node.children:
        match = pattern.fullmatch(child.row.get('name'))
        if child.children is not None or not match:
            context.problem(child.row, _(
                'In an Anketa %(type)s group, every row is an item named %(pattern)s with the '
                'item code (e.g. %(example)s).', type=marker,
                pattern=f"{row.get('name')}_{COMPOSITE[marker]}<code>",
                example=f"{row.get('name')}_{COMPOSITE[marker]}1"), 'name')
            continue
        spec['rows'].append({'code': int(match.group(1)),
                             'label': context.texts(child.row, 'label'),
                             'settings': json_object(context.sheet, child.row,
                                                     'anketa_settings', context.problems)})
        source.items['rows'].append((context.sheet, child.row))
        if marker == 'grid':
            if not child.type.is_select or (columns and columns != child.type):
                context.problem(child.row, _('Every row of a grid chooses from the same list '
                                             '(select_one or select_multiple).'))
            columns = columns or (child.type if child.type.is_select else None)
    if columns is not None:
        found = list_items(context, row, columns, 'options')
        if found is None:
            return None
        spec['options'], source.items['options'], names, shared = found
        context.names[spec['variable']] = names
        if shared:
            spec['settings']['option_list'] = shared
    return spec, source


def block(context: Context, node, kind: str, relevant: str | None) -> tuple:
    """A section (top-level group) or an instruction (a nested group's label)."""
    row = node.row
    settings = {}
    if kind == 'section' and row.get('anketa_type') == 'section':
        settings = json_object(context.sheet, row, 'anketa_settings', context.problems)
    if relevant:
        settings['relevant'] = relevant
    return new_spec(row, kind, context.texts(row, 'label'), settings), Source(row)
