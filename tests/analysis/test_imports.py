"""Imports of .sav, CSV and XLSX files (analysis/imports.py, analysis/sav_import.py).

The .sav files are written here with pyreadstat (the reference writer); what pyreadstat cannot
write — a multiple-response set record and the header's weight index — is added to the bytes
as the SPSS system-file format specifies (PSPP's "System File Format" documentation). Tables
of the imported data are checked against ``pandas.crosstab`` of the frame that was written.
"""

import datetime as dt
import io
import struct

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from analysis.imports import (DataImportError, EmptyFileError, ImportLimitError,
                              UnreadableFileError, VariableNameError, read_csv, read_sav,
                              read_xlsx)
from analysis.tables import BannerTable

N = 240


# --- .sav helpers ---------------------------------------------------------------------------

def _dictionary_end(raw: bytes) -> int:
    """Offset of the dictionary-termination record (type 999) of a little-endian .sav."""
    def word(at):
        return struct.unpack_from('<i', raw, at)[0]
    position = 176
    while True:
        record = word(position)
        if record == 2:
            has_label, n_missing = word(position + 8), word(position + 12)
            position += 32
            if has_label:
                position += 4 + (word(position) + 3) // 4 * 4
            position += abs(n_missing) * 8
        elif record == 3:
            count, position = word(position + 4), position + 8
            for _ in range(count):
                position += 8 + (raw[position + 8] + 1 + 7) // 8 * 8
        elif record == 4:
            position += 8 + 4 * word(position + 4)
        elif record == 6:
            position += 8 + 80 * word(position + 4)
        elif record == 7:
            position += 16 + word(position + 8) * word(position + 12)
        elif record == 999:
            return position
        else:
            raise AssertionError(f'unexpected record {record}')


def _with_mr_sets(raw: bytes, text: str) -> bytes:
    """Insert an extension record 7, subtype 7 (multiple-response sets) into a .sav."""
    body = text.encode('utf-8')
    position = _dictionary_end(raw)
    return raw[:position] + struct.pack('<4i', 7, 7, 1, len(body)) + body + raw[position:]


def _weighted_by(raw: bytes, slot: int) -> bytes:
    """Set the header's weight index (the 1-based 8-byte slot of the weight variable)."""
    return raw[:76] + struct.pack('<i', slot) + raw[80:]


def _survey_frame() -> pd.DataFrame:
    rng = np.random.default_rng(20240601)
    q1 = rng.choice([1.0, 2.0, 3.0, 98.0, np.nan], N, p=[0.35, 0.3, 0.2, 0.1, 0.05])
    score = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, 97.0, 99.0], N)
    income = np.where(rng.random(N) < 0.1, 999999.0, rng.normal(50000, 9000, N).round())
    return pd.DataFrame({
        'q1': q1,
        'w': rng.uniform(0.4, 2.5, N).round(4),
        'gender': rng.choice([1.0, 2.0], N),
        'a1': rng.choice([0.0, 1.0], N), 'a2': rng.choice([0.0, 1.0], N),
        'a3': rng.choice([0.0, 1.0], N),
        'score': score,
        'income': income,
        'city': rng.choice(['Москва', 'Казань', ''], N),
        'visit': [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 90, N)],
    })


@pytest.fixture(scope='module')
def survey(tmp_path_factory):
    frame = _survey_frame()
    path = tmp_path_factory.mktemp('sav') / 'survey.sav'
    pyreadstat.write_sav(
        frame, str(path),
        column_labels={'q1': 'Как часто вы покупаете?', 'gender': 'Пол', 'w': 'Вес',
                       'a1': 'Знание: Бренд А', 'a2': 'Знание: Бренд Б', 'a3': 'Знание: Бренд В',
                       'score': 'Оценка', 'income': 'Доход', 'city': 'Город'},
        variable_value_labels={'q1': {1: 'Еженедельно', 2: 'Ежемесячно', 3: 'Реже',
                                      98: 'Затрудняюсь ответить'},
                               'gender': {1: 'Мужчина', 2: 'Женщина'},
                               'score': {1: 'Плохо', 5: 'Отлично'}},
        missing_ranges={'q1': [98], 'score': [{'lo': 97, 'hi': 99}],
                        'income': [{'lo': 900000, 'hi': 999999}], 'city': ['']},
        variable_measure={'q1': 'ordinal', 'gender': 'nominal', 'w': 'scale'})
    raw = path.read_bytes()
    label = 'Знание брендов'
    raw = _with_mr_sets(raw, f'$AWARE=D1 1 {len(label.encode())} {label} a1 a2 a3\n'
                             '$CITIES=C 6 Cities q1 gender\n')
    raw = _weighted_by(raw, 2)  # w is the second variable; q1 takes one 8-byte slot
    path.write_bytes(raw)
    return frame, path, read_sav(path)


