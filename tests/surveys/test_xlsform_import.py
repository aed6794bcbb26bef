"""XLSForm import: real-world forms (tests/surveys/xlsforms/forms.py), every refusal at once,
and the safety checks on uploads."""

import io
import zipfile

import pytest

from surveys.definition import check_definition
from surveys.interchange import ImportFailed, import_xlsform
from surveys.interchange import xlsform_read
from tests.surveys.test_question_specs import APP
from tests.surveys.xlsforms.forms import BRANDS, CUSTOMER, DRINKS, HOUSEHOLD, UNSUPPORTED, build


@pytest.fixture(autouse=True)
def app_context():
    with APP.app_context():
        yield


def by_variable(definition) -> dict:
    return {spec['variable']: spec for spec in definition['questions']}


def problems_of(data, **kwargs) -> list:
    with pytest.raises(ImportFailed) as caught:
        import_xlsform(data, **kwargs)
    return [(problem.location, problem.message) for problem in caught.value.problems]


def form(survey, choices=None, settings=None) -> bytes:
    sheets = {'survey': survey}
    if choices is not None:
        sheets['choices'] = choices
    if settings is not None:
        sheets['settings'] = settings
    return build(sheets)


# --- realistic forms -----------------------------------------------------------------------------

def test_household_survey():
    definition = import_xlsform(build(HOUSEHOLD))
    assert check_definition(definition) == []
    assert definition['title'] == {'en': 'Household survey 2024'}
    assert definition['languages'] == ['en', 'ru'] and definition['default_language'] == 'en'
    questions = by_variable(definition)
    # metadata and calculate rows are skipped; groups become sections and headings
    assert [(spec['variable'], spec['type']) for spec in definition['questions']] == [
        ('intro', 'instruction'), ('consent_given', 'single_choice'), ('household', 'section'),
        ('hh_size', 'numeric'), ('children', 'numeric'), ('water', 'single_choice'),
        ('assets', 'multiple_choice'), ('livestock', 'instruction'), ('cattle', 'numeric'),
        ('comment', 'long_text'), ('respondent', 'section'), ('sex', 'single_choice'),
        ('dob', 'date'), ('employed', 'single_choice'), ('employer', 'short_text')]
    # select_one yes_no with text names: codes 1, 2, shared by two questions, names kept
    assert definition['option_lists'] == {'yes_no': [
        {'code': 1, 'label': {'en': 'Yes', 'ru': 'Да'}, 'settings': {}},
        {'code': 2, 'label': {'en': 'No', 'ru': 'Нет'}, 'settings': {}}]}
    assert questions['consent_given']['settings'] == {'required': True, 'option_list': 'yes_no'}
    xlsform = definition['settings']['xlsform']
    assert xlsform['choice_names']['consent_given'] == [[1, 'yes'], [2, 'no']]
    assert xlsform['form_id'] == 'household_2024' and xlsform['version'] == '2024031501'
    assert xlsform['required_message']['hh_size'] == {'en': 'We need the household size.'}
    # the group's relevance stays on the section, rewritten to the code
    assert questions['household']['settings'] == {'relevant': "${consent_given} = '1'"}
    assert questions['household']['text'] == {'en': 'Household', 'ru': 'Домохозяйство'}
    assert questions['employer']['settings']['relevant'] == "${employed} = '1'"
    # hints, constraints and their messages in both languages; TRUE() means required
    hh_size = questions['hh_size']['settings']
    assert hh_size['hint'] == {'en': 'Including yourself.', 'ru': 'Включая вас.'}
    assert hh_size['constraint'] == '. >= 1 and . <= 30'
    assert hh_size['constraint_message'] == {'en': 'Between 1 and 30, please.',
                                             'ru': 'От 1 до 30.'}
    assert questions['children']['settings']['required'] is True
    assert questions['children']['settings']['integer'] is True
    # or_other adds a coded "other" option that asks for the text
    assert [(option['code'], option['label']['en'], option['settings'])
            for option in questions['water']['options']] == [
        (1, 'Piped water', {}), (2, 'Well', {}), (3, 'River or lake', {}),
        (4, 'Other', {'other': True})]
    assert questions['water']['options'][3]['label']['ru'] == 'Другое'
    # '.' in a constraint is recoded too
    assert questions['assets']['settings']['constraint'] == \
        "not(selected(., '4') and count-selected(.) > 1)"
    # a nested group: its label becomes a heading, its condition goes to its questions
    assert questions['livestock']['settings'] == {'relevant': '${hh_size} > 2'}
    assert questions['cattle']['settings']['relevant'] == '${hh_size} > 2'


