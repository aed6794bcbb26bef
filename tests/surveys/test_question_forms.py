"""Respondent forms built per request from the registry: fields, validation, stored answers.

Every case posts form data to a page form made with ``type('PageForm', (FlaskForm,), fields)``
(see ``submit`` in ``test_question_specs.py``) and checks field errors, group errors and answers.
"""

import pytest

from surveys.questions import get_type
from tests.surveys.test_question_specs import SPECS, spec, submit

REQUIRED = 'Please answer this question.'
DECIMAL = spec('numeric', settings={'integer': False, 'decimals': 2, 'min': None, 'max': None,
                                    'required': False})
DROPDOWN = spec('single_choice', settings={'display': 'dropdown'})
REQUIRED_DROPDOWN = spec('single_choice', settings={'display': 'dropdown', 'required': True})
MC_MIN = spec('multiple_choice', settings={'min_selections': 2, 'max_selections': None,
                                           'required': True})
GRID_MULTI = spec('grid', settings={'multiple': True},
                  options=SPECS['grid']['options'] + [{'code': 9, 'label': {'en': 'None'},
                                                       'settings': {'exclusive': True}}])
RANK_REQUIRED = spec('ranking', settings={'required': True})
RANK_TOP = spec('ranking', settings={'required': True, 'rank_top': 2})
SD_REQUIRED = spec('semantic_differential', settings={'required': True})
NPS_REQUIRED = spec('nps', settings={'required': True})
SUM_REQUIRED = spec('constant_sum', settings={'required': True})

