"""Migrations upgrade, downgrade and upgrade again, on the backend under test."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from research import create_app
from research.extensions import db
from tests.conftest import (_create_postgres_database, _drop_postgres_database, make_config)


@pytest.fixture
def fresh_database_url(request, tmp_path):
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path}/migrations-{uuid.uuid4().hex}.sqlite3"
        return
    name, url = _create_postgres_database()
    yield url
    _drop_postgres_database(name)


def table_names():
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(fresh_database_url):
    app = create_app(make_config(fresh_database_url))
    with app.app_context():
        upgrade()
        expected = {table.name for table in db.metadata.sorted_tables}
        assert table_names() == expected
        downgrade(revision="base")
        assert table_names() == set()
        upgrade()
        assert table_names() == expected
        db.engine.dispose()


def test_models_and_migrations_agree(migrated_database):
    """A model change without a migration fails here (autogenerate finds a difference)."""
    app = create_app(make_config(migrated_database))
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
