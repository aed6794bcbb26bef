"""The dataset builder and analysis filters on the real database (SQLite or PostgreSQL, ``--db``).

Responses come from the collection flow (a few respondents over HTTP) or are inserted as
``Response`` rows (larger numbers); ``build_dataset`` must turn exactly the complete, valid
ones into rows with the right values, merge published versions by variable name, cache its
frames by a fingerprint of the data, and ``filter_mask`` must select what pandas selects.
"""
import os
import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from research.extensions import db
from research.models.vocabulary import CHANNELS
from research.reports.datasets import (CHANNEL_CODES, build_dataset, dataset_source,
                                       published_versions)
from research.reports.filters import FilterError, filter_mask, question_specs
from surveys.builder.versions import publish, replace_draft
from surveys.fieldwork.responses import delete_response, set_invalid
from surveys.models import Response
from tests.collect_support import (ADULT_PAGES, QUESTIONS, Respondent, _opt, _q, live_survey,
                                   questionnaire)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
BRAND_ITEMS = ["BRANDS_1", "BRANDS_2", "BRANDS_3", "BRANDS_9"]
MULTILINE = 'Strong, "bold" coffee\nsecond line'


@pytest.fixture
def app_config(tmp_path):
    return {"ANALYSIS_CACHE_DIR": str(tmp_path / "analysis-cache")}


@pytest.fixture
def cache_dir(app):
    return app.config["ANALYSIS_CACHE_DIR"]


@pytest.fixture
def owner(make_user):
    return make_user(email="analyst@example.org")


@pytest.fixture
def survey(owner):
    return live_survey(owner)


def add_response(survey, answers, *, status="complete", channel="web", language="en",
                 started=T0, minutes=10.0, invalid=False, version=None):
    """A response row as collection would leave it (inserted directly, for numbers)."""
    version = version or survey.published_version
    completed = None if status == "in_progress" else started + timedelta(minutes=minutes)
    response = Response(survey_id=survey.id, version_id=version.id, status=status,
                        channel=channel, language=language, answers=answers, variants={},
                        is_invalid=invalid, started_at=started, completed_at=completed,
                        updated_at=completed or started)
    db.session.add(response)
    db.session.flush()
    return response


def answers_of(**values):
    """Full answers of the coffee questionnaire: everything not given is system-missing."""
    answers = dict.fromkeys(["CONSENT", "GENDER", "AGE", "BUYS", *BRAND_ITEMS, "BRANDS_other",
                             "RATE_r1", "RATE_r2", "RATE_r3", "AB", "OFFER", "COMMENT"])
    answers.update(CONSENT=1, GENDER=1, AGE=40, BUYS=2, AB=1, OFFER=1)
    answers.update(values)
    return answers


def responses_of(survey):
    db.session.expire_all()
    return db.session.scalars(select(Response).where(Response.survey_id == survey.id)
                              .order_by(Response.id)).all()


def cache_files(cache_dir):
    """The dataset cache files (other analysis caches may share the directory)."""
    if not os.path.isdir(cache_dir):
        return []
    return sorted(name for name in os.listdir(cache_dir)
                  if name.startswith("survey-") and name.endswith(".parquet"))


def assert_same_frame(left, right):
    """Equal frames, a missing text being None or NaN alike (as Dataset allows)."""
    def plain(frame):
        frame = frame.copy()
        for name in frame.columns[frame.dtypes == object]:
            frame[name] = pd.Series([None if pd.isna(value) else value for value in frame[name]],
                                    index=frame.index, dtype=object)
        return frame
    pd.testing.assert_frame_equal(plain(left), plain(right))


class StatementLog:
    """Every SQL statement sent through the engine while it is active."""

    def __init__(self):
        self.statements = []

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def reading_answers(self):
        return [s for s in self.statements if "answers" in s]


# --- rows and values ----------------------------------------------------------------------------

