"""Builder preview (the respondent pages themselves) and questionnaire import/export."""
import io
import re

import pytest

from research.demo_questionnaire import demo_definition
from research.extensions import db
from surveys.builder.services import draft_definition
from surveys.builder.versions import replace_draft
from surveys.interchange import normalise
from surveys.manage.services import create_survey


@pytest.fixture
def demo_survey(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    survey = create_survey(study, user, "Coffee", "adhoc", "ru", ["en"])
    replace_draft(survey, demo_definition())
    db.session.commit()
    return web, study, survey


def url(study, survey, tail=""):
    return f"/studies/{study.id}/surveys/{survey.id}/builder{tail}"


def test_preview_runs_the_questionnaire_logic_without_storing(demo_survey):
    web, study, survey = demo_survey
    first = web.get(url(study, survey, "/preview?restart=1"))
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "preview-banner" in html and "Согласны принять участие?" in html and 'lang="ru"' in html
    declined = web.post(url(study, survey, "/preview"), {"CONSENT": "2", "action": "next"})
    assert "Этот опрос не для вас" in declined.get_data(as_text=True).replace("К сожалению, э",
                                                                               "Э")
    web.get(url(study, survey, "/preview?restart=1"))
    web.post(url(study, survey, "/preview"), {"CONSENT": "1", "action": "next"})
    english = web.get(url(study, survey, "/preview?lang=en")).get_data(as_text=True)
    assert "Which city do you live in?" in english
    missing = web.post(url(study, survey, "/preview"), {"action": "next"})
    assert missing.status_code == 200
    assert 'role="alert"' in missing.get_data(as_text=True)
    web.post(url(study, survey, "/preview"), {"CITY": "1", "FREQ": "5", "AGE_EXACT": "30",
                                              "action": "next"})
    # FREQ = 5 ("never") hides the coffee-shop sections: the A/B page comes next.
    page = web.get(url(study, survey, "/preview")).get_data(as_text=True)
    assert "Imagine: a coffee and a cheesecake for" in page
    assert "Which of these coffee shops" not in page
    db.session.expire_all()
    assert survey.responses.count() == 0


def test_json_export_and_import_round_trip(demo_survey, make_study):
    web, study, survey = demo_survey
    exported = web.get(url(study, survey, "/export.json"))
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    other = create_survey(study, survey.study.members[0].user, "Copy", "adhoc", "en")
    db.session.commit()
    response = web.post(url(study, other, "/import"), {
        "file": (io.BytesIO(exported.data), "questionnaire.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    original, copy = draft_definition(survey), draft_definition(other)
    assert copy["questions"] == original["questions"]
    assert copy["option_lists"] == original["option_lists"]
    assert other.languages == ["ru", "en"] and other.default_language == "ru"


def test_xlsform_export_and_import_round_trip(demo_survey):
    web, study, survey = demo_survey
    exported = web.get(url(study, survey, "/export.xlsform"))
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    other = create_survey(study, survey.study.members[0].user, "Copy", "adhoc", "en")
    db.session.commit()
    response = web.post(url(study, other, "/import"), {
        "file": (io.BytesIO(exported.data), "questionnaire.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    # XLSForm has no place for texts Anketa shows anyway (default scale labels...): the
    # round trip equals the original in its normal form.
    assert draft_definition(other)["questions"] == \
        normalise(draft_definition(survey))["questions"]


@pytest.mark.parametrize("name, data, message", [
    ("form.xlsx", b"this is not a zip file", "xlsx"),
    ("form.json", b"{\"format\": \"anketa.questionnaire\"", "JSON"),
    ("form.csv", b"a,b", "Import an Anketa .json file or an XLSForm .xlsx file."),
])
def test_bad_imports_change_nothing(demo_survey, name, data, message):
    web, study, survey = demo_survey
    before = draft_definition(survey)
    response = web.post(url(study, survey, "/import"), {"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert message.lower() in response.get_data(as_text=True).lower()
    db.session.expire_all()
    assert draft_definition(survey) == before


def test_oversized_upload_gets_413(demo_survey, app):
    web, study, survey = demo_survey
    # Small sizes: the test client spools bigger bodies to a temporary file it never closes.
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    response = web.post(url(study, survey, "/import"), {
        "file": (io.BytesIO(b"x" * (200 * 1024)), "big.json")},
        content_type="multipart/form-data")
    assert response.status_code == 413


def test_viewer_may_preview_and_export_but_not_import(web, make_user, make_study):
    owner, viewer = make_user(), make_user()
    study = make_study(owner, members={viewer: "viewer"})
    survey = create_survey(study, owner, "Coffee", "adhoc", "ru", ["en"])
    replace_draft(survey, demo_definition())
    db.session.commit()
    web.login(viewer.email, "correct horse battery")
    assert web.get(url(study, survey, "/preview")).status_code == 200
    assert web.get(url(study, survey, "/export.json")).status_code == 200
    response = web.post(url(study, survey, "/import"), {
        "file": (io.BytesIO(b"{}"), "x.json")}, content_type="multipart/form-data")
    assert response.status_code == 403


def test_screen_out_condition_ends_the_preview(demo_survey):
    web, study, survey = demo_survey
    web.get(url(study, survey, "/preview?restart=1"))
    web.post(url(study, survey, "/preview"), {"CONSENT": "1", "action": "next"})
    ended = web.post(url(study, survey, "/preview"), {"CITY": "1", "FREQ": "1",
                                                     "AGE_EXACT": "16", "action": "next"})
    assert "К сожалению, этот опрос не для вас" in ended.get_data(as_text=True)
    assert "The respondent was screened out." in ended.get_data(as_text=True)


def test_screen_out_condition_is_checked_when_saved(demo_survey):
    web, study, survey = demo_survey
    question = next(q for q in survey.draft_version.questions if q.variable == "CITY")
    response = web.post(url(study, survey, f"/questions/{question.id}"), {
        "variable": "CITY", "text__ru": "Город?", "options__ru": "Москва\nКазань",
        "setting__screen_out": "${NOWHERE} = 1"})
    assert "Screen-out condition: Unknown variable ${NOWHERE}" in response.get_data(as_text=True)
