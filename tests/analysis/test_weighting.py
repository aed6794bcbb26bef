"""Rim and cell weighting against independent computations.

References used here:

* the ``ipfn`` package (an independent implementation of iterative proportional fitting) on
  the example of the Wikipedia article "Iterative proportional fitting" (section "Example",
  the seed table also used in the ipfn README) and on a three-way table;
* the closed form of a raked 2 × 2 table: raking keeps the sample's cross-product (odds) ratio
  (Mosteller 1968, "Association and estimation in contingency tables", JASA 63, 1–28; Bishop,
  Fienberg & Holland 1975, *Discrete Multivariate Analysis*, §3.6), so the fitted table is the
  root of a quadratic, computed by hand below;
* Kish (1965), *Survey Sampling*, §11.7: effective base (Σw)² / Σw², efficiency in %;
* cell weighting as target share / sample share (Kalton & Flores-Cervantes 2003, J. Official
  Statistics 19, 81–97), computed by hand.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
from ipfn import ipfn

from analysis.dataset import Dataset, Variable
from analysis.errors import SpecificationError, UnknownVariableError
from analysis.weighting import CellWeighting, RimWeighting

LETTERS = 'abcdefgh'


def categorical(name, size):
    return Variable(name, label=name.upper(),
                    value_labels={code: f'{name} {LETTERS[code - 1]}'
                                  for code in range(1, size + 1)})


def dataset_from_table(table, names, weights=None):
    """One respondent per unit of each cell count of ``table`` (codes are 1-based)."""
    table = np.asarray(table)
    rows = [cell for cell in np.ndindex(table.shape) for _ in range(int(table[cell]))]
    data = pd.DataFrame([[code + 1.0 for code in cell] for cell in rows], columns=list(names),
                        index=pd.RangeIndex(1001, 1001 + len(rows), name='respondent'))
    variables = [categorical(name, size) for name, size in zip(names, table.shape)]
    if weights is not None:
        data['design'] = weights
        variables.append(Variable('design', measure='scale', role='weight'))
    return Dataset(data, variables, weights=['design'] if weights is not None else ())


def weighted_table(result, dataset, names, shape):
    sums = result.weights.groupby([dataset.data[name] for name in names]).sum()
    table = np.zeros(shape)
    for cell, value in sums.items():
        cell = cell if isinstance(cell, tuple) else (cell,)
        table[tuple(int(code) - 1 for code in cell)] = value
    return table


def run_ipfn(seed, aggregates):
    fit = ipfn.ipfn(np.asarray(seed, dtype=float), [np.asarray(a, dtype=float)
                                                    for a in aggregates],
                    [[axis] for axis in range(len(aggregates))], convergence_rate=1e-13,
                    max_iteration=5000, rate_tolerance=0)
    return fit.iteration()


# Wikipedia, "Iterative proportional fitting", section "Example".
WIKIPEDIA_SEED = [[40, 30, 20, 10], [35, 50, 100, 75], [30, 80, 70, 120], [20, 30, 40, 50]]
WIKIPEDIA_ROWS = [150, 300, 400, 150]
WIKIPEDIA_COLUMNS = [200, 300, 400, 100]


def test_raking_two_variables_matches_ipfn_on_the_wikipedia_example(capsys):
    dataset = dataset_from_table(WIKIPEDIA_SEED, ['row', 'col'])
    result = RimWeighting({'row': dict(zip(range(1, 5), WIKIPEDIA_ROWS)),
                           'col': dict(zip(range(1, 5), WIKIPEDIA_COLUMNS))},
                          unit='count', total=1000, tolerance=1e-12,
                          max_iterations=1000).fit(dataset)
    expected = run_ipfn(WIKIPEDIA_SEED, [WIKIPEDIA_ROWS, WIKIPEDIA_COLUMNS])
    assert result.converged and result.warnings == ()
    np.testing.assert_allclose(weighted_table(result, dataset, ['row', 'col'], (4, 4)),
                               expected, rtol=1e-8)
    assert result.weights.sum() == pytest.approx(1000)
    # Everyone in a cell gets the same weight: the fitted cell total over the cell count.
    first = dataset.data.index[0]
    assert result.weights[first] == pytest.approx(expected[0, 0] / 40, rel=1e-8)


def test_raking_three_variables_matches_ipfn():
    seed = np.array([[[1, 2, 1], [3, 5, 5], [6, 2, 2], [1, 7, 2]],
                     [[5, 4, 2], [5, 5, 5], [3, 8, 7], [2, 7, 6]]])
    percents = [[52, 48], [20, 30, 35, 15], [35, 40, 25]]
    dataset = dataset_from_table(seed, ['sex', 'age', 'region'])
    targets = {name: dict(zip(range(1, len(p) + 1), p))
               for name, p in zip(['sex', 'age', 'region'], percents)}
    result = RimWeighting(targets, tolerance=1e-12, max_iterations=1000).fit(dataset)
    n = seed.sum()
    expected = run_ipfn(seed, [np.array(p) * n / 100 for p in percents])
    assert result.converged
    np.testing.assert_allclose(weighted_table(result, dataset, ['sex', 'age', 'region'],
                                              seed.shape), expected, rtol=1e-8)
    np.testing.assert_allclose(result.margins['achieved_percent'],
                               np.concatenate(percents), atol=1e-9)


def test_raked_two_by_two_table_has_the_closed_form_of_constant_odds_ratio():
    seed = np.array([[7, 9], [12, 7]])
    rows, columns = np.array([5, 15]), np.array([10, 10])  # targets as counts, total 20
    # x11 (x11 + 5) / ((5 - x11)(10 - x11)) = 7·7 / (9·12): (1 − θ) a² + (5 + 15θ) a − 50θ = 0.
    theta = 7 * 7 / (9 * 12)
    a, b, c = 1 - theta, 5 + 15 * theta, -50 * theta
    x11 = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    expected = np.array([[x11, 5 - x11], [10 - x11, 5 + x11]])
    dataset = dataset_from_table(seed, ['a', 'b'])
    result = RimWeighting({'a': {1: 5, 2: 15}, 'b': {1: 10, 2: 10}}, unit='count', total=20,
                          tolerance=1e-13, max_iterations=1000).fit(dataset)
    np.testing.assert_allclose(weighted_table(result, dataset, ['a', 'b'], (2, 2)), expected,
                               rtol=1e-9)
    assert expected.sum(axis=1) == pytest.approx(rows)
    assert expected.sum(axis=0) == pytest.approx(columns)


def test_count_targets_give_the_same_weights_as_percent_targets():
    dataset = dataset_from_table(WIKIPEDIA_SEED, ['row', 'col'])
    percent = RimWeighting({'row': {1: 15, 2: 30, 3: 40, 4: 15},
                            'col': {1: 20, 2: 30, 3: 40, 4: 10}}).fit(dataset)
    counts = RimWeighting({'row': {1: 1.5e6, 2: 3e6, 3: 4e6, 4: 1.5e6},
                           'col': {1: 2e6, 2: 3e6, 3: 4e6, 4: 1e6}}, unit='count').fit(dataset)
    np.testing.assert_allclose(counts.weights, percent.weights, rtol=1e-12)
    assert percent.weights.mean() == pytest.approx(1)  # default total: n, mean weight 1
    grossed = RimWeighting({'row': {1: 1.5e6, 2: 3e6, 3: 4e6, 4: 1.5e6},
                            'col': {1: 2e6, 2: 3e6, 3: 4e6, 4: 1e6}}, unit='count',
                           total=1e7).fit(dataset)
    np.testing.assert_allclose(grossed.weights, percent.weights * 1e7 / 800, rtol=1e-12)


def test_efficiency_and_effective_base_follow_kish():
    # Three men and one woman raked to 50/50: weights 2/3, 2/3, 2/3 and 2.
    # Σw = 4, Σw² = 3 · 4/9 + 4 = 16/3, so n_eff = 16 / (16/3) = 3 and efficiency 75 %.
    data = pd.DataFrame({'sex': [1.0, 1.0, 1.0, 2.0]})
    dataset = Dataset(data, [categorical('sex', 2)])
    result = RimWeighting({'sex': {1: 50, 2: 50}}).fit(dataset)
    np.testing.assert_allclose(result.weights, [2 / 3, 2 / 3, 2 / 3, 2])
    assert result.effective_n == pytest.approx(3)
    assert result.efficiency == pytest.approx(75)
    assert result.design_effect == pytest.approx(4 / 3)
    assert (result.min_weight, result.max_weight) == pytest.approx((2 / 3, 2))
    assert result.iterations == 1 and result.converged


def test_base_weights_that_already_fit_are_kept_and_scaled_to_the_total():
    # Design weights 1, 1, 2, 4 put 50 % on each sex already (men 1 + 1 + 2, woman 4).
    data = pd.DataFrame({'sex': [1.0, 1.0, 1.0, 2.0], 'design': [1.0, 1.0, 2.0, 4.0]})
    dataset = Dataset(data, [categorical('sex', 2),
                             Variable('design', measure='scale', role='weight')],
                      weights=['design'])
    result = RimWeighting({'sex': {1: 50, 2: 50}}, base_weight='design').fit(dataset)
    assert result.iterations == 0 and result.converged
    np.testing.assert_allclose(result.weights, [0.5, 0.5, 1, 2])  # sum 4 = n
    # Kish: (Σw)² / Σw² = 8² / (1 + 1 + 4 + 16) = 64 / 22, invariant to scaling.
    assert result.effective_n == pytest.approx(64 / 22)
    assert result.efficiency == pytest.approx(100 * 64 / 22 / 4)


def capped_example():
    # 1,000 respondents, sex × age group; the young (age 2) are under-represented.
    return dataset_from_table(np.array([[300, 200], [400, 100]]), ['sex', 'age'])


TARGETS = {'sex': {1: 49, 2: 51}, 'age': {1: 40, 2: 60}}


def test_caps_hold_after_trimming_and_the_margins_are_still_met():
    dataset = capped_example()
    plain = RimWeighting(TARGETS).fit(dataset)
    assert plain.max_weight > 2.2  # raking alone gives young women about 2.49
    result = RimWeighting(TARGETS, cap=(0.3, 2.2), tolerance=1e-5,
                          max_iterations=500).fit(dataset)
    assert result.converged and result.warnings == ()
    ratios = result.weights / result.weights.mean()
    assert ratios.max() <= 2.2 * (1 + 1e-5) and ratios.min() >= 0.3 * (1 - 1e-5)
    assert result.margins['difference'].abs().max() <= 100 * 1e-5
    assert result.weights.sum() == pytest.approx(1000)
    # By hand: with the young women (100) at the cap 2.2, the margins fix the rest:
    # age 2: 200 w12 + 220 = 600 → w12 = 1.9; sex 1: 300 w11 + 380 = 490 → w11 = 11/30;
    # age 1: 110 + 400 w21 = 400 → w21 = 0.725. (Feasible: every weight within 0.3–2.2.)
    cells = weighted_table(result, dataset, ['sex', 'age'], (2, 2)) / [[300, 200], [400, 100]]
    np.testing.assert_allclose(cells, [[11 / 30, 1.9], [0.725, 2.2]], rtol=1e-4)


def test_one_iteration_is_not_enough_for_three_associated_variables():
    seed = np.array([[[30, 2], [5, 40]], [[4, 25], [35, 6]]])
    dataset = dataset_from_table(seed, ['a', 'b', 'c'])
    targets = {'a': {1: 30, 2: 70}, 'b': {1: 60, 2: 40}, 'c': {1: 45, 2: 55}}
    result = RimWeighting(targets, max_iterations=1).fit(dataset)
    assert not result.converged and result.iterations == 1
    worst = result.margins.loc[result.margins['difference'].abs().idxmax()]
    assert abs(worst['difference']) > 0.01
    assert len(result.warnings) == 1
    assert result.warnings[0] == (
        f"Weighting did not converge (iteration limit: 1): the largest remaining difference is "
        f"{worst['difference']:.4f} percentage points, on {worst['variable']} = "
        f"{worst['code']} ({worst['label']}).")
    assert result.weights.notna().all() and result.weights.sum() == pytest.approx(len(dataset))
    assert RimWeighting(targets, max_iterations=200).fit(dataset).converged


def test_contradictory_caps_do_not_converge_and_say_so():
    # 80 % men raked to 50 %: women need 2.5 times the mean weight, the cap allows 1.25.
    data = pd.DataFrame({'sex': [1.0] * 80 + [2.0] * 20})
    dataset = Dataset(data, [categorical('sex', 2)])
    result = RimWeighting({'sex': {1: 50, 2: 50}}, cap=(0.8, 1.25), max_iterations=20).fit(dataset)
    assert not result.converged and result.iterations == 20
    assert result.warnings == (
        'Respondents with weights outside the caps (0.8 to 1.25 times the mean weight): 100; '
        'the weights range from 0.625 to 2.500 times the mean.',)
    # Margins take priority: the returned weights still meet the targets.
    assert result.margins['achieved_percent'].tolist() == pytest.approx([50, 50])


def test_cell_weighting_is_target_share_over_sample_share():
    table = np.array([[2, 3], [4, 1]])  # 10 respondents
    dataset = dataset_from_table(table, ['sex', 'age'])
    result = CellWeighting(['sex', 'age'], {(1, 1): 25, (1, 2): 25, (2, 1): 25,
                                            (2, 2): 25}).fit(dataset)
    # 0.25 / (n_c / 10): 1.25, 0.8333, 0.625 and 2.5.
    expected = {(1, 1): 1.25, (1, 2): 0.25 / 0.3, (2, 1): 0.625, (2, 2): 2.5}
    for respondent, row in dataset.data.iterrows():
        assert result.weights[respondent] == pytest.approx(expected[(row.sex, row.age)])
    assert result.converged and result.iterations == 1
    margins = result.margins
    assert margins['variable'].unique().tolist() == ['sex × age']
    assert margins['code'].tolist() == ['1 × 1', '1 × 2', '2 × 1', '2 × 2']
    assert margins['label'][0] == 'sex a × age a'
    assert margins['unweighted_count'].tolist() == [2, 3, 4, 1]
    assert margins['achieved_percent'].tolist() == pytest.approx([25] * 4)
    # Σw = 10, Σw² = 2·1.5625 + 3·0.069444/0.0625… computed directly:
    sum_w2 = 2 * 1.25 ** 2 + 3 * (0.25 / 0.3) ** 2 + 4 * 0.625 ** 2 + 2.5 ** 2
    assert result.effective_n == pytest.approx(100 / sum_w2)


def test_cell_weighting_with_counts_total_and_base_weights():
    data = pd.DataFrame({'sex': [1.0, 1.0, 2.0], 'design': [1.0, 3.0, 2.0]})
    dataset = Dataset(data, [categorical('sex', 2),
                             Variable('design', measure='scale', role='weight')],
                      weights=['design'])
    result = CellWeighting('sex', {1: 600, 2: 400}, unit='count', total=1000,
                           base_weight='design').fit(dataset)
    # Men: b · 600 / (1 + 3) = 150 and 450; woman: 2 · 400 / 2 = 400.
    np.testing.assert_allclose(result.weights, [150, 450, 400])


def test_result_report_and_apply():
    dataset = capped_example()
    result = RimWeighting(TARGETS, cap=(0.3, 2.2), max_iterations=500).fit(dataset)
    report = json.loads(json.dumps(result.to_dict()))
    assert report['method'] == 'rim' and report['variables'] == ['sex', 'age']
    assert report['settings']['targets'] == {'sex': {'1': 49, '2': 51},
                                             'age': {'1': 40, '2': 60}}
    assert report['settings']['cap'] == [0.3, 2.2]
    assert report['efficiency'] == pytest.approx(result.efficiency)
    assert report['margins'][0]['label'] == 'sex a' and len(report['margins']) == 4
    text = result.summary()
    assert 'Rim weighting (raking) on sex, age' in text and 'sex a' in text
    assert f'{result.efficiency:.1f} %' in text
    weighted = result.apply(dataset, 'rim', 'Rim weight')
    assert weighted.weight_names == ('rim',)
    np.testing.assert_array_equal(weighted.weight('rim'), result.weights.to_numpy())
    with pytest.raises(ValueError):
        result.weights.iloc[0] = 5.0
    with pytest.raises(AttributeError):
        result.converged = False


def bad_dataset():
    data = pd.DataFrame({'sex': [1.0, 1.0, 2.0, 2.0], 'age': [1.0, 2.0, np.nan, np.nan],
                         'region': [1.0, 2.0, 3.0, 3.0], 'income': [10.0, 20.0, 30.0, 40.0]})
    return Dataset(data, [categorical('sex', 2), categorical('age', 3), categorical('region', 4),
                          Variable('income', measure='scale')])


@pytest.mark.parametrize('targets, options, error, message', [
    ({'gender': {1: 50, 2: 50}}, {}, UnknownVariableError,
     'There is no variable gender in this dataset.'),
    ({'region': {1: 20, 2: 20, 3: 40, 4: 20}}, {}, SpecificationError,
     'Nobody in the sample has region = 4 (region d), but its target is not 0: weighting '
     'cannot create respondents in an empty cell. Set its target to 0 or merge it with '
     'another category.'),
    ({'sex': {1: 50, 2: 50, 7: 0}}, {}, SpecificationError,
     '7 is not a code of variable sex and nobody in the sample has it.'),
    ({'age': {1: 30, 2: 30, 3: 40}}, {}, SpecificationError,
     'Respondents without a value for weighting variable age: 2. Give them a category '
     '(e.g. "Not stated") with a target, or filter them out.'),
    ({'region': {1: 50, 2: 50}}, {}, SpecificationError,
     'Variable region has respondents in categories without a target: 3.'),
    ({'sex': {1: 120, 2: -20}}, {}, SpecificationError,
     'The target for sex = 2 is negative (-20).'),
    ({'sex': {1: 'half', 2: 50}}, {}, SpecificationError,
     "The target for sex = 1 is not a number: 'half'."),
    ({'sex': {1: None, 2: 50}}, {}, SpecificationError,
     'The target for sex = 1 is not a number: None.'),
    ({'income': {10: 50, 20: 50}}, {}, SpecificationError,
     'Variable income is not categorical (numeric codes with value labels, nominal or '
     'ordinal), so it cannot be weighted to targets.'),
    ({'sex': {1: 50, 2: 49}}, {}, SpecificationError,
     'The percentage targets of sex sum to 99, not 100.'),
    ({'sex': {1: 500, 2: 500}, 'region': {1: 300, 2: 300, 3: 420, 4: 0}}, {'unit': 'count'},
     SpecificationError, 'The count targets of region sum to 1020 but those of sex sum to '
     '1000: every margin must have the same total (within 0.5 %).'),
    ({'sex': {'one': 50, 2: 50}}, {}, SpecificationError,
     "Target code 'one' of sex is not a numeric code."),
    ({'sex': {1: 50, 2: 50}}, {'unit': 'share'}, SpecificationError,
     'Unknown target unit \'share\': use "percent" or "count".'),
    ({'sex': {1: 50, 2: 50}}, {'cap': (2, 5)}, SpecificationError,
     'Weight caps are relative to the mean weight: the low cap must be at most 1 and the high '
     'cap at least 1.'),
    ({'sex': {1: 50, 2: 50}}, {'base_weight': 'design'}, UnknownVariableError,
     'There is no weight variable design in this dataset.'),
])
def test_rim_weighting_refuses_bad_input(targets, options, error, message):
    with pytest.raises(error) as raised:
        RimWeighting(targets, **options).fit(bad_dataset())
    assert str(raised.value) == message


def test_count_targets_within_half_a_percent_are_accepted():
    dataset = bad_dataset()
    targets = {'sex': {1: 500, 2: 500}, 'region': {1: 251, 2: 251, 3: 502, 4: 0}}
    result = RimWeighting(targets, unit='count').fit(dataset)  # 1004 vs 1000: 0.4 %
    assert result.converged
    assert result.margins['target_percent'].tolist() == pytest.approx([50, 50, 25, 25, 50, 0])


def test_json_targets_with_string_codes_are_accepted():
    dataset = bad_dataset()
    result = RimWeighting({'sex': {'1': 40, '2': 60}}).fit(dataset)
    assert result.margins['achieved_percent'].tolist() == pytest.approx([40, 60])


@pytest.mark.parametrize('variables, targets, message', [
    (['sex', 'region'], {(1, 1): 25, (1, 2): 25, (2, 3): 25, (2, 4): 25},
     'Nobody in the sample has sex × region = 2 × 4 (sex b × region d), but its target is '
     'not 0: weighting cannot create respondents in an empty cell. Set its target to 0 or '
     'merge it with another category.'),
    (['sex', 'region'], {(1, 1): 50, (1, 2): 50},
     'Respondents are in cells without a target: 2 × 3.'),
    (['sex', 'region'], {(1,): 50, (2,): 50},
     'Target cell 1 needs one code for each of sex, region.'),
    (['sex', 'age'], {(1, 1): 50, (2, 2): 50},
     'Respondents without a value for weighting variable age: 2. Give them a category '
     '(e.g. "Not stated") with a target, or filter them out.'),
    (['sex'], {1: 50, 2: 60}, 'The percentage targets of sex sum to 110, not 100.'),
    (['sex', 'income'], {(1, 10): 100}, 'Variable income is not categorical (numeric codes '
     'with value labels, nominal or ordinal), so it cannot be weighted to targets.'),
])
def test_cell_weighting_refuses_bad_input(variables, targets, message):
    with pytest.raises(SpecificationError) as raised:
        CellWeighting(variables, targets).fit(bad_dataset())
    assert str(raised.value) == message


def test_zero_target_for_an_empty_category_is_fine():
    dataset = bad_dataset()
    result = RimWeighting({'region': {1: 25, 2: 25, 3: 50, 4: 0}}).fit(dataset)
    assert result.converged
    assert result.margins['unweighted_count'].tolist() == [1, 1, 2, 0]
    np.testing.assert_allclose(result.weights, [1, 1, 1, 1])