def test_interviews_collected_over_http_become_rows_with_their_values(app, survey):
    url = f"/s/{survey.public_key}"
    Respondent(app.test_client(), url).complete()  # an adult coffee buyer, in English
    non_buyer = Respondent(app.test_client(), url)
    non_buyer.start(language="ru")
    assert non_buyer.submit({"CONSENT": "1", "GENDER": "1", "AGE": "51",
                             "BUYS": "2"}).status_code == 303
    assert non_buyer.submit({"OFFER": "2", "COMMENT": MULTILINE}).status_code == 303
    screened = Respondent(app.test_client(), url)
    screened.start()
    screened.submit({"CONSENT": "1", "GENDER": "2", "AGE": "15", "BUYS": "1"})
    Respondent(app.test_client(), url).start()  # still in progress

    buyer_row, non_buyer_row, screened_row, going_on = responses_of(survey)
    assert [r.status for r in (buyer_row, non_buyer_row, screened_row, going_on)] == [
        "complete", "complete", "screened_out", "in_progress"]

    dataset = build_dataset(survey, use_cache=False)
    data = dataset.data
    assert list(data.index) == [buyer_row.id, non_buyer_row.id]
    assert data.index.name == "response_id"
    buyer, other = data.loc[buyer_row.id], data.loc[non_buyer_row.id]
    # Single choices and numbers are codes/values; multiple choice items are 0/1.
    assert (buyer["GENDER"], buyer["AGE"], buyer["BUYS"], buyer["OFFER"]) == (2, 34, 1, 1)
    assert [buyer[item] for item in BRAND_ITEMS] == [1, 0, 1, 0]
    assert [buyer[f"RATE_r{row}"] for row in (1, 2, 3)] == [3, 2, 1]
    assert buyer["AB"] == buyer_row.answers["AB"] and buyer["AB"] in (1, 2)
    assert buyer["COMMENT"] == "Fine coffee" and pd.isna(buyer["BRANDS_other"])
    # The brand page was never shown to the non-buyer: NaN, not 0, in every item of the set.
    assert (other["GENDER"], other["AGE"], other["BUYS"], other["OFFER"]) == (1, 51, 2, 2)
    assert all(np.isnan(other[item]) for item in BRAND_ITEMS)
    assert all(np.isnan(other[f"RATE_r{row}"]) for row in (1, 2, 3))
    assert other["COMMENT"] == MULTILINE
    for name in ["GENDER", "AGE", *BRAND_ITEMS, "RATE_r1", "channel", "version"]:
        assert data[name].dtype == np.float64, name
    # Key columns.
    assert list(data["channel"]) == [CHANNEL_CODES["web"]] * 2
    assert list(data["version"]) == [1, 1]
    assert list(data["language"]) == ["en", "ru"]
    for response in (buyer_row, non_buyer_row):
        row = data.loc[response.id]
        assert row["completed_on"] == response.completed_at.astimezone(timezone.utc) \
            .strftime("%Y-%m-%d")
        assert row["duration_minutes"] == pytest.approx(response.duration_seconds / 60,
                                                        abs=0.006)
    # Metadata: the questionnaire's dictionary, the set, the keys.
    assert dataset.variable("GENDER").value_labels == {1: "Male", 2: "Female"}
    assert dataset.variable("RATE_r1").role == "grid_row"
    assert dataset.variable("COMMENT").kind == "string"
    assert dataset.mr_set("BRANDS").variables == tuple(BRAND_ITEMS)
    assert dataset.variable("channel").value_labels[CHANNEL_CODES["phone"]] == \
        str(CHANNELS["phone"])
    assert [v.name for v in dataset.variables.values() if v.role == "key"] == [
        "channel", "version", "language", "completed_on", "duration_minutes"]


TEXTS = {
    "comma": "milk, sugar, cinnamon",
    "quotes": 'he said "too hot", then \'fine\'',
    "newlines": "line one\nline two\r\nline three,\n\"quoted\"",
    "empty": "",
    "blank": " ",
    "null-like": "NA",
    "null-marker": "\\N",
    "unicode": "Кофе «вкусный», спасибо!",
}


