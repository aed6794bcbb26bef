"""The banner tables of a report as an Excel workbook, laid out as SPSS Custom Tables and Q
exports are: one sheet per table, figures as numbers, significance letters in their own cells.

:func:`write_tables_workbook` writes a contents sheet first (report title, subtitle, date and
notes, then one line per table: its number, its title linking to its sheet, its base), then
one sheet per table section of the report (:attr:`Report.tables
<analysis.report_content.Report.tables>`). A table sheet reads, with Excel's row numbers::

    1  Title of the section
    2  ← Contents (a link back)
    4                                     | CITY (merged over its columns)
    5                             Total   | Moscow | Kazan  | Tver
    6                                     | (A)    | (B)    | (C)
    7  Weighted base              390     | 185    | 192    | 14
    8  Unweighted base            400     | 191    | 194    | 15*
    9  Effective base             381     | 178    | 186    | 14
   10  Daily        Column %      40.9%   | 66.3%  | 16.8%  | 34.8%
   11               Counts        160     | 123    | 32     | 5
   12               Significance          | B      |        |
   13  Weekly       Column %      …

Column A holds the row labels, column B the statistic of each line, and every banner column
one spreadsheet column (Total first), so that a row of percentages is one contiguous range.

* Header: the banner variables span their columns (merged cells); then the category labels;
  then the column letters ``(A)``, ``(B)`` … (Total has none). Panes are frozen below it.
* Bases: "Weighted base" and "Unweighted base", plus "Effective base" when it differs from
  the weighted base; an unweighted table (equal bases) has a single "Base" line.
* Each table row is a block: one line per requested statistic (:attr:`TableResult.statistics
  <analysis.banner_results.TableResult.statistics>`) in that order, then a "Significance"
  line with the letters of the columns the cell is significantly higher than (text cells,
  empty when none). A numeric row variable has the lines Mean (with its significance line),
  Standard deviation and n.
* Numbers are numeric cells: percentages as fractions with the format ``0.0%`` (45.2 % is the
  number 0.452), counts and bases ``#,##0``, means and standard deviations ``0.00``. Cells
  with no value (a percentage of an empty column) are left blank.
* Small-base columns are italic and grey; their unweighted base shows a ``*`` (a number
  format: the cell stays a number) and a footnote names them.
* Under the table: the section's base, its notes, the table's own notes that the section
  does not repeat (test preset, significance levels, weight, minimum base), the chi-square
  tests and the small-base footnote.

Every text cell goes through :func:`analysis.exports.neutralise_formula`, and the workbook is
opened with XlsxWriter's ``strings_to_formulas``, ``strings_to_numbers`` and
``strings_to_urls`` off, so a label such as ``=HYPERLINK(...)`` or ``+7 495`` stays text.
A table sheet is named by its number in the contents and its title, cut to Excel's 31
characters with ``[]:*?/\\`` blanked: the number keeps the names unique. Each sheet prints
landscape, one page wide, repeating the header and the label columns.
"""

from __future__ import annotations

import math
import re

import numpy as np
import xlsxwriter

from .exports import neutralise_formula
from .i18n import _
from .report_content import Report

#: Excel's limit on the length of a sheet name.
SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = re.compile(r'[\[\]:*?/\\\x00-\x1f]')
#: Row kinds whose cells carry significance letters.
_TESTED_ROWS = ('category', 'net', 'item', 'mean')
_NUMBER_FORMATS = {'percent': '0.0%', 'count': '#,##0', 'decimal': '0.00', 'base': '#,##0',
                   'flagged_base': '#,##0"*"'}
#: The first table row of a sheet (0-based): title, link, a spacer, then the header.
_HEADER_ROW = 3
_LABEL_COLUMNS = 2


