"""The fieldwork dashboard and the responses pages over HTTP: counts after real interviews,
marking invalid and valid again (with the quota counters), deleting, and who may do what."""
import re
import statistics
from datetime import date, datetime, timedelta, timezone

import pytest

from research.extensions import db
from research.models.types import utcnow
from surveys.fieldwork.dashboard import build_dashboard
from surveys.fieldwork.quotas import create_quota
from surveys.fieldwork.services import create_invitations
from surveys.models import QuotaCell, RespondentInvitation, Response
from tests.collect_support import ADULT_PAGES, Respondent, live_survey
from tests.conftest import Web

PASSWORD = "correct horse battery"


def adult(gender="2"):
    """Valid pages for an adult coffee buyer of ``gender`` (grid rows are ``RATE_r<code>``)."""
    return [{**ADULT_PAGES[0], "GENDER": gender},
            {"BRANDS": ["1", "3"], "RATE_r1": "3", "RATE_r2": "2", "RATE_r3": "1"},
            ADULT_PAGES[2]]


SCREENED = {**ADULT_PAGES[0], "AGE": "15"}


def base_url(survey):
    return f"/studies/{survey.study_id}/surveys/{survey.id}/fieldwork"


def respondent(app, survey):
    return Respondent(app.test_client(), f"/s/{survey.public_key}")


def statuses_of(html):
    """``{status: (valid, invalid)}`` from the dashboard's status table."""
    rows = re.findall(r'data-status="(\w+)">.*?class="valid">(\d+)</td><td class="invalid">'
                      r'(\d+)</td>', html, re.S)
    return {status: (int(valid), int(invalid)) for status, valid, invalid in rows}


def figure(html, name):
    return re.search(rf'<dd id="{name}">([^<]*)</dd>', html).group(1)


def cells(survey):
    db.session.expire_all()
    return {cell.label: cell.completes for cell in db.session.scalars(
        db.select(QuotaCell).order_by(QuotaCell.id))}


def exists(response_id):
    return db.session.scalar(db.select(Response.id).where(Response.id == response_id)) \
        is not None


def responses_by_status(survey, status):
    db.session.expire_all()
    return db.session.scalars(db.select(Response).where(
        Response.survey_id == survey.id, Response.status == status).order_by(Response.id)).all()


@pytest.fixture
def fielded(app, logged_in):
    """A live survey with a gender quota (one complete per cell) and five interviews:
    a woman and a man complete, a teenager screened out, a second woman over quota,
    one interview in progress."""
    web, owner = logged_in
    survey = live_survey(owner)
    create_quota(survey, "Gender", ["GENDER"], 1)
    db.session.commit()
    respondent(app, survey).complete(adult("2"))
    respondent(app, survey).complete(adult("1"))
    teen = respondent(app, survey)
    teen.start()
    assert teen.submit(SCREENED).status_code == 303
    late = respondent(app, survey)
    late.start()
    assert late.submit(adult("2")[0]).status_code == 303
    going = respondent(app, survey)
    going.start()
    return web, owner, survey


# --- the dashboard ------------------------------------------------------------------------------

def test_dashboard_counts_real_interviews(fielded):
    web, _owner, survey = fielded
    page = web.get(base_url(survey) + "/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert statuses_of(html) == {"in_progress": (1, 0), "complete": (2, 0),
                                 "screened_out": (1, 0), "over_quota": (1, 0),
                                 "abandoned": (0, 0)}
    assert figure(html, "valid-completes") == "2"
    assert figure(html, "started") == "5"
    # completion: 2 ÷ (2 + 1 in progress + 0 abandoned); incidence: (2 + 1) ÷ (2 + 1 + 1)
    assert figure(html, "completion-rate") == "66.7%"
    assert figure(html, "incidence") == "75.0%"
    figures = build_dashboard(survey)
    assert figures.completion_rate == pytest.approx(2 / 3)
    assert figures.incidence == pytest.approx(3 / 4)
    assert figures.completes_by_channel == [("web", 2)]
    assert sum(count for _day, count in figures.completes_by_day) == 2
    (gender,) = figures.quotas
    by_label = {cell.label: cell for cell in gender.cells}
    assert (by_label["Female"].target, by_label["Female"].completes,
            by_label["Female"].overshoot, by_label["Female"].over_quota) == (1, 1, 0, 1)
    assert (by_label["Male"].completes, by_label["Male"].over_quota) == (1, 0)
    assert by_label["Female"].fill == 1.0


