from datetime import date

import pytest
from sqlalchemy import func, select

from research.extensions import db
from research.models import Invitation, Study, StudyMember

PASSWORD = "correct horse battery"

FULL_PLAN = {
    "title": "Brand health tracker", "client": "Acme",
    "problem_statement": "Sales fell in the Volga region.",
    "objectives": "Measure awareness\nMeasure usage",
    "hypotheses": "H1: awareness fell",
    "research_type": "descriptive", "data_source": "field", "data_kind": "quantitative",
    "methods": ["survey"], "target_audience": "Adults 18-65 in the Volga region",
    "sample_size": "800", "sampling_method": "quota", "quota_plan": "gender x age",
    "start_date": "2026-12-01", "end_date": "2027-02-28", "budget_amount": "950000.00",
    "budget_currency": "RUB",
}


def test_create_study_makes_the_creator_its_owner(logged_in):
    web, user = logged_in
    response = web.post("/studies/new", FULL_PLAN)
    assert response.status_code == 302
    study = db.session.scalar(select(Study))
    assert study.title == "Brand health tracker" and study.stage == "objectives"
    assert study.methods == ["survey"] and study.sample_size == 800
    assert study.start_date == date(2026, 12, 1)
    assert study.role_of(user) == "owner"
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Brand health tracker" in page and "Problem statement written" in page


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "This field is required"),
    ({"title": "T" * 201}, "Field cannot be longer than 200 characters"),
    ({"problem_statement": "x" * 10_001}, "Field cannot be longer than 10000 characters"),
    ({"research_type": "astrology"}, "Not a valid choice"),
    ({"methods": ["survey", "telepathy"]}, "is not a valid choice"),
    ({"sample_size": "-5"}, "Number must be between 1 and 10000000"),
    ({"sample_size": "many"}, "Not a valid integer value"),
    ({"start_date": "2027-03-01", "end_date": "2027-01-01"}, "The end date is before the start"),
    ({"budget_currency": ""}, "Choose the currency of the budget"),
    ({"start_date": "31.12.2026"}, "Not a valid date value"),
])
def test_bad_study_input_gets_a_message_and_stores_nothing(logged_in, changes, message):
    web, _user = logged_in
    response = web.post("/studies/new", {**FULL_PLAN, **changes})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Study.id))) == 0
    assert db.session.scalar(select(func.count(StudyMember.id))) == 0


def test_stages_advance_only_when_the_checklist_is_done(logged_in, make_study):
    web, user = logged_in
    study = make_study(user, title="Bare study")
    url = f"/studies/{study.id}"
    refused = web.post(f"{url}/stage/next", follow_redirects=True).get_data(as_text=True)
    assert "Finish this stage first" in refused and "Problem statement written" in refused
    web.post(f"{url}/edit", FULL_PLAN)
    assert web.post(f"{url}/stage/next").status_code == 302
    db.session.refresh(study)
    assert study.stage == "plan"
    web.post(f"{url}/stage/next")  # plan is complete as well
    db.session.refresh(study)
    assert study.stage == "fieldwork"
    # Fieldwork needs a questionnaire (the study uses surveys) and a hand-ticked item.
    page = web.post(f"{url}/stage/next", follow_redirects=True).get_data(as_text=True)
    assert "Questionnaire created" in page and "Fieldwork finished" in page
    web.post(f"/studies/{study.id}/surveys/new", {"title": "Wave 1", "kind": "adhoc",
                                                  "default_language": "ru"})
    web.post(f"{url}/checklist/fieldwork_done", {"done": "1"})
    web.post(f"{url}/stage/next")
    db.session.refresh(study)
    assert study.stage == "reporting"
    last = web.post(f"{url}/stage/next", follow_redirects=True).get_data(as_text=True)
    assert "already in its last stage" in last
    web.post(f"{url}/stage/previous")
    db.session.refresh(study)
    assert study.stage == "fieldwork"


