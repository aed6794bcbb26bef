"""Survey weights: rim weighting (raking) and cell weighting, with an efficiency report.

Settings go to ``__init__``; ``fit(dataset)`` checks them against the data and returns a
read-only :class:`WeightingResult` (weights, achieved margins, Kish's efficiency and effective
base, warnings), also kept as ``result_``. :meth:`WeightingResult.apply` attaches the weights
(``Dataset.with_weight``). The methods are described in docs/statistics.md, "Weighting".

Weighting variables are read from ``dataset.data`` as they are: user-missing codes such as
98 "Refused" are ordinary categories here and need a target like any other; only ``NaN`` is
missing, and respondents with ``NaN`` must be given a category or filtered out first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .dataset import Dataset
from .errors import SpecificationError, WeightError
from .i18n import _
from .weighting_inputs import (_cell_text, _check_cap, _code_number, _codes, _number,
                               _plain, _shares, _start)

MARGIN_COLUMNS = ('variable', 'code', 'label', 'unweighted_count', 'unweighted_percent',
                  'target_percent', 'achieved_percent', 'difference')


@dataclass(frozen=True)
class WeightingResult:
    """The outcome of a weighting procedure (read-only; the weight values are not writable).

    Attributes
    ----------
    method, variables : str, tuple of str
        ``'rim'`` or ``'cell'``; the weighting variables.
    weights : Series
        One float weight per respondent, indexed like ``dataset.data``.
    converged, iterations : bool, int
        Whether every margin is within the tolerance and every weight within the caps; the
        raking sweeps done (0 if the start already fitted; 1 for cell weighting).
    efficiency, effective_n : float
        Kish's (1965, §11.7) efficiency :math:`100 (\\sum w)^2 / (n \\sum w^2)` in % and
        effective base :math:`(\\sum w)^2 / \\sum w^2`.
    min_weight, max_weight : float
    margins : DataFrame
        Per category (or cell): variable, code, label, unweighted_count, unweighted_percent,
        target_percent, achieved_percent, difference (achieved − target, percentage points).
    warnings : tuple of str
        Translated messages for the researcher (no convergence, caps not met).
    settings : dict
        The procedure's settings, for the stored report.
    """

    method: str
    variables: tuple
    weights: pd.Series
    converged: bool
    iterations: int
    efficiency: float
    effective_n: float
    min_weight: float
    max_weight: float
    margins: pd.DataFrame
    warnings: tuple = ()
    settings: dict = field(default_factory=dict)

    @property
    def design_effect(self) -> float:
        """Kish's design effect of the weighting, :math:`n \\sum w^2 / (\\sum w)^2 = 1 + CV^2`."""
        return 100.0 / self.efficiency

    def apply(self, dataset: Dataset, name: str, label: str = '') -> Dataset:
        """A copy of ``dataset`` with these weights as the weight variable ``name``."""
        if not self.weights.index.equals(dataset.data.index):
            raise WeightError(_('Weight %(name)s was computed for other respondents than the '
                                'ones in this dataset.', name=name))
        return dataset.with_weight(name, self.weights.to_numpy(), label)

    def to_dict(self) -> dict:
        """A JSON-serialisable report: everything but the per-respondent weights."""
        return {'method': self.method, 'variables': list(self.variables),
                'settings': _plain(self.settings), 'respondents': len(self.weights),
                'total': float(self.weights.sum()), 'converged': self.converged,
                'iterations': self.iterations, 'efficiency': self.efficiency,
                'effective_n': self.effective_n, 'min_weight': self.min_weight,
                'max_weight': self.max_weight, 'warnings': list(self.warnings),
                'margins': [_plain(row) for row in self.margins.to_dict('records')]}

    def summary(self) -> str:
        """The report as plain text."""
        lines = [_('Rim weighting (raking) on %(variables)s', variables=', '.join(self.variables))
                 if self.method == 'rim' else
                 _('Cell weighting on %(variables)s', variables=' × '.join(self.variables)),
                 (_('Converged: yes; iterations: %(count)d', count=self.iterations)
                  if self.converged else
                  _('Converged: NO; iterations: %(count)d', count=self.iterations)),
                 _('Respondents: %(n)d; sum of weights: %(total).2f', n=len(self.weights),
                   total=float(self.weights.sum())),
                 _('Weights from %(low).4f to %(high).4f', low=self.min_weight,
                   high=self.max_weight),
                 _('Weighting efficiency: %(efficiency).1f %%; effective base: %(base).1f',
                   efficiency=self.efficiency, base=self.effective_n), '']
        rows = [[_('Variable'), _('Code'), _('Label'), _('Count'), _('Sample %'),
                 _('Target %'), _('Weighted %'), _('Difference')]]
        rows += [[str(r.variable), str(r.code), str(r.label), str(r.unweighted_count),
                  f'{r.unweighted_percent:.2f}', f'{r.target_percent:.2f}',
                  f'{r.achieved_percent:.2f}', f'{r.difference:+.4f}']
                 for r in self.margins.itertuples(index=False)]
        widths = [max(len(text) for text in column) for column in zip(*rows)]
        lines += ['  '.join(text.ljust(width) if i < 3 else text.rjust(width)
                            for i, (text, width) in enumerate(zip(row, widths))).rstrip()
                  for row in rows]
        if self.warnings:
            lines += ['', _('Warnings:')] + [f'- {warning}' for warning in self.warnings]
        return '\n'.join(lines)


