"""Background jobs and the raw export, end to end on the real database (``--db``).

The in-process backend runs jobs in its thread pool; the RQ backend is driven with the real
Redis on 127.0.0.1:6379 through ``rq.SimpleWorker(...).work(burst=True)`` on a queue of its own.
The exported CSV is checked against the answers as stored in the ``Response`` rows.
"""
import copy
import io
import os
import time
import uuid
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from research.demo_questionnaire import demo_definition
from research.demo_responses import add_demo_responses
from research.extensions import db
from research.jobs import services
from research.jobs.cleanup import STALE_MESSAGE
from research.jobs.queue import enqueue
from research.jobs.registry import handler
from research.models import ExportRecord, Job, StudyMember
from research.models.types import utcnow
from surveys.builder.versions import publish, replace_draft
from surveys.manage.services import create_survey
from surveys.models import Response
from tests.conftest import Web

PASSWORD = "correct horse battery"
REDIS_URL = "redis://127.0.0.1:6379/0"
INTERNAL_ERROR = "internal error"


@handler("test_slow")
def slow_handler(job, context):
    """Writes a little, then reports progress until cancelled (or 10 s pass)."""
    with open(context.path, "w") as out:
        out.write("partial")
    for step in range(200):
        context.progress(min(step, 99), f"step {step}")
        time.sleep(0.05)
    raise AssertionError("the slow test job was not cancelled")


@handler("test_boom")
def boom_handler(job, context):
    raise RuntimeError("secret internals /etc/passwd")


@pytest.fixture
def app_config(request, tmp_path):
    config = {"ANALYSIS_CACHE_DIR": str(tmp_path / "analysis-cache"),
              "JOB_FILES_DIR": str(tmp_path / "job-files")}
    if getattr(request, "param", None) == "rq":
        config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=f"anketa-test-{uuid.uuid4().hex[:10]}")
    return config


@pytest.fixture
def study(logged_in, make_study):
    return make_study(logged_in[1])


@pytest.fixture
def survey(logged_in, study):
    owner = logged_in[1]
    survey = create_survey(study, owner, "Coffee =wave 1", "adhoc", "en", [])
    replace_draft(survey, demo_definition())
    publish(survey, owner)
    add_demo_responses(survey, count=60)
    db.session.commit()
    return survey


def export_url(survey):
    return f"/studies/{survey.study_id}/surveys/{survey.id}/analysis/export"


def job_files(app):
    folder = app.config["JOB_FILES_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def wait_for(job_id, statuses=("succeeded", "failed", "cancelled"), timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.status in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.status}")
        time.sleep(0.05)


def run_queued(app):
    """Let the configured backend run what was enqueued."""
    backend = app.extensions["anketa_jobs"]
    if hasattr(backend, "wait"):
        backend.wait(timeout=30)
        return
    from rq import SimpleWorker
    connection = backend.connection()
    queue = backend.queue(connection)
    try:
        SimpleWorker([queue], connection=connection).work(burst=True)
    finally:
        from rq.job import Job as RQJob
        done = (queue.finished_job_registry.get_job_ids()
                + queue.failed_job_registry.get_job_ids())
        for rq_job in RQJob.fetch_many(done, connection=connection):
            if rq_job is not None:
                rq_job.delete()
        queue.delete(delete_jobs=True)
        for key in connection.scan_iter(f"*{queue.name}*"):
            connection.delete(key)
        connection.close()


