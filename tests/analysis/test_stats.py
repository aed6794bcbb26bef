"""Significance tests and intervals, checked against scipy, statsmodels and published values."""

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.oneway import anova_oneway
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from analysis.errors import AnalysisError, SpecificationError, WeightError
from analysis.stats import (anova, chi_square_test, effective_n, kruskal_wallis, mann_whitney,
                            nps_difference_test, welch_t_test, wilson_interval)
from analysis.toplines import nps

RNG = np.random.default_rng(20240611)


# --- Wilson interval -------------------------------------------------------------------------

@pytest.mark.parametrize('successes, n, confidence', [
    (81, 263, 0.95), (0, 20, 0.95), (20, 20, 0.95), (3.5, 10.2, 0.9), (412.7, 998.3, 0.99)])
def test_wilson_interval_matches_statsmodels(successes, n, confidence):
    expected = proportion_confint(successes, n, alpha=1 - confidence, method='wilson')
    assert wilson_interval(successes, n, confidence) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize('successes, n, low, high', [
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718)])
def test_wilson_interval_matches_newcombe_1998(successes, n, low, high):
    # Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    # comparison of seven methods. Statistics in Medicine 17, 857-872, Table II, method 3.
    assert wilson_interval(successes, n) == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_rejects_impossible_counts():
    with pytest.raises(AnalysisError, match='positive base'):
        wilson_interval(0, 0)
    with pytest.raises(AnalysisError, match='between 0 and the base'):
        wilson_interval(11, 10)
    with pytest.raises(AnalysisError, match='confidence level'):
        wilson_interval(1, 10, confidence=95)


# --- Chi-square / Fisher ---------------------------------------------------------------------

def test_chi_square_matches_scipy_on_a_3x4_table():
    table = np.array([[30, 22, 18, 40], [25, 35, 20, 28], [12, 19, 31, 20]])
    result = chi_square_test(table)
    statistic, p_value, df, expected = sps.chi2_contingency(table, correction=False)
    assert result.method == 'pearson'
    assert result.statistic == pytest.approx(statistic, rel=1e-12)
    assert result.p_value == pytest.approx(p_value, rel=1e-10)
    assert result.df == df
    assert result.min_expected == pytest.approx(expected.min())
    assert result.share_expected_below_5 == 0
    assert result.warning is None and result.odds_ratio is None


def test_chi_square_accepts_weighted_counts_and_drops_empty_rows_and_columns():
    table = np.array([[12.4, 0, 30.1, 9.7], [0, 0, 0, 0], [20.2, 0, 14.9, 17.3]])
    result = chi_square_test(table)
    reduced = np.array([[12.4, 30.1, 9.7], [20.2, 14.9, 17.3]])
    statistic, p_value, df, _ = sps.chi2_contingency(reduced, correction=False)
    assert (result.statistic, result.df) == (pytest.approx(statistic, rel=1e-12), df)
    assert result.p_value == pytest.approx(p_value, rel=1e-10)


def test_large_2x2_table_uses_pearson_without_continuity_correction():
    table = [[45, 30], [25, 50]]
    result = chi_square_test(table)
    statistic, p_value, df, _ = sps.chi2_contingency(table, correction=False)
    assert result.method == 'pearson'
    assert (result.statistic, result.p_value, result.df) == (
        pytest.approx(statistic), pytest.approx(p_value), 1)


def test_small_2x2_table_uses_fisher_exact_test():
    table = [[8, 2], [1, 5]]
    result = chi_square_test(table)
    fisher = sps.fisher_exact(table)
    _, _, _, expected = sps.chi2_contingency(table, correction=False)
    assert result.method == 'fisher'
    assert result.p_value == pytest.approx(fisher.pvalue, rel=1e-12)
    assert result.odds_ratio == pytest.approx(fisher.statistic) == 20.0
    assert result.min_expected == pytest.approx(expected.min())
    assert result.share_expected_below_5 == pytest.approx(np.mean(expected < 5))
    assert result.warning is None


