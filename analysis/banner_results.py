"""Results of :class:`analysis.tables.BannerTable`: one :class:`TableResult` per row variable.

Every DataFrame of a table has the table's rows (:attr:`TableRow.key`) as index and its columns
(:attr:`BannerColumn.key`: ``'Total'``, ``'CITY:1'``, ``'AWARE:AWARE_2'``) as columns, Total
first, so that the web layer and the exports read them without knowing how they were computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .i18n import _

#: Cell statistics a table can show, in display order.
STATISTICS = ('count', 'unweighted_count', 'column_percent', 'row_percent')
#: Row kinds: categories of a single-coded variable, nets, items of a multiple-response set,
#: and the summary rows of a numeric variable.
ROW_KINDS = ('category', 'net', 'item', 'mean', 'sd', 'n')


@dataclass(frozen=True)
class BannerColumn:
    """One column of a banner table."""

    #: ``'Total'``, ``'<banner variable>:<code>'`` or ``'<MR set>:<item variable>'``.
    key: str
    #: The banner variable or multiple-response set (``None`` for Total).
    banner_variable: str | None
    #: The value code, or the item variable name of a multiple-response banner.
    code: object
    label: str
    #: The column's significance letter (``''`` for Total).
    letter: str


@dataclass(frozen=True)
class TableRow:
    """One row of a banner table."""

    #: The code (``'1'``), the item name, ``'net:<label>'``, or ``'mean'``, ``'sd'``, ``'n'``.
    key: str
    label: str
    #: One of :data:`ROW_KINDS`.
    kind: str


@dataclass(frozen=True)
class TableResult:
    """One row variable against the whole banner.

    Attributes
    ----------
    counts : DataFrame
        Weighted counts (for a numeric variable: the mean, SD and weighted n).
    unweighted_counts : DataFrame
        Respondents counted (numeric variable: the unweighted n on every row).
    column_percent : DataFrame
        ``100 · count / weighted base`` of the column (NaN for numeric rows).
    row_percent : DataFrame
        ``100 · count / Total count`` of the row: the share of the row's Total in each column.
    letters : DataFrame
        The letters of the columns a cell is significantly higher than (str, ``''`` if none).
    bases : DataFrame
        Rows ``'weighted'``, ``'unweighted'``, ``'effective'`` (Kish ``(Σw)²/Σw²``).
    small_base : Series of bool
        Columns whose unweighted base is below the small-base threshold.
    p_values : DataFrame
        One line per test performed: ``row``, ``banner_variable``, ``column_a``, ``column_b``,
        ``statistic``, ``df``, ``p_value``, ``adjusted_p_value``.
    chi_square : mapping
        Banner variable → :class:`analysis.stats.ChiSquareResult`, or a translated note saying
        why the test was not done.
    notes : list of str
        Translated notes: preset, significance levels, weight, minimum base, untested columns.
    """

    name: str
    label: str
    #: ``'categorical'``, ``'multiple'`` or ``'numeric'``.
    kind: str
    columns: list
    rows: list
    counts: pd.DataFrame
    unweighted_counts: pd.DataFrame
    column_percent: pd.DataFrame
    row_percent: pd.DataFrame
    letters: pd.DataFrame
    bases: pd.DataFrame
    small_base: pd.Series
    p_values: pd.DataFrame
    chi_square: Mapping
    notes: list
    statistics: tuple = ('count', 'column_percent')

    def column(self, key: str) -> BannerColumn:
        """The :class:`BannerColumn` with ``key``."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def to_frame(self) -> pd.DataFrame:
        """A tidy frame, one line per cell, for exports.

        Columns: ``table``, ``row``, ``row_label``, ``row_kind``, ``column``,
        ``banner_variable``, ``column_label``, ``letter``, the requested statistics
        (``count`` … ``row_percent``), ``letters``, ``base_weighted``, ``base_unweighted``,
        ``base_effective``, ``small_base``.
        """
        n_rows, n_columns = len(self.rows), len(self.columns)
        frame = pd.DataFrame({
            'table': self.name,
            'row': np.repeat([r.key for r in self.rows], n_columns),
            'row_label': np.repeat([r.label for r in self.rows], n_columns),
            'row_kind': np.repeat([r.kind for r in self.rows], n_columns),
            'column': np.tile([c.key for c in self.columns], n_rows),
            'banner_variable': np.tile(np.array([c.banner_variable for c in self.columns],
                                                dtype=object), n_rows),
            'column_label': np.tile([c.label for c in self.columns], n_rows),
            'letter': np.tile([c.letter for c in self.columns], n_rows),
        })
        sources = {'count': self.counts, 'unweighted_count': self.unweighted_counts,
                   'column_percent': self.column_percent, 'row_percent': self.row_percent}
        for statistic in self.statistics:
            frame[statistic] = sources[statistic].to_numpy().ravel()
        frame['letters'] = self.letters.to_numpy().ravel()
        for base in ('weighted', 'unweighted', 'effective'):
            frame[f'base_{base}'] = np.tile(self.bases.loc[base].to_numpy(), n_rows)
        frame['small_base'] = np.tile(self.small_base.to_numpy(), n_rows)
        return frame

    def summary(self) -> str:
        """The table as text: bases, the requested statistics and the letters."""
        headers = [c.label + (f' ({c.letter})' if c.letter else '') for c in self.columns]
        lines, index = [], []
        flag = ['*' if small else '' for small in self.small_base]
        for base, label in (('weighted', _('Base')), ('unweighted', _('Base (unweighted)'))):
            values = self.bases.loc[base].to_numpy()
            lines.append([f'{v:,.0f}{f}' for v, f in zip(values, flag)])
            index.append(label)
        for r, row in enumerate(self.rows):
            letters = self.letters.iloc[r].to_numpy()
            if row.kind in ('mean', 'sd', 'n'):
                values = self.counts.iloc[r].to_numpy()
                digits = 0 if row.kind == 'n' else 2
                cells = [_format(v, digits) for v in values]
                if row.kind == 'mean':
                    cells = [f'{c} {l}'.rstrip() for c, l in zip(cells, letters)]
                lines.append(cells)
                index.append(row.label)
                continue
            shown = list(self.statistics)
            letters_at = (shown.index('column_percent') if 'column_percent' in shown
                          else len(shown) - 1)
            for k, statistic in enumerate(shown):
                if statistic == 'count':
                    cells = [_format(v, 0) for v in self.counts.iloc[r].to_numpy()]
                elif statistic == 'unweighted_count':
                    cells = [_format(v, 0) for v in self.unweighted_counts.iloc[r].to_numpy()]
                else:
                    source = (self.column_percent if statistic == 'column_percent'
                              else self.row_percent)
                    cells = [_format(v, 1, '%') for v in source.iloc[r].to_numpy()]
                if k == letters_at:
                    cells = [f'{c} {l}'.rstrip() for c, l in zip(cells, letters)]
                lines.append(cells)
                index.append(row.label if k == 0 else '')
        body = pd.DataFrame(lines, index=index, columns=headers).to_string()
        return '\n'.join([f'{self.name}: {self.label}' if self.label else self.name, body,
                          *self.notes])


def _format(value, digits: int, suffix: str = '') -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return '–'
    return f'{value:,.{digits}f}{suffix}'


@dataclass(frozen=True)
class BannerResult:
    """All tables of a :class:`analysis.tables.BannerTable` fit, in the order of its rows."""

    tables: list
    #: The :class:`analysis.column_tests.TestPreset` used.
    preset: object
    alphas: tuple
    weight: str | None
    notes: list = field(default_factory=list)

    def __getitem__(self, name: str) -> TableResult:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def summary(self) -> str:
        """Every table as text, separated by blank lines."""
        return '\n\n'.join(table.summary() for table in self.tables)

    def to_frame(self) -> pd.DataFrame:
        """The tidy frames of all tables, stacked."""
        return pd.concat([table.to_frame() for table in self.tables], ignore_index=True)