def write_tables_workbook(report: Report, path) -> int:
    """Write the banner tables of ``report`` to an Excel workbook at ``path``.

    Parameters
    ----------
    report : Report
        Its table sections (:attr:`Report.tables`) each become a sheet; other sections are
        left out (a workbook is for the numbers of banner tables).
    path : str, path-like or binary file object
        Where XlsxWriter writes the ``.xlsx`` file.

    Returns
    -------
    int
        The number of table sheets (the contents sheet is not counted).
    """
    workbook = xlsxwriter.Workbook(path, {'strings_to_formulas': False,
                                          'strings_to_numbers': False,
                                          'strings_to_urls': False})
    try:
        formats = _Formats(workbook)
        contents = workbook.add_worksheet(_sheet_name(_('Contents')))
        # The number keeps names unique (and matches the contents list) whatever the titles.
        sheets = {id(section): (number, _sheet_name(f'{number} {section.title}'))
                  for number, section in enumerate(report.tables, start=1)}
        _write_contents(contents, report, sheets, formats)
        for section in report.tables:
            sheet = workbook.add_worksheet(sheets[id(section)][1])
            _write_table_sheet(sheet, section, contents.name, formats)
    finally:
        workbook.close()
    return len(sheets)


def _sheet_name(title: str) -> str:
    """``title`` as a legal sheet name: forbidden characters blanked, at most 31 long."""
    clean = ' '.join(_SHEET_NAME_FORBIDDEN.sub(' ', title).split())
    # Excel refuses a name that starts or ends with an apostrophe.
    return clean[:SHEET_NAME_LIMIT].strip(" '")


def _internal_link(sheet_name: str) -> str:
    return "internal:'{}'!A1".format(sheet_name.replace("'", "''"))


def _text(sheet, row: int, column: int, text, cell_format=None) -> None:
    sheet.write_string(row, column, neutralise_formula(str(text)), cell_format)


class _Formats:
    """The workbook's cell formats, made once: XlsxWriter stores each format it is given."""

    def __init__(self, workbook):
        self._workbook = workbook
        self._made = {}
        grey = {'italic': True, 'font_color': '#7F7F7F'}
        self.title = workbook.add_format({'bold': True, 'font_size': 14})
        self.bold = workbook.add_format({'bold': True})
        self.link = workbook.add_format({'font_color': '#0563C1', 'underline': 1})
        self.note = workbook.add_format({'font_color': '#595959'})
        self.group = workbook.add_format({'bold': True, 'align': 'center', 'valign': 'bottom',
                                          'text_wrap': True, 'bottom': 1})
        self.category = workbook.add_format({'bold': True, 'align': 'center',
                                             'valign': 'bottom', 'text_wrap': True})
        self.category_small = workbook.add_format({'bold': True, 'align': 'center',
                                                   'valign': 'bottom', 'text_wrap': True,
                                                   **grey})
        self.letter = workbook.add_format({'align': 'center', 'bottom': 1})
        self.label = workbook.add_format({'text_wrap': True, 'valign': 'top'})
        self.net = workbook.add_format({'text_wrap': True, 'valign': 'top', 'bold': True})
        self.statistic = workbook.add_format({'font_color': '#595959'})
        self.grey = grey

    def cell(self, kind: str, small: bool = False):
        """The format of a figure (``percent``, ``count``, ``decimal``, ``base``,
        ``flagged_base``) or of a ``letters`` cell, grey and italic for a small base."""
        key = (kind, small)
        if key not in self._made:
            properties = ({'align': 'right', 'bold': True, 'font_color': '#C00000'}
                          if kind == 'letters' else {'num_format': _NUMBER_FORMATS[kind]})
            if small:
                properties.update(self.grey)
            self._made[key] = self._workbook.add_format(properties)
        return self._made[key]