def test_dashboard_marks_stale_interviews_abandoned(fielded):
    web, _owner, survey = fielded
    (going,) = responses_by_status(survey, "in_progress")
    db.session.execute(db.update(Response).where(Response.id == going.id).values(
        updated_at=utcnow() - timedelta(minutes=survey.abandon_after_minutes + 1)))
    db.session.commit()
    html = web.get(base_url(survey) + "/").get_data(as_text=True)
    assert statuses_of(html)["abandoned"] == (1, 0)
    assert statuses_of(html)["in_progress"] == (0, 0)
    assert figure(html, "completion-rate") == "66.7%"  # abandoned stays in the denominator


def test_median_duration_of_valid_completes(fielded):
    _web, _owner, survey = fielded
    completes = responses_by_status(survey, "complete")
    durations = [95.5, 610.0]
    for response, seconds in zip(completes, durations):
        response.started_at = response.completed_at - timedelta(seconds=seconds)
    db.session.commit()
    assert build_dashboard(survey).median_seconds == pytest.approx(statistics.median(durations))
    completes[0].is_invalid = True   # invalid completes are left out
    db.session.commit()
    assert build_dashboard(survey).median_seconds == pytest.approx(610.0)


def test_channels_and_days_count_valid_completes_only(app, logged_in):
    _web, owner = logged_in
    survey = live_survey(owner)
    noon = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    made = [("web", noon, False), ("phone", noon, False), ("phone", noon + timedelta(hours=11,
            minutes=59), False), ("phone", noon + timedelta(hours=12), False),
            ("mail", noon, True)]
    for channel, end, invalid in made:
        db.session.add(Response(survey_id=survey.id, version_id=survey.published_version.id,
                                status="complete", channel=channel, answers={}, timings={},
                                variants={}, quota_cells=[], is_invalid=invalid,
                                started_at=end - timedelta(minutes=10), updated_at=end,
                                completed_at=end))
    db.session.commit()
    figures = build_dashboard(survey)
    assert figures.completes_by_channel == [("web", 1), ("phone", 3)]
    assert figures.completes_by_day == [(date(2024, 3, 1), 3), (date(2024, 3, 2), 1)]
    assert figures.median_seconds == pytest.approx(600.0)
    assert figures.valid_completes == 4 and figures.marked_invalid == 1
    assert figures.completion_rate == pytest.approx(1.0) and figures.incidence == 1.0


def test_empty_survey_dashboard(app, logged_in):
    web, owner = logged_in
    survey = live_survey(owner)
    html = web.get(base_url(survey) + "/").get_data(as_text=True)
    assert figure(html, "completion-rate") == "—"
    assert figure(html, "median-duration") == "—"
    assert "No quotas." in html


# --- invalid and valid again ----------------------------------------------------------------

def test_mark_invalid_and_valid_again_moves_counts_and_quota_counters(app, fielded):
    web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    assert cells(survey) == {"Male": 1, "Female": 1}
    url = f"{base_url(survey)}/responses/{woman.id}"
    reply = web.post(url + "/invalid")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(url)
    db.session.expire_all()
    assert db.session.get(Response, woman.id).is_invalid is True
    assert cells(survey) == {"Male": 1, "Female": 0}
    html = web.get(base_url(survey) + "/").get_data(as_text=True)
    assert statuses_of(html)["complete"] == (1, 1)
    assert figure(html, "valid-completes") == "1"
    assert figure(html, "marked-invalid") == "1"

    # a repeated click changes nothing more
    web.post(url + "/invalid")
    assert cells(survey) == {"Male": 1, "Female": 0}
    # the cell has room again: another woman now completes instead of ending over quota
    respondent(app, survey).complete(adult("2"))
    assert cells(survey) == {"Male": 1, "Female": 1}

    web.post(url + "/valid")
    db.session.expire_all()
    assert db.session.get(Response, woman.id).is_invalid is False
    assert cells(survey) == {"Male": 1, "Female": 2}  # overshoot, shown on the dashboard
    html = web.get(base_url(survey) + "/").get_data(as_text=True)
    assert statuses_of(html)["complete"] == (3, 0)
    assert build_dashboard(survey).quotas[0].cells[1].overshoot == 1


