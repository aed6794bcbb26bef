"""NPS per banner column: scores and letters checked against direct computations."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.dataset import Dataset, Variable
from analysis.errors import SpecificationError
from analysis.nps_columns import nps_by_column
from analysis.tables import BannerTable

LABELS = {0: 'Not at all likely', 10: 'Extremely likely'}


def _dataset(weights=None):
    rng = np.random.default_rng(5)
    group = np.repeat([1, 2, 3], [300, 250, 40])
    shift = np.where(group == 2, 2, 0)  # group 2 recommends more
    scores = np.clip(rng.integers(3, 10, size=group.size) + shift, 0, 10)
    data = pd.DataFrame({'NPS': scores.astype(float), 'G': group.astype(float)})
    variables = [Variable('NPS', 'Recommend?', measure='ordinal', value_labels=LABELS),
                 Variable('G', 'Group', value_labels={1: 'One', 2: 'Two', 3: 'Three'})]
    dataset = Dataset(data, variables)
    if weights is not None:
        dataset = dataset.with_weight('w', weights(group.size))
    return dataset


def _direct(values, weights):
    """NPS and its variance computed straight from the answers (Rocks 2016)."""
    p = weights[values >= 9].sum() / weights.sum()
    d = weights[values <= 6].sum() / weights.sum()
    e = weights.sum() ** 2 / (weights ** 2).sum()
    return 100 * (p - d), 1e4 * (p + d - (p - d) ** 2) / e


@pytest.mark.parametrize('weighted', [False, True])
def test_scores_standard_errors_and_letters_match_a_direct_computation(weighted):
    dataset = _dataset((lambda n: np.random.default_rng(9).uniform(0.5, 2, n)) if weighted
                       else None)
    weight = 'w' if weighted else None
    table = BannerTable(['NPS'], ['G'], weight=weight).fit(dataset).tables[0]
    result = nps_by_column(table, alphas=(0.05, 0.10))
    values = dataset.data['NPS'].to_numpy()
    weights = dataset.weight(weight)
    groups = dataset.data['G'].to_numpy()
    expected = {'Total': _direct(values, weights)}
    for code in (1, 2, 3):
        mask = groups == code
        expected[f'G:{code}'] = _direct(values[mask], weights[mask])
    for key, (score, variance) in expected.items():
        assert result.at[key, 'score'] == pytest.approx(score)
        assert result.at[key, 'se'] == pytest.approx(np.sqrt(variance))
    one, two = expected['G:1'], expected['G:2']
    p_value = 2 * sps.norm.sf(abs(two[0] - one[0]) / np.sqrt(one[1] + two[1]))
    assert p_value < 0.05
    letter_of_one = table.column('G:1').letter
    assert letter_of_one.upper() in result.at['G:2', 'letters']
    # Group 3 has 40 respondents: tested at a minimum base of 30, not at 50.
    assert nps_by_column(table, min_base=50).at['G:3', 'letters'] == ''
    assert result.at['Total', 'letters'] == ''


def test_a_variable_that_is_not_a_0_to_10_scale_has_no_nps():
    dataset = _dataset()
    table = BannerTable(['G'], ['G']).fit(dataset).tables[0]
    with pytest.raises(SpecificationError, match='not a 0–10 recommendation scale'):
        nps_by_column(table)
