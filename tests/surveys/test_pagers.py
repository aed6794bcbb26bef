"""Long lists are paged with one pager macro: responses, personal links, own interviews."""
from research.extensions import db
from surveys.collect import flow
from surveys.fieldwork.services import create_invitations
from tests.collect_support import live_survey


def test_responses_and_links_are_paged(logged_in):
    web, user = logged_in
    survey = live_survey(user)
    for _ in range(51):
        flow.start_response(survey)
    create_invitations(survey, user, [f"person {n}" for n in range(101)])
    db.session.commit()
    base = f"/studies/{survey.study_id}/surveys/{survey.id}/fieldwork"
    first = web.get(f"{base}/responses?status=in_progress").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "page=2" in first and "status=in_progress" in first.split("Page 1 of 2")[1]
    second = web.get(f"{base}/responses?status=in_progress&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "Previous" in second
    links = web.get(f"{base}/links?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in links and 'href="?page=1"' in links