class RimWeighting:
    """Rim weighting: raking the weights to marginal targets (Deming & Stephan 1940).

    Parameters
    ----------
    targets : mapping
        ``{variable name: {code: target}}``. Every category present in the sample needs a
        target; a category nobody in the sample has must have target 0.
    unit : {'percent', 'count'}
        ``'percent'``: each margin sums to 100 (within 0.01); ``'count'``: population counts,
        every margin summing to the same total (within 0.5 %). Either way the targets are used
        as shares :math:`p_{jk} = t_{jk} / \\sum_k t_{jk}`.
    tolerance : float
        Convergence criterion: the largest absolute difference between an achieved and a
        target proportion (1e-4 is 0.01 percentage points).
    max_iterations : int
        The most raking sweeps (a sweep adjusts every variable once).
    cap : (low, high), optional
        Bounds on the weights relative to the mean weight, e.g. ``(0.2, 5)``; either may be None.
    base_weight : str, optional
        A weight variable of the dataset to start from (design weights).
    total : float, optional
        The sum of the final weights; by default the number of respondents (mean weight 1).

    Notes
    -----
    From the base weights :math:`w_i` (or 1), a sweep multiplies the weights of category
    :math:`k` of each variable :math:`j` in turn by :math:`T p_{jk} / \\sum_{i \\in k} w_i`
    (iterative proportional fitting), until after a sweep :math:`\\max_{j,k} |\\sum_{i \\in k}
    w_i / \\sum_i w_i - p_{jk}| \\le` ``tolerance``. With ``cap``, each sweep is followed by
    trimming to :math:`[\\mathrm{low} \\cdot \\bar w, \\mathrm{high} \\cdot \\bar w]`
    (:math:`\\bar w` the mean weight; zero weights stay 0) and the next sweep re-rakes, until
    the margins and the caps (relative slack ``tolerance``) hold after a sweep: the IHB macro's
    trimming within raking. If ``max_iterations`` runs out first, the last sweep's weights are
    returned (margins before caps), ``converged=False``, with warnings. docs/statistics.md,
    "Weighting", gives the details.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency
    table when the expected marginal totals are known. *Ann. Math. Statist.* 11, 427–444.
    Izrael, D., Battaglia, M. P. & Frankel, M. R. (2009). Extreme survey weight adjustment as a
    component of sample balancing (a.k.a. raking). SAS Global Forum 2009, paper 247-2009.
    Battaglia, M. P., Hoaglin, D. C. & Frankel, M. R. (2009). Practical considerations in raking
    survey data. *Survey Practice* 2(5). Kish, L. (1965). *Survey Sampling*. Wiley.
    """

    def __init__(self, targets: Mapping, *, unit: str = 'percent', tolerance: float = 1e-4,
                 max_iterations: int = 100, cap: tuple | None = None,
                 base_weight: str | None = None, total: float | None = None):
        self.targets = targets
        self.unit = unit
        self.tolerance = tolerance
        self.max_iterations = max_iterations
        self.cap = cap
        self.base_weight = base_weight
        self.total = total

    def fit(self, dataset: Dataset) -> WeightingResult:
        """Rake the weights of ``dataset``'s respondents to the targets."""
        if _number(self.tolerance) is None or not 0 < self.tolerance < 1:
            raise SpecificationError(_('The tolerance must be a number between 0 and 1.'))
        if (isinstance(self.max_iterations, bool) or not isinstance(self.max_iterations, int)
                or self.max_iterations < 1):
            raise SpecificationError(_('The maximum number of iterations must be at least 1.'))
        low, high = _check_cap(self.cap)
        if not isinstance(self.targets, Mapping) or not self.targets:
            raise SpecificationError(_('Rim weighting needs targets for at least one variable.'))
        base, total = _start(dataset, self.unit, self.base_weight, self.total)
        margins, sums = [], {}
        for name, targets in self.targets.items():
            margin, sums[name] = _variable_margin(dataset, name, targets, self.unit, base)
            margins.append(margin)
        first, first_sum = next(iter(sums.items()))
        for name, target_sum in sums.items():
            if self.unit == 'count' and abs(target_sum - first_sum) > 0.005 * max(target_sum,
                                                                                 first_sum):
                raise SpecificationError(_(
                    'The count targets of %(variable)s sum to %(sum)s but those of %(first)s '
                    'sum to %(first_sum)s: every margin must have the same total (within '
                    '0.5 %%).', variable=name, sum=f'{target_sum:g}', first=first,
                    first_sum=f'{first_sum:g}'))

        weights, iterations, converged = self._rake(margins, base, total, low, high)
        table = _margin_table(margins, weights)
        warnings = []
        worst = table.loc[table['difference'].abs().idxmax()]
        if not converged and abs(worst['difference']) > 100 * self.tolerance:
            warnings.append(_('Weighting did not converge (iteration limit: %(count)d): the '
                              'largest remaining difference is %(difference).4f percentage '
                              'points, on %(variable)s = %(code)s (%(label)s).',
                              count=iterations, difference=worst['difference'],
                              variable=worst['variable'], code=worst['code'],
                              label=worst['label']))
        outside = _outside_caps(weights, np.ones(len(weights)), low, high, self.tolerance)
        if outside:
            ratios = weights[weights > 0] / weights.mean()
            warnings.append(_('Respondents with weights outside the caps (%(low)s to %(high)s '
                              'times the mean weight): %(count)d; the weights range from '
                              '%(min).3f to %(max).3f times the mean.', count=outside,
                              low=_plain(low), high=_plain(high), min=ratios.min(),
                              max=ratios.max()))
        settings = {'targets': self.targets, 'unit': self.unit, 'tolerance': self.tolerance,
                    'max_iterations': self.max_iterations, 'total': total,
                    'cap': None if self.cap is None else [low, high],
                    'base_weight': self.base_weight}
        self.result_ = _result('rim', tuple(self.targets), dataset, weights, converged,
                               iterations, table, warnings, settings)
        return self.result_

    def _rake(self, margins, base, total, low, high):
        # Respondents with the same categories and base weight keep equal weights throughout,
        # so the raking runs on these groups (usually a few hundred), not on every respondent.
        group, first = _groups([m.index for m in margins] + [base])
        counts = np.bincount(group)
        ones = len(counts) == len(group)
        margins = [(m.index[first], m.shares) for m in margins]
        weights = base[first]

        def fitted():
            mass = weights if ones else weights * counts
            difference = max(np.abs(np.bincount(index, weights=mass, minlength=len(shares))
                                    - shares * mass.sum()).max() for index, shares in margins)
            return (difference <= self.tolerance * mass.sum()
                    and not _outside_caps(weights, counts, low, high, self.tolerance))

        iterations, converged = 0, fitted()
        while not converged and iterations < self.max_iterations:
            for index, shares in margins:
                sums = np.bincount(index, weights=weights if ones else weights * counts,
                                   minlength=len(shares))
                weights *= np.divide(total * shares, sums, out=np.zeros(len(shares)),
                                     where=sums > 0)[index]
            iterations += 1
            converged = fitted()
            if not converged and iterations < self.max_iterations and (low or high):
                mean = (weights * counts).sum() / len(group)
                np.clip(weights, (low or 0) * mean, (high or np.inf) * mean, out=weights,
                        where=weights > 0)
        weights_sum = (weights * counts).sum()
        if not weights_sum > 0:
            raise SpecificationError(_('These targets give every respondent a weight of 0.'))
        return weights[group] * (total / weights_sum), iterations, converged