def test_open_text_keeps_commas_quotes_newlines_and_empty_apart_from_missing(survey):
    rows = {label: add_response(survey, answers_of(COMMENT=text)).id
            for label, text in TEXTS.items()}
    no_key = answers_of()
    del no_key["COMMENT"]
    rows["absent"] = add_response(survey, no_key).id
    rows["null"] = add_response(survey, answers_of(COMMENT=None)).id
    rows["number"] = add_response(survey, answers_of(COMMENT=None, AGE="34")).id
    rows["not a number"] = add_response(survey, answers_of(COMMENT=None, AGE="n/a")).id
    rows["boolean"] = add_response(survey, answers_of(COMMENT=None, AGE=True)).id
    db.session.commit()

    for use_cache in (False, True, True):  # built, written to the cache, read from it
        data = build_dataset(survey, use_cache=use_cache).data
        comments = data["COMMENT"]
        for label, text in TEXTS.items():
            assert comments[rows[label]] == text, label
        for label in ("absent", "null", "number"):
            assert pd.isna(comments[rows[label]]), label
        # A number written as text reads as the number on both databases; other text and
        # booleans in a numeric variable are missing.
        assert data.loc[rows["number"], "AGE"] == 34
        assert np.isnan(data.loc[rows["not a number"], "AGE"])
        assert np.isnan(data.loc[rows["boolean"], "AGE"])
        assert data.loc[rows["comma"], "AGE"] == 40


def test_key_columns_code_channel_language_date_and_length(survey):
    ids = [
        add_response(survey, answers_of(), channel="phone", language="ru",
                     started=datetime(2026, 3, 2, 23, 55, tzinfo=timezone.utc), minutes=12.5).id,
        add_response(survey, answers_of(), channel="face_to_face", language=None,
                     started=datetime(2026, 3, 31, 23, 55, tzinfo=timezone.utc),
                     minutes=7.25).id,
        add_response(survey, answers_of(AGE=36.5), channel="api", language="en",
                     minutes=1 / 3).id,
    ]
    db.session.commit()
    data = build_dataset(survey, use_cache=False).data
    assert list(data.index) == ids
    assert list(data["channel"]) == [CHANNEL_CODES["phone"], CHANNEL_CODES["face_to_face"],
                                     CHANNEL_CODES["api"]]
    assert data["language"][ids[0]] == "ru" and pd.isna(data["language"][ids[1]])
    # The date the interview ended, in UTC (even past midnight, even into a new month).
    assert list(data["completed_on"]) == ["2026-03-03", "2026-04-01", "2026-03-02"]
    assert list(data["duration_minutes"]) == [12.5, 7.25, 0.33]
    assert list(data["version"]) == [1, 1, 1]
    assert data["AGE"][ids[2]] == 36.5


def test_only_complete_valid_responses_of_the_survey_are_analysed(owner, survey):
    kept = [add_response(survey, answers_of(AGE=20 + n)).id for n in range(3)]
    for status in ("in_progress", "screened_out", "over_quota", "abandoned"):
        add_response(survey, answers_of(AGE=90), status=status)
    add_response(survey, answers_of(AGE=91), invalid=True)
    other_survey = live_survey(owner, title="Tea survey")
    add_response(other_survey, answers_of(AGE=92))
    db.session.commit()

    dataset = build_dataset(survey, use_cache=False)
    assert list(dataset.data.index) == kept
    assert list(dataset.data["AGE"]) == [20, 21, 22]
    assert dataset_source(survey).response_count == 3
    assert list(build_dataset(other_survey, use_cache=False).data["AGE"]) == [92]


def test_a_survey_without_responses_gives_an_empty_dataset_with_all_columns(survey):
    dataset = build_dataset(survey)
    assert len(dataset) == 0
    assert {"channel", "GENDER", "BRANDS_1", "RATE_r3", "COMMENT"} <= set(dataset.data.columns)


# --- versions -----------------------------------------------------------------------------------

