"""Exports read back with independent readers: pyreadstat, openpyxl, csv and json.

Nothing here compares our output with a snapshot of itself: each file is opened by a reader
that shares no code with the writer, and the expected values are written out by hand.
The weight's place in the SPSS header is read with ``struct`` following the PSPP developers'
guide ("File Header Record": ``int32 weight_index`` at byte 76, 1-based over the variable
records), because pyreadstat does not report it.
"""

import csv
import datetime as dt
import io
import json
import struct
import tracemalloc

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from analysis.dataset import Dataset, MultipleResponseSet, Variable
from analysis.errors import SpecificationError, UnknownVariableError, WeightError
from analysis.exports import (CsvWriter, JsonWriter, neutralise_formula, truncate_utf8,
                              write_csv, write_json, write_sav, write_xlsx)

NAN = np.nan
INJECTIONS = ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx']
DATA = pd.DataFrame({
    'q1': [1, 2, 98, NAN, 1, 2],
    'aware_alpha': [1, 0, 1, NAN, 0, 1],
    'aware_beta': [0, 1, 1, NAN, 0, 0],
    'amount': [-5, 2.5, 10, NAN, 0, 1e6],
    'comment': INJECTIONS,
    'completed_on': pd.to_datetime(['2024-05-01', '2024-05-02', None, '2024-05-03',
                                    '2024-05-04', '2024-05-05']),
    'w': [1.0, 2.0, 0.5, 1.5, 1.0, 0.25],
}, index=pd.Index([101, 102, 103, 104, 105, 106], name='respondent'))
VARIABLES = [
    Variable('q1', 'Вы довольны?', value_labels={1: 'Да', 2: 'Нет', 98: 'Затрудняюсь'},
             missing_values=(98,)),
    Variable('aware_alpha', 'Какие марки вы знаете?: Альфа', mr_set='aware', role='mr_item'),
    Variable('aware_beta', 'Какие марки вы знаете?: Бета', mr_set='aware', role='mr_item'),
    Variable('amount', 'Amount', measure='scale'),
    Variable('comment', 'Comment', kind='string'),
    Variable('completed_on', 'Date completed', kind='date', role='key'),
    Variable('w', 'Weight', measure='scale', role='weight'),
]
HEADER = ['respondent_id', 'q1', 'aware_alpha', 'aware_beta', 'amount', 'comment',
          'completed_on', 'w']
NEUTRALISED = ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]


@pytest.fixture
def dataset():
    return Dataset(DATA, VARIABLES, weights=['w'])


def csv_rows(dataset, **options):
    stream = io.StringIO(newline='')
    count = write_csv(dataset, stream, **options)
    text = stream.getvalue()
    return count, text, list(csv.reader(io.StringIO(text.removeprefix('\ufeff'), newline=''),
                                        delimiter=options.get('delimiter', ',')))


# --- formula neutralisation ------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', zip(INJECTIONS, NEUTRALISED))
def test_formula_prefixes_get_an_apostrophe(text, expected):
    assert neutralise_formula(text) == expected


@pytest.mark.parametrize('value', ['Yes', '', 'a=b', "'quoted", 'Привет', -5, 3.5, None])
def test_other_values_are_unchanged(value):
    assert neutralise_formula(value) == value


# --- CSV -------------------------------------------------------------------------------------

@pytest.mark.parametrize('delimiter', [',', ';'])
def test_csv_codes_missing_and_numbers(dataset, delimiter):
    count, text, rows = csv_rows(dataset, delimiter=delimiter)
    assert count == 6 and len(rows) == 7
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ['101', '102', '103', '104', '105', '106']
    assert [row[1] for row in rows[1:]] == ['1', '2', '98', '', '1', '2']  # no "1.0"
    assert [row[4] for row in rows[1:]] == ['-5', '2.5', '10', '', '0', '1000000']
    assert [row[5] for row in rows[1:]] == NEUTRALISED
    assert [row[6] for row in rows[1:]] == ['2024-05-01', '2024-05-02', '', '2024-05-03',
                                            '2024-05-04', '2024-05-05']
    assert rows[4][1:4] == ['', '', '']
    assert not text.startswith('\ufeff')


def test_csv_tab_delimiter_labels_and_bom(dataset):
    count, text, rows = csv_rows(dataset, delimiter='\t', labels=True, bom=True)
    assert text.startswith('\ufeffrespondent_id\tq1\t')
    assert [row[1] for row in rows[1:]] == ['Да', 'Нет', 'Затрудняюсь', '', 'Да', 'Нет']
    # Items without value labels keep their codes; -5 is a number, not a formula.
    assert rows[1][2:5] == ['1', '0', '-5']
    assert rows[1][5] == "'=1+1"


