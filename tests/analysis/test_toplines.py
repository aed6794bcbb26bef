"""Topline statistics over a Dataset, checked against hand counts, numpy/scipy and statsmodels."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.weightstats import DescrStatsW

from analysis.dataset import Dataset, Variable
from analysis.errors import AnalysisError, SpecificationError, UnknownVariableError, WeightError
from analysis.toplines import (box_scores, describe, frequencies, multiple_response, nps, nps_of,
                               weighted_median)

NAN = np.nan
#: Eight respondents. ``q1``: 1 Yes / 2 No / 3 Maybe / 98 Don't know (user-missing).
DATA = pd.DataFrame({
    'q1': [1, 2, 1, 98, NAN, 5, 1, 2],
    'aware_1': [1, 0, 1, NAN, 0, 1, NAN, 0],
    'aware_2': [0, 1, 1, NAN, 0, 0, NAN, 0],
    'aware_3': [0, 0, 1, NAN, 0, 1, NAN, 0],
    'age': [23, 35, 41, 52, NAN, 30, 64, 28],
    'sat': [5, 4, 3, 9, 1, 2, 5, 4],
    'rec': [10, 9, 7, NAN, 3, 6, 8, 10],
    'comment': ['ok', None, 'bad', 'ok', None, 'fine', 'ok', None],
    'w': [1.2, 0.8, 1.5, 0.5, 1.0, 0.0, 2.0, 1.0],
}, index=pd.Index(range(101, 109), name='respondent'))
VARIABLES = [
    Variable('q1', 'Do you agree?', value_labels={1: 'Yes', 2: 'No', 3: 'Maybe',
                                                  98: "Don't know"}, missing_values=(98,)),
    Variable('aware_1', 'Which brands do you know?: Alpha', mr_set='aware', role='mr_item'),
    Variable('aware_2', 'Which brands do you know?: Beta: new', mr_set='aware', role='mr_item'),
    Variable('aware_3', '', mr_set='aware', role='mr_item'),
    Variable('age', 'Age', measure='scale'),
    Variable('sat', 'Satisfaction', measure='ordinal', missing_values=(9,),
             value_labels={5: 'Very satisfied', 4: 'Satisfied', 3: 'Neutral',
                           2: 'Dissatisfied', 1: 'Very dissatisfied', 9: "Don't know"}),
    Variable('rec', 'Recommend', measure='scale'),
    Variable('comment', 'Comment', kind='string'),
    Variable('w', 'Weight', measure='scale', role='weight'),
]


@pytest.fixture()
def dataset():
    return Dataset(DATA, VARIABLES, weights=['w'])


# --- frequencies -----------------------------------------------------------------------------

def test_frequencies_unweighted_hand_count(dataset):
    table = frequencies(dataset, 'q1')
    assert list(table.columns) == ['code', 'label', 'count', 'unweighted_count', 'percent',
                                   'valid_percent']
    # Labels in order (3 "Maybe" with no answers kept, 98 is missing), then unlabelled 5.
    assert table['label'].tolist() == ['Yes', 'No', 'Maybe', '5', 'Missing']
    assert table['code'].tolist()[:4] == [1, 2, 3, 5] and math.isnan(table['code'].iloc[4])
    # Hand count: 1 x3, 2 x2, 3 x0, 5 x1, missing (98 and NaN) x2; 8 in all, 6 valid.
    assert table['count'].tolist() == [3, 2, 0, 1, 2]
    assert table['unweighted_count'].tolist() == [3, 2, 0, 1, 2]
    assert table['percent'].tolist() == pytest.approx([37.5, 25, 0, 12.5, 25])
    assert table['valid_percent'].tolist()[:4] == pytest.approx([50, 100 / 3, 0, 100 / 6])
    assert math.isnan(table['valid_percent'].iloc[4])
    assert table.attrs == {'base': 8, 'valid_base': 6, 'unweighted_base': 8,
                           'unweighted_valid_base': 6, 'effective_base': 6}


def test_frequencies_weighted_hand_count(dataset):
    table = frequencies(dataset, 'q1', weight='w')
    # Respondent 106 (code 5) has weight 0 and drops out, unweighted count included.
    assert table['label'].tolist() == ['Yes', 'No', 'Maybe', 'Missing']
    yes, no, missing = 1.2 + 1.5 + 2.0, 0.8 + 1.0, 0.5 + 1.0
    assert table['count'].tolist() == pytest.approx([yes, no, 0, missing])
    assert table['unweighted_count'].tolist() == [3, 2, 0, 2]
    assert table['percent'].tolist() == pytest.approx(
        [100 * c / 8.0 for c in (yes, no, 0, missing)])
    assert table['valid_percent'].tolist()[:3] == pytest.approx([100 * yes / 6.5,
                                                                 100 * no / 6.5, 0])
    valid_weights = [1.2, 0.8, 1.5, 2.0, 1.0]
    assert table.attrs['base'] == pytest.approx(8.0)
    assert table.attrs['valid_base'] == pytest.approx(6.5)
    assert table.attrs['unweighted_base'] == 7
    assert table.attrs['effective_base'] == pytest.approx(
        sum(valid_weights) ** 2 / sum(v * v for v in valid_weights))


def test_frequencies_of_text_and_of_many_distinct_values():
    data = pd.DataFrame({'comment': DATA['comment'],
                         'income': np.arange(8) * 1000.5})
    dataset = Dataset(data, [Variable('comment', kind='string'),
                             Variable('income', measure='scale')])
    table = frequencies(dataset, 'comment')
    assert table['label'].tolist() == ['bad', 'fine', 'ok', 'Missing']
    assert table['count'].tolist() == [1, 1, 3, 3]
    many = np.random.default_rng(3).normal(size=5000)
    big = Dataset(pd.DataFrame({'x': many}), [Variable('x', measure='scale')])
    table = frequencies(big, 'x')
    assert len(table) == 5001 and table['count'].sum() == 5000
    assert table['code'].iloc[:-1].is_monotonic_increasing


def test_frequencies_of_an_empty_selection_has_no_percentages(dataset):
    table = frequencies(dataset.subset(np.zeros(8, dtype=bool)), 'q1')
    assert table['count'].sum() == 0 and table['percent'].isna().all()


def test_bad_names_and_weights(dataset):
    with pytest.raises(UnknownVariableError, match='no variable q99'):
        frequencies(dataset, 'q99')
    with pytest.raises(UnknownVariableError, match='no weight variable age'):
        frequencies(dataset, 'q1', weight='age')
    with pytest.raises(UnknownVariableError, match='no multiple-response set q1'):
        multiple_response(dataset, 'q1')
    broken = Dataset(DATA.assign(w=-1.0), VARIABLES, weights=['w'])
    with pytest.raises(WeightError, match='negative'):
        describe(broken, 'age', weight='w')


# --- multiple response -----------------------------------------------------------------------

def test_multiple_response_hand_count(dataset):
    table = multiple_response(dataset, 'aware')
    assert list(table.columns) == ['variable', 'label', 'count', 'unweighted_count',
                                   'percent_of_respondents', 'percent_of_mentions']
    assert table['label'].tolist() == ['Alpha', 'new', 'aware_3']
    # Respondents 104 and 107 never saw the question: base 6. Mentions 3, 2, 2 = 7.
    assert table['count'].tolist() == [3, 2, 2]
    assert table['percent_of_respondents'].tolist() == pytest.approx([50, 100 / 3, 100 / 3])
    assert table['percent_of_mentions'].tolist() == pytest.approx([300 / 7, 200 / 7, 200 / 7])
    assert table.attrs['base'] == 6 and table.attrs['mentions'] == 7


def test_multiple_response_weighted_hand_count(dataset):
    table = multiple_response(dataset, 'aware', weight='w')
    # Respondent 106 has weight 0: base 101 102 103 105 108 = 1.2+0.8+1.5+1.0+1.0 = 5.5.
    counts = [1.2 + 1.5, 0.8 + 1.5, 1.5]
    assert table['count'].tolist() == pytest.approx(counts)
    assert table['unweighted_count'].tolist() == [2, 2, 1]
    assert table['percent_of_respondents'].tolist() == pytest.approx(
        [100 * c / 5.5 for c in counts])
    assert table['percent_of_mentions'].tolist() == pytest.approx(
        [100 * c / sum(counts) for c in counts])
    assert table.attrs['unweighted_base'] == 5


# --- describe --------------------------------------------------------------------------------

def test_describe_unweighted_matches_numpy_and_scipy(dataset):
    ages = np.array([23, 35, 41, 52, 30, 64, 28], dtype=float)
    result = describe(dataset, 'age', confidence=0.9)
    assert (result.n, result.weighted_n, result.effective_n) == (7, 7, pytest.approx(7))
    assert result.mean == pytest.approx(ages.mean())
    assert result.median == np.median(ages) == 35
    assert result.sd == pytest.approx(np.std(ages, ddof=1))
    assert result.se == pytest.approx(sps.sem(ages))
    assert (result.ci_low, result.ci_high) == pytest.approx(
        sps.t.interval(0.9, 6, loc=ages.mean(), scale=sps.sem(ages)))
    assert (result.minimum, result.maximum) == (23, 64)


def test_describe_weighted_matches_descrstatsw_scaled_to_kish_n(dataset):
    ages = np.array([23, 35, 41, 52, 64, 28], dtype=float)  # 106 has weight 0, 105 no age
    weights = np.array([1.2, 0.8, 1.5, 0.5, 2.0, 1.0])
    result = describe(dataset, 'age', weight='w')
    kish = weights.sum() ** 2 / (weights ** 2).sum()
    reference = DescrStatsW(ages, weights=weights * kish / weights.sum(), ddof=1)
    assert result.n == 6 and result.weighted_n == pytest.approx(7.0)
    assert result.effective_n == pytest.approx(kish)
    assert result.mean == pytest.approx(reference.mean)
    assert result.sd == pytest.approx(reference.std)
    assert result.se == pytest.approx(reference.std_mean)
    assert (result.ci_low, result.ci_high) == pytest.approx(reference.tconfint_mean(0.05))
    assert result.median == DescrStatsW(ages, weights=weights).quantile(
        0.5, return_pandas=False)[0] == 41


@pytest.mark.parametrize('values, weights, median', [
    ([4, 1, 3, 2], [1, 1, 1, 1], 2.5),  # W/2 = s_2: average of 2 and 3
    ([1, 2, 3, 4], [3, 1, 1, 1], 1.5),  # W/2 = s_1 = 3
    ([1, 2, 3, 4], [3.5, 1, 1, 1], 1),  # W/2 = 3.25 < s_1
    ([5, 5, 1, 9], [1, 1, 1, 0.5], 5)])
def test_weighted_median_follows_the_sas_definition(values, weights, median):
    assert weighted_median(np.array(values, float), np.array(weights, float)) == median
    assert DescrStatsW(np.array(values, float), weights=weights).quantile(
        0.5, return_pandas=False)[0] == median


def test_describe_bad_input(dataset):
    with pytest.raises(AnalysisError, match='comment holds string values'):
        describe(dataset, 'comment')
    empty = dataset.subset(DATA['age'].isna().to_numpy())
    with pytest.raises(AnalysisError, match='age has no valid answers'):
        describe(empty, 'age')
    single = describe(dataset.subset(DATA.index == 101), 'age')
    assert single.mean == 23 and math.isnan(single.sd) and math.isnan(single.ci_low)


# --- box scores ------------------------------------------------------------------------------

def test_box_scores_hand_count(dataset):
    result = box_scores(dataset, 'sat')
    # Valid answers (9 is user-missing): 5 4 3 1 2 5 4 -> 7; top 4-5: 4; bottom 1-2: 2.
    assert result.top_codes == (5, 4) and result.bottom_codes == (1, 2)
    assert result.top_percent == pytest.approx(400 / 7)
    assert result.bottom_percent == pytest.approx(200 / 7)
    assert (result.base, result.unweighted_base) == (7, 7)
    weighted = box_scores(dataset, 'sat', top=1, bottom=3, weight='w')
    # Weights of valid answers (106 has 0): 5:1.2, 4:0.8, 3:1.5, 1:1.0, 5:2.0, 4:1.0 = 7.5.
    assert weighted.top_codes == (5,) and weighted.bottom_codes == (1, 2, 3)
    assert weighted.top_percent == pytest.approx(100 * 3.2 / 7.5)
    assert weighted.bottom_percent == pytest.approx(100 * 2.5 / 7.5)


def test_box_scores_bad_input(dataset):
    with pytest.raises(SpecificationError, match='do not fit a scale of 5 codes'):
        box_scores(dataset, 'sat', top=3, bottom=3)
    with pytest.raises(SpecificationError, match='age is not a rating scale'):
        box_scores(dataset, 'age')


# --- NPS -------------------------------------------------------------------------------------

def test_nps_hand_computation():
    values = [10, 9, 9, 8, 7, 6, 3, 0, 10, np.nan]
    result = nps(values)
    # 4 promoters, 2 passives, 3 detractors of 9 valid answers.
    p, d, n = 4 / 9, 3 / 9, 9
    assert (result.promoters, result.passives, result.detractors) == pytest.approx(
        (400 / 9, 200 / 9, 300 / 9))
    assert result.score == pytest.approx(100 * (p - d))
    assert result.n == 9 and result.effective_n == pytest.approx(9)
    se = 100 * math.sqrt((p * (1 - p) + d * (1 - d) + 2 * p * d) / n)  # Var(p) + Var(d) - 2Cov
    assert result.se == pytest.approx(se)
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (result.score - 1.959963984540054 * se, result.score + 1.959963984540054 * se))


def test_nps_weighted_uses_kish_n():
    values = np.array([10, 9, 5, 7, 2])
    weights = np.array([2.0, 1.0, 1.0, 0.5, 0.5])
    result = nps(values, weights)
    p, d = 3 / 5, 1.5 / 5
    kish = 25 / (4 + 1 + 1 + 0.25 + 0.25)
    assert result.score == pytest.approx(30)
    assert result.effective_n == pytest.approx(kish)
    assert result.se == pytest.approx(100 * math.sqrt((p + d - (p - d) ** 2) / kish))


def test_nps_of_a_dataset_variable(dataset):
    result = nps_of(dataset, 'rec', weight='w')
    # rec with weights: 10:1.2 9:0.8 7:1.5 3:1.0 8:2.0 10:1.0 (6 has weight 0, 104 missing).
    assert result.n == 6
    assert result.promoters == pytest.approx(100 * 3.0 / 7.5)
    assert result.detractors == pytest.approx(100 * 1.0 / 7.5)


def test_nps_bad_input(dataset):
    with pytest.raises(AnalysisError, match=r'whole numbers from 0 to 10; 2 are not \(e.g. 11\)'):
        nps([11, 5, 7.5])
    with pytest.raises(AnalysisError, match='no valid NPS answers'):
        nps([np.nan, np.nan])
    with pytest.raises(AnalysisError, match='not 0–10 ratings'):
        nps_of(dataset, 'comment')


def test_a_scale_labelled_only_at_its_ends_lists_its_points_in_order():
    """NPS-style variables carry labels for 0 and 10 only; the table still runs 0, 1, ..., 10."""
    values = [0, 10, 3, 7, 9, 10, 5]
    dataset = Dataset(pd.DataFrame({'NPS': values}, dtype=float), [Variable(
        'NPS', 'Recommend?', measure='ordinal', value_labels={0: 'Not at all', 10: 'Very'})])
    table = frequencies(dataset, 'NPS')
    valid = table[table['code'].notna()]
    assert list(valid['code']) == list(range(11))  # every point, chosen or not
    assert list(valid['count']) == [1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 2]