def _write_contents(sheet, report: Report, sheets: dict, formats: _Formats) -> None:
    """Title page lines, then every table section: a link to its sheet and its base.

    ``sheets`` maps ``id(section)`` to the number and sheet name of each banner table; a
    table section without one (a saved table that no longer runs) is listed unlinked, with
    the text of its grid (the reason) in place of a base, so that no table goes missing
    without a word.
    """
    _text(sheet, 0, 0, report.title, formats.title)
    row = 1
    for line in (report.subtitle, report.date, *report.notes):
        if line:
            _text(sheet, row, 0, line)
            row += 1
    row += 1
    for column, header in enumerate(('#', _('Tables'), _('Base'))):
        _text(sheet, row, column, header, formats.bold)
    sections = [s for s in report.sections if s.kind == 'table']
    for section in sections:
        row += 1
        if id(section) in sheets:
            number, name = sheets[id(section)]
            sheet.write_number(row, 0, number)
            sheet.write_url(row, 1, _internal_link(name), formats.link,
                            neutralise_formula(section.title or name))
            comment = section.base
        else:
            _text(sheet, row, 1, section.title)
            lines = section.grid.rows if section.grid is not None else ()
            comment = '; '.join(' '.join(map(str, line)) for line in lines) or section.base
        if comment:
            _text(sheet, row, 2, comment)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, min(max([len(s.title) for s in sections] + [20]), 80))
    sheet.set_column(2, 2, 40)