def test_sparse_table_warns_per_cochran():
    table = np.array([[10, 3, 1], [12, 2, 2]])
    result = chi_square_test(table)
    _, _, _, expected = sps.chi2_contingency(table, correction=False)
    share = np.mean(expected < 5)  # 4 of 6 cells
    assert result.method == 'pearson'
    assert result.share_expected_below_5 == pytest.approx(share)
    assert result.warning.startswith(f'{100 * share:.0f} % of expected counts are below 5')
    assert 'unreliable' in result.warning


def test_chi_square_needs_two_rows_and_columns():
    # The empty row and column go first, leaving one row: a banner with one category.
    with pytest.raises(SpecificationError, match=r'two rows and two columns.*1 × 2.*single'):
        chi_square_test([[5, 0, 7], [0, 0, 0]])
    with pytest.raises(SpecificationError, match='2 × 1'):
        chi_square_test([[5, 0], [7, 0]])
    with pytest.raises(SpecificationError, match='two-way table'):
        chi_square_test([1, 2, 3])
    with pytest.raises(AnalysisError, match='negative'):
        chi_square_test([[1, -2], [3, 4]])


# --- Welch t-test ----------------------------------------------------------------------------

def test_welch_t_test_unweighted_matches_scipy():
    x = RNG.normal(5, 1, 40)
    y = np.append(RNG.normal(5.6, 2, 25), np.nan)  # NaN is a missing answer
    result = welch_t_test(x, y)
    expected = sps.ttest_ind(x, y[:-1], equal_var=False)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-10)
    assert result.df == pytest.approx(expected.df, rel=1e-12)
    assert result.difference == pytest.approx(x.mean() - y[:-1].mean())
    assert (result.n_x, result.n_y) == (40, 25)


def test_welch_t_test_weighted_matches_statsmodels_with_weights_scaled_to_kish_n():
    x, y = RNG.normal(3, 1, 60), RNG.normal(3.4, 1.5, 45)
    wx, wy = RNG.uniform(0.3, 3, 60), RNG.uniform(0.5, 2, 45)
    result = welch_t_test(x, y, wx, wy)
    # Independent check: statsmodels frequency weights, rescaled to sum to Kish's n_eff.
    kish_x, kish_y = wx.sum() ** 2 / (wx ** 2).sum(), wy.sum() ** 2 / (wy ** 2).sum()
    dx = DescrStatsW(x, weights=wx * kish_x / wx.sum())
    dy = DescrStatsW(y, weights=wy * kish_y / wy.sum())
    statistic, p_value, df = CompareMeans(dx, dy).ttest_ind(usevar='unequal')
    assert result.statistic == pytest.approx(statistic, rel=1e-10)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    assert result.df == pytest.approx(df, rel=1e-10)
    assert (result.mean_x, result.mean_y) == (pytest.approx(np.average(x, weights=wx)),
                                              pytest.approx(np.average(y, weights=wy)))
    assert result.effective_n_x == pytest.approx(kish_x)


def test_welch_t_test_with_equal_weights_is_the_unweighted_test():
    x, y = RNG.normal(0, 1, 12), RNG.normal(1, 1, 9)
    result = welch_t_test(x, y, np.full(12, 2.5), np.full(9, 0.4))
    expected = sps.ttest_ind(x, y, equal_var=False)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)


def test_welch_t_test_bad_input():
    with pytest.raises(SpecificationError, match='at least two answers'):
        welch_t_test([1.0], [1, 2, 3])
    with pytest.raises(SpecificationError, match='no variation'):
        welch_t_test([2, 2, 2], [5, 5])
    with pytest.raises(WeightError, match='one value per answer'):
        welch_t_test([1, 2, 3], [1, 2, 3], weights_x=[1, 1])
    with pytest.raises(WeightError, match='negative'):
        welch_t_test([1, 2, 3], [1, 2, 3], weights_y=[1, -1, 1])


def test_effective_n_is_kish():
    assert effective_n([1, 1, 1, 1]) == 4
    assert effective_n([1, 3]) == pytest.approx(16 / 10)
    assert effective_n([]) == 0


# --- ANOVA -----------------------------------------------------------------------------------

