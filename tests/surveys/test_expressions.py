"""Unit tests of the expression language: parser, evaluator, static checks and piping.

Most evaluation semantics live in ``expression_cases.json``, shared with the browser evaluator;
the tests here cover what JSON cannot express (Python value types, errors, positions)."""

import datetime
import functools
import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from surveys.expressions import (
    MAX_DEPTH, MAX_SOURCE_LENGTH, ExpressionError, ExpressionEvaluationError,
    ExpressionFunctionError, ExpressionNameError, ExpressionSyntaxError, ExpressionTypeError,
    Problem, check, parse, pipe, piped_variables, set_translator, validate)
from surveys.expressions.nodes import Arithmetic, Call, Comparison, Negate, Number, Variable
from surveys.expressions.values import format_number

CASES_PATH = Path(__file__).with_name('expression_cases.json')
PACKAGE_DIR = Path(__file__).parents[2] / 'surveys' / 'expressions'
VARIABLES = {'age': 'number', 'name': 'text', 'dob': 'date', 'gender': 'select_one',
             'brands': 'select_multiple', 'consent': 'boolean', 'Q9': 'number'}


def decode(value):
    """JSON case value -> Python value ({"$date": ...} -> date)."""
    if isinstance(value, dict):
        return (datetime.date.fromisoformat(value['$date']) if set(value) == {'$date'}
                else {key: decode(item) for key, item in value.items()})
    return [decode(item) for item in value] if isinstance(value, list) else value


def same_value(actual, expected) -> bool:
    """Equal and of the same kind (True must not pass for 1, nor a tuple of codes for a list)."""
    if isinstance(expected, list):
        return isinstance(actual, tuple) and list(actual) == expected
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and not isinstance(actual, bool) and actual == expected
    return type(actual) is type(expected) and actual == expected


SHARED_CASES = json.loads(CASES_PATH.read_text(encoding='utf-8'))


def test_shared_table_is_large_and_deterministic():
    assert len(SHARED_CASES) >= 60
    assert not any('today()' in case['expr'] for case in SHARED_CASES)


@pytest.mark.parametrize('case', SHARED_CASES, ids=[case['expr'] for case in SHARED_CASES])
def test_shared_cases(case):
    result = parse(case['expr']).evaluate(decode(case['answers']), decode(case.get('current')))
    assert same_value(result, decode(case['expected'])), result


def infix(node) -> str:
    """The tree fully parenthesised, to show how the parser grouped a source."""
    if isinstance(node, (Number, Variable)):
        return str(node.value) if isinstance(node, Number) else '$' + node.name
    if isinstance(node, Call):
        return node.name + '(' + ', '.join(map(infix, node.arguments)) + ')'
    if isinstance(node, Negate):
        return '(-' + infix(node.operand) + ')'
    if isinstance(node, Comparison):
        return f'({infix(node.left)} {node.operator} {infix(node.right)})'
    operators = node.operators if isinstance(node, Arithmetic) else [node.operator] * len(node.operands)
    pieces = [infix(node.operands[0])] + [f'{op} {infix(x)}' for op, x in zip(operators, node.operands[1:])]
    return '(' + ' '.join(pieces) + ')'


@pytest.mark.parametrize('source, grouped', [
    ('1 + 2 * 3', '(1 + (2 * 3))'),
    ('1 - 2 + 3', '(1 - 2 + 3)'),
    ('6 / 3 mod 2', '(6 div 3 mod 2)'),
    ('-${a} * 2', '((-$a) * 2)'),
    ('${a} or ${b} and ${c}', '($a or ($b and $c))'),
    ('${a} + 1 > 2 and not(${b})', '((($a + 1) > 2) and not($b))'),
    ('count-selected( ${q} ) >= 2.50', '(count-selected($q) >= 2.5)'),
    ('((1))', '1'),
    ('(1 + 2) * 3', '((1 + 2) * 3)'),
])
def test_precedence_and_grouping(source, grouped):
    assert infix(parse(source).ast) == grouped