def test_customer_survey():
    definition = import_xlsform(build(CUSTOMER))
    assert check_definition(definition) == []
    assert definition['title'] == {'en': 'Customer feedback'}
    assert definition['languages'] == ['en']  # plain label columns, English texts
    questions = by_variable(definition)
    csat = questions['csat']
    assert csat['type'] == 'likert' and csat['settings'] == {'required': True, 'points': 5}
    assert [option['label']['en'] for option in csat['options']][::4] == [
        'Very dissatisfied', 'Very satisfied']
    nps = questions['nps']
    assert nps['type'] == 'nps' and nps['settings']['required'] is True
    assert nps['text']['en'].startswith('How likely are you to recommend Acme')
    assert questions['nps_reason']['type'] == 'long_text'
    assert questions['improve']['settings'] == {
        'hint': {'en': 'Choose all that apply.'}, 'relevant': '${csat} <= 3',
        'randomize': 'shuffle'}
    assert questions['effort']['type'] == 'rating'
    assert questions['effort']['settings'] == {'points': 7}
    assert [option['code'] for option in questions['contact']['options']] == [1, 2]
    assert questions['email']['settings'] == {'relevant': '${contact} = 1',
                                              'constraint': "contains(., '@')",
                                              'required': True}
    assert 'choice_names' not in definition['settings']['xlsform']  # numeric names are codes


def test_ranking_and_ranges_in_russian():
    definition = import_xlsform(build(BRANDS), survey_title='Кофе')
    assert check_definition(definition) == []
    assert definition['languages'] == ['ru'] and definition['title'] == {'ru': 'Кофе'}
    questions = by_variable(definition)
    ranking = questions['brand_rank']
    assert ranking['type'] == 'ranking' and ranking['options'] == []
    assert [(row['code'], row['label']) for row in ranking['rows']] == [
        (1, {'ru': 'Альфа'}), (2, {'ru': 'Бета'}), (3, {'ru': 'Гамма'}), (4, {'ru': 'Дельта'})]
    assert ranking['settings'] == {'required': True, 'randomize_rows': 'shuffle'}
    assert questions['price_ok']['type'] == 'rating'
    assert questions['price_ok']['settings'] == {'points': 5}
    assert questions['temp']['type'] == 'numeric'
    assert questions['temp']['settings'] == {'integer': False, 'min': -10, 'max': 40,
                                             'decimals': 1}
    assert questions['fav']['settings'] == {'required': True, 'option_list': 'brands',
                                            'display': 'dropdown'}
    assert questions['second']['settings']['option_list'] == 'brands'
    assert questions['second']['settings']['constraint'] == '. != ${fav}'
    assert list(definition['option_lists']) == ['brands']


def test_text_choice_names_are_coded_and_expressions_rewritten():
    definition = import_xlsform(build(DRINKS))
    assert check_definition(definition) == []
    questions = by_variable(definition)
    assert [(option['code'], option['label']['en']) for option in questions['drinks']['options']
            ] == [(1, 'Coffee'), (2, 'Tea'), (3, 'Juice'), (4, 'Nothing')]
    assert questions['which_tea']['settings']['relevant'] == "selected(${drinks}, '2')"
    assert questions['cups']['settings']['relevant'] == \
        "selected(${drinks}, '1') or selected(${drinks}, '2')"
    assert questions['thanks']['settings']['relevant'] == "${sex} = '2' and ${region} != '1'"
    assert definition['settings']['xlsform']['choice_names'] == {
        'sex': [[1, 'male'], [2, 'female']],
        'region': [[1, 'north'], [2, 'south'], [3, 'east']],
        'drinks': [[1, 'coffee'], [2, 'tea'], [3, 'juice'], [4, 'none']]}


# --- refusals: all at once -----------------------------------------------------------------------

