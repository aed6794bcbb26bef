"""Importing respondent-level files through the app, end to end on the real database (``--db``).

A .sav written here with pyreadstat (variable and value labels, user-missing codes, a nominal
and a scale variable) is uploaded through the real form, read by the ``data_import`` job on the
in-process backend, and analysed through the real report URLs. The banner table the page shows
is compared with ``analysis.tables.BannerTable`` run directly on ``read_sav`` of the same file:
the import must not change a figure. Bad files must fail with the reader's message and leave
nothing behind (no survey, no data file, no upload).
"""
import html
import io
import os
import re
import time
import uuid

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from analysis.dataset import Dataset, MultipleResponseSet, Variable
from analysis.imports import ImportResult, read_sav
from analysis.tables import BannerTable
from research import create_app
from research.extensions import db
from research.imports import services as import_services
from research.imports.views import FORM_ALLOWANCE
from research.jobs import services as job_services
from research.jobs.runner import run_job
from research.models import ImportedDataset, Job, StudyMember, WeightScheme
from research.reports.filters import filter_mask, variable_specs
from research.reports.services import load_analysis
from research.studies.services import delete_study
from surveys.models import Survey
from tests.research.test_jobs import download, run_queued, wait_for
from tests.conftest import (Web, _create_postgres_database, _drop_postgres_database,
                            make_config)

PASSWORD = "correct horse battery"
REDIS_URL = "redis://127.0.0.1:6379/0"
N = 160
IMPORT_LIMIT = 32 * 1024
TABLE_QUERY = {"rows": ["Q1", "AGE"], "banner": ["GENDER"], "preset": "spss", "alpha": "0.05",
               "alpha_low": "0.1", "min_base": "30", "statistics": ["column_percent", "count"]}
LABELS = {"Q1": "How often do you buy coffee?", "GENDER": "Gender", "CITY": "City",
          "AGE": "Age, years", "NOTE": "Anything else?"}
Q1_LABELS = {1: "Every day", 2: "Every week", 3: "Less often", 98: "Don't know"}


@pytest.fixture(scope="module")
def sav_file(tmp_path_factory):
    """A .sav from "another tool": labels, user-missing 98 (Q1) and 999 (AGE)."""
    rng = np.random.default_rng(20241207)
    age = rng.integers(18, 80, N).astype(float)
    age[rng.random(N) < 0.05] = 999.0
    frame = pd.DataFrame({
        "Q1": rng.choice([1.0, 2.0, 3.0, 98.0], N, p=[0.35, 0.3, 0.25, 0.1]),
        "GENDER": rng.choice([1.0, 2.0], N),
        "CITY": rng.choice([1.0, 2.0, 3.0], N, p=[0.5, 0.3, 0.2]),
        "AGE": age,
        "NOTE": rng.choice(["", "tasty", "<b>too dear</b>"], N),
    })
    path = tmp_path_factory.mktemp("sav") / "coffee panel.sav"
    pyreadstat.write_sav(
        frame, str(path), column_labels=LABELS,
        variable_value_labels={"Q1": Q1_LABELS, "GENDER": {1: "Male", 2: "Female"},
                               "CITY": {1: "Moscow", 2: "Kazan", 3: "Omsk"}},
        missing_ranges={"Q1": [98], "AGE": [{"lo": 999, "hi": 999}]},
        variable_measure={"Q1": "nominal", "GENDER": "nominal", "CITY": "nominal",
                          "AGE": "scale"})
    return path


@pytest.fixture
def app_config(request, tmp_path):
    config = {"ANALYSIS_CACHE_DIR": str(tmp_path / "analysis-cache"),
            "JOB_FILES_DIR": str(tmp_path / "job-files"),
            "IMPORTED_DATA_DIR": str(tmp_path / "imported-data"),
            "IMPORT_MAX_BYTES": IMPORT_LIMIT,
            # Below the import limit: the upload page must lift it for itself alone.
            "MAX_CONTENT_LENGTH": 4 * 1024}
    if getattr(request, "param", None) == "rq":
        config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=f"anketa-test-{uuid.uuid4().hex[:10]}")
    return config