def _write_table_sheet(sheet, section, contents_name: str, formats: _Formats) -> None:
    table = section.table
    columns = table.columns
    small = [bool(table.small_base[c.key]) for c in columns]
    _text(sheet, 0, 0, section.title, formats.title)
    sheet.write_url(1, 0, _internal_link(contents_name), formats.link,
                    '← ' + neutralise_formula(contents_name))
    _write_header(sheet, columns, small, formats)
    row = _HEADER_ROW + 3
    sheet.freeze_panes(row, _LABEL_COLUMNS)
    sheet.repeat_rows(_HEADER_ROW, row - 1)
    sheet.repeat_columns(0, _LABEL_COLUMNS - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # printed one page wide, as long as it takes
    row = _write_figures(sheet, row, table, small, formats) + 1
    for line in _note_lines(section, small):
        _text(sheet, row, 0, line, formats.note)
        row += 1
    labels = [len(r.label) for r in table.rows] + [len(label) for label, _v, _k in
                                                   _base_lines(table)]
    sheet.set_column(0, 0, min(max(labels + [12]) + 2, 45))
    sheet.set_column(1, 1, 14)
    width = min(max([len(c.label) for c in columns] + [8]) + 2, 18)
    sheet.set_column(_LABEL_COLUMNS, _LABEL_COLUMNS + len(columns) - 1, width)


def _write_figures(sheet, row: int, table, small, formats: _Formats) -> int:
    """The base lines, then each table row's block from ``row`` on; the next free row."""
    for label, values, kind in _base_lines(table):
        _text(sheet, row, 0, label, formats.bold)
        for offset, (value, flagged) in enumerate(zip(values, small)):
            flag = 'flagged_base' if flagged and kind == 'unweighted' else 'base'
            _number(sheet, row, _LABEL_COLUMNS + offset, value, formats.cell(flag, flagged))
        row += 1
    for r, table_row in enumerate(table.rows):
        label_format = formats.net if table_row.kind == 'net' else formats.label
        for k, (statistic, values, kind) in enumerate(_figure_lines(table, r)):
            if k == 0:
                _text(sheet, row, 0, table_row.label, label_format)
            if statistic:
                _text(sheet, row, 1, statistic, formats.statistic)
            for offset, (value, flagged) in enumerate(zip(values, small)):
                _number(sheet, row, _LABEL_COLUMNS + offset, value,
                        formats.cell(kind, flagged))
            row += 1
        if table_row.kind in _TESTED_ROWS:
            _text(sheet, row, 1, _('Significance'), formats.statistic)
            for offset, (letters, flagged) in enumerate(zip(table.letters.iloc[r], small)):
                if letters:
                    _text(sheet, row, _LABEL_COLUMNS + offset, letters,
                          formats.cell('letters', flagged))
            row += 1
    return row


def _write_header(sheet, columns, small, formats: _Formats) -> None:
    """Banner variables over their columns, then category labels, then column letters."""
    first = _LABEL_COLUMNS
    for variable, start, stop in _column_groups(columns):
        if variable is None:
            continue
        if stop - start > 1:
            sheet.merge_range(_HEADER_ROW, first + start, _HEADER_ROW, first + stop - 1,
                              neutralise_formula(variable), formats.group)
        else:
            _text(sheet, _HEADER_ROW, first + start, variable, formats.group)
    for offset, (column, flagged) in enumerate(zip(columns, small)):
        _text(sheet, _HEADER_ROW + 1, first + offset, column.label,
              formats.category_small if flagged else formats.category)
        if column.letter:
            _text(sheet, _HEADER_ROW + 2, first + offset, f'({column.letter})', formats.letter)
        else:
            sheet.write_blank(_HEADER_ROW + 2, first + offset, None, formats.letter)


def _column_groups(columns) -> list:
    """``(banner variable, start, stop)`` for each run of columns of one banner variable."""
    groups = []
    for index, column in enumerate(columns):
        if groups and groups[-1][0] == column.banner_variable:
            groups[-1][2] = index + 1
        else:
            groups.append([column.banner_variable, index, index + 1])
    return [tuple(group) for group in groups]


def _number(sheet, row: int, column: int, value, cell_format) -> None:
    number = float(value) if value is not None else math.nan
    if math.isfinite(number):
        sheet.write_number(row, column, number, cell_format)
    else:
        sheet.write_blank(row, column, None, cell_format)


def _base_lines(table) -> list:
    """``(label, values, kind)`` of the base lines shown above the figures."""
    bases = table.bases
    weighted, unweighted, effective = (bases.loc[k].to_numpy(dtype=float)
                                       for k in ('weighted', 'unweighted', 'effective'))
    if np.allclose(weighted, unweighted):
        return [(_('Base'), unweighted, 'unweighted')]
    lines = [(_('Weighted base'), weighted, 'weighted'),
             (_('Unweighted base'), unweighted, 'unweighted')]
    if not np.allclose(effective, weighted):
        lines.append((_('Effective base'), effective, 'effective'))
    return lines


def _figure_lines(table, r: int) -> list:
    """``(statistic label, values, number format kind)`` of the figure lines of row ``r``."""
    row = table.rows[r]
    if row.kind in ('mean', 'sd'):
        return [('', table.counts.iloc[r].to_numpy(dtype=float), 'decimal')]
    if row.kind == 'n':
        return [('', table.counts.iloc[r].to_numpy(dtype=float), 'count')]
    sources = {'count': (_('Counts'), table.counts, 'count'),
               'unweighted_count': (_('Unweighted counts'), table.unweighted_counts, 'count'),
               'column_percent': (_('Column %'), table.column_percent, 'percent'),
               'row_percent': (_('Row %'), table.row_percent, 'percent')}
    lines = []
    for statistic in table.statistics:
        label, frame, kind = sources[statistic]
        values = frame.iloc[r].to_numpy(dtype=float)
        # Excel's percent format multiplies by 100: store the fraction.
        lines.append((label, values / 100 if kind == 'percent' else values, kind))
    return lines


def _note_lines(section, small) -> list:
    """The lines under a table: base, notes, the table's own notes, tests, small bases."""
    table = section.table
    lines = [section.base] if section.base else []
    lines += list(section.notes)
    lines += [note for note in table.notes if note not in section.notes]
    for variable, test in table.chi_square.items():
        if isinstance(test, str):
            continue  # why a test was not done is noise in a client's workbook
        line = _('%(variable)s: chi-square = %(statistic)s, df = %(df)s, p = %(p)s',
                 variable=variable, statistic=f'{test.statistic:.2f}', df=test.df,
                 p=f'{test.p_value:.4f}')
        if test.method == 'fisher':
            line += ' (' + _("Fisher's exact test") + ')'
        lines.append(f'{line} — {test.warning}' if test.warning else line)
    flagged = [c.label + (f' ({c.letter})' if c.letter else '')
               for c, is_small in zip(table.columns, small) if is_small]
    if flagged:
        lines.append(f"* {_('Small base')}: {', '.join(flagged)}")
    return lines