def test_csv_utf8_bytes_open_in_excel_style(dataset, tmp_path):
    path = tmp_path / 'data.csv'
    with open(path, 'w', encoding='utf-8', newline='') as stream:
        write_csv(dataset, stream, bom=True, labels=True, delimiter=';')
    raw = path.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf') and b'\r\n' in raw
    with open(path, encoding='utf-8-sig', newline='') as stream:
        rows = list(csv.reader(stream, delimiter=';'))
    assert rows[1][1] == 'Да'


def test_csv_refuses_other_delimiters_and_unknown_weights(dataset):
    with pytest.raises(SpecificationError, match='delimiter'):
        write_csv(dataset, io.StringIO(), delimiter='|')
    with pytest.raises(UnknownVariableError):
        write_csv(dataset, io.StringIO(), weight='nope')
    bad = Dataset(DATA.assign(w=[1, -1, 1, 1, 1, 1]), VARIABLES, weights=['w'])
    with pytest.raises(WeightError):
        write_csv(bad, io.StringIO(), weight='w')


def test_csv_without_id_and_of_no_rows(dataset):
    count, _text, rows = csv_rows(dataset.subset(np.zeros(6, dtype=bool)), id_name=None)
    assert count == 0 and rows == [HEADER[1:]]


@pytest.mark.parametrize('delimiter', [',', ';', '\t'])
def test_csv_fields_are_quoted_as_the_csv_module_quotes_them(delimiter):
    texts = ['a,b', 'a;b', 'a\tb', 'say "hi"', 'line\nbreak', 'cr\rx', '', 'plain', 'Ёж, "да"',
             '=1+1', "'x", None]
    data = pd.DataFrame({'t': texts, 'u': texts[::-1]}, index=pd.RangeIndex(1, 13))
    dataset = Dataset(data, [Variable('t', kind='string'), Variable('u', kind='string')])
    ours = io.StringIO(newline='')
    write_csv(dataset, ours, delimiter=delimiter)
    reference = io.StringIO(newline='')
    rows = [['respondent_id', 't', 'u']] + [
        [str(rid), neutralise_formula(t) or '', neutralise_formula(u) or '']
        for rid, t, u in zip(range(1, 13), texts, texts[::-1])]
    csv.writer(reference, delimiter=delimiter, lineterminator='\r\n').writerows(rows)
    assert ours.getvalue() == reference.getvalue()


def test_writers_fed_chunk_by_chunk_write_the_same_file(dataset):
    """CsvWriter and JsonWriter made from a dataset without rows, then given pieces of it."""
    template = dataset.subset(np.zeros(6, dtype=bool))
    pieces = [dataset.subset(np.isin(np.arange(6), part)) for part in ([0, 1], [2], [3, 4, 5])]
    for options in ({}, {'labels': True, 'delimiter': ';', 'bom': True}):
        whole, chunked = io.StringIO(newline=''), io.StringIO(newline='')
        write_csv(dataset, whole, weight='w', **options)
        writer = CsvWriter(template, chunked, weight='w', **options)
        writer.write_header()
        for piece in pieces:
            writer.write_chunk(piece)
        assert chunked.getvalue() == whole.getvalue() and writer.rows == 6
    whole, chunked = io.StringIO(), io.StringIO()
    write_json(dataset, whole, weight='w')
    writer = JsonWriter(template, chunked, weight='w')
    writer.write_head()
    for piece in pieces:
        writer.write_chunk(piece)
    writer.write_end()
    assert chunked.getvalue() == whole.getvalue() and writer.rows == 6


def test_csv_of_200000_rows_streams_in_flat_memory():
    n = 200_000
    rng = np.random.default_rng(7)
    phrases = np.array([f'Ответ номер {i}: всё понравилось, спасибо' for i in range(50)],
                       dtype=object)
    data = pd.DataFrame({'q1': rng.integers(1, 6, n).astype(float),
                         'comment': phrases[rng.integers(0, 50, n)]})
    big = Dataset(data, [Variable('q1', 'Q1', value_labels={1: 'Yes'}),
                         Variable('comment', 'Comment', kind='string')])

    class CountingSink:
        size = 0
        lines = 0

        def write(self, text):
            self.size += len(text)
            self.lines += text.count('\n')
            return len(text)

    write_csv(big.subset(np.arange(n) < 2_000), CountingSink())  # warm pandas' caches
    sink = CountingSink()
    tracemalloc.start()
    try:
        count = write_csv(big, sink, chunk_rows=2_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == n and sink.lines == n + 1
    assert sink.size > 8_000_000  # characters
    # The whole CSV would need sink.size characters at least; one chunk needs a fraction.
    assert peak < sink.size / 10, (peak, sink.size)


# --- XLSX ------------------------------------------------------------------------------------

def test_xlsx_cells_types_and_variables_sheet(dataset, tmp_path):
    path = tmp_path / 'data.xlsx'
    assert write_xlsx(dataset, path, weight='w') == 6
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ['Data', 'Variables']
    data = book['Data']
    assert data.freeze_panes == 'A2'
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][:5] == (101, 1, 1, 0, -5)
    assert all(isinstance(value, (int, float)) for value in rows[1][:5])
    assert rows[2][4] == 2.5 and rows[6][4] == 1_000_000
    assert rows[4][1:5] == (None, None, None, None)  # missing → empty cells
    # openpyxl does not undo the OOXML escape of a carriage return (ECMA-376 ST_Xstring).
    assert [row[5] for row in rows[1:]] == NEUTRALISED[:5] + ["'_x000D_x"]
    assert all(data.cell(row, 6).data_type == 's' for row in range(2, 8))  # text, no formula
    assert rows[3][6] is None and rows[1][6] == '2024-05-01'
    meta = list(book['Variables'].iter_rows(values_only=True))
    assert meta[0] == ('Name', 'Label', 'Measure', 'Value labels', 'Missing values', 'Weight')
    assert meta[2] == ('q1', 'Вы довольны?', 'nominal', '1 = Да; 2 = Нет; 98 = Затрудняюсь',
                       '98', None)
    assert meta[8][0] == 'w' and meta[8][5] == 'yes'


