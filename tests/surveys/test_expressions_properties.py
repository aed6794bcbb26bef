"""Property-based tests of the expression language (hypothesis).

1. Any text given to ``parse`` raises nothing but ``ExpressionError``; ``check`` never raises.
2. Generated valid expressions evaluate over generated answers without raising at all.
3. ``unparse`` round-trips, and comparisons are symmetric.
"""

import datetime
import string
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surveys.expressions import (FUNCTIONS, MAX_SOURCE_LENGTH, VARIABLE_TYPES, ExpressionError,
                                 ExpressionSyntaxError, Problem, check, parse, unparse)

# No example database: tests must not write files into the work tree.
FAST = settings(max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
NAMES = ('a', 'b', 'q', 'd')
TODAY = datetime.date(2024, 2, 29)

TOKENS = ['${a}', '${q}', '${', '}', '.', '(', ')', ',', "'", '"', ' ', '\n', '-', '+', '*', '/',
          '=', '!=', '<', '<=', '>', '>=', 'and', 'or', 'div', 'mod', 'not(', 'selected(',
          'count-selected(', 'if(', 'true()', 'today()', 'round(', '1', '2.5', '.5', "'x'", '$']

source_fragments = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=40).map(''.join)
any_text = st.text(max_size=200) | source_fragments


@FAST
@given(any_text)
def test_parse_raises_only_expression_errors(source):
    try:
        expression = parse(source)
    except ExpressionError as error:
        assert str(error.message)
        assert error.column is None or error.column >= 1
    else:
        assert expression.source == source


@FAST
@given(any_text, st.dictionaries(st.sampled_from(NAMES), st.sampled_from(sorted(VARIABLE_TYPES))),
       st.booleans())
def test_check_never_raises(source, variables, allow_current):
    problems = check(source, variables, allow_current=allow_current)
    assert all(isinstance(problem, Problem) and problem.message for problem in problems)


# --- valid expressions, built from the grammar ---------------------------------------------------

numbers = st.integers(0, 10 ** 20).map(str) | st.builds(
    '{}.{}'.format, st.integers(0, 10 ** 6), st.integers(0, 10 ** 6))
texts = st.text(st.characters(blacklist_characters="'", blacklist_categories=('Cs',)), max_size=6)
references = st.sampled_from(NAMES).map('${{{}}}'.format)
# References twice: answers are what the evaluator is mostly about.
literals = st.one_of(references, references, numbers, texts.map("'{}'".format),
                     st.sampled_from(['.', 'true()', 'today()', '"it\'s"']))
BINARY = ['+', '-', '*', 'div', 'mod', '/', 'and', 'or']
COMPARISONS = ['=', '!=', '<', '<=', '>', '>=']
CALLABLE = sorted(FUNCTIONS.values(), key=lambda spec: spec.name)


def chain(parts, operators):
    """Join atoms with operators, never letting two comparisons meet without and/or between."""
    pieces, comparison_open = [parts[0]], False
    for operator, part in zip(operators, parts[1:]):
        if operator in COMPARISONS:
            operator, comparison_open = ('+', True) if comparison_open else (operator, True)
        elif operator in ('and', 'or'):
            comparison_open = False
        pieces += [operator, part]
    return ' '.join(pieces)


def calls(children):
    def call(spec):
        high = spec.max_arguments if spec.max_arguments is not None else spec.min_arguments + 2
        arguments = st.lists(children, min_size=spec.min_arguments, max_size=high)
        return arguments.map(lambda values: '{}({})'.format(spec.name, ', '.join(values)))
    return st.sampled_from(CALLABLE).flatmap(call)


def extend(children):
    atoms = literals | children.map('({})'.format) | calls(children)
    return (atoms
            | children.map('-{}'.format)
            | st.integers(2, 5).flatmap(lambda size: st.builds(
                chain, st.lists(atoms, min_size=size, max_size=size),
                st.lists(st.sampled_from(BINARY + COMPARISONS), min_size=size - 1, max_size=size - 1))))


valid_sources = st.recursive(literals, extend, max_leaves=24)

codes = st.integers(-3, 20) | st.text(string.ascii_lowercase + '0123456789', min_size=1, max_size=3)
answer_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 20, 10 ** 20), st.floats(),
    st.decimals(), st.text(max_size=8), st.integers(-100, 100).map(str),
    st.dates(), st.datetimes(), st.lists(codes, max_size=4), st.frozensets(codes, max_size=3),
)
answers = st.dictionaries(st.sampled_from(NAMES), answer_values)


def parse_valid(source):
    assume(len(source) <= MAX_SOURCE_LENGTH)
    try:
        return parse(source)
    except ExpressionSyntaxError as error:
        # The generator can nest beyond the limit; such sources are not valid.
        assume('nested too deeply' not in error.message)
        raise


@FAST
@given(valid_sources, answers, answer_values)
def test_valid_expressions_evaluate_without_raising(source, answer_map, current):
    expression = parse_valid(source)
    result = expression.evaluate(answer_map, current=current, today=TODAY)
    assert result is None or isinstance(result, (bool, int, float, str, datetime.date, tuple))
    assert expression.evaluate_bool(answer_map, current=current, today=TODAY) in (True, False)


@FAST
@given(valid_sources, st.dictionaries(st.sampled_from(NAMES), st.sampled_from(sorted(VARIABLE_TYPES))))
def test_valid_expressions_check_without_syntax_problems(source, variables):
    parse_valid(source)
    problems = check(source, variables, allow_current=True)
    assert not any(problem.kind in ('syntax', 'function') for problem in problems)


@FAST
@given(valid_sources)
def test_unparse_round_trips(source):
    tree = parse_valid(source).ast
    canonical = unparse(tree)
    assume(len(canonical) <= MAX_SOURCE_LENGTH)  # canonical spacing can make it longer
    assert parse(canonical).ast == tree
    assert unparse(parse(canonical).ast) == canonical
    assert parse(source).ast == tree  # deterministic


@FAST
@given(answer_values, answer_values)
def test_comparisons_are_symmetric_and_consistent(left, right):
    values = {'a': left, 'b': right}
    evaluate = lambda source: parse(source).evaluate(values)  # noqa: E731
    assert evaluate('${a} = ${b}') is evaluate('${b} = ${a}')
    assert evaluate('${a} != ${b}') is not evaluate('${a} = ${b}')
    assert evaluate('${a} < ${b}') is evaluate('${b} > ${a}')
    assert evaluate('${a} <= ${b}') is evaluate('${b} >= ${a}')


@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10 ** 6,
                   max_value=10 ** 6))
def test_round_is_half_away_from_zero_on_decimal_digits(value):
    text = format(value, 'f')
    expected = float(value.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP'))
    assert parse(f'round({text}, 2)').evaluate({}) == expected