GROUPS = [RNG.normal(10, 1, 15), RNG.normal(10.8, 2.5, 22), RNG.normal(9.7, 0.6, 11)]


def test_welch_anova_matches_statsmodels():
    result = anova(GROUPS)
    expected = anova_oneway(GROUPS, use_var='unequal', welch_correction=True)
    assert result.method == 'welch'
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-10)
    assert (result.df_between, result.df_within) == (
        pytest.approx(expected.df_num), pytest.approx(expected.df_denom, rel=1e-12))


def test_classic_anova_matches_scipy():
    result = anova(GROUPS + [[10, 11, np.nan, 12]], welch=False)
    expected = sps.f_oneway(*GROUPS, [10, 11, 12])
    assert result.method == 'fisher'
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-10)
    assert (result.df_between, result.df_within) == (3, 48 + 3 - 4)


def test_anova_bad_input():
    with pytest.raises(SpecificationError, match='at least two groups'):
        anova([[1, 2, 3]])
    with pytest.raises(SpecificationError, match='Group 2 has 1 answers'):
        anova([[1, 2, 3], [4, np.nan]])
    with pytest.raises(SpecificationError, match='no variation'):
        anova([[1, 2, 3], [4, 4, 4]])


# --- Rank tests ------------------------------------------------------------------------------

def test_mann_whitney_matches_scipy_and_pair_counting():
    x = np.array([3, 4, 2, 5, 5, 4, 3, 1, 4, np.nan])
    y = np.array([2, 1, 3, 2, 2, 1, 4, 3])
    result = mann_whitney(x, y)
    expected = sps.mannwhitneyu(x[:-1], y, alternative='two-sided')
    assert result.statistic == expected.statistic
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-12)
    # U counted directly: pairs with x > y plus half the ties.
    pairs = [(a > b) + 0.5 * (a == b) for a in x[:-1] for b in y]
    assert result.statistic == sum(pairs)
    assert result.common_language == pytest.approx(sum(pairs) / (9 * 8))


def test_kruskal_wallis_matches_scipy():
    groups = [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]
    result = kruskal_wallis(groups)
    expected = sps.kruskal(*groups)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-12)
    assert (result.df, result.n) == (2, 14)


def test_rank_tests_bad_input():
    with pytest.raises(SpecificationError, match='Group 2 has 0 answers'):
        mann_whitney([1, 2], [np.nan])
    with pytest.raises(SpecificationError, match='All answers are equal'):
        kruskal_wallis([[1, 1], [1, 1, 1]])


# --- NPS difference --------------------------------------------------------------------------

def test_nps_difference_matches_a_hand_computation_from_counts():
    # Sample A: 120 promoters, 50 passives, 30 detractors; B: 90, 60, 50.
    a = nps(np.repeat([10, 8, 3], [120, 50, 30]))
    b = nps(np.repeat([9, 7, 0], [90, 60, 50]))
    # Step by step (Rocks 2016): proportions, multinomial variance of p_P - p_D, then z.
    pa_p, pa_d, n_a = 120 / 200, 30 / 200, 200
    pb_p, pb_d, n_b = 90 / 200, 50 / 200, 200
    var_a = (pa_p + pa_d - (pa_p - pa_d) ** 2) / n_a  # 0.5475 / 200
    var_b = (pb_p + pb_d - (pb_p - pb_d) ** 2) / n_b  # 0.66 / 200
    difference = 100 * ((pa_p - pa_d) - (pb_p - pb_d))  # 45 - 20 = 25 points
    se = 100 * np.sqrt(var_a + var_b)
    z = difference / se
    p_value = 2 * (1 - sps.norm.cdf(abs(z)))
    result = nps_difference_test(a, b)
    assert result.difference == pytest.approx(25.0)
    assert result.se == pytest.approx(se)
    assert result.z == pytest.approx(z) == pytest.approx(25 / (100 * np.sqrt(1.2075 / 200)))
    assert result.p_value == pytest.approx(p_value, rel=1e-9)


def test_nps_difference_without_variation_is_refused():
    a = nps([10, 9, 10])
    with pytest.raises(SpecificationError, match='cannot be tested'):
        nps_difference_test(a, a)