def test_expression_attributes_cache_and_piped_variables():
    expression = parse("${a} > . and selected(${b}, '1') or ${a} = 2")
    assert expression.source == "${a} > . and selected(${b}, '1') or ${a} = 2"
    assert expression.variables == frozenset({'a', 'b'})
    assert expression.uses_current
    assert not parse('${a}').uses_current
    assert parse('1 + 1') is parse('1 + 1')
    assert piped_variables('${b} ${a} ${b} ${ c }') == ['b', 'a']


@pytest.mark.parametrize('source, error, message, column', [
    ('${a} = 1)', ExpressionSyntaxError, "Unexpected ')' at column 9", 9),
    ('(${a} = 1', ExpressionSyntaxError, "closing ')' is missing", 10),
    ('${a} =', ExpressionSyntaxError, 'a value is missing', 7),
    ('${a} ${b}', ExpressionSyntaxError, 'an operator', 6),
    ('1 < 2 < 3', ExpressionSyntaxError, 'cannot be chained', 7),
    ('${a} = 1 AND ${b}', ExpressionSyntaxError, "lower case ('and')", 10),
    ('q1 = 2', ExpressionSyntaxError, 'variables are written as ${q1}', 1),
    ('not ${a}', ExpressionSyntaxError, 'write not(...)', 1),
    ('${ a } = 1', ExpressionSyntaxError, 'Malformed variable reference', 1),
    ("'open", ExpressionSyntaxError, 'no closing', 1),
    ('! ${a}', ExpressionSyntaxError, 'not(...)', 1),
    ('1 # 2', ExpressionSyntaxError, "Unexpected character '#' at column 3", 3),
    ('', ExpressionSyntaxError, 'empty', None),
    ('1 +\n  )', ExpressionSyntaxError, 'line 2, column 3', 3),
    ('1 = foo(1)', ExpressionFunctionError, 'Unknown function foo() at column 5', 5),
    ('count_selected(${q})', ExpressionFunctionError, 'Did you mean count-selected()?', 1),
    ('round(1, 2, 3)', ExpressionFunctionError, 'round() at column 1 takes 1 or 2 arguments, not 3.', 1),
    ('true(1)', ExpressionFunctionError, 'takes no arguments', 1),
    ('selected(${q})', ExpressionFunctionError, 'takes 2 arguments, not 1', 1),
    ('concat()', ExpressionFunctionError, 'at least 1 argument', 1),
])
def test_parse_errors_say_what_and_where(source, error, message, column):
    with pytest.raises(error) as raised:
        parse(source)
    assert message in raised.value.message
    assert raised.value.column == column


def test_length_limit_and_long_flat_chains():
    longest = '1' + ' ' * (MAX_SOURCE_LENGTH - 1)
    assert parse(longest).evaluate({}) == 1
    with pytest.raises(ExpressionSyntaxError, match='too long'):
        parse(longest + ' ')
    # A sum of many answers is one node deep, not one level per '+'.
    total = ' + '.join('${q%d}' % index for index in range(150))
    assert parse(total).evaluate({'q%d' % index: 1 for index in range(150)}) == 150


@pytest.mark.parametrize('template', ['not({})', '-{}', 'if({}, 1, 2)', '({})', 'max(1, {})'])
def test_depth_limit(template):
    def nested(depth):
        return functools.reduce(lambda inner, _: template.format(inner), range(depth - 1), '1')
    assert parse(nested(MAX_DEPTH)).ast.depth == MAX_DEPTH
    with pytest.raises(ExpressionSyntaxError, match='nested too deeply'):
        parse(nested(MAX_DEPTH + 1))


@pytest.mark.parametrize('source', ['-' * 1999 + '1', '(' * 999 + '1' + ')' * 999,
                                    'not(' * 399 + '1' + ')' * 399])
def test_deep_input_never_overflows_the_stack(source):
    with pytest.raises(ExpressionError):
        parse(source).evaluate({})


