"""Quality flags: the pure rules on hand-computed cases, then the flags on the responses list
and page for interviews constructed in the database."""
import random
import statistics
from datetime import timedelta

import pytest

from research.extensions import db
from research.models.types import utcnow
from surveys.fieldwork import quality
from surveys.fieldwork.dashboard import build_dashboard
from surveys.fieldwork.responses import Filters, list_responses, response_detail
from surveys.models import Response
from tests.collect_support import live_survey

GRID_VARIABLES = [
    {"name": "Q1", "role": "answer", "question": "Q1"},
    {"name": "RATE_r1", "role": "grid_row", "question": "RATE"},
    {"name": "RATE_r2", "role": "grid_row", "question": "RATE"},
    {"name": "RATE_r3", "role": "grid_row", "question": "RATE"},
    {"name": "SAT_r1", "role": "grid_row", "question": "SAT"},
    {"name": "SAT_r2", "role": "grid_row", "question": "SAT"},
    {"name": "M_r1_c1", "role": "mr_item", "question": "M", "mr_set": "M_r1"},
]


# --- the rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("durations, expected", [
    ([], None),
    ([None, None], None),
    ([40.0], 40.0),
    ([30, 10, 20], 20.0),
    ([10, 20, 30, 40], 25.0),
    ([5, None, 100, 7], 7.0),
])
def test_median_duration_by_hand(durations, expected):
    assert quality.median_duration(durations) == expected


