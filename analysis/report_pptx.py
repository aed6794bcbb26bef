"""A report as a 16:9 PowerPoint deck of native charts and tables, editable by the client.

:func:`write_deck` makes a title slide (title, subtitle, date, report notes), then slides for
each section of the :class:`~analysis.report_content.Report`, in order:

* a section with a :class:`~analysis.report_content.Chart` gets one slide with a native chart
  (its numbers live in the chart's embedded workbook, so PowerPoint can edit them): ``bar`` a
  clustered bar chart, horizontal for toplines and long category lists, vertical columns
  otherwise; ``stacked`` a horizontal 100 % stacked bar chart; ``line`` a line chart with
  markers. Values carry data labels with the chart's unit; a legend appears when there is
  more than one series. ``None`` values leave a gap.
* otherwise a section with a banner table gets a native table: the column percentages (or
  the first requested statistic when column % was not asked for) with the significance
  letters after the figure (``66% B``), the column letters in the header (``Moscow (A)``),
  the banner variables over their columns, and the unweighted base as the first line
  (``*`` and grey italics for small bases);
* otherwise a section with a :class:`~analysis.report_content.Grid` gets the grid as a table;
  a section with none of these gets a slide with its title, base and notes.

A table never shrinks to fit: beyond :data:`MAX_TABLE_ROWS` lines (fewer when long labels wrap
and the lines would run into the footer) or :data:`MAX_TABLE_COLUMNS` figure columns it
continues on further slides titled "… (continued)", each repeating the header, the base line
and the Total column; a banner variable's columns stay on one slide when they fit. Labels
are cut at a word with an ellipsis (row labels at 70 characters, column labels at 30, chart
categories at 60, titles at 160). Every section slide shows the section's base at its foot,
and its speaker notes hold the base and the notes (for a banner table also the table's own
notes that the section does not repeat: test preset, significance levels, weight).

A chart's numbers and labels are also written to the workbook embedded in the chart (what
PowerPoint opens with "Edit Data"). python-pptx writes it with XlsxWriter's default
``strings_to_formulas``, which would turn a label like ``=HYPERLINK(...)`` into a live
formula; :class:`_ChartData` writes it with that conversion off, so labels stay text there
and unchanged on the slide.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import cached_property

import xlsxwriter
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from .i18n import _
from .report_content import Report

#: Body lines of one table slide (the header and the base line come on top).
MAX_TABLE_ROWS = 12
#: Figure columns of one table slide, besides the label column.
MAX_TABLE_COLUMNS = 8
_WIDTH_INCHES, _HEIGHT_INCHES = 13.333, 7.5
_TITLE_SLIDE_LAYOUT, _TITLE_ONLY_LAYOUT = 0, 5
#: Characters of a slide title: two lines at the smallest title size (18 pt).
_TITLE_LIMIT = 160
#: Tables start under the title and end above the footer.
_TABLE_TOP, _TABLE_BOTTOM = Inches(1.45), Inches(6.75)
_GREY = (0x59, 0x59, 0x59)
_MUTED = (0x8C, 0x8C, 0x8C)


def write_deck(report: Report, path) -> int:
    """Write ``report`` as a PowerPoint deck to ``path``; return the number of slides.

    Parameters
    ----------
    report : Report
    path : str, path-like or binary file object
        Where python-pptx saves the ``.pptx`` file.
    """
    deck = Presentation()
    _widen_template(deck, Inches(_WIDTH_INCHES))
    deck.slide_height = Inches(_HEIGHT_INCHES)
    _title_slide(deck, report)
    for section in report.sections:
        chart = section.chart
        if chart is not None and chart.categories and chart.series:
            _chart_slide(deck, section)
        elif section.table is not None:
            _table_slides(deck, section, _banner_cells(section.table))
        elif section.grid is not None and section.grid.rows:
            _table_slides(deck, section, _grid_cells(section.grid))
        else:
            _section_slide(deck, section)
    deck.save(path)
    return len(deck.slides)


def _widen_template(deck, width) -> None:
    """Make the default 4:3 template 16:9, stretching its master and layouts to match."""
    ratio = width / deck.slide_width
    shapes = list(deck.slide_master.shapes)
    for layout in deck.slide_layouts:
        shapes += list(layout.placeholders)
    for shape in shapes:
        if shape.left is not None and shape.width is not None:  # None: inherited
            shape.left, shape.width = round(shape.left * ratio), round(shape.width * ratio)
    deck.slide_width = width


def _shorten(text, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis beyond ``limit``."""
    text = ' '.join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if ' ' in cut[limit // 2:]:
        cut = cut[:cut.rindex(' ')]
    return cut.rstrip(' ,;:-') + '…'


def _style(paragraph, size, *, bold=False, italic=False, colour=None, align=None) -> None:
    if align is not None:
        paragraph.alignment = align
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = bold or None
        run.font.italic = italic or None
        if colour is not None:
            run.font.color.rgb = RGBColor(*colour)


def _paragraphs(frame, lines, size, **style) -> None:
    """Fill a text frame with one paragraph per line."""
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        _style(paragraph, size, **style)


def _place(shape, left, top, width, height) -> None:
    # All four at once: setting one gives a placeholder its own frame, the rest zero.
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _title_slide(deck, report: Report) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_SLIDE_LAYOUT])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    width = deck.slide_width - Inches(2)
    _place(title, Inches(1), Inches(1.4), width, Inches(1.9))
    title.text_frame.word_wrap = True
    title.text = _shorten(report.title, 150)
    _style(title.text_frame.paragraphs[0], 36 if len(title.text) <= 60 else 28)
    _place(subtitle, Inches(1), Inches(3.4), width, Inches(1.2))
    _paragraphs(subtitle.text_frame, [line for line in (report.subtitle, report.date) if line],
                20, colour=_GREY)
    if report.notes:
        box = slide.shapes.add_textbox(Inches(1.5), Inches(4.9), deck.slide_width - Inches(3),
                                       Inches(1.8))
        _paragraphs(box.text_frame, report.notes, 14, colour=_GREY, align=PP_ALIGN.CENTER)
        slide.notes_slide.notes_text_frame.text = '\n'.join(report.notes)