class CellWeighting:
    """Cell weighting (post-stratification) to a joint distribution of targets.

    Parameters
    ----------
    variables : sequence of str
        The variables whose combinations of codes form the cells.
    targets : mapping
        ``{(code of variable 1, code of variable 2, ...): target}`` (with one variable a plain
        code will do). Every cell present in the sample needs a target; a cell nobody in the
        sample is in must have target 0.
    unit, total, base_weight
        As for :class:`RimWeighting` (one margin, so counts need no common total).

    Notes
    -----
    With base weights :math:`b_i`, target shares :math:`p_c` and total :math:`T`, respondent
    :math:`i` in cell :math:`c` gets :math:`w_i = b_i \\, T p_c / \\sum_{i' \\in c} b_{i'}`;
    without base weights that is :math:`(p_c / (n_c / n)) \\cdot T / n`, the target share over
    the sample share (Kalton & Flores-Cervantes 2003).

    References
    ----------
    Kalton, G. & Flores-Cervantes, I. (2003). Weighting methods. *Journal of Official
    Statistics* 19(2), 81–97.
    """

    def __init__(self, variables: Sequence[str], targets: Mapping, *, unit: str = 'percent',
                 total: float | None = None, base_weight: str | None = None):
        self.variables = variables
        self.targets = targets
        self.unit = unit
        self.total = total
        self.base_weight = base_weight

    def fit(self, dataset: Dataset) -> WeightingResult:
        """Weight each cell of ``dataset``'s respondents to its target share."""
        names = (self.variables,) if isinstance(self.variables, str) else tuple(self.variables)
        if not names or not isinstance(self.targets, Mapping) or not self.targets:
            raise SpecificationError(_('Cell weighting needs variables and targets.'))
        base, total = _start(dataset, self.unit, self.base_weight, self.total)
        columns = [_codes(dataset, name) for name in names]
        targets = {}
        for key, target in self.targets.items():
            cell = key if isinstance(key, tuple) else (key,)
            if len(cell) != len(names):
                raise SpecificationError(_('Target cell %(cell)s needs one code for each of '
                                           '%(variables)s.', cell=_cell_text(cell),
                                           variables=', '.join(names)))
            targets[tuple(_code_number(name, code) for name, code in zip(names, cell))] = target
        name = ' × '.join(names)
        shares, _sum = _shares(name, targets, self.unit)
        position = {cell: k for k, cell in enumerate(shares)}
        group, first = _groups(columns)
        present = [tuple(column[i] for column in columns) for i in first]
        lacking = sorted(cell for cell in present if cell not in position)
        if lacking:
            raise SpecificationError(_('Respondents are in cells without a target: %(cells)s.',
                                       cells='; '.join(_cell_text(c) for c in lacking[:20])))
        index = np.array([position[cell] for cell in present], dtype=np.intp)[group]
        labels = [' × '.join(dataset.variable(n).value_label(c) for n, c in zip(names, cell))
                  for cell in shares]
        margin = _Margin(name, index, list(shares.values()),
                         [_cell_text(cell) for cell in shares], labels, base)
        sums = np.bincount(index, weights=base, minlength=margin.size)
        weights = base * np.divide(total * margin.shares, sums, out=np.zeros(margin.size),
                                   where=sums > 0)[index]
        settings = {'targets': {_cell_text(cell): target for cell, target in targets.items()},
                    'unit': self.unit, 'total': total, 'base_weight': self.base_weight}
        self.result_ = _result('cell', names, dataset, weights, True, 1,
                               _margin_table([margin], weights), [], settings)
        return self.result_


