"""XLSForm export: what other tools see, and that Anketa's import gives the definition back."""

import copy
import io

import pytest
from openpyxl import load_workbook

from surveys.definition import check_definition
from surveys.interchange import ImportFailed, export_xlsform, import_xlsform, normalise
from tests.surveys.test_interchange_json import every_type_definition
from tests.surveys.test_question_specs import APP, text
from tests.surveys.xlsforms.forms import BRANDS, CUSTOMER, DRINKS, HOUSEHOLD, build


@pytest.fixture(autouse=True)
def app_context():
    with APP.app_context():
        yield


def sheets(data) -> dict:
    """``{sheet: [{header: value}]}`` of an .xlsx (values as stored, None for empty cells)."""
    workbook = load_workbook(io.BytesIO(data))
    result = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        result[sheet.title] = [dict(zip(rows[0], row)) for row in rows[1:]]
    return result


def edited(data, sheet, row, column, value) -> bytes:
    """``data`` with one cell changed (``column`` by header), as a user would in Excel."""
    workbook = load_workbook(io.BytesIO(data))
    worksheet = workbook[sheet]
    headers = [cell.value for cell in worksheet[1]]
    worksheet.cell(row, headers.index(column) + 1).value = value
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def survey_row(data, name) -> dict:
    return next(row for row in sheets(data)['survey'] if row['name'] == name)


def test_every_type_comes_back():
    definition = every_type_definition()
    back = import_xlsform(export_xlsform(definition))
    assert back == normalise(definition)
    assert check_definition(back) == []


def test_the_normal_form_is_a_fixed_point():
    definition = normalise(every_type_definition())
    assert normalise(definition) == definition
    assert import_xlsform(export_xlsform(definition)) == definition
    for spec in definition['questions']:
        assert list(spec) == ['variable', 'type', 'text', 'settings', 'options', 'rows']


@pytest.mark.parametrize('form', [HOUSEHOLD, CUSTOMER, BRANDS, DRINKS],
                         ids=['household', 'customer', 'brands', 'drinks'])
def test_imported_forms_survive_export_and_import(form):
    definition = import_xlsform(build(form), survey_title='Imported')
    assert import_xlsform(export_xlsform(definition)) == definition


def test_the_sheets_other_tools_read():
    data = export_xlsform(every_type_definition())
    found = sheets(data)
    assert list(found) == ['survey', 'choices', 'settings']
    headers = list(found['survey'][0])
    assert headers[:4] == ['type', 'name', 'label::English (en)', 'label::Russian (ru)']
    assert {'hint::Russian (ru)', 'required', 'relevant', 'constraint',
            'constraint_message::English (en)', 'appearance', 'parameters', 'anketa_type',
            'anketa_settings'} <= set(headers)
    assert found['settings'] == [{
        'form_title': 'Every question type', 'form_id': None, 'version': None,
        'default_language': 'English (en)',
        'anketa_definition_settings': found['settings'][0]['anketa_definition_settings']}]
    rows = {row['name']: row for row in found['survey'] if row['name']}
    expected = {  # name: (type, appearance, parameters)
        'AGE': ('integer', None, None), 'WHY': ('text', 'multiline', None),
        'Q1': ('select_one Q1', None, None), 'Q5': ('select_multiple Q5', None,
                                                      'randomize=true'),
        'L1': ('select_one L1', 'likert', None), 'RATE': ('range', None, 'start=1 end=10 step=1'),
        'NPS': ('range', None, 'start=0 end=10 step=1'), 'RK': ('rank RK', None, None),
        'G': ('begin group', 'table-list', None), 'G_r1': ('select_one G', None, None),
        'SD_1': ('range', None, 'start=1 end=5 step=1'), 'CS_2': ('integer', None, None),
        'WA_s1': ('text', None, None), 'INTRO': ('note', None, None),
        'S2': ('begin group', 'field-list', None), 'AB': ('calculate', None, None),
        'BRAND': ('select_one brands', None, None)}
    for name, (xls_type, appearance, parameters) in expected.items():
        assert (rows[name]['type'], rows[name]['appearance'], rows[name]['parameters']) == (
            xls_type, appearance, parameters), name
    assert rows['AGE']['required'] == 'yes' and rows['S2']['relevant'] == '${AGE} >= 18'
    assert rows['AB']['calculation'] == 'once(int(random() * 2) + 1)'
    # the standard NPS wording is written out for other tools
    assert rows['NPS']['label::Russian (ru)'].startswith('Насколько вероятно, что вы '
                                                         'порекомендуете Анкету')
    # "other, please specify" gets its text question, as XLSForm writers do by hand
    assert rows['Q1_other']['relevant'] == "selected(${Q1}, '4')"
    choices = [(row['list_name'], row['name'], row['label::English (en)'])
               for row in found['choices']]
    assert ('brands', '1', 'Alpha') in choices and ('L1', '5', 'Strongly agree') in choices
    other = next(row for row in found['choices'] if row['list_name'] == 'Q5'
                 and row['name'] == '99')
    assert other['anketa_settings'] == '{"exclusive":true}'