def test_marking_a_non_complete_leaves_quota_counters(fielded):
    web, _owner, survey = fielded
    (over,) = responses_by_status(survey, "over_quota")
    web.post(f"{base_url(survey)}/responses/{over.id}/invalid")
    assert cells(survey) == {"Male": 1, "Female": 1}
    html = web.get(base_url(survey) + "/").get_data(as_text=True)
    assert statuses_of(html)["over_quota"] == (0, 1)


def test_an_interview_still_going_on_is_not_marked_invalid(app, logged_in):
    web, owner = logged_in
    survey = live_survey(owner)
    person = respondent(app, survey)
    person.start()
    state = person.page_state()        # the page as the respondent sees it
    (going,) = responses_by_status(survey, "in_progress")
    url = f"{base_url(survey)}/responses/{going.id}"
    assert "once it has ended" in web.get(url).get_data(as_text=True)
    reply = web.post(url + "/invalid", follow_redirects=True)
    assert "Only an ended interview can be marked invalid" in reply.get_data(as_text=True)
    # the respondent goes on undisturbed
    assert person.submit(adult()[0], state=state).status_code == 303
    db.session.expire_all()
    going = db.session.get(Response, going.id)
    assert going.page_index > 0 and going.is_invalid is False


def test_marking_needs_csrf(fielded):
    web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    reply = web.post(f"{base_url(survey)}/responses/{woman.id}/invalid", csrf=False)
    assert reply.status_code == 400
    assert cells(survey) == {"Male": 1, "Female": 1}


# --- deleting -----------------------------------------------------------------------------------

def test_delete_asks_first_then_uncounts(fielded):
    web, _owner, survey = fielded
    woman_id = responses_by_status(survey, "complete")[0].id
    url = f"{base_url(survey)}/responses/{woman_id}/delete"
    page = web.get(url)
    assert page.status_code == 200
    assert "Delete response" in page.get_data(as_text=True)
    assert exists(woman_id)

    assert web.post(url, csrf=False).status_code == 400   # no CSRF token: nothing deleted
    assert cells(survey) == {"Male": 1, "Female": 1}

    done = web.post(url)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"{base_url(survey)}/responses")
    assert not exists(woman_id)
    assert cells(survey) == {"Male": 1, "Female": 0}
    assert web.get(f"{base_url(survey)}/responses/{woman_id}").status_code == 404
    assert web.post(url).status_code == 404


def test_deleting_an_invalid_complete_leaves_counters(fielded):
    web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    web.post(f"{base_url(survey)}/responses/{woman.id}/invalid")
    assert cells(survey) == {"Male": 1, "Female": 0}
    web.post(f"{base_url(survey)}/responses/{woman.id}/delete")
    assert cells(survey) == {"Male": 1, "Female": 0}


def test_delete_keeps_the_personal_link(app, logged_in):
    web, owner = logged_in
    survey = live_survey(owner)
    ((invitation, token),) = create_invitations(survey, owner, ["Anna"])
    db.session.commit()
    Respondent(app.test_client(), f"/i/{token}").complete(adult())
    (done,) = responses_by_status(survey, "complete")
    assert web.post(f"{base_url(survey)}/responses/{done.id}/delete").status_code == 302
    db.session.expire_all()
    kept = db.session.get(RespondentInvitation, invitation.id)
    assert kept is not None and kept.response_id is None and kept.uses == 1
    assert app.test_client().get(f"/i/{token}").status_code < 500


# --- the list and one response ------------------------------------------------------------------

def listed_ids(html):
    return [int(found) for found in re.findall(r'data-response="(\d+)"', html)]


def test_list_filters(fielded):
    web, _owner, survey = fielded
    url = base_url(survey) + "/responses"
    everything = listed_ids(web.get(url).get_data(as_text=True))
    assert len(everything) == 5 and everything == sorted(everything, reverse=True)
    completes = [response.id for response in responses_by_status(survey, "complete")]
    assert sorted(listed_ids(web.get(url + "?status=complete").get_data(as_text=True))) \
        == completes
    assert listed_ids(web.get(url + "?channel=phone").get_data(as_text=True)) == []
    web.post(f"{base_url(survey)}/responses/{completes[0]}/invalid")
    assert listed_ids(web.get(url + "?validity=invalid").get_data(as_text=True)) \
        == [completes[0]]
    assert len(listed_ids(web.get(url + "?validity=valid").get_data(as_text=True))) == 4
    # an unknown value filters nothing instead of failing
    bogus = web.get(url + "?status=bogus&flag=nonsense")
    assert bogus.status_code == 200 and len(listed_ids(bogus.get_data(as_text=True))) == 5


