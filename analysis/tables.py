"""Banner tables: row variables against a banner of columns, with column tests and letters.

::

    table = BannerTable(['FREQ', 'AWARE', 'AGE'], ['GENDER', 'CITY'], weight='w',
                        preset='spss', alphas=(0.05, 0.10))
    result = table.fit(dataset)
    result['FREQ'].column_percent['CITY:1']     # DataFrame: rows × column keys
    result['FREQ'].letters.loc['1', 'CITY:1']   # e.g. 'Bc'

The counting is vectorised (:mod:`analysis.table_counts`); the tests and letters come from
:mod:`analysis.column_tests`; the results are :mod:`analysis.banner_results`. The section
"Banner tables and column tests" of ``docs/statistics.md`` describes bases, presets and letters.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import pandas as pd

from .banner_results import STATISTICS, BannerColumn, BannerResult, TableResult
from .column_tests import (adjust_p_values, check_alphas, column_letter, column_pairs,
                           mean_tests, proportion_tests, resolve_preset, significance_letters)
from .dataset import Dataset
from .errors import SpecificationError, UnknownVariableError
from .i18n import _
from .table_layouts import RowVariable, banner_layout, check_row, code_key, row_variable
from .stats import chi_square_test
from .table_counts import TableCounter


class BannerTable:
    """Cross-tabulate row variables against a banner, with pairwise column tests.

    Parameters
    ----------
    rows : list of str
        Variables or multiple-response sets, one table each. Single-coded categorical
        variables give one row per value label (unlabelled values that occur follow them) with
        the valid answers as base; multiple-response sets one row per item, based on the
        respondents who answered the set (not all items missing); numeric variables the rows
        Mean, SD and n, with column-means letters on the Mean row.
    banner : list of str
        Categorical variables (one column per value label) or multiple-response sets (one
        column per item; a respondent is in every column they mentioned, so columns overlap).
        A Total column, never tested, always comes first.
    weight : str, optional
        A weight variable of the dataset; respondents with weight 0 drop out.
    preset : str or TestPreset
        ``'spss'``, ``'dimensions'``, ``'q'`` (see :data:`analysis.column_tests.PRESETS`).
    alphas : float or (float, float)
        Stricter and optional looser significance level: UPPER-case letters for
        ``p < stricter``, lower case for ``stricter ≤ p < looser``. Each in (0, 0.5).
    min_base : int
        Columns with fewer respondents (unweighted base of the row variable) are not tested.
    small_base : int
        Columns with fewer respondents are flagged in :attr:`TableResult.small_base`.
    nets : mapping, optional
        ``{row variable: [{'label': 'Weekly+', 'codes': [1, 2, 3]}, ...]}`` rows added after
        the categories: for a single-coded variable the respondents with any of the codes, for a
        multiple-response set (codes = item variable names) those who mentioned any item.
    statistics : tuple of str
        What :meth:`TableResult.summary` and ``to_frame()`` show, from
        ``('count', 'unweighted_count', 'column_percent', 'row_percent')``; every statistic is
        computed regardless.
    filter : boolean array, optional
        Respondents to keep (one value per respondent of the dataset).
    effective_base : bool, optional
        Overrides the preset's test bases: ``True`` for Kish effective bases (SPSS's "use
        effective base size for weighted data"), ``False`` for weighted bases.

    Raises
    ------
    UnknownVariableError
        A row or banner name that is neither a variable nor a multiple-response set.
    SpecificationError
        A banner variable with fewer than two categories or without value labels, a text or
        date row, bad nets, alphas or thresholds, an unknown preset or statistic, and a
        filter (or dataset) without respondents.

    Notes
    -----
    Per column ``j`` of a row variable (its respondents with a valid answer, weights ``w``)::

        weighted base w_j = Σw,   unweighted base n_j,   effective base e_j = (Σw)² / Σw²
        column % = 100 · x_rj / w_j,          row % = 100 · x_rj / x_r,Total

    where ``x_rj`` is the weighted count of row ``r``. The pairwise tests, their adjustment
    and the letters are those of :mod:`analysis.column_tests` for the chosen preset; the
    chi-square test of each single-coded row × single-coded banner variable is
    :func:`analysis.stats.chi_square_test` on the weighted counts.

    References
    ----------
    Kish, L. (1965). *Survey Sampling*, §11.7. IBM SPSS Statistics Algorithms, "CTABLES
    algorithms". IBM SPSS Data Collection Survey Reporter, "Statistical tests".
    """

    def __init__(self, rows, banner, *, weight: str | None = None, preset='spss',
                 alphas=(0.05, 0.10), min_base: int = 30, small_base: int = 50,
                 nets: Mapping | None = None, statistics=('count', 'column_percent'),
                 filter=None, effective_base: bool | None = None):
        self.rows = _names(rows, _('rows'), allow_empty=False)
        self.banner = _names(banner, _('banner'), allow_empty=True)
        if len(set(self.banner)) != len(self.banner):
            raise SpecificationError(_('A banner variable is listed twice.'))
        self.weight = weight
        self.preset = resolve_preset(preset)
        if effective_base is not None:
            self.preset = replace(self.preset,
                                  base='effective' if effective_base else 'weighted')
        self.alphas = check_alphas(alphas)
        self.min_base = _threshold(min_base, 'min_base')
        self.small_base = _threshold(small_base, 'small_base')
        self.nets = _check_nets(nets, self.rows)
        statistics = (statistics,) if isinstance(statistics, str) else tuple(statistics)
        unknown = [s for s in statistics if s not in STATISTICS]
        if unknown or not statistics:
            raise SpecificationError(_('Unknown table statistic %(names)s; choose from '
                                       '%(known)s.', names=', '.join(map(str, unknown)) or '–',
                                       known=', '.join(STATISTICS)))
        self.statistics = statistics
        self.filter = filter

    def fit(self, dataset: Dataset) -> BannerResult:
        """Count every table, run the column tests and return a :class:`BannerResult`."""
        if self.filter is not None:
            dataset = dataset.subset(self.filter)
        if len(dataset) == 0:
            raise SpecificationError(_('No respondents match the filter.'))
        for name in self.rows + self.banner:
            if not dataset.has(name):
                raise UnknownVariableError(_('There is no variable or multiple-response set '
                                             '%(name)s in this dataset.', name=name))
        for name in self.rows:
            check_row(dataset, name, self.nets.get(name, ()))
        weights = dataset.weight(self.weight)
        keep = weights > 0
        banners = [banner_layout(dataset, name) for name in self.banner]
        columns = _columns(banners)
        notes = self._notes(dataset)
        counting = TableCounter(banners, weights if self.weight is not None else None, keep)
        tables = [self._table(row_variable(dataset, name, keep, self.nets.get(name, ())),
                              counting, columns, notes) for name in self.rows]
        return BannerResult(tables, self.preset, self.alphas, self.weight, notes)

    def _notes(self, dataset: Dataset) -> list:
        notes = [_('Column tests: %(preset)s.', preset=self.preset.label)]
        if len(self.alphas) == 2:
            notes.append(_('Letters: upper case p < %(stricter)s, lower case p < %(looser)s.',
                           stricter=self.alphas[0], looser=self.alphas[1]))
        else:
            notes.append(_('Letters: p < %(stricter)s.', stricter=self.alphas[0]))
        adjustment = {'bonferroni': _('p-values Bonferroni-adjusted within each row of each '
                                      'banner variable.'),
                      'fdr_bh': _('p-values adjusted for the false discovery rate '
                                  '(Benjamini-Hochberg) over all tests of each table.')}
        if self.preset.adjustment in adjustment:
            notes.append(adjustment[self.preset.adjustment])
        if self.weight is None:
            notes.append(_('Unweighted.'))
        else:
            label = dataset.variable(self.weight).label or self.weight
            notes.append(_('Weighted by %(weight)s; tests use %(base)s bases.', weight=label,
                           base=_('effective') if self.preset.base == 'effective'
                           else _('weighted')))
        notes.append(_('Columns with fewer than %(min_base)s respondents are not tested; '
                       'bases below %(small_base)s are marked *.', min_base=self.min_base,
                       small_base=self.small_base))
        return notes

    def _table(self, row: RowVariable, counting, columns, notes):
        banners, weights = counting.banners, counting.weights
        vectors = [weights, None] if counting.weighted else [None]
        if row.kind == 'numeric':
            vectors = vectors + [weights * row.values, weights * row.values ** 2]
        cells = counting.sums(row.layout, vectors)
        count, unweighted = (cells[0], cells[1]) if counting.weighted else (cells[0], cells[0])
        if row.kind == 'categorical':
            base_w, base_u = (m[:row.n_categories].sum(axis=0) for m in (count, unweighted))
        elif row.kind == 'multiple':
            bases = counting.sums(row.base_layout, vectors[:2])[:, 0]
            base_w, base_u = (bases[0], bases[1]) if counting.weighted else (bases[0], bases[0])
        else:
            base_w, base_u = count[0], unweighted[0]
        base_q = counting.square_bases(row.valid) if counting.weighted else base_u
        with np.errstate(divide='ignore', invalid='ignore'):
            effective = np.where(base_q > 0, base_w ** 2 / base_q, 0.0)
        test_bases = effective if self.preset.base == 'effective' else base_w
        keys = [c.key for c in columns]
        index = [r.key for r in row.rows]

        def frame(values):
            return pd.DataFrame(values, index=index, columns=keys)

        if row.kind == 'numeric':
            sums, squares = cells[-2][0], cells[-1][0]
            with np.errstate(divide='ignore', invalid='ignore'):
                means = np.where(base_w > 0, row.centre + sums / base_w, np.nan)
                deviations = np.maximum(squares - sums ** 2 / base_w, 0)
                # The topline convention (docs/statistics.md): reliability weights,
                # s² = [S / W] · e / (e − 1) = S / (W − Σw²/W).
                dof = base_w - base_q / base_w
                sd = np.where(effective > 1, np.sqrt(deviations / dof), np.nan)
            shown = np.vstack([means, sd, base_w])
            percent = np.full(shown.shape, np.nan)
            column_percent, row_percent = percent, percent
            unweighted = np.vstack([base_u] * 3)
            tested_values = means[None, :]
        else:
            shown = count
            with np.errstate(divide='ignore', invalid='ignore'):
                column_percent = np.where(base_w > 0, 100 * count / base_w, np.nan)
                total = count[:, :1]
                row_percent = np.where(total > 0, 100 * count / total, np.nan)
            tested_values = column_percent
            deviations = None
        tests = self._tests(row, counting, columns, count, base_w, base_u, base_q, test_bases,
                            tested_values, deviations)
        letters, p_values, untested = tests
        bases_frame = pd.DataFrame([base_w, base_u, effective], columns=keys,
                                   index=['weighted', 'unweighted', 'effective'])
        table_notes = list(notes)
        small = [label for label, answered in untested if answered]
        empty = [label for label, answered in untested if not answered]
        if small:
            table_notes.append(_('Not tested (base below %(min_base)s): %(columns)s.',
                                 min_base=self.min_base, columns=', '.join(small)))
        if empty:
            table_notes.append(_('No respondents: %(columns)s.', columns=', '.join(empty)))
        return TableResult(
            name=row.name, label=row.label, kind=row.kind, columns=columns, rows=row.rows,
            counts=frame(shown), unweighted_counts=frame(unweighted),
            column_percent=frame(column_percent), row_percent=frame(row_percent),
            letters=frame(letters), bases=bases_frame,
            small_base=pd.Series(base_u < self.small_base, index=keys),
            p_values=p_values, chi_square=_chi_square(row, banners, count), notes=table_notes,
            statistics=self.statistics)

    def _tests(self, row, counting, columns, count, base_w, base_u, base_q, test_bases,
               values, deviations):
        """Letters (R × K), the long p-value frame and the untested columns' labels."""
        n_rows = len(row.rows)
        blocks, untested, offset = [], [], 1
        for banner in counting.banners:
            positions = np.arange(offset, offset + banner.size)
            offset += banner.size
            ok = (base_u[positions] >= self.min_base) & (base_w[positions] > 0)
            untested += [(f'{columns[p].label} ({columns[p].letter})', base_u[p] > 0)
                         for p in positions[~ok]]
            if ok.sum() < 2:
                continue
            pairs = column_pairs(positions[ok])
            overlap = None
            if self.preset.overlap and banner.is_multiple:
                local = pairs - positions[0]
                together_w, together_q = counting.overlap(row.valid, banner)
                w0 = together_w[local[:, 0], local[:, 1]]
                q0 = together_q[local[:, 0], local[:, 1]]
                with np.errstate(divide='ignore', invalid='ignore'):
                    overlap = w0 if self.preset.base == 'weighted' else \
                        np.where(q0 > 0, w0 ** 2 / q0, 0.0)
            if row.kind == 'numeric':
                variance = 'pair' if (banner.is_multiple and
                                      self.preset.mean_variance == 'banner') else None
                statistic, df, p = mean_tests(values[0], deviations, base_w, base_q,
                                              test_bases, pairs, preset=self.preset,
                                              variance=variance, overlap=overlap)
                statistic, p = statistic[None, :], p[None, :]
            else:
                statistic, df, p = proportion_tests(count, base_w, test_bases, pairs,
                                                    preset=self.preset, overlap=overlap)
            if df is None:
                df = np.full(len(pairs), np.nan)
            blocks.append((banner.name, pairs, statistic, df, p))
        if not blocks:
            empty = np.full((n_rows, len(columns)), '', dtype=object)
            frame = pd.DataFrame(columns=['row', 'banner_variable', 'column_a', 'column_b',
                                          'statistic', 'df', 'p_value', 'adjusted_p_value'])
            return empty, frame, untested
        pairs = np.vstack([b[1] for b in blocks])
        p = np.hstack([b[4] for b in blocks])
        statistic = np.hstack([b[2] for b in blocks])
        df = np.hstack([b[3] for b in blocks])
        block_of = np.repeat(np.arange(len(blocks)), [len(b[1]) for b in blocks])
        if self.preset.adjustment_scope == 'row':
            groups = np.arange(p.shape[0])[:, None] * len(blocks) + block_of[None, :]
        else:
            groups = None
        adjusted = adjust_p_values(p, self.preset.adjustment, groups)
        higher = values[:p.shape[0], pairs[:, 0]] > values[:p.shape[0], pairs[:, 1]]
        separator = '' if all(len(c.letter) < 2 for c in columns) else ' '
        letters = np.full((n_rows, len(columns)), '', dtype=object)
        letters[:p.shape[0]] = significance_letters(
            adjusted, higher, pairs, [c.letter for c in columns], self.alphas, len(columns),
            separator)
        tested_rows, tested_pairs = np.nonzero(~np.isnan(p))
        keys = np.array([c.key for c in columns], dtype=object)
        frame = pd.DataFrame({
            'row': np.array([r.key for r in row.rows], dtype=object)[tested_rows],
            'banner_variable': np.array([b[0] for b in blocks],
                                        dtype=object)[block_of[tested_pairs]],
            'column_a': keys[pairs[tested_pairs, 0]],
            'column_b': keys[pairs[tested_pairs, 1]],
            'statistic': statistic[tested_rows, tested_pairs],
            'df': df[tested_pairs],
            'p_value': p[tested_rows, tested_pairs],
            'adjusted_p_value': adjusted[tested_rows, tested_pairs]})
        return letters, frame, untested