def test_every_unsupported_row_is_listed_at_once():
    problems = problems_of(build(UNSUPPORTED))
    assert [location for location, _message in problems] == [
        'survey!A3', 'survey!A6', 'survey!D7', 'survey!A8', 'survey!B9', 'survey!E10',
        'survey!B11', 'survey!B12', 'survey!A13']
    messages = dict(problems)
    assert 'Repeats are not supported' in messages['survey!A3']
    assert 'rows 3 to 5' in messages['survey!A3']
    assert '"geopoint" is not supported' in messages['survey!A6']
    assert 'Unknown function regex()' in messages['survey!D7']
    assert 'Unknown question type "barcode_scanner"' in messages['survey!A8']
    assert 'already used on row 2' in messages['survey!B9']
    assert 'jr:choice-name() is not supported' in messages['survey!E10']
    assert 'first-name' in messages['survey!B11'] and 'not valid' in messages['survey!B11']
    assert 'reserved word' in messages['survey!B12']
    assert 'no choice list called colours' in messages['survey!A13']


def test_problem_details_name_sheet_row_and_column():
    with pytest.raises(ImportFailed) as caught:
        import_xlsform(build(UNSUPPORTED))
    problem = caught.value.problems[2]
    assert (problem.sheet, problem.row, problem.column) == ('survey', 7, 'D')


@pytest.mark.parametrize('survey, choices, location, words', [
    ([['type', 'name', 'label'], ['select_one', 'q', 'Q']], None, 'survey!A2',
     'needs the name of a choice list'),
    ([['type', 'name', 'label'], ['select_one yes_no', 'q', 'Q']], None, 'survey!A2',
     'no "choices" sheet'),
    ([['type', 'name', 'label'], ['end group']], None, 'survey!A2',
     'no matching "begin group"'),
    ([['type', 'name', 'label'], ['begin group', 'g', 'G'], ['text', 'q', 'Q']], None,
     'survey!A2', 'no matching "end group"'),
    ([['type', 'name', 'label'], [None, 'q', 'Q']], None, 'survey!A2', 'has no type'),
    ([['type', 'name', 'label'], ['text', None, 'Q']], None, 'survey!B2',
     'Give the question a variable name'),
    ([['type', 'name', 'label'], ['text', 'q', None]], None, 'survey!C2',
     'The question text is missing'),
    ([['type', 'name', 'label'], ['calculate', 'c', None], ['text', 'q', 'Q'],
      ['text', 'r', 'R', None]], None, None, None),
    ([['type', 'name', 'label', 'relevant'], ['calculate', 'total', None],
      ['text', 'q', 'Q', '${total} > 1']], None, 'survey!D3',
     '${total} is a calculate or metadata row (row 2)'),
    ([['type', 'name', 'label', 'relevant'], ['geopoint', 'gps', 'Where?'],
      ['text', 'q', 'Q', "${gps} != ''"]], None, 'survey!D3',
     'row 2, which defines it, has a problem'),
    ([['type', 'name', 'label', 'relevant'], ['text', 'q', 'Q', '${later} = 1'],
      ['integer', 'later', 'L']], None, 'survey!D2', 'Unknown variable ${later}'),
    ([['type', 'name', 'label', 'relevant'], ['select_one yn', 'q', 'Q'],
      ['text', 'r', 'R', "${q} = 'maybe'"]], [['list_name', 'name', 'label'],
                                              ['yn', 'yes', 'Yes'], ['yn', 'no', 'No']],
     'survey!D3', '"maybe" is not a choice of the list yn'),
    ([['type', 'name', 'label', 'relevant'], ['text', 'q', 'Q', '../a = 1']], None,
     'survey!D2', 'XPath paths'),
    ([['type', 'name', 'label', 'choice_filter'], ['select_one yn', 'q', 'Q', 'x = 1']],
     [['list_name', 'name', 'label'], ['yn', '1', 'Yes'], ['yn', '2', 'No']], 'survey!D2',
     'choice_filter'),
    ([['type', 'name', 'label', 'media::image::English (en)'], ['text', 'q', 'Q', 'a.png']],
     None, 'survey!D2', 'Images, audio and video'),
    ([['type', 'name', 'label::Klingonese'], ['text', 'q', 'Q']], None, 'survey!C1',
     'names a language Anketa does not know'),
    ([['type', 'name', 'label', 'label'], ['text', 'q', 'Q']], None, 'survey!D1',
     'repeats column C'),
    ([['type', 'name', 'label'], ['select_one yn', 'q', 'Q']],
     [['list_name', 'name', 'label'], ['yn', '1', 'Yes'], ['yn', '1', 'No']], 'choices!B3',
     'appears twice in the list yn'),
    ([['type', 'name', 'label'], ['select_one yn', 'q', 'Q']],
     [['list_name', 'name', 'label'], ['yn', '1', 'Yes'], ['yn', '2', None]], 'choices!C3',
     'Option 2: no label in the main language'),
    ([['type', 'name', 'label'], ['select_one yn', 'q', 'Q']],
     [['list_name', 'name', 'label'], ['yn', '1', 'Yes'], [None, '2', 'No']], 'choices!A3',
     'no list_name'),
    ([['type', 'name', 'label', 'parameters'], ['range', 'q', 'Q', 'start=a end=5']], None,
     'survey!D2', 'A range needs numbers'),
    ([['type', 'name', 'label', 'parameters'], ['range', 'q', 'Q', 'start']], None,
     'survey!D2', 'not written as name=value'),
    ([['type', 'name', 'label', 'anketa_type'], ['integer', 'q', 'Q', 'short_text']], None,
     'survey!D2', 'does not fit the Anketa type'),
    ([['type', 'name', 'label', 'anketa_type'], ['integer', 'q', 'Q', 'essay']], None,
     'survey!D2', 'Unknown Anketa question type'),
    ([['type', 'name', 'label', 'anketa_type', 'anketa_settings'],
      ['text', 'q', 'Q', 'short_text', '{max_length: 5}']], None, 'survey!E2',
     'must hold a JSON object'),
    ([['type', 'name', 'label', 'anketa_type', 'anketa_settings'],
      ['text', 'q', 'Q', 'short_text', '{"max_length": "5"}']], None, 'survey!E2',
     'Expected a whole number'),
])
def test_each_refusal_names_its_cell(survey, choices, location, words):
    data = form(survey, choices)
    if location is None:
        assert import_xlsform(data)['questions']
        return
    problems = problems_of(data)
    assert any(found == location and words in message for found, message in problems), problems