def start_export(web, survey, **fields):
    data = {"format": "csv", "values": "codes", "delimiter": ",", "weight": "", "filter": ""}
    data.update(fields)
    response = web.post(export_url(survey), data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def download(web, job_id):
    """``(status, headers, body)`` of the download, with the file closed."""
    response = web.get(f"/jobs/{job_id}/download")
    try:
        return response.status_code, response.headers, response.get_data()
    finally:
        response.close()


def stored_answers(survey):
    rows = db.session.scalars(select(Response).where(
        Response.survey_id == survey.id, Response.status == "complete",
        Response.is_invalid.is_(False)).order_by(Response.id)).all()
    return {row.id: row.answers for row in rows}


@pytest.mark.parametrize("app_config", ["inprocess", "rq"], indirect=True)
def test_export_succeeds_with_the_right_file_and_an_audit_record(app, logged_in, survey):
    web, owner = logged_in
    job_id = start_export(web, survey, delimiter=";", bom="y", filter="${GENDER} = 1")
    page = web.get(f"/jobs/{job_id}").get_data(as_text=True)
    if "Queued" in page or "Running" in page:
        assert '<meta http-equiv="refresh" content="2">' in page
        assert "<progress" in page
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded", job.message
    assert job.progress == 100 and job.result_size > 0

    status = web.get(f"/jobs/{job_id}/status.json").get_json()
    assert status["status"] == "succeeded" and status["download_url"]
    page = web.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "Download" in page

    status_code, headers, body = download(web, job_id)
    assert status_code == 200
    assert "Coffee_wave_1.csv" in headers["Content-Disposition"]
    assert body.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(body), sep=";", encoding="utf-8-sig")
    expected = {rid: answers for rid, answers in stored_answers(survey).items()
                if answers.get("GENDER") == 1}
    assert len(frame) == len(expected) > 0
    assert set(frame["GENDER"]) == {1}
    by_id = frame.set_index(frame.columns[0])
    assert set(by_id.index) == set(expected)
    for rid, answers in expected.items():
        value = answers.get("CITY")
        cell = by_id.loc[rid, "CITY"]
        assert (pd.isna(cell) and value is None) or cell == value

    records = db.session.scalars(select(ExportRecord)).all()
    assert len(records) == 1
    record = records[0]
    assert (record.user_id, record.study_id, record.survey_id, record.job_id) == (
        owner.id, survey.study_id, survey.id, job_id)
    assert record.format == "csv" and record.row_count == len(expected)
    assert record.parameters["filter"] == "${GENDER} = 1"
    audit = web.get(f"/studies/{survey.study_id}/exports").get_data(as_text=True)
    assert owner.email in audit and f"<td>{len(expected)}</td>" in audit
    assert "Coffee =wave 1" in audit and "${GENDER} = 1" in audit


