"""The report pages over HTTP (topline, charts, banner tables, weighting, open answers).

A real survey — the demo questionnaire, published, with 240 demo interviews inserted as
``Response`` rows — on the real database (SQLite or PostgreSQL, ``--db``); no mocks. The
figures the pages show are checked against pandas computations on the answers as stored,
so the whole chain (database → dataset builder → analysis library → template) is tested.
"""
import html as html_lib
import random
import re
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from research.demo_questionnaire import demo_definition
from research.demo_responses import add_demo_responses, demo_answers
from research.extensions import db
from research.models import SavedTable, StudyMember, WeightScheme
from research.reports.datasets import published_versions
from research.reports.filters import expression_names, question_specs
from surveys.builder.versions import publish, replace_draft
from surveys.expressions import ExpressionError, validate
from surveys.manage.services import create_survey
from surveys.models import Response
from tests.conftest import Web

PASSWORD = "correct horse battery"
T0 = datetime(2026, 10, 26, 8, 0, tzinfo=timezone.utc)
TABLE_QUERY = {"rows": ["CITY"], "banner": ["GENDER"], "preset": "spss", "alpha": "0.05",
               "alpha_low": "0.1", "min_base": "30", "statistics": ["column_percent", "count"]}
RIM_QUERY = "name=w_pop&method=rim&variables=CITY&variables=GENDER"
CITY_TARGETS = {1: 50.0, 2: 40.0, 3: 10.0}
GENDER_TARGETS = {1: 46.0, 2: 54.0}


@pytest.fixture
def app_config(tmp_path):
    return {"ANALYSIS_CACHE_DIR": str(tmp_path / "analysis-cache")}


@pytest.fixture
def study(logged_in, make_study):
    return make_study(logged_in[1])


@pytest.fixture
def survey(logged_in, study):
    """The demo questionnaire, published, with 240 complete interviews (and 20 screen-outs)."""
    owner = logged_in[1]
    survey = create_survey(study, owner, "Morning coffee, autumn wave", "adhoc", "en", ["ru"])
    replace_draft(survey, demo_definition())
    publish(survey, owner)
    add_demo_responses(survey, count=240)
    db.session.commit()
    return survey


def base_url(survey):
    return f"/studies/{survey.study_id}/surveys/{survey.id}/analysis"


def answers_frame(survey):
    """The analysable answers as stored: complete, valid responses, one row each."""
    db.session.expire_all()
    rows = db.session.scalars(select(Response).where(
        Response.survey_id == survey.id, Response.status == "complete",
        Response.is_invalid.is_(False)).order_by(Response.id)).all()
    return pd.DataFrame([r.answers for r in rows], index=[r.id for r in rows])


def add_responses(survey, overrides, seed=7):
    """Complete interviews: demo answers with ``overrides`` (one dict per interview) on top."""
    version = survey.published_version
    names = [variable["name"] for variable in version.variables]
    rng = random.Random(seed)
    rows = []
    for index, values in enumerate(overrides):
        answers = dict.fromkeys(names)
        answers.update(demo_answers(rng))
        answers.update(values)
        completed = T0 + timedelta(minutes=index)
        rows.append(Response(survey_id=survey.id, version_id=version.id, status="complete",
                             channel="web", language="ru", answers=answers, variants={},
                             page_index=0, started_at=completed - timedelta(minutes=9),
                             completed_at=completed, updated_at=completed))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def count(model, **filters):
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)).filter_by(**filters))


def text_of(response):
    return response.get_data(as_text=True)


def login(app, make_user, email, role, study):
    """A second browser, logged in as a new user who has ``role`` in ``study`` (or none)."""
    user = make_user(email=email, password=PASSWORD)
    if role:
        db.session.add(StudyMember(study_id=study.id, user_id=user.id, role=role))
        db.session.commit()
    other = Web(app.test_client())
    assert other.login(email, PASSWORD).status_code == 302
    return other


# --- reading the pages --------------------------------------------------------------------------

def topline_section(page, name):
    match = re.search(rf'<section class="card topline" id="q-{name}".*?</section>', page, re.S)
    assert match, f"no topline section {name}"
    return match.group(0)


def frequencies(page, name):
    """``{code: (count, percent, valid percent)}`` of an unweighted topline table."""
    rows = re.findall(r'<tr><td>(\d+)</td><th scope="row">[^<]*</th><td>([\d.]+)</td>'
                      r'<td>([\d.]+|—)</td><td>([\d.]+|—)</td></tr>', topline_section(page, name))
    return {int(code): (float(n), float(pct), None if valid == "—" else float(valid))
            for code, n, pct, valid in rows}