class _Margin:
    """One margin: each respondent's category index, the target shares, codes and labels."""

    def __init__(self, name, index, shares, codes, labels, base):
        self.name, self.index, self.shares = name, index, np.asarray(shares, dtype=float)
        self.codes, self.labels, self.size = codes, labels, len(codes)
        self.counts = np.bincount(index, minlength=self.size)
        based = np.bincount(index, weights=base, minlength=self.size)
        for k in np.flatnonzero(self.shares > 0):
            if self.counts[k] == 0:
                raise SpecificationError(_(
                    'Nobody in the sample has %(variable)s = %(code)s (%(label)s), but its '
                    'target is not 0: weighting cannot create respondents in an empty cell. '
                    'Set its target to 0 or merge it with another category.', variable=name,
                    code=codes[k], label=labels[k]))
            if based[k] == 0:
                raise SpecificationError(_(
                    'Every respondent with %(variable)s = %(code)s (%(label)s) has base weight '
                    '0, but its target is not 0.', variable=name, code=codes[k],
                    label=labels[k]))


def _variable_margin(dataset, name, targets, unit, base):
    """The margin of rim-weighting variable ``name`` and the sum of its targets, checked."""
    column = _codes(dataset, name)
    if not isinstance(targets, Mapping) or not targets:
        raise SpecificationError(_('Variable %(variable)s has no targets.', variable=name))
    shares, target_sum = _shares(name, targets, unit)
    position = {code: k for k, code in enumerate(shares)}
    inverse, uniques = pd.factorize(column)
    lacking = sorted(code for code in uniques if code not in position)
    if lacking:
        raise SpecificationError(_('Variable %(variable)s has respondents in categories without '
                                   'a target: %(codes)s.', variable=name,
                                   codes=', '.join(str(_plain(code)) for code in lacking[:20])))
    variable, present = dataset.variable(name), set(uniques)
    for code in shares:
        if code not in present and _plain(code) not in variable.value_labels:
            raise SpecificationError(_('%(code)s is not a code of variable %(variable)s and '
                                       'nobody in the sample has it.', code=_plain(code),
                                       variable=name))
    index = np.array([position[code] for code in uniques], dtype=np.intp)[inverse]
    codes = [_plain(code) for code in shares]
    return _Margin(name, index, list(shares.values()), codes,
                   [variable.value_label(code) for code in codes], base), target_sum