def test_labels_and_formula_neutralisation(app, logged_in, survey):
    web, _owner = logged_in
    job_id = start_export(web, survey, values="labels")
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded", job.message
    text = download(web, job_id)[2].decode("utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    assert not text.startswith("\ufeff")
    cells = frame.drop(columns=frame.columns[0]).stack()
    assert not cells.str.match(r"^[=+@]").any()
    assert frame["GENDER"].dropna().map(lambda v: not v.isdigit()).all()


@pytest.mark.parametrize("app_config", ["inprocess", "rq"], indirect=True)
def test_failure_keeps_its_message_and_no_file(app, logged_in, survey):
    web, _owner = logged_in
    job_id = start_export(web, survey, filter="${NO_SUCH_VARIABLE} = 1")
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "failed"
    assert "NO_SUCH_VARIABLE" in job.message
    assert job_files(app) == []
    page = web.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "NO_SUCH_VARIABLE" in page and "Retry" in page
    assert web.get(f"/jobs/{job_id}/download").status_code == 404
    assert db.session.scalars(select(ExportRecord)).all() == []


def test_internal_error_is_logged_not_shown(app, logged_in, study, caplog):
    web, owner = logged_in
    job = services.create_job(study.id, None, "test_boom", {}, owner)
    db.session.commit()
    enqueue(job)
    run_queued(app)
    job = wait_for(job.id)
    assert job.status == "failed" and INTERNAL_ERROR in job.message
    page = web.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "/etc/passwd" not in page
    assert "secret internals" in caplog.text


def test_cancel_mid_way_leaves_no_file(app, logged_in, study):
    web, owner = logged_in
    job = services.create_job(study.id, None, "test_slow", {}, owner)
    db.session.commit()
    enqueue(job)
    wait_for(job.id, statuses=("running",))
    deadline = time.monotonic() + 10
    while not job_files(app) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job_files(app), "the slow job should have started writing"
    assert web.post(f"/jobs/{job.id}/cancel", {}, csrf=False).status_code == 400
    assert web.post(f"/jobs/{job.id}/cancel", {}).status_code == 302
    run_queued(app)
    job = wait_for(job.id)
    assert job.status == "cancelled"
    assert job_files(app) == []
    assert web.get(f"/jobs/{job.id}/download").status_code == 404


def test_cancel_while_queued_never_runs(app, logged_in, study):
    web, owner = logged_in
    job = services.create_job(study.id, None, "test_boom", {}, owner)
    db.session.commit()
    page = web.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress id="job-progress" max="100" value="0"' in page
    assert "status.json" in page and "Queued" in page
    assert web.get(f"/jobs/{job.id}/status.json").get_json()["status"] == "queued"
    assert web.post(f"/jobs/{job.id}/cancel", {}).status_code == 302
    enqueue(job)
    run_queued(app)
    assert wait_for(job.id).status == "cancelled"


def test_access_rules(app, logged_in, survey, make_user):
    web, owner = logged_in
    job_id = start_export(web, survey)
    run_queued(app)
    assert wait_for(job_id).status == "succeeded"
    viewer, editor, stranger = make_user(), make_user(), make_user()
    db.session.add_all([StudyMember(study_id=survey.study_id, user_id=viewer.id, role="viewer"),
                        StudyMember(study_id=survey.study_id, user_id=editor.id, role="editor")])
    db.session.commit()
    urls = [export_url(survey), f"/jobs/{job_id}", f"/jobs/{job_id}/status.json",
            f"/jobs/{job_id}/download"]
    for user, expected in ((stranger, 404), (viewer, 403)):
        other = Web(app.test_client())
        other.login(user.email, PASSWORD)
        for url in urls:
            assert other.get(url).status_code == expected, (user, url)
        assert other.post(f"/jobs/{job_id}/cancel", {}).status_code == expected
        assert other.post(export_url(survey), {"format": "csv"}).status_code == expected
        assert other.get(f"/studies/{survey.study_id}/exports").status_code == expected
    other = Web(app.test_client())
    other.login(editor.email, PASSWORD)
    assert download(other, job_id)[0] == 200
    assert other.get(export_url(survey)).status_code == 200
    assert other.get(f"/studies/{survey.study_id}/exports").status_code == 403
    assert Web(app.test_client()).get(f"/jobs/{job_id}").status_code == 302  # to login
    assert web.get("/jobs/999999").status_code == 404


def test_export_post_needs_csrf(app, logged_in, survey):
    web, _owner = logged_in
    response = web.post(export_url(survey), {"format": "csv", "values": "codes",
                                             "delimiter": ","}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalars(select(Job)).all() == []


def test_expired_download_is_gone_after_cleanup(app, logged_in, survey, runner):
    web, _owner = logged_in
    job_id = start_export(web, survey)
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded" and len(job_files(app)) == 1
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert web.get(f"/jobs/{job_id}/download").status_code == 404
    result = runner.invoke(args=["jobs", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "expired jobs deleted: 1" in result.output
    assert job_files(app) == []
    db.session.rollback()
    assert db.session.get(Job, job_id) is None
    assert web.get(f"/jobs/{job_id}").status_code == 404
    assert db.session.scalars(select(ExportRecord)).one().job_id is None  # the audit stays


def test_stale_running_job_is_failed_and_retried(app, logged_in, survey, runner):
    web, owner = logged_in
    parameters = {"format": "csv", "values": "codes", "delimiter": ",", "bom": False,
                  "weight": None, "filter": "${GENDER} = 2"}
    hour_ago = utcnow() - timedelta(hours=1)
    job = Job(study_id=survey.study_id, survey_id=survey.id, kind="raw_export", status="running",
              progress=40, message="", parameters=parameters, created_by_id=owner.id,
              started_at=hour_ago, heartbeat_at=hour_ago)
    fresh = Job(study_id=survey.study_id, survey_id=survey.id, kind="raw_export",
                status="running", progress=10, message="", parameters=parameters,
                created_by_id=owner.id, started_at=utcnow(), heartbeat_at=utcnow())
    lost = Job(study_id=survey.study_id, survey_id=survey.id, kind="raw_export",
               status="queued", progress=0, message="", parameters=parameters,
               created_by_id=owner.id, created_at=hour_ago)
    db.session.add_all([job, fresh, lost])
    db.session.commit()
    result = runner.invoke(args=["jobs", "cleanup"])
    assert result.exit_code == 0 and "Stale jobs failed: 2" in result.output
    assert db.session.get(Job, lost.id).status == "failed"  # lost with its web process
    db.session.rollback()
    assert db.session.get(Job, job.id).status == "failed"
    assert db.session.get(Job, job.id).message == STALE_MESSAGE
    assert db.session.get(Job, fresh.id).status == "running"
    assert "stopped responding" in web.get(f"/jobs/{job.id}").get_data(as_text=True)

    response = web.post(f"/jobs/{job.id}/retry", {})
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert new_id != job.id
    run_queued(app)
    new_job = wait_for(new_id)
    assert new_job.status == "succeeded", new_job.message
    assert new_job.parameters == parameters
    expected = sum(1 for answers in stored_answers(survey).values() if answers.get("GENDER") == 2)
    assert db.session.scalars(select(ExportRecord)).one().row_count == expected
    assert web.post(f"/jobs/{new_id}/retry", {}).status_code == 409


def test_weighted_export_adds_the_weight_column(app, logged_in, survey):
    from research.models import WeightScheme
    web, owner = logged_in
    db.session.add(WeightScheme(survey_id=survey.id, name="w_gender", method="rim",
                                created_by_id=owner.id,
                                settings={"unit": "percent", "variables": ["GENDER"],
                                          "targets": {"GENDER": {"1": 50.0, "2": 50.0}},
                                          "tolerance": 0.0001, "max_iterations": 100}))
    db.session.commit()
    assert 'value="w_gender"' in web.get(export_url(survey)).get_data(as_text=True)
    job_id = start_export(web, survey, weight="w_gender")
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded", job.message
    frame = pd.read_csv(io.BytesIO(download(web, job_id)[2]))
    answers = stored_answers(survey)
    total = len(answers)
    for gender in (1, 2):
        count = sum(1 for a in answers.values() if a.get("GENDER") == gender)
        weights = frame.loc[frame["GENDER"] == gender, "w_gender"]
        assert len(weights) == count
        assert weights.to_numpy() == pytest.approx(total * 0.5 / count, rel=1e-6)
    record = db.session.scalars(select(ExportRecord)).one()
    assert record.parameters["weight"] == "w_gender"


def test_unknown_weight_is_refused_by_the_form(app, logged_in, survey):
    web, _owner = logged_in
    response = web.post(export_url(survey), {"format": "csv", "values": "codes",
                                             "delimiter": ",", "weight": "nope"})
    assert response.status_code == 422
    assert db.session.scalars(select(Job)).all() == []


def _read_export(file_format, body, tmp_path):
    if file_format == "xlsx":
        return pd.read_excel(io.BytesIO(body), sheet_name="Data")
    if file_format == "json":
        import json
        return pd.DataFrame(json.loads(body.decode("utf-8"))["rows"])
    import pyreadstat
    path = tmp_path / "export.sav"
    path.write_bytes(body)
    frame, _meta = pyreadstat.read_sav(str(path))
    return frame


@pytest.mark.parametrize("file_format", ["xlsx", "sav", "json"])
def test_other_formats(app, logged_in, survey, file_format, tmp_path):
    web, _owner = logged_in
    job_id = start_export(web, survey, format=file_format, filter="${GENDER} = 2")
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "succeeded", job.message
    status_code, headers, body = download(web, job_id)
    assert status_code == 200 and f"Coffee_wave_1.{file_format}" in headers[
        "Content-Disposition"]
    frame = _read_export(file_format, body, tmp_path)
    expected = {rid for rid, answers in stored_answers(survey).items()
                if answers.get("GENDER") == 2}
    assert set(frame["respondent_id"].astype(int)) == expected
    assert set(frame["GENDER"].astype(int)) == {2}
    assert db.session.scalars(select(ExportRecord)).one().format == file_format


# --- streamed CSV and JSON: the bytes of the whole-dataset path ------------------------------

TRICKY_TEXTS = ['=HYPERLINK("http://example.org")', 'a;b, "c"\nd', "", "-5", "Хорошо, но дорого"]


@pytest.fixture
def two_versions(logged_in, survey):
    """The coffee survey with a second published version (a brand relabelled, one added to
    the multiple choice, an open question added), answers to both, texts a spreadsheet would
    run, and rim weights on gender (an answer) and on the questionnaire version (a key)."""
    from research.models import WeightScheme
    owner = logged_in[1]
    document = copy.deepcopy(demo_definition())  # its lists are the module's own
    brands = document["option_lists"]["brands"]
    brands[3] = {"code": 4, "label": {"ru": "Cofix", "en": "Cofix, the cheap one"}}
    brands.append({"code": 6, "label": {"ru": "Даблби", "en": 'Double "B"'}})
    document["questions"] = document["questions"] + [{
        "variable": "TIP", "type": "short_text", "text": {"ru": "Совет?", "en": "A tip?"},
        "settings": {}, "options": [], "rows": []}]
    replace_draft(survey, document)
    publish(survey, owner)
    db.session.flush()
    before = set(stored_answers(survey))
    add_demo_responses(survey, count=30, seed=7)
    for number, response in enumerate(db.session.scalars(select(Response).where(
            Response.survey_id == survey.id, Response.status == "complete",
            Response.id.not_in(before)).order_by(Response.id))):
        response.answers = {**response.answers, "TIP": TRICKY_TEXTS[number % 5],
                            "AWARE_6": number % 2}
    for name, variable, targets in (("w_gender", "GENDER", {"1": 48.0, "2": 52.0}),
                                    ("w_version", "version", {"1": 30.0, "2": 70.0})):
        db.session.add(WeightScheme(survey_id=survey.id, name=name, method="rim",
                                    created_by_id=owner.id,
                                    settings={"unit": "percent", "variables": [variable],
                                              "targets": {variable: targets}}))
    db.session.commit()
    return survey


def whole_dataset_file(survey, parameters):
    """The file the whole-dataset path writes: load_analysis, filter, then the writer."""
    from analysis import exports
    from research.reports.services import load_analysis
    dataset = load_analysis(survey).filtered(parameters.get("filter"))
    stream = io.StringIO(newline="")
    if parameters["format"] == "csv":
        exports.write_csv(dataset, stream, labels=parameters.get("values") == "labels",
                          bom=bool(parameters.get("bom")), delimiter=parameters["delimiter"],
                          weight=parameters.get("weight") or None)
    else:
        exports.write_json(dataset, stream, weight=parameters.get("weight") or None)
    return stream.getvalue().encode("utf-8")


STREAMED_EXPORTS = [
    dict(format="csv", values="codes", delimiter=";", bom="y", filter="${GENDER} = 1",
         weight="w_gender"),
    dict(format="csv", values="labels", delimiter=",", filter="${version} = 2 or ${INTENT} >= 4"),
    dict(format="csv", values="labels", delimiter="\t", bom="y", weight="w_gender"),
    dict(format="json", filter="${GENDER} = 2", weight="w_gender"),
    dict(format="json"),
]


def test_streamed_csv_and_json_equal_the_whole_dataset_files(app, logged_in, two_versions,
                                                             monkeypatch):
    from research.jobs import raw_export
    monkeypatch.setattr(raw_export, "STREAM_CHUNK_ROWS", 7)  # many chunks, some unmatched
    web, _owner = logged_in
    jobs = []
    for fields in STREAMED_EXPORTS:  # one after another: the first one fits the weights
        jobs.append(start_export(web, two_versions, **fields))
        run_queued(app)
        job = wait_for(jobs[-1])
        assert job.status == "succeeded", (fields, job.message)
        body = download(web, jobs[-1])[2]
        expected = whole_dataset_file(two_versions, {"delimiter": ",", **fields})
        assert body == expected, fields
    nobody = start_export(web, two_versions, filter="${GENDER} = 2 and ${GENDER} = 1")
    run_queued(app)
    text = download(web, jobs[2])[2].decode("utf-8")
    header = text.splitlines()[0].split("\t")
    assert header[:2] == ["\ufeffrespondent_id", "channel"]
    assert header[-2:] == ["w_gender", "w_version"]
    assert {"AWARE_6", "TIP", "NPS_WHY"} <= set(header)
    assert '"\'=HYPERLINK(""http://example.org"")"' in text  # neutralised, then quoted
    failed = wait_for(nobody)
    assert failed.status == "failed" and "No respondents match" in failed.message
    assert len(job_files(app)) == len(jobs)  # the failed job's partial file is gone


def test_pieces_of_the_stream_put_together_are_the_built_frame(two_versions):
    from contextlib import closing

    from research.reports.datasets import (build_dataset, dataset_source, merged_variables,
                                           read_frames)
    source = dataset_source(two_versions)
    built = build_dataset(two_versions, use_cache=False).data
    with closing(read_frames(source, merged_variables(source.versions), 7)) as frames:
        pieces = list(frames)
    assert {len(piece) for piece in pieces[:-1]} == {7}
    pd.testing.assert_frame_equal(pd.concat(pieces), built)
    answers = [v for v in merged_variables(source.versions) if v.name in ("GENDER", "TIP")]
    with closing(read_frames(source, answers, 50, keys=False)) as frames:
        narrow = pd.concat(list(frames))
    pd.testing.assert_frame_equal(narrow, built[["GENDER", "TIP"]])


def test_cancel_while_streaming_leaves_no_file(app, logged_in, two_versions, monkeypatch):
    from research.jobs import raw_export
    from research.jobs.runner import JobContext
    monkeypatch.setattr(raw_export, "STREAM_CHUNK_ROWS", 10)
    web, _owner = logged_in
    job_id = start_export(web, two_versions, format="csv")

    def cancel_then_report(self, rows):
        # What the Cancel button does while the rows are being written.
        with db.engine.begin() as connection:
            connection.execute(Job.__table__.update().where(Job.id == job_id)
                               .values(cancel_requested=True))
        JobContext.progress(self.context, 50, raw_export.WRITING)

    monkeypatch.setattr(raw_export.Progress, "advance", cancel_then_report)
    run_queued(app)
    job = wait_for(job_id)
    assert job.status == "cancelled"
    assert job_files(app) == []
    assert web.get(f"/jobs/{job_id}/download").status_code == 404
    # The job's connection went back to the pool in a usable state.
    assert db.session.scalar(select(Response.id).limit(1)) is not None
