"""Column tests against independent computations.

References: statsmodels ``proportions_ztest`` (pooled two-proportion z test),
``test_proportions_2indep(method='wald')`` (unpooled), ``multipletests`` (Bonferroni,
Benjamini–Hochberg), ``OLS`` contrasts (one variance pooled over all groups, as in the IBM SPSS
Statistics CTABLES column means test), scipy ``ttest_ind`` (pooled pair and Welch), and the
variance of a linear contrast of overlapping samples for the IBM SPSS Data Collection
(Dimensions) overlap formula ``1/e1 + 1/e2 − 2·e0/(e1·e2)``.
"""

from dataclasses import replace

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.proportion import proportions_ztest

from analysis.column_tests import (PRESETS, TestPreset, adjust_p_values, check_alphas,
                                   column_letter, column_pairs, mean_tests, proportion_tests,
                                   resolve_preset, significance_letters)
from analysis.errors import SpecificationError

COUNTS = np.array([[30.0, 45.0, 12.0], [55.0, 40.0, 70.0]])
BASES = np.array([100.0, 110.0, 95.0])
PAIRS = column_pairs([0, 1, 2])


def test_pooled_z_matches_statsmodels_proportions_ztest():
    statistic, df, p = proportion_tests(COUNTS, BASES, BASES, PAIRS, preset=PRESETS['spss'])
    assert df is None
    for r in range(2):
        for k, (a, b) in enumerate(PAIRS):
            z, p_ref = proportions_ztest(COUNTS[r, [a, b]], BASES[[a, b]])
            assert statistic[r, k] == pytest.approx(z, rel=1e-12)
            assert p[r, k] == pytest.approx(p_ref, rel=1e-10)


def test_unpooled_z_matches_statsmodels_wald_test():
    statistic, _df, p = proportion_tests(COUNTS, BASES, BASES, PAIRS, preset=PRESETS['q'])
    for r in range(2):
        for k, (a, b) in enumerate(PAIRS):
            ref = sm_proportion.test_proportions_2indep(
                COUNTS[r, a], BASES[a], COUNTS[r, b], BASES[b], method='wald', compare='diff')
            assert statistic[r, k] == pytest.approx(ref.statistic, rel=1e-12)
            assert p[r, k] == pytest.approx(ref.pvalue, rel=1e-10)


def test_dimensions_proportions_use_t_with_e1_plus_e2_minus_2_without_overlap():
    statistic, df, p = proportion_tests(COUNTS, BASES, BASES, PAIRS,
                                        preset=PRESETS['dimensions'])
    for k, (a, b) in enumerate(PAIRS):
        z, _p = proportions_ztest(COUNTS[0, [a, b]], BASES[[a, b]])
        assert statistic[0, k] == pytest.approx(z, rel=1e-12)
        assert df[k] == BASES[a] + BASES[b] - 2
        assert p[0, k] == pytest.approx(2 * stats.t.sf(abs(z), BASES[a] + BASES[b] - 2))


def test_overlap_term_is_the_variance_of_the_contrast_of_overlapping_samples():
    # Unweighted respondents in columns A and B (overlapping): p_A − p_B = Σ c_i·y_i with
    # c_i = [i ∈ A]/n_A − [i ∈ B]/n_B, so Var = p(1 − p)·Σ c_i², which the Dimensions
    # formula writes as p(1 − p)·(1/e1 + 1/e2 − 2·e0/(e1·e2)).
    rng = np.random.default_rng(3)
    n = 400
    in_a, in_b = rng.random(n) < 0.5, rng.random(n) < 0.6
    y = rng.random(n) < 0.4
    n_a, n_b, n_0 = in_a.sum(), in_b.sum(), (in_a & in_b).sum()
    x_a, x_b = (y & in_a).sum(), (y & in_b).sum()
    contrast = in_a / n_a - in_b / n_b
    pooled = (x_a + x_b) / (n_a + n_b)
    expected = (x_a / n_a - x_b / n_b) / np.sqrt(pooled * (1 - pooled) * np.sum(contrast ** 2))
    statistic, df, p = proportion_tests(
        np.array([[x_a, x_b]], dtype=float), np.array([n_a, n_b], dtype=float),
        np.array([n_a, n_b], dtype=float), column_pairs([0, 1]),
        preset=PRESETS['dimensions'], overlap=np.array([float(n_0)]))
    assert statistic[0, 0] == pytest.approx(expected, rel=1e-12)
    assert df[0] == n_a + n_b - n_0 - 2
    assert p[0, 0] == pytest.approx(2 * stats.t.sf(abs(expected), n_a + n_b - n_0 - 2))