def test_xlsx_labels(dataset, tmp_path):
    path = tmp_path / 'labels.xlsx'
    write_xlsx(dataset, path, labels=True)
    rows = list(openpyxl.load_workbook(path)['Data'].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ['Да', 'Нет', 'Затрудняюсь', None, 'Да', 'Нет']


# --- SPSS ------------------------------------------------------------------------------------

def test_sav_data_and_dictionary(dataset, tmp_path):
    path = tmp_path / 'data.sav'
    assert write_sav(dataset, path, weight='w') == []
    frame, meta = pyreadstat.read_sav(path, user_missing=True)
    assert list(frame.columns) == HEADER
    assert frame['q1'].tolist()[:3] == [1, 2, 98] and np.isnan(frame['q1'][3])
    assert frame['amount'].tolist()[:3] == [-5, 2.5, 10]
    assert frame['comment'].tolist() == INJECTIONS  # SPSS runs no formulas: kept verbatim
    assert frame['completed_on'].tolist()[:3] == ['2024-05-01', '2024-05-02', '']
    assert frame['w'].tolist() == [1.0, 2.0, 0.5, 1.5, 1.0, 0.25]
    assert meta.column_names_to_labels['q1'] == 'Вы довольны?'
    assert meta.column_names_to_labels['aware_beta'] == 'Какие марки вы знаете?: Бета'
    assert meta.variable_value_labels['q1'] == {1: 'Да', 2: 'Нет', 98: 'Затрудняюсь'}
    assert meta.missing_ranges == {'q1': [{'lo': 98.0, 'hi': 98.0}]}
    assert meta.variable_measure == {
        'respondent_id': 'nominal', 'q1': 'nominal', 'aware_alpha': 'nominal',
        'aware_beta': 'nominal', 'amount': 'scale', 'comment': 'nominal',
        'completed_on': 'nominal', 'w': 'scale'}
    assert meta.original_variable_types['q1'] == 'F8.0'
    assert meta.original_variable_types['amount'] == 'F11.2'
    assert meta.original_variable_types['completed_on'] == 'A10'
    assert meta.variable_display_width['comment'] == 8
    assert meta.mr_sets == {'aware': {
        'type': 'D', 'is_dichotomy': True, 'counted_value': 1,
        'label': 'Какие марки вы знаете?', 'variable_list': ['aware_alpha', 'aware_beta']}}
    # Without user_missing, SPSS-style reading turns 98 into missing.
    plain, _meta = pyreadstat.read_sav(path)
    assert np.isnan(plain['q1'][2])
    # Strings longer than 8 bytes take one variable record per 8 bytes (A10: two records).
    records = [-(-int(meta.original_variable_types[name][1:]) // 8)
               if meta.original_variable_types[name].startswith('A') else 1 for name in HEADER]
    header = path.read_bytes()[:80]
    assert struct.unpack('<i', header[76:80])[0] == sum(records[:HEADER.index('w')]) + 1 == 9


def test_sav_without_weight_has_weight_index_zero(dataset, tmp_path):
    path = tmp_path / 'unweighted.sav'
    write_sav(dataset, path, id_name=None)
    assert struct.unpack('<i', path.read_bytes()[76:80])[0] == 0
    frame, _meta = pyreadstat.read_sav(path, metadataonly=True)
    assert list(frame.columns) == HEADER[1:]
    assert not list(tmp_path.glob('*.part'))


def test_sav_many_missing_codes_become_a_range(tmp_path):
    data = pd.DataFrame({'q': [1, 2, 97, 98, 99, 96]})
    variable = Variable('q', 'Q', value_labels={1: 'A', 2: 'B'}, missing_values=(96, 97, 98, 99))
    path = tmp_path / 'range.sav'
    assert write_sav(Dataset(data, [variable]), path) == []
    _frame, meta = pyreadstat.read_sav(path, user_missing=True, metadataonly=True)
    assert meta.missing_ranges == {'q': [{'lo': 96.0, 'hi': 99.0}]}


def test_sav_truncates_labels_at_a_character_boundary(tmp_path):
    label = 'Ж' * 200  # 400 bytes; 256 would cut a two-byte letter in half at byte 257
    value_label = 'я' * 70 + 'x'  # 141 bytes
    data = pd.DataFrame({'q': [1, 2]})
    dataset = Dataset(data, [Variable('q', label, value_labels={1: value_label, 2: 'ok'})])
    path = tmp_path / 'long.sav'
    warnings = write_sav(dataset, path)
    assert warnings == ['The label of q was cut to 256 bytes.',
                        'The label of value 1 of q was cut to 120 bytes.']
    _frame, meta = pyreadstat.read_sav(path, metadataonly=True)
    assert meta.column_names_to_labels['q'] == 'Ж' * 128
    assert meta.variable_value_labels['q'] == {1: 'я' * 60, 2: 'ok'}


def test_truncate_utf8_never_splits_a_character():
    assert truncate_utf8('abЖ', 3) == ('ab', True)
    assert truncate_utf8('abЖ', 4) == ('abЖ', False)


def test_sav_refuses_names_equal_ignoring_case(tmp_path):
    data = pd.DataFrame({'Q1': [1], 'q1': [2], 'x': [3], 'X': [4]})
    dataset = Dataset(data, [Variable(name) for name in data.columns])
    with pytest.raises(SpecificationError, match='Q1 / q1; x / X'):
        write_sav(dataset, tmp_path / 'dup.sav')
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize('name', ['a' * 65, 'Ж' * 33, '1abc', 'with space', 'BY', 'end.'])
def test_sav_refuses_invalid_names(tmp_path, name):
    dataset = Dataset(pd.DataFrame({name: [1]}), [Variable(name)])
    with pytest.raises(SpecificationError, match='SPSS'):
        write_sav(dataset, tmp_path / 'bad.sav')


def test_sav_long_cyrillic_names_and_explicit_sets(tmp_path):
    names = ['знание_марки_альфа', 'знание_марки_бета']
    data = pd.DataFrame({names[0]: [1, 0], names[1]: [1, 1]})
    sets = [MultipleResponseSet('знание', 'Знание марок', names)]
    path = tmp_path / 'cyr.sav'
    write_sav(Dataset(data, [Variable(name) for name in names], sets), path, id_name=None)
    frame, meta = pyreadstat.read_sav(path)
    assert list(frame.columns) == names
    assert meta.mr_sets['знание']['variable_list'] == names
    assert meta.mr_sets['знание']['label'] == 'Знание марок'


# --- JSON ------------------------------------------------------------------------------------

def test_json_metadata_and_rows(dataset):
    stream = io.StringIO()
    assert write_json(dataset, stream, weight='w') == 6
    document = json.loads(stream.getvalue())
    variables = {v['name']: v for v in document['variables']}
    assert list(variables) == HEADER
    assert variables['q1']['value_labels'] == [[1, 'Да'], [2, 'Нет'], [98, 'Затрудняюсь']]
    assert variables['q1']['missing_values'] == [98]
    assert variables['w']['weight'] is True and variables['q1']['weight'] is False
    assert document['mr_sets'] == [{'name': 'aware', 'label': 'Какие марки вы знаете?',
                                    'variables': ['aware_alpha', 'aware_beta'],
                                    'counted_value': 1}]
    rows = document['rows']
    assert len(rows) == 6
    assert rows[0] == {'respondent_id': 101, 'q1': 1, 'aware_alpha': 1, 'aware_beta': 0,
                       'amount': -5, 'comment': '=1+1', 'completed_on': '2024-05-01', 'w': 1}
    assert rows[3]['q1'] is None and rows[3]['amount'] is None
    assert rows[2]['completed_on'] is None
    assert 'NaN' not in stream.getvalue() and 'Да' in stream.getvalue()


def test_json_of_no_rows(dataset):
    stream = io.StringIO()
    write_json(dataset.subset(np.zeros(6, dtype=bool)), stream)
    assert json.loads(stream.getvalue())['rows'] == []


def test_dates_with_times_keep_the_time():
    data = pd.DataFrame({'when': [dt.datetime(2024, 5, 1, 13, 45), None]})
    dataset = Dataset(data, [Variable('when', kind='date')])
    _count, _text, rows = csv_rows(dataset, id_name=None)
    assert rows[1:] == [['2024-05-01 13:45:00'], ['']]