def test_hand_ticked_items_of_later_stages_and_unknown_items_are_refused(logged_in, make_study):
    web, user = logged_in
    study = make_study(user)
    later = web.post(f"/studies/{study.id}/checklist/report_delivered", {"done": "1"},
                     follow_redirects=True)
    assert "belongs to a later stage" in later.get_data(as_text=True)
    unknown = web.post(f"/studies/{study.id}/checklist/nope", {"done": "1"},
                       follow_redirects=True)
    assert "Unknown checklist item" in unknown.get_data(as_text=True)
    db.session.refresh(study)
    assert study.checklist == {}


def test_dashboard_lists_only_my_studies(logged_in, make_user, make_study):
    web, user = logged_in
    stranger = make_user()
    make_study(user, title="Mine")
    make_study(stranger, title="Theirs")
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page


# --- the access matrix -------------------------------------------------------

STUDY_PAGES_GET = ["/studies/{id}", "/studies/{id}/edit", "/studies/{id}/team",
                   "/studies/{id}/delete", "/studies/{id}/surveys/", "/studies/{id}/surveys/new"]
EDITOR_POSTS = ["/studies/{id}/edit", "/studies/{id}/stage/next", "/studies/{id}/stage/previous",
                "/studies/{id}/checklist/client_agreed", "/studies/{id}/surveys/new"]
OWNER_POSTS = ["/studies/{id}/team/invite", "/studies/{id}/delete"]