# (question, posted data, field errors {name: text}, group error texts, answers or None)
CASES = [
    # free texts
    (SPECS['short_text'], {'NAME': '  Ann '}, {}, [], {'NAME': 'Ann'}),
    (SPECS['short_text'], {}, {}, [], {'NAME': None}),
    (SPECS['short_text'], {'NAME': 'x' * 21}, {'NAME': 'at most 20 characters'}, [], None),
    (SPECS['short_text'], {'NAME': 'A\x00nn'}, {'NAME': 'control characters'}, [], None),
    (SPECS['long_text'], {'WHY': 'Because.\nReally.'}, {}, [], {'WHY': 'Because.\nReally.'}),
    (SPECS['long_text'], {'WHY': '   '}, {'WHY': REQUIRED}, [], None),
    (SPECS['own_words'], {'OWN': 'Fresh'}, {}, [], {'OWN': 'Fresh'}),
    (SPECS['sentence_completion'], {'SC': 'wake up'}, {}, [], {'SC': 'wake up'}),
    (SPECS['story_completion'], {'STORY': 'She left.'}, {}, [], {'STORY': 'She left.'}),
    (SPECS['email'], {'MAIL': 'ann@example.com'}, {}, [], {'MAIL': 'ann@example.com'}),
    (SPECS['email'], {'MAIL': 'ann@'}, {'MAIL': 'valid e-mail'}, [], None),
    (SPECS['email'], {'MAIL': ''}, {}, [], {'MAIL': None}),
    # numbers and dates
    (SPECS['numeric'], {'AGE': '42'}, {}, [], {'AGE': 42}),
    (SPECS['numeric'], {'AGE': '0'}, {}, [], {'AGE': 0}),
    (spec('numeric', settings={'max': None}), {'AGE': '12\u00a0500'}, {}, [], {'AGE': 12500}),
    (SPECS['numeric'], {'AGE': ''}, {'AGE': REQUIRED}, [], None),
    (SPECS['numeric'], {'AGE': '121'}, {'AGE': 'Enter a number from 0 to 120.'}, [], None),
    (SPECS['numeric'], {'AGE': 'forty'}, {'AGE': 'Not a valid integer value'}, [], None),
    (DECIMAL, {'AGE': '1,5'}, {}, [], {'AGE': 1.5}),
    (DECIMAL, {'AGE': '2.00'}, {}, [], {'AGE': 2}),
    (DECIMAL, {'AGE': '1 234,5'}, {}, [], {'AGE': 1234.5}),
    (DECIMAL, {'AGE': '1.234'}, {'AGE': 'at most 2 decimal places'}, [], None),
    (DECIMAL, {'AGE': 'NaN'}, {'AGE': 'Expected a number'}, [], None),
    (DECIMAL, {'AGE': ''}, {}, [], {'AGE': None}),
    (SPECS['date'], {'VISIT': '2024-02-29'}, {}, [], {'VISIT': '2024-02-29'}),
    (SPECS['date'], {'VISIT': '1999-12-31'}, {'VISIT': 'from 2000-01-01 to 2030-12-31'}, [],
     None),
    (SPECS['date'], {'VISIT': '2023-02-29'}, {'VISIT': 'Not a valid date value'}, [], None),
    (SPECS['date'], {'VISIT': ''}, {}, [], {'VISIT': None}),
    # word association (required: one association per stimulus at least)
    (SPECS['word_association'], {'WA_s1_a1': 'morning', 'WA_s1_a2': 'bitter', 'WA_s2_a1': 'cup'},
     {}, [], {'WA_s1_a1': 'morning', 'WA_s1_a2': 'bitter', 'WA_s2_a1': 'cup', 'WA_s2_a2': None}),
    (SPECS['word_association'], {'WA_s1_a1': 'morning'}, {},
     ['Please write at least one association for: tea.'], None),
    # single choice with "other"
    (SPECS['single_choice'], {'Q1': '2'}, {}, [], {'Q1': 2, 'Q1_other': None}),
    (SPECS['single_choice'], {}, {}, [], {'Q1': None, 'Q1_other': None}),
    (SPECS['single_choice'], {'Q1': '9'}, {'Q1': 'Not a valid choice'}, [], None),
    (SPECS['single_choice'], {'Q1': 'x'}, {'Q1': 'Invalid Choice: could not coerce'}, [], None),
    (SPECS['single_choice'], {'Q1': '4', 'Q1_other': 'Delta'}, {}, [],
     {'Q1': 4, 'Q1_other': 'Delta'}),
    (SPECS['single_choice'], {'Q1': '4'}, {}, ['Please say what you mean by "Other".'], None),
    (SPECS['single_choice'], {'Q1': '1', 'Q1_other': 'Delta'}, {},
     ['You wrote a text for "Other" but did not choose it.'], None),
    (DROPDOWN, {'Q1': ''}, {}, [], {'Q1': None, 'Q1_other': None}),
    (DROPDOWN, {'Q1': '3'}, {}, [], {'Q1': 3, 'Q1_other': None}),
    (REQUIRED_DROPDOWN, {'Q1': ''}, {'Q1': REQUIRED}, [], None),
    # multiple choice: exclusive option, max 2, other text
    (SPECS['multiple_choice'], [('Q5', '1'), ('Q5', '3')], {}, [],
     {'Q5_1': 1, 'Q5_2': 0, 'Q5_3': 1, 'Q5_4': 0, 'Q5_99': 0, 'Q5_other': None}),
    (SPECS['multiple_choice'], [], {}, [],
     {'Q5_1': 0, 'Q5_2': 0, 'Q5_3': 0, 'Q5_4': 0, 'Q5_99': 0, 'Q5_other': None}),
    (SPECS['multiple_choice'], [('Q5', '99')], {}, [],
     {'Q5_1': 0, 'Q5_2': 0, 'Q5_3': 0, 'Q5_4': 0, 'Q5_99': 1, 'Q5_other': None}),
    (SPECS['multiple_choice'], [('Q5', '1'), ('Q5', '99')], {},
     ['"None of these" cannot be combined with other answers.'], None),
    (SPECS['multiple_choice'], [('Q5', '1'), ('Q5', '2'), ('Q5', '3')], {},
     ['Please choose fewer answers (at most 2).'], None),
    (SPECS['multiple_choice'], [('Q5', '4')], {}, ['Please say what you mean by "Other".'], None),
    (SPECS['multiple_choice'], [('Q5', '4'), ('Q5_other', 'Zeta')], {}, [],
     {'Q5_1': 0, 'Q5_2': 0, 'Q5_3': 0, 'Q5_4': 1, 'Q5_99': 0, 'Q5_other': 'Zeta'}),
    (SPECS['multiple_choice'], [('Q5', '7')], {'Q5': "'7' is not a valid choice"}, [], None),
    (MC_MIN, [], {}, [REQUIRED], None),
    (MC_MIN, [('Q5', '1')], {}, ['Please choose more answers (at least 2).'], None),
    (MC_MIN, [('Q5', '99')], {}, [], {'Q5_1': 0, 'Q5_2': 0, 'Q5_3': 0, 'Q5_4': 0, 'Q5_99': 1,
                                      'Q5_other': None}),
    # scales
    (SPECS['dichotomous'], {'OWNCAR': '2'}, {}, [], {'OWNCAR': 2}),
    (SPECS['dichotomous'], {'OWNCAR': '3'}, {'OWNCAR': 'Not a valid choice'}, [], None),
    (SPECS['likert'], {'L1': '5'}, {}, [], {'L1': 5}),
    (SPECS['likert'], {'L1': '6'}, {'L1': 'Not a valid choice'}, [], None),
    (SPECS['importance'], {'IMP': '1'}, {}, [], {'IMP': 1}),
    (SPECS['rating'], {'RATE': '10'}, {}, [], {'RATE': 10}),
    (SPECS['rating'], {'RATE': '0'}, {'RATE': 'Not a valid choice'}, [], None),
    (NPS_REQUIRED, {'NPS': '0'}, {}, [], {'NPS': 0}),
    (NPS_REQUIRED, {}, {'NPS': REQUIRED}, [], None),
    (SPECS['nps'], {'NPS': '11'}, {'NPS': 'Not a valid choice'}, [], None),
    (SPECS['semantic_differential'], {'SD_1': '1', 'SD_2': '5'}, {}, [], {'SD_1': 1, 'SD_2': 5}),
    (SPECS['semantic_differential'], {'SD_1': '6'}, {'SD_1': 'Not a valid choice'}, [], None),
    (SD_REQUIRED, {'SD_1': '2'}, {},
     ['Please answer every row; not answered: old – modern.'], None),
    # grids
    (SPECS['grid'], {'G_r1': '1', 'G_r2': '3', 'G_r3': '2'}, {}, [],
     {'G_r1': 1, 'G_r2': 3, 'G_r3': 2}),
    (SPECS['grid'], {'G_r1': '1'}, {},
     ['Please answer every row; not answered: quality, service.'], None),
    (SPECS['grid'], {'G_r1': '4', 'G_r2': '1', 'G_r3': '1'}, {'G_r1': 'Not a valid choice'}, [],
     None),
    (GRID_MULTI, [('G_r1', '1'), ('G_r1', '3'), ('G_r2', '9'), ('G_r3', '2')], {}, [],
     {'G_r1_c1': 1, 'G_r1_c2': 0, 'G_r1_c3': 1, 'G_r1_c9': 0, 'G_r2_c1': 0, 'G_r2_c2': 0,
      'G_r2_c3': 0, 'G_r2_c9': 1, 'G_r3_c1': 0, 'G_r3_c2': 1, 'G_r3_c3': 0, 'G_r3_c9': 0}),
    (GRID_MULTI, [('G_r1', '1'), ('G_r1', '9'), ('G_r2', '2')], {},
     ['Please answer every row; not answered: service.',
      'Row "price": "None" cannot be combined with other answers.'], None),
    # ranking
    (SPECS['ranking'], {'RK_1': '2', 'RK_2': '1', 'RK_3': '4', 'RK_4': '3'}, {}, [],
     {'RK_1': 2, 'RK_2': 1, 'RK_3': 4, 'RK_4': 3}),
    (SPECS['ranking'], {'RK_1': '1', 'RK_2': '', 'RK_3': '2', 'RK_4': ''}, {}, [],
     {'RK_1': 1, 'RK_2': None, 'RK_3': 2, 'RK_4': None}),
    (SPECS['ranking'], {'RK_1': '1', 'RK_2': '1', 'RK_3': '2', 'RK_4': '2'}, {},
     ['Each rank can be given only once; repeated: 1, 2.'], None),
    (SPECS['ranking'], {'RK_1': '1', 'RK_3': '3'}, {},
     ['Use the ranks from 1 upwards without gaps.'], None),
    (SPECS['ranking'], {'RK_1': '5'}, {'RK_1': 'Not a valid choice'}, [], None),
    (RANK_REQUIRED, {'RK_1': '1', 'RK_2': '2', 'RK_3': '3'}, {},
     ['Please give the ranks 1 to 4, each to one item.'], None),
    (RANK_REQUIRED, {}, {}, [REQUIRED], None),
    (RANK_TOP, {'RK_3': '1', 'RK_1': '2'}, {}, [], {'RK_1': 2, 'RK_2': None, 'RK_3': 1,
                                                     'RK_4': None}),
    (RANK_TOP, {'RK_3': '3'}, {'RK_3': 'Not a valid choice'}, [], None),
    # constant sum
    (SPECS['constant_sum'], {'CS_1': '50', 'CS_2': '30', 'CS_3': '20'}, {}, [],
     {'CS_1': 50, 'CS_2': 30, 'CS_3': 20}),
    (SPECS['constant_sum'], {'CS_1': '100', 'CS_2': '', 'CS_3': ''}, {}, [],
     {'CS_1': 100, 'CS_2': 0, 'CS_3': 0}),
    (SPECS['constant_sum'], {'CS_1': '50', 'CS_2': '30'}, {},
     ['The amounts add up to 80; they must add up to 100.'], None),
    (SPECS['constant_sum'], {}, {}, [], {'CS_1': None, 'CS_2': None, 'CS_3': None}),
    (SPECS['constant_sum'], {'CS_1': '-5', 'CS_2': '105'},
     {'CS_1': 'Enter a number from 0 to 100.', 'CS_2': 'Enter a number from 0 to 100.'}, [], None),
    (SUM_REQUIRED, {}, {}, [REQUIRED], None),
    # structure blocks
    (SPECS['instruction'], {}, {}, [], {}),
    (SPECS['section'], {}, {}, [], {}),
    (SPECS['consent'], {'CONSENT': '1'}, {}, [], {'CONSENT': 1}),
    (SPECS['consent'], {}, {'CONSENT': REQUIRED}, [], None),
]