def test_sav_metadata(survey):
    _, _, result = survey
    dataset = result.dataset
    q1 = dataset.variable('q1')
    assert q1.label == 'Как часто вы покупаете?'
    assert q1.value_labels == {1: 'Еженедельно', 2: 'Ежемесячно', 3: 'Реже',
                               98: 'Затрудняюсь ответить'}
    assert (q1.kind, q1.measure, q1.missing_values) == ('numeric', 'ordinal', (98,))
    assert dataset.variable('gender').measure == 'nominal'
    # "unknown" measure: labelled → nominal, unlabelled → scale.
    assert dataset.variable('score').measure == 'nominal'
    assert dataset.variable('income').measure == 'scale'
    # A small range is expanded; a large one becomes the codes that occur.
    assert dataset.variable('score').missing_values == (97, 98, 99)
    assert dataset.variable('income').missing_values == (999999,)
    city = dataset.variable('city')
    assert (city.kind, city.label) == ('string', 'Город')
    assert set(dataset.data['city'].dropna()) == {'Москва', 'Казань'}
    visit = dataset.variable('visit')
    assert visit.kind == 'date'
    assert dataset.data['visit'].str.fullmatch(r'2024-\d\d-\d\d').all()
    assert list(dataset.data.index[:3]) == [1, 2, 3]
    assert dataset.weight_names == ('w',)
    assert dataset.variable('w').role == 'weight'
    aware = dataset.mr_set('AWARE')
    assert (aware.label, aware.variables, aware.counted_value) == (
        'Знание брендов', ('a1', 'a2', 'a3'), 1)
    assert dataset.variable('a2').mr_set == 'AWARE'
    assert dataset.variable('a2').role == 'mr_item'
    assert result.warnings == ('The multiple-category set CITIES was imported as separate '
                               'variables.',)


def test_sav_values_match_the_written_frame(survey):
    frame, _, result = survey
    data = result.dataset.data
    np.testing.assert_array_equal(data['q1'].to_numpy(), frame['q1'].to_numpy())
    np.testing.assert_allclose(data['w'].to_numpy(), frame['w'].to_numpy())
    assert result.dataset.values('q1').isin([98]).sum() == 0
    visits = [d.isoformat() for d in frame['visit']]
    assert data['visit'].tolist() == visits


def _crosstab(frame, row, weights=None):
    valid = frame[row].notna() & ~frame[row].isin([98])
    frame = frame[valid]
    if weights is None:
        return pd.crosstab(frame[row], frame['gender'])
    return pd.crosstab(frame[row], frame['gender'], values=frame[weights], aggfunc='sum')


@pytest.mark.parametrize('weight', [None, 'w'])
def test_banner_table_of_the_import_equals_crosstab_of_the_frame(survey, weight):
    frame, _, result = survey
    table = BannerTable(['q1'], ['gender'], weight=weight).fit(result.dataset)['q1']
    expected = _crosstab(frame, 'q1', weight)
    for code in (1, 2, 3):
        for gender in (1, 2):
            assert table.counts.loc[str(code), f'gender:{gender}'] == pytest.approx(
                expected.loc[code, gender])
            share = 100 * expected.loc[code, gender] / expected[gender].sum()
            assert table.column_percent.loc[str(code), f'gender:{gender}'] == pytest.approx(
                share)
        assert table.counts.loc[str(code), 'Total'] == pytest.approx(
            expected.loc[code].sum())
    assert '98' not in table.counts.index


def test_banner_table_of_the_imported_set_counts_mentions(survey):
    frame, _, result = survey
    table = BannerTable(['AWARE'], ['gender']).fit(result.dataset)['AWARE']
    for item in ('a1', 'a2', 'a3'):
        expected = frame.groupby('gender')[item].sum()
        assert table.counts.loc[item, 'gender:1'] == expected[1.0]
        assert table.counts.loc[item, 'gender:2'] == expected[2.0]
        assert table.column_percent.loc[item, 'Total'] == pytest.approx(
            100 * frame[item].mean())


