"""The full report as a PDF: HTML from ``templates/reports/pdf/`` printed by WeasyPrint.

:func:`write_pdf` runs inside an app context (a background job's), so ``render_template`` and
Flask-Babel give the fixed words in the job's language. Everything a page needs is inline —
charts are SVG drawn here with :mod:`research.reports.charts`, fonts are the machine's DejaVu
Sans (it has Cyrillic) — so WeasyPrint gets a URL fetcher that refuses all but ``data:`` URLs:
printing a report never reaches the network or the server's files.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from analysis.report_content import Chart, Report, Section
from research.reports import charts
from research.reports.table_forms import STATISTIC_CHOICES

#: A section whose banner table has more columns than this is printed on a landscape page,
#: so that its figures are not squeezed illegibly ...
LANDSCAPE_ABOVE = 7
#: ... and with more than this, in a condensed font.
CONDENSED_ABOVE = 10
#: The same for a grid, whose cells are short (one figure each).
GRID_LANDSCAPE_ABOVE = 12
GRID_CONDENSED_ABOVE = 16
#: The most banner columns one printed table holds; a wider banner is printed as several
#: tables, each starting with Total, so that nothing runs off the page.
COLUMNS_PER_PART = 12
#: What each cell statistic is called in the legend under a table.
STATISTIC_NAMES = {**dict(STATISTIC_CHOICES), "unweighted_count": _l("Unweighted counts")}


class InlineOnlyFetcher(URLFetcher):
    """Refuse every URL but ``data:``: a report must not load anything from outside."""

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            # Fatal, not logged and skipped: a remote URL in a report is a bug to hear about.
            raise FatalURLFetchingError(f"the report PDF loads nothing from outside: {url!r}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class TablePart:
    """The columns of a banner table that fit on one page's width."""

    #: :class:`analysis.banner_results.BannerColumn` objects, Total first.
    columns: list
    #: ``[(banner variable or None, number of columns), ...]`` for the header's top row.
    groups: list
    #: Whether the columns are many enough to share the page's whole width.
    fills_page: bool


@dataclass(frozen=True)
class PrintedTable:
    """A banner table with what the template needs beyond the :class:`TableResult`."""

    table: object
    parts: list
    #: Whether weights made weighted bases differ from unweighted ones.
    weighted: bool
    #: The statistic the significance letters are printed beside.
    letters_beside: str
    #: The statistics of a cell, in their order, as the legend names them.
    statistic_names: list
    #: The table's own notes that the section's notes do not already say.
    notes: list


@dataclass(frozen=True)
class PrintedSection:
    """A :class:`Section` with its chart drawn and its page orientation chosen."""

    section: Section
    #: The id the contents link to.
    anchor: str
    chart_svg: Markup | None
    table: PrintedTable | None
    #: Per grid column: ``'left'`` or ``'right'``.
    grid_align: tuple
    #: ``'portrait'`` or ``'landscape'``.
    page: str
    condensed: bool


def write_pdf(report: Report, path) -> int:
    """Print ``report`` as an A4 PDF to ``path`` (a file name or binary file); count its pages."""
    sections = [printed_section(section, f"section-{number}")
                for number, section in enumerate(report.sections, start=1)]
    html = render_template("reports/pdf/report.html", report=report, sections=sections)
    document = HTML(string=html, base_url=None, url_fetcher=InlineOnlyFetcher()).render()
    document.write_pdf(path)
    return len(document.pages)


def printed_section(section: Section, anchor: str) -> PrintedSection:
    """Prepare one section for the template."""
    table_columns = len(section.table.columns) if section.table is not None else 0
    grid_columns = len(section.grid.header) if section.grid is not None else 0
    svg = chart_svg(section.chart, section.title) if section.chart is not None else None
    return PrintedSection(
        section=section, anchor=anchor,
        chart_svg=inline_svg(svg) if svg else None,
        table=printed_table(section.table, section.notes) if section.table is not None else None,
        grid_align=grid_align(section.grid) if section.grid is not None else (),
        page="landscape" if (table_columns > LANDSCAPE_ABOVE
                             or grid_columns > GRID_LANDSCAPE_ABOVE) else "portrait",
        # A banner wider than a part is printed in parts: each as wide as COLUMNS_PER_PART.
        condensed=(min(table_columns, COLUMNS_PER_PART) > CONDENSED_ABOVE
                   or grid_columns > GRID_CONDENSED_ABOVE))


