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

from contextlib import contextmanager
from functools import cached_property

import xlsxwriter
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from .i18n import _
from .pptx_tables import (MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, banner_cells,  # noqa: F401
                          finite_or_none, grid_cells, shorten, style_paragraph,
                          table_slides)
from .report_content import Report

_WIDTH_INCHES, _HEIGHT_INCHES = 13.333, 7.5
_TITLE_SLIDE_LAYOUT, _TITLE_ONLY_LAYOUT = 0, 5
#: Characters of a slide title: two lines at the smallest title size (18 pt).
_TITLE_LIMIT = 160
_GREY = (0x59, 0x59, 0x59)


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
            table_slides(deck, section, banner_cells(section.table), _section_slide)
        elif section.grid is not None and section.grid.rows:
            table_slides(deck, section, grid_cells(section.grid), _section_slide)
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


def _paragraphs(frame, lines, size, **style) -> None:
    """Fill a text frame with one paragraph per line."""
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        style_paragraph(paragraph, size, **style)


def _place(shape, left, top, width, height) -> None:
    # All four at once: setting one gives a placeholder its own frame, the rest zero.
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _title_slide(deck, report: Report) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_SLIDE_LAYOUT])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    width = deck.slide_width - Inches(2)
    _place(title, Inches(1), Inches(1.4), width, Inches(1.9))
    title.text_frame.word_wrap = True
    title.text = shorten(report.title, 150)
    style_paragraph(title.text_frame.paragraphs[0], 36 if len(title.text) <= 60 else 28)
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
    heading.text = shorten(section.title, _TITLE_LIMIT - len(suffix)) + suffix
    length = len(heading.text)
    size = 28 if length <= 60 else 22 if length <= 110 else 18
    style_paragraph(heading.text_frame.paragraphs[0], size, align=PP_ALIGN.LEFT)
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
    data.categories = [shorten(c, 60 if horizontal else 40) for c in spec.categories]
    for name, values in spec.series:
        data.add_series(shorten(name, 50), [finite_or_none(value) for value in values])
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
