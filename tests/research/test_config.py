import os

import pytest
import sqlalchemy as sa

from research import create_app
from research.config import DEV_SECRET_KEY, normalise_database_url, settings_from_environment
from research.extensions import db


@pytest.mark.parametrize("key", [None, "", DEV_SECRET_KEY, "short-key"])
def test_production_refuses_missing_or_default_secret_key(key, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"CONFIG_NAME": "production", "SECRET_KEY": key,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_starts_with_a_real_secret_and_secure_cookies(tmp_path):
    app = create_app({"CONFIG_NAME": "production", "SECRET_KEY": "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert not app.debug


def test_unknown_config_name_is_refused():
    with pytest.raises(RuntimeError, match="ANKETA_CONFIG"):
        create_app({"CONFIG_NAME": "staging"})


def test_default_database_is_a_sqlite_file_in_the_instance_folder():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set in this environment")
    app = create_app({"CONFIG_NAME": "development"})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/anketa.sqlite3")


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
])
def test_database_urls_are_pointed_at_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_settings_come_from_the_given_environment_only():
    found = settings_from_environment({"DATABASE_URL": "postgres://h/db", "MAIL_PORT": "2525",
                                       "ANKETA_COOKIE_SECURE": "false", "UNRELATED": "x"})
    assert found == {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://h/db", "MAIL_PORT": 2525,
                     "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}


def test_sqlite_enforces_foreign_keys_and_uses_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.text(
                "INSERT INTO study_member (study_id, user_id, role, added_at) "
                "VALUES (999, 999, 'owner', '2026-01-01')"))


def test_postgresql_stores_answers_as_jsonb(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL column types")
    columns = {c["name"]: c for c in sa.inspect(db.engine).get_columns("response")}
    assert type(columns["answers"]["type"]).__name__ == "JSONB"
