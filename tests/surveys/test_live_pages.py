"""Live pages: with scripts, a question shown by an answer on the same page joins that page;
the server decides relevance in page order exactly as respond.js does."""
import pytest
from sqlalchemy import select

from research.extensions import db
from surveys.collect.questionnaire import published
from surveys.definition import pages
from surveys.models import Response
from surveys.respond.live import live_groups
from tests.collect_support import Respondent, _opt, _q, live_survey, questionnaire

LIVE_QUESTIONS = [
    _q("BUYS", "single_choice", "Do you buy coffee?", [_opt(1, "Yes"), _opt(2, "No")],
       required=True),
    _q("OFTEN", "single_choice", "How often?", [_opt(1, "Daily"), _opt(2, "Weekly")],
       required=True, relevant="${BUYS} = 1"),
    _q("WHERE", "short_text", "Where do you buy it?", relevant="${OFTEN} = 1"),
    _q("WHY", "long_text", "Why ${WHERE}?"),  # pipes WHERE: scripts do not re-pipe texts
    _q("P2", "section", "More"),
    _q("NOTE", "short_text", "Anything else?"),
]


@pytest.fixture
def survey(make_user):
    return live_survey(make_user(email="owner@example.org"), LIVE_QUESTIONS)


@pytest.fixture
def scripted(client, survey):
    """A respondent whose browser runs scripts (respond.js sets this cookie)."""
    client.set_cookie("anketa_js", "1", domain="anketa.test")
    respondent = Respondent(client, f"/s/{survey.public_key}")
    respondent.start()
    return respondent


def stored():
    db.session.expire_all()
    return db.session.scalars(select(Response)).one()


def test_pages_merge_only_for_display_conditions():
    document = questionnaire(LIVE_QUESTIONS)
    split = pages(document)
    assert [[spec["variable"] for spec in page.questions] for page in split] == [
        ["BUYS"], ["OFTEN"], ["WHERE"], ["WHY"], ["NOTE"]]
    # OFTEN and WHERE join BUYS; WHY pipes WHERE, which scripts do not update; P2 is a section.
    assert live_groups(split) == [(0, 2), (3, 3), (4, 4)]


def test_live_page_shows_dependent_questions_hidden(scripted):
    html = scripted.get().get_data(as_text=True)
    assert 'name="layout" value="live"' in html and 'id="respond-logic"' in html
    assert "How often?" in html and "Where do you buy it?" in html
    assert 'data-variable="OFTEN" data-relevant="${BUYS} = 1" hidden' in html
    assert "Page 1 of 3" in html


def test_without_scripts_the_dependent_question_waits_for_its_page(client, survey):
    respondent = Respondent(client, f"/s/{survey.public_key}")
    respondent.start()
    html = respondent.get().get_data(as_text=True)
    assert "How often?" not in html and 'name="layout"' not in html
    respondent.submit({"BUYS": "1"})
    assert "How often?" in respondent.get().get_data(as_text=True)


def test_hidden_questions_are_not_required_and_their_answers_not_kept(scripted):
    state = scripted.page_state()
    # A tampered post sends an answer to a question that is hidden for "No".
    page = scripted.submit({"BUYS": "2", "OFTEN": "1", "WHERE": "Kiosk", "layout": "live"},
                           state=state)
    assert page.status_code == 303
    response = stored()
    assert response.answers["BUYS"] == 2
    assert response.answers["OFTEN"] is None and response.answers["WHERE"] is None
    assert response.page_index == 3  # WHY


def test_shown_questions_are_validated_in_page_order(scripted):
    page = scripted.submit({"BUYS": "1", "layout": "live"})
    assert page.status_code == 422  # OFTEN is shown by "Yes" and is required
    assert stored().page_index == 0
    page = scripted.submit({"BUYS": "1", "OFTEN": "2", "WHERE": "Kiosk", "layout": "live"})
    assert page.status_code == 303
    answers = stored().answers
    # WHERE depends on OFTEN = 1: hidden for "Weekly", so its text is not kept.
    assert answers["OFTEN"] == 2 and answers["WHERE"] is None


def test_back_from_the_next_page_returns_to_the_whole_live_page(scripted):
    scripted.submit({"BUYS": "1", "OFTEN": "1", "WHERE": "Kiosk", "layout": "live"})
    assert stored().page_index == 3
    scripted.submit({"layout": "live"}, action="back")
    assert stored().page_index == 2  # the last page of the live page before
    html = scripted.get().get_data(as_text=True)
    assert "Do you buy coffee?" in html and 'value="Kiosk"' in html


def test_groups_are_cached_with_the_published_version(survey):
    assert published(survey.published_version).groups == ((0, 2), (3, 3), (4, 4))
