"""The questionnaire definition as JSON: lossless round trip, stable bytes, checked imports.

``every_type_definition()`` (a questionnaire with every registered type, a shared option list
and two languages) is also used by the XLSForm tests.
"""

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from surveys.definition import check_definition, new_definition
from surveys.interchange import (ImportFailed, Problem, export_json, import_json, schema,
                                 schema_problems)
from surveys.interchange.schema import SCHEMA_PATH
from surveys.interchange.schema_build import build_schema, render
from surveys.questions import all_types
from tests.surveys.test_question_specs import APP, SPECS, options, text


@pytest.fixture(autouse=True)
def app_context():
    with APP.app_context():
        yield


def every_type_definition() -> dict:
    """Every registered type once (the good specs), a shared option list, English and Russian."""
    definition = new_definition(text('Every question type'), ['en', 'ru'], 'en')
    definition['settings'] = {'welcome': text('Welcome!'), 'thank_you': text('Thank you!')}
    definition['option_lists'] = {'brands': options('Alpha', 'Beta', 'Gamma', 'Other',
                                                    c4={'other': True})}
    first = ['numeric', 'single_choice']  # later expressions refer to AGE and Q1
    questions = [copy.deepcopy(SPECS[name]) for name in first]
    questions += [copy.deepcopy(spec) for name, spec in SPECS.items() if name not in first]
    questions.append({'variable': 'BRAND', 'type': 'single_choice', 'text': text('Brand?'),
                      'settings': {'option_list': 'brands', 'relevant': "${Q1} = 2"}})
    questions.append({'variable': 'BRANDS', 'type': 'multiple_choice', 'text': text('Brands?'),
                      'settings': {'option_list': 'brands', 'randomize': 'rotate'},
                      'options': []})
    definition['questions'] = questions
    return definition


def problems_of(data) -> list:
    with pytest.raises(ImportFailed) as caught:
        import_json(data)
    return caught.value.problems


def test_every_type_definition_is_valid_and_complete():
    definition = every_type_definition()
    assert check_definition(definition) == []
    used = {spec['type'] for spec in definition['questions']}
    assert used == {kind.name for kind in all_types()}


def test_round_trip_is_lossless():
    definition = every_type_definition()
    data = export_json(definition)
    assert import_json(data) == definition
    assert export_json(import_json(data)) == data


def test_export_is_pretty_utf8_with_a_stable_key_order():
    definition = every_type_definition()
    data = export_json(definition)
    text_ = data.decode('utf-8')
    assert text_.endswith('}\n') and '\n  "format": "anketa.questionnaire",' in text_
    assert 'Когда я пью кофе' in text_  # not \u-escaped
    assert list(json.loads(data)) == ['format', 'format_version', 'title', 'languages',
                                      'default_language', 'settings', 'option_lists',
                                      'questions']
    question = json.loads(data)['questions'][1]
    assert list(question) == ['variable', 'type', 'text', 'options']
    shuffled = copy.deepcopy(definition)
    shuffled['questions'][0] = dict(reversed(list(shuffled['questions'][0].items())))
    shuffled['questions'][0]['settings'] = dict(
        reversed(list(shuffled['questions'][0]['settings'].items())))
    assert export_json(shuffled) == data


def test_language_maps_keep_their_order():
    definition = every_type_definition()
    definition['questions'][0]['text'] = {'ru': 'Возраст?', 'en': 'Age?'}
    back = import_json(export_json(definition))
    assert list(back['questions'][0]['text']) == ['ru', 'en']


def test_a_utf8_bom_is_accepted():
    definition = every_type_definition()
    assert import_json(b'\xef\xbb\xbf' + export_json(definition)) == definition


@pytest.mark.parametrize('data, message', [
    (b'{"format": "anketa.questionnaire", "title": "\xff\xfe"}', 'not UTF-8'),
    ('{"format": 1}'.encode('utf-16'), 'not UTF-8'),
    (b'{"format": "anketa.questionnaire",', 'not valid JSON'),
    (b'', 'not valid JSON'),
    (b'{"format_version": NaN}', 'NaN is not valid JSON'),
    (b'{"format": "a", "format": "b"}', 'the key "format" appears twice'),
    (b'[' * 100_000 + b']' * 100_000, 'not valid JSON'),
    (b'[1, 2]', 'a JSON object is expected'),
    (b'{"format": "xlsform"}', 'This is not an Anketa questionnaire file'),
])
def test_unreadable_files_are_refused(data, message):
    [problem] = problems_of(data)
    assert message in problem.message and problem.location in ('', '/format')


def test_a_file_over_10_mb_is_refused_before_parsing():
    [problem] = problems_of(b' ' * (10 * 1024 * 1024 + 1))
    assert 'too big' in problem.message


@pytest.mark.parametrize('version', [2, 0, '1', True, None])
def test_other_format_versions_are_refused(version):
    document = every_type_definition()
    document['format_version'] = version
    [problem] = problems_of(json.dumps(document).encode())
    assert problem.location == '/format_version'
    assert 'this Anketa reads version 1' in problem.message


def _broken(change) -> dict:
    document = every_type_definition()
    change(document)
    return document


def _set(path, value):
    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
    return change