def base_note(page):
    return int(re.search(r'id="base-note">Base: (\d+) complete', page).group(1))


def banner_table(page, name):
    """``(cells, bases)`` of banner table ``name``: ``cells[row, column]`` is the cell's
    ``{"pct", "count", "letters", "small"}``; ``bases[column]`` the unweighted base."""
    match = re.search(rf'<table class="table banner" data-table="{name}">(.*?)</table>', page,
                      re.S)
    assert match, f"no banner table {name}"
    table = match.group(1)
    columns = re.findall(r'<th scope="col" data-column="([^"]+)"', table)
    cells = {}
    for row, body in re.findall(r'<tr class="row-\w+" data-row="([^"]+)">(.*?)</tr>', table,
                                re.S):
        tds = re.findall(r'<td( class="small-base")?>(.*?)</td>', body, re.S)
        assert len(tds) == len(columns)
        for column, (small, td) in zip(columns, tds):
            found = {key: re.search(rf'<span class="{key}">([^<]*)</span>', td)
                     for key in ("pct", "count", "letters")}
            cells[row, column] = {key: m.group(1) if m else None for key, m in found.items()}
            cells[row, column]["small"] = bool(small)
    base_row = re.search(r'Unweighted base</th>(.*?)</tr>', table, re.S).group(1)
    bases = dict(zip(columns, (int(n) for n in re.findall(r'<td>(\d+)', base_row))))
    return cells, bases