def printed_table(table, section_notes) -> PrintedTable:
    """Prepare a banner table (a :class:`analysis.banner_results.TableResult`)."""
    weighted = not np.allclose(table.bases.loc["weighted"], table.bases.loc["unweighted"],
                               equal_nan=True)
    statistics = list(table.statistics)
    letters_beside = "column_percent" if "column_percent" in statistics else statistics[-1]
    notes = [note for note in table.notes if note not in section_notes]
    return PrintedTable(table=table, parts=table_parts(table.columns),
                        weighted=weighted, letters_beside=letters_beside,
                        statistic_names=[str(STATISTIC_NAMES[s]) for s in statistics],
                        notes=notes)


def table_parts(columns: list) -> list:
    """Split the columns into parts of at most :data:`COLUMNS_PER_PART`, Total in each."""
    columns = list(columns)
    total = columns[:1] if columns and columns[0].banner_variable is None else []
    others = columns[len(total):]
    size = COLUMNS_PER_PART - len(total)
    chunks = [others[start:start + size] for start in range(0, len(others), size)] or [[]]
    return [TablePart(columns=total + chunk, groups=_groups(total + chunk),
                      fills_page=len(total + chunk) > LANDSCAPE_ABOVE) for chunk in chunks]


def _groups(columns: list) -> list:
    """Runs of columns of one banner variable: ``[(variable, count), ...]``."""
    groups = []
    for column in columns:
        if groups and groups[-1][0] == column.banner_variable:
            groups[-1] = (column.banner_variable, groups[-1][1] + 1)
        else:
            groups.append((column.banner_variable, 1))
    return groups


def grid_align(grid) -> tuple:
    """The grid's alignment, completed: labels left in the first column, figures right."""
    given = tuple(grid.align)
    return tuple(given[i] if i < len(given) else ("left" if i == 0 else "right")
                 for i in range(len(grid.header)))


def chart_svg(chart: Chart, title: str) -> str | None:
    """Draw a report :class:`Chart` with the web pages' chart functions (one look for both)."""
    if not chart.categories or not chart.series:
        return None
    categories = [_literal(category) for category in chart.categories]
    names = _unique([_literal(name) for name, _values in chart.series])
    values = [[_number(value) for value in series_values] for _name, series_values in chart.series]
    if chart.kind == "stacked":
        shares = [[series[index] for series in values] for index in range(len(categories))]
        return charts.stacked_bar_chart(categories, names, shares, title)
    by_name = dict(zip(names, values))
    if chart.kind == "line":
        return charts.line_chart(categories, by_name, title, axis_label=chart.unit)
    if len(values) == 1 and chart.unit == "%":
        return charts.bar_chart(categories, values[0], title, axis_label=chart.unit)
    # Several series, or a unit other than percent (bar_chart's axis always runs to 100).
    return charts.grouped_bar_chart(categories, by_name, title, axis_label=chart.unit)


def inline_svg(svg: str) -> Markup:
    """The ``<svg>`` element of matplotlib's output, safe to place in the HTML as it is.

    Safe because matplotlib's SVG writer escapes every text it writes (the labels are user
    text); ``tests/research/test_report_pdf.py`` checks it with a ``<script>`` label. The XML
    declaration and DOCTYPE before the element mean nothing inside an HTML document.
    """
    return Markup(svg[svg.index("<svg"):])


def _literal(label) -> str:
    # matplotlib reads text between two "$" as TeX mathematics ("$5 to $10" would break the
    # chart); an escaped dollar prints as itself.
    return str(label).replace("$", r"\$")


def _number(value) -> float:
    return math.nan if value is None else float(value)


def _unique(names: list) -> list:
    """Names made distinct ("Yes", "Yes (2)"): the chart functions key series by name."""
    seen, unique = {}, []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique
