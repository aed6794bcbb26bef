"""The deliverables issue's "done when", tried in a real browser as a new user would.

On the demo study's closed wave the demo researcher downloads the SPSS file (read back with
pyreadstat: every variable and value label of the questionnaire is there), the banner tables as
an Excel workbook (openpyxl), the PDF report (pypdf for the text; PDFium renders pages to PNG,
checked for ink and saved under /tmp for a person to look at) and the PowerPoint deck
(python-pptx); then imports a .sav written by another tool (pyreadstat, with labels and
user-missing codes) and runs a banner table on it, whose figures are compared with the
analysis library run directly on the file.
"""
import io
import re

import numpy as np
import openpyxl
import pyreadstat
import pytest
from playwright.sync_api import expect
from pptx import Presentation
from pypdf import PdfReader

from analysis.imports import read_sav
from analysis.tables import BannerTable
from research.extensions import db
from tests.browser.test_accessibility import assert_axe_clean
from tests.browser.test_analysis_demo_journey import heading, open_analysis

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_app, base_url, tmp_path, monkeypatch):
    """The demo researcher and study as ``make run`` creates them; the closed wave's ids."""
    from research.demo import DEMO_CLOSED_SURVEY_TITLE, load_demo

    monkeypatch.setitem(live_app.config, "ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(live_app.config, "JOB_FILES_DIR", str(tmp_path / "jobs"))
    with live_app.app_context():
        user, study = load_demo()
        db.session.commit()
        closed = next(s for s in study.surveys if s.title == DEMO_CLOSED_SURVEY_TITLE)
        from research.reports.datasets import build_dataset
        dataset = build_dataset(closed, use_cache=False)
        metadata = {v.name: (v.label, dict(v.value_labels)) for v in dataset.variables.values()
                    if v.kind == "numeric"}
        made = {"email": user.email, "password": live_app.config["DEMO_PASSWORD"],
                "study": study.id, "study_title": study.title, "survey": closed.id,
                "survey_title": closed.title, "metadata": metadata, "rows": len(dataset)}
        db.session.remove()
    return made


def finished_download(page, folder, timeout=60_000):
    """Wait on the job page (it refreshes itself) for the Download link; the saved file."""
    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible(timeout=timeout)
    with page.expect_download() as info:
        link.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_deliverables_of_the_demo_wave(new_page, log_in, demo, tmp_path):
    page = new_page()
    open_analysis(page, log_in, demo)
    tabs = page.get_by_role("navigation", name="Analysis")

    # 1. SPSS file: every label of the questionnaire, read back by pyreadstat.
    tabs.get_by_role("link", name="Export").click()
    expect(heading(page)).to_have_text("Export respondent data")
    page.get_by_label("Format").select_option("sav")
    page.get_by_role("button", name="Start export").click()
    sav = finished_download(page, tmp_path)
    assert sav.suffix == ".sav"
    frame, meta = pyreadstat.read_sav(str(sav))
    assert len(frame) == demo["rows"]
    labels = dict(zip(meta.column_names, meta.column_labels))
    for name, (label, value_labels) in demo["metadata"].items():
        assert labels[name] == label, name
        if value_labels:
            stored = meta.variable_value_labels[name]
            assert {float(code): text for code, text in value_labels.items()} == \
                {float(code): text for code, text in stored.items()}, name

    # 2. Report files: the banner workbook, the PDF and the deck.
    open_report_page(page, demo)
    assert_axe_clean(page, "report files page", {})
    page.get_by_label("Format").select_option("xlsx")
    page.get_by_role("button", name="Make the file").click()
    book = openpyxl.load_workbook(finished_download(page, tmp_path))
    assert len(book.sheetnames) >= 6  # contents + one sheet per row variable of the demo table
    texts = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for c in row if c.value is not None}
    assert "Москва" in texts and any("IBM SPSS Custom Tables" in t for t in texts)

    open_report_page(page, demo)
    page.get_by_label("Format").select_option("pdf")
    page.get_by_role("button", name="Make the file").click()
    pdf_path = finished_download(page, tmp_path)
    reader = PdfReader(str(pdf_path))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert demo["survey_title"] in text and "Net Promoter Score" in text
    ink = rendered_ink(pdf_path, (0, len(reader.pages) - 1), "/tmp/deliverables_pdf_page")
    assert all(share > 0.01 for share in ink), ink

    open_report_page(page, demo)
    page.get_by_label("Format").select_option("pptx")
    page.get_by_role("button", name="Make the file").click()
    deck = Presentation(str(finished_download(page, tmp_path)))
    slides = list(deck.slides)
    assert demo["survey_title"] in slides[0].shapes.title.text
    assert sum(any(s.has_chart for s in slide.shapes) for slide in slides) >= 10
    assert any(any(s.has_table for s in slide.shapes) for slide in slides)

    # 3. A .sav from elsewhere, imported into the study, with a banner table run on it.
    check_import(page, demo, tmp_path)


