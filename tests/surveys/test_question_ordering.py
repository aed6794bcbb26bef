"""Option order per respondent: deterministic per seed, anchors fixed, different across seeds."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.questions import ordered_options
from surveys.questions.ordering import order_codes
from tests.surveys.test_question_specs import SPECS, options, spec

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SEEDS = [f'token-{number}' for number in range(40)]


def brands(mode, **flags):
    return spec('multiple_choice', settings={'randomize': mode},
                options=options(*'ABCDEFG', **flags))


@pytest.mark.parametrize('mode', ['shuffle', 'rotate', 'reverse'])
def test_same_seed_same_order_and_seeds_differ(mode):
    question = brands(mode)
    orders = {tuple(ordered_options(question, seed)) for seed in SEEDS}
    assert ordered_options(question, 'token-1') == ordered_options(question, 'token-1')
    if mode == 'shuffle':
        assert len(orders) > 30
    else:
        assert len(orders) == {'rotate': 7, 'reverse': 2}[mode]
    assert all(sorted(order) == list(range(1, 8)) for order in orders)


def test_the_order_is_a_fixed_function_of_seed_and_question():
    # SHA-256 based, so the same in every process and Python version: pinned on purpose, since
    # a respondent who resumes later must see the options in the order seen before.
    assert ordered_options(brands('shuffle'), 'abc') == [5, 7, 1, 3, 2, 6, 4]
    assert ordered_options(brands('rotate'), 'abc') == [3, 4, 5, 6, 7, 1, 2]
    other_question = spec('multiple_choice', variable='Q6', settings={'randomize': 'shuffle'},
                          options=options(*'ABCDEFG'))
    assert any(ordered_options(brands('shuffle'), seed) != ordered_options(other_question, seed)
               for seed in SEEDS[:5])


def test_rotation_keeps_the_cyclic_order():
    for seed in SEEDS[:10]:
        order = ordered_options(brands('rotate'), seed)
        start = order.index(1)
        assert order[start:] + order[:start] == [1, 2, 3, 4, 5, 6, 7]


def test_reverse_gives_the_list_or_its_reverse():
    found = {tuple(ordered_options(brands('reverse'), seed)) for seed in SEEDS}
    assert found == {(1, 2, 3, 4, 5, 6, 7), (7, 6, 5, 4, 3, 2, 1)}


def test_no_randomisation_keeps_the_researchers_order():
    assert ordered_options(brands(None), 'x') == [1, 2, 3, 4, 5, 6, 7]


def test_anchored_other_and_exclusive_options_stay_in_place():
    question = SPECS['multiple_choice']  # shuffled; 4 is "other", 99 exclusive
    for seed in SEEDS:
        order = ordered_options(question, seed)
        assert order[3:] == [4, 99] and sorted(order[:3]) == [1, 2, 3]
    pinned = brands('shuffle', c1={'anchored': True}, c4={'anchored': True})
    assert all(order[0] == 1 and order[3] == 4
               for order in (ordered_options(pinned, seed) for seed in SEEDS))
    loose = brands('shuffle', c7={'other': True, 'anchored': False})
    assert any(ordered_options(loose, seed)[-1] != 7 for seed in SEEDS)


def test_adding_an_option_keeps_the_relative_order_of_the_others():
    before = ordered_options(brands('shuffle'), 'seed')
    after = ordered_options(spec('multiple_choice', settings={'randomize': 'shuffle'},
                                 options=options(*'ABCDEFGH')), 'seed')
    assert [code for code in after if code != 8] == before


def test_rows_follow_randomize_rows_and_default_options_can_be_reversed():
    grid = spec('grid', settings={'randomize_rows': 'reverse'})
    assert {tuple(ordered_options(grid, seed, which='rows')) for seed in SEEDS} == {
        (1, 2, 3), (3, 2, 1)}
    assert ordered_options(grid, 'x') == [1, 2, 3]  # columns not randomised
    likert = spec('likert', settings={'randomize': 'reverse'})
    assert {tuple(ordered_options(likert, seed)) for seed in SEEDS} == {
        (1, 2, 3, 4, 5), (5, 4, 3, 2, 1)}
    with pytest.raises(ValueError):
        ordered_options(grid, 'x', which='columns')


@FAST
@given(st.lists(st.tuples(st.integers(1, 10_000), st.booleans()), max_size=12,
                unique_by=lambda item: item[0]),
       st.sampled_from([None, 'shuffle', 'rotate', 'reverse']), st.text(max_size=20))
def test_order_is_a_deterministic_permutation_with_anchors_fixed(items, mode, seed):
    spec_items = [{'code': code, 'settings': {'anchored': anchored}} for code, anchored in items]
    order = order_codes(spec_items, mode, seed, 'Q1:options')
    codes = [code for code, _anchored in items]
    assert sorted(order) == sorted(codes)
    assert all(order[index] == code for index, (code, anchored) in enumerate(items) if anchored)
    assert order == order_codes(spec_items, mode, seed, 'Q1:options')