@pytest.mark.parametrize('source, answer, expected', [
    ('${a} + 1', Decimal('2.50'), 3.5), ('${a} + 1', Fraction(1, 2), 1.5), ('${a} + 1', True, 2),
    ('${a} + 1', 2 ** 60, float(2 ** 60) + 1), ('${a} + 1', 10 ** 400, None),
    ('${a} + 1', float('inf'), None), ('${a} + 1', float('nan'), None),
    ('${a} + 1', Decimal('sNaN'), None),
    ("${a} = '2024-01-31'", datetime.datetime(2024, 1, 31, 23, 59), True),
    ('selected(${a}, 4)', {4, '1'}, True),
    ('selected(${a}, 4)', (Decimal(4),), True),
    ('selected(${a}, 4)', [4.0, None], True),
])
def test_python_answer_types(source, answer, expected):
    assert same_value(parse(source).evaluate({'a': answer}), expected)


@pytest.mark.parametrize('answer', [{'x': 1}, object(), [[1]], [object()]])
def test_unsupported_answers_raise_evaluation_error(answer):
    with pytest.raises(ExpressionEvaluationError, match=r'\$\{a\}'):
        parse('${a} = 1').evaluate({'a': answer})


@pytest.mark.parametrize('call, error', [
    (lambda: parse(42), TypeError),
    (lambda: parse('1').evaluate([('a', 1)]), TypeError),
    (lambda: parse('today()').evaluate({}, today='2024-01-01'), TypeError),
    (lambda: check('1', ['a']), TypeError),
    (lambda: check('1', {'a': 'integer'}), ValueError),
    (lambda: check('1', {}, current_type='decimal'), ValueError),
    (lambda: Problem('message', None, 'typo'), ValueError),
    (lambda: pipe('x', []), TypeError),
    (lambda: piped_variables(None), TypeError),
])
def test_argument_checks_raise(call, error):
    with pytest.raises(error):
        call()


def test_today_and_evaluate_bool():
    fixed = datetime.date(2024, 2, 29)
    assert parse('today()').evaluate({}, today=fixed) == fixed
    assert parse('today() - ${d}').evaluate({'d': datetime.date(2024, 1, 1)}, today=fixed) == 59
    assert parse('today()').evaluate({}, today=datetime.datetime(2024, 2, 29, 12)) == fixed
    assert parse('today()').evaluate({}) == datetime.date.today()
    expression = parse('${a} > 1 and ${b} = 2')
    assert expression.evaluate_bool({'a': 2, 'b': 2}) is True
    assert expression.evaluate_bool({}) is False
    # The right side is not evaluated when the left decides, so its bad answer goes unnoticed.
    assert parse('${a} or ${b}').evaluate({'a': 1, 'b': object()}) is True


