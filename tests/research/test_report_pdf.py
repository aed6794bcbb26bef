"""The report PDF (``research.reports.report_pdf``) read back as a reader gets it.

A real banner table (``analysis.tables.BannerTable`` on a small dataset), a topline with a
chart and a grid, labels in Cyrillic and a ``<script>`` label; the PDF is written once per
module and read back with pypdf (its text) and pypdfium2 (its pages as pixels), independent
of the HTML and of WeasyPrint. Only an app context is needed (templates, translations), no
database: the app is made once for the module, on an in-memory database it never opens.
"""
import re

import numpy as np
import pandas as pd
import pypdf
import pypdfium2
import pytest
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from analysis.dataset import Dataset, Variable
from analysis.report_content import Chart, Grid, Report, Section
from analysis.tables import BannerTable
from research import create_app
from research.reports.report_pdf import (COLUMNS_PER_PART, InlineOnlyFetcher, chart_svg,
                                         printed_section, table_parts, write_pdf)
from tests.conftest import make_config

SCRIPT = "<script>alert(1)</script>"
CITIES = ["Москва", "Санкт-Петербург", "Казань", "Омск", "Тверь", "Новосибирск",
          "Екатеринбург", "Владивосток"]
A4 = (595, 842)  # points, portrait


@pytest.fixture(scope="module")
def app_context():
    app = create_app(make_config("sqlite://"))
    with app.app_context():
        yield app


@pytest.fixture(scope="module")
def dataset():
    """Men say "every day" far more often than women, so the table has letters to print."""
    rng = np.random.default_rng(11)
    n = 300
    gender = rng.choice([1, 2], n)
    freq = np.where(gender == 1, rng.choice([1, 2, 3, 4], n, p=[0.5, 0.3, 0.15, 0.05]),
                    rng.choice([1, 2, 3, 4], n, p=[0.15, 0.25, 0.3, 0.3]))
    data = pd.DataFrame({"FREQ": freq.astype(float), "GENDER": gender,
                         "CITY": rng.choice(range(1, 9), n), "w": rng.uniform(0.5, 2.0, n)})
    variables = [
        Variable("FREQ", "Как часто вы пьёте кофе?",
                 value_labels={1: "Каждый день", 2: "Раз в неделю", 3: SCRIPT, 4: "Никогда"}),
        Variable("GENDER", "Пол", value_labels={1: "Мужчина", 2: "Женщина"}),
        Variable("CITY", "Город", value_labels=dict(enumerate(CITIES, start=1))),
        Variable("w", "Weight", measure="scale", role="weight"),
    ]
    return Dataset(data, variables, weights=["w"])


@pytest.fixture(scope="module")
def tables(dataset):
    by_gender = BannerTable(["FREQ"], ["GENDER"],
                            statistics=("column_percent", "count")).fit(dataset)["FREQ"]
    by_city = BannerTable(["FREQ"], ["GENDER", "CITY"], weight="w").fit(dataset)["FREQ"]
    return by_gender, by_city


@pytest.fixture(scope="module")
def report(tables):
    labels = ("Каждый день", "Раз в неделю", SCRIPT, "Никогда")
    shares = (31.0, 27.7, 22.7, 18.6)
    topline = Section(
        "topline", "Q1. Как часто вы пьёте кофе?",
        chart=Chart("bar", labels, (("Total", shares),)),
        grid=Grid(("Ответ", "Count", "Valid, %"),
                  tuple((label, str(round(3 * share)), f"{share:.1f}")
                        for label, share in zip(labels, shares)),
                  ("left", "right", "right")),
        base="Base: 300 respondents who answered", notes=("Top-2 box: 58.7 %",))
    by_gender, by_city = tables
    return Report(
        title="Утро с кофе: осенняя волна", subtitle="Brand tracker", date="12 November 2026",
        notes=("Toplines: 300 complete, valid responses",),
        sections=(topline,
                  Section("table", "Q1 by gender", table=by_gender, base="Base: 300 respondents",
                          notes=tuple(by_gender.notes)),
                  Section("table", "Q1 by gender and city", table=by_city,
                          base="Base: 300 respondents · weighted")))


@pytest.fixture(scope="module")
def pdf(app_context, report, tmp_path_factory):
    path = tmp_path_factory.mktemp("report-pdf") / "report.pdf"
    pages = write_pdf(report, path)
    reader = pypdf.PdfReader(path)
    texts = [page.extract_text() for page in reader.pages]
    return {"path": path, "pages": pages, "reader": reader, "texts": texts}


def page_showing(pdf, text):
    return next(number for number, page in enumerate(pdf["texts"]) if text in page)


def test_pdf_has_the_title_page_and_every_section(pdf, report):
    assert pdf["pages"] == len(pdf["reader"].pages) >= 4
    first = pdf["texts"][0]
    for text in (report.title, report.subtitle, report.date, report.notes[0]):
        assert text in first
    everything = "\n".join(pdf["texts"])
    for section in report.sections:
        # Once in the contents, once as the heading of the section.
        assert everything.count(section.title) >= 2
    assert "Каждый день" in everything and "Мужчина" in everything
    assert SCRIPT in everything  # printed as text, in the chart, the grid and the tables
    assert "Top-2 box: 58.7 %" in everything and "Base: 300 respondents who answered" in everything
    assert pdf["reader"].metadata.title == report.title


def test_every_page_but_the_first_says_which_page_of_how_many(pdf, report):
    total = pdf["pages"]
    assert "Page 1 of" not in pdf["texts"][0]
    for number, text in enumerate(pdf["texts"][1:], start=2):
        assert f"Page {number} of {total}" in text
        assert report.title in text  # the running header