def test_sav_from_bytes_and_zsav(survey, tmp_path):
    frame, path, _ = survey
    assert len(read_sav(path.read_bytes()).dataset) == N
    zsav = tmp_path / 'survey.zsav'
    pyreadstat.write_sav(frame[['q1', 'gender']], str(zsav), compress=True,
                         variable_value_labels={'q1': {1: 'Да'}})
    dataset = read_sav(zsav).dataset
    assert dataset.variable('q1').value_labels == {1: 'Да'}
    assert dataset.weight_names == ()


def test_sav_names_are_renamed_with_a_warning(tmp_path):
    path = tmp_path / 'names.sav'
    frame = pd.DataFrame({'Q1.a': [1.0, 2.0], 'Оценка': [3.0, 4.0], 'ok': [5.0, 6.0]})
    pyreadstat.write_sav(frame, str(path), column_labels={'Q1.a': 'Первый'})
    result = read_sav(path)
    assert list(result.dataset.data.columns) == ['Q1_a', 'Otsenka', 'ok']
    assert result.renamed == {'Q1.a': 'Q1_a', 'Оценка': 'Otsenka'}
    assert result.dataset.variable('Q1_a').label == 'Первый'
    assert 'Q1.a → Q1_a' in result.warnings[0]


# --- CSV ------------------------------------------------------------------------------------

CSV_ROWS = [['id', 'Возраст', 'Город', 'rating', 'income'],
            ['1', '34', 'Москва', '5', '1.5'],
            ['2', '', 'Казань', '3', '2.25'],
            ['3', '61', 'Тверь', '5', ''],
            ['4', '18', '', '1', '3']]


def _csv(delimiter, decimal=None):
    rows = [[cell.replace('.', decimal) if decimal else cell for cell in row] for row in CSV_ROWS]
    return '\r\n'.join(delimiter.join(row) for row in rows) + '\r\n'


@pytest.mark.parametrize('encoding, delimiter, note', [
    ('utf-8', ',', None), ('utf-8-sig', ';', None), ('utf-8', '\t', None),
    ('cp1251', ';', 'Windows-1251'), ('cp1251', ',', 'Windows-1251')])
def test_csv_encodings_and_delimiters(encoding, delimiter, note):
    decimal = ',' if delimiter == ';' else None  # ";" files often use decimal commas
    text = _csv(delimiter, decimal)
    result = read_csv(text.encode(encoding))
    dataset = result.dataset
    assert list(dataset.data.columns) == ['id', 'Vozrast', 'Gorod', 'rating', 'income']
    assert dataset.variable('Vozrast').label == 'Возраст'
    assert dataset.data['Gorod'].tolist() == ['Москва', 'Казань', 'Тверь', None]
    np.testing.assert_allclose(dataset.data['income'], [1.5, 2.25, np.nan, 3.0])
    rating = dataset.variable('rating')
    assert (rating.measure, rating.value_labels) == ('nominal', {1: '1', 3: '3', 5: '5'})
    assert dataset.variable('income').measure == 'scale'
    assert dataset.variable('Gorod').kind == 'string'
    encoding_notes = [w for w in result.warnings if 'UTF-8' in w]
    assert (note in encoding_notes[0]) if note else not encoding_notes
    assert any('Возраст → Vozrast' in w for w in result.warnings)


def test_csv_latin1_fallback_and_explicit_arguments():
    text = 'name;note\ncafé;naïve crème brûlée\nfête;déjà vu\n'
    result = read_csv(text.encode('latin-1'))
    assert result.dataset.data['note'].tolist() == ['naïve crème brûlée', 'déjà vu']
    assert 'Latin-1' in result.warnings[0]
    explicit = read_csv(text.encode('latin-1'), delimiter=';', encoding='latin-1')
    assert explicit.warnings == ()
    with pytest.raises(UnreadableFileError, match='cannot be read as utf-8'):
        read_csv(text.encode('latin-1'), encoding='utf-8')