def _section_slide(deck, section, continued: bool = False):
    """A slide with the section's title, its base at the foot and its notes as speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY_LAYOUT])
    heading = slide.shapes.title
    _place(heading, Inches(0.5), Inches(0.25), deck.slide_width - Inches(1), Inches(1.1))
    heading.text_frame.word_wrap = True
    suffix = f" {_('(continued)')}" if continued else ''
    heading.text = _shorten(section.title, _TITLE_LIMIT - len(suffix)) + suffix
    length = len(heading.text)
    _style(heading.text_frame.paragraphs[0], 28 if length <= 60 else 22 if length <= 110 else 18,
           align=PP_ALIGN.LEFT)
    footer = [section.base] if section.base else []
    table = section.table
    if table is not None and bool(table.small_base.any()):
        footer.append(f"* {_('Small base')}")
    if footer:
        box = slide.shapes.add_textbox(Inches(0.5), Inches(6.85), deck.slide_width - Inches(1),
                                       Inches(0.5))
        _paragraphs(box.text_frame, ['   '.join(footer)], 11, colour=_GREY)
    notes = [section.base] if section.base else []
    notes += list(section.notes)
    if table is not None:
        notes += [note for note in table.notes if note not in section.notes]
    if notes:
        slide.notes_slide.notes_text_frame.text = '\n'.join(notes)
    return slide


# --- charts ----------------------------------------------------------------------------------

def _chart_slide(deck, section) -> None:
    spec = section.chart
    slide = _section_slide(deck, section)
    horizontal = spec.kind == 'stacked' or (spec.kind == 'bar' and (
        section.kind == 'topline' or len(spec.categories) > 8))
    chart_type, position = {
        'bar': (XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED,
                XL_LABEL_POSITION.OUTSIDE_END),
        'stacked': (XL_CHART_TYPE.BAR_STACKED_100, XL_LABEL_POSITION.CENTER),
        'line': (XL_CHART_TYPE.LINE_MARKERS, XL_LABEL_POSITION.ABOVE),
    }[spec.kind]
    number_format = _value_format(spec.unit)
    data = _ChartData(number_format=number_format)
    data.categories = [_shorten(c, 60 if horizontal else 40) for c in spec.categories]
    for name, values in spec.series:
        data.add_series(_shorten(name, 50), [_finite_or_none(value) for value in values])
    frame = slide.shapes.add_chart(chart_type, Inches(0.5), Inches(1.45),
                                   deck.slide_width - Inches(1), Inches(5.35), data)
    chart = frame.chart
    chart.font.size = Pt(12)
    chart.has_title = False  # the slide title says it; one series would be shown as a title
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = number_format, False
    labels.position = position
    bars = len(spec.categories) * len(spec.series)
    labels.font.size = Pt(12 if bars <= 12 else 10 if bars <= 30 else 8)
    categories = len(spec.categories)
    chart.category_axis.tick_labels.font.size = Pt(12 if categories <= 12 else
                                                   10 if categories <= 20 else 8)
    if spec.kind != 'line':
        plot.gap_width = 60
    if spec.kind == 'stacked':
        plot.overlap = 100
    if horizontal:
        # Bar charts draw the first category at the bottom; answer lists read top down.
        chart.category_axis.reverse_order = True
    value_axis = chart.value_axis
    if spec.kind == 'line':
        value_axis.tick_labels.number_format = number_format
        value_axis.tick_labels.number_format_is_linked = False
    else:
        # Every bar carries its label: an axis and gridlines would only repeat them.
        value_axis.visible = False
        value_axis.has_major_gridlines = False
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False


class _TextWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's chart workbook writer, with XlsxWriter's string conversions off."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = xlsxwriter.Workbook(xlsx_file, {'in_memory': True,
                                                   'strings_to_formulas': False,
                                                   'strings_to_numbers': False,
                                                   'strings_to_urls': False})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _ChartData(CategoryChartData):
    """Category chart data whose embedded workbook holds labels as text, never formulas.

    Overrides python-pptx 1.0's (private) ``_workbook_writer``; the tests read the embedded
    workbook back, so a python-pptx upgrade that renames it shows up there.
    """

    @cached_property
    def _workbook_writer(self):
        return _TextWorkbookWriter(self)


def _value_format(unit: str) -> str:
    """An Excel number format printing the unit after the value (``45%``, ``3.4 pts``)."""
    unit = (unit or '').replace('"', '').replace('\\', '')
    if unit == '%':
        return '0"%"'
    return f'0.0" {unit}"' if unit else '0.0'


def _finite_or_none(value):
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


# --- tables ----------------------------------------------------------------------------------

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


def _banner_cells(table) -> _Cells:
    """The banner table's primary statistic with letters, and its unweighted base."""
    columns = table.columns
    statistic = ('column_percent' if 'column_percent' in table.statistics
                 else table.statistics[0])
    source = {'count': table.counts, 'unweighted_count': table.unweighted_counts,
              'column_percent': table.column_percent, 'row_percent': table.row_percent}
    small = [bool(table.small_base[c.key]) for c in columns]
    header = [''] + [_shorten(c.label, 30) + (f' ({c.letter})' if c.letter else '')
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
        body.append([_shorten(row.label, 70)] + [
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
    number = _finite_or_none(value)
    return '–' if number is None else f'{number:,.{digits}f}{unit}'


def _grid_cells(grid) -> _Cells:
    width = len(grid.header)
    align = list(grid.align) or ['left'] + ['right'] * (width - 1)
    align += ['right'] * (width - len(align))  # figures, unless the grid says otherwise
    header = [_shorten(text, 30) for text in grid.header]
    body = []
    for row in grid.rows:
        texts = [str(text) for text in row][:width] + [''] * (width - len(row))
        body.append([_shorten(texts[0], 70)] + [_shorten(text, 30) for text in texts[1:]])
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


def _table_slides(deck, section, cells: _Cells) -> None:
    first = True
    for columns in _column_chunks(cells):
        layout = _Layout(deck, cells, columns)
        for body in layout.pages(cells.body):
            slide = _section_slide(deck, section, continued=not first)
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
                    groups[under[0]] = _shorten(text, 40)
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
        room = _TABLE_BOTTOM - _TABLE_TOP - sum(map(self.height, self.header + self.pinned))
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
        frame = slide.shapes.add_table(len(lines), len(self.widths), Inches(0.5), _TABLE_TOP,
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
                _style(cell.text_frame.paragraphs[0], self.size,
                       bold=r < header_lines or pinned, italic=muted,
                       colour=_MUTED if muted else None, align=align)
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