def case_id(case):
    question, data = case[0], case[1]
    return f"{question['type']}-{question['variable']}-{sorted(dict(data).items())!r:.40}"


@pytest.mark.parametrize('question, data, field_errors, group_errors, answers', CASES,
                         ids=[case_id(case) for case in CASES])
def test_posted_page(question, data, field_errors, group_errors, answers):
    result = submit(question, data)
    assert result.valid == (not field_errors), result.field_errors
    assert set(result.field_errors) == set(field_errors)
    for name, message in field_errors.items():
        assert any(message in error for error in result.field_errors[name]), result.field_errors
    assert result.group_errors == group_errors
    if answers is not None:
        assert result.answers == answers
        kind = get_type(question['type'])
        assert set(result.answers) == set(kind.variable_names(question))


@pytest.mark.parametrize('question, markup', [
    (SPECS['single_choice'], ['type="radio"', 'name="Q1"', 'name="Q1_other"']),
    (DROPDOWN, ['<select', '— choose —']),
    (SPECS['multiple_choice'], ['type="checkbox"', 'value="99"']),
    (SPECS['ranking'], ['<select id="RK_1"', '<option value="4">4</option>']),
    (SPECS['constant_sum'], ['type="number"', 'max="100"', 'min="0"']),
    (SPECS['numeric'], ['type="number"', 'required']),
    (SPECS['date'], ['type="date"', 'min="2000-01-01"']),
    (SPECS['email'], ['type="email"']),
    (SPECS['long_text'], ['<textarea']),
    (SPECS['nps'], ['value="0"', '0 – Not at all likely', '10 – Extremely likely']),
    (SPECS['semantic_differential'], ['1 – cheap', '5 – expensive', 'type="radio"']),
    (SPECS['grid'], ['name="G_r1"', 'name="G_r3"', 'type="radio"']),
])
def test_fields_render_as_plain_html_controls(question, markup):
    html = submit(question).html
    for piece in markup:
        assert piece in html, html