def test_a_formula_is_never_evaluated():
    # openpyxl writes the formula without a cached value: the label reads as empty.
    problems = problems_of(form([['type', 'name', 'label'], ['text', 'q', '=1+1']]))
    assert problems == [('survey!C2', 'The question text is missing in the main language (en).')]


# --- reading variants ----------------------------------------------------------------------------

def test_header_and_value_variants():
    data = form([['TYPE', ' Name ', 'Label::English', 'label:ru', 'Hint::en', 'REQUIRED',
                  'disabled', 'appearance'],
                 ['Text', 'a', 'A', 'А', 'hint', 'TRUE'],
                 ['text', 'b', 'B', 'Б', None, True],
                 ['text', 'c', 'C', 'В', None, 1],
                 ['text', 'd', 'D', 'Г', None, '${a} = 1'],
                 ['text', 'e', 'E', 'Д', None, 'no'],
                 ['geopoint', 'ignored', 'Disabled row', None, None, None, 'yes'],
                 ['select_one yn', 'header', 'Matrix header', None, None, None, None,
                  'label'],
                 ['select_one yn', 'row1', 'First row', 'Первая', None, None, None,
                  'list-nolabel']],
                [['list name', 'name', 'label::English', 'label::Russian'],
                 ['yn', 1, 'Yes', 'Да'], ['yn', 2.0, 'No', 'Нет']])
    definition = import_xlsform(data)
    assert definition['languages'] == ['en', 'ru'] and definition['default_language'] == 'en'
    questions = by_variable(definition)
    assert list(questions) == ['a', 'b', 'c', 'd', 'e', 'row1']
    assert questions['a']['settings'] == {'hint': {'en': 'hint'}, 'required': True}
    assert questions['b']['settings'] == questions['c']['settings'] == {'required': True}
    assert questions['d']['settings'] == {'required_if': '${a} = 1'}
    assert questions['e']['settings'] == {'required': False}
    assert questions['row1']['options'][1] == {'code': 2, 'label': {'en': 'No', 'ru': 'Нет'},
                                               'settings': {}}


def test_a_group_condition_moves_to_its_questions_when_more_follows_outside():
    survey = [['type', 'name', 'label', 'relevant', 'hint'],
              ['integer', 'age', 'Age'],
              ['begin group', 'adults', 'Adults', '${age} >= 18'],
              ['text', 'job', 'Job', 'string-length(${age}) > 0'],
              ['end group'],
              ['note', 'bye', 'Goodbye', None, 'Have a nice day.']]
    questions = by_variable(import_xlsform(form(survey)))
    assert questions['adults']['settings'] == {}
    assert questions['job']['settings']['relevant'] == \
        '(${age} >= 18) and (string-length(${age}) > 0)'
    assert questions['bye']['settings'] == {}  # not hidden with the adults
    assert questions['bye']['text'] == {'en': 'Goodbye\n\nHave a nice day.'}


def test_texts_keep_their_spaces_and_line_breaks():
    definition = import_xlsform(form([['type', 'name', 'label'],
                                      ['  text ', ' q ', 'Line one\nline two ']]))
    assert definition['questions'][0]['text'] == {'en': 'Line one\nline two '}


def test_language_guess_and_settings_default_language():
    russian = form([['type', 'name', 'label'], ['text', 'q', 'Как вас зовут?']])
    assert import_xlsform(russian)['languages'] == ['ru']
    named = form([['type', 'name', 'label'], ['text', 'q', 'Name?']],
                 settings=[['form_title', 'default_language'], ['Form', 'German (de)']])
    definition = import_xlsform(named)
    assert definition['default_language'] == 'de' and definition['title'] == {'de': 'Form'}
    bad = form([['type', 'name', 'label'], ['text', 'q', 'Name?']],
               settings=[['default_language'], ['Elvish']])
    assert problems_of(bad)[0][0] == 'settings!A2'


# --- unsafe or broken uploads --------------------------------------------------------------------

def zip_of(members: dict) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, size in members.items():
            with archive.open(name, 'w') as member:
                for _ in range(size // (1 << 20)):
                    member.write(bytes(1 << 20))
    return output.getvalue()


@pytest.mark.parametrize('data, words', [
    (b'type,name,label\ntext,q,Q\n', 'not an .xlsx file'),
    (b'', 'not an .xlsx file'),
    (build(HOUSEHOLD)[:3000], 'not an .xlsx file (or the file is damaged)'),
    (b'\xd0\xcf\x11\xe0' + bytes(600), 'old Excel .xls file'),
    (zip_of({'hello.txt': 0}), 'not a valid .xlsx file'),
    (b'PK\x03\x04' + bytes(10 * 1024 * 1024), 'too big'),
])
def test_broken_uploads_are_refused_clearly(data, words):
    [(location, message)] = problems_of(data)
    assert words in message


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(monkeypatch):
    def no_openpyxl(*args, **kwargs):
        raise AssertionError('openpyxl must not see a zip bomb')
    monkeypatch.setattr(xlsform_read, 'load_workbook', no_openpyxl)
    bomb = zip_of({'xl/worksheets/sheet1.xml': 200 << 20})
    assert len(bomb) < 1 << 20
    [(_location, message)] = problems_of(bomb)
    assert 'unpacks to too much data' in message
    dense = zip_of({'xl/worksheets/sheet1.xml': 20 << 20})  # small, but 1000 times packed
    [(_location, message)] = problems_of(dense)
    assert 'compressed more than 100 times' in message


def test_missing_survey_sheet():
    [(location, message)] = problems_of(build({'choices': [['list_name', 'name', 'label']]}))
    assert location == 'survey' and 'no "survey" sheet' in message
    problems = problems_of(build({'survey': [['name', 'label'], ['q', 'Q']]}))
    assert ('survey!A1', 'The survey sheet has no "type" column.') in problems


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(xlsform_read, 'MAX_ROWS', 5)
    rows = [['type', 'name', 'label']] + [['text', f'q{n}', 'Q'] for n in range(10)]
    [(_location, message)] = problems_of(form(rows))
    assert 'more than 5 rows' in message


def test_the_language_argument_is_for_columns_without_a_language():
    english = form([['type', 'name', 'label::English (en)'], ['text', 'q', 'Name?']])
    definition = import_xlsform(english, language='ru')
    assert definition['languages'] == ['en'] and definition['default_language'] == 'en'
    plain = form([['type', 'name', 'label'], ['text', 'q', 'Name?']])
    assert import_xlsform(plain, language='kk')['languages'] == ['kk']
