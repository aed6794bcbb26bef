"""The Excel workbook and the PowerPoint deck of a report, read back with openpyxl and
python-pptx (readers that share no code with the writers, XlsxWriter and python-pptx's
writer). The expected figures come from the banner table itself: the files must carry its
numbers and letters unchanged, whatever they look like.
"""

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from analysis.dataset import Dataset, Variable
from analysis.report_content import Chart, Grid, Report, Section
from analysis.report_pptx import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, write_deck
from analysis.report_xlsx import write_tables_workbook
from analysis.tables import BannerTable

N = 300
FORMULA_TITLE = '=HYPERLINK("http://example.com")'
PHONE = '+7 495'
BASE = 'Base: all respondents, n = 300'


@pytest.fixture(scope='module')
def dataset():
    rng = np.random.default_rng(11)
    # Moscow answers "Daily" far more often than Kazan: the columns differ clearly.
    city = np.repeat([1, 2, 3], [150, 138, 12])
    daily = np.where(city == 1, 0.7, 0.2)
    freq = np.where(rng.random(N) < daily, 1, rng.choice([2, 3], N)).astype(float)
    data = pd.DataFrame({
        'FREQ': freq, 'CITY': city, 'GENDER': np.tile([1, 2], N // 2),
        'GROUP': np.tile([1, 2, 3, 4, 5, 6], N // 6), 'AGE': rng.normal(40, 10, N),
        'BIG': np.arange(N) % 105 + 1, 'w': rng.uniform(0.5, 1.5, N)})
    variables = [
        Variable('FREQ', 'How often?', value_labels={1: 'Daily', 2: 'Weekly', 3: PHONE}),
        Variable('CITY', 'City', value_labels={1: 'Moscow', 2: 'Kazan', 3: 'Tver'}),
        Variable('GENDER', 'Gender', value_labels={1: 'Man', 2: 'Woman'}),
        Variable('GROUP', 'Group', value_labels={k: f'Group {k}' for k in range(1, 7)}),
        Variable('AGE', 'Age', measure='scale'),
        Variable('BIG', 'Brand used most', value_labels={k: f'Brand {k}'
                                                         for k in range(1, 106)}),
        Variable('w', 'Census weight', measure='scale', role='weight')]
    return Dataset(data, variables, weights=['w'])


@pytest.fixture(scope='module')
def result(dataset):
    return BannerTable(['FREQ', 'AGE'], ['CITY', 'GENDER'], weight='w', preset='spss',
                       alphas=(0.05, 0.10), statistics=('column_percent', 'count')).fit(dataset)


@pytest.fixture(scope='module')
def report(result):
    freq = result['FREQ']
    topline = Section('topline', 'Q1. How often?', base=BASE,
                      chart=Chart('bar', ('Daily', 'Weekly', FORMULA_TITLE),
                                  (('Total', (41.5, None, 30.25)),)),
                      grid=Grid(('Answer', 'n', '%'), (('Daily', '120', '41.5%'),)))
    grid_only = Section('topline', 'Q2. Summary', base=BASE, notes=('Top-2 box',),
                        grid=Grid(('Answer', 'n', '%'),
                                  (('Yes', '200', '66.7%'), ('No', '100', '33.3%')),
                                  ('left', 'right', 'right')))
    stacked = Section('topline', 'Q3. Grid', base=BASE,
                      chart=Chart('stacked', ('Price', 'Taste'),
                                  (('Agree', (60.0, 30.0)), ('Disagree', (40.0, 70.0)))))
    line = Section('topline', 'Q4. Trend', base=BASE,
                   chart=Chart('line', ('Wave 1', 'Wave 2', 'Wave 3'),
                               (('Aware', (10.0, None, 30.0)), ('Used', (5.0, 8.0, 12.0)))))
    sections = (topline,
                Section('table', 'FREQ. How often? by city', table=freq, base=BASE,
                        notes=tuple(freq.notes)),
                Section('table', FORMULA_TITLE, table=result['AGE'], base='Base: all'),
                grid_only, stacked, line,
                Section('table', 'Saved table', grid=Grid(
                    ('The table could not be run',), (('There is no variable Q9.',),),
                    ('left',))))
    return Report('Brand tracker', PHONE, '7 December 2026', ('Weighted by Census weight',),
                  sections)


@pytest.fixture(scope='module')
def workbook(report, tmp_path_factory):
    path = tmp_path_factory.mktemp('xlsx') / 'tables.xlsx'
    assert write_tables_workbook(report, path) == 2
    return openpyxl.load_workbook(path)


@pytest.fixture(scope='module')
def deck(report, tmp_path_factory):
    path = tmp_path_factory.mktemp('pptx') / 'report.pptx'
    count = write_deck(report, path)
    deck = Presentation(path)
    assert count == len(deck.slides)
    return deck


def lines_by_label(sheet):
    """``{(row label, statistic label): Excel row}``; a block's later lines have no row label."""
    found, current = {}, None
    for row in range(1, sheet.max_row + 1):
        label, statistic = sheet.cell(row, 1).value, sheet.cell(row, 2).value
        if label is not None:
            current = label
        if label is not None or statistic is not None:
            found[(current, statistic)] = row
    return found


def figures(sheet, row, count):
    return [sheet.cell(row, 3 + offset).value for offset in range(count)]


def expected(values):
    return [None if np.isnan(value) else pytest.approx(value) for value in values]


# --- Excel -----------------------------------------------------------------------------------

def test_contents_sheet_lists_every_table_with_a_link(workbook, report):
    assert workbook.sheetnames == ['Contents', '1 FREQ. How often by city',
                                   '2 =HYPERLINK("http example.com"']
    contents = workbook['Contents']
    assert [contents.cell(row, 1).value for row in range(1, 5)] == [
        'Brand tracker', "'+7 495", '7 December 2026', 'Weighted by Census weight']
    assert contents['B7'].value == 'FREQ. How often? by city'
    assert contents['B7'].hyperlink.location == "'1 FREQ. How often by city'!A1"
    assert contents['B8'].value == "'" + FORMULA_TITLE and contents['B8'].data_type == 's'
    assert contents['B8'].hyperlink.location == "'2 =HYPERLINK(\"http example.com\"'!A1"
    assert contents['C7'].value == BASE
    # A saved table that no longer runs is listed with the reason, without a sheet.
    assert [contents.cell(9, column).value for column in (1, 2, 3)] == [
        None, 'Saved table', 'There is no variable Q9.']
    assert contents['B9'].hyperlink is None


def test_table_sheet_header_spans_banner_variables_and_shows_letters(workbook, result):
    table = result['FREQ']
    sheet = workbook.worksheets[1]
    assert sheet['A1'].value == 'FREQ. How often? by city'
    assert sheet.freeze_panes == 'C7'
    assert sorted(str(cells) for cells in sheet.merged_cells.ranges) == ['D4:F4', 'G4:H4']
    assert (sheet['D4'].value, sheet['G4'].value) == ('CITY', 'GENDER')
    columns = len(table.columns)
    assert [sheet.cell(5, 3 + k).value for k in range(columns)] == [
        'Total', 'Moscow', 'Kazan', 'Tver', 'Man', 'Woman']
    assert [sheet.cell(6, 3 + k).value for k in range(columns)] == [
        None, '(A)', '(B)', '(C)', '(D)', '(E)']


def test_table_sheet_figures_are_numbers_and_letters_sit_under_them(workbook, result):
    table = result['FREQ']
    assert (table.letters != '').to_numpy().any()  # the fixture makes Moscow and Kazan differ
    sheet = workbook.worksheets[1]
    lines = lines_by_label(sheet)
    columns = len(table.columns)
    for r, row in enumerate(table.rows):
        label = "'" + row.label if row.label == PHONE else row.label
        percent = lines[(label, 'Column %')]
        assert figures(sheet, percent, columns) == expected(
            table.column_percent.iloc[r].to_numpy() / 100)
        assert sheet.cell(percent, 3).number_format == '0.0%'
        count = lines[(label, 'Counts')]
        assert count == percent + 1  # statistics in the order asked for
        assert figures(sheet, count, columns) == expected(table.counts.iloc[r].to_numpy())
        assert sheet.cell(count, 3).number_format == '#,##0'
        letters = figures(sheet, lines[(label, 'Significance')], columns)
        assert [value or '' for value in letters] == table.letters.iloc[r].tolist()
    # A label that a spreadsheet would run is stored as text, not as a formula.
    phone = sheet.cell(lines[("'" + PHONE, 'Column %')], 1)
    assert phone.value == "'+7 495" and phone.data_type == 's'


def test_table_sheet_bases_and_small_base_flag(workbook, result):
    table = result['FREQ']
    sheet = workbook.worksheets[1]
    columns = len(table.columns)
    assert [sheet.cell(row, 1).value for row in (7, 8, 9)] == [
        'Weighted base', 'Unweighted base', 'Effective base']
    for row, base in ((7, 'weighted'), (8, 'unweighted'), (9, 'effective')):
        assert figures(sheet, row, columns) == expected(table.bases.loc[base].to_numpy())
    tver = [c.key for c in table.columns].index('CITY:3') + 3
    assert table.small_base['CITY:3'] and not table.small_base['CITY:1']
    assert sheet.cell(8, tver).number_format == '#,##0"*"'
    assert sheet.cell(8, tver).font.i and not sheet.cell(8, 4).font.i
    assert sheet.cell(8, 4).number_format == '#,##0'


def test_notes_under_the_table_name_base_preset_alphas_and_weight(workbook):
    sheet = workbook.worksheets[1]
    texts = [sheet.cell(row, 1).value for row in range(1, sheet.max_row + 1)]
    notes = texts[texts.index(BASE):]
    assert 'Column tests: IBM SPSS Custom Tables.' in notes
    assert 'Letters: upper case p < 0.05, lower case p < 0.1.' in notes
    assert 'Weighted by Census weight; tests use weighted bases.' in notes
    assert any(note.startswith('CITY: chi-square = ') for note in notes)
    assert notes[-1] == '* Small base: Tver (C)'


def test_numeric_table_sheet_and_a_title_that_looks_like_a_formula(workbook, result):
    table = result['AGE']
    sheet = workbook.worksheets[2]
    assert sheet['A1'].value == "'" + FORMULA_TITLE and sheet['A1'].data_type == 's'
    lines = lines_by_label(sheet)
    columns = len(table.columns)
    mean = lines[('Mean', None)]
    assert figures(sheet, mean, columns) == expected(table.counts.loc['mean'].to_numpy())
    assert sheet.cell(mean, 3).number_format == '0.00'
    assert sheet.cell(mean + 1, 2).value == 'Significance'
    assert sheet.cell(lines[('n', None)], 3).number_format == '#,##0'
    # Notes the section does not carry come from the table itself.
    texts = [sheet.cell(row, 1).value for row in range(1, sheet.max_row + 1)]
    assert 'Column tests: IBM SPSS Custom Tables.' in texts


def test_sheet_names_are_unique_legal_and_short(result, tmp_path):
    titles = ['A' * 40, 'Same title', 'Same title', 'SAME TITLE', "Q5: [a/b]*?\\ 'x'",
              "'quoted'", '']
    sections = tuple(Section('table', title, table=result['FREQ']) for title in titles)
    path = tmp_path / 'names.xlsx'
    assert write_tables_workbook(Report('R', '', '', sections=sections), path) == len(titles)
    names = openpyxl.load_workbook(path).sheetnames[1:]
    assert len({name.casefold() for name in names}) == len(titles)
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set('[]:*?/\\') and name[0] != "'" and name[-1] != "'"
    assert names[0] == '1 ' + 'A' * 29


# --- PowerPoint ------------------------------------------------------------------------------

def slide_table(slide):
    return next(shape.table for shape in slide.shapes if shape.has_table)


def slide_chart(slide):
    return next(shape.chart for shape in slide.shapes if shape.has_chart)


def table_text(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_deck_is_widescreen_with_a_title_slide_and_one_slide_per_section(deck, report):
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)
    slides = list(deck.slides)
    assert len(slides) == 1 + len(report.sections)
    assert [s.shapes.title.text for s in slides] == [
        'Brand tracker', *[section.title for section in report.sections]]
    texts = [shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame]
    assert '+7 495\n7 December 2026' in texts and 'Weighted by Census weight' in texts


def test_topline_chart_is_a_native_horizontal_bar_chart_with_the_numbers(deck):
    chart = slide_chart(deck.slides[1])
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    plot = chart.plots[0]
    assert list(plot.categories) == ['Daily', 'Weekly', FORMULA_TITLE]
    assert [(s.name, s.values) for s in plot.series] == [('Total', (41.5, None, 30.25))]
    assert plot.has_data_labels and '%' in plot.data_labels.number_format
    assert not chart.has_legend
    # The workbook PowerPoint opens to edit the data holds the label as text, not a formula.
    data = openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    sheet = data.active
    assert [sheet.cell(row, 1).value for row in range(2, 5)] == ['Daily', 'Weekly',
                                                                  FORMULA_TITLE]
    assert sheet.cell(4, 1).data_type == 's'
    assert (sheet['B1'].value, sheet['B2'].value, sheet['B3'].value) == ('Total', 41.5, None)


def test_stacked_and_line_charts_keep_their_series_and_show_a_legend(deck):
    stacked, line = slide_chart(deck.slides[5]), slide_chart(deck.slides[6])
    assert stacked.chart_type == XL_CHART_TYPE.BAR_STACKED_100
    assert list(stacked.plots[0].categories) == ['Price', 'Taste']
    assert [(s.name, s.values) for s in stacked.plots[0].series] == [
        ('Agree', (60.0, 30.0)), ('Disagree', (40.0, 70.0))]
    assert line.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert [(s.name, s.values) for s in line.plots[0].series] == [
        ('Aware', (10.0, None, 30.0)), ('Used', (5.0, 8.0, 12.0))]
    assert stacked.has_legend and line.has_legend


def test_banner_table_slide_shows_column_percent_with_letters_and_bases(deck, result):
    table = result['FREQ']
    slide = deck.slides[2]
    cells = table_text(slide_table(slide))
    header = slide_table(slide).cell(0, 2)
    assert header.is_merge_origin and header.span_width == 3
    assert cells[0][2] == 'CITY' and cells[0][5] == 'GENDER'
    assert cells[1] == ['', 'Total', 'Moscow (A)', 'Kazan (B)', 'Tver (C)', 'Man (D)',
                        'Woman (E)']
    assert cells[2] == ['Unweighted base'] + [
        f'{value:,.0f}' + ('*' if small else '')
        for value, small in zip(table.bases.loc['unweighted'], table.small_base)]
    assert [line[0] for line in cells[3:]] == [row.label for row in table.rows]
    for r in range(len(table.rows)):
        for j, text in enumerate(cells[3 + r][1:]):
            percent, letters = table.column_percent.iloc[r, j], table.letters.iloc[r, j]
            assert text == f'{percent:.0f}% {letters}'.rstrip()
    assert any(text.endswith(' A') or text.endswith(' B') for line in cells for text in line)
    notes = slide.notes_slide.notes_text_frame.text
    assert BASE in notes and 'Column tests: IBM SPSS Custom Tables.' in notes


def test_numeric_table_and_grid_slides(deck, result):
    table = result['AGE']
    cells = table_text(slide_table(deck.slides[3]))
    assert [line[0] for line in cells[3:]] == ['Mean', 'Standard deviation', 'n']
    assert cells[3][1] == f"{table.counts.loc['mean', 'Total']:.1f}"
    assert 'Base: all' in deck.slides[3].notes_slide.notes_text_frame.text
    grid = table_text(slide_table(deck.slides[4]))
    assert grid == [['Answer', 'n', '%'], ['Yes', '200', '66.7%'], ['No', '100', '33.3%']]
    notes = deck.slides[4].notes_slide.notes_text_frame.text
    assert notes == f'{BASE}\nTop-2 box'
    assert table_text(slide_table(deck.slides[7])) == [['The table could not be run'],
                                                        ['There is no variable Q9.']]


def test_a_long_and_wide_table_continues_over_slides(dataset, tmp_path):
    table = BannerTable(['BIG'], ['CITY', 'GENDER', 'GROUP'], weight='w').fit(dataset)['BIG']
    assert len(table.rows) == 105 and len(table.columns) == 12
    report = Report('Big', '', '', sections=(Section('table', 'Brands', table=table),))
    path = tmp_path / 'big.pptx'
    count = write_deck(report, path)
    slides = list(Presentation(path).slides)[1:]
    # 105 lines in slides of 12; CITY and GENDER (5 columns) fit beside Total, GROUP (6) next.
    row_slides = -(-105 // MAX_TABLE_ROWS)
    assert count == 1 + 2 * row_slides == 1 + len(slides)
    assert slides[0].shapes.title.text == 'Brands'
    assert all(s.shapes.title.text == 'Brands (continued)' for s in slides[1:])
    seen = {}
    for slide in slides:
        cells = table_text(slide_table(slide))
        assert len(cells) <= 3 + MAX_TABLE_ROWS and len(cells[0]) <= 1 + MAX_TABLE_COLUMNS
        assert cells[1][1] == 'Total' and cells[2][0] == 'Unweighted base'
        for line in cells[3:]:
            seen[line[0]] = seen.get(line[0], 0) + 1
    assert seen == {f'Brand {k}': 2 for k in range(1, 106)}
    first, wide = (table_text(slide_table(slides[k])) for k in (0, row_slides))
    assert [text for text in first[0] if text] == ['CITY', 'GENDER']
    assert first[1] == ['', 'Total', 'Moscow (A)', 'Kazan (B)', 'Tver (C)', 'Man (D)',
                        'Woman (E)']
    assert [text for text in wide[0] if text] == ['GROUP']
    assert wide[1][:3] == ['', 'Total', 'Group 1 (F)'] and len(wide[1]) == 8


def test_long_labels_are_cut_and_tall_lines_move_to_the_next_slide(tmp_path):
    words = ' '.join(['satisfied'] * 20)  # 199 characters
    rows = tuple((f'{k}. {words}', str(k), f'{k}.0%') for k in range(1, 13))
    section = Section('topline', 'Q9. ' + 'Long title ' * 30, base=BASE,
                      grid=Grid(('Statement', 'n', '%'), rows, ('left', 'right', 'right')))
    path = tmp_path / 'long.pptx'
    write_deck(Report('Long', '', '', sections=(section,)), path)
    deck = Presentation(path)
    slides = list(deck.slides)[1:]
    # Each label wraps over two lines, so fewer than MAX_TABLE_ROWS fit on a slide.
    assert len(slides) == 2
    labels = []
    for slide in slides:
        frame = next(shape for shape in slide.shapes if shape.has_table)
        assert frame.top + frame.height <= 6.75 * 914400  # above the footer
        labels += [line[0] for line in table_text(frame.table)[1:]]
        title = slide.shapes.title.text
        assert len(title) <= 160 and title.startswith('Q9. Long title Long title')
    assert slides[0].shapes.title.text.endswith('Long title…')
    assert slides[1].shapes.title.text.endswith('Long title… (continued)')
    assert len(labels) == 12
    assert all(len(label) <= 70 and label.endswith('satisfied…') for label in labels)
    assert labels[0].startswith('1. satisfied') and labels[-1].startswith('12. satisfied')