def _groups(columns):
    """Respondents grouped by their values in ``columns``: group numbers and first members."""
    group = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        column = pd.factorize(column)[0]
        group = pd.factorize(group * (int(column.max()) + 1) + column)[0]
    # factorize numbers groups in order of appearance: a group starts where the maximum grows.
    first = np.flatnonzero(np.diff(np.maximum.accumulate(group), prepend=-1) > 0)
    return group, first


def _outside_caps(weights, counts, low, high, tolerance) -> int:
    """How many respondents have weights outside the caps (relative slack ``tolerance``)."""
    if not (low or high):
        return 0
    ratios = weights / ((weights * counts).sum() / counts.sum())
    outside = (ratios > (high or np.inf) * (1 + tolerance)) | (
        (ratios < (low or 0) * (1 - tolerance)) & (weights > 0))
    return int(counts[outside].sum())


def _margin_table(margins, weights) -> pd.DataFrame:
    n, weights_sum = len(weights), weights.sum()
    parts = []
    for m in margins:
        achieved = 100 * np.bincount(m.index, weights=weights, minlength=m.size) / weights_sum
        parts.append(pd.DataFrame({
            'variable': m.name, 'code': pd.Series(m.codes, dtype=object), 'label': m.labels,
            'unweighted_count': m.counts, 'unweighted_percent': 100 * m.counts / n,
            'target_percent': 100 * m.shares, 'achieved_percent': achieved,
            'difference': achieved - 100 * m.shares}))
    return pd.concat(parts, ignore_index=True)[list(MARGIN_COLUMNS)]


def _result(method, variables, dataset, weights, converged, iterations, table, warnings,
            settings) -> WeightingResult:
    weights = np.array(weights, dtype=float)
    weights.flags.writeable = False
    effective_n = weights.sum() ** 2 / np.square(weights).sum()
    return WeightingResult(
        method=method, variables=tuple(variables),
        weights=pd.Series(weights, index=dataset.data.index, name='weight', copy=False),
        converged=bool(converged), iterations=int(iterations),
        efficiency=float(100 * effective_n / len(weights)), effective_n=float(effective_n),
        min_weight=float(weights.min()), max_weight=float(weights.max()), margins=table,
        warnings=tuple(warnings), settings=_plain(settings))
