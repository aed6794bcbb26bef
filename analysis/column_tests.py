"""Pairwise column tests of banner tables: proportions, means, p-value adjustment and letters.

Columns are only ever compared with the other columns of the *same* banner variable (never
across banner variables, never with Total). Every function here is vectorised over the rows
of a table and the pairs of columns; :mod:`analysis.tables` feeds them the sums it counted.

Notation (one row of a table, one pair of columns ``a`` and ``b``)::

    w_j   weighted base of column j (Σw over the column's respondents with a valid answer)
    q_j   sum of squared weights of column j (Σw²)
    e_j   test base: w_j, or Kish's effective base w_j² / q_j when the preset uses it
    x_j   weighted count of the row in column j; p_j = x_j / w_j
    w_0, q_0, e_0   the same for the overlap (respondents in both columns; MR banners only)

The three presets of :data:`PRESETS` follow the published algorithms of the programs they are
named after; ``docs/statistics.md`` ("Banner tables and column tests") gives the formulas for
researchers.

References
----------
IBM SPSS Statistics Algorithms, "CTABLES algorithms: Column proportions tests / Column means
tests". IBM SPSS Data Collection (UNICOM Intelligence) Survey Reporter / Table Scripting,
"Statistical formula for the column proportions test" and "... column means test" (overlap,
effective base, ``df = e1 + e2 − e0 − 2``). Kish, L. (1965). *Survey Sampling*, §11.7. Benjamini,
Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57(1), 289–300.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy import stats as sps

from .errors import SpecificationError
from .i18n import _


@dataclass(frozen=True)
class TestPreset:
    """How columns are compared: one program's published algorithm, or your own combination.

    Parameters
    ----------
    name, label : str
        Registry key and a short description for table notes.
    proportion_variance : {'pooled', 'unpooled'}
        ``pooled``: ``Var = p(1 − p)(1/e_a + 1/e_b − 2·e_0/(e_a·e_b))`` with the pooled
        proportion ``p = (x_a + x_b) / (w_a + w_b)``; ``unpooled``:
        ``Var = p_a(1 − p_a)/e_a + p_b(1 − p_b)/e_b`` (no overlap term).
    proportion_distribution : {'z', 't'}
        Reference distribution of the proportion statistic: standard normal, or Student's t
        with ``df = e_a + e_b − e_0 − 2`` (Dimensions).
    mean_variance : {'banner', 'pair', 'welch'}
        ``banner``: one variance pooled over all tested columns of the banner variable,
        ``s² = Σ_j S_j / Σ_j d_j``, ``df = Σ_j e_j − k`` (SPSS; replaced by ``pair`` for
        multiple-response banners, as SPSS does); ``pair``: pooled over the two columns,
        ``s² = (S_a + S_b)/(d_a + d_b)``, ``df = e_a + e_b − e_0 − 2``; ``welch``:
        ``Var = s_a²/e_a + s_b²/e_b`` with Welch–Satterthwaite df. ``S_j = Σw(y − m_j)²``.
    weighted_variance : {'frequency', 'reliability'}
        The per-column variance denominator ``d_j``: ``w_j − 1`` (weights as replication
        counts, SPSS) or ``w_j − q_j/w_j`` (Dimensions; Welch's ``s²·e/(e − 1)``).
        Both are ``n_j − 1`` for unweighted data.
    base : {'weighted', 'effective'}
        ``e_j = w_j`` or ``e_j = w_j² / q_j`` (Kish 1965).
    overlap : bool
        Correct for respondents who are in both columns of a multiple-response banner
        (the ``e_0`` terms; without it ``e_0 = 0``). Requires pooled proportions.
    adjustment : {'none', 'bonferroni', 'fdr_bh'}
        Multiple-comparison adjustment of the p-values.
    adjustment_scope : {'row', 'table'}
        Adjust over the pairs of one banner variable within one row (SPSS's Bonferroni), or
        over every test of the table (one row variable against the whole banner).
    skip_zero_one : bool
        Leave out of a row's comparisons the columns whose proportion is 0 or 1 (SPSS).
    """

    __test__ = False  # not a pytest test class despite its name

    name: str
    label: str
    proportion_variance: str = 'pooled'
    proportion_distribution: str = 'z'
    mean_variance: str = 'banner'
    weighted_variance: str = 'frequency'
    base: str = 'weighted'
    overlap: bool = False
    adjustment: str = 'none'
    adjustment_scope: str = 'row'
    skip_zero_one: bool = False

    def __post_init__(self):
        choices = {'proportion_variance': ('pooled', 'unpooled'),
                   'proportion_distribution': ('z', 't'),
                   'mean_variance': ('banner', 'pair', 'welch'),
                   'weighted_variance': ('frequency', 'reliability'),
                   'base': ('weighted', 'effective'),
                   'adjustment': ('none', 'bonferroni', 'fdr_bh'),
                   'adjustment_scope': ('row', 'table')}
        for option, allowed in choices.items():
            if getattr(self, option) not in allowed:
                raise SpecificationError(_('The test option %(option)s must be one of '
                                           '%(allowed)s, not %(value)s.', option=option,
                                           allowed=', '.join(allowed),
                                           value=getattr(self, option)))
        if self.overlap and self.proportion_variance != 'pooled':
            raise SpecificationError(_('The overlap correction needs pooled proportions.'))


#: The published algorithms. ``dataclasses.replace(PRESETS['spss'], base='effective')`` makes
#: a variant (e.g. SPSS's "use effective base size" option).
PRESETS = {
    # IBM SPSS Statistics Custom Tables (CTABLES COMPARETEST): pooled z test of two
    # proportions, columns with p = 0 or 1 left out, Bonferroni over the pairs of one banner
    # variable within each row; means: t with the variance pooled over the banner variable's
    # columns (pairwise for multiple-response banners); weights as frequency weights.
    'spss': TestPreset('spss', 'IBM SPSS Custom Tables', proportion_variance='pooled',
                       proportion_distribution='z', mean_variance='banner',
                       weighted_variance='frequency', base='weighted', overlap=False,
                       adjustment='bonferroni', adjustment_scope='row', skip_zero_one=True),
    # IBM SPSS Data Collection / Dimensions (UNICOM Intelligence) Survey Reporter: pooled
    # proportions, effective bases, overlap correction, Student's t with df = e1 + e2 − e0 − 2
    # for proportions and means; no adjustment.
    'dimensions': TestPreset('dimensions', 'IBM SPSS Data Collection (Dimensions)',
                             proportion_variance='pooled', proportion_distribution='t',
                             mean_variance='pair', weighted_variance='reliability',
                             base='effective', overlap=True, adjustment='none'),
    # Q-style independent pairwise tests: unpooled (Wald) z test of two proportions, Welch's
    # t test of means, effective bases, Benjamini–Hochberg FDR over all tests of the table.
    'q': TestPreset('q', 'Q-style: unpooled z, Welch t, Benjamini-Hochberg FDR',
                    proportion_variance='unpooled', proportion_distribution='z',
                    mean_variance='welch', weighted_variance='reliability', base='effective',
                    overlap=False, adjustment='fdr_bh', adjustment_scope='table'),
}


def resolve_preset(preset) -> TestPreset:
    """``preset`` as a :class:`TestPreset`: an instance, or the name of one in :data:`PRESETS`."""
    if isinstance(preset, TestPreset):
        return preset
    if isinstance(preset, str) and preset in PRESETS:
        return PRESETS[preset]
    raise SpecificationError(_('Unknown test preset %(name)s; choose one of %(names)s.',
                               name=preset, names=', '.join(PRESETS)))


def check_alphas(alphas) -> tuple:
    """``(stricter, looser)`` or ``(stricter,)`` from a number or a pair; bad values raise.

    Each level must lie in (0, 0.5) and the looser must be greater than the stricter.
    """
    if isinstance(alphas, (int, float)) and not isinstance(alphas, bool):
        alphas = (alphas,)
    try:
        levels = tuple(float(a) for a in alphas if a is not None)
    except (TypeError, ValueError):
        raise SpecificationError(_('Significance levels must be numbers, such as (0.05, '
                                   '0.10).')) from None
    if not 1 <= len(levels) <= 2:
        raise SpecificationError(_('Give one or two significance levels, such as (0.05, '
                                   '0.10).'))
    for level in levels:
        if not 0 < level < 0.5:
            raise SpecificationError(_('A significance level must be between 0 and 0.5, not '
                                       '%(value)s.', value=level))
    if len(levels) == 2 and not levels[1] > levels[0]:
        raise SpecificationError(_('The looser significance level (%(looser)s) must be greater '
                                   'than the stricter one (%(stricter)s).',
                                   looser=levels[1], stricter=levels[0]))
    return levels


def column_pairs(columns) -> np.ndarray:
    """All pairs ``(a, b)`` with ``a < b`` of ``columns`` (positions), as a ``(P, 2)`` array."""
    pairs = list(combinations(sorted(columns), 2))
    return np.array(pairs, dtype=np.intp).reshape(len(pairs), 2)


def _p_two_sided(statistic, df=None):
    """Two-sided p-values from N(0, 1), or from Student's t where ``df`` is given."""
    statistic = np.abs(statistic)
    if df is None:
        return 2 * sps.norm.sf(statistic)
    return 2 * sps.t.sf(statistic, df)


def proportion_tests(counts, bases, test_bases, pairs, *, preset: TestPreset,
                     overlap=None):
    """Test ``p_a = p_b`` for every row and pair of columns.

    Parameters
    ----------
    counts : (R, C) array
        Weighted counts ``x_j`` of each row in each column.
    bases, test_bases : (C,) arrays
        Weighted bases ``w_j`` and test bases ``e_j`` (see the module notation).
    pairs : (P, 2) int array
        Column positions to compare.
    preset : TestPreset
    overlap : (P,) array, optional
        ``e_0`` of each pair (0 for disjoint columns); used when ``preset.overlap``.

    Returns
    -------
    statistic, p_value : (R, P) arrays
        NaN where the test is not performed (zero variance; with ``skip_zero_one`` a column
        whose proportion is 0 or 1).
    df : (P,) array or None
        Degrees of freedom ``e_a + e_b − e_0 − 2`` when the preset uses Student's t.

    Notes
    -----
    Pooled (Dimensions, SPSS)::

        p = (x_a + x_b) / (w_a + w_b)
        t = (p_a − p_b) / sqrt(p(1 − p)·(1/e_a + 1/e_b − 2·e_0/(e_a·e_b)))

    Unpooled (Wald)::  z = (p_a − p_b) / sqrt(p_a(1 − p_a)/e_a + p_b(1 − p_b)/e_b)
    """
    counts = np.asarray(counts, dtype=float)
    bases = np.asarray(bases, dtype=float)
    test_bases = np.asarray(test_bases, dtype=float)
    a, b = pairs[:, 0], pairs[:, 1]
    with np.errstate(divide='ignore', invalid='ignore'):
        shares = counts / bases
        pa, pb = shares[:, a], shares[:, b]
        ea, eb = test_bases[a], test_bases[b]
        e0 = np.zeros(len(pairs)) if overlap is None or not preset.overlap else overlap
        if preset.proportion_variance == 'pooled':
            pooled = (counts[:, a] + counts[:, b]) / (bases[a] + bases[b])
            variance = pooled * (1 - pooled) * (1 / ea + 1 / eb - 2 * e0 / (ea * eb))
        else:
            variance = pa * (1 - pa) / ea + pb * (1 - pb) / eb
        statistic = (pa - pb) / np.sqrt(np.where(variance > 0, variance, np.nan))
    ok = (variance > 0) & (ea > 0) & (eb > 0)
    if preset.skip_zero_one:
        # A tolerance, as counts and bases are sums of weights added up in different orders.
        extreme = (shares <= 1e-9) | (shares >= 1 - 1e-9)
        ok &= ~extreme[:, a] & ~extreme[:, b]
    statistic = np.where(ok, statistic, np.nan)
    df = None
    if preset.proportion_distribution == 't':
        df = ea + eb - e0 - 2
        df = np.where(df >= 1, df, np.nan)
    with np.errstate(invalid='ignore'):
        p_value = _p_two_sided(statistic, df)
    return statistic, df, p_value


def mean_tests(means, deviations, bases, square_weights, test_bases, pairs, *,
               preset: TestPreset, variance: str | None = None, overlap=None):
    """Test ``mean_a = mean_b`` for every pair of columns.

    Parameters
    ----------
    means : (C,) array
        Weighted means ``m_j``.
    deviations : (C,) array
        ``S_j = Σ w (y − m_j)²``, the weighted sums of squared deviations.
    bases, square_weights, test_bases : (C,) arrays
        ``w_j``, ``q_j`` and ``e_j``.
    pairs : (P, 2) int array
        Column positions to compare; for ``banner`` pooling the variance is pooled over the
        columns that appear in ``pairs``.
    preset : TestPreset
    variance : {'banner', 'pair', 'welch'}, optional
        Overrides ``preset.mean_variance`` (SPSS uses ``pair`` for multiple-response banners).
    overlap : (P,) array, optional
        ``e_0`` of each pair, used when ``preset.overlap``.

    Returns
    -------
    statistic, df, p_value : (P,) arrays
        NaN where the test is not performed (a zero standard error or ``df < 1``).

    Notes
    -----
    With ``d_j`` the variance denominator (``w_j − 1`` or ``w_j − q_j/w_j``)::

        banner:  s² = Σ_T S_j / Σ_T d_j,       t = (m_a − m_b) / (s·sqrt(1/e_a + 1/e_b)),
                 df = Σ_T e_j − k          (T: the k tested columns)
        pair:    s² = (S_a + S_b)/(d_a + d_b),
                 t = (m_a − m_b) / sqrt(s²·(1/e_a + 1/e_b − 2·e_0/(e_a·e_b))),
                 df = e_a + e_b − e_0 − 2
        welch:   v_j = S_j / d_j,  t = (m_a − m_b) / sqrt(v_a/e_a + v_b/e_b),
                 df = (v_a/e_a + v_b/e_b)² / [(v_a/e_a)²/(e_a − 1) + (v_b/e_b)²/(e_b − 1)]
    """
    means, deviations, bases, square_weights, test_bases = (
        np.asarray(v, dtype=float) for v in (means, deviations, bases, square_weights,
                                             test_bases))
    variance = variance or preset.mean_variance
    a, b = pairs[:, 0], pairs[:, 1]
    ea, eb = test_bases[a], test_bases[b]
    e0 = np.zeros(len(pairs)) if overlap is None or not preset.overlap else overlap
    with np.errstate(divide='ignore', invalid='ignore'):
        if preset.weighted_variance == 'frequency':
            denominators = bases - 1
        else:
            denominators = bases - square_weights / bases
        if variance == 'banner':
            tested = np.unique(pairs)
            pooled = deviations[tested].sum() / denominators[tested].sum()
            se2 = pooled * (1 / ea + 1 / eb)
            df = np.full(len(pairs), test_bases[tested].sum() - len(tested))
        elif variance == 'pair':
            pooled = (deviations[a] + deviations[b]) / (denominators[a] + denominators[b])
            se2 = pooled * (1 / ea + 1 / eb - 2 * e0 / (ea * eb))
            df = ea + eb - e0 - 2
        else:
            part_a = deviations[a] / denominators[a] / ea
            part_b = deviations[b] / denominators[b] / eb
            se2 = part_a + part_b
            df = se2 ** 2 / (part_a ** 2 / (ea - 1) + part_b ** 2 / (eb - 1))
        ok = (se2 > 0) & (df >= 1)
        statistic = np.where(ok, (means[a] - means[b]) / np.sqrt(np.where(ok, se2, 1)),
                             np.nan)
        df = np.where(ok, df, np.nan)
        p_value = _p_two_sided(statistic, df)
    return statistic, df, p_value


def adjust_p_values(p_values, method: str, groups=None) -> np.ndarray:
    """Adjust ``p_values`` for multiple comparisons within each group; NaN stays NaN.

    Parameters
    ----------
    p_values : array
        Raw p-values (any shape; NaN = no test).
    method : {'none', 'bonferroni', 'fdr_bh'}
        ``bonferroni``: ``min(1, m·p)``; ``fdr_bh`` (Benjamini & Hochberg 1995): with the
        ``m`` p-values of a group sorted ascending, ``p̃_(i) = min_{k ≥ i} min(1, m·p_(k)/k)``.
        ``m`` counts the tests actually performed (non-NaN) in the group.
    groups : array of the same shape, optional
        Group labels; all p-values form one group when omitted.
    """
    p = np.asarray(p_values, dtype=float)
    if method == 'none':
        return p.copy()
    flat = p.ravel()
    labels = np.zeros(flat.shape, dtype=np.intp) if groups is None else \
        np.unique(np.asarray(groups).ravel(), return_inverse=True)[1]
    adjusted = np.full(flat.shape, np.nan)
    valid = ~np.isnan(flat)
    # Sort by group, then by p-value, to process every group in one vectorised pass.
    order = np.lexsort((flat[valid], labels[valid]))
    positions = np.flatnonzero(valid)[order]
    values, group = flat[positions], labels[positions]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    sizes = np.diff(np.r_[starts, len(values)])
    m = np.repeat(sizes, sizes).astype(float)
    if method == 'bonferroni':
        adjusted[positions] = np.minimum(1.0, values * m)
    elif method == 'fdr_bh':
        rank = np.arange(len(values)) - np.repeat(starts, sizes) + 1
        scaled = np.minimum(1.0, values * m / rank)
        # Cumulative minimum from the largest p-value down, within each group.
        for start, size in zip(starts, sizes):
            block = scaled[start:start + size]
            scaled[start:start + size] = np.minimum.accumulate(block[::-1])[::-1]
        adjusted[positions] = scaled
    else:
        raise SpecificationError(_('Unknown p-value adjustment %(method)s.', method=method))
    return adjusted.reshape(p.shape)


def column_letter(position: int) -> str:
    """The letter of the ``position``-th lettered column (0-based): A … Z, AA, AB, …"""
    letters = ''
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord('A') + remainder) + letters
    return letters


def significance_letters(p_values, higher_a, pairs, letters, alphas, n_columns: int,
                         separator: str = '') -> np.ndarray:
    """The letters each cell is significantly higher than, as an ``(R, C)`` array of str.

    Parameters
    ----------
    p_values : (R, P) array
        (Adjusted) p-values; NaN = not tested.
    higher_a : (R, P) bool array
        Whether column ``a`` of the pair has the higher value (proportion or mean).
    pairs : (P, 2) int array
    letters : sequence of str
        The letter of every column position.
    alphas : tuple
        ``(stricter,)`` or ``(stricter, looser)``: UPPER case when ``p < stricter``, lower case
        when only ``p < looser``. A cell's letters follow the column order.
    """
    looser = alphas[-1]
    upper, lower = p_values < alphas[0], p_values < looser
    found = {}
    for row, k in zip(*np.nonzero(lower | upper)):
        a, b = pairs[k]
        winner, loser = (a, b) if higher_a[row, k] else (b, a)
        letter = letters[loser] if upper[row, k] else letters[loser].lower()
        found.setdefault((row, winner), []).append((loser, letter))
    result = np.full((p_values.shape[0], n_columns), '', dtype=object)
    for (row, column), cell in found.items():
        result[row, column] = separator.join(letter for _, letter in sorted(cell))
    return result