def second_version_questions():
    """Version 2: GENDER relabelled (code 2 dropped, 3 added), COMMENT dropped, NPS added."""
    questions = []
    for question in QUESTIONS:
        if question["variable"] == "COMMENT":
            continue
        if question["variable"] == "GENDER":
            question = _q("GENDER", "single_choice", "Your sex?",
                          [_opt(1, "Man"), _opt(3, "Other")], required=True)
        questions.append(question)
    questions.append(_q("NPS", "numeric", "How likely are you to recommend us?",
                        integer=True, min=0, max=10))
    return questions


def test_published_versions_merge_by_variable_name(app, owner, survey):
    first = survey.published_version
    old = [add_response(survey, answers_of(GENDER=2, COMMENT=f"v1 #{n}")).id for n in range(2)]
    db.session.commit()
    replace_draft(survey, questionnaire(second_version_questions()))
    second = publish(survey, owner)
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    new_answers = answers_of(GENDER=3, NPS=9)
    del new_answers["COMMENT"]
    new = add_response(survey, new_answers, version=second).id
    db.session.commit()
    # One respondent of version 2 through the open link (the collection flow uses it now).
    Respondent(app.test_client(), f"/s/{survey.public_key}").complete(
        [{**ADULT_PAGES[0], "GENDER": "1"}, ADULT_PAGES[1], {"OFFER": "2"}])
    db.session.commit()
    web = responses_of(survey)[-1]
    assert web.version_id == second.id and web.status == "complete"

    dataset = build_dataset(survey, use_cache=False)
    data = dataset.data
    assert list(data.index) == [*old, new, web.id]
    assert list(data["version"]) == [1, 1, 2, 2]
    assert dataset.variable("version").value_labels == {1: "Version 1", 2: "Version 2"}
    # Added in version 2: NaN for those who answered version 1.
    assert np.isnan(data.loc[old, "NPS"]).all()
    assert data.loc[new, "NPS"] == 9 and np.isnan(data.loc[web.id, "NPS"])
    # Dropped in version 2: version 1's answers stay.
    assert list(data.loc[old, "COMMENT"]) == ["v1 #0", "v1 #1"]
    assert pd.isna(data.loc[new, "COMMENT"]) and pd.isna(data.loc[web.id, "COMMENT"])
    assert dataset.variable("COMMENT").label == "Anything else?"
    # Kept: one column, the newest labels win, codes of either version are labelled.
    assert list(data["GENDER"]) == [2, 2, 3, 1]
    gender = dataset.variable("GENDER")
    assert gender.label == "Your sex?"
    assert gender.value_labels == {1: "Man", 2: "Female", 3: "Other"}
    assert list(gender.value_labels) == [1, 2, 3]
    # The newest version's order, dropped variables after it.
    names = [v.name for v in dataset.variables.values() if v.role != "key"]
    assert names.index("NPS") > names.index("OFFER")
    assert "COMMENT" in names
    # Filters see the merged questionnaire: version 2's question, version 1's dropped one.
    specs = question_specs(published_versions(survey))
    assert list(filter_mask(dataset, specs, "${NPS} >= 9")) == [False, False, True, False]
    assert list(filter_mask(dataset, specs, "${GENDER} = 3 or ${version} = 1")) == [
        True, True, True, False]
    assert list(filter_mask(dataset, specs, "${COMMENT} = 'v1 #1'")) == [
        False, True, False, False]


# --- the cache ----------------------------------------------------------------------------------

