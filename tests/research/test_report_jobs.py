"""Report files (PDF, PowerPoint, Excel) made by the ``report_export`` job, end to end.

Each file is downloaded through the job page and read back by an independent reader: pypdf
for the PDF's text, python-pptx for slides, charts and notes, openpyxl for the workbook. The
figures are compared with a banner table and toplines computed directly by ``analysis`` on a
dataset rebuilt from the stored responses.
"""
import io
import math

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from analysis.tables import BannerTable
from research.demo import DEMO_TABLE
from research.demo_questionnaire import demo_definition
from research.demo_responses import add_demo_responses
from research.extensions import db
from research.models import ExportRecord, SavedTable
from research.reports.services import load_analysis
from surveys.builder.versions import publish, replace_draft
from surveys.manage.services import create_survey
from tests.research.test_jobs import download, run_queued, wait_for

TABLE_NAME = "Key measures =by city"


@pytest.fixture
def app_config(tmp_path):
    return {"ANALYSIS_CACHE_DIR": str(tmp_path / "analysis-cache"),
            "JOB_FILES_DIR": str(tmp_path / "job-files")}


@pytest.fixture
def survey(logged_in, make_study):
    owner = logged_in[1]
    study = make_study(owner)
    survey = create_survey(study, owner, "Coffee wave 1", "adhoc", "en", [])
    replace_draft(survey, demo_definition())
    publish(survey, owner)
    add_demo_responses(survey, count=120)
    spec = dict(DEMO_TABLE, rows=["FREQ", "NPS"], banner=["CITY"])
    db.session.add(SavedTable(survey_id=survey.id, name=TABLE_NAME, spec=spec,
                              created_by_id=owner.id))
    db.session.commit()
    return survey


def report_url(survey):
    return f"/studies/{survey.study_id}/surveys/{survey.id}/analysis/report"


def make_file(app, web, survey, **fields):
    saved = db.session.query(SavedTable).filter_by(survey_id=survey.id).one()
    data = {"format": "pdf", "toplines": "y", "tables": [str(saved.id)], "weight": "",
            "filter": ""}
    data.update(fields)
    response = web.post(report_url(survey), data)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded", job.message
    status, headers, body = download(web, job_id)
    assert status == 200
    return job, headers, body


def expected_table(survey):
    """The FREQ × CITY table computed directly from the dataset, without the web layer."""
    dataset = load_analysis(survey).dataset
    return BannerTable(["FREQ"], ["CITY"], preset="spss", alphas=(0.05, 0.1),
                       nets={"FREQ": [{"label": "Weekly or more", "codes": [1, 2, 3]}]}
                       ).fit(dataset)["FREQ"]


def test_pdf_report_has_toplines_tables_and_bases(app, logged_in, survey):
    web, owner = logged_in
    job, headers, body = make_file(app, web, survey, format="pdf")
    assert headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 3
    assert "Coffee wave 1" in text and TABLE_NAME in text
    assert "Net Promoter Score" in text
    table = expected_table(survey)
    assert table.column("CITY:1").label in text
    record = db.session.query(ExportRecord).filter_by(job_id=job.id).one()
    assert record.format == "pdf" and record.user_id == owner.id
    page = web.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"Report job {job.id}" in page and f'href="{report_url(survey)}"' in page
    assert f'href="/jobs/{job.id}/download"' in page


def test_powerpoint_deck_has_native_charts_with_the_toplines(app, logged_in, survey):
    web, _owner = logged_in
    _job, _headers, body = make_file(app, web, survey, format="pptx", filter="${GENDER} = 1")
    deck = Presentation(io.BytesIO(body))
    slides = list(deck.slides)
    assert "Coffee wave 1" in slides[0].shapes.title.text
    data = load_analysis(survey)
    women = data.filtered("${GENDER} = 1")
    from analysis.toplines import frequencies
    city = frequencies(women, "CITY")
    city = city[city["code"].notna()]
    chart_slides = [s for s in slides if any(shape.has_chart for shape in s.shapes)]
    city_slide = next(s for s in chart_slides if s.shapes.title.text.startswith("CITY"))
    chart = next(shape.chart for shape in city_slide.shapes if shape.has_chart)
    assert list(chart.plots[0].categories) == list(city["label"])
    values = chart.plots[0].series[0].values
    assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(values, city["valid_percent"]))
    notes = city_slide.notes_slide.notes_text_frame.text
    assert str(int(city.attrs["unweighted_valid_base"])) in notes
    table_slides = [s for s in slides if TABLE_NAME in s.shapes.title.text]
    assert table_slides and any(shape.has_table for shape in table_slides[0].shapes)