def test_spss_leaves_out_columns_with_proportion_zero_or_one():
    counts = np.array([[0.0, 10.0, 20.0]])
    _s, _df, p = proportion_tests(counts, BASES, BASES, PAIRS, preset=PRESETS['spss'])
    assert np.isnan(p[0, 0]) and np.isnan(p[0, 1]) and not np.isnan(p[0, 2])
    _s, _df, p = proportion_tests(counts, BASES, BASES, PAIRS, preset=PRESETS['q'])
    assert not np.isnan(p[0, 0])  # Q-style tests it: the unpooled variance is positive


def test_zero_variance_is_not_tested():
    counts = np.array([[0.0, 0.0, 5.0]])
    _s, _df, p = proportion_tests(counts, BASES, BASES, PAIRS, preset=PRESETS['dimensions'])
    assert np.isnan(p[0, 0]) and not np.isnan(p[0, 1])


def _groups():
    rng = np.random.default_rng(11)
    return [rng.normal(m, s, n) for m, s, n in ((10, 2, 40), (11, 3, 55), (9.5, 2.5, 35))]


def _moments(groups):
    means = np.array([g.mean() for g in groups])
    deviations = np.array([((g - g.mean()) ** 2).sum() for g in groups])
    sizes = np.array([len(g) for g in groups], dtype=float)
    return means, deviations, sizes


def test_banner_pooled_means_test_matches_ols_contrasts():
    # SPSS: one variance pooled over all columns of the banner variable, df = N − k — the
    # same as the t test of b_a − b_b in a one-way linear model with one mean per column.
    groups = _groups()
    means, deviations, sizes = _moments(groups)
    statistic, df, p = mean_tests(means, deviations, sizes, sizes, sizes, PAIRS,
                                  preset=PRESETS['spss'])
    y = np.concatenate(groups)
    design = np.eye(3)[np.repeat(np.arange(3), sizes.astype(int))]  # one mean per column
    fit = sm.OLS(y, design).fit()
    for k, (a, b) in enumerate(PAIRS):
        contrast = np.zeros(3)
        contrast[[a, b]] = [1, -1]
        ref = fit.t_test(contrast)
        assert statistic[k] == pytest.approx(float(ref.tvalue.item()), rel=1e-10)
        assert p[k] == pytest.approx(float(ref.pvalue), rel=1e-8)
        assert df[k] == fit.df_resid


def test_pair_pooled_means_test_matches_scipy_student():
    groups = _groups()
    means, deviations, sizes = _moments(groups)
    statistic, df, p = mean_tests(means, deviations, sizes, sizes, sizes, PAIRS,
                                  preset=PRESETS['dimensions'])
    for k, (a, b) in enumerate(PAIRS):
        ref = stats.ttest_ind(groups[a], groups[b], equal_var=True)
        assert statistic[k] == pytest.approx(ref.statistic, rel=1e-10)
        assert p[k] == pytest.approx(ref.pvalue, rel=1e-8)
        assert df[k] == sizes[a] + sizes[b] - 2


def test_welch_means_test_matches_scipy_welch():
    groups = _groups()
    means, deviations, sizes = _moments(groups)
    statistic, df, p = mean_tests(means, deviations, sizes, sizes, sizes, PAIRS,
                                  preset=PRESETS['q'])
    for k, (a, b) in enumerate(PAIRS):
        ref = stats.ttest_ind(groups[a], groups[b], equal_var=False)
        assert statistic[k] == pytest.approx(ref.statistic, rel=1e-10)
        assert p[k] == pytest.approx(ref.pvalue, rel=1e-8)


