"""The ``survey`` sheet as a tree: plain rows, and groups holding rows.

Repeats are refused (one problem naming the repeat's rows); unbalanced ``begin``/``end``
rows are reported where they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from .xlsform_read import Row, Sheet
from .xlsform_types import SKIPPED, UNSUPPORTED, XlsType, is_true, parse_type


@dataclass
class Node:
    """A question row (``children`` None) or a group with its rows."""

    row: Row
    type: XlsType
    children: list | None = None
    end: Row | None = None
    kind: str = 'group'  # or 'repeat'
    inner: list = field(default_factory=list)  # every row inside (for messages)


def _type_problem(sheet: Sheet, row: Row, text: str):
    lowered = text.lower().replace(' ', '_')
    if lowered.startswith(('select_one', 'select_multiple', 'rank')) and len(text.split()) == 1:
        return sheet.problem(row.number, _('"%(type)s" needs the name of a choice list, e.g. '
                                           '"select_one yes_no".', type=text[:40]), 'type')
    return sheet.problem(row.number, _('Unknown question type "%(type)s".', type=text[:40]),
                         'type')


def parse_survey(sheet: Sheet, problems: list) -> list:
    """The top-level nodes of the survey sheet; problems are added to ``problems``."""
    top: list = []
    stack: list = []  # open groups and repeats
    for row in sheet.rows:
        if is_true(row.get('disabled')) is True:
            continue
        text = row.get('type')
        if not text:
            if row.get('name') or row.texts('label') or row.get('label'):
                problems.append(sheet.problem(row.number, _('This row has no type.'), 'type'))
            continue
        parsed = parse_type(text)
        if parsed is None:
            problems.append(_type_problem(sheet, row, text))
            continue
        for node in stack:
            node.inner.append(row)
        siblings = stack[-1].children if stack else top
        if parsed.base in ('begin group', 'begin repeat'):
            node = Node(row, parsed, [], kind='repeat' if 'repeat' in parsed.base else 'group')
            siblings.append(node)
            stack.append(node)
        elif parsed.base in ('end group', 'end repeat'):
            wanted = 'repeat' if 'repeat' in parsed.base else 'group'
            if not stack or stack[-1].kind != wanted:
                problems.append(sheet.problem(row.number, _(
                    '"%(type)s" has no matching "begin %(kind)s" above it.', type=text[:40],
                    kind=wanted), 'type'))
                continue
            stack.pop().end = row
        elif parsed.base in UNSUPPORTED:
            problems.append(sheet.problem(row.number, _(
                'The question type "%(type)s" is not supported by Anketa.', type=text[:40]),
                'type'))
        elif parsed.base in SKIPPED and not row.get('anketa_type'):
            continue
        else:
            siblings.append(Node(row, parsed))
    for node in stack:
        problems.append(sheet.problem(node.row.number, _(
            '"%(type)s" has no matching "end %(kind)s".', type=node.row.get('type')[:40],
            kind=node.kind), 'type'))
    return top


def drop_repeats(sheet: Sheet, nodes: list, problems: list) -> list:
    """The nodes without repeats, each repeat reported once with the rows it spans."""
    kept = []
    for node in nodes:
        if node.children is not None and node.kind == 'repeat':
            last = node.end.number if node.end else (node.inner[-1].number if node.inner
                                                     else node.row.number)
            problems.append(sheet.problem(node.row.number, _(
                'Repeats are not supported by Anketa (rows %(first)s to %(last)s). Ask the '
                'repeated questions a fixed number of times, or as a grid.',
                first=node.row.number, last=last), 'type'))
            continue
        if node.children is not None:
            node.children = drop_repeats(sheet, node.children, problems)
        kept.append(node)
    return kept


def skipped_names(sheet: Sheet) -> dict:
    """``{name: row number}`` of rows Anketa skips (calculate, metadata)."""
    found = {}
    for row in sheet.rows:
        parsed = parse_type(row.get('type')) if row.get('type') else None
        if parsed is not None and parsed.base in SKIPPED and row.get('name') \
                and not row.get('anketa_type'):
            found.setdefault(row.get('name'), row.number)
    return found
