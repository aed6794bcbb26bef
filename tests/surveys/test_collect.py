"""Collection through the open link and personal links: the whole interview over HTTP.

Every test drives the real app and database (SQLite or PostgreSQL, by ``--db``).
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from research.extensions import db
from research.models.types import utcnow
from surveys.collect import flow
from surveys.fieldwork.quotas import create_quota
from surveys.fieldwork.services import close_fieldwork, create_invitations
from surveys.models import QuotaCell, RespondentInvitation, Response
from tests.collect_support import ADULT_PAGES, Respondent, hidden_fields, live_survey


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def survey(owner):
    return live_survey(owner)


def responses(survey):
    db.session.expire_all()
    return db.session.scalars(select(Response).where(Response.survey_id == survey.id)
                              .order_by(Response.id)).all()


def open_link(client, survey):
    return Respondent(client, f"/s/{survey.public_key}")


# --- the open link ------------------------------------------------------------------------------

def test_start_page_stores_nothing_until_start(client, survey):
    page = open_link(client, survey).get()
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Welcome to the coffee survey." in html and "nonce" in html
    assert responses(survey) == []


def test_a_whole_interview_is_stored_with_its_metadata(client, survey):
    respondent = open_link(client, survey)
    end = respondent.complete()
    assert end.status_code == 200
    assert "Thanks a lot!" in end.get_data(as_text=True)
    (response,) = responses(survey)
    assert response.status == "complete" and response.channel == "web"
    assert response.language == "en"
    assert response.answers["GENDER"] == 2 and response.answers["AGE"] == 34
    assert response.answers["BRANDS_1"] == 1 and response.answers["BRANDS_2"] == 0
    assert response.answers["RATE_r1"] == 3 and response.answers["COMMENT"] == "Fine coffee"
    assert response.answers["AB"] in (1, 2) and response.variants == {"AB": response.answers["AB"]}
    assert set(response.timings) == {"1", "2", "3"}
    assert response.completed_at >= response.started_at
    assert response.duration_seconds >= 0
    # No IP address or user agent is stored anywhere on the response.
    assert not any("ip" in column.name.split("_") or "agent" in column.name
                   for column in Response.__table__.columns)


def test_relevance_skips_a_page_and_clears_its_earlier_answers(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    respondent.submit(ADULT_PAGES[0])
    respondent.submit(ADULT_PAGES[1])
    # Back twice to the first page; now the respondent does not buy coffee.
    respondent.submit({}, action="back")
    respondent.submit({}, action="back")
    assert "Your gender?" in respondent.get().get_data(as_text=True)
    respondent.submit({**ADULT_PAGES[0], "BUYS": "2"})
    html = respondent.get().get_data(as_text=True)
    assert "Anything else?" in html and "Which brands" not in html
    respondent.submit(ADULT_PAGES[2])
    (response,) = responses(survey)
    assert response.status == "complete"
    assert response.answers["BUYS"] == 2
    assert response.answers.get("BRANDS_1") is None and response.answers.get("RATE_r1") is None


def test_back_keeps_the_answers_of_the_page(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    respondent.submit(ADULT_PAGES[0])
    respondent.submit({}, action="back")
    html = respondent.get().get_data(as_text=True)
    assert 'value="34"' in html


def test_invalid_page_is_shown_again_with_errors_and_nothing_moves(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    page = respondent.submit({"CONSENT": "1", "GENDER": "7", "AGE": "abc"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "error-summary" in html
    (response,) = responses(survey)
    assert response.page_index == 0 and "GENDER" not in response.answers


def test_a_double_click_on_start_makes_one_interview(client, survey):
    respondent = open_link(client, survey)
    fields = hidden_fields(respondent.get().get_data(as_text=True))
    data = {"csrf_token": fields["csrf_token"], "nonce": fields["nonce"], "language": "en"}
    first = client.post(respondent.url + "/start", data=data)
    second = client.post(respondent.url + "/start", data=data)
    assert first.status_code == second.status_code == 303
    assert len(responses(survey)) == 1


def test_a_repeated_page_submit_is_applied_once(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    state = respondent.page_state()
    assert respondent.submit(ADULT_PAGES[0], state=state).status_code == 303
    # The same post again (double click, or back and resubmit): nothing changes.
    assert respondent.submit({**ADULT_PAGES[0], "AGE": "50"}, state=state).status_code == 303
    (response,) = responses(survey)
    assert response.page_index == 1 and response.answers["AGE"] == 34


def test_unknown_field_names_are_refused_and_nothing_stored(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    page = respondent.submit({**ADULT_PAGES[0], "EVIL": "1"})
    assert page.status_code == 400
    assert "not on this page" in page.get_data(as_text=True)
    (response,) = responses(survey)
    assert response.page_index == 0 and "GENDER" not in response.answers


def test_resume_by_cookie_and_by_resume_link(client, app, survey):
    respondent = open_link(client, survey)
    respondent.start()
    respondent.submit(ADULT_PAGES[0])
    later = respondent.submit({}, action="later")
    # An empty page 2 is incomplete: nothing of it is kept, and the page says so.
    assert later.status_code == 303 and later.headers["Location"].endswith("/later?saved=0")
    html = client.get(later.headers["Location"]).get_data(as_text=True)
    assert "were not saved" in html
    link = html.split('id="resume-link" type="text" readonly value="')[1].split('"')[0]
    # The same browser comes back: page 2.
    assert "Which brands" in respondent.get().get_data(as_text=True)
    # Another browser with the resume link continues the same interview.
    other = app.test_client()
    opened = other.get(link.replace("http://anketa.test", ""))
    assert opened.status_code == 303
    assert "Which brands" in Respondent(other, respondent.url).get().get_data(as_text=True)
    assert len(responses(survey)) == 1


def test_a_forged_resume_cookie_or_token_opens_nothing(client, survey):
    client.set_cookie(f"anketa_resume_{survey.id}", "forged.value", domain="anketa.test")
    page = open_link(client, survey).get()
    assert "nonce" in page.get_data(as_text=True)  # the start page, not someone's interview
    assert client.get(f"/s/{survey.public_key}/resume/not-a-token").status_code == 404


def test_screen_out_ends_the_interview(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    respondent.submit({**ADULT_PAGES[0], "AGE": "16"})
    (response,) = responses(survey)
    assert response.status == "screened_out" and response.end_cause == "AGE"
    assert "meant for other people" in respondent.get().get_data(as_text=True)


def test_declined_consent_screens_out(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    respondent.submit({**ADULT_PAGES[0], "CONSENT": "2"})
    (response,) = responses(survey)
    assert response.status == "screened_out" and response.end_cause == "CONSENT"


def test_access_password(client, survey):
    survey.access_password_hash = generate_password_hash("open sesame")
    db.session.commit()
    respondent = open_link(client, survey)
    wrong = respondent.start(password="wrong")
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    assert responses(survey) == []
    assert respondent.start(password="open sesame").status_code == 303
    assert len(responses(survey)) == 1


# --- availability -------------------------------------------------------------------------------

def test_draft_survey_links_are_not_found(client, owner):
    survey = live_survey(owner, open_now=False)
    assert survey.status == "draft"
    survey.public_key = "draftkey123"
    db.session.commit()
    assert client.get("/s/draftkey123").status_code == 404


def test_closed_survey_refuses_starts_and_pages(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    state = respondent.page_state()
    close_fieldwork(survey)
    db.session.commit()
    assert respondent.get().status_code == 410
    assert respondent.submit(ADULT_PAGES[0], state=state).status_code == 410
    (response,) = responses(survey)
    assert response.page_index == 0 and "GENDER" not in response.answers
    assert open_link(client.application.test_client(), survey).get().status_code == 410


def test_survey_closes_at_its_date(client, survey):
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert open_link(client, survey).get().status_code == 410


def test_survey_closes_after_its_number_of_completes(client, app, survey):
    survey.max_completes = 1
    db.session.commit()
    open_link(client, survey).complete()
    db.session.expire_all()
    assert survey.status == "closed"
    assert open_link(app.test_client(), survey).get().status_code == 410


def test_a_new_version_does_not_move_interviews_under_way(client, owner, survey):
    from surveys.builder.services import ensure_draft
    from surveys.builder.versions import publish
    respondent = open_link(client, survey)
    respondent.start()
    first_version = responses(survey)[0].version_id
    ensure_draft(survey)
    publish(survey, owner)
    db.session.commit()
    respondent.submit(ADULT_PAGES[0])
    assert responses(survey)[0].version_id == first_version
    assert responses(survey)[0].page_index == 1


# --- personal links -----------------------------------------------------------------------------

def make_link(survey, owner, **options):
    ((invitation, token),) = create_invitations(survey, owner, ["Ivan Petrov"], **options)
    db.session.commit()
    return invitation, token


def test_personal_link_is_single_use_and_resumes(client, app, owner, survey):
    invitation, token = make_link(survey, owner)
    respondent = Respondent(client, f"/i/{token}")
    start_form = hidden_fields(respondent.get().get_data(as_text=True))
    respondent.start()
    respondent.submit(ADULT_PAGES[0])
    # Another device with the same link continues the same interview.
    other = Respondent(app.test_client(), f"/i/{token}")
    assert "Which brands" in other.get().get_data(as_text=True)
    other.submit(ADULT_PAGES[1])
    other.submit(ADULT_PAGES[2])
    assert "Thanks a lot!" in respondent.get().get_data(as_text=True)
    # Used up: no second interview, even when the start form is sent again.
    again = client.post(respondent.url + "/start", data={
        "csrf_token": start_form["csrf_token"], "nonce": start_form["nonce"], "language": "en"})
    assert again.status_code == 303
    (response,) = responses(survey)
    assert response.invitation_id == invitation.id and response.status == "complete"
    db.session.refresh(invitation)
    assert invitation.uses == 1


def test_personal_link_double_start_makes_one_interview(client, owner, survey):
    _invitation, token = make_link(survey, owner)
    respondent = Respondent(client, f"/i/{token}")
    fields = hidden_fields(respondent.get().get_data(as_text=True))
    data = {"csrf_token": fields["csrf_token"], "nonce": fields["nonce"], "language": "ru"}
    client.post(respondent.url + "/start", data=data)
    client.post(respondent.url + "/start", data=data)
    (response,) = responses(survey)
    assert response.language == "ru"


@pytest.mark.parametrize("window, text", [
    ({"valid_until": utcnow() - timedelta(days=1)}, "expired"),
    ({"valid_from": utcnow() + timedelta(days=1)}, "not open yet"),
])
def test_personal_link_outside_its_window(client, owner, survey, window, text):
    _invitation, token = make_link(survey, owner, **window)
    page = client.get(f"/i/{token}")
    assert page.status_code == 410 and text in page.get_data(as_text=True)
    assert responses(survey) == []


def test_unknown_personal_link_is_not_found(client, survey):
    assert client.get("/i/not-a-real-token").status_code == 404


def test_personal_link_tokens_are_long_and_only_hashed(owner, survey):
    invitation, token = make_link(survey, owner)
    assert len(token) >= 43  # 256 bits in URL-safe base64
    stored = db.session.scalars(select(RespondentInvitation.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64


# --- quotas and variants ------------------------------------------------------------------------

def test_full_quota_cell_ends_over_quota_and_counts_stay_exact(client, app, owner, survey):
    create_quota(survey, "Gender", ["GENDER"], 1)
    db.session.commit()
    open_link(client, survey).complete()
    second = open_link(app.test_client(), survey)
    second.start()
    second.submit(ADULT_PAGES[0])  # another woman: her cell is full
    men = open_link(app.test_client(), survey)
    men.complete([{**ADULT_PAGES[0], "GENDER": "1"}] + ADULT_PAGES[1:])
    db.session.expire_all()
    statuses = [response.status for response in responses(survey)]
    assert statuses == ["complete", "over_quota", "complete"]
    cells = {cell.label: cell for cell in db.session.scalars(select(QuotaCell))}
    assert cells["Female"].completes == 1 and cells["Male"].completes == 1
    over = responses(survey)[1]
    assert over.end_cause == f"quota:{cells['Female'].id}"
    assert "enough answers" in second.get().get_data(as_text=True)


def test_variants_are_balanced_by_share():
    counts = {"1": 10, "2": 9}
    assert flow.choose_variant({1: 50, 2: 50}, counts) == 2
    assert flow.choose_variant({1: 70, 2: 30}, {"1": 6, "2": 3}) == 1  # 6/70 < 3/30
    assert flow.choose_variant({1: 70, 2: 30}, {"1": 7, "2": 2}) == 2


def test_assignment_fills_variants_evenly(client, app, survey):
    for _ in range(4):
        open_link(app.test_client(), survey).start()
    assigned = sorted(response.answers["AB"] for response in responses(survey))
    assert assigned == [1, 1, 2, 2]


# --- abandonment --------------------------------------------------------------------------------

def test_inactive_interviews_are_abandoned_and_can_resume(client, survey):
    respondent = open_link(client, survey)
    respondent.start()
    (response,) = responses(survey)
    assert flow.sweep_abandoned(survey, now=utcnow() + timedelta(days=2)) == 1
    db.session.commit()
    assert responses(survey)[0].status == "abandoned"
    respondent.submit(ADULT_PAGES[0])
    resumed = responses(survey)[0]
    assert resumed.status == "in_progress" and resumed.page_index == 1


def test_sweep_command_marks_abandoned_interviews(client, runner, survey):
    open_link(client, survey).start()
    (response,) = responses(survey)
    response.updated_at = utcnow() - timedelta(days=3)
    db.session.commit()
    result = runner.invoke(args=["fieldwork", "sweep"])
    assert result.exit_code == 0 and "Abandoned interviews marked: 1" in result.output
    assert responses(survey)[0].status == "abandoned"


def test_option_order_is_stable_per_respondent_and_differs_between_them(app, owner):
    from tests.collect_support import _opt, _q
    brands = [_opt(code, f"Brand {code}") for code in range(1, 9)]
    survey = live_survey(owner, [_q("PICK", "single_choice", "Pick one", brands,
                                    randomize="shuffle")])
    orders = set()
    for _ in range(4):
        respondent = open_link(app.test_client(), survey)
        respondent.start()
        first = respondent.get().get_data(as_text=True)
        again = respondent.get().get_data(as_text=True)
        order = [line for line in first.split("Brand ")[1:]]
        assert order == [line for line in again.split("Brand ")[1:]]
        orders.add(tuple(item[:1] for item in order))
    assert len(orders) > 1


@pytest.mark.parametrize("body", [b"AGE=%FF%FE", b"AGE=\xff\xfe", b"%C3=1"])
def test_invalid_utf8_is_refused_and_nothing_stored(client, survey, body):
    respondent = open_link(client, survey)
    respondent.start()
    state = respondent.page_state()
    raw = (f"csrf_token={state['csrf_token']}&step={state['step']}&CONSENT=1&GENDER=1&BUYS=1&"
           .encode() + body)
    page = client.post(respondent.url, data=raw,
                       content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400
    assert "UTF-8" in page.get_data(as_text=True)
    (response,) = responses(survey)
    assert response.page_index == 0 and "GENDER" not in response.answers


def test_end_page_defaults_speak_the_respondents_language(client, app, survey):
    from flask_babel import force_locale, gettext
    respondent = open_link(client, survey)
    respondent.start(language="ru")
    respondent.submit({**ADULT_PAGES[0], "AGE": "16"})
    with force_locale("ru"):
        expected = gettext("Thank you for your time. This survey is meant for other people, "
                           "so it ends here.")
    assert expected.startswith("Спасибо")
    assert expected in respondent.get().get_data(as_text=True)
