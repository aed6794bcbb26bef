"""Fieldwork pages over HTTP: opening and closing, access settings, personal links, quotas."""
import csv
import io

from werkzeug.security import check_password_hash

from research.extensions import db
from surveys.models import QuotaCell, RespondentInvitation
from surveys.models.fieldwork import hash_token
from tests.collect_support import live_survey


def base_url(survey):
    return f"/studies/{survey.study_id}/surveys/{survey.id}/fieldwork"


def test_open_needs_a_published_version_then_close_and_reopen(logged_in):
    web, user = logged_in
    draft = live_survey(user, open_now=False)
    draft.versions[-1].published_at = None  # back to an unpublished draft
    db.session.commit()
    page = web.post(f"{base_url(draft)}/open", follow_redirects=True).get_data(as_text=True)
    assert "Publish the questionnaire before opening fieldwork." in page
    survey = live_survey(user, title="Second", open_now=False)
    web.post(f"{base_url(survey)}/open")
    db.session.refresh(survey)
    assert survey.status == "live" and survey.public_key
    web.post(f"{base_url(survey)}/close")
    db.session.refresh(survey)
    assert survey.status == "closed" and survey.closed_at is not None
    web.post(f"{base_url(survey)}/open")
    db.session.refresh(survey)
    assert survey.status == "live" and survey.closed_at is None


def test_access_settings_are_saved_and_validated(logged_in):
    web, user = logged_in
    survey = live_survey(user)
    bad = web.post(f"{base_url(survey)}/settings", {"abandon_after_minutes": "1",
                                                   "max_completes": "-3"})
    assert bad.status_code == 200 and "error-summary" in bad.get_data(as_text=True)
    web.post(f"{base_url(survey)}/settings", {
        "open_link": "y", "password": "open sesame", "closes_at": "2030-01-31T18:00",
        "max_completes": "500", "abandon_after_minutes": "90"})
    db.session.refresh(survey)
    assert check_password_hash(survey.access_password_hash, "open sesame")
    assert survey.max_completes == 500 and survey.abandon_after_minutes == 90
    assert survey.closes_at.isoformat() == "2030-01-31T18:00:00+00:00"
    web.post(f"{base_url(survey)}/settings", {"clear_password": "y",
                                             "abandon_after_minutes": "90"})
    db.session.refresh(survey)
    assert survey.access_password_hash is None and survey.open_link is False


def test_viewers_see_settings_but_cannot_change_them(web, make_user, make_study):
    owner = make_user()
    survey = live_survey(owner)
    viewer = make_user(email="viewer@example.org", password="correct horse battery")
    from research.models import StudyMember
    survey.study.members.append(StudyMember(user_id=viewer.id, role="viewer"))
    db.session.commit()
    web.login(viewer.email, "correct horse battery")
    assert web.get(f"{base_url(survey)}/settings").status_code == 200
    assert web.post(f"{base_url(survey)}/close").status_code == 403
    assert web.post(f"{base_url(survey)}/links", {"count": "2", "max_uses": "1"}) \
        .status_code == 403


def test_personal_links_download_once_as_formula_safe_csv(logged_in):
    web, user = logged_in
    survey = live_survey(user)
    reply = web.post(f"{base_url(survey)}/links", {
        "labels": "Ivan Petrov\n=HYPERLINK(\"http://evil\")\n+7 999 123\n", "max_uses": "1"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["respondent"] for row in rows] == [
        "Ivan Petrov", "'=HYPERLINK(\"http://evil\")", "'+7 999 123"]
    token = rows[0]["link"].rsplit("/", 1)[1]
    stored = db.session.scalars(db.select(RespondentInvitation.token_hash)).all()
    assert hash_token(token) in stored and token not in stored
    listing = web.get(f"{base_url(survey)}/links").get_data(as_text=True)
    assert "Ivan Petrov" in listing and token not in listing


def test_quotas_are_created_from_closed_variables_and_targets_checked(logged_in):
    web, user = logged_in
    survey = live_survey(user)
    bad = web.post(f"{base_url(survey)}/quotas", {"name": "Bad", "variables": "AGE",
                                                 "default_target": "10"})
    assert "Not a closed variable" in bad.get_data(as_text=True)
    web.post(f"{base_url(survey)}/quotas", {"name": "Gender × buying",
                                           "variables": "GENDER × BUYS",
                                           "default_target": "10"})
    cells = db.session.scalars(db.select(QuotaCell).order_by(QuotaCell.position)).all()
    assert [cell.condition for cell in cells] == [
        "${GENDER} = 1 and ${BUYS} = 1", "${GENDER} = 1 and ${BUYS} = 2",
        "${GENDER} = 2 and ${BUYS} = 1", "${GENDER} = 2 and ${BUYS} = 2"]
    quota_id = cells[0].quota_id
    refused = web.post(f"{base_url(survey)}/quotas/{quota_id}/targets",
                       {f"target-{cells[0].id}": "-1", f"target-{cells[1].id}": "5"},
                       follow_redirects=True)
    assert "not saved" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuotaCell, cells[1].id).target == 10
    web.post(f"{base_url(survey)}/quotas/{quota_id}/cells",
             {"label": "Broken", "condition": "${NOPE} = 1", "target": "3"})
    assert db.session.scalar(db.select(db.func.count(QuotaCell.id))) == 4
