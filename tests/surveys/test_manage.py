import pytest
from sqlalchemy import func, select

from research.extensions import db
from surveys.models import QuestionnaireVersion, Survey

PASSWORD = "correct horse battery"


def test_editor_creates_a_survey_with_a_draft_version(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    response = web.post(f"/studies/{study.id}/surveys/new", {
        "title": "Wave 1", "kind": "panel_wave", "default_language": "ru",
        "languages": ["en", "ru"]})
    assert response.status_code == 302
    survey = db.session.scalar(select(Survey))
    assert (survey.title, survey.kind, survey.status) == ("Wave 1", "panel_wave", "draft")
    assert survey.languages == ["ru", "en"]
    assert [v.number for v in survey.versions] == [1] and not survey.versions[0].is_published
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wave 1" in page and "Version 1" in page
    listing = web.get(f"/studies/{study.id}/surveys/").get_data(as_text=True)
    assert "Wave 1" in listing


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "This field is required"),
    ({"kind": "census"}, "Not a valid choice"),
    ({"default_language": "xx"}, "Not a valid choice"),
    ({"title": "x" * 201}, "Field cannot be longer than 200 characters"),
])
def test_bad_survey_input_stores_nothing(logged_in, make_study, changes, message):
    web, user = logged_in
    study = make_study(user)
    data = {"title": "Wave 1", "kind": "adhoc", "default_language": "ru", **changes}
    response = web.post(f"/studies/{study.id}/surveys/new", data)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Survey.id))) == 0
    assert db.session.scalar(select(func.count(QuestionnaireVersion.id))) == 0


def test_a_survey_is_only_reachable_through_its_own_study(logged_in, make_study, make_user):
    web, user = logged_in
    mine = make_study(user, title="Mine")
    other_owner = make_user()
    theirs = make_study(other_owner, title="Theirs")
    from surveys.manage.services import create_survey
    foreign = create_survey(theirs, other_owner, "Secret", "adhoc", "ru")
    db.session.commit()
    assert web.get(f"/studies/{mine.id}/surveys/{foreign.id}").status_code == 404
    assert web.get(f"/studies/{theirs.id}/surveys/{foreign.id}").status_code == 404