def test_list_pages_by_fifty(app, logged_in):
    web, owner = logged_in
    survey = live_survey(owner)
    now = utcnow()
    db.session.add_all([Response(survey_id=survey.id, version_id=survey.published_version.id,
                                 status="screened_out", channel="phone", answers={},
                                 timings={}, variants={}, quota_cells=[], started_at=now,
                                 updated_at=now, completed_at=now) for _ in range(55)])
    db.session.commit()
    url = base_url(survey) + "/responses?channel=phone"
    first = web.get(url).get_data(as_text=True)
    assert len(listed_ids(first)) == 50 and "Page 1 of 2" in first
    assert "channel=phone" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    assert len(listed_ids(web.get(url + "&page=2").get_data(as_text=True))) == 5
    assert len(listed_ids(web.get(url + "&page=99").get_data(as_text=True))) == 5


def test_single_response_page(fielded):
    web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    html = web.get(f"{base_url(survey)}/responses/{woman.id}").get_data(as_text=True)
    assert re.search(r'data-variable="GENDER">.*?class="value">2</td>\s*'
                     r'<td class="value-label">Female</td>', html, re.S)
    assert "Rate the brands: Alpha" in html
    assert 'id="timings"' in html
    (over,) = responses_by_status(survey, "over_quota")
    html = web.get(f"{base_url(survey)}/responses/{over.id}").get_data(as_text=True)
    assert "Full quota cell Female (Gender)" in html
    (teen,) = responses_by_status(survey, "screened_out")
    html = web.get(f"{base_url(survey)}/responses/{teen.id}").get_data(as_text=True)
    assert "Screening question AGE: Your age?" in html


def test_response_of_another_survey_is_not_found(app, fielded):
    web, owner, survey = fielded
    other = live_survey(owner, title="Tea survey")
    respondent(app, other).complete(adult())
    (foreign,) = responses_by_status(other, "complete")
    url = f"{base_url(survey)}/responses/{foreign.id}"
    assert web.get(url).status_code == 404
    assert web.post(url + "/invalid").status_code == 404
    assert web.get(url + "/delete").status_code == 404
    assert web.post(url + "/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Response, foreign.id).is_invalid is False


# --- who may do what ----------------------------------------------------------------------------

def member_web(app, make_user, survey, role):
    """A logged-in client of a user with ``role`` in the survey's study (None: no member)."""
    from research.models import StudyMember
    user = make_user(password=PASSWORD)
    if role is not None:
        survey.study.members.append(StudyMember(user_id=user.id, role=role))
        db.session.commit()
    web = Web(app.test_client())
    assert web.login(user.email, PASSWORD).status_code == 302
    return web


@pytest.mark.parametrize("role, read, write", [
    ("viewer", 200, 403),
    ("interviewer", 403, 403),
    (None, 404, 404),
])
def test_roles(app, make_user, fielded, role, read, write):
    _web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    web = member_web(app, make_user, survey, role)
    one = f"{base_url(survey)}/responses/{woman.id}"
    for url in (base_url(survey) + "/", base_url(survey) + "/responses", one):
        assert web.get(url).status_code == read, url
    assert web.post(one + "/invalid").status_code == write
    assert web.post(one + "/valid").status_code == write
    assert web.get(one + "/delete").status_code == write
    assert web.post(one + "/delete").status_code == write
    db.session.expire_all()
    assert db.session.get(Response, woman.id).is_invalid is False
    assert cells(survey) == {"Male": 1, "Female": 1}


def test_viewer_sees_no_change_buttons(app, make_user, fielded):
    _web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    web = member_web(app, make_user, survey, "viewer")
    html = web.get(f"{base_url(survey)}/responses/{woman.id}").get_data(as_text=True)
    assert "Mark invalid" not in html and "/delete" not in html


def test_editor_may_change(app, make_user, fielded):
    _web, _owner, survey = fielded
    woman = responses_by_status(survey, "complete")[0]
    web = member_web(app, make_user, survey, "editor")
    assert web.post(f"{base_url(survey)}/responses/{woman.id}/invalid").status_code == 302
    assert cells(survey) == {"Male": 1, "Female": 0}


def test_anonymous_is_sent_to_log_in(app, fielded):
    _web, _owner, survey = fielded
    assert app.test_client().get(base_url(survey) + "/").status_code == 302