def open_report_page(page, demo):
    page.goto(f"/studies/{demo['study']}/surveys/{demo['survey']}/analysis/report")
    expect(heading(page)).to_have_text("Report for clients")


def rendered_ink(pdf_path, pages, stem):
    """Share of non-white pixels of each page rendered at 100 dpi (PNG saved as ``stem-N``)."""
    import pypdfium2
    document = pypdfium2.PdfDocument(str(pdf_path))
    shares = []
    try:
        for number in pages:
            image = document[number].render(scale=100 / 72).to_pil().convert("L")
            image.save(f"{stem}-{number + 1}.png")
            pixels = np.asarray(image)
            shares.append(float((pixels < 200).mean()))
    finally:
        document.close()
    return shares


def other_tool_sav(path):
    """A file as another tool writes it: labels, value labels, 98 "Don't know" user-missing."""
    import pandas as pd
    rng = np.random.default_rng(11)
    n = 300
    region = rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2])
    liking = np.where(region == 1, rng.choice([1, 2, 3, 4, 5, 98], n),
                      rng.choice([3, 4, 5, 98], n))
    frame = pd.DataFrame({"region": region.astype(float), "liking": liking.astype(float),
                          "spend": rng.normal(500, 120, n).round(0)})
    pyreadstat.write_sav(
        frame, str(path),
        column_labels={"region": "Region of residence", "liking": "Liking of the concept",
                       "spend": "Monthly spend, RUB"},
        variable_value_labels={
            "region": {1.0: "North", 2.0: "South", 3.0: "East"},
            "liking": {1.0: "Dislike a lot", 2.0: "Dislike", 3.0: "Neutral", 4.0: "Like",
                       5.0: "Like a lot", 98.0: "Don't know"}},
        missing_ranges={"liking": [98.0]},
        variable_measure={"region": "nominal", "liking": "ordinal", "spend": "scale"})


def check_import(page, demo, tmp_path):
    sav = tmp_path / "concept_test.sav"
    other_tool_sav(sav)
    expected = BannerTable(["liking"], ["region"]).fit(read_sav(str(sav)).dataset)["liking"]
    page.goto(f"/studies/{demo['study']}")
    page.get_by_role("link", name="Import data").click()
    assert_axe_clean(page, "import page", {})
    page.get_by_label("Title").fill("Concept test (agency file)")
    page.get_by_label("File", exact=True).set_input_files(str(sav))
    page.get_by_role("button", name=re.compile("^Import")).click()
    open_link = page.get_by_role("link", name="Open the dataset")
    expect(open_link).to_be_visible(timeout=60_000)
    open_link.click()
    page.get_by_role("link", name="Analysis", exact=True).click()
    page.get_by_role("navigation", name="Analysis").get_by_role(
        "link", name="Banner tables").click()
    page.get_by_label("Rows").select_option(["liking"])
    page.get_by_label("Banner (columns)").select_option(["region"])
    page.get_by_role("button", name="Run").click()
    table = page.locator("table.banner").first
    expect(table).to_contain_text("Liking of the concept")
    for key in ("region:1", "region:2", "region:3"):
        column = expected.column(key)
        expect(table.locator("thead")).to_contain_text(column.label)
    north_like = expected.column_percent.at["4", "region:1"]
    assert f"{north_like:.1f}" in table.inner_text()
    page.screenshot(path="/tmp/deliverables_import_banner.png", full_page=True)