# (change, JSON pointer, words of the message)
SCHEMA_CASES = [
    (_delete(['languages']), '/languages', 'The key "languages" is missing'),
    (_set(['languages'], []), '/languages', 'at least 1'),
    (_set(['languages'], ['en', 'English']), '/languages/1', 'not written correctly'),
    (_set(['title'], 'Plain title'), '/title', 'Expected an object'),
    (_set(['title', 'en'], 5), '/title/en', 'Expected a text, not 5'),
    (_set(['colour'], 'red'), '/colour', 'Unknown key "colour"'),
    (_set(['questions', 1, 'options', 1, 'code'], '2'), '/questions/1/options/1/code',
     'Expected a whole number, not "2"'),
    (_set(['questions', 1, 'options', 1, 'code'], 0), '/questions/1/options/1/code',
     'out of range'),
    (_set(['questions', 1, 'options', 1, 'code'], 2.5), '/questions/1/options/1/code',
     'Expected a whole number'),
    (_set(['questions', 1, 'options', 0, 'settings', 'exclusive'], True),
     '/questions/1/options/0/settings/exclusive', 'Unknown key "exclusive"'),
    (_set(['questions', 1, 'options', 0, 'label'], {'en': None}),
     '/questions/1/options/0/label/en', 'Expected a text'),
    (_set(['questions', 2, 'type'], 'essay'), '/questions/2/type',
     '"essay" is not a known question type'),
    (_delete(['questions', 2, 'variable']), '/questions/2/variable',
     'The key "variable" is missing'),
    (_set(['questions', 2, 'variable'], 'Q 1'), '/questions/2/variable', 'not written'),
    (_set(['questions', 2, 'settings', 'max_length'], '20'),
     '/questions/2/settings/max_length', 'Expected a whole number'),
    (_set(['questions', 2, 'settings', 'maxlength'], 20), '/questions/2/settings/maxlength',
     'Unknown key "maxlength"'),
    (_set(['questions', 2, 'rows'], [{'code': 1}]), '/questions/2/rows', 'has no such list'),
    (_set(['questions', 0, 'settings', 'relevant'], 1), '/questions/0/settings/relevant',
     'Expected a text or null'),
    (_set(['option_lists', 'brands', 0, 'code'], -1), '/option_lists/brands/0/code',
     'out of range'),
    (_set(['settings', 'welcome'], ['Hi']), '/settings/welcome', 'Expected an object'),
]


@pytest.mark.parametrize('change, location, words', SCHEMA_CASES)
def test_schema_problems_point_at_the_place(change, location, words):
    problems = problems_of(json.dumps(_broken(change)).encode())
    assert any(problem.location == location and words in problem.message
               for problem in problems), problems


def test_every_schema_problem_is_listed_at_once():
    document = every_type_definition()
    document['questions'][0]['variable'] = '1AGE'
    document['questions'][1]['options'][0]['code'] = 'one'
    document['questions'][3]['type'] = 'essay'
    locations = {problem.location for problem in problems_of(json.dumps(document).encode())}
    assert {'/questions/0/variable', '/questions/1/options/0/code',
            '/questions/3/type'} <= locations


@pytest.mark.parametrize('change, location, words', [
    (_set(['questions', 1, 'options', 1, 'code'], 1), '/questions/1/options/1/code',
     'the code 1 is already used'),
    (_set(['questions', 2, 'variable'], 'AND'), '/questions/2/variable', 'reserved word'),
    (_set(['default_language'], 'de'), '/default_language', 'main language'),
    (_set(['questions', 0, 'settings', 'relevant'], '${Q1} = 1'),
     '/questions/0/settings/relevant', 'Unknown variable ${Q1}'),
    (_set(['option_lists', 'brands', 1, 'code'], 1), '/option_lists/brands/1/code',
     'already used'),
    (_set(['questions', -1, 'settings', 'option_list'], 'colours'),
     f'/questions/{len(SPECS) + 1}/settings/option_list', 'no option list called colours'),
])
def test_registry_problems_point_at_the_place(change, location, words):
    problems = problems_of(json.dumps(_broken(change)).encode())
    assert any(problem.location == location and words in problem.message
               for problem in problems), problems


def test_import_failed_lists_problems_in_its_message():
    error = ImportFailed([Problem('/a', 'first'), Problem('/b', 'second'), Problem('/a', 'first')])
    assert len(error.problems) == 2 and str(error) == '/a: first; /b: second'
    with pytest.raises(ValueError):
        ImportFailed([])


def test_schema_file_is_current_and_valid():
    assert SCHEMA_PATH.read_text(encoding='utf-8') == render(), (
        'run: .venv/bin/python -m surveys.interchange.schema_build')
    Draft202012Validator.check_schema(schema())
    assert schema() == build_schema()


def test_schema_knows_every_type_and_setting():
    question = schema()['$defs']['question']
    assert question['properties']['type']['enum'] == [kind.name for kind in all_types()]
    for kind, rule in zip(all_types(), question['allOf']):
        assert rule['if']['properties']['type']['const'] == kind.name
        allowed = set(rule['then']['properties']['settings']['properties'])
        expected = {*kind.common_settings, *kind.default_settings}
        assert allowed - {'option_list'} == expected, kind.name


def test_good_specs_pass_the_schema_one_by_one():
    for name, spec in SPECS.items():
        document = new_definition(text('T'), ['en', 'ru'], 'en')
        document['questions'] = [spec]
        assert schema_problems(document) == [], name


def test_the_fast_validation_agrees_with_the_whole_schema():
    # schema.py applies each question's if/then rule directly; jsonschema tries them all.
    whole = Draft202012Validator(schema())
    assert list(whole.iter_errors(every_type_definition())) == []
    for change, _location, _words in SCHEMA_CASES:
        document = _broken(change)
        assert bool(list(whole.iter_errors(document))) == bool(schema_problems(document))
