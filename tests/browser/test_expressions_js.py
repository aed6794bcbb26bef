"""The browser evaluator (research/static/js/expressions.js) against the Python reference.

Every case of the shared table tests/surveys/expression_cases.json runs through the JavaScript
evaluator in one page.evaluate call and must give what the Python test expects; syntax errors
must be errors in both, with the same message and column.
"""
import functools
import re
from pathlib import Path

import pytest

from surveys.expressions import MAX_DEPTH, ExpressionSyntaxError, parse
from tests.surveys.test_expressions import SHARED_CASES, decode, same_value

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).parents[2] / "research" / "static" / "js" / "expressions.js"

#: Runs the cases in the page: {"$date"} in, {"$date"} and {"$codes"} out.
RUN_CASES = """cases => {
    const E = window.AnketaExpressions;
    const decode = value => {
        if (Array.isArray(value)) return value.map(decode);
        if (value && typeof value === 'object') {
            if (Object.keys(value).length === 1 && '$date' in value) return E.date(value.$date);
            const out = {};
            for (const key of Object.keys(value)) out[key] = decode(value[key]);
            return out;
        }
        return value;
    };
    const encode = value => {
        if (value instanceof E.ExpressionDate) return {$date: String(value)};
        if (Array.isArray(value)) return {$codes: value};
        if (typeof value === 'number') return Object.is(value, -0) ? {$negativeZero: true} : value;
        return value === undefined ? {$undefined: true} : value;
    };
    return cases.map(c => {
        try {
            const current = c.current === undefined ? null : decode(c.current);
            return {value: encode(E.parse(c.expr).evaluate(decode(c.answers), current))};
        } catch (error) {
            return {error: String(error && error.stack || error)};
        }
    });
}"""

#: Parses each source in the page; the error's class, message and column, or null.
RUN_ERRORS = """sources => sources.map(source => {
    try {
        window.AnketaExpressions.parse(source);
        return null;
    } catch (error) {
        return {isExpressionError: error instanceof window.AnketaExpressions.ExpressionError,
                message: error.message, column: error.column};
    }
})"""


def nested(template, depth):
    return functools.reduce(lambda inner, _: template.format(inner), range(depth - 1), "1")


SYNTAX_ERRORS = [
    "${a} = 1)", "(${a} = 1", "${a} =", "${a} ${b}", "1 < 2 < 3", "${a} = 1 AND ${b}", "q1 = 2",
    "not ${a}", "${ a } = 1", "'open", "! ${a}", "1 # 2", "", "   ", "1 +\n  )", "1 = foo(1)",
    "count_selected(${q})", "round(1, 2, 3)", "true(1)", "selected(${q})", "concat()",
    "1 and2", "and 1", "1 .5", "f(1,)", "1e3", "${a-b}", "/data/q1", "1 or or 2",
    "1" + " " * 2000, "-" * 1999 + "1", "(" * 999 + "1" + ")" * 999, "not(" * 399 + "1" + ")" * 399,
    nested("not({})", MAX_DEPTH + 1), nested("-{}", MAX_DEPTH + 1),
    nested("if({}, 1, 2)", MAX_DEPTH + 1), nested("({})", MAX_DEPTH + 1),
    nested("max(1, {})", MAX_DEPTH + 1), nested("(1 + {})", MAX_DEPTH),
]
#: Just inside the limits: must parse in both.
VALID = ["1" + " " * 1999, nested("not({})", MAX_DEPTH), nested("({})", MAX_DEPTH),
         nested("max(1, {})", MAX_DEPTH), " + ".join("${q%d}" % index for index in range(150)),
         "count-selected( ${q} ) >= 2.50", nested("1 + {}", 3 * MAX_DEPTH), "1 and-1",
         "${a} mod 2 div 3", "3. + .5"]


@pytest.fixture(scope="module")
def js(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.set_content("<!doctype html><title>expressions</title>")
    page.add_script_tag(path=str(SCRIPT))
    yield page
    context.close()


def from_js(value):
    """A result from the page as the Python evaluator would give it."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2 ** 53:
        return float(value)  # a double the JSON transfer wrote as a whole number
    if isinstance(value, dict):
        if set(value) == {"$codes"}:
            return tuple(value["$codes"])
        if set(value) == {"$negativeZero"}:
            return -0.0
    return decode(value)


def test_script_has_no_eval():
    source = SCRIPT.read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w.])eval\s*\(|\bFunction\s*\(|setTimeout\s*\(\s*['\"]", source)


def test_shared_cases_in_the_browser(js):
    results = js.evaluate(RUN_CASES, SHARED_CASES)
    assert len(results) == len(SHARED_CASES) >= 60
    mismatches = []
    for case, result in zip(SHARED_CASES, results):
        if "error" in result:
            mismatches.append(f"{case['expr']!r}: threw {result['error']}")
            continue
        actual, expected = from_js(result["value"]), decode(case["expected"])
        if not same_value(actual, expected):
            mismatches.append(f"{case['expr']!r} with {case['answers']!r}: "
                              f"JavaScript gave {actual!r}, expected {expected!r}")
    assert not mismatches, "\n".join(mismatches)


def test_syntax_errors_throw_in_the_browser(js):
    results = js.evaluate(RUN_ERRORS, SYNTAX_ERRORS + VALID)
    problems = []
    for source, result in zip(SYNTAX_ERRORS, results):
        try:
            parse(source)
        except ExpressionSyntaxError as error:
            python = error
        else:
            problems.append(f"{source[:60]!r} parses in Python: not a syntax error")
            continue
        if result is None or not result["isExpressionError"]:
            problems.append(f"{source[:60]!r}: Python raises {python.message!r}, JavaScript {result!r}")
        elif (result["message"], result["column"]) != (python.message, python.column):
            problems.append(f"{source[:60]!r}: Python {python.message!r} at {python.column}, "
                            f"JavaScript {result['message']!r} at {result['column']}")
    for source, result in zip(VALID, results[len(SYNTAX_ERRORS):]):
        parse(source)
        if result is not None:
            problems.append(f"{source[:60]!r} parses in Python, JavaScript says {result['message']!r}")
    assert not problems, "\n".join(problems)
