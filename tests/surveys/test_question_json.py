"""Answers submitted as JSON (the API): the same rules as the web form, without WTForms."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.questions import get_type
from tests.surveys.test_question_forms import CASES
from tests.surveys.test_question_specs import SPECS, spec

FAST = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
REQUIRED = 'Please answer this question.'


def from_json(question, payload, **kwargs):
    return get_type(question['type']).answers_from_json(question, payload, 'en', **kwargs)


VALID_FORM_CASES = [case for case in CASES if case[4] is not None]


@pytest.mark.parametrize('question, answers', [(case[0], case[4]) for case in VALID_FORM_CASES])
def test_what_the_form_stores_is_accepted_back_as_json(question, answers):
    assert from_json(question, json.loads(json.dumps(answers))) == (answers, {})


# (question, payload, expected answers or None, expected errors {name: text})
REJECTED = [
    (SPECS['short_text'], {'NAME': 5}, {'NAME': 'Expected text.'}),
    (SPECS['short_text'], {'NAME': 'x' * 21}, {'NAME': 'at most 20 characters'}),
    (SPECS['short_text'], {'NAME': 'a\x07'}, {'NAME': 'control characters'}),
    (SPECS['long_text'], {'WHY': '  '}, {'WHY': REQUIRED}),
    (SPECS['long_text'], {}, {'WHY': REQUIRED}),
    (SPECS['email'], {'MAIL': 'not an address'}, {'MAIL': 'valid e-mail'}),
    (SPECS['numeric'], {'AGE': 1.5}, {'AGE': 'Expected a whole number.'}),
    (SPECS['numeric'], {'AGE': '42'}, {'AGE': 'Expected a whole number.'}),
    (SPECS['numeric'], {'AGE': True}, {'AGE': 'Expected a whole number.'}),
    (SPECS['numeric'], {'AGE': 121}, {'AGE': 'Enter a number from 0 to 120.'}),
    (SPECS['numeric'], {'AGE': None}, {'AGE': REQUIRED}),
    (spec('numeric', settings={'integer': False}), {'AGE': 1.005},
     {'AGE': 'at most 2 decimal places'}),
    (spec('numeric', settings={'integer': False}), {'AGE': float('inf')},
     {'AGE': 'Expected a number.'}),
    (SPECS['date'], {'VISIT': '2024-2-1'}, {'VISIT': "'YYYY-MM-DD'"}),
    (SPECS['date'], {'VISIT': '2023-02-29'}, {'VISIT': "'YYYY-MM-DD'"}),
    (SPECS['date'], {'VISIT': '20240101'}, {'VISIT': "'YYYY-MM-DD'"}),
    (SPECS['date'], {'VISIT': '2031-01-01'}, {'VISIT': 'from 2000-01-01 to 2030-12-31'}),
    (SPECS['single_choice'], {'Q1': '2'}, {'Q1': 'Expected an option code'}),
    (SPECS['single_choice'], {'Q1': 9}, {'Q1': '9 is not one of the answer options.'}),
    (SPECS['single_choice'], {'Q1': 4}, {'Q1': 'Please say what you mean by "Other".'}),
    (SPECS['multiple_choice'], {'Q5_1': 2}, {'Q5_1': 'Expected 0 (not selected) or 1'}),
    (SPECS['multiple_choice'], {'Q5_1': 1, 'Q5_99': 1},
     {'Q5': '"None of these" cannot be combined with other answers.'}),
    (SPECS['multiple_choice'], {'Q5_1': 1, 'Q5_2': 1, 'Q5_3': 1},
     {'Q5': 'Please choose fewer answers (at most 2).'}),
    (SPECS['multiple_choice'], {'Q5_other': 'Zeta'},
     {'Q5': 'You wrote a text for "Other" but did not choose it.'}),
    (SPECS['likert'], {'L1': 0}, {'L1': 'is not one of the answer options'}),
    (SPECS['nps'], {'NPS': 10.5}, {'NPS': 'Expected an option code'}),
    (SPECS['grid'], {'G_r1': 1}, {'G': 'not answered: quality, service'}),
    (SPECS['ranking'], {'RK_1': 1, 'RK_2': 1}, {'RK': 'repeated: 1'}),
    (SPECS['ranking'], {'RK_1': 0}, {'RK_1': 'Enter a number from 1 to 4.'}),
    (SPECS['constant_sum'], {'CS_1': 99}, {'CS': 'The amounts add up to 99'}),
    (SPECS['constant_sum'], {'CS_1': 100.5}, {'CS_1': 'Expected a whole number.'}),
    (SPECS['word_association'], {'WA_s1_a1': ['x']}, {'WA_s1_a1': 'Expected text.'}),
    (SPECS['consent'], {}, {'CONSENT': REQUIRED}),
    (SPECS['numeric'], [42], {'AGE': 'Expected a JSON object'}),
    (SPECS['multiple_choice'], 'Q5=1', {'Q5': 'Expected a JSON object'}),
]


@pytest.mark.parametrize('question, payload, errors', REJECTED)
def test_invalid_json_answers_are_rejected_per_variable(question, payload, errors):
    answers, found = from_json(question, payload)
    assert set(found) == set(errors), found
    for name, message in errors.items():
        assert any(message in error for error in found[name]), found
    assert set(answers) == set(get_type(question['type']).variable_names(question))


@pytest.mark.parametrize('question, payload, answers', [
    (SPECS['multiple_choice'], {'Q5_2': 1, 'Q5_3': True, 'OTHER_QUESTION': 5},
     {'Q5_1': 0, 'Q5_2': 1, 'Q5_3': 1, 'Q5_4': 0, 'Q5_99': 0, 'Q5_other': None}),
    (SPECS['multiple_choice'], {}, dict.fromkeys(['Q5_1', 'Q5_2', 'Q5_3', 'Q5_4', 'Q5_99',
                                                  'Q5_other'])),
    (SPECS['constant_sum'], {'CS_2': 100}, {'CS_1': 0, 'CS_2': 100, 'CS_3': 0}),
    (SPECS['numeric'], {'AGE': 30.0}, {'AGE': 30}),
    (SPECS['short_text'], {'NAME': '  Ann  '}, {'NAME': 'Ann'}),
    (spec('numeric', settings={'integer': False}), {'AGE': 0.1}, {'AGE': 0.1}),
    (spec('grid', settings={'multiple': True, 'required': False}), {'G_r2_c3': 1},
     {f'G_r{r}_c{c}': int((r, c) == (2, 3)) for r in (1, 2, 3) for c in (1, 2, 3)}),
])
def test_json_answers_are_normalised(question, payload, answers):
    assert from_json(question, payload) == (answers, {})


def test_json_constraint_and_required_if_use_the_context():
    question = spec('numeric', settings={'required': False, 'required_if': '${Q1} = 1',
                                         'constraint': '. < ${LIMIT}'})
    assert from_json(question, {}, context={'Q1': 1, 'LIMIT': 5})[1] == {'AGE': [REQUIRED]}
    assert from_json(question, {'AGE': 7}, context={'Q1': 2, 'LIMIT': 5})[1] == {
        'AGE': ['This answer is not valid.']}
    assert from_json(question, {'AGE': 3}, context={'Q1': 2, 'LIMIT': 5}) == ({'AGE': 3}, {})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20)
    | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)


@st.composite
def payloads(draw, question):
    kind = get_type(question['type'])
    names = kind.variable_names(question) + kind.field_names(question) + ['junk']
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    return draw(st.dictionaries(st.sampled_from(names), json_values, max_size=len(names)))


@pytest.mark.parametrize('name', sorted(SPECS))
@FAST
@given(data=st.data())
def test_junk_payloads_never_raise(name, data):
    question = SPECS[name]
    kind = get_type(name)
    payload = data.draw(payloads(question))
    answers, errors = kind.answers_from_json(question, payload, 'en', context={'Q1': 1})
    assert set(answers) == set(kind.variable_names(question))
    assert all(isinstance(key, str) and messages and all(isinstance(m, str) for m in messages)
               for key, messages in errors.items())
    json.dumps(answers, allow_nan=False)
    if not errors:
        assert kind.answers_from_json(question, answers, 'en', context={'Q1': 1}) == (answers, {})