def test_a_second_build_reads_the_parquet_file_not_the_answers(survey, cache_dir):
    ids = [add_response(survey, answers_of(AGE=30 + n, COMMENT=f"c{n}")).id for n in range(5)]
    db.session.commit()
    with StatementLog() as first_log:
        first = build_dataset(survey)
    (name,) = cache_files(cache_dir)
    source = dataset_source(survey)
    assert name == f"survey-{survey.id}-{source.fingerprint}.parquet"
    if db.engine.dialect.name == "sqlite":  # PostgreSQL streams by COPY, past the engine
        assert first_log.reading_answers()

    with StatementLog() as second_log:
        second = build_dataset(survey)
    assert second_log.reading_answers() == []
    assert_same_frame(second.data, first.data)
    assert second.variables == first.variables

    # The data really come from the file: a doctored file is what the next build returns.
    path = os.path.join(cache_dir, name)
    doctored = pd.read_parquet(path)
    doctored.loc[ids[0], "AGE"] = 77.0
    doctored.to_parquet(path)
    assert build_dataset(survey).data.loc[ids[0], "AGE"] == 77
    assert build_dataset(survey, use_cache=False).data.loc[ids[0], "AGE"] == 30
    assert cache_files(cache_dir) == [name]  # use_cache=False neither reads nor writes it


def test_new_invalidated_deleted_and_changed_responses_make_a_new_cache(app, survey,
                                                                         cache_dir):
    responses = [add_response(survey, answers_of(AGE=30 + n)) for n in range(3)]
    db.session.commit()
    fingerprints = [dataset_source(survey).fingerprint]
    assert len(build_dataset(survey)) == 3

    def rebuilt():
        source = dataset_source(survey)
        assert source.fingerprint not in fingerprints
        fingerprints.append(source.fingerprint)
        data = build_dataset(survey).data
        assert cache_files(cache_dir) == [f"survey-{survey.id}-{source.fingerprint}.parquet"]
        return data

    Respondent(app.test_client(), f"/s/{survey.public_key}").complete()  # a new complete
    data = rebuilt()
    assert list(data["AGE"]) == [30, 31, 32, 34]

    assert set_invalid(db.session.get(Response, responses[0].id), True)
    db.session.commit()
    data = rebuilt()
    assert list(data["AGE"]) == [31, 32, 34]

    delete_response(db.session.get(Response, responses[1].id))
    db.session.commit()
    data = rebuilt()
    assert list(data["AGE"]) == [32, 34]

    changed = db.session.get(Response, responses[2].id)
    changed.answers = {**changed.answers, "AGE": 60}
    db.session.commit()
    data = rebuilt()
    assert list(data["AGE"]) == [60, 34]

    # Unchanged data: the same fingerprint, the same file.
    assert dataset_source(survey).fingerprint == fingerprints[-1]


def test_valid_again_and_a_new_version_change_the_fingerprint_too(owner, survey, cache_dir):
    response = add_response(survey, answers_of(), status="complete")
    db.session.commit()
    before = dataset_source(survey).fingerprint
    set_invalid(response, True)
    db.session.commit()
    assert len(build_dataset(survey)) == 0
    set_invalid(db.session.get(Response, response.id), False)
    db.session.commit()
    assert len(build_dataset(survey)) == 1
    replace_draft(survey, questionnaire(second_version_questions()))
    publish(survey, owner)
    db.session.commit()
    dataset = build_dataset(survey)
    assert dataset_source(survey).fingerprint != before
    assert "NPS" in dataset.data.columns and len(cache_files(cache_dir)) == 1


