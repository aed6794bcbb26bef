"""The question-type registry: builder checks, analysis variables, expression types, registry.

Forms are tested in ``test_question_forms.py``, JSON answers in ``test_question_json.py`` and
option order in ``test_question_ordering.py``; the good specs live in ``test_question_specs.py``.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.expressions import check
from surveys.questions import (CATEGORIES, RESERVED, QuestionType, UnknownQuestionType, Variable,
                               all_types, check_questionnaire, check_spec, get_type, register,
                               types_by_category)
from surveys.questions import labels
from tests.surveys.test_question_specs import KNOWN, SPECS, options, spec, text

FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def problems_of(question, language='en', known=KNOWN):
    return check_spec(question, language=language, known=known)


# --- builder checks: one row per rule ------------------------------------------------------------

BAD_SPECS = [
    # variable names
    ('short_text', {'variable': '1Q'}, 'variable', 'is not valid'),
    ('short_text', {'variable': 'Q 1'}, 'variable', 'is not valid'),
    ('short_text', {'variable': 'Q' * 33}, 'variable', 'at most 32 characters'),
    ('short_text', {'variable': 'Анкета'}, 'variable', 'Latin letter'),
    ('short_text', {'variable': ''}, 'variable', 'Give the question a variable name'),
    ('short_text', {'variable': 'AND'}, 'variable', 'reserved word'),
    ('short_text', {'variable': 'With'}, 'variable', 'reserved word'),
    ('short_text', {'variable': 'status'}, 'variable', 'reserved word'),
    ('short_text', {'variable': 'response_id'}, 'variable', 'reserved word'),
    ('instruction', {'variable': 'channel'}, 'variable', 'reserved word'),
    # texts and settings shared by every type
    ('short_text', {'text': {'ru': 'Только по-русски'}}, 'text',
     'The question text is missing in the main language (en)'),
    ('short_text', {'text': 'plain'}, 'text', 'must map language codes to texts'),
    ('short_text', {'settings': {'colour': 'red'}}, 'settings.colour', 'Unknown setting "colour"'),
    ('short_text', {'settings': {'required': 'yes'}}, 'settings.required', 'must be true or false'),
    ('short_text', {'settings': {'hint': 'plain'}}, 'settings.hint',
     'The hint must map language codes to texts.'),
    ('short_text', {'settings': []}, 'settings', 'The settings must be an object'),
    ('short_text', {'options': options('A')}, 'options', 'has no answer options'),
    ('short_text', {'rows': options('A')}, 'rows', 'has no rows'),
    ('short_text', {'settings': {'relevant': '${Q99} = 1'}}, 'settings.relevant',
     'Display condition: Unknown variable ${Q99}'),
    ('short_text', {'settings': {'relevant': '${AGE} >'}}, 'settings.relevant',
     'Display condition:'),
    ('short_text', {'settings': {'required_if': '${age} > 1'}}, 'settings.required_if',
     'Did you mean ${AGE}?'),
    ('short_text', {'settings': {'relevant': 5}}, 'settings.relevant', 'must be an expression'),
    ('multiple_choice', {'settings': {'constraint': '. = 2'}}, 'settings.constraint',
     'Validation constraint: the current value (.) is a multiple-choice answer'),
    ('short_text', {'settings': {'relevant': '. = 1'}}, 'settings.relevant',
     'can only be used in a validation constraint'),
    # option lists
    ('single_choice', {'options': options('A', 'B') + [{'code': 3, 'label': {'ru': 'В'}}]},
     'options[2].label', 'Option 3: no label in the main language (en)'),
    ('single_choice', {'options': options('A', 'B') + options('C', first=2)}, 'options[2].code',
     'Option 3: the code 2 is already used'),
    ('single_choice', {'options': options('A', first=0) + options('B')}, 'options[0].code',
     'codes are whole numbers from 1 to 999999999'),
    ('single_choice', {'options': options('A', first=-3) + options('B')}, 'options[0].code',
     'the code -3 is not valid'),
    ('single_choice', {'options': [{'code': 1.5, 'label': text('A')}] + options('B', first=2)},
     'options[0].code', 'the code 1.5 is not valid'),
    ('single_choice', {'options': [{'code': True, 'label': text('A')}] + options('B', first=2)},
     'options[0].code', 'the code True is not valid'),
    ('single_choice', {'options': [{'code': '1', 'label': text('A')}] + options('B', first=2)},
     'options[0].code', "the code '1' is not valid"),
    ('single_choice', {'options': options('A')}, 'options',
     'Too few answer options: there are 1, the minimum is 2.'),
    ('single_choice', {'options': options('A', 'B', c1={'other': True}, c2={'other': True})},
     'options', 'Only one option'),
    ('single_choice', {'options': options('A', 'B', c1={'exclusive': True})},
     'options[0].settings.exclusive', 'Option 1: unknown setting "exclusive"'),
    ('single_choice', {'options': options('A', 'B', c1={'anchored': 'yes'})},
     'options[0].settings.anchored', 'Option 1: the setting "anchored" must be true or false'),
    ('single_choice', {'options': 'A, B'}, 'options', 'The answer options must be a list'),
    ('single_choice', {'options': ['A', 'B']}, 'options[0]', 'Option 1 is not an object'),
    ('single_choice', {'settings': {'display': 'list'}}, 'settings.display',
     'must be one of: radio, dropdown'),
    ('single_choice', {'settings': {'randomize': 'random'}}, 'settings.randomize',
     'must be one of: none, shuffle, rotate, reverse'),
    # multiple choice
    ('multiple_choice', {'settings': {'min_selections': 2, 'max_selections': 1}},
     'settings.min_selections', 'is greater than "max_selections"'),
    ('multiple_choice', {'settings': {'min_selections': 5}}, 'settings.min_selections',
     'only 4 options can be chosen together'),
    ('multiple_choice', {'settings': {'max_selections': 0}}, 'settings.max_selections',
     'must be a whole number from 1'),
    ('multiple_choice', {'options': []}, 'options', 'Too few answer options: there are 0, the minimum is 1.'),
    # open types
    ('short_text', {'settings': {'max_length': 0}}, 'settings.max_length', 'from 1 to 10000'),
    ('long_text', {'settings': {'max_length': 20_000}}, 'settings.max_length', 'from 1 to 10000'),
    ('numeric', {'settings': {'min': 10, 'max': 5}}, 'settings.min',
     '"min" (10) is greater than "max" (5)'),
    ('numeric', {'settings': {'min': 0.5}}, 'settings.min', 'must be a whole number'),
    ('numeric', {'settings': {'min': 'low'}}, 'settings.min', 'must be a number or empty'),
    ('numeric', {'settings': {'integer': False, 'decimals': 9}}, 'settings.decimals',
     'from 0 to 6'),
    ('date', {'settings': {'min': '2024-13-01'}}, 'settings.min', "'YYYY-MM-DD'"),
    ('date', {'settings': {'min': '2031-01-01'}}, 'settings.min', 'is greater than "max"'),
    ('sentence_completion', {'settings': {'stem': {'en': 'I like', 'ru': 'Мне ___'}}},
     'settings.stem', 'exactly one "___" (it has 0)'),
    ('sentence_completion', {'settings': {'stem': {'en': '___ and ___'}}}, 'settings.stem',
     '(it has 2)'),
    ('sentence_completion', {'settings': {'stem': {}}}, 'settings.stem',
     'The sentence to complete is missing'),
    ('story_completion', {'settings': {'story': {}}}, 'settings.story',
     'The beginning of the story is missing'),
    ('word_association', {'settings': {'associations': 11}}, 'settings.associations',
     'from 1 to 10'),
    ('word_association', {'rows': []}, 'rows', 'Too few rows: there are 0, the minimum is 1.'),
    # scales
    ('likert', {'settings': {'points': 4}}, 'settings.points', 'must be one of: 5, 7'),
    ('likert', {'options': options('A', 'B', 'C')}, 'options',
     'Too few answer options: there are 3, the minimum is 5.'),
    ('likert', {'settings': {'points': 7}, 'options': options(*'ABCDE')}, 'options',
     'Too few answer options: there are 5, the minimum is 7.'),
    ('importance', {'options': options(*'ABCDEF')}, 'options',
     'Too many answer options: there are 6, the maximum is 5.'),
    ('dichotomous', {'options': options('Yes', 'No', 'Maybe')}, 'options',
     'Too many answer options: there are 3, the maximum is 2.'),
    ('rating', {'settings': {'points': 2}}, 'settings.points', 'from 3 to 11'),
    ('rating', {'settings': {'points': 12}}, 'settings.points', 'from 3 to 11'),
    ('semantic_differential', {'settings': {'points': 6}}, 'settings.points',
     'must be one of: 5, 7'),
    ('semantic_differential', {'rows': [{'code': 1, 'settings': {'label_left': text('cheap')}}]},
     'rows[0].settings.label_right', 'Pair 1: the right end is missing in the main language (en)'),
    ('semantic_differential', {'rows': []}, 'rows', 'Too few rows: there are 0, the minimum is 1.'),
    ('nps', {'settings': {'subject': {'ru': 'Анкету'}}}, 'settings.subject',
     'set the subject (what is recommended) in the main language (en)'),
    # grids, ranking, constant sum
    ('grid', {'rows': []}, 'rows', 'A grid needs at least one row'),
    ('grid', {'options': options('Only')}, 'options',
     'Too few answer options: there are 1, the minimum is 2.'),
    ('grid', {'rows': options('price') + [{'code': 2, 'label': {}}]}, 'rows[1].label',
     'Row 2: no label in the main language (en)'),
    ('grid', {'settings': {'measure': 'scale'}}, 'settings.measure', 'nominal, ordinal'),
    ('ranking', {'settings': {'rank_top': 5}}, 'settings.rank_top', 'from 1 to 4'),
    ('ranking', {'rows': options('A')}, 'rows', 'Too few rows: there are 1, the minimum is 2.'),
    ('constant_sum', {'settings': {'max_per_item': 30}}, 'settings.max_per_item',
     'The total 100 cannot be reached: 3 items × at most 30 each is only 90'),
    ('constant_sum', {'settings': {'total': 0}}, 'settings.total', 'from 1 to 1000000'),
    # structure blocks
    ('instruction', {'text': {}}, 'text', 'The question text is missing'),
    ('instruction', {'settings': {'required': True}}, 'settings.required',
     'Unknown setting "required"'),
    ('section', {'options': options('A')}, 'options', 'has no answer options'),
    ('consent', {'settings': {'required': False}}, 'settings.required', 'Unknown setting'),
    ('consent', {'options': options('Yes', 'No', 'Later')}, 'options',
     'Too many answer options: there are 3, the maximum is 2.'),
]


@pytest.mark.parametrize('name, changes, field, message', BAD_SPECS)
def test_bad_spec_is_reported_precisely(name, changes, field, message):
    found = problems_of(spec(name, **changes))
    assert any(problem.field == field and message in problem.message for problem in found), found


@pytest.mark.parametrize('variable', ['Q1', 'q1', 'Brand_aware', 'A' * 32, 'x_1_2'])
def test_valid_variable_names(variable):
    assert problems_of(spec('short_text', variable=variable)) == []


def test_reserved_set_has_spss_words_and_system_variables():
    assert {'all', 'and', 'by', 'eq', 'ge', 'gt', 'le', 'lt', 'ne', 'not', 'or', 'to',
            'with'} <= RESERVED
    assert {'response_id', 'status', 'channel', 'variant'} <= RESERVED


def test_expressions_are_checked_for_syntax_only_without_known_variables():
    question = spec('short_text', settings={'relevant': '${ANY} = 1', 'constraint': '. !='})
    found = check_spec(question, language='en', known=None)
    assert [problem.field for problem in found] == ['settings.constraint']


def test_constraint_may_use_the_questions_own_variables():
    question = spec('constant_sum', settings={'constraint': '${CS_1} >= ${CS_2}'})
    assert problems_of(question) == []
    assert problems_of(spec('constant_sum', settings={'relevant': '${CS_1} > 1'}))


def test_nps_needs_a_wording_in_languages_without_a_template():
    assert problems_of(spec('nps'), language='kk')[0].code == 'text_missing'
    assert problems_of(spec('nps', text={'kk': 'Сіз ұсынасыз ба?'}), language='kk') == []


def test_unknown_type_is_a_problem_and_a_key_error():
    assert check_spec({'type': 'slider', 'variable': 'Q1'})[0].code == 'type_unknown'
    with pytest.raises(KeyError) as caught:
        get_type('slider')
    assert isinstance(caught.value, UnknownQuestionType)
    assert "unknown question type 'slider'" in str(caught.value)
    assert 'single_choice' in str(caught.value)


@FAST
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(['code', 'label', 'settings', 'en', 'min',
                                                       'max', 'points', 'other', 'rows']),
                                      inner, max_size=3), max_leaves=12),
       st.sampled_from(sorted(SPECS)), st.sampled_from(['variable', 'text', 'settings',
                                                        'options', 'rows']))
def test_check_spec_never_raises_on_junk(junk, name, key):
    question = spec(name, **{key: junk})
    found = check_spec(question, language='en', known=KNOWN)
    assert all(problem.message for problem in found)
    check_spec(junk, language='en')


# --- the registry --------------------------------------------------------------------------------

def test_registering_a_name_twice_is_refused():
    class Again(QuestionType):
        name = 'short_text'
    with pytest.raises(ValueError, match="registered twice"):
        register(Again)


@pytest.mark.parametrize('attributes, error', [
    ({'name': ''}, ValueError), ({'name': 'x_new', 'category': 'misc'}, ValueError)])
def test_registering_a_malformed_type_is_refused(attributes, error):
    with pytest.raises(error):
        register(type('Bad', (QuestionType,), attributes))
    with pytest.raises(TypeError):
        register(object)


def test_menu_is_grouped_by_category_in_a_stable_order():
    kinds = all_types()
    assert [kind.category for kind in kinds] == sorted(
        (kind.category for kind in kinds), key=CATEGORIES.index)
    assert [kind.name for kind in kinds] == [kind.name for kind in all_types()]
    groups = types_by_category()
    assert [category for category, _heading, _kinds in groups] == list(CATEGORIES)
    assert sum(len(group) for _c, _h, group in groups) == len(kinds) == 24
    assert all(str(kind.label) for kind in kinds)


def test_questionnaire_check_finds_clashing_and_forward_references():
    later = spec('short_text', settings={'relevant': '${AGE} > 1'})
    found = check_questionnaire([later, SPECS['numeric']], language='en')
    assert [(index, problem.code) for index, problem in found] == [(0, 'expression')]
    clash = spec('short_text', variable='Q5_1')
    found = check_questionnaire([SPECS['multiple_choice'], clash], language='en')
    assert [(index, problem.code) for index, problem in found] == [(1, 'variable_duplicate')]
    twice = check_questionnaire([SPECS['instruction'], SPECS['instruction']], language='en')
    assert [problem.code for _index, problem in twice] == ['variable_duplicate']


# --- analysis variables --------------------------------------------------------------------------

LIKERT_EN = {1: 'Strongly disagree', 2: 'Disagree', 3: 'Neither agree nor disagree', 4: 'Agree',
             5: 'Strongly agree'}
ABC = {1: 'Low', 2: 'Medium', 3: 'High'}


def mr(label):
    return {0: 'Not selected', 1: label}


# name -> [(variable, kind, measure, value labels, role, mr_set)]
EXPECTED_VARIABLES = {
    'short_text': [('NAME', 'string', 'nominal', {}, 'answer', None)],
    'long_text': [('WHY', 'string', 'nominal', {}, 'answer', None)],
    'own_words': [('OWN', 'string', 'nominal', {}, 'answer', None)],
    'sentence_completion': [('SC', 'string', 'nominal', {}, 'answer', None)],
    'story_completion': [('STORY', 'string', 'nominal', {}, 'answer', None)],
    'email': [('MAIL', 'string', 'nominal', {}, 'answer', None)],
    'numeric': [('AGE', 'numeric', 'scale', {}, 'answer', None)],
    'date': [('VISIT', 'date', 'scale', {}, 'answer', None)],
    'word_association': [(f'WA_s{s}_a{a}', 'string', 'nominal', {}, 'association', None)
                         for s in (1, 2) for a in (1, 2)],
    'single_choice': [('Q1', 'numeric', 'nominal', {1: 'Alpha', 2: 'Beta', 3: 'Gamma', 4: 'Other'},
                       'answer', None),
                      ('Q1_other', 'string', 'nominal', {}, 'other_text', None)],
    'multiple_choice': [(f'Q5_{code}', 'numeric', 'nominal', mr(label), 'mr_item', 'Q5')
                        for code, label in ((1, 'Alpha'), (2, 'Beta'), (3, 'Gamma'), (4, 'Other'),
                                            (99, 'None of these'))]
    + [('Q5_other', 'string', 'nominal', {}, 'other_text', None)],
    'dichotomous': [('OWNCAR', 'numeric', 'nominal', {1: 'Yes', 2: 'No'}, 'answer', None)],
    'likert': [('L1', 'numeric', 'ordinal', LIKERT_EN, 'answer', None)],
    'importance': [('IMP', 'numeric', 'ordinal',
                    {1: 'Not at all important', 2: 'Slightly important', 3: 'Moderately important',
                     4: 'Very important', 5: 'Extremely important'}, 'answer', None)],
    'rating': [('RATE', 'numeric', 'ordinal', {1: 'Poor', 10: 'Excellent'}, 'answer', None)],
    'nps': [('NPS', 'numeric', 'ordinal', {0: 'Not at all likely', 10: 'Extremely likely'},
             'answer', None)],
    'semantic_differential': [('SD_1', 'numeric', 'ordinal', {1: 'cheap', 5: 'expensive'}, 'pair',
                               None),
                              ('SD_2', 'numeric', 'ordinal', {1: 'old', 5: 'modern'}, 'pair',
                               None)],
    'grid': [(f'G_r{row}', 'numeric', 'ordinal', ABC, 'grid_row', None) for row in (1, 2, 3)],
    'ranking': [(f'RK_{item}', 'numeric', 'ordinal', {}, 'rank', None) for item in (1, 2, 3, 4)],
    'constant_sum': [(f'CS_{item}', 'numeric', 'scale', {}, 'amount', None) for item in (1, 2, 3)],
    'instruction': [],
    'section': [],
    'consent': [('CONSENT', 'numeric', 'nominal', {1: 'Yes, I agree', 2: 'No, I do not agree'},
                 'answer', None)],
    'randomizer': [('AB', 'numeric', 'nominal', {1: 'Low price', 2: 'High price'}, 'answer',
                    None)],
}


@pytest.mark.parametrize('name', sorted(SPECS))
def test_variables_have_documented_names_levels_and_value_labels(name):
    found = get_type(name).variables(SPECS[name], 'en')
    assert [(v.name, v.kind, v.measure, v.value_labels, v.role, v.mr_set) for v in found] == \
        EXPECTED_VARIABLES[name]
    assert all(v.question == SPECS[name]['variable'] and v.label for v in found)
    assert all(list(v.value_labels) == sorted(v.value_labels) for v in found)
    json.dumps([v.to_dict() for v in found])


@pytest.mark.parametrize('name, variable, language, label', [
    ('single_choice', 'Q1', 'ru', 'Favourite? (ru)'),
    ('multiple_choice', 'Q5_2', 'en', 'Which brands?: Beta'),
    ('multiple_choice', 'Q5_other', 'en', 'Which brands?: Other'),
    ('sentence_completion', 'SC', 'ru', 'Complete the sentence (ru): Когда я пью кофе, я ___'),
    ('word_association', 'WA_s2_a1', 'en', 'What comes to mind?: tea (1)'),
    ('semantic_differential', 'SD_2', 'en', 'The brand is ...: old – modern'),
    ('grid', 'G_r3', 'en', 'How satisfied are you with ...: service'),
    ('ranking', 'RK_4', 'en', 'Rank the brands: D'),
    ('nps', 'NPS', 'en',
     'How likely is it that you would recommend Anketa to a friend or colleague?'),
    ('nps', 'NPS', 'ru', 'Насколько вероятно, что вы порекомендуете Анкету другу или коллеге?'),
    ('short_text', 'NAME', 'de', 'Your first name?'),  # falls back to the first language
])
def test_variable_labels(name, variable, language, label):
    found = {v.name: v for v in get_type(name).variables(SPECS[name], language)}
    assert found[variable].label == label


def test_multiple_per_row_grid_yields_a_dichotomy_set_per_row():
    grid = spec('grid', settings={'multiple': True})
    found = get_type('grid').variables(grid, 'en')
    assert [v.name for v in found][:4] == ['G_r1_c1', 'G_r1_c2', 'G_r1_c3', 'G_r2_c1']
    assert (found[1].mr_set, found[1].value_labels, found[1].label) == (
        'G_r1', mr('Medium'), 'How satisfied are you with ...: price: Medium')


@pytest.mark.parametrize('name, options_spec, labels_en, labels_ru', [
    ('likert', {'points': 7}, labels.LIKERT_7, None),
    ('likert', {'points': 5}, labels.LIKERT_5, None),
    ('importance', {}, labels.IMPORTANCE_5, None),
    ('dichotomous', {}, labels.YES_NO, {1: 'Да', 2: 'Нет'}),
    ('consent', {}, labels.CONSENT, None),
])
def test_default_label_sets_exist_in_english_and_russian(name, options_spec, labels_en,
                                                         labels_ru):
    question = spec(name, settings=options_spec) if options_spec else spec(name)
    kind = get_type(name)
    assert all(option['label']['en'] and option['label']['ru'] for option in labels_en)
    english = kind.variables(question, 'en')[0].value_labels
    russian = kind.variables(question, 'ru')[0].value_labels
    assert list(english.values()) == [option['label']['en'] for option in labels_en]
    assert list(russian.values()) == [option['label']['ru'] for option in labels_en]
    if labels_ru:
        assert russian == labels_ru
    assert kind.check_spec(question, language='ru') == []


def test_likert_7_defaults_and_other_languages_fall_back_to_english():
    seven = get_type('likert').variables(spec('likert', settings={'points': 7}), 'de')[0]
    assert list(seven.value_labels) == list(range(1, 8))
    assert seven.value_labels[4] == 'Neither agree nor disagree'


# --- the expression-language view ---------------------------------------------------------------

EXPRESSION_TYPES = {
    'short_text': 'text', 'long_text': 'text', 'own_words': 'text', 'sentence_completion': 'text',
    'story_completion': 'text', 'email': 'text', 'numeric': 'number', 'date': 'date',
    'word_association': None, 'single_choice': 'select_one', 'multiple_choice': 'select_multiple',
    'dichotomous': 'select_one', 'likert': 'select_one', 'importance': 'select_one',
    'rating': 'number', 'nps': 'number', 'semantic_differential': None, 'grid': None,
    'ranking': None, 'constant_sum': None, 'instruction': None, 'section': None,
    'consent': 'boolean', 'randomizer': 'select_one',
}


@pytest.mark.parametrize('name', sorted(SPECS))
def test_expression_types(name):
    kind, question = get_type(name), SPECS[name]
    assert kind.expression_type(question) == EXPRESSION_TYPES[name]
    names = kind.expression_variables(question)
    assert set(kind.variable_names(question)) <= set(names)
    if EXPRESSION_TYPES[name]:
        assert names[question['variable']] == EXPRESSION_TYPES[name]
    for variable, value_type in names.items():
        assert check('${%s} = ${%s}' % (variable, variable) if value_type != 'select_multiple'
                     else "selected(${%s}, '1')" % variable, names) == []
    assert set(kind.expression_values(question, kind.empty_answers(question))) == set(names)


@pytest.mark.parametrize('name, answers, variable, value', [
    ('multiple_choice', {'Q5_1': 1, 'Q5_2': 0, 'Q5_3': 1, 'Q5_4': 0, 'Q5_99': 0}, 'Q5', [1, 3]),
    ('multiple_choice', {'Q5_1': 0, 'Q5_2': 0, 'Q5_3': 0, 'Q5_4': 0, 'Q5_99': 0}, 'Q5', []),
    ('multiple_choice', {}, 'Q5', None),
    ('consent', {'CONSENT': 1}, 'CONSENT', True),
    ('consent', {'CONSENT': 2}, 'CONSENT', False),
    ('consent', {}, 'CONSENT', None),
    ('single_choice', {'Q1': 2}, 'Q1', 2),
])
def test_expression_values(name, answers, variable, value):
    kind = get_type(name)
    assert kind.expression_values(SPECS[name], answers)[variable] == value


def test_expression_values_feed_the_expression_language():
    from surveys.expressions import parse
    kind = get_type('multiple_choice')
    values = kind.expression_values(SPECS['multiple_choice'], {'Q5_1': 1, 'Q5_3': 1})
    assert parse("selected(${Q5}, '3') and count-selected(${Q5}) = 2").evaluate_bool(values)
    visit = get_type('date').expression_values(SPECS['date'], {'VISIT': '2024-02-29'})
    assert parse("${VISIT} + 1 = '2024-03-01'").evaluate_bool(visit)
    grid = spec('grid', settings={'multiple': True})
    values = get_type('grid').expression_values(grid, {'G_r2_c3': 1, 'G_r2_c1': 0})
    assert values['G_r2'] == [3] and values['G_r1'] is None
    assert parse("selected(${G_r2}, 3)").evaluate_bool(values)


def test_variable_rejects_unknown_kinds_and_serialises_in_order():
    with pytest.raises(ValueError):
        Variable('Q1', 'x', 'float', 'scale')
    variable = Variable('Q1', 'x', 'numeric', 'nominal', {2: 'b', 1: 'a'}, 'Q1')
    assert variable.to_dict()['value_labels'] == [[2, 'b'], [1, 'a']]
    assert hash(variable) == hash(Variable('Q1', 'x', 'numeric', 'nominal', {}, 'Q1'))


@pytest.mark.parametrize('shares, ok', [
    ((None, None), True), ((30, 70), True), ((50, None), False), ((60, 60), False),
    ((0, 100), False), (('30', '70'), False), ((True, 99), False),
])
def test_randomizer_shares_are_all_or_none_and_add_up_to_100(shares, ok):
    randomizer = spec('randomizer')
    for option, share in zip(randomizer['options'], shares):
        option['settings'] = {} if share is None else {'share': share}
    problems = check_spec(randomizer, language='en')
    assert (not problems) == ok, problems
    if ok:
        expected = {1: 50.0, 2: 50.0} if shares[0] is None else {1: 30, 2: 70}
        assert get_type('randomizer').shares(randomizer) == expected


def test_randomizer_has_no_respondent_fields():
    kind = get_type('randomizer')
    assert kind.form_fields(spec('randomizer'), 'en') == [] and kind.field_names(spec('randomizer')) == []