def test_texts_that_look_like_formulas_stay_texts():
    definition = every_type_definition()
    definition['questions'][2]['text'] = {'en': '=HYPERLINK("http://x.test", "click")',
                                          'ru': '=1+1'}
    data = export_xlsform(definition)
    line = [row['name'] for row in sheets(data)['survey']].index('NAME') + 2
    cell = load_workbook(io.BytesIO(data))['survey'][f'C{line}']
    assert cell.value == '=HYPERLINK("http://x.test", "click")' and cell.data_type == 's'
    assert import_xlsform(data)['questions'][2]['text'] == definition['questions'][2]['text']


def test_control_characters_are_replaced():
    definition = every_type_definition()
    definition['questions'][2]['text'] = {'en': 'Bell\x07 here'}
    back = import_xlsform(export_xlsform(definition))
    assert back['questions'][2]['text'] == {'en': 'Bell\ufffd here'}


def test_languages_order_and_a_default_that_is_not_first():
    definition = every_type_definition()
    definition['languages'], definition['default_language'] = ['ru', 'en'], 'en'
    data = export_xlsform(definition)
    assert list(sheets(data)['survey'][0])[2:4] == ['label::Russian (ru)', 'label::English (en)']
    assert import_xlsform(data) == normalise(definition)


def test_xlsform_details_kept_from_an_import_are_written_back():
    definition = import_xlsform(build(HOUSEHOLD))
    data = export_xlsform(definition)
    found = sheets(data)
    assert (found['settings'][0]['form_id'], found['settings'][0]['version']) == (
        'household_2024', '2024031501')
    assert survey_row(data, 'hh_size')['required_message::English (en)'] == \
        'We need the household size.'
    # the original choice names stand beside the codes, not in one long JSON cell
    assert [(row['list_name'], row['name'], row['anketa_choice_name'])
            for row in found['choices'] if row['list_name'] == 'water'] == [
        ('water', '1', 'piped'), ('water', '2', 'well'), ('water', '3', 'surface'),
        ('water', '4', 'other')]
    assert 'choice_names' not in found['settings'][0]['anketa_definition_settings']


def test_kept_choice_names_that_no_longer_fit_the_list_stay_in_the_settings():
    definition = import_xlsform(build(DRINKS))
    definition['settings']['xlsform']['choice_names']['sex'] = [[2, 'female'], [1, 'male']]
    definition['settings']['xlsform']['choice_names']['gone'] = [[1, 'x']]
    data = export_xlsform(definition)
    assert '"sex":[[2,"female"],[1,"male"]]' in sheets(data)['settings'][0][
        'anketa_definition_settings']
    assert import_xlsform(data) == definition