def test_excel_workbook_has_a_sheet_per_table_with_letters(app, logged_in, survey):
    web, _owner = logged_in
    _job, _headers, body = make_file(app, web, survey, format="xlsx", toplines="")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert len(book.sheetnames) == 3  # contents, FREQ, NPS
    cells = [str(cell.value) for row in book.worksheets[1].iter_rows() for cell in row
             if cell.value is not None]
    table = expected_table(survey)
    assert table.column("CITY:1").label in cells
    assert any(TABLE_NAME in cell for cell in cells)
    numbers = [cell.value for row in book.worksheets[1].iter_rows() for cell in row
               if isinstance(cell.value, float)]
    for value in table.column_percent["CITY:1"].dropna():
        assert any(math.isclose(value, n, abs_tol=1e-6) or math.isclose(value / 100, n,
                                                                         abs_tol=1e-8)
                   for n in numbers)


def test_the_builders_table_as_a_file_and_bad_requests(app, logged_in, survey):
    web, _owner = logged_in
    base = f"/studies/{survey.study_id}/surveys/{survey.id}/analysis/tables"
    query = "rows=FREQ&banner=CITY&preset=q&alpha=0.05&statistics=column_percent"
    page = web.get(f"{base}?{query}").get_data(as_text=True)
    assert 'id="table-file"' in page
    response = web.post(f"{base}/file?{query}", {"format": "xlsx", "name": "=cmd|x"})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded", job.message
    book = openpyxl.load_workbook(io.BytesIO(download(web, job_id)[2]))
    texts = [cell.value for sheet in book.worksheets for row in sheet.iter_rows()
             for cell in row if isinstance(cell.value, str)]
    assert not [text for text in texts if text.startswith("=")]
    assert any(text.startswith("'=cmd|x") for text in texts)
    assert web.post(f"{base}/file?rows=NOPE&banner=CITY", {"format": "xlsx"}).status_code == 422
    tampered = web.post(f"{base}/file?rows=NOPE&study_id=7&_external=1", {"format": "xlsx"})
    assert tampered.status_code == 422 and "Back to the table" in tampered.get_data(as_text=True)
    assert web.post(f"{base}/file?{query}", {"format": "xlsx"}, csrf=False).status_code == 400


def test_report_form_refuses_nothing_chosen_and_viewers(app, logged_in, survey, make_user):
    web, _owner = logged_in
    response = web.post(report_url(survey), {"format": "pdf", "toplines": "", "weight": "",
                                             "filter": ""})
    assert response.status_code == 422
    assert "Choose the toplines" in response.get_data(as_text=True)
    response = web.post(report_url(survey), {"format": "pdf", "toplines": "y",
                                             "weight": "nope", "filter": ""})
    assert response.status_code == 422
    web.logout()
    make_user("stranger@example.org")
    web.login("stranger@example.org", "correct horse battery")
    assert web.get(report_url(survey)).status_code == 404


def test_a_choice_with_an_other_text_and_a_mixed_grid_become_sections(app):
    """An "other, please specify" text goes out; coded and numeric items get a section each."""
    import pandas as pd

    from analysis.dataset import Dataset, Variable
    from research.reports.report_build import topline_section
    from research.reports.services import AnalysisData, topline_sections

    frame = pd.DataFrame({"Q": [1.0, 2.0, 3.0, 1.0], "Q_other": [None, None, "tea", None],
                          "G_1": [1.0, 2.0, 2.0, None], "G_2": [3.5, 4.0, None, 5.0]})
    dataset = Dataset(frame, [
        Variable("Q", "Drink", value_labels={1: "Coffee", 2: "Water", 3: "Other"},
                 question="Q"),
        Variable("Q_other", "Drink: other", kind="string", question="Q", role="other_text"),
        Variable("G_1", "Grid: liked", value_labels={1: "No", 2: "Yes"}, question="G"),
        Variable("G_2", "Grid: hours", measure="scale", question="G")])
    with app.test_request_context():
        sections = [converted for section in topline_sections(
            AnalysisData(dataset, {}, "x"), dataset, None)
            for converted in topline_section(section)]
    assert [(s.title, s.chart is not None) for s in sections] == [
        ("Q. Drink", True), ("G. Grid", True), ("G. Grid", False)]
    assert sections[0].chart.categories == ("Coffee", "Water", "Other")
    assert sections[0].chart.series[0][1] == (50.0, 25.0, 25.0)
    assert sections[2].grid.rows == (("hours", "3", "4.17", "4.00", "0.76", "4", "5"),)


def test_report_files_of_a_survey_without_data_explain_why(app, logged_in, make_study):
    web, owner = logged_in
    draft = create_survey(make_study(owner), owner, "Not yet published", "adhoc", "en", [])
    db.session.commit()
    response = web.get(report_url(draft))
    assert response.status_code == 200
    assert "Make the file" not in response.get_data(as_text=True)