def test_csv_quoted_values_and_crosstab():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({'brand': rng.integers(1, 5, 300), 'region': rng.integers(1, 3, 300)})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    dataset = read_csv(buffer.getvalue().encode()).dataset
    table = BannerTable(['brand'], ['region']).fit(dataset)['brand']
    expected = pd.crosstab(frame['brand'], frame['region'])
    for code in range(1, 5):
        assert table.counts.loc[str(code), 'region:2'] == expected.loc[code, 2]
    assert read_csv(b'a,b\n"1,5",x\n').dataset.data['a'].tolist() == ['1,5']
    # A row of empty fields is a respondent with no answers; blank lines are not.
    assert read_csv(b'a,b\n1,x\n\n,\n').dataset.data['a'].tolist()[0] == 1.0
    assert len(read_csv(b'a,b\n1,x\n\n,\n').dataset) == 2


# --- XLSX -----------------------------------------------------------------------------------

def _workbook(variables_sheet=False, empty=False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = 'Data'
    if not empty:
        sheet.append(['id', 'Q1', 'Comment', 'Date', 'Spend', 'Flag'])
        sheet.append([1, 1, 'хорошо', dt.datetime(2024, 3, 1), 10.5, True])
        sheet.append([2, 2, None, dt.datetime(2024, 3, 2, 14, 30), 20, False])
        sheet.append([3, 98, 'плохо', None, None, True])
        sheet.append([None] * 6)  # an empty trailing row is dropped
    if variables_sheet:
        meta = book.create_sheet('Variables')
        # The layout of analysis.export_tables.write_xlsx.
        meta.append(['Name', 'Label', 'Measure', 'Value labels', 'Missing values', 'Weight'])
        meta.append(['Q1', 'Оценка', 'ordinal', '1 = Да; 2 = Нет; 98 = Не знаю', '98, 99'])
        meta.append(['Spend', 'Расходы', 'scale'])
        meta.append(['id', 'Номер', 'scale', None, None, 'yes'])
        meta.append(['Gone', 'Not in the data'])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_types_from_cells():
    result = read_xlsx(_workbook())
    data = result.dataset.data
    assert data['Date'].tolist() == ['2024-03-01', '2024-03-02T14:30:00', None]
    assert result.dataset.variable('Date').kind == 'date'
    assert data['Comment'].tolist() == ['хорошо', None, 'плохо']
    assert data['Flag'].tolist() == [1.0, 0.0, 1.0]
    assert result.dataset.variable('Q1').value_labels == {1: '1', 2: '2', 98: '98'}
    assert result.dataset.variable('Q1').label == 'Q1'
    assert len(data) == 3 and result.warnings == ()


def test_xlsx_variables_sheet_supplies_metadata():
    result = read_xlsx(_workbook(variables_sheet=True))
    q1 = result.dataset.variable('Q1')
    assert (q1.label, q1.measure, q1.missing_values) == ('Оценка', 'ordinal', (98, 99))
    assert q1.value_labels == {1: 'Да', 2: 'Нет', 98: 'Не знаю'}
    assert result.dataset.variable('Spend').label == 'Расходы'
    assert result.dataset.variable('Spend').value_labels == {}
    assert result.dataset.weight_names == ('id',)  # "Weight: yes" (a silly but valid weight)
    assert result.dataset.values('Q1').tolist()[:2] == [1.0, 2.0]
    assert result.warnings == ('The Variables sheet describes columns the data do not have: '
                               'Gone.',)
    assert read_xlsx(_workbook(variables_sheet=True), sheet='Data').dataset.has('Q1')


def test_xlsx_bad_value_labels_and_unknown_sheet():
    book = openpyxl.load_workbook(io.BytesIO(_workbook(variables_sheet=True)))
    book['Variables']['D2'] = 'Yes, No'
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(DataImportError, match='must read "1 = Yes; 2 = No"; found Yes, No'):
        read_xlsx(buffer.getvalue())
    with pytest.raises(DataImportError, match='no sheet Answers; it has Data, Variables'):
        read_xlsx(_workbook(variables_sheet=True), sheet='Answers')


# --- Bad input ------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def sav_bytes(survey):
    return survey[1].read_bytes()


def test_truncated_and_random_sav(sav_bytes):
    with pytest.raises(UnreadableFileError, match=r'not a readable SPSS \(.sav\) file, or it '
                                                  r'is truncated'):
        read_sav(sav_bytes[:len(sav_bytes) // 2])
    with pytest.raises(UnreadableFileError, match='not a readable SPSS'):
        read_sav(np.random.default_rng(3).bytes(4096))
    with pytest.raises(EmptyFileError, match='The file is empty.'):
        read_sav(b'')


def test_truncated_and_random_xlsx():
    raw = _workbook()
    with pytest.raises(UnreadableFileError, match=r'not a readable Excel \(.xlsx\) workbook'):
        read_xlsx(raw[:len(raw) // 2])
    with pytest.raises(UnreadableFileError, match='not a readable Excel'):
        read_xlsx(np.random.default_rng(4).bytes(4096))
    with pytest.raises(EmptyFileError, match='The file is empty.'):
        read_xlsx(b'')
    with pytest.raises(EmptyFileError, match='no header row'):
        read_xlsx(_workbook(empty=True))


@pytest.mark.parametrize('content, error, message', [
    (b'', EmptyFileError, 'The file is empty.'),
    (b'\r\n\r\n', EmptyFileError, 'The file is empty.'),
    (b',,\n1,2,3\n', EmptyFileError, 'no header row'),
    (b'Q1,q1\n1,2\n', VariableNameError, 'differ in more than case: Q1 / q1'),
    (b'a;b\n1;2;3\n', UnreadableFileError, 'Rows have 3 fields but the header has 2'),
])
def test_bad_csv(content, error, message):
    with pytest.raises(error, match=message):
        read_csv(content)


def test_limits(sav_bytes):
    with pytest.raises(ImportLimitError, match='more than 100 rows; the limit is 100'):
        read_sav(sav_bytes, max_rows=100)
    with pytest.raises(ImportLimitError, match='10 columns; the limit is 5'):
        read_sav(sav_bytes, max_columns=5)
    with pytest.raises(ImportLimitError, match='more than 2 rows'):
        read_csv(b'a\n1\n2\n3\n', max_rows=2)
    with pytest.raises(ImportLimitError, match='6 columns; the limit is 3'):
        read_xlsx(_workbook(), max_columns=3)
    assert len(read_csv(b'a\n1\n2\n', max_rows=2).dataset) == 2


def test_errors_are_analysis_errors():
    from analysis.errors import AnalysisError
    for error in (UnreadableFileError, EmptyFileError, VariableNameError, ImportLimitError):
        assert issubclass(error, DataImportError) and issubclass(DataImportError, AnalysisError)


def test_xlsx_export_reads_back_whatever_the_language(tmp_path):
    """The Data/Variables layout is a file format: a Russian export imports like an English one."""
    from analysis.dataset import Dataset, Variable
    from analysis.exports import write_xlsx
    from analysis.i18n import set_translator

    dataset = Dataset(pd.DataFrame({'Q1': [1.0, 2.0, 98.0], 'W': [0.5, 1.5, 1.0]}),
                      [Variable('Q1', 'Оценка', measure='ordinal',
                                value_labels={1: 'Да', 2: 'Нет', 98: 'Не знаю'},
                                missing_values=(98,)),
                       Variable('W', 'Вес', measure='scale', role='weight')], weights=['W'])
    path = tmp_path / 'ru.xlsx'
    set_translator(lambda text: f'«{text}»')  # every translatable word changes
    try:
        write_xlsx(dataset, path, weight='W')
    finally:
        set_translator(None)
    result = read_xlsx(path.read_bytes())
    q1 = result.dataset.variable('Q1')
    assert (q1.label, q1.measure, q1.missing_values) == ('Оценка', 'ordinal', (98,))
    assert q1.value_labels == {1: 'Да', 2: 'Нет', 98: 'Не знаю'}
    assert result.dataset.weight_names == ('W',)


def test_xlsx_with_a_forged_dimension_or_a_zip_bomb(monkeypatch):
    """A declared A1:XFD3 does not make rows 16,384 cells long; a huge unpacked size is refused."""
    import zipfile

    from analysis import xlsx_import

    source = io.BytesIO(_workbook())
    forged = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(forged, 'w') as copy:
        for entry in original.infolist():
            data = original.read(entry.filename)
            if entry.filename.startswith('xl/worksheets/sheet'):
                data = data.replace(b'<dimension ref="A1:F5"/>', b'<dimension ref="A1:XFD5"/>')
                assert b'XFD5' in data
            copy.writestr(entry, data)
    result = read_xlsx(forged.getvalue())
    assert list(result.dataset.data.columns) == ['id', 'Q1', 'Comment', 'Date', 'Spend', 'Flag']
    monkeypatch.setattr(xlsx_import, 'MAX_UNPACKED_BYTES', 1000)
    with pytest.raises(ImportLimitError, match='unpacks to'):
        read_xlsx(_workbook())