def test_banner_table_prints_letters_beside_the_percentages_and_the_bases(pdf, tables):
    table = tables[0]
    text = pdf["texts"][page_showing(pdf, "Q1 by gender\n")]
    headers = [f"{c.label} ({c.letter})" for c in table.columns if c.letter]
    assert all(header in text for header in headers)
    bases = [f"{value:,.0f}" for value in table.bases.loc["unweighted"]]
    assert re.search(r"Unweighted base\s+" + r"\**\s+".join(bases), text)
    letters_seen = 0
    for row in table.rows:
        for column in table.columns:
            letters = table.letters.at[row.key, column.key]
            percent = f"{table.column_percent.at[row.key, column.key]:.1f}"
            count = f"{table.counts.at[row.key, column.key]:,.0f}"
            assert percent in text and count in text
            if letters:
                letters_seen += 1
                assert re.search(rf"{re.escape(percent)}\s*%\s*{letters}\b", text)
    assert letters_seen, "the dataset is built so that some column is significantly higher"
    assert "Cells: Column %, Counts" in text


def test_wide_weighted_table_gets_a_landscape_page_with_every_column(pdf, tables):
    table = tables[1]
    number = page_showing(pdf, "Q1 by gender and city\n")
    width, height = (float(v) for v in pdf["reader"].pages[number].mediabox[2:])
    assert (width, height) == pytest.approx(A4[::-1], abs=1)
    assert tuple(float(v) for v in pdf["reader"].pages[0].mediabox[2:]) == pytest.approx(A4, abs=1)
    text = pdf["texts"][number]
    assert "Weighted base" in text and "Effective base" in text
    unwrapped = text.replace("-\n", "-")  # "Санкт-Петербург" wraps at its hyphen
    assert all(column.label in unwrapped for column in table.columns)
    flagged = [f"{value:,.0f}*" for value, small in
               zip(table.bases.loc["unweighted"], table.small_base) if small]
    assert flagged and all(flag in text.replace(" ", "") for flag in flagged)
    assert "* Small base" in text


@pytest.mark.parametrize("columns, page", [(8, "portrait"), (12, "portrait"), (13, "landscape")])
def test_a_grid_turns_the_page_only_when_much_wider_than_a_banner(columns, page):
    # A grid's cells are single short figures: 8 columns (a 7-point scale) fit upright.
    header = ("",) + tuple(str(code) for code in range(1, columns))
    grid = Grid(header, (("Price",) + ("12.5",) * (columns - 1),))
    assert printed_section(Section("topline", "Grid", grid=grid), "s1").page == page


def test_pages_are_drawn_not_blank(pdf):
    document = pypdfium2.PdfDocument(pdf["path"])
    try:
        for number in (0, page_showing(pdf, "Q1 by gender\n")):
            pixels = document[number].render(scale=0.5, grayscale=True).to_numpy()
            inked = (pixels < 200).mean()
            assert 0.003 < inked < 0.5, (number, inked)
    finally:
        document.close()


def test_report_without_sections_is_its_title_page(app_context, tmp_path):
    report = Report(title="Пустой отчёт", subtitle="", date="1 December 2026")
    path = tmp_path / "empty.pdf"
    assert write_pdf(report, path) == 1
    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert "Пустой отчёт" in text and "1 December 2026" in text


def test_chart_labels_from_users_are_escaped_in_the_svg():
    svg = chart_svg(Chart("bar", (SCRIPT, "$5 to $10"), (("Total", (40.0, None)),)), SCRIPT)
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert ">$5 to $10</text>" in svg  # printed as typed, not as TeX mathematics


@pytest.mark.parametrize("chart, texts", [
    (Chart("bar", ("a", "b"), (("Total", (1.0, 2.0)),)), ("a", "b", "1.0", "2.0", "%")),
    (Chart("bar", ("a", "b"), (("Men", (1.0, 2.0)), ("Men", (3.0, None)))),
     ("a", "b", "Men", "Men (2)")),
    (Chart("stacked", ("item 1", "item 2"), (("Yes", (60.0, 30.0)), ("No", (40.0, 70.0)))),
     ("item 1", "item 2", "Yes", "No", "60", "70")),
    (Chart("line", ("W1", "W2", "W3"), (("Aware", (30.0, None, 45.0)),), unit="pts"),
     ("W1", "W2", "W3", "pts")),
])
def test_every_chart_kind_is_drawn_with_its_labels(chart, texts):
    svg = chart_svg(chart, "title")
    drawn = set(re.findall(r">([^<>]+)</text>", svg))
    assert set(texts) <= drawn


def test_very_wide_banner_is_split_into_tables_that_each_start_with_total(tables):
    total, *banner = tables[1].columns
    banner = banner * 3  # 30 banner columns
    parts = table_parts([total] + banner)
    assert len(parts) == 3
    assert all(len(part.columns) <= COLUMNS_PER_PART for part in parts)
    assert all(part.columns[0] is total for part in parts)
    assert [c for part in parts for c in part.columns[1:]] == banner
    assert sum(span for part in parts for _variable, span in part.groups) == \
        sum(len(part.columns) for part in parts)


def test_pdf_fetches_nothing_but_data_urls():
    fetcher = InlineOnlyFetcher()
    for url in ("https://example.org/logo.png", "file:///etc/passwd", "ftp://example.org/a"):
        with pytest.raises(FatalURLFetchingError):
            fetcher.fetch(url)
    with pytest.raises(FatalURLFetchingError):
        HTML(string='<img src="http://127.0.0.1:9/logo.png">', base_url=None,
             url_fetcher=fetcher).render()
    pixel = ("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' "
             "width='1' height='1'/>")
    assert fetcher.fetch(pixel).url.startswith("data:")