def middle_of_sorted(values):
    """The textbook median, written out: the middle value, or the mean of the two middle."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def test_median_duration_matches_independent_computations():
    rng = random.Random(7)
    for size in (1, 2, 5, 50, 51, 1000):
        sample = [rng.gammavariate(2.0, 300.0) for _ in range(size)]
        assert quality.median_duration(sample) == pytest.approx(middle_of_sorted(sample))
        assert quality.median_duration(sample) == pytest.approx(statistics.median(sample))


def test_speeder_threshold_needs_five_completes():
    assert quality.MIN_COMPLETES_FOR_MEDIAN == 5
    assert quality.speeder_threshold([300, 600, 900, 1200]) is None
    assert quality.speeder_threshold([300, 600, 900, 1200, None]) is None
    # median of 300, 600, 900, 1200, 1500 is 900; a third is 300
    assert quality.speeder_threshold([1500, 300, 1200, 600, 900]) == pytest.approx(300.0)
    # six values: median (600 + 900) / 2 = 750; a third is 250
    assert quality.speeder_threshold([300, 600, 900, 1200, 1500, 60]) == pytest.approx(250.0)


@pytest.mark.parametrize("status, duration, threshold, expected", [
    ("complete", 299.9, 300.0, True),
    ("complete", 300.0, 300.0, False),    # "under" a third: equal is not a speeder
    ("complete", 10.0, None, False),      # too few completes for a median
    ("complete", None, 300.0, False),
    ("screened_out", 5.0, 300.0, False),  # only completes are speeders
    ("over_quota", 5.0, 300.0, False),
])
def test_is_speeder(status, duration, threshold, expected):
    assert quality.is_speeder(status, duration, threshold) is expected


def test_grid_rows_groups_grid_row_variables_by_question():
    assert quality.grid_rows(GRID_VARIABLES) == {"RATE": ["RATE_r1", "RATE_r2", "RATE_r3"],
                                                 "SAT": ["SAT_r1", "SAT_r2"]}
    # two versions' variables merge by name (version 2 adds a row)
    merged = quality.grid_rows(GRID_VARIABLES + [
        {"name": "RATE_r1", "role": "grid_row", "question": "RATE"},
        {"name": "RATE_r4", "role": "grid_row", "question": "RATE"}])
    assert merged["RATE"] == ["RATE_r1", "RATE_r2", "RATE_r3", "RATE_r4"]


@pytest.mark.parametrize("answers, expected", [
    ({"RATE_r1": 2, "RATE_r2": 2, "RATE_r3": 2}, ["RATE"]),
    ({"RATE_r1": 2, "RATE_r2": 2, "RATE_r3": 3}, []),
    ({"RATE_r1": 2, "RATE_r2": 2, "RATE_r3": None}, []),     # two answered rows: too few
    ({"RATE_r1": 1, "RATE_r2": 1, "RATE_r3": 1, "SAT_r1": 4, "SAT_r2": 4}, ["RATE"]),
    ({"RATE_r1": "3", "RATE_r2": 3, "RATE_r3": 3}, ["RATE"]),  # same code, stored as text
    ({"SAT_r1": 5, "SAT_r2": 5}, []),                         # a two-row grid never counts
    ({}, []),
])
def test_straight_lined_grids(answers, expected):
    grids = quality.grid_rows(GRID_VARIABLES)
    assert quality.straight_lined_grids(answers, grids) == expected


def test_straight_liner_ignores_missing_rows_of_a_longer_grid():
    grids = {"G": ["G_r1", "G_r2", "G_r3", "G_r4"]}
    assert quality.straight_lined_grids({"G_r1": 5, "G_r2": 5, "G_r4": 5}, grids) == ["G"]
    assert quality.straight_lined_grids({"G_r1": 5, "G_r4": 5}, grids) == []


def test_flags_of_combines_both_rules_in_order():
    grids = {"RATE": ["RATE_r1", "RATE_r2", "RATE_r3"]}
    same = {"RATE_r1": 1, "RATE_r2": 1, "RATE_r3": 1}
    assert quality.flags_of("complete", 10, same, grids, 100) == ["speeder", "straight_liner"]
    assert quality.flags_of("complete", 200, same, grids, 100) == ["straight_liner"]
    assert quality.flags_of("in_progress", None, same, grids, 100) == ["straight_liner"]
    assert quality.flags_of("complete", 10, {}, grids, None) == []


# --- flags on constructed interviews ------------------------------------------------------------

def add_response(survey, seconds, *, status="complete", rates=(3, 2, 1), invalid=False,
                 channel="web"):
    """An interview of ``seconds`` (None: still going) with the grid answered ``rates``."""
    end = utcnow() - timedelta(minutes=5)
    start = end - timedelta(seconds=seconds or 60)
    answers = {"GENDER": 1, "AGE": 30}
    answers.update({f"RATE_r{row}": code for row, code in enumerate(rates, 1)})
    response = Response(survey_id=survey.id, version_id=survey.published_version.id,
                        status=status, channel=channel, answers=answers, timings={},
                        variants={}, quota_cells=[], is_invalid=invalid, started_at=start,
                        updated_at=end, completed_at=end if seconds is not None else None)
    db.session.add(response)
    db.session.commit()
    return response


@pytest.fixture
def constructed(app, make_user):
    """Seven valid completes, an invalid fast one, a partial and a screen-out (see the test)."""
    survey = live_survey(make_user(email="owner@example.org"))
    made = {}
    for seconds in (600, 700, 800, 900, 1000):
        made[seconds] = add_response(survey, seconds)
    made["fast"] = add_response(survey, 250)                          # above the limit
    made["very_fast"] = add_response(survey, 200, rates=(2, 2, 2))    # speeder and straight
    made["invalid_fast"] = add_response(survey, 20, invalid=True)     # not in the median
    made["partial_straight"] = add_response(survey, None, status="in_progress",
                                            rates=(1, 1, 1))
    made["screened_fast"] = add_response(survey, 5, status="screened_out", rates=())
    return survey, made


def test_constructed_flags_by_hand(constructed):
    survey, made = constructed
    # valid completes: 200, 250, 600, 700, 800, 900, 1000 -> median 700, a third 233.33
    durations = [200, 250, 600, 700, 800, 900, 1000]
    assert build_dashboard(survey).median_seconds == pytest.approx(statistics.median(durations))
    assert build_dashboard(survey).median_seconds == pytest.approx(middle_of_sorted(durations))
    expected = {made["very_fast"].id: ["speeder", "straight_liner"],
                made["invalid_fast"].id: ["speeder"],
                made["partial_straight"].id: ["straight_liner"]}
    page = list_responses(survey, Filters())
    assert page.total == 10
    assert {row.response.id: row.flags for row in page.rows if row.flags} == expected
    assert made["fast"].id not in expected  # 250 s is above 700 / 3

    speeders = list_responses(survey, Filters(flag="speeder"))
    assert [row.response.id for row in speeders.rows] == sorted(
        [made["very_fast"].id, made["invalid_fast"].id], reverse=True)
    straight = list_responses(survey, Filters(flag="straight_liner"))
    assert {row.response.id for row in straight.rows} == {made["very_fast"].id,
                                                          made["partial_straight"].id}
    anything = list_responses(survey, Filters(flag="any", validity="valid"))
    assert {row.response.id for row in anything.rows} == {made["very_fast"].id,
                                                          made["partial_straight"].id}


def test_detail_names_the_straight_lined_grid(constructed):
    survey, made = constructed
    detail = response_detail(made["very_fast"])
    assert detail.flags == ["speeder", "straight_liner"]
    assert detail.straight_lined == ["RATE"]
    assert detail.speeder_threshold == pytest.approx(700 / 3)
    rows = {row.name: row for row in detail.answers}
    assert rows["RATE_r1"].value == 2 and rows["RATE_r1"].value_label == "OK"
    assert rows["GENDER"].value_label == "Male"
    assert rows["BUYS"].value is None and rows["BUYS"].value_label is None


def test_too_few_completes_flag_no_speeders(app, make_user):
    survey = live_survey(make_user())
    for seconds in (600, 600, 600, 10):
        add_response(survey, seconds)
    page = list_responses(survey, Filters(flag="speeder"))
    assert page.total == 0
    add_response(survey, 600)  # the fifth valid complete: median 600, a third 200
    page = list_responses(survey, Filters(flag="speeder"))
    assert [row.duration for row in page.rows] == [pytest.approx(10)]


def test_flags_shown_on_list_and_page(constructed, web):
    survey, made = constructed
    assert web.login("owner@example.org", "correct horse battery").status_code == 302
    base = f"/studies/{survey.study_id}/surveys/{survey.id}/fieldwork"
    html = web.get(f"{base}/responses?flag=speeder").get_data(as_text=True)
    assert html.count("data-response=") == 2
    assert "Speeder" in html and "Straight-liner" in html
    page = web.get(f"{base}/responses/{made['very_fast'].id}").get_data(as_text=True)
    assert "Same answer on every row of: RATE" in page
