"""Banner tables against independent computations: pandas crosstabs, Kish effective bases by
hand, statsmodels (proportion z tests, multipletests, DescrStatsW, OLS contrasts), scipy
(chi-square) and the IBM SPSS Data Collection (Dimensions) overlap formula computed by hand
from per-respondent sums (``t = (p1 − p2) / sqrt(p(1 − p)(1/e1 + 1/e2 − 2·e0/(e1·e2)))``,
``df = e1 + e2 − e0 − 2``).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import DescrStatsW

from analysis.dataset import Dataset, Variable
from analysis.errors import SpecificationError, UnknownVariableError
from analysis.stats import ChiSquareResult
from analysis import table_counts
from analysis.table_counts import code_positions
from analysis.tables import BannerTable

N = 1500
FREQ_CODES = [1, 2, 3, 4, 9]  # 9 occurs without a label; 98 is user-missing
ITEMS = ['A_1', 'A_2', 'A_3', 'A_4']


@pytest.fixture(scope='module')
def dataset():
    rng = np.random.default_rng(7)
    city = rng.choice([1, 2, 3, 4], N, p=[0.45, 0.36, 0.18, 0.01])
    gender = rng.choice([1, 2], N)
    probabilities = {1: [0.30, 0.25, 0.20, 0.13, 0.02, 0.10],
                     2: [0.12, 0.22, 0.30, 0.24, 0.02, 0.10],
                     3: [0.20, 0.25, 0.25, 0.18, 0.02, 0.10],
                     4: [0.20, 0.25, 0.25, 0.18, 0.02, 0.10]}
    freq = np.array([rng.choice([1, 2, 3, 4, 9, 98], p=probabilities[c]) for c in city],
                    dtype=float)
    freq[rng.random(N) < 0.05] = np.nan
    age = rng.normal(40, 12, N) + 4.0 * (city == 2)
    age[rng.random(N) < 0.03] = np.nan
    asked = rng.random(N) < 0.9
    data = {'FREQ': freq, 'GENDER': gender, 'CITY': city, 'AGE': age,
            'NAME': rng.choice(['x', 'y'], N), 'ONE': np.ones(N),
            'w': rng.uniform(0.4, 2.5, N)}
    for j, item in enumerate(ITEMS):
        mentioned = (rng.random(N) < 0.25 + 0.1 * j + 0.1 * (gender == 2)).astype(float)
        data[item] = np.where(asked, mentioned, np.nan)
    variables = [
        Variable('FREQ', 'How often?', value_labels={1: 'Daily', 2: 'Weekly', 3: 'Monthly',
                                                     4: 'Never', 98: "Don't know"},
                 missing_values=(98,)),
        Variable('GENDER', 'Gender', value_labels={1: 'Man', 2: 'Woman'}),
        Variable('CITY', 'City', value_labels={1: 'Moscow', 2: 'Kazan', 3: 'Omsk', 4: 'Tver'}),
        Variable('AGE', 'Age', measure='scale'),
        Variable('NAME', 'Name', kind='string'),
        Variable('ONE', 'Constant', value_labels={1: 'Yes'}),
        Variable('w', 'Census weight', measure='scale', role='weight'),
    ] + [Variable(item, f'Aware of?: Brand {j + 1}', role='mr_item', mr_set='AWARE')
         for j, item in enumerate(ITEMS)]
    return Dataset(pd.DataFrame(data), variables, weights=['w'])


def _valid_freq(frame):
    return frame.FREQ.isin(FREQ_CODES)


def test_counts_and_percentages_match_pandas_crosstab(dataset):
    table = BannerTable(['FREQ'], ['GENDER', 'CITY'], weight='w').fit(dataset)['FREQ']
    frame = dataset.data[_valid_freq(dataset.data)]
    assert [r.key for r in table.rows] == ['1', '2', '3', '4', '9']
    assert [r.label for r in table.rows] == ['Daily', 'Weekly', 'Monthly', 'Never', '9']
    for banner in ('GENDER', 'CITY'):
        weighted = pd.crosstab(frame.FREQ, frame[banner], values=frame.w, aggfunc='sum')
        unweighted = pd.crosstab(frame.FREQ, frame[banner])
        percent = pd.crosstab(frame.FREQ, frame[banner], values=frame.w, aggfunc='sum',
                              normalize='columns') * 100
        row_share = pd.crosstab(frame.FREQ, frame[banner], values=frame.w, aggfunc='sum',
                                normalize='index') * 100
        for code in FREQ_CODES:
            for column in weighted.columns:
                key = f'{banner}:{column}'
                assert table.counts.loc[str(code), key] == pytest.approx(
                    weighted.fillna(0).loc[code, column])
                assert table.unweighted_counts.loc[str(code), key] == unweighted.loc[code,
                                                                                     column]
                assert table.column_percent.loc[str(code), key] == pytest.approx(
                    percent.loc[code, column])
                assert table.row_percent.loc[str(code), key] == pytest.approx(
                    row_share.loc[code, column])
    total = frame.groupby('FREQ').w.sum()
    np.testing.assert_allclose(table.counts['Total'].to_numpy(), total.loc[FREQ_CODES])
    np.testing.assert_allclose(table.row_percent['Total'], 100.0)


def test_bases_and_kish_effective_base_by_hand(dataset):
    table = BannerTable(['FREQ', 'AGE'], ['CITY'], weight='w').fit(dataset)
    data = dataset.data
    for name, valid in (('FREQ', _valid_freq(data)), ('AGE', data.AGE.notna())):
        bases = table[name].bases
        for city in (1, 2, 3, 4):
            w = data.w[valid & (data.CITY == city)].to_numpy()
            assert bases.loc['weighted', f'CITY:{city}'] == pytest.approx(w.sum())
            assert bases.loc['unweighted', f'CITY:{city}'] == len(w)
            assert bases.loc['effective', f'CITY:{city}'] == pytest.approx(
                w.sum() ** 2 / (w ** 2).sum())
        assert bases.loc['unweighted', 'Total'] == valid.sum()


def test_multiple_response_rows_are_based_on_respondents_who_answered(dataset):
    nets = {'AWARE': [{'label': 'Brand 1 or 2', 'codes': ['A_1', 'A_2']}]}
    table = BannerTable(['AWARE'], ['GENDER'], weight='w', nets=nets).fit(dataset)['AWARE']
    data = dataset.data
    answered = data[ITEMS].notna().any(axis=1)
    assert [(r.key, r.label, r.kind) for r in table.rows][:2] == [
        ('A_1', 'Brand 1', 'item'), ('A_2', 'Brand 2', 'item')]
    assert table.rows[-1].kind == 'net'
    for gender in (1, 2):
        key = f'GENDER:{gender}'
        in_column = answered & (data.GENDER == gender)
        base = data.w[in_column].sum()
        assert table.bases.loc['weighted', key] == pytest.approx(base)
        for item in ITEMS:
            count = data.w[in_column & (data[item] == 1)].sum()
            assert table.counts.loc[item, key] == pytest.approx(count)
            assert table.column_percent.loc[item, key] == pytest.approx(100 * count / base)
        either = in_column & ((data.A_1 == 1) | (data.A_2 == 1))
        assert table.counts.loc['net:Brand 1 or 2', key] == pytest.approx(data.w[either].sum())
        assert table.unweighted_counts.loc['net:Brand 1 or 2', key] == either.sum()


def test_multiple_response_banner_columns_overlap(dataset):
    table = BannerTable(['FREQ'], ['AWARE'], weight='w').fit(dataset)['FREQ']
    data = dataset.data[_valid_freq(dataset.data)]
    assert [c.key for c in table.columns] == ['Total'] + [f'AWARE:{i}' for i in ITEMS]
    for item in ITEMS:
        mentioned = data[data[item] == 1]
        expected = mentioned.groupby('FREQ').w.sum().reindex(FREQ_CODES, fill_value=0)
        np.testing.assert_allclose(table.counts[f'AWARE:{item}'], expected)
        assert table.bases.loc['unweighted', f'AWARE:{item}'] == len(mentioned)
    assert table.chi_square['AWARE'] == ('Not tested: AWARE is a multiple-response set, '
                                         'whose columns overlap.')


def test_nets_of_codes_add_up_categories(dataset):
    nets = {'FREQ': [{'label': 'Weekly+', 'codes': [1, 2]}]}
    table = BannerTable(['FREQ'], ['GENDER'], nets=nets).fit(dataset)['FREQ']
    data = dataset.data
    row = table.rows[-1]
    assert (row.key, row.label, row.kind) == ('net:Weekly+', 'Weekly+', 'net')
    often = data[data.FREQ.isin([1, 2])]
    for gender in (1, 2):
        assert table.counts.loc['net:Weekly+', f'GENDER:{gender}'] == (often.GENDER ==
                                                                       gender).sum()
    assert table.bases.loc['unweighted', 'Total'] == _valid_freq(data).sum()


def test_numeric_rows_mean_sd_n_match_descrstatsw(dataset):
    table = BannerTable(['AGE'], ['CITY'], weight='w').fit(dataset)['AGE']
    assert [(r.key, r.kind) for r in table.rows] == [('mean', 'mean'), ('sd', 'sd'), ('n', 'n')]
    data = dataset.data[dataset.data.AGE.notna()]
    for city in (1, 2, 3, 4):
        group = data[data.CITY == city]
        # As in toplines: the weights rescaled to add up to the effective base, ddof = 1.
        w = group.w.to_numpy()
        effective = w.sum() ** 2 / (w ** 2).sum()
        reference = DescrStatsW(group.AGE.to_numpy(), weights=w * effective / w.sum(), ddof=1)
        key = f'CITY:{city}'
        assert table.counts.loc['mean', key] == pytest.approx(reference.mean, rel=1e-12)
        assert table.counts.loc['sd', key] == pytest.approx(reference.std, rel=1e-10)
        assert table.counts.loc['n', key] == pytest.approx(group.w.sum())
        assert table.unweighted_counts.loc['n', key] == len(group)
    assert table.column_percent.isna().all().all()


def test_spss_proportion_letters_are_bonferroni_adjusted_pooled_z_tests(dataset):
    table = BannerTable(['FREQ'], ['CITY'], preset='spss').fit(dataset)['FREQ']
    data = dataset.data[_valid_freq(dataset.data)]
    counts = pd.crosstab(data.FREQ, data.CITY)
    bases = counts.sum()
    tested = [1, 2, 3]  # Tver (4) has fewer than 30 respondents
    pairs = [(1, 2), (1, 3), (2, 3)]
    found_letters = 0
    for code in FREQ_CODES:
        rows = table.p_values[table.p_values.row == str(code)]
        raw = [proportions_z(counts, bases, code, a, b) for a, b in pairs]
        adjusted = multipletests(raw, method='bonferroni')[1]
        assert list(zip(rows.column_a, rows.column_b)) == [(f'CITY:{a}', f'CITY:{b}')
                                                            for a, b in pairs]
        np.testing.assert_allclose(rows.p_value, raw, rtol=1e-9)
        np.testing.assert_allclose(rows.adjusted_p_value, adjusted, rtol=1e-9)
        letters = {city: '' for city in tested}
        share = counts.loc[code] / bases
        for (a, b), p in zip(pairs, adjusted):
            winner, loser = (a, b) if share[a] > share[b] else (b, a)
            letter = 'ABCD'[loser - 1]
            letters[winner] += letter if p < 0.05 else letter.lower() if p < 0.10 else ''
        for city in tested:
            assert table.letters.loc[str(code), f'CITY:{city}'] == ''.join(sorted(
                letters[city], key=str.upper))
            found_letters += len(letters[city])
        assert table.letters.loc[str(code), 'CITY:4'] == ''
        assert table.letters.loc[str(code), 'Total'] == ''
    assert found_letters > 0


def proportions_z(counts, bases, code, a, b):
    return sm_proportion.proportions_ztest([counts.loc[code, a], counts.loc[code, b]],
                                           [bases[a], bases[b]])[1]


def test_spss_means_test_pools_the_variance_over_the_banner_variable(dataset):
    table = BannerTable(['AGE'], ['CITY'], min_base=0).fit(dataset)['AGE']
    data = dataset.data[dataset.data.AGE.notna()]
    design = pd.get_dummies(data.CITY).astype(float)
    fit = sm.OLS(data.AGE.to_numpy(), design.to_numpy()).fit()
    rows = table.p_values
    raw = []
    for a, b in zip(rows.column_a, rows.column_b):
        contrast = np.zeros(4)
        contrast[[int(a[-1]) - 1, int(b[-1]) - 1]] = [1, -1]
        raw.append(float(fit.t_test(contrast).pvalue))
    assert len(raw) == 6 and set(rows.row) == {'mean'}
    np.testing.assert_allclose(rows.p_value, raw, rtol=1e-8)
    np.testing.assert_allclose(rows.df, fit.df_resid)
    np.testing.assert_allclose(rows.adjusted_p_value,
                               multipletests(raw, method='bonferroni')[1], rtol=1e-8)
    # Kazan's mean is 4 years higher: its Mean cell carries the other cities' letters.
    assert 'A' in table.letters.loc['mean', 'CITY:2'].upper()
    assert (table.letters.loc[['sd', 'n']] == '').all().all()


def test_q_preset_uses_effective_bases_unpooled_z_and_fdr_over_the_table(dataset):
    table = BannerTable(['FREQ'], ['GENDER', 'CITY'], weight='w', preset='q').fit(dataset)
    table = table['FREQ']
    rows = table.p_values
    effective = table.bases.loc['effective']
    for _, line in rows.iterrows():
        e_a, e_b = effective[line.column_a], effective[line.column_b]
        p_a = table.column_percent.loc[line.row, line.column_a] / 100
        p_b = table.column_percent.loc[line.row, line.column_b] / 100
        reference = sm_proportion.test_proportions_2indep(p_a * e_a, e_a, p_b * e_b, e_b,
                                                          method='wald', compare='diff')
        assert line.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    np.testing.assert_allclose(rows.adjusted_p_value,
                               multipletests(rows.p_value, method='fdr_bh')[1], rtol=1e-12)
    assert set(rows.banner_variable) == {'GENDER', 'CITY'}


def test_dimensions_overlap_formula_by_hand(dataset):
    table = BannerTable(['FREQ'], ['AWARE'], weight='w', preset='dimensions').fit(dataset)
    data = dataset.data[_valid_freq(dataset.data)]
    line = table['FREQ'].p_values.query("row == '1' and column_a == 'AWARE:A_1' and "
                                        "column_b == 'AWARE:A_2'").iloc[0]
    one, two = data[data.A_1 == 1], data[data.A_2 == 1]
    both = data[(data.A_1 == 1) & (data.A_2 == 1)]
    w1, q1, x1 = one.w.sum(), (one.w ** 2).sum(), one.w[one.FREQ == 1].sum()
    w2, q2, x2 = two.w.sum(), (two.w ** 2).sum(), two.w[two.FREQ == 1].sum()
    e1, e2, e0 = w1 ** 2 / q1, w2 ** 2 / q2, both.w.sum() ** 2 / (both.w ** 2).sum()
    p = (x1 + x2) / (w1 + w2)
    t = (x1 / w1 - x2 / w2) / np.sqrt(p * (1 - p) * (1 / e1 + 1 / e2 - 2 * e0 / (e1 * e2)))
    df = e1 + e2 - e0 - 2
    assert line.statistic == pytest.approx(t, rel=1e-10)
    assert line.df == pytest.approx(df, rel=1e-12)
    assert line.p_value == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-9)
    assert line.adjusted_p_value == line.p_value


def test_columns_keys_and_letters_continue_across_banner_variables(dataset):
    result = BannerTable(['FREQ'], ['GENDER', 'CITY', 'AWARE']).fit(dataset)
    columns = result['FREQ'].columns
    assert [(c.key, c.letter) for c in columns[:4]] == [
        ('Total', ''), ('GENDER:1', 'A'), ('GENDER:2', 'B'), ('CITY:1', 'C')]
    assert columns[0].banner_variable is None and columns[0].label == 'Total'
    assert (columns[-1].key, columns[-1].banner_variable, columns[-1].code,
            columns[-1].label, columns[-1].letter) == ('AWARE:A_4', 'AWARE', 'A_4',
                                                       'Brand 4', 'J')
    pairs = result['FREQ'].p_values
    assert (pairs.column_a.str.split(':').str[0] == pairs.banner_variable).all()
    assert (pairs.column_b.str.split(':').str[0] == pairs.banner_variable).all()


def test_min_base_and_small_base(dataset):
    table = BannerTable(['FREQ'], ['CITY'], min_base=30, small_base=300).fit(dataset)['FREQ']
    assert 'CITY:4' not in set(table.p_values.column_a) | set(table.p_values.column_b)
    assert table.notes[-1] == 'Not tested (base below 30): Tver (D).'
    assert table.small_base['CITY:4'] and table.small_base['CITY:3']
    assert not table.small_base['CITY:1'] and not table.small_base['Total']
    everything = BannerTable(['FREQ'], ['CITY'], min_base=0).fit(dataset)['FREQ']
    assert 'CITY:4' in set(everything.p_values.column_b)


def test_chi_square_per_single_coded_banner_variable_matches_scipy(dataset):
    table = BannerTable(['FREQ', 'AGE'], ['CITY', 'AWARE'], weight='w').fit(dataset)
    data = dataset.data[_valid_freq(dataset.data)]
    observed = pd.crosstab(data.FREQ, data.CITY, values=data.w, aggfunc='sum').fillna(0)
    reference = stats.chi2_contingency(observed.to_numpy(), correction=False)
    result = table['FREQ'].chi_square['CITY']
    assert isinstance(result, ChiSquareResult)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.df == reference.dof
    assert isinstance(table['AGE'].chi_square['CITY'], str)


def test_zero_weights_drop_out_and_unit_weights_change_nothing(dataset):
    data = dataset.data
    zeroed = dataset.with_weight('half', np.where(data.GENDER == 1, 0.0, 1.0))
    table = BannerTable(['FREQ'], ['CITY'], weight='half').fit(zeroed)['FREQ']
    women = data[_valid_freq(data) & (data.GENDER == 2)]
    assert table.bases.loc['unweighted', 'Total'] == len(women)
    ones = dataset.with_weight('ones', np.ones(N))
    plain = BannerTable(['FREQ', 'AGE'], ['CITY']).fit(dataset)
    weighted = BannerTable(['FREQ', 'AGE'], ['CITY'], weight='ones').fit(ones)
    for name in ('FREQ', 'AGE'):
        pd.testing.assert_frame_equal(plain[name].counts, weighted[name].counts)
        pd.testing.assert_frame_equal(plain[name].letters, weighted[name].letters)
        np.testing.assert_allclose(plain[name].p_values.p_value, weighted[name].p_values.p_value)


def test_summary_and_tidy_frame(dataset):
    result = BannerTable(['FREQ', 'AGE'], ['GENDER'], weight='w',
                         statistics=('count', 'column_percent', 'row_percent')).fit(dataset)
    text = result.summary()
    assert 'FREQ: How often?' in text and 'Woman (B)' in text and 'Mean' in text
    assert 'Weighted by Census weight' in text
    frame = result.to_frame()
    assert len(frame) == 5 * 3 + 3 * 3
    assert {'table', 'row', 'column', 'count', 'column_percent', 'row_percent', 'letters',
            'base_effective', 'small_base'} <= set(frame.columns)
    cell = frame[(frame.table == 'FREQ') & (frame.row == '2') & (frame.column == 'GENDER:2')]
    assert cell['count'].item() == pytest.approx(result['FREQ'].counts.loc['2', 'GENDER:2'])


@pytest.mark.parametrize('arguments, error, message', [
    ((['NOPE'], ['CITY']), UnknownVariableError,
     'There is no variable or multiple-response set NOPE in this dataset.'),
    ((['FREQ'], ['NOPE']), UnknownVariableError,
     'There is no variable or multiple-response set NOPE in this dataset.'),
    ((['FREQ'], ['ONE']), SpecificationError,
     'ONE has only one category; a banner needs at least two.'),
    ((['FREQ'], ['AGE']), SpecificationError,
     'AGE cannot be a banner: it needs value labels'),
    ((['NAME'], ['CITY']), SpecificationError,
     'NAME is a string variable; a table row needs a categorical, multiple-response or '
     'numeric variable.'),
])
def test_bad_variables_are_refused(dataset, arguments, error, message):
    with pytest.raises(error) as caught:
        BannerTable(*arguments).fit(dataset)
    assert str(caught.value).startswith(message)


def test_a_filter_that_selects_nobody_is_refused(dataset):
    with pytest.raises(SpecificationError, match='^No respondents match the filter.$'):
        BannerTable(['FREQ'], ['CITY'], filter=np.zeros(N, dtype=bool)).fit(dataset)
    with pytest.raises(SpecificationError, match='^No respondents match the filter.$'):
        BannerTable(['FREQ'], ['CITY']).fit(dataset.subset(np.zeros(N, dtype=bool)))
    only_men = BannerTable(['FREQ'], ['CITY'], filter=dataset.data.GENDER == 1).fit(dataset)
    men = dataset.data[_valid_freq(dataset.data) & (dataset.data.GENDER == 1)]
    assert only_men['FREQ'].bases.loc['unweighted', 'Total'] == len(men)


@pytest.mark.parametrize('options, message', [
    ({'alphas': (0.10, 0.05)}, 'The looser significance level (0.05) must be greater than '
                               'the stricter one (0.1).'),
    ({'alphas': (0.5,)}, 'A significance level must be between 0 and 0.5, not 0.5.'),
    ({'preset': 'quantum'}, 'Unknown test preset quantum; choose one of spss, dimensions, q.'),
    ({'statistics': ('count', 'median')}, 'Unknown table statistic median'),
    ({'min_base': -1}, 'min_base must be a whole number of respondents'),
    ({'nets': {'CITY': [{'label': 'x', 'codes': [1]}]}},
     'Nets are defined for CITY, which is not a row of the table.'),
    ({'nets': {'FREQ': [{'label': 'x'}]}}, "A net of FREQ needs a 'label' and a list of "
                                          "'codes'."),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(SpecificationError) as caught:
        BannerTable(['FREQ'], ['CITY'], **options)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize('rows, nets, message', [
    (['FREQ'], {'FREQ': [{'label': 'x', 'codes': [1, 7]}]},
     'The net x of FREQ names codes that FREQ does not have: 1, 7.'),
    (['AWARE'], {'AWARE': [{'label': 'x', 'codes': ['A_1', 'B_9']}]},
     'The net x of AWARE names items that AWARE does not have: B_9.'),
    (['AGE'], {'AGE': [{'label': 'x', 'codes': [1]}]},
     'AGE is numeric; nets need categories or items.'),
])
def test_bad_nets_are_refused(dataset, rows, nets, message):
    with pytest.raises(SpecificationError) as caught:
        BannerTable(rows, ['CITY'], nets=nets).fit(dataset)
    assert str(caught.value) == message


def test_code_positions_match_a_dictionary_lookup():
    values = np.array([1, 2, 3, np.nan, 1.5, 0, -3, 7, 98, 2.0000001, -0.5, 4])
    for codes in ([1, 2, 3, 98], [3, 1], [0.5, 1.5, 98], []):
        lookup = {float(code): position for position, code in enumerate(codes)}
        expected = [lookup.get(v, len(codes)) if not np.isnan(v) else len(codes)
                    for v in values]
        assert code_positions(values, codes).tolist() == (expected if codes else
                                                          [0] * len(values))


def test_large_multiple_response_sets_and_the_matrix_fallback(monkeypatch):
    # 30 items: patterns are numbered (more than 2**12) and letters run past Z; with a tiny
    # bin limit the sums come from membership matrices instead of bincount, with equal results.
    rng = np.random.default_rng(2)
    n = 400
    items = [f'B_{j}' for j in range(30)]
    data = pd.DataFrame({item: (rng.random(n) < 0.3).astype(float) for item in items})
    data['Q'] = rng.choice([1, 2, 3], n)
    data['w'] = rng.uniform(0.5, 2, n)
    data.loc[:9, items] = np.nan
    variables = [Variable('Q', 'Q', value_labels={1: 'a', 2: 'b', 3: 'c'}),
                 Variable('w', 'w', measure='scale', role='weight')] + [
        Variable(item, f'Brands: {item}', mr_set='BRANDS') for item in items]
    dataset = Dataset(data, variables, weights=['w'])
    table = BannerTable(['Q', 'BRANDS'], ['BRANDS'], weight='w', min_base=0, preset='dimensions')
    result = table.fit(dataset)
    q, brands = result['Q'], result['BRANDS']
    for item in items[::7]:
        mentioned = data[data[item] == 1]
        np.testing.assert_allclose(q.counts[f'BRANDS:{item}'],
                                   mentioned.groupby('Q').w.sum().reindex([1, 2, 3]))
        for other in items[::5]:
            both = (data[item] == 1) & (data[other] == 1)
            assert brands.unweighted_counts.loc[other, f'BRANDS:{item}'] == both.sum()
    assert brands.bases.loc['unweighted', 'Total'] == n - 10
    assert [c.letter for c in q.columns[26:29]] == ['Z', 'AA', 'AB']
    monkeypatch.setattr(table_counts, 'MAX_BINS', 4)
    fallback = table.fit(dataset)
    for name in ('Q', 'BRANDS'):
        for attribute in ('counts', 'unweighted_counts', 'bases'):
            pd.testing.assert_frame_equal(getattr(result[name], attribute),
                                          getattr(fallback[name], attribute), rtol=1e-12)
        np.testing.assert_allclose(result[name].p_values.p_value,
                                   fallback[name].p_values.p_value, rtol=1e-9)