def test_a_damaged_cache_file_is_rebuilt(survey, cache_dir):
    for n in range(3):
        add_response(survey, answers_of(AGE=20 + n, COMMENT=f"text {n}"))
    db.session.commit()
    expected = build_dataset(survey).data
    (name,) = cache_files(cache_dir)
    path = os.path.join(cache_dir, name)
    with open(path, "rb") as handle:
        content = handle.read()
    for damage in (b"not a parquet file at all" * 20, content[:len(content) // 2], b""):
        with open(path, "wb") as handle:
            handle.write(damage)
        assert_same_frame(build_dataset(survey).data, expected)
        # The file was written again, whole: the next build reads it.
        assert_same_frame(pd.read_parquet(path), expected)
        with StatementLog() as log:
            build_dataset(survey)
        assert log.reading_answers() == []


# --- filters ------------------------------------------------------------------------------------

def random_answers(rng):
    buyer = rng.random() < 0.7
    answers = answers_of(GENDER=rng.choice([1, 2]), AGE=rng.randint(18, 70),
                         BUYS=1 if buyer else 2, AB=rng.choice([1, 2]),
                         OFFER=rng.choice([1, 2, None]))
    if buyer:
        flags = [int(rng.random() < share) for share in (0.6, 0.5, 0.4, 0.15)]
        answers.update(dict(zip(BRAND_ITEMS, flags)))
        answers["BRANDS_other"] = rng.choice(["Delta", "Epsilon"]) if flags[3] else None
        answers.update({f"RATE_r{row}": rng.randint(1, 3) for row in (1, 2, 3)})
    return answers


@pytest.fixture
def filter_dataset(survey):
    rng = random.Random(20260302)
    # The first respondent never saw the brand page: a NaN group comes first.
    add_response(survey, answers_of(), channel="phone", language="ru")
    for _ in range(80):
        add_response(survey, random_answers(rng),
                     channel=rng.choice(["web", "web", "phone", "face_to_face"]),
                     language=rng.choice(["ru", "en"]))
    db.session.commit()
    return build_dataset(survey), question_specs(published_versions(survey))


FILTERS = [
    ("${GENDER} = 2", lambda d: d["GENDER"].eq(2)),
    ("selected(${BRANDS}, '2')", lambda d: d["BRANDS_2"].eq(1)),
    ("count-selected(${BRANDS}) >= 2", lambda d: d[BRAND_ITEMS].eq(1).sum(axis=1).ge(2)),
    ("${AGE} >= 30 and ${channel} = 'web'",
     lambda d: d["AGE"].ge(30) & d["channel"].eq(CHANNEL_CODES["web"])),
    ("${RATE_r1} = 3", lambda d: d["RATE_r1"].eq(3)),
    ("${RATE_r1} = 3 or ${RATE_r2} < 2", lambda d: d["RATE_r1"].eq(3) | d["RATE_r2"].lt(2)),
    ("${channel} = 'phone' and ${language} = 'ru'",
     lambda d: d["channel"].eq(CHANNEL_CODES["phone"]) & d["language"].eq("ru")),
    ("${BUYS} = 2 or selected(${BRANDS}, '9')", lambda d: d["BUYS"].eq(2) | d["BRANDS_9"].eq(1)),
    ("${AGE} < 25 or ${AGE} > 60", lambda d: d["AGE"].lt(25) | d["AGE"].gt(60)),
]


def test_filters_select_exactly_what_pandas_selects(filter_dataset):
    dataset, specs = filter_dataset
    data = dataset.data
    assert data["BRANDS_1"].isna().any() and data["BRANDS_1"].notna().any()
    for source, expected in FILTERS:
        wanted = expected(data).to_numpy(dtype=bool)
        mask = filter_mask(dataset, specs, source)
        assert mask.dtype == bool and mask.shape == (len(data),), source
        assert 0 < wanted.sum() < len(data), source  # a filter that really filters
        np.testing.assert_array_equal(mask, wanted, err_msg=source)
        assert list(dataset.subset(mask).data.index) == list(data.index[wanted]), source
    # No filter keeps everyone.
    assert filter_mask(dataset, specs, "  ").all()


def test_bad_filters_and_filters_that_match_nobody_say_so(filter_dataset):
    dataset, specs = filter_dataset
    for source, message in [
        ("${NOPE} = 1", "The filter is not valid: Unknown variable ${NOPE} at column 1."),
        ("${GENDER} = = 2", "The filter is not valid: Unexpected '=' at column 13: a value is "
                            "missing before it."),
        ("${AGE} > 98", "No respondents match the filter ${AGE} > 98."),
        ("selected(${BRANDS}, '2') and ${BUYS} = 2",
         "No respondents match the filter selected(${BRANDS}, '2') and ${BUYS} = 2."),
    ]:
        with pytest.raises(FilterError) as error:
            filter_mask(dataset, specs, source)
        assert str(error.value) == message