def test_a_text_too_long_for_a_cell_is_refused():
    definition = every_type_definition()
    definition['questions'][2]['text']['en'] = 'x' * 40_000
    with pytest.raises(ValueError, match='does not fit a spreadsheet cell'):
        export_xlsform(definition)


def test_edits_in_standard_columns_win():
    data = export_xlsform(every_type_definition())
    rows = [row['name'] for row in sheets(data)['survey']]
    line = rows.index('NAME') + 2
    data = edited(data, 'survey', line, 'relevant', '${AGE} > 16')
    data = edited(data, 'survey', line, 'label::English (en)', 'First name, please')
    spec = next(spec for spec in import_xlsform(data)['questions'] if spec['variable'] == 'NAME')
    assert spec['settings'] == {'max_length': 20, 'relevant': '${AGE} > 16'}
    assert spec['text'] == {'en': 'First name, please', 'ru': 'Your first name? (ru)'}


def test_clearing_the_anketa_cells_imports_the_row_as_plain_xlsform():
    data = export_xlsform(every_type_definition())
    line = [row['name'] for row in sheets(data)['survey']].index('L1') + 2
    data = edited(edited(data, 'survey', line, 'anketa_type', None),
                  'survey', line, 'anketa_settings', None)
    spec = next(spec for spec in import_xlsform(data)['questions'] if spec['variable'] == 'L1')
    assert spec['type'] == 'likert' and spec['settings'] == {'points': 5}


def test_a_renamed_grid_row_is_refused():
    data = export_xlsform(every_type_definition())
    line = [row['name'] for row in sheets(data)['survey']].index('G_r2') + 2
    with pytest.raises(ImportFailed) as caught:
        import_xlsform(edited(data, 'survey', line, 'name', 'quality'))
    [problem] = caught.value.problems
    assert problem.location == f'survey!B{line}' and 'G_r<code>' in problem.message


def test_settings_that_columns_cannot_hold_go_to_anketa_settings():
    definition = every_type_definition()
    definition['questions'][2]['settings'].update(
        {'required': False, 'required_if': '${AGE} > 60', 'relevant': None,
         'hint': {}, 'constraint_message': {'en': ''}})
    data = export_xlsform(definition)
    row = survey_row(data, 'NAME')
    assert row['required'] == '${AGE} > 60'
    assert row['anketa_settings'] == ('{"constraint_message":{"en":""},"hint":{},'
                                       '"max_length":20,"relevant":null,"required":false}')
    assert import_xlsform(data) == normalise(definition)


def test_definition_texts_and_settings_are_kept():
    definition = copy.deepcopy(every_type_definition())
    definition['settings']['xlsform'] = {'form_id': 'tracker', 'version': '3'}
    definition['settings']['note'] = 'for the fieldwork team'
    definition['option_lists']['unused'] = [{'code': 7, 'label': text('Seven'),
                                            'settings': {}}]
    back = import_xlsform(export_xlsform(definition))
    assert back['settings'] == definition['settings']
    assert back['option_lists']['unused'] == definition['option_lists']['unused']
    assert back['title'] == definition['title']


@pytest.mark.parametrize('wording', [
    {'en': 'How likely is it that you would recommend {brand} to a friend or colleague?'},
    {'en': 'How likely is it that you would recommend Anketa to a friend or colleague?',
     'ru': 'Насколько вероятно, что вы порекомендуете {brand} другу или коллеге?'},
    {'en': 'Would you recommend us?'},
])
def test_an_nps_text_that_reads_as_the_standard_wording_comes_back_empty(wording):
    definition = every_type_definition()
    nps = next(spec for spec in definition['questions'] if spec['type'] == 'nps')
    nps['text'] = wording
    normal = normalise(definition)
    custom = {lang: text for lang, text in wording.items() if 'recommend us' in text}
    assert next(spec for spec in normal['questions'] if spec['type'] == 'nps')['text'] == custom
    assert import_xlsform(export_xlsform(definition)) == normal