def test_labels_and_hints_come_from_the_spec_in_the_respondents_language():
    question = spec('numeric', settings={'hint': {'en': 'In years', 'ru': 'В годах'}})
    kind = get_type('numeric')
    from tests.surveys.test_question_specs import APP
    with APP.test_request_context():
        (name, unbound), = kind.form_fields(question, 'ru')
        assert name == 'AGE'
        assert unbound.args[0] == 'Your age? (ru)' and unbound.kwargs['description'] == 'В годах'


def test_option_order_is_used_for_the_page_and_must_be_a_permutation():
    html = submit(SPECS['multiple_choice'], option_order=[3, 1, 2, 4, 99]).html
    assert html.index('value="3"') < html.index('value="1"') < html.index('value="2"')
    rows = submit(SPECS['grid'], row_order=[3, 2, 1]).html
    assert rows.index('name="G_r3"') < rows.index('name="G_r1"')
    with pytest.raises(ValueError, match='not a permutation'):
        submit(SPECS['multiple_choice'], option_order=[1, 2])


@pytest.mark.parametrize('context, data, field_errors, group_errors', [
    ({'Q1': 1}, {}, {'NAME': REQUIRED}, []),
    ({'Q1': 2}, {}, {}, []),
    (None, {}, {}, []),
    ({'Q1': 2, 'LIMIT': 3}, {'NAME': 'Anna'}, {}, ['At most 3 letters']),
    ({'Q1': 2, 'LIMIT': 5}, {'NAME': 'Anna'}, {}, []),
])
def test_required_if_and_constraint_use_the_answers_of_other_questions(
        context, data, field_errors, group_errors):
    question = spec('short_text', settings={
        'required_if': '${Q1} = 1', 'constraint': 'string-length(.) <= ${LIMIT}',
        'constraint_message': {'en': 'At most 3 letters', 'ru': 'Не больше 3 букв'}})
    if context and 'LIMIT' not in context:
        context = {**context, 'LIMIT': 10}
    result = submit(question, data, context=context)
    assert {name: errors[0] for name, errors in result.field_errors.items()} == field_errors
    assert result.group_errors == group_errors


