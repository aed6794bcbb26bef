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
    assert study.client and study.objectives and len(study.surveys) == 1
    assert study.surveys[0].versions[0].number == 1
    draft = study.surveys[0].draft_version
    assert len(draft.questions) > 25 and draft.settings["option_lists"]["brands"]
    from surveys.builder.versions import draft_problems
    assert draft_problems(study.surveys[0]) == []  # ready to publish


def test_demo_login_works_and_shows_the_demo_study(runner, web):
    runner.invoke(args=["demo"])
    user = db.session.scalar(select(User))
    assert web.login(user.email, "demo-research-2024").status_code == 302
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Coffee to go: customer needs and competitors 2026" in page
