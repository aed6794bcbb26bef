"""What a report says, independent of the file it ends in (PDF, PowerPoint, Excel).

The web layer builds a :class:`Report` from a survey's data (toplines of every question and the
saved banner tables, run on current data, weighted and filtered as asked); the writers in
``analysis.report_xlsx``, ``analysis.report_pptx`` and ``research.reports.report_pdf`` turn it
into files. Every string in it is already translated and ready to print; the writers add only
their own fixed words through :func:`analysis.i18n._`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: ``bar``: one bar per category, one series per column (a topline has one series, "Total").
#: ``stacked``: one 100 % bar per category (grid item or banner column), one series per answer.
#: ``line``: one line per series across the categories (waves, versions).
CHART_KINDS = ('bar', 'stacked', 'line')
SECTION_KINDS = ('topline', 'table')


@dataclass(frozen=True)
class Chart:
    """The numbers of one chart, in percent unless :attr:`unit` says otherwise."""

    kind: str
    #: Labels along the category axis.
    categories: tuple
    #: ``((series name, (value per category, ...)), ...)``; a value is a float or ``None``.
    series: tuple
    #: Printed after values and on the value axis.
    unit: str = '%'

    def __post_init__(self):
        if self.kind not in CHART_KINDS:
            raise ValueError(f'unknown chart kind {self.kind!r}')
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(f'series {name!r} has {len(values)} values for '
                                 f'{len(self.categories)} categories')


@dataclass(frozen=True)
class Grid:
    """A small table of text cells (a topline's frequencies, an NPS summary)."""

    header: tuple
    rows: tuple
    #: Per column: ``'left'`` for labels, ``'right'`` for figures.
    align: tuple = ()


@dataclass(frozen=True)
class Section:
    """One page of a PDF, one slide of a deck, one sheet of a workbook (tables only)."""

    #: ``topline`` (one question's results) or ``table`` (a banner table).
    kind: str
    title: str
    chart: Chart | None = None
    grid: Grid | None = None
    #: A banner table: :class:`analysis.banner_results.TableResult` (``kind == 'table'``).
    table: object = None
    #: Who was asked and how many answered, e.g. "Base: all respondents, n = 640".
    base: str = ''
    notes: tuple = ()


@dataclass(frozen=True)
class Report:
    """A whole report: its title page and its sections in order."""

    title: str
    subtitle: str
    #: The date the report was made, formatted for the reader.
    date: str
    #: Report-wide notes: weight, filter, fieldwork dates, number of respondents.
    notes: tuple = ()
    sections: tuple = field(default_factory=tuple)

    @property
    def tables(self) -> tuple:
        """The sections that hold a banner table."""
        return tuple(s for s in self.sections if s.kind == 'table' and s.table is not None)