def hidden_fields(page, action):
    """The (name, value) pairs a browser would send from the form posting to ``action``."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page,
                     re.S).group(0)
    return [(name, html_lib.unescape(value)) for name, value in
            re.findall(r'<input[^>]*type="hidden"[^>]*name="(\w+)"[^>]*value="([^"]*)"', form)
            + re.findall(r'<input[^>]*name="(\w+)"[^>]*type="hidden"[^>]*value="([^"]*)"',
                         form)]


def as_data(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def figure(page, element_id):
    return re.search(rf'<dd id="{element_id}">([^<]*)</dd>', page).group(1).strip()


def weight_options(page):
    select_ = re.search(r'<select id="weight" name="weight">(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"', select_)


def shows(text, value):
    """Whether a figure shown with one decimal (``text``) is ``value`` rounded."""
    return text is not None and abs(float(text) - value) <= 0.05 + 1e-9


def rim_form(name="w_pop", city=CITY_TARGETS, gender=GENDER_TARGETS, **extra):
    data = {"name": name, "label": "Population of the two cities", "unit": "percent",
            "tolerance": "0.0001", "max_iterations": "100", "cap_low": "", "cap_high": ""}
    data.update({f"t__CITY_{code}": str(value) for code, value in city.items()})
    data.update({f"t__GENDER_{code}": str(value) for code, value in gender.items()})
    data.update(extra)
    return data


def rake(frame, targets, sweeps=500):
    """Plain iterative proportional fitting, for an independent efficiency."""
    weights = np.ones(len(frame))
    for _sweep in range(sweeps):
        for name, shares in targets.items():
            for code, share in shares.items():
                members = frame[name].to_numpy() == code
                weights[members] *= share / 100 * len(frame) / weights[members].sum()
    return weights


# --- access -------------------------------------------------------------------------------------

@pytest.fixture
def table_and_weight(survey, logged_in):
    """A saved table and a weight scheme of ``survey`` (stored directly, as the pages would)."""
    owner = logged_in[1]
    table = SavedTable(survey_id=survey.id, name="City by gender", created_by_id=owner.id,
                       spec={"rows": ["CITY"], "banner": ["GENDER"], "weight": None,
                             "filter": "", "preset": "spss", "alpha": "0.05",
                             "alpha_low": "0.1", "min_base": 30,
                             "statistics": ["column_percent"]})
    scheme = WeightScheme(survey_id=survey.id, name="w_gender", method="rim",
                          created_by_id=owner.id,
                          settings={"unit": "percent", "variables": ["GENDER"],
                                    "targets": {"GENDER": {"1": 50.0, "2": 50.0}},
                                    "tolerance": 0.0001, "max_iterations": 100})
    db.session.add_all([table, scheme])
    db.session.commit()
    return table.id, scheme.id


def test_who_may_see_and_change_the_reports(app, make_user, survey, study, table_and_weight):
    table_id, scheme_id = table_and_weight
    base = base_url(survey)
    pages = [base + path for path in (
        "/", "/?filter=%24%7BCITY%7D+%3D+2", "/charts/CITY.svg", "/tables",
        "/tables?rows=CITY&banner=GENDER", f"/tables/saved/{table_id}", "/weights",
        f"/weights/{scheme_id}", "/open-answers?variable=NPS_WHY")]
    editor_pages = [f"{base}/weights/new?{RIM_QUERY}", f"{base}/weights/{scheme_id}/edit"]
    actions = [base + path for path in (
        "/tables/save", f"/tables/saved/{table_id}/delete", f"/weights/new?{RIM_QUERY}",
        f"/weights/{scheme_id}/edit", f"/weights/{scheme_id}/run",
        f"/weights/{scheme_id}/delete")]
    form = {**TABLE_QUERY, **rim_form(name="w_other"), "name": "w_other"}

    # A non-member learns nothing, not even that the survey exists.
    stranger = login(app, make_user, "stranger@example.org", None, study)
    for url in pages + editor_pages:
        assert stranger.get(url).status_code == 404, url
    for url in actions:
        assert stranger.post(url, form).status_code == 404, url

    # A viewer reads every report, but saves no table and computes no weight.
    viewer = login(app, make_user, "viewer@example.org", "viewer", study)
    for url in pages:
        assert viewer.get(url).status_code == 200, url
    assert "w_gender" in weight_options(text_of(viewer.get(base + "/")))
    table = text_of(viewer.get(f"{base}/tables/saved/{table_id}"))
    assert banner_table(table, "CITY")[1]["Total"] == 240
    assert f'action="{base}/tables/save"' not in table
    assert f"/tables/saved/{table_id}/delete" not in table
    assert "/weights/new" not in text_of(viewer.get(base + "/weights"))
    assert f"/weights/{scheme_id}/run" not in text_of(viewer.get(f"{base}/weights/{scheme_id}"))
    for url in editor_pages:
        assert viewer.get(url).status_code == 403, url
    for url in actions:
        assert viewer.post(url, form).status_code == 403, url

    # Anonymous users are asked to log in.
    anonymous = app.test_client()
    for url in pages + editor_pages:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/account/login" in response.location, url
    token = Web(anonymous).csrf_token("/account/login")
    for url in actions:
        response = anonymous.post(url, data={**form, "csrf_token": token})
        assert response.status_code == 302 and "/account/login" in response.location, url

    assert count(SavedTable) == 1 and count(WeightScheme) == 1
    db.session.expire_all()
    assert db.session.get(WeightScheme, scheme_id).settings["targets"]["GENDER"]["1"] == 50


def test_a_survey_without_a_published_version_has_nothing_to_analyse(web, study, logged_in):
    draft = create_survey(study, logged_in[1], "Not yet fielded", "adhoc", "en", [])
    replace_draft(draft, demo_definition())
    db.session.commit()
    base = base_url(draft)
    for path in ("/", "/tables", "/tables?rows=CITY&banner=GENDER", "/weights",
                 "/open-answers", "/charts/CITY.svg"):
        response = web.get(base + path)
        assert response.status_code == 200, path
        assert "There is nothing to analyse yet" in text_of(response), path


# --- topline ------------------------------------------------------------------------------------

def test_topline_figures_match_the_answers_and_filters_apply(web, survey):
    frame = answers_frame(survey)
    page = text_of(web.get(base_url(survey) + "/"))
    assert base_note(page) == len(frame) == 240

    shown = frequencies(page, "CITY")
    counts = frame["CITY"].value_counts()
    percents = frame["CITY"].value_counts(normalize=True) * 100
    assert set(shown) == {1, 2, 3}
    for code, (n, pct, valid) in shown.items():
        assert n == counts.get(code, 0)
        assert shows(pct, percents.get(code, 0.0)) and shows(valid, percents.get(code, 0.0))
    # USED is asked of coffee buyers only: valid % is based on those who answered.
    valid_percents = frame["USED"].dropna().value_counts(normalize=True) * 100
    for code, (_n, pct, valid) in frequencies(page, "USED").items():
        assert shows(valid, valid_percents.get(code, 0.0))
        assert shows(pct, 100 * (frame["USED"] == code).sum() / len(frame))

    scores = frame["NPS"].dropna()
    promoters, detractors = 100 * (scores >= 9).mean(), 100 * (scores <= 6).mean()
    section = topline_section(page, "NPS")
    score = re.search(r'<dd class="nps-score">([-\d.]+)</dd>', section).group(1)
    assert shows(score, promoters - detractors)
    split = re.search(r'detractors, %</dt><dd>([\d.]+) / ([\d.]+) / ([\d.]+)</dd>', section)
    assert shows(split.group(1), promoters) and shows(split.group(3), detractors)
    assert re.search(rf'<dt>Base</dt><dd>{len(scores)}</dd>', section)

    response = web.get(base_url(survey) + "/", query_string={"filter": "${CITY} = 2"})
    assert response.status_code == 200
    page = text_of(response)
    kazan = frame[frame["CITY"] == 2]
    assert base_note(page) == len(kazan) and 0 < len(kazan) < len(frame)
    assert frequencies(page, "CITY")[2][0] == len(kazan)
    for code, (n, _pct, _valid) in frequencies(page, "GENDER").items():
        assert n == (kazan["GENDER"] == code).sum()
    assert "filter: ${CITY} = 2" in page

    names = expression_names(question_specs(published_versions(survey)))
    with pytest.raises(ExpressionError) as problem:
        validate("${NOPE} = 1", names)
    response = web.get(base_url(survey) + "/", query_string={"filter": "${NOPE} = 1"})
    assert response.status_code == 422
    page = text_of(response)
    assert "The filter is not valid:" in page
    assert html_lib.escape(str(problem.value)) in page
    assert 'id="q-CITY"' not in page  # no report on a filter that did not apply
    nobody = web.get(base_url(survey) + "/", query_string={"filter": "${AGE_EXACT} > 200"})
    assert nobody.status_code == 422
    assert "No respondents match the filter" in text_of(nobody)


def test_charts_are_svg(web, survey):
    base = base_url(survey)
    for name in ("CITY", "AWARE", "IMPORT"):  # single, multiple and grid questions
        response = web.get(f"{base}/charts/{name}.svg")
        assert response.status_code == 200, name
        assert response.mimetype == "image/svg+xml"
        body = text_of(response).lstrip()
        assert body.startswith(("<?xml", "<svg")) and body.rstrip().endswith("</svg>"), name
    # A semantic differential is labelled only at its ends; its chart still has all 7 points.
    image = text_of(web.get(f"{base}/charts/IMAGE.svg"))
    legend = re.findall(r"<text[^>]*>([1-7])</text>", image)
    assert set(legend) >= {str(point) for point in range(1, 8)}
    # Unknown names, open answers and numeric questions have no chart.
    for name in ("NOPE", "NPS_WHY", "AGE_EXACT"):
        assert web.get(f"{base}/charts/{name}.svg").status_code == 404, name


# --- banner tables ------------------------------------------------------------------------------

def test_banner_tables_match_pandas_crosstab_and_bad_ones_are_explained(web, survey):
    frame = answers_frame(survey)
    response = web.get(base_url(survey) + "/tables", query_string={
        **TABLE_QUERY, "rows": ["CITY", "FREQ"], "banner": ["GENDER", "PRICE_TEST"]})
    assert response.status_code == 200
    page = text_of(response)
    for row in ("CITY", "FREQ"):
        cells, bases = banner_table(page, row)
        for banner in ("GENDER", "PRICE_TEST"):
            expected = pd.crosstab(frame[row], frame[banner], normalize="columns") * 100
            counts = pd.crosstab(frame[row], frame[banner])
            for code in expected.index:
                for column in expected.columns:
                    cell = cells[str(code), f"{banner}:{column}"]
                    assert shows(cell["pct"], expected.at[code, column]), (row, code, column)
                    assert cell["count"] == str(counts.at[code, column])
            for column, n in frame[banner].value_counts().items():
                assert bases[f"{banner}:{column}"] == n
        for code, pct in (frame[row].value_counts(normalize=True) * 100).items():
            assert shows(cells[str(code), "Total"]["pct"], pct)
        assert bases["Total"] == len(frame)
    # A shared link with only rows and banner uses the default settings.
    short = web.get(base_url(survey) + "/tables?rows=CITY&banner=GENDER")
    assert short.status_code == 200
    assert banner_table(text_of(short), "CITY")[1]["Total"] == len(frame)

    # Definitions that cannot be run are explained, never a server error.
    tables = base_url(survey) + "/tables"
    single = web.get(tables, query_string={**TABLE_QUERY, "banner": ["version"]})
    assert single.status_code == 422
    assert "version has only one category; a banner needs at least two." in text_of(single)
    for query in ({**TABLE_QUERY, "rows": ["NOPE"]}, {**TABLE_QUERY, "banner": ["NOPE"]}):
        response = web.get(tables, query_string=query)
        assert response.status_code == 422
        page = text_of(response)
        assert "not a valid choice" in page.lower() and 'id="result"' not in page
    no_banner = web.get(tables, query_string={**TABLE_QUERY, "banner": []})
    assert no_banner.status_code == 422
    assert "Choose at least one banner variable." in text_of(no_banner)
    bad_filter = web.get(tables, query_string={**TABLE_QUERY, "filter": "${NOPE} = 1"})
    assert bad_filter.status_code == 422
    assert "The filter is not valid" in text_of(bad_filter)
    loose = web.get(tables, query_string={**TABLE_QUERY, "alpha": "0.1", "alpha_low": "0.05"})
    assert loose.status_code == 422
    assert "The lower-case level must be looser" in text_of(loose)


def test_each_preset_shows_significance_letters(web, survey):
    # Men from Moscow, women from Kazan: a difference no test can miss.
    add_responses(survey, [{"GENDER": 1, "CITY": 1}] * 60 + [{"GENDER": 2, "CITY": 2}] * 60)
    frame = answers_frame(survey)
    expected = pd.crosstab(frame["CITY"], frame["GENDER"], normalize="columns") * 100
    for preset in ("spss", "dimensions", "q"):
        response = web.get(base_url(survey) + "/tables",
                           query_string={**TABLE_QUERY, "preset": preset})
        assert response.status_code == 200, preset
        page = text_of(response)
        cells, bases = banner_table(page, "CITY")
        assert cells["1", "GENDER:1"]["letters"] == "B", preset  # men: more often Moscow
        assert cells["2", "GENDER:2"]["letters"] == "A", preset  # women: more often Kazan
        assert cells["1", "GENDER:2"]["letters"] is None, preset
        assert shows(cells["1", "GENDER:1"]["pct"], expected.at[1, 1])
        assert bases["Total"] == len(frame) == 360
        assert '<span class="letter">(A)</span>' in page
        assert '<span class="letter">(B)</span>' in page


def test_a_saved_table_reruns_on_current_data_and_can_be_deleted(web, survey):
    base = base_url(survey)
    page = text_of(web.get(base + "/tables", query_string={
        **TABLE_QUERY, "filter": "${FREQ} != 5"}))
    fields = as_data(hidden_fields(page, base + "/tables/save"))
    del fields["csrf_token"]  # Web.post adds a fresh one, unless told not to
    assert fields["rows"] == ["CITY"] and fields["banner"] == ["GENDER"]
    assert fields["filter"] == ["${FREQ} != 5"]
    fields["name"] = ["City by gender, buyers"]

    assert web.post(base + "/tables/save", fields, csrf=False).status_code == 400
    unnamed = web.post(base + "/tables/save", {**fields, "name": ""}, follow_redirects=True)
    assert "The table was not saved" in text_of(unnamed)
    assert count(SavedTable) == 0

    saved = web.post(base + "/tables/save", fields)
    assert saved.status_code == 302
    table = db.session.scalars(select(SavedTable)).one()
    assert saved.location.endswith(f"/tables/saved/{table.id}")
    assert table.spec["filter"] == "${FREQ} != 5" and table.spec["rows"] == ["CITY"]

    buyers = answers_frame(survey).query("FREQ != 5")
    shown = web.get(saved.location)
    assert shown.status_code == 200
    page = text_of(shown)
    assert "City by gender, buyers" in page
    cells, bases = banner_table(page, "CITY")
    assert bases["Total"] == len(buyers) < 240
    expected = pd.crosstab(buyers["CITY"], buyers["GENDER"], normalize="columns") * 100
    assert shows(cells["2", "GENDER:2"]["pct"], expected.at[2, 2])

    # New interviews: the saved table is re-run on them, not read from a stale cache.
    add_responses(survey, [{"FREQ": 1, "CITY": 2, "GENDER": 2}] * 15)
    page = text_of(web.get(saved.location))
    cells, bases = banner_table(page, "CITY")
    assert bases["Total"] == len(buyers) + 15
    assert cells["2", "Total"]["count"] == str((buyers["CITY"] == 2).sum() + 15)

    delete_url = f"{base}/tables/saved/{table.id}/delete"
    assert delete_url in page
    assert web.post(delete_url, csrf=False).status_code == 400
    assert count(SavedTable) == 1
    deleted = web.post(delete_url)
    assert deleted.status_code == 302 and deleted.location.endswith("/analysis/tables")
    assert count(SavedTable) == 0
    assert web.get(saved.location).status_code == 404


# --- weighting ----------------------------------------------------------------------------------

def test_a_rim_weight_is_computed_used_changed_run_again_and_deleted(web, survey):
    base = base_url(survey)
    page = text_of(web.get(f"{base}/weights/new?{RIM_QUERY}"))
    for key in ("t__CITY_1", "t__CITY_2", "t__CITY_3", "t__GENDER_1", "t__GENDER_2"):
        assert f'name="{key}"' in page
    assert re.search(r'<input id="name"[^>]*value="w_pop"', page)

    created = web.post(f"{base}/weights/new?{RIM_QUERY}", rim_form())
    assert created.status_code == 302
    scheme = db.session.scalars(select(WeightScheme)).one()
    scheme_id = scheme.id
    assert scheme.name == "w_pop" and scheme.method == "rim"
    assert created.location.endswith(f"/analysis/weights/{scheme_id}")
    report = text_of(web.get(created.location))
    assert figure(report, "converged") == "yes" and "Weight w_pop computed." in report
    weights = rake(answers_frame(survey), {"CITY": CITY_TARGETS, "GENDER": GENDER_TARGETS})
    efficiency = 100 * weights.sum() ** 2 / (len(weights) * (weights ** 2).sum())
    assert abs(float(figure(report, "efficiency").rstrip(" %")) - efficiency) <= 0.051
    listing = text_of(web.get(base + "/weights"))
    assert re.search(r'<tr data-weight="w_pop">.*?<td>yes</td>', listing, re.S)

    # The weight is offered on the report pages, and weighted tables meet the targets.
    for path in ("/", "/tables"):
        assert "w_pop" in weight_options(text_of(web.get(base + path))), path
    page = text_of(web.get(base + "/tables", query_string={
        **TABLE_QUERY, "rows": ["CITY", "GENDER"], "banner": ["PRICE_TEST"],
        "weight": "w_pop"}))
    assert "Weighted base" in page
    for row, targets in (("CITY", CITY_TARGETS), ("GENDER", GENDER_TARGETS)):
        cells, _bases = banner_table(page, row)
        for code, target in targets.items():
            assert abs(float(cells[str(code), "Total"]["pct"]) - target) <= 0.1, (row, code)
    topline = text_of(web.get(base + "/", query_string={"weight": "w_pop"}))
    assert "weighted by w_pop" in topline
    city = topline_section(topline, "CITY")
    for code, target in CITY_TARGETS.items():
        shown = re.search(rf'<tr><td>{code}</td><th scope="row">[^<]*</th><td>[\d.]+</td>'
                          rf'<td>\d+</td><td>([\d.]+)</td>', city).group(1)
        assert abs(float(shown) - target) <= 0.1

    # New targets: saving runs the weight again.
    edit_url = f"{base}/weights/{scheme_id}/edit"
    assert re.search(r'name="t__CITY_3"[^>]*value="10(\.0)?"', text_of(web.get(edit_url)))
    assert web.post(edit_url, rim_form(city={1: 60, 2: 30, 3: 10})).status_code == 302
    db.session.expire_all()
    assert db.session.get(WeightScheme, scheme_id).settings["targets"]["CITY"]["1"] == 60

    # Run again on current data: the report counts the new interviews.
    add_responses(survey, [{"CITY": 3, "GENDER": 1}] * 10)
    assert web.post(f"{base}/weights/{scheme_id}/run", csrf=False).status_code == 400
    ran = web.post(f"{base}/weights/{scheme_id}/run")
    assert ran.status_code == 302 and ran.location.endswith(f"/weights/{scheme_id}")
    db.session.expire_all()
    assert db.session.get(WeightScheme, scheme_id).report["respondents"] == 250
    report = text_of(web.get(created.location))
    assert "<dd>250</dd>" in report and figure(report, "converged") == "yes"
    cells, bases = banner_table(text_of(web.get(base + "/tables", query_string={
        **TABLE_QUERY, "weight": "w_pop"})), "CITY")
    assert bases["Total"] == 250 and abs(float(cells["1", "Total"]["pct"]) - 60) <= 0.1

    assert web.post(f"{base}/weights/{scheme_id}/delete", csrf=False).status_code == 400
    assert count(WeightScheme) == 1
    deleted = web.post(f"{base}/weights/{scheme_id}/delete")
    assert deleted.status_code == 302 and deleted.location.endswith("/analysis/weights")
    assert count(WeightScheme) == 0
    assert web.get(created.location).status_code == 404
    assert "w_pop" not in weight_options(text_of(web.get(base + "/")))


def test_weights_that_cannot_be_computed_store_nothing(web, survey):
    url = f"{base_url(survey)}/weights/new?{RIM_QUERY}"
    assert web.post(url, rim_form(), csrf=False).status_code == 400

    response = web.post(url, rim_form(city={1: 50, 2: 40, 3: 5}))
    assert response.status_code == 422
    assert "The percentage targets of CITY sum to 95, not 100." in text_of(response)

    for name, message in (("1abc", "cannot name a weight variable"),
                          ("channel", "cannot name a weight variable"),
                          ("w pop", "cannot name a weight variable"),
                          ("CITY", "The dataset already has a variable called CITY.")):
        response = web.post(url, rim_form(name=name))
        assert response.status_code == 422, name
        assert html_lib.escape(message) in text_of(response), name

    age_url = f"{base_url(survey)}/weights/new?name=w_age&method=rim&variables=AGE"
    assert 'name="t__AGE_6"' in text_of(web.get(age_url))  # 65+: nobody (ages 18–55)
    ages = {"name": "w_age", "unit": "percent", "tolerance": "0.0001", "max_iterations": "100",
            **{f"t__AGE_{code}": "19" for code in range(1, 6)}, "t__AGE_6": "5"}
    response = web.post(age_url, ages)
    assert response.status_code == 422
    assert "Nobody in the sample has AGE = 6" in text_of(response)
    assert count(WeightScheme) == 0

    # With a 0 target for the empty category the weight works; its name is then taken.
    assert web.post(age_url, {**ages, "t__AGE_1": "24", "t__AGE_6": "0"}).status_code == 302
    again = web.post(url, rim_form(name="w_age"))
    assert again.status_code == 422
    assert "The dataset already has a variable called w_age." in text_of(again)
    assert count(WeightScheme) == 1


def test_unconverged_rim_and_cell_weights_are_stored_with_their_reports(web, survey):
    base = base_url(survey)
    response = web.post(f"{base}/weights/new?{RIM_QUERY}", rim_form(
        name="w_hard", city={1: 10, 2: 10, 3: 80}, gender={1: 90, 2: 10}, max_iterations="1"))
    assert response.status_code == 302
    scheme = db.session.scalars(select(WeightScheme)).one()
    assert scheme.report["converged"] is False and scheme.report["iterations"] == 1
    page = text_of(web.get(response.location))
    assert figure(page, "converged") == "no"
    assert "Weighting did not converge" in page
    assert "raking did not converge" in page  # the flash message
    listing = text_of(web.get(base + "/weights"))
    assert re.search(r'<tr data-weight="w_hard">.*?<td>no</td>', listing, re.S)

    url = f"{base}/weights/new?name=w_cell&method=cell&variables=GENDER&variables=PRICE_TEST"
    page = text_of(web.get(url))
    assert 'name="max_iterations"' not in page
    keys = re.findall(r'name="(t__GENDER_\d__PRICE_TEST_\d)"', page)
    assert sorted(keys) == ["t__GENDER_1__PRICE_TEST_1", "t__GENDER_1__PRICE_TEST_2",
                            "t__GENDER_2__PRICE_TEST_1", "t__GENDER_2__PRICE_TEST_2"]
    targets = dict(zip(sorted(keys), ("30", "20", "20", "30")))
    response = web.post(url, {"name": "w_cell", "unit": "percent", **targets})
    assert response.status_code == 302
    scheme = db.session.scalars(select(WeightScheme).filter_by(name="w_cell")).one()
    assert scheme.method == "cell" and len(scheme.settings["cells"]) == 4
    assert figure(text_of(web.get(response.location)), "converged") == "yes"
    edit_page = text_of(web.get(f"{base}/weights/{scheme.id}/edit"))
    assert re.search(r'name="t__GENDER_1__PRICE_TEST_1"[^>]*value="30(\.0)?"', edit_page)
    cells, _bases = banner_table(text_of(web.get(base + "/tables", query_string={
        **TABLE_QUERY, "rows": ["GENDER"], "banner": ["PRICE_TEST"], "weight": "w_cell"})),
        "GENDER")
    assert cells["1", "Total"]["pct"] == "50.0"
    assert cells["1", "PRICE_TEST:1"]["pct"] == "60.0"


# --- open answers -------------------------------------------------------------------------------

def verbatims(page):
    rows = re.findall(r'<td><a href="[^"]*/responses/(\d+)">\d+</a></td>'
                      r'<td class="verbatim">([^<]*)</td>', page)
    return {int(response_id): html_lib.unescape(text) for response_id, text in rows}


def answer_count(page):
    return int(re.search(r'<caption>(\d+) answers?</caption>', page).group(1))


def test_open_answers_are_listed_searched_filtered_and_escaped(web, survey):
    evil = '<script>alert("x")</script> & <b>bold</b>'
    [planted] = add_responses(survey, [{"NPS": 3, "NPS_WHY": evil, "AWARE_1": 1,
                                        "CITY": 1}])
    frame = answers_frame(survey)
    texts = frame["NPS_WHY"].dropna()
    texts = texts[texts.str.strip() != ""]
    assert len(texts) > 100  # two pages
    url = base_url(survey) + "/open-answers"

    first_visit = web.get(url)
    assert first_visit.status_code == 200
    page = text_of(first_visit)
    assert "field-error" not in page  # nothing was submitted, so nothing is wrong
    assert answer_count(page) == len(texts)
    next_link = html_lib.unescape(re.search(r'<a href="([^"]+)">Next</a>', page).group(1))
    assert "page=2" in next_link and "variable=NPS_WHY" in next_link
    second = text_of(web.get(next_link))
    assert "Page 2 of 2" in second and "field-error" not in second
    assert {**verbatims(page), **verbatims(second)} == texts.to_dict()
    assert len(verbatims(page)) == 100

    for search in ("LONG QUEUE", "долго"):
        expected = texts[texts.str.contains(search, case=False, regex=False)]
        page = text_of(web.get(url, query_string={"variable": "NPS_WHY", "search": search}))
        assert verbatims(page) == expected.to_dict() and len(expected) > 0, search
        assert answer_count(page) == len(expected)

    kazan = texts[frame.loc[texts.index, "CITY"] == 2]
    page = text_of(web.get(url, query_string={"variable": "NPS_WHY",
                                              "filter": "${CITY} = 2"}))
    assert verbatims(page) == kazan.to_dict() and 0 < len(kazan) < len(texts)
    bad = web.get(url, query_string={"variable": "NPS_WHY", "filter": "${CITY} ="})
    assert bad.status_code == 422 and "The filter is not valid" in text_of(bad)

    page = text_of(web.get(url, query_string={"variable": "NPS_WHY", "search": "script"}))
    assert verbatims(page) == {planted.id: evil}
    assert "<script>alert" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_banner_nets_and_charts(survey, logged_in):
    """Nets add rows that sum their codes; each chart kind draws its table as SVG."""
    web, _user = logged_in
    base = base_url(survey)
    query = {"rows": ["FREQ", "AWARE", "AGE_EXACT", "NPS"], "banner": ["CITY", "GENDER"],
             "preset": "spss", "alpha": "0.05", "alpha_low": "0.1", "min_base": "30",
             "statistics": ["column_percent", "count"], "chart": "stacked",
             "nets": "FREQ: Weekly or more = 1, 2, 3\nAWARE: Chains = AWARE_1, AWARE_2",
             "p_values": "y"}
    page = web.get(base + "/tables", query_string=query)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Weekly or more" in html and "Chains" in html
    assert html.count('<details class="p-values">') == 4  # one list of tests per table
    scores = answers_frame(survey)["NPS"].dropna()
    total_nps = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    assert re.search(rf'data-row="nps">.*?<td>{total_nps:.1f} ', html, re.S)
    weekly = answers_frame(survey)["FREQ"].isin([1, 2, 3]).sum()
    assert re.search(rf'data-row="net:Weekly or more".*?<span class="count">{weekly}</span>',
                     html, re.S)
    for kind in ("stacked", "bars", "line"):
        for name in ("FREQ", "AWARE", "AGE_EXACT"):
            chart = web.get(f"{base}/tables/charts/{name}.svg",
                            query_string=dict(query, chart=kind))
            assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
            assert b"<svg" in chart.data[:400]
    bad = web.get(base + "/tables", query_string=dict(query, nets="FREQ Weekly 1 2"))
    assert bad.status_code == 422
    assert "Line 1 of the nets" in bad.get_data(as_text=True)
    unknown_code = web.get(base + "/tables", query_string=dict(query, nets="FREQ: X = 42"))
    assert unknown_code.status_code == 422
    assert web.get(f"{base}/tables/charts/NOPE.svg", query_string=query).status_code == 404