@pytest.fixture
def shared_study(make_user, make_study):
    owner = make_user(email="owner@example.org")
    editor = make_user(email="editor@example.org")
    viewer = make_user(email="viewer@example.org")
    outsider = make_user(email="outsider@example.org")
    study = make_study(owner, members={editor: "editor", viewer: "viewer"}, title="Shared")
    return study, {"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider}


@pytest.mark.parametrize("url", STUDY_PAGES_GET + ["/studies/{id}/surveys/1"])
def test_non_members_get_404_everywhere(web, shared_study, url):
    study, users = shared_study
    web.login(users["outsider"].email, PASSWORD)
    assert web.get(url.format(id=study.id)).status_code == 404


@pytest.mark.parametrize("url", EDITOR_POSTS + OWNER_POSTS)
def test_non_members_posting_get_404_and_change_nothing(web, shared_study, url):
    study, users = shared_study
    web.login(users["outsider"].email, PASSWORD)
    response = web.post(url.format(id=study.id), {**FULL_PLAN, "email": "x@example.org",
                                                  "role": "owner", "done": "1"})
    assert response.status_code == 404
    db.session.refresh(study)
    assert study.title == "Shared" and len(study.members) == 3


def test_unknown_study_is_404(logged_in):
    web, _user = logged_in
    assert web.get("/studies/987654").status_code == 404


@pytest.mark.parametrize("url", EDITOR_POSTS + OWNER_POSTS)
def test_viewer_cannot_change_anything(web, shared_study, url):
    study, users = shared_study
    web.login(users["viewer"].email, PASSWORD)
    response = web.post(url.format(id=study.id), {**FULL_PLAN, "title": "Hijacked",
                                                  "email": "x@example.org", "role": "owner",
                                                  "done": "1", "kind": "adhoc",
                                                  "default_language": "ru"})
    assert response.status_code == 403
    assert "Your role in this study does not allow this action" in response.get_data(as_text=True)
    db.session.refresh(study)
    assert study.title == "Shared" and study.stage == "objectives" and study.checklist == {}
    assert len(study.surveys) == 0 and len(study.members) == 3


def test_viewer_reads_but_sees_no_edit_controls(web, shared_study):
    study, users = shared_study
    web.login(users["viewer"].email, PASSWORD)
    page = web.get(f"/studies/{study.id}").get_data(as_text=True)
    assert "Shared" in page and "Edit study" not in page and "Move to the next stage" not in page
    assert web.get(f"/studies/{study.id}/edit").status_code == 403


def test_editor_edits_but_cannot_manage_the_team(web, shared_study):
    study, users = shared_study
    web.login(users["editor"].email, PASSWORD)
    assert web.post(f"/studies/{study.id}/edit", {**FULL_PLAN, "title": "Renamed"}).status_code \
        == 302
    db.session.refresh(study)
    assert study.title == "Renamed"
    assert web.post(f"/studies/{study.id}/team/invite",
                    {"email": "x@example.org", "role": "viewer"}).status_code == 403
    member = next(m for m in study.members if m.role == "viewer")
    assert web.post(f"/studies/{study.id}/team/{member.id}/role",
                    {"role": "owner"}).status_code == 403


def test_owner_invites_an_existing_colleague_who_then_sees_the_study(web, shared_study):
    study, users = shared_study
    web.login(users["owner"].email, PASSWORD)
    response = web.post(f"/studies/{study.id}/team/invite",
                        {"email": "Outsider@Example.org", "role": "viewer"})
    assert response.status_code == 302
    again = web.post(f"/studies/{study.id}/team/invite",
                     {"email": "outsider@example.org", "role": "viewer"})
    assert again.status_code == 422 and "already on the team" in again.get_data(as_text=True)
    web.logout()
    web.login(users["outsider"].email, PASSWORD)
    assert web.get(f"/studies/{study.id}").status_code == 200
    assert web.get(f"/studies/{study.id}/edit").status_code == 403


def test_owner_invites_someone_without_an_account_by_link(web, shared_study):
    study, users = shared_study
    web.login(users["owner"].email, PASSWORD)
    page = web.post(f"/studies/{study.id}/team/invite",
                    {"email": "newbie@example.org", "role": "viewer"}).get_data(as_text=True)
    link = page.split('id="invitation-link" class="copy" type="text" readonly value="')[1]
    link = link.split('"')[0]
    invitation = db.session.scalar(select(Invitation))
    token = link.rsplit("/", 1)[1]
    assert invitation.token_hash != token and len(token) >= 32  # only a hash is stored
    web.logout()
    landing = web.get(link.replace("http://anketa.test", ""))
    assert landing.status_code == 302 and "invitation=" in landing.headers["Location"]
    registered = web.post("/account/register", {
        "email": "newbie@example.org", "name": "Newbie", "password": PASSWORD,
        "confirm": PASSWORD, "invitation": token})
    assert registered.status_code == 302
    assert web.get(f"/studies/{study.id}").status_code == 200
    assert web.get(f"/studies/{study.id}/edit").status_code == 403


def test_owner_changes_roles_but_the_last_owner_stays(web, shared_study):
    study, users = shared_study
    web.login(users["owner"].email, PASSWORD)
    owner_member = next(m for m in study.members if m.role == "owner")
    refused = web.post(f"/studies/{study.id}/team/{owner_member.id}/role", {"role": "viewer"},
                       follow_redirects=True)
    assert "at least one owner" in refused.get_data(as_text=True)
    removed = web.post(f"/studies/{study.id}/team/{owner_member.id}/remove",
                       follow_redirects=True)
    assert "at least one owner" in removed.get_data(as_text=True)
    editor_member = next(m for m in study.members if m.role == "editor")
    web.post(f"/studies/{study.id}/team/{editor_member.id}/role", {"role": "owner"})
    tampered = web.post(f"/studies/{study.id}/team/{editor_member.id}/role", {"role": "god"},
                        follow_redirects=True)
    assert "Choose a valid role" in tampered.get_data(as_text=True)
    db.session.refresh(study)
    assert sorted(m.role for m in study.members) == ["owner", "owner", "viewer"]


def test_member_ids_of_other_studies_are_404(web, shared_study, make_study):
    study, users = shared_study
    other = make_study(users["outsider"], title="Other")
    web.login(users["owner"].email, PASSWORD)
    foreign_member = other.members[0]
    assert web.post(f"/studies/{study.id}/team/{foreign_member.id}/remove").status_code == 404
    db.session.refresh(other)
    assert len(other.members) == 1


def test_owner_deletes_a_study_after_typing_its_title(web, shared_study):
    study, users = shared_study
    web.login(users["owner"].email, PASSWORD)
    wrong = web.post(f"/studies/{study.id}/delete", {"confirm_title": "Shard"})
    assert "Type the study" in wrong.get_data(as_text=True)
    assert web.post(f"/studies/{study.id}/delete", {"confirm_title": "Shared"}).status_code == 302
    assert db.session.scalar(select(func.count(Study.id))) == 0
    assert db.session.scalar(select(func.count(StudyMember.id))) == 0
