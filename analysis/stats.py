"""Significance tests and intervals for survey data, as functions returning frozen results.

Every function takes plain arrays (or result objects of :mod:`analysis.toplines`) and returns a
frozen dataclass with documented fields. Missing values (``NaN``) are dropped before testing.
Weighted versions use the *effective sample size* of Kish (1965),
``n_eff = (Σw)² / Σw²``, as the sample size in standard errors and degrees of freedom. The
formulas and sources are collected for researchers in ``docs/statistics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from .dataset import check_weights
from .errors import AnalysisError, SpecificationError, WeightError
from .i18n import _

#: Cochran's rule: at most this share of expected counts may be below 5 (and none below 1).
COCHRAN_SHARE = 0.2


def effective_n(weights) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (Kish 1965, *Survey Sampling*, §11.7).

    Equals the number of respondents when all weights are equal; 0 for an empty array.
    """
    weights = np.asarray(weights, dtype=float)
    square_sum = float(np.sum(weights ** 2))
    return float(np.sum(weights)) ** 2 / square_sum if square_sum > 0 else 0.0


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise AnalysisError(_('The confidence level must be between 0 and 1, not %(value)s.',
                              value=confidence))
    return float(sps.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple:
    """Wilson score interval for a proportion ``successes / n``.

    With ``p = successes / n`` and ``z`` the normal quantile for ``confidence``::

        centre = (p + z²/(2n)) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p(1−p)/n + z²/(4n²))

    Weighted counts (floats) are accepted; pass the weighted share times the *effective*
    base to get an interval that reflects the weighting.

    Returns
    -------
    tuple of float
        ``(low, high)`` as proportions in [0, 1].

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *JASA* 22(158), 209–212.
    """
    successes, n = float(successes), float(n)
    if not np.isfinite(n) or n <= 0:
        raise AnalysisError(_('A proportion needs a positive base, not %(n)s.', n=n))
    if not 0 <= successes <= n:
        raise AnalysisError(_('The count %(count)s must be between 0 and the base %(n)s.',
                              count=successes, n=n))
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


@dataclass(frozen=True)
class ChiSquareResult:
    """Test of independence in a contingency table (see :func:`chi_square_test`)."""

    #: Pearson's X² of the table (also reported when ``method`` is ``'fisher'``).
    statistic: float
    df: int
    p_value: float
    #: ``'pearson'`` or ``'fisher'``.
    method: str
    min_expected: float
    #: Share (0–1) of cells with an expected count below 5.
    share_expected_below_5: float
    #: Translated caution when Cochran's rule is broken, else ``None``.
    warning: str | None = None
    #: Sample odds ratio ``(a·d)/(b·c)`` of the 2×2 table, for Fisher's test only.
    odds_ratio: float | None = None


def chi_square_test(table) -> ChiSquareResult:
    """Pearson's chi-square test of independence, or Fisher's exact test for small 2×2 tables.

    Rows and columns whose counts are all zero are dropped first. With observed counts
    ``O_ij``, row totals ``R_i``, column totals ``C_j`` and total ``N``::

        E_ij = R_i · C_j / N,   X² = Σ (O_ij − E_ij)² / E_ij,   df = (r − 1)(c − 1)

    and ``p = P(χ²_df ≥ X²)`` (no continuity correction). When the table is 2×2 and any
    ``E_ij < 5``, the two-sided p-value of Fisher's exact test is used instead (counts are
    rounded to whole numbers for it) and ``method`` is ``'fisher'``.

    ``warning`` is set when Cochran's rule is broken for the Pearson test: more than 20 % of
    expected counts below 5, or any below 1.

    Weighted counts are accepted, but the test then treats them as if they were a simple
    random sample of that size; for heavily weighted data the p-value is too small.

    Raises
    ------
    SpecificationError
        If fewer than two rows or columns have any counts (e.g. a banner with one category).

    References
    ----------
    Pearson, K. (1900). *Philosophical Magazine* 50, 157–175. Fisher, R. A. (1922). *JRSS* 85,
    87–94. Cochran, W. G. (1954). Some methods for strengthening the common χ² tests.
    *Biometrics* 10(4), 417–451.
    """
    observed = np.asarray(table, dtype=float)
    if observed.ndim != 2:
        raise SpecificationError(_('A chi-square test needs a two-way table of counts.'))
    if not np.isfinite(observed).all() or (observed < 0).any():
        raise AnalysisError(_('A table of counts must not have missing, infinite or negative '
                              'cells.'))
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    rows, columns = observed.shape
    if rows < 2 or columns < 2:
        raise SpecificationError(_('A chi-square test needs at least two rows and two columns '
                                   'with answers; this table has %(rows)d × %(columns)d. Is '
                                   'a banner variable reduced to a single category?',
                                   rows=rows, columns=columns))
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    df = (rows - 1) * (columns - 1)
    min_expected = float(expected.min())
    share_below_5 = float(np.mean(expected < 5))
    if (rows, columns) == (2, 2) and min_expected < 5:
        fisher = sps.fisher_exact(np.rint(observed).astype(np.int64))
        return ChiSquareResult(statistic, df, float(fisher.pvalue), 'fisher', min_expected,
                               share_below_5, None, float(fisher.statistic))
    warning = None
    if share_below_5 > COCHRAN_SHARE or min_expected < 1:
        warning = _('%(share)s %% of expected counts are below 5 (the smallest is %(min)s); '
                    'the chi-square test is unreliable.',
                    share=f'{100 * share_below_5:.0f}', min=f'{min_expected:.2f}')
    return ChiSquareResult(statistic, df, float(sps.chi2.sf(statistic, df)), 'pearson',
                           min_expected, share_below_5, warning)


def _sample(values, weights=None, label='x'):
    """Finite values and their weights (ones if unweighted), NaN and zero weights dropped."""
    values = np.asarray(values, dtype=float).ravel()
    if weights is None:
        weights = np.ones(len(values))
    else:
        weights = check_weights(np.asarray(weights, dtype=float).ravel(), label)
        if weights.shape != values.shape:
            raise WeightError(_('The weights of %(name)s must have one value per answer.',
                                name=label))
    if np.isinf(values).any():
        raise AnalysisError(_('The values of %(name)s must not be infinite.', name=label))
    keep = ~np.isnan(values) & (weights > 0)
    return values[keep], weights[keep]


def _weighted_moments(values, weights, label):
    """Weighted mean, variance (reliability-weights convention) and Kish effective n."""
    n_eff = effective_n(weights)
    if len(values) < 2 or n_eff <= 1:
        raise SpecificationError(_('Group %(name)s needs at least two answers for this test.',
                                   name=label))
    mean = float(np.sum(weights * values) / np.sum(weights))
    biased = float(np.sum(weights * (values - mean) ** 2) / np.sum(weights))
    return mean, biased * n_eff / (n_eff - 1), n_eff


@dataclass(frozen=True)
class TTestResult:
    """Welch's two-sample t-test (see :func:`welch_t_test`)."""

    statistic: float
    df: float
    p_value: float
    mean_x: float
    mean_y: float
    #: ``mean_x − mean_y``.
    difference: float
    #: Standard error of the difference.
    se: float
    n_x: int
    n_y: int
    effective_n_x: float
    effective_n_y: float


def welch_t_test(x, y, weights_x=None, weights_y=None) -> TTestResult:
    """Welch's unequal-variance t-test of ``mean(x) = mean(y)``, optionally weighted.

    For each sample, with weights ``w`` (ones if unweighted)::

        m = Σw·x / Σw
        n_eff = (Σw)² / Σw²                                  (Kish 1965)
        s² = [Σw·(x − m)² / Σw] · n_eff / (n_eff − 1)
        t = (m_x − m_y) / sqrt(s_x²/n_x + s_y²/n_y)          with n = n_eff
        df = (s_x²/n_x + s_y²/n_y)² / [(s_x²/n_x)²/(n_x − 1) + (s_y²/n_y)²/(n_y − 1)]

    and a two-sided p-value from Student's t with ``df`` (Welch–Satterthwaite) degrees of
    freedom. Unweighted, this is exactly Welch's test; weighted, it equals the frequency-weight
    test on weights rescaled to sum to the effective n (statsmodels ``DescrStatsW`` /
    ``CompareMeans(usevar='unequal')`` on ``w · n_eff / Σw``).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34, 28–35. Kish, L. (1965). *Survey
    Sampling*. Wiley.
    """
    x, wx = _sample(x, weights_x, 'x')
    y, wy = _sample(y, weights_y, 'y')
    mean_x, var_x, n_x = _weighted_moments(x, wx, 'x')
    mean_y, var_y, n_y = _weighted_moments(y, wy, 'y')
    part_x, part_y = var_x / n_x, var_y / n_y
    if part_x + part_y == 0:
        raise SpecificationError(_('Both groups have no variation; a t-test is not defined.'))
    se, difference = float(np.sqrt(part_x + part_y)), mean_x - mean_y
    statistic = difference / se
    df = (part_x + part_y) ** 2 / (part_x ** 2 / (n_x - 1) + part_y ** 2 / (n_y - 1))
    return TTestResult(statistic, float(df), float(2 * sps.t.sf(abs(statistic), df)),
                       mean_x, mean_y, difference, se, len(x), len(y), n_x, n_y)


@dataclass(frozen=True)
class AnovaResult:
    """One-way analysis of variance (see :func:`anova`)."""

    statistic: float
    df_between: float
    df_within: float
    p_value: float
    #: ``'welch'`` or ``'fisher'``.
    method: str


def _groups(groups, minimum=1):
    cleaned = [_sample(group, label=str(i + 1))[0] for i, group in enumerate(groups)]
    if len(cleaned) < 2:
        raise SpecificationError(_('A comparison of groups needs at least two groups.'))
    for i, group in enumerate(cleaned):
        if len(group) < minimum:
            raise SpecificationError(_('Group %(group)d has %(count)d answers; this test needs '
                                       'at least %(minimum)d in every group.',
                                       group=i + 1, count=len(group), minimum=minimum))
    return cleaned


def anova(groups, welch: bool = True) -> AnovaResult:
    """One-way ANOVA of the means of ``groups``: Welch's (default) or Fisher's classic F-test.

    Welch (1951), with ``k`` groups of size ``n_i``, mean ``m_i``, variance ``s_i²``
    (``ddof = 1``), ``w_i = n_i / s_i²``, ``W = Σw_i`` and ``m = Σw_i·m_i / W``::

        A = Σ w_i (m_i − m)² / (k − 1)
        h = Σ (1 − w_i/W)² / (n_i − 1)
        F = A / (1 + 2(k − 2)·h / (k² − 1)),   df = (k − 1, (k² − 1) / (3h))

    Fisher's F (``welch=False``) is ``MS_between / MS_within`` with ``(k − 1, N − k)`` df and
    assumes equal variances. NaN values are dropped.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: an alternative approach.
    *Biometrika* 38, 330–336. Fisher, R. A. (1925). *Statistical Methods for Research Workers*.
    """
    groups = _groups(groups, minimum=2)
    k = len(groups)
    sizes = np.array([len(g) for g in groups], dtype=float)
    means = np.array([g.mean() for g in groups])
    variances = np.array([g.var(ddof=1) for g in groups])
    if not welch:
        total = sizes.sum()
        grand = np.sum(sizes * means) / total
        within = np.sum((sizes - 1) * variances)
        if within == 0:
            raise SpecificationError(_('No group has any variation; an ANOVA is not defined.'))
        df_between, df_within = k - 1.0, total - k
        statistic = (np.sum(sizes * (means - grand) ** 2) / df_between) / (within / df_within)
        return AnovaResult(float(statistic), df_between, float(df_within),
                           float(sps.f.sf(statistic, df_between, df_within)), 'fisher')
    if (variances == 0).any():
        raise SpecificationError(_("A group has no variation; Welch's ANOVA is not defined. "
                                   'Use the classic ANOVA.'))
    w = sizes / variances
    grand = np.sum(w * means) / w.sum()
    h = np.sum((1 - w / w.sum()) ** 2 / (sizes - 1))
    statistic = (np.sum(w * (means - grand) ** 2) / (k - 1)) / (1 + 2 * (k - 2) * h / (k * k - 1))
    df_between, df_within = k - 1.0, (k * k - 1) / (3 * h)
    return AnovaResult(float(statistic), df_between, float(df_within),
                       float(sps.f.sf(statistic, df_between, df_within)), 'welch')


@dataclass(frozen=True)
class MannWhitneyResult:
    """Mann–Whitney U test (see :func:`mann_whitney`)."""

    #: ``U`` of ``x``: pairs with ``x > y`` plus half the ties.
    statistic: float
    p_value: float
    n_x: int
    n_y: int
    #: ``U / (n_x · n_y)``: the probability that an ``x`` exceeds a ``y`` (ties count half).
    common_language: float


def mann_whitney(x, y) -> MannWhitneyResult:
    """Two-sided Mann–Whitney U (Wilcoxon rank-sum) test; NaN values are dropped.

    ``U_x = R_x − n_x(n_x + 1)/2`` with ``R_x`` the sum of the mid-ranks of ``x`` in the pooled
    sample. The p-value is scipy's ``mannwhitneyu(method='auto')``: exact for small samples
    without ties, else the normal approximation with tie and continuity corrections.

    References
    ----------
    Mann, H. B. & Whitney, D. R. (1947). *Annals of Mathematical Statistics* 18(1), 50–60.
    """
    x, y = _groups([x, y])
    result = sps.mannwhitneyu(x, y, alternative='two-sided')
    return MannWhitneyResult(float(result.statistic), float(result.pvalue), len(x), len(y),
                             float(result.statistic) / (len(x) * len(y)))


@dataclass(frozen=True)
class KruskalResult:
    """Kruskal–Wallis H test (see :func:`kruskal_wallis`)."""

    statistic: float
    df: int
    p_value: float
    n: int


def kruskal_wallis(groups) -> KruskalResult:
    """Kruskal–Wallis H test that ``groups`` come from one distribution; NaN values dropped.

    With ``N`` answers, group sizes ``n_i`` and rank sums ``R_i`` (mid-ranks for ties)::

        H = [12 / (N(N + 1)) · Σ R_i²/n_i − 3(N + 1)] / (1 − Σ(t³ − t) / (N³ − N))

    where ``t`` runs over the sizes of tied groups; ``p = P(χ²_(k−1) ≥ H)``.

    References
    ----------
    Kruskal, W. H. & Wallis, W. A. (1952). *JASA* 47(260), 583–621.
    """
    groups = _groups(groups)
    if len(np.unique(np.concatenate(groups))) < 2:
        raise SpecificationError(_('All answers are equal; a Kruskal–Wallis test is not '
                                   'defined.'))
    result = sps.kruskal(*groups)
    return KruskalResult(float(result.statistic), len(groups) - 1, float(result.pvalue),
                         int(sum(len(g) for g in groups)))


@dataclass(frozen=True)
class NPSDifference:
    """Test of the difference of two independent Net Promoter Scores."""

    #: ``score_a − score_b`` in NPS points.
    difference: float
    #: Standard error of the difference, in NPS points.
    se: float
    z: float
    p_value: float


def nps_difference_test(a, b) -> NPSDifference:
    """z-test that two independent samples have the same Net Promoter Score.

    ``a`` and ``b`` are :class:`analysis.toplines.NPSResult`. Each score's variance is that of a
    difference of two proportions of one multinomial sample (Rocks 2016)::

        Var(NPS) = [p_P + p_D − (p_P − p_D)²] / n_eff     (as proportions; ×100² in points)
        z = (NPS_a − NPS_b) / sqrt(Var_a + Var_b),   p = 2·(1 − Φ(|z|))

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American
    Statistician* 70(4), 365–372 (arXiv:1601.07235).
    """
    se, difference = float(np.hypot(a.se, b.se)), float(a.score - b.score)
    if not se > 0:
        raise SpecificationError(_('Neither Net Promoter Score varies (each sample is all '
                                   'promoters, all passives or all detractors); the '
                                   'difference cannot be tested.'))
    return NPSDifference(difference, se, difference / se,
                         float(2 * sps.norm.sf(abs(difference / se))))