@pytest.mark.parametrize('value, text', [  # what String(value) gives in JavaScript
    (0.30000000000000004, '0.30000000000000004'), (1e21, '1e+21'), (1.5e-7, '1.5e-7'),
    (123456789012345680000.0, '123456789012345680000'), (0.000001, '0.000001'), (-0.5, '-0.5'),
    (2.5e-310, '2.5e-310'), (12, '12'),
])
def test_numbers_print_as_in_javascript(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize('source, kind, fragment', [
    ('${age} >', 'syntax', 'incomplete'),
    ('${q9} = 1', 'unknown_variable', 'Unknown variable ${q9} at column 1. Did you mean ${Q9}?'),
    ('. > 3', 'unknown_variable', "'.' at column 1 can only be used in a validation constraint"),
    ('foo(${age})', 'function', 'Unknown function foo()'),
    ('round()', 'function', 'takes 1 or 2 arguments'),
    ('selected(${age}, 1)', 'type', 'selected() needs a single- or multiple-choice answer'),
    ('count-selected(${name}) > 1', 'type', 'but ${name} is text'),
    ('${brands} = 2', 'type', "test it with selected(${brands}, 'code')"),
    ('${age} + ${name}', 'type', 'convert it with number(...) first'),
    ('${brands} * 2', 'type', 'count-selected'),
    ('-${name}', 'type', 'arithmetic cannot use'),
    ('${dob} > 5', 'type', 'Cannot compare a date with a number'),
    ("${dob} > '2024-13-01'", 'type', "'2024-13-01' is not a date"),
    ('${dob} * 2', 'type', 'Dates can only be subtracted'),
    ('min(${brands}, 3)', 'type', 'min() needs a number as argument 1'),
    ("${consent} = 'false'", 'type', 'Compare ${consent} with true() or false()'),
])
def test_check_reports_each_kind_of_problem(source, kind, fragment):
    problems = check(source, VARIABLES)
    assert [problem.kind for problem in problems] == [kind]
    assert fragment in problems[0].message
    assert problems[0].column is not None


@pytest.mark.parametrize('source', [
    "${age} >= 18 and selected(${brands}, '4')",
    "not(${consent}) or ${gender} = 2 or ${name} != ''",
    "today() - ${dob} > 365 and ${dob} < '2024-12-31'",
    'count-selected(${brands}) + ${age} div 2 - round(${age}, 1)',
    "if(${age} > 3, ${name}, 'x') = concat(${name}, int(${name}))",
    '(${age} = 1) + (${gender} = 2)',
])
def test_check_accepts_good_expressions(source):
    assert check(source, VARIABLES) == []


def test_check_collects_problems_in_order_and_knows_the_current_value():
    problems = check('foo(${x}) + ${name} + bar(1)', VARIABLES)
    assert [(problem.kind, problem.column) for problem in problems] == [
        ('function', 1), ('unknown_variable', 5), ('type', 13), ('function', 23)]
    assert check('string-length(.) > 3', VARIABLES, allow_current=True) == []
    problems = check('. + 1', VARIABLES, allow_current=True, current_type='text')
    assert [problem.kind for problem in problems] == ['type']


def test_validate_raises_the_matching_error():
    assert validate('${age} > 1', VARIABLES).variables == {'age'}
    for source, error_class in [('${age} >', ExpressionSyntaxError), ('foo()', ExpressionFunctionError),
                                ('${nope}', ExpressionNameError), ('${brands} = 1', ExpressionTypeError)]:
        with pytest.raises(error_class) as raised:
            validate(source, VARIABLES)
        assert raised.value.problems[0] == raised.value.to_problem()


def test_messages_pass_through_the_translation_hook():
    set_translator(lambda text: text.replace('Unknown variable', 'Неизвестная переменная'))
    try:
        assert check('${zz}', {})[0].message.startswith('Неизвестная переменная ${zz}')
    finally:
        set_translator(None)
    assert check('${zz}', {})[0].message.startswith('Unknown variable')


@pytest.mark.parametrize('text, values, formatter, expected', [
    ('Why ${brand}?', {'brand': 'Acme'}, None, 'Why Acme?'),
    ('${a}, ${b} and ${a}', {'a': 1, 'b': None}, None, '1,  and 1'),
    ('You chose ${q}.', {'q': ['red', 2]}, None, 'You chose red, 2.'),
    ('Missing: [${x}]', {}, None, 'Missing: []'),
    ('Not: ${ x } $x {x} ${1x}', {'x': 'X'}, None, 'Not: ${ x } $x {x} ${1x}'),
    ('<b>${a}</b>', {'a': '<i>'}, None, '<b><i></b>'),
    ('${q}!', {'q': 1}, lambda name, value: {('q', 1): 'Red'}[name, value], 'Red!'),
])
def test_pipe(text, values, formatter, expected):
    assert pipe(text, values, formatter) == expected


def test_package_is_pure_and_modules_are_small():
    code = ('import sys, surveys.expressions; '
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'research', 'analysis', 'werkzeug')))")
    output = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                            cwd=PACKAGE_DIR.parents[1]).stdout
    assert output.strip() == '[]'
    for module in PACKAGE_DIR.glob('*.py'):
        assert len(module.read_text(encoding='utf-8').splitlines()) < 300, module.name