def _chi_square(row: RowVariable, banners, count) -> dict:
    """Chi-square test of independence per single-coded banner variable (or a note)."""
    results, offset = {}, 1
    for banner in banners:
        block = count[:row.n_categories, offset:offset + banner.size] \
            if row.kind == 'categorical' else None
        offset += banner.size
        if row.kind != 'categorical':
            results[banner.name] = _('Not tested: a chi-square test needs the categories of a '
                                     'single-coded row variable.')
        elif banner.is_multiple:
            results[banner.name] = _('Not tested: %(name)s is a multiple-response set, whose '
                                     'columns overlap.', name=banner.name)
        else:
            try:
                results[banner.name] = chi_square_test(block)
            except SpecificationError as error:
                results[banner.name] = str(error)
    return results


def _columns(banners) -> list:
    columns = [BannerColumn('Total', None, None, _('Total'), '')]
    for banner in banners:
        for code, label in banner.columns:
            key = f'{banner.name}:{code_key(code)}'
            columns.append(BannerColumn(key, banner.name, code, label,
                                        column_letter(len(columns) - 1)))
    return columns


def _names(names, what: str, allow_empty: bool) -> list:
    if isinstance(names, str):
        names = [names]
    names = list(names or [])
    if not names and not allow_empty:
        raise SpecificationError(_('A table needs at least one variable in its %(what)s.',
                                   what=what))
    for name in names:
        if not isinstance(name, str) or not name:
            raise SpecificationError(_('Variable names must be text, not %(name)r.',
                                       name=name))
    return names


def _threshold(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise SpecificationError(_('%(name)s must be a whole number of respondents (0 or more), '
                                   'not %(value)s.', name=name, value=value))
    return int(value)


def _check_nets(nets, rows) -> dict:
    if not nets:
        return {}
    if not isinstance(nets, Mapping):
        raise SpecificationError(_('Nets must map row variables to lists of nets.'))
    checked = {}
    for name, definitions in nets.items():
        if name not in rows:
            raise SpecificationError(_('Nets are defined for %(name)s, which is not a row of '
                                       'the table.', name=name))
        checked[name] = []
        for definition in definitions:
            label = definition.get('label') if isinstance(definition, Mapping) else None
            codes = definition.get('codes') if isinstance(definition, Mapping) else None
            if not label or not isinstance(label, str) or not codes or isinstance(codes, str):
                raise SpecificationError(_("A net of %(name)s needs a 'label' and a list of "
                                           "'codes'.", name=name))
            checked[name].append((label, list(codes)))
        labels = [label for label, _codes in checked[name]]
        if len(set(labels)) != len(labels):
            raise SpecificationError(_('Two nets of %(name)s have the same label.', name=name))
    return checked
