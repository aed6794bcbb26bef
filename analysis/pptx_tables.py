"""Tables on PowerPoint slides: banner tables and grids as native tables, split, never shrunk.

Part of :mod:`analysis.report_pptx` (see there for the layout rules): a table is first turned
into slide text (:class:`_Cells`), then cut into column chunks that keep a banner variable's
columns together and pages of body lines that fit above the footer, each drawn by
:class:`_Layout` on a slide that the deck writer makes.
"""

from __future__ import annotations

import math

from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from .i18n import _

#: Body lines of one table slide (the header and the base line come on top).
MAX_TABLE_ROWS = 12
#: Figure columns of one table slide, besides the label column.
MAX_TABLE_COLUMNS = 8
#: Tables start under the title and end above the footer.
TABLE_TOP, TABLE_BOTTOM = Inches(1.45), Inches(6.75)
MUTED = (0x8C, 0x8C, 0x8C)


def shorten(text, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis beyond ``limit``."""
    text = ' '.join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if ' ' in cut[limit // 2:]:
        cut = cut[:cut.rindex(' ')]
    return cut.rstrip(' ,;:-') + '…'


def style_paragraph(paragraph, size, *, bold=False, italic=False, colour=None,
                    align=None) -> None:
    """Font size, weight, slant, colour and alignment of every run of ``paragraph``."""
    if align is not None:
        paragraph.alignment = align
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = bold or None
        run.font.italic = italic or None
        if colour is not None:
            run.font.color.rgb = RGBColor(*colour)


def finite_or_none(value):
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class _Cells:
    """A table as slide text: header, base lines and body, each a label then figure cells."""

    def __init__(self, header, body, *, groups=(), pinned=(), right=(), muted=(), keep=()):
        #: Texts of the label column's header and of each figure column.
        self.header = list(header)
        self.body = [list(row) for row in body]
        #: ``(label, start, stop)`` runs of figure columns under one banner variable.
        self.groups = list(groups)
        #: Lines repeated on every slide under the header (bases).
        self.pinned = [list(row) for row in pinned]
        #: Per figure column: right-aligned, grey (small base).
        figures = len(self.header) - 1
        self.right = list(right) or [True] * figures
        self.muted = list(muted) or [False] * figures
        #: Figure columns repeated on every slide of a wide table (Total), and the groups of
        #: the others kept together when they fit (a banner variable's columns).
        self.keep = list(keep)
        runs = [range(start, stop) for _label, start, stop in self.groups] or [
            [index] for index in range(figures)]
        self.units = [[c for c in run if c not in self.keep] for run in runs]
        self.units = [unit for unit in self.units if unit]


def banner_cells(table) -> _Cells:
    """The banner table's primary statistic with letters, and its unweighted base."""
    columns = table.columns
    statistic = ('column_percent' if 'column_percent' in table.statistics
                 else table.statistics[0])
    source = {'count': table.counts, 'unweighted_count': table.unweighted_counts,
              'column_percent': table.column_percent, 'row_percent': table.row_percent}
    small = [bool(table.small_base[c.key]) for c in columns]
    header = [''] + [shorten(c.label, 30) + (f' ({c.letter})' if c.letter else '')
                     for c in columns]
    bases = table.bases
    same = bool((bases.loc['weighted'] - bases.loc['unweighted']).abs().max() < 1e-9)
    base_line = [_('Base') if same else _('Unweighted base')] + [
        _figure(value, 0) + ('*' if flagged else '')
        for value, flagged in zip(bases.loc['unweighted'], small)]
    body = []
    for r, row in enumerate(table.rows):
        if row.kind in ('mean', 'sd', 'n'):
            values, digits, unit = table.counts.iloc[r], 0 if row.kind == 'n' else 1, ''
        else:
            values = source[statistic].iloc[r]
            digits, unit = 0, '%' if statistic.endswith('percent') else ''
        letters = table.letters.iloc[r]
        body.append([shorten(row.label, 70)] + [
            f'{_figure(value, digits, unit)} {letter}'.rstrip()
            for value, letter in zip(values, letters)])
    groups = []
    for index, column in enumerate(columns):
        if groups and groups[-1][0] == (column.banner_variable or ''):
            groups[-1][2] = index + 1
        else:
            groups.append([column.banner_variable or '', index, index + 1])
    keep = [0] if columns and columns[0].banner_variable is None else []
    return _Cells(header, body, groups=groups, pinned=[base_line], muted=small, keep=keep)


def _figure(value, digits: int, unit: str = '') -> str:
    number = finite_or_none(value)
    return '–' if number is None else f'{number:,.{digits}f}{unit}'


def grid_cells(grid) -> _Cells:
    width = len(grid.header)
    align = list(grid.align) or ['left'] + ['right'] * (width - 1)
    align += ['right'] * (width - len(align))  # figures, unless the grid says otherwise
    header = [shorten(text, 30) for text in grid.header]
    body = []
    for row in grid.rows:
        texts = [str(text) for text in row][:width] + [''] * (width - len(row))
        body.append([shorten(texts[0], 70)] + [shorten(text, 30) for text in texts[1:]])
    return _Cells(header, body, right=[a == 'right' for a in align[1:width]])


def _column_chunks(cells: _Cells) -> list:
    """Figure columns per slide: the repeated ones, then whole banner variables that fit."""
    room = max(MAX_TABLE_COLUMNS - len(cells.keep), 1)
    pieces = [unit[i:i + room] for unit in cells.units for i in range(0, len(unit), room)]
    chunks = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + len(piece) <= room:
            chunks[-1] += piece
        else:
            chunks.append(list(piece))
    return [cells.keep + chunk for chunk in chunks] or [cells.keep]


def table_slides(deck, section, cells: _Cells, new_slide) -> None:
    """Slides of ``cells``; ``new_slide(deck, section, continued)`` makes each one."""
    first = True
    for columns in _column_chunks(cells):
        layout = _Layout(deck, cells, columns)
        for body in layout.pages(cells.body):
            slide = new_slide(deck, section, continued=not first)
            layout.draw(slide, body)
            first = False


class _Layout:
    """One column chunk of a table on slides: its widths, font size, header and pages."""

    def __init__(self, deck, cells: _Cells, columns):
        self.cells, self.columns = cells, columns
        room = deck.slide_width - Inches(1)
        if columns:
            label = Inches(4.2 if len(columns) <= 4 else 3.4)
            figure = min(Inches(1.7), (room - label) // len(columns))
        else:  # a grid of text alone, such as why a table could not be run
            label, figure = room, 0
        self.widths = [label] + [figure] * len(columns)
        self.size = 12 if len(columns) <= 6 else 11
        self.header, self.merges = [self._project(cells.header)], []
        if any(text for text, _start, _stop in cells.groups):
            groups = [''] * len(self.widths)
            for text, start, stop in cells.groups:
                # A banner variable's columns stay side by side in a chunk.
                under = [k + 1 for k, column in enumerate(columns) if start <= column < stop]
                if text and under:
                    groups[under[0]] = shorten(text, 40)
                    self.merges.append((under[0], under[-1]))
            self.header.insert(0, groups)
        self.pinned = [self._project(line) for line in cells.pinned]

    def _project(self, line) -> list:
        return [line[0]] + [line[c + 1] for c in self.columns]

    def height(self, line) -> int:
        """The height of a line: its most wrapped cell, plus the cell margins."""
        lines = max(_wrapped_lines(text, width, self.size)
                    for text, width in zip(line, self.widths))
        return Pt(self.size * 1.2 * lines + 6)

    def pages(self, body) -> list:
        """The body lines of each slide: at most :data:`MAX_TABLE_ROWS`, and only as many as
        fit between the title and the footer (long labels wrap and make lines taller)."""
        room = TABLE_BOTTOM - TABLE_TOP - sum(map(self.height, self.header + self.pinned))
        pages, page, used = [], [], 0
        for line in body:
            height = self.height(self._project(line))
            if page and (len(page) == MAX_TABLE_ROWS or used + height > room):
                pages.append(page)
                page, used = [], 0
            page.append(line)
            used += height
        if page or not pages:  # an empty table still shows its header
            pages.append(page)
        return pages

    def draw(self, slide, body) -> None:
        header_lines = len(self.header)
        lines = self.header + self.pinned + [self._project(line) for line in body]
        frame = slide.shapes.add_table(len(lines), len(self.widths), Inches(0.5), TABLE_TOP,
                                       sum(self.widths), sum(map(self.height, lines)))
        table = frame.table
        for index, width in enumerate(self.widths):
            table.columns[index].width = width
        for r, line in enumerate(lines):
            table.rows[r].height = self.height(line)
            pinned = header_lines <= r < header_lines + len(self.pinned)
            for c, text in enumerate(line):
                cell = table.cell(r, c)
                cell.margin_top = cell.margin_bottom = Pt(2)
                if text:
                    cell.text = text
                column = self.columns[c - 1] if c else None
                muted = (column is not None and self.cells.muted[column]
                         and r >= header_lines - 1)
                align = (PP_ALIGN.CENTER if r < header_lines and c else PP_ALIGN.RIGHT
                         if c and self.cells.right[column] else PP_ALIGN.LEFT)
                style_paragraph(cell.text_frame.paragraphs[0], self.size,
                                bold=r < header_lines or pinned, italic=muted,
                                colour=MUTED if muted else None, align=align)
        for first, last in self.merges:
            if last > first:
                table.cell(0, first).merge(table.cell(0, last))


def _wrapped_lines(text: str, width: int, size: float) -> int:
    """Lines ``text`` takes in a cell ``width`` EMU wide at ``size`` pt, wrapped at spaces.

    An estimate: an average character is taken as 0.55 em, and the cell's default
    left and right margins (0.1 inch each) are left out.
    """
    per_line = max(int((width / Pt(1) - 14.4) / (size * 0.55)), 1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        if used:
            lines += 1
        lines += (len(word) - 1) // per_line  # a word longer than a line breaks inside
        used = (len(word) - 1) % per_line + 1
    return lines