def test_constraint_on_the_own_variables_of_a_multi_field_question():
    question = spec('constant_sum', settings={'constraint': '${CS_1} >= ${CS_2}'})
    result = submit(question, {'CS_1': '10', 'CS_2': '90'}, context={})
    assert result.group_errors == ['This answer is not valid.']
    assert submit(question, {'CS_1': '90', 'CS_2': '10'}, context={}).group_errors == []


def test_consent_declines_and_screens_out():
    kind = get_type('consent')
    assert kind.screens_out_when_declined
    assert kind.declined(SPECS['consent'], submit(SPECS['consent'], {'CONSENT': '2'}).answers)
    assert not kind.declined(SPECS['consent'], {'CONSENT': 1})
    assert kind.is_required(SPECS['consent'])


def test_several_questions_share_one_page_form():
    fields = []
    from tests.surveys.test_question_specs import APP
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict
    page = [SPECS['numeric'], SPECS['multiple_choice'], SPECS['grid']]
    with APP.test_request_context(method='POST'):
        for question in page:
            fields += get_type(question['type']).form_fields(question, 'en')
        page_form = type('PageForm', (FlaskForm,), dict(fields))
        form = page_form(formdata=MultiDict([('AGE', '30'), ('Q5', '2'), ('G_r1', '1'),
                                             ('G_r2', '2'), ('G_r3', '3')]))
        assert form.validate(), form.errors
        answers = {}
        for question in page:
            kind = get_type(question['type'])
            assert kind.validate_group(question, form, 'en') == []
            answers.update(kind.answers_from_form(question, form))
    assert answers['AGE'] == 30 and answers['Q5_2'] == 1 and answers['G_r3'] == 3


def test_constraint_is_not_applied_to_an_unanswered_question():
    question = spec('multiple_choice', settings={'constraint': 'count-selected(.) >= 2'})
    assert submit(question, [], context={}).group_errors == []
    assert submit(question, [('Q5', '1')], context={}).group_errors == [
        'This answer is not valid.']
    assert submit(question, [('Q5', '1'), ('Q5', '2')], context={}).group_errors == []