def test_bonferroni_and_benjamini_hochberg_match_statsmodels_multipletests():
    rng = np.random.default_rng(5)
    p = rng.uniform(0, 0.2, (4, 6))
    p[1, 2] = np.nan
    groups = np.repeat(np.arange(4)[:, None], 6, axis=1)
    bonferroni = adjust_p_values(p, 'bonferroni', groups)
    for r in range(4):
        valid = ~np.isnan(p[r])
        expected = multipletests(p[r, valid], method='bonferroni')[1]
        np.testing.assert_allclose(bonferroni[r, valid], expected, rtol=1e-12)
    assert np.isnan(bonferroni[1, 2])
    bh = adjust_p_values(p, 'fdr_bh')
    valid = ~np.isnan(p)
    np.testing.assert_allclose(bh[valid], multipletests(p[valid], method='fdr_bh')[1],
                               rtol=1e-12)
    bh_rows = adjust_p_values(p, 'fdr_bh', groups)
    np.testing.assert_allclose(bh_rows[0], multipletests(p[0], method='fdr_bh')[1], rtol=1e-12)
    np.testing.assert_array_equal(adjust_p_values(p, 'none'), p)


def test_letters_upper_for_stricter_lower_for_looser_in_the_higher_column():
    pairs = column_pairs([0, 1, 2])  # (A,B), (A,C), (B,C)
    p = np.array([[0.01, 0.07, 0.20],
                  [0.049, 0.051, 0.0001]])
    higher_a = np.array([[True, False, True],
                         [False, True, True]])
    letters = significance_letters(p, higher_a, pairs, ['A', 'B', 'C'], (0.05, 0.10), 3)
    assert letters.tolist() == [['B', '', 'a'], ['c', 'AC', '']]
    only_strict = significance_letters(p, higher_a, pairs, ['A', 'B', 'C'], (0.05,), 3)
    assert only_strict.tolist() == [['B', '', ''], ['', 'AC', '']]


def test_column_letters_continue_after_z():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == \
        ['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']


@pytest.mark.parametrize('alphas, message', [
    ((0.6,), 'between 0 and 0.5, not 0.6'),
    ((0.0, 0.1), 'between 0 and 0.5, not 0.0'),
    ((0.10, 0.05), 'looser significance level (0.05) must be greater than the stricter one '
                   '(0.1)'),
    ((0.05, 0.05), 'must be greater than the stricter one'),
    ('x', 'must be numbers'),
    ((0.01, 0.05, 0.1), 'one or two significance levels'),
])
def test_bad_alphas_are_refused(alphas, message):
    with pytest.raises(SpecificationError, match=message.replace('(', r'\(').replace(')', r'\)')):
        check_alphas(alphas)


def test_alphas_accept_a_number_or_a_pair():
    assert check_alphas(0.05) == (0.05,)
    assert check_alphas((0.01, 0.05)) == (0.01, 0.05)
    assert check_alphas((0.05, None)) == (0.05,)


def test_presets_are_documented_and_checked():
    assert set(PRESETS) == {'spss', 'dimensions', 'q'}
    assert resolve_preset('q') is PRESETS['q']
    custom = replace(PRESETS['spss'], base='effective')
    assert resolve_preset(custom) is custom
    with pytest.raises(SpecificationError, match='Unknown test preset quantum'):
        resolve_preset('quantum')
    with pytest.raises(SpecificationError, match='base must be one of weighted, effective'):
        TestPreset('x', 'x', base='kish')
    with pytest.raises(SpecificationError, match='overlap correction needs pooled'):
        TestPreset('x', 'x', proportion_variance='unpooled', overlap=True)


def test_weighted_pair_variance_uses_reliability_denominators():
    # Dimensions: s² = (S1 + S2) / (w1 − q1/w1 + w2 − q2/w2); checked by hand on six answers.
    y1, w1 = np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 1.0])
    y2, w2 = np.array([3.0, 5.0, 6.0]), np.array([2.0, 1.0, 1.0])
    m1, m2 = np.average(y1, weights=w1), np.average(y2, weights=w2)  # 2.25, 4.25
    s = (np.sum(w1 * (y1 - m1) ** 2) + np.sum(w2 * (y2 - m2) ** 2)) / (
        (4 - 6 / 4) + (4 - 6 / 4))
    e = 16 / 6
    expected = (m1 - m2) / np.sqrt(s * (2 / e))
    statistic, df, _p = mean_tests(
        np.array([m1, m2]), np.array([np.sum(w1 * (y1 - m1) ** 2), np.sum(w2 * (y2 - m2) ** 2)]),
        np.array([4.0, 4.0]), np.array([6.0, 6.0]), np.array([e, e]), column_pairs([0, 1]),
        preset=PRESETS['dimensions'])
    assert statistic[0] == pytest.approx(expected, rel=1e-12)
    assert df[0] == pytest.approx(2 * e - 2)