@pytest.fixture
def study(logged_in, make_study):
    return make_study(logged_in[1])


# --- helpers ------------------------------------------------------------------------------------

def import_url(study):
    return f"/studies/{study.id}/imports/new"


def upload(web, study, content, file_name, **fields):
    data = {"title": "", "encoding": "", "delimiter": ""}
    data.update(fields)
    if content is not None:
        data["file"] = (io.BytesIO(content), file_name)
    return web.post(import_url(study), data, content_type="multipart/form-data")


def run_import(app, web, study, content, file_name, **fields):
    """Upload, let the configured backend run the job; the finished Job."""
    response = upload(web, study, content, file_name, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    backend = app.extensions["anketa_jobs"]
    if hasattr(backend, "wait"):
        backend.wait(timeout=30)
    else:
        _work_off_rq(backend)
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _work_off_rq(backend):
    """An RQ worker in this process runs the test's own queue, then the queue is removed."""
    from rq import SimpleWorker
    connection = backend.connection()
    queue = backend.queue(connection)
    try:
        SimpleWorker([queue], connection=connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)
        for key in connection.scan_iter(f"*{queue.name}*"):
            connection.delete(key)
        connection.close()


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def files_in(app, key):
    folder = app.config[key]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def login_as(app, make_user, study, role):
    user = make_user(email=f"{role or 'outsider'}-{uuid.uuid4().hex[:6]}@example.org",
                     password=PASSWORD)
    if role:
        db.session.add(StudyMember(study_id=study.id, user_id=user.id, role=role))
        db.session.commit()
    other = Web(app.test_client())
    assert other.login(user.email, PASSWORD).status_code == 302
    return other


def banner_cells(page, name):
    """``{(row, column): cell text}`` and ``{column: unweighted base}`` of a banner table."""
    table = re.search(rf'<table class="table banner" data-table="{name}">(.*?)</table>', page,
                      re.S)
    assert table, f"no banner table {name}"
    body = table.group(1)
    columns = re.findall(r'<th scope="col" data-column="([^"]+)"', body)
    cells = {}
    for row, cells_html in re.findall(r'<tr class="row-\w+" data-row="([^"]+)">(.*?)</tr>', body,
                                      re.S):
        tds = re.findall(r'<td(?: class="small-base")?>(.*?)</td>', cells_html, re.S)
        for column, td in zip(columns, tds):
            cells[row, column] = " ".join(re.sub(r"<[^>]+>", " ", td).split())
    base_row = re.search(r"Unweighted base</th>(.*?)</tr>", body, re.S).group(1)
    bases = dict(zip(columns, (int(n) for n in re.findall(r"<td>(\d+)", base_row))))
    return cells, bases


def expected_cells(table):
    """The cell texts ``_banner_table.html`` shows for a directly computed table."""
    cells = {}
    for row in table.rows:
        for column in table.columns:
            count_ = table.counts.at[row.key, column.key]
            if row.kind in ("mean", "sd"):
                shown = f"{count_:.2f}"
            elif row.kind == "n":
                shown = f"{count_:.0f}"
            else:
                percent = table.column_percent.at[row.key, column.key]
                shown = ("—" if percent != percent else f"{percent:.1f}") + f" {count_:.0f}"
            letters = table.letters.at[row.key, column.key]
            cells[str(row.key), column.key] = f"{shown} {letters}" if letters else shown
    return cells


# --- the .sav from elsewhere, end to end ---------------------------------------------------------

def test_a_sav_from_elsewhere_is_imported_and_analysed_like_survey_data(app, logged_in, study,
                                                                       sav_file):
    web, owner = logged_in
    study_page = text_of(web.get(f"/studies/{study.id}"))
    assert f'href="/studies/{study.id}/imports/new"' in study_page
    form = text_of(web.get(import_url(study)))
    assert 'enctype="multipart/form-data"' in form and '<label for="file">' in form
    assert 'aria-describedby="file-hint"' in form

    raw = sav_file.read_bytes()
    assert app.config["MAX_CONTENT_LENGTH"] < len(raw) < IMPORT_LIMIT
    job = run_import(app, web, study, raw, sav_file.name)
    assert job.status == "succeeded", job.message
    assert (job.kind, job.progress, job.result_file) == ("data_import", 100, None)
    survey = db.session.get(Survey, job.survey_id)
    assert (survey.kind, survey.status, survey.title) == ("imported", "closed", "coffee panel")
    record = survey.imported_dataset
    assert (record.original_name, record.format, record.row_count, record.variable_count) == (
        "coffee panel.sav", "sav", N, 5)
    assert (record.file_size, record.imported_by_id) == (len(raw), owner.id)
    assert files_in(app, "IMPORTED_DATA_DIR") == [record.data_file]
    assert files_in(app, "JOB_FILES_DIR") == []  # the upload is gone

    # The job page leads to the dataset; no download, no retry.
    page = text_of(web.get(f"/jobs/{job.id}"))
    survey_url = f"/studies/{study.id}/surveys/{survey.id}"
    assert f"Import job {job.id}" in page and f'href="{survey_url}"' in page
    assert "Open the dataset" in page and "Download" not in page and "Retry" not in page
    status = web.get(f"/jobs/{job.id}/status.json").get_json()
    assert status["result_url"].endswith(survey_url) and status["download_url"] is None

    # The survey page describes the file; questionnaire and fieldwork pages do not exist.
    page = text_of(web.get(survey_url))
    assert "coffee panel.sav" in page and f'id="row-count">{N}<' in page
    assert LABELS["Q1"] in page and "98 = Don't know" in page and "999" in page
    assert f"{survey_url}/analysis/" in page and f"{survey_url}/analysis/export" in page
    assert "/builder" not in page and "/fieldwork" not in page
    for path in ("/builder/", "/fieldwork/settings", "/fieldwork/", "/fieldwork/links",
                 "/fieldwork/responses"):
        assert web.get(survey_url + path).status_code == 404, path
    assert web.post(f"/studies/{study.id}/interviews/new/{survey.id}",
                    {"channel": "phone"}).status_code == 404
    assert "Imported data" in text_of(web.get(f"/studies/{study.id}"))

    # Topline: labels, and the user-missing code out of the valid percentages.
    topline = text_of(web.get(f"{survey_url}/analysis/"))
    assert f"Base: {N} complete" in topline
    q1 = re.search(r'<section class="card topline" id="q-Q1".*?</section>', topline,
                   re.S).group(0)
    assert LABELS["Q1"] in q1 and "Every day" in q1 and "Less often" in q1
    frame, _meta = pyreadstat.read_sav(str(sav_file), user_missing=True)
    valid = frame["Q1"][frame["Q1"] != 98]
    shown = dict(re.findall(r'<tr><td>(\d+)</td><th scope="row">[^<]*</th><td>\d+</td>'
                            r'<td>[\d.]+</td><td>([\d.]+)</td></tr>', q1))
    assert shown == {str(int(code)): f"{share:.1f}" for code, share in
                     (valid.value_counts(normalize=True) * 100).items()}
    # As in survey data, a user-missing answer counts as no answer.
    assert re.search(rf'<th scope="row">No answer</th><td>{(frame["Q1"] == 98).sum()}</td>', q1)
    # Open text is counted on the topline and listed, escaped, on the open answers page.
    notes = frame["NOTE"].str.strip().ne("").sum()
    assert re.search(rf'id="q-NOTE".*?{notes} answers', topline, re.S)
    verbatims = web.get(f"{survey_url}/analysis/open-answers", query_string={"variable": "NOTE"})
    assert "&lt;b&gt;too dear&lt;/b&gt;" in verbatims.get_data(as_text=True)

    # Banner table through /tables: identical to BannerTable on read_sav directly.
    tables_url = f"{survey_url}/analysis/tables"
    response = web.get(tables_url, query_string=TABLE_QUERY)
    assert response.status_code == 200
    page = text_of(response)
    direct = BannerTable(["Q1", "AGE"], ["GENDER"], preset="spss", alphas=(0.05, 0.1),
                         min_base=30, statistics=("column_percent", "count")).fit(
        read_sav(sav_file).dataset)
    for table in direct.tables:
        cells, bases = banner_cells(page, table.name)
        assert cells == expected_cells(table), table.name
        assert bases == {column.key: int(table.bases.at["unweighted", column.key])
                         for column in table.columns}
    assert bases["Total"] == int((frame["AGE"] != 999).sum())

    # A filter written in the expression language, on imported variables.
    filtered = text_of(web.get(tables_url, query_string={**TABLE_QUERY, "rows": ["Q1"],
                                                         "filter": "${CITY} = 2"}))
    assert banner_cells(filtered, "Q1")[1]["Total"] == int(
        ((frame["CITY"] == 2) & (frame["Q1"] != 98)).sum())
    unknown = web.get(tables_url, query_string={**TABLE_QUERY, "filter": "${channel} = 'web'"})
    assert unknown.status_code == 422 and "The filter is not valid" in text_of(unknown)

    # A rim weight on CITY: its targets are met in a weighted table.
    new_weight = f"{survey_url}/analysis/weights/new?name=w_city&method=rim&variables=CITY"
    created = web.post(new_weight, {"name": "w_city", "label": "Cities", "unit": "percent",
                                    "tolerance": "0.0001", "max_iterations": "100",
                                    "cap_low": "", "cap_high": "", "t__CITY_1": "40",
                                    "t__CITY_2": "40", "t__CITY_3": "20"})
    assert created.status_code == 302, text_of(created)
    assert db.session.scalars(select(WeightScheme)).one().survey_id == survey.id
    weighted = text_of(web.get(tables_url, query_string={
        **TABLE_QUERY, "rows": ["CITY"], "weight": "w_city"}))
    cells, _bases = banner_cells(weighted, "CITY")
    for code, target in (("1", 40), ("2", 40), ("3", 20)):
        assert abs(float(cells[code, "Total"].split()[0]) - target) <= 0.1

    # Exported again as SPSS (weighted, filtered): the labels and user-missing codes survive.
    exported = web.post(f"{survey_url}/analysis/export", {
        "format": "sav", "values": "codes", "delimiter": ",", "weight": "w_city",
        "filter": "${CITY} = 2"})
    assert exported.status_code == 302, text_of(exported)
    export_job = int(exported.headers["Location"].rsplit("/", 1)[1])
    run_queued(app)
    assert wait_for(export_job).status == "succeeded", wait_for(export_job).message
    again = os.path.join(str(sav_file.parent), "again.sav")
    with open(again, "wb") as out:
        out.write(download(web, export_job)[2])
    back, meta = pyreadstat.read_sav(again, user_missing=True)
    assert len(back) == int((frame["CITY"] == 2).sum())
    assert dict(zip(meta.column_names, meta.column_labels))["Q1"] == LABELS["Q1"]
    assert meta.missing_ranges["Q1"] == [{"lo": 98.0, "hi": 98.0}]
    assert "w_city" in back.columns

    # Deleting the study deletes the data file once committed.
    delete_study(db.session.get(type(study), study.id))
    db.session.commit()
    assert files_in(app, "IMPORTED_DATA_DIR") == []


def test_csv_in_cp1251_and_xlsx_with_a_variables_sheet(app, logged_in, study):
    web, _owner = logged_in
    rows = ["Город;Оценка;Доход"] + [f"{city};{score};{income},5" for city, score, income in
                                     zip(["Москва", "Казань"] * 20, [1, 2, 3, 4, 5] * 8,
                                         range(30000, 34000, 100))]
    job = run_import(app, web, study, "\n".join(rows).encode("cp1251"), "города.csv")
    assert job.status == "succeeded", job.message
    survey = db.session.get(Survey, job.survey_id)
    record = survey.imported_dataset
    assert (record.format, record.row_count, record.variable_count) == ("csv", 40, 3)
    names = [entry["name"] for entry in record.variables]
    assert names == ["Gorod", "Otsenka", "Dokhod"]
    page = text_of(web.get(f"/studies/{study.id}/surveys/{survey.id}"))
    assert "read as Windows-1251" in page and "Город → Gorod" in page
    topline = text_of(web.get(f"/studies/{study.id}/surveys/{survey.id}/analysis/"))
    assert "Оценка" in topline and "Base: 40 complete" in topline

    # Chosen explicitly, a wrong encoding is the reader's clear failure.
    failed = run_import(app, web, study, "\n".join(rows).encode("cp1251"), "b.csv",
                        encoding="utf-8")
    assert failed.status == "failed" and "cannot be read as utf-8" in failed.message

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Q1", "WEIGHT"])
    for index in range(30):
        sheet.append([index % 3 + 1, 1.0 + (index % 2)])
    variables = book.create_sheet("Variables")
    variables.append(["Name", "Label", "Value labels", "Weight"])
    variables.append(["Q1", "Preferred brand", "1 = Alpha; 2 = Beta; 3 = Gamma", ""])
    variables.append(["WEIGHT", "Design weight", "", "yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = run_import(app, web, study, buffer.getvalue(), "brands.xlsx", title="Brands 2024")
    assert job.status == "succeeded", job.message
    survey = db.session.get(Survey, job.survey_id)
    assert survey.title == "Brands 2024"
    base = f"/studies/{study.id}/surveys/{survey.id}/analysis"
    topline = text_of(web.get(base + "/", query_string={"weight": "WEIGHT"}))
    assert "Preferred brand" in topline and "Gamma" in topline and "weighted by WEIGHT" in topline

    # A data file removed from the server by hand: said so, not a bare server error.
    os.remove(os.path.join(app.config["IMPORTED_DATA_DIR"], survey.imported_dataset.data_file))
    missing = web.get(base + "/")
    assert missing.status_code == 500 and "data file of this imported dataset is missing" in \
        text_of(missing)


def test_multiple_response_sets_and_string_codes_survive_storing(app, logged_in, study):
    """What Parquet cannot hold (the dictionary) comes back from the database intact."""
    web, owner = logged_in
    data = pd.DataFrame({"A1": [1.0, 0, 1, 0, 1, 1], "A2": [0.0, 1, 1, 0, 0, 1],
                         "SEX": ["m", "f", "f", "m", "x", "f"]},
                        index=pd.RangeIndex(1, 7, name="respondent"))
    dataset = Dataset(data, [
        Variable("A1", "Aware: Alpha", role="mr_item", mr_set="AWARE", value_labels={1: "Yes"}),
        Variable("A2", "Aware: Beta", role="mr_item", mr_set="AWARE", value_labels={1: "Yes"}),
        Variable("SEX", "Sex", kind="string", value_labels={"m": "Male", "f": "Female"},
                 missing_values=("x",))], [MultipleResponseSet("AWARE", "Aware", ("A1", "A2"))])
    job = job_services.create_job(study.id, None, "data_import", {}, owner)
    survey, _path = import_services.store_import(
        job, {"title": "Sets", "format": "sav", "original_name": "s.sav", "size": 10},
        ImportResult(dataset, ("a note",)))
    db.session.commit()
    loaded = load_analysis(survey).dataset
    assert loaded.variables == dataset.variables | {
        name: Variable(name, f"Aware: {brand}", role="mr_item", mr_set="AWARE",
                       question="AWARE", value_labels={1: "Yes"})
        for name, brand in (("A1", "Alpha"), ("A2", "Beta"))}
    assert loaded.mr_sets == dataset.mr_sets and loaded.data.equals(dataset.data)
    topline = text_of(web.get(f"/studies/{study.id}/surveys/{survey.id}/analysis/"))
    # The set is one question, not one per item.
    assert re.findall(r'<section class="card topline" id="q-(\w+)"', topline) == ["AWARE", "SEX"]
    assert "Multiple response" in topline
    page = text_of(web.get(f"/studies/{study.id}/surveys/{survey.id}"))
    assert "'m' = Male" in page and "a note" in page and "AWARE" in page


@pytest.mark.parametrize("app_config", ["rq"], indirect=True)
def test_an_rq_worker_imports_too(app, logged_in, study):
    web, _owner = logged_in
    job = run_import(app, web, study, b"GENDER;AGE\n1;34\n2;51\n2;27\n", "g.csv")
    assert job.status == "succeeded", job.message
    survey = db.session.get(Survey, job.survey_id)
    assert survey.imported_dataset.row_count == 3
    assert files_in(app, "JOB_FILES_DIR") == []
    assert files_in(app, "IMPORTED_DATA_DIR") == [survey.imported_dataset.data_file]


# --- bad files -----------------------------------------------------------------------------------

def _truncated_sav(sav_file):
    return sav_file.read_bytes()[:700]


BAD_FILES = [
    ("truncated.sav", _truncated_sav, "not a readable SPSS (.sav) file"),
    ("garbage.xlsx", lambda _sav: b"PK\x03\x04 certainly not a workbook" * 10,
     "not a readable Excel (.xlsx) workbook"),
    ("blank.csv", lambda _sav: b"\n \n\n", "The file is empty."),
    ("header.csv", lambda _sav: b"a,b,c\n", "no respondents"),
    ("case.csv", lambda _sav: b"Q1,q1\n1,2\n", "must differ in more than case: Q1 / q1"),
]


@pytest.mark.parametrize("file_name, make, message", BAD_FILES,
                         ids=[name for name, _make, _message in BAD_FILES])
def test_bad_files_fail_with_a_clear_message_and_store_nothing(app, logged_in, study, sav_file,
                                                               file_name, make, message):
    web, _owner = logged_in
    job = run_import(app, web, study, make(sav_file), file_name)
    assert job.status == "failed" and message in job.message, job.message
    assert job.survey_id is None
    assert count(Survey) == 0 and count(ImportedDataset) == 0
    assert files_in(app, "IMPORTED_DATA_DIR") == [] and files_in(app, "JOB_FILES_DIR") == []
    page = text_of(web.get(f"/jobs/{job.id}"))
    assert 'role="alert"' in page and message in page
    assert "Retry" not in page and f'href="{import_url(study)}"' in page
    assert web.post(f"/jobs/{job.id}/retry").status_code == 409


def test_the_message_is_in_the_uploaders_language(app, logged_in, study):
    web, _owner = logged_in
    assert web.post("/language", {"locale": "ru", "next": "/"}).status_code == 302
    job = run_import(app, web, study, b"Q1,q1\n1,2\n", "case.csv")
    assert job.status == "failed"
    assert "Q1 / q1" in job.message and re.search("[а-я]", job.message), job.message


def test_the_upload_form_refuses_what_it_can_see(app, logged_in, study):
    web, _owner = logged_in
    cases = [
        ({}, None, "x.csv", "Choose a file to import."),
        ({}, b"", "empty.csv", "The file is empty."),
        ({}, b"a,b\n1,2\n", "notes.docx", "Choose an SPSS (.sav, .zsav), CSV"),
        ({}, b"a" * (IMPORT_LIMIT + 10), "big.csv", "larger than the import limit of 0.03 MB"),
        ({"encoding": "ebcdic"}, b"a,b\n1,2\n", "a.csv", "Not a valid choice"),
        ({"delimiter": "|"}, b"a,b\n1,2\n", "a.csv", "Not a valid choice"),
        ({"title": "x" * 201}, b"a,b\n1,2\n", "a.csv", "200 characters"),
        ({"title": "bad\x01title"}, b"a,b\n1,2\n", "a.csv", "control characters"),
    ]
    for fields, content, file_name, message in cases:
        response = upload(web, study, content, file_name, **fields)
        assert response.status_code == 422, (file_name, fields)
        page = text_of(response)
        assert message in page, (message, fields)
        assert 'class="error-summary"' in page
    # A text value where the file should be.
    tampered = web.post(import_url(study), {"file": "/etc/passwd", "title": "", "encoding": "",
                                            "delimiter": ""})
    assert tampered.status_code == 422 and "Choose a file to import." in text_of(tampered)

    # Far over the limit: the request is refused before it is read, with a clear page.
    huge = upload(web, study, b"a" * (IMPORT_LIMIT + FORM_ALLOWANCE + 1024), "huge.csv")
    assert huge.status_code == 413
    page = text_of(huge)
    assert "larger than the import limit of 0.03 MB" in page and 'aria-invalid="true"' in page

    # Without the CSRF token nothing happens.
    no_token = web.post(import_url(study), {"file": (io.BytesIO(b"a,b\n1,2\n"), "a.csv")},
                        csrf=False, content_type="multipart/form-data")
    assert no_token.status_code == 400
    assert count(Job) == 0 and files_in(app, "JOB_FILES_DIR") == []
    # Other forms keep the global limit.
    big_login = web.post("/account/login", {"email": "a" * (8 * 1024), "password": "x"})
    assert big_login.status_code == 413


def test_who_may_import(app, logged_in, study, make_user, make_study):
    web, owner = logged_in
    job = run_import(app, web, study, b"GENDER\n1\n2\n1\n", "g.csv")
    survey_url = f"/studies/{study.id}/surveys/{job.survey_id}"
    viewer = login_as(app, make_user, study, "viewer")
    assert viewer.get(import_url(study)).status_code == 403
    assert upload(viewer, study, b"a\n1\n", "a.csv").status_code == 403
    assert "/imports/new" not in text_of(viewer.get(f"/studies/{study.id}"))
    assert viewer.get(survey_url).status_code == 200  # reading is allowed
    assert viewer.get(survey_url + "/analysis/").status_code == 200
    assert viewer.get(f"/jobs/{job.id}").status_code == 403
    outsider = login_as(app, make_user, study, None)
    assert outsider.get(import_url(study)).status_code == 404
    assert upload(outsider, study, b"a\n1\n", "a.csv").status_code == 404
    assert outsider.get(survey_url).status_code == 404
    assert outsider.get(f"/jobs/{job.id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(import_url(study)).status_code == 302
    # The import limit is lifted only for those who may import: others keep the global one.
    body = b"a\n" + b"1\n" * 4000
    assert upload(viewer, study, body, "big.csv").status_code == 413
    assert anonymous.post(import_url(study), data={"file": (io.BytesIO(body), "big.csv")},
                          content_type="multipart/form-data").status_code == 413
    assert anonymous.get(survey_url + "/builder/").status_code == 302  # no 404 leak of the kind
    other_study = make_study(owner, title="Another study")
    assert web.get(f"/studies/{other_study.id}/surveys/{job.survey_id}").status_code == 404
    assert count(Job) == 1 and files_in(app, "JOB_FILES_DIR") == []


# --- the job and the files behind it ------------------------------------------------------------

def _queued_import(app, study, owner, content=b"a,b\n1,2\n"):
    """A saved upload and its queued job, made as the upload page makes them."""
    from werkzeug.datastructures import FileStorage
    name, size = import_services.save_upload(FileStorage(io.BytesIO(content), "a.csv"), "csv")
    job = import_services.start_import(study, owner, title="A", original_name="a.csv",
                                       upload=name, size=size, file_format_="csv",
                                       encoding=None, delimiter=None, locale="en")
    db.session.commit()
    return job.id, name


def test_cleanup_sweeps_data_files_no_import_names(app, logged_in, study):
    """A worker killed between storing and committing leaves a file; cleanup removes it."""
    job = run_import(app, logged_in[0], study, b"GENDER\n1\n2\n", "g.csv")
    kept = db.session.get(Survey, job.survey_id).imported_dataset.data_file
    folder = app.config["IMPORTED_DATA_DIR"]
    for name, age_hours in (("stray-old.parquet", 30), ("stray-new.parquet", 1)):
        path = os.path.join(folder, name)
        with open(path, "wb") as out:
            out.write(b"PAR1")
        old = time.time() - age_hours * 3600
        os.utime(path, (old, old))
    os.utime(os.path.join(folder, kept), (time.time() - 99 * 3600,) * 2)
    result = app.test_cli_runner().invoke(args=["jobs", "cleanup"])
    assert result.exit_code == 0 and "orphan files removed: 1" in result.output
    assert files_in(app, "IMPORTED_DATA_DIR") == sorted([kept, "stray-new.parquet"])


def test_a_job_cancelled_while_queued_releases_its_upload(app, logged_in, study):
    owner = logged_in[1]
    job_id, name = _queued_import(app, study, owner)
    assert files_in(app, "JOB_FILES_DIR") == [name]
    job_services.request_cancel(db.session.get(Job, job_id))
    db.session.commit()
    run_job(job_id)  # what the backend does with the job it was handed
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "cancelled"
    assert files_in(app, "JOB_FILES_DIR") == [] and count(Survey) == 0


def test_a_cancel_during_storing_leaves_no_survey_and_no_data_file(app, logged_in, study,
                                                                  monkeypatch):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite holds the import's write lock until commit: no concurrent cancel")
    owner = logged_in[1]
    job_id, _name = _queued_import(app, study, owner)
    # The job is cancelled after its last progress report: its rows must not be committed.
    original = import_services.store_import

    def store_then_cancel(job, parameters, result):
        stored = original(job, parameters, result)
        with db.engine.begin() as connection:  # as the cancel button would, meanwhile
            connection.execute(text("UPDATE job SET cancel_requested = :yes WHERE id = :id"),
                               {"yes": True, "id": job_id})
        return stored

    monkeypatch.setattr(import_services, "store_import", store_then_cancel)
    run_job(job_id)
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "cancelled"
    assert count(Survey) == 0 and files_in(app, "IMPORTED_DATA_DIR") == []
    assert files_in(app, "JOB_FILES_DIR") == []


def test_filters_on_an_imported_multiple_response_set():
    data = pd.DataFrame({"A1": [1, 0, 1, np.nan], "A2": [0, 0, 1, np.nan], "Q": [1, 2, 2, 1]},
                        index=pd.RangeIndex(1, 5)).astype(float)
    dataset = Dataset(data, [Variable("A1", "Aware: X", role="mr_item", mr_set="AWARE",
                                      value_labels={1: "Yes"}),
                             Variable("A2", "Aware: Y", role="mr_item", mr_set="AWARE",
                                      value_labels={1: "Yes"}),
                             Variable("Q", "Q", value_labels={1: "a", 2: "b"})],
                      [MultipleResponseSet("AWARE", "Aware", ("A1", "A2"))])
    specs = variable_specs(dataset)
    assert list(filter_mask(dataset, specs, "selected(${AWARE}, 'A2')")) == [
        False, False, True, False]
    assert list(filter_mask(dataset, specs, "count-selected(${AWARE}) = 0 and ${Q} = 2")) == [
        False, True, False, False]
    assert list(filter_mask(dataset, specs, "${A1} = 1")) == [True, False, True, False]


# --- the migration keeps the surveys' children ---------------------------------------------------

@pytest.fixture
def fresh_database_url(request, tmp_path):
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path}/imports-migration.sqlite3"
        return
    name, url = _create_postgres_database()
    yield url
    _drop_postgres_database(name)


def test_the_migration_keeps_every_survey_and_its_rows(fresh_database_url):
    """0006 rebuilds the survey table on SQLite: its foreign-key cascades must not fire."""
    app = create_app(make_config(fresh_database_url))
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO study (id, title, stage, checklist, stage_changed_at, created_at, "
                "updated_at, methods) VALUES (1, 'S', 'objectives', '{}', :now, :now, :now, "
                "'[]')"), {"now": "2026-12-01 00:00:00"})
            connection.execute(text(
                "INSERT INTO survey (id, study_id, title, kind, status, default_language, "
                "languages, open_link, abandon_after_minutes, created_at, updated_at) VALUES "
                "(1, 1, 'W', 'adhoc', 'draft', 'en', '[]', :yes, 1440, :now, :now)"),
                {"now": "2026-12-01 00:00:00", "yes": True})
            connection.execute(text(
                "INSERT INTO questionnaire_version (id, survey_id, number, settings, created_at) "
                "VALUES (1, 1, 1, '{}', :now)"), {"now": "2026-12-01 00:00:00"})
        upgrade()
        children = "SELECT count(*) FROM questionnaire_version"
        with db.engine.connect() as connection:
            assert connection.execute(text(children)).scalar() == 1
        downgrade(revision="0005")
        with db.engine.connect() as connection:
            assert connection.execute(text(children)).scalar() == 1
        db.engine.dispose()
