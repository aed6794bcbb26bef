from collections import Counter
import sqlalchemy as sa
from sqlalchemy import select

from research.extensions import db
from research.models import Study, User

IGNORED_COLUMNS = {"updated_at", "last_login_at"}


def snapshot():
    """Every row of every table, without timestamps that a refresh may touch."""
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
            result = connection.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(row) for row in result]
    return rows


def test_demo_command_is_idempotent(runner, app):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo login: demo@anketa.local / demo-research-2024" in first.output
    before = snapshot()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert snapshot() == before
    study = db.session.scalar(select(Study))
    assert study.client and study.objectives and len(study.surveys) == 2
    assert study.surveys[0].versions[0].number == 1
    draft = study.surveys[0].draft_version
    assert len(draft.questions) > 25 and draft.settings["option_lists"]["brands"]
    from surveys.builder.versions import draft_problems
    assert draft_problems(study.surveys[0]) == []  # ready to publish
    closed = study.surveys[1]
    assert closed.published_version is not None and closed.status == "closed"
    statuses = Counter(r.status for r in closed.responses)
    assert statuses["complete"] == 640 and statuses["screened_out"] > 0
    from research.models import SavedTable
    assert db.session.scalar(select(SavedTable).filter_by(survey_id=closed.id)).spec["rows"]


def test_demo_responses_follow_the_questionnaire_logic():
    """Sections shown only to some respondents are missing exactly for the others."""
    import random
    from research.demo_responses import demo_answers
    rng = random.Random(7)
    for _ in range(500):
        answers = demo_answers(rng)
        assert (answers["FREQ"] == 5) == (answers["USED"] is None)
        assert (answers.get("AWARE_1") == 1) == (answers["NPS"] is not None)
        if answers["NPS"] is None or answers["NPS"] > 8:
            assert answers["NPS_WHY"] is None
        if answers["USED"] is not None:
            assert answers[f"AWARE_{answers['USED']}"] == 1
            assert sum(answers[f"SPEND_{i}"] for i in range(1, 5)) == 100
            assert sorted(answers[f"RANK_{i}"] for i in range(1, 5)) == [1, 2, 3, 4]
        assert answers["AGE_EXACT"] >= 18


def test_demo_login_works_and_shows_the_demo_study(runner, web):
    runner.invoke(args=["demo"])
    user = db.session.scalar(select(User))
    assert web.login(user.email, "demo-research-2024").status_code == 302
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Coffee to go: customer needs and competitors 2026" in page
