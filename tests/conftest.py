"""Fixtures: an app on a migrated database (SQLite or PostgreSQL), clients, factories.

The database backend comes from ``--db`` (``sqlite`` by default). For
PostgreSQL, ``TEST_DATABASE_URL`` names an existing empty database; otherwise a
fresh database is created on 127.0.0.1:5432 and dropped afterwards. With
``CI=true`` an unreachable PostgreSQL fails the run instead of skipping.
"""
import contextvars
import gc
import os
import re
import uuid

import pytest
import sqlalchemy as sa

from flask.testing import FlaskClient

from research import create_app
from research.extensions import db

POSTGRES_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_addoption(parser):
    parser.addoption("--db", default="sqlite", choices=["sqlite", "postgresql"],
                     help="database backend for tests that use the app")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")


def pytest_report_header(config):
    return f"database backend: {config.getoption('--db')}"


def _create_postgres_database():
    name = f"anketa_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return name, POSTGRES_SERVER_URL.rsplit("/", 1)[0] + "/" + name


def _drop_postgres_database(name):
    engine = sa.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    backend = request.config.getoption("--db")
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "anketa-test.sqlite3")
        return
    if os.environ.get("TEST_DATABASE_URL"):
        from research.config import normalise_database_url
        yield normalise_database_url(os.environ["TEST_DATABASE_URL"])
        return
    try:
        name, url = _create_postgres_database()
    except sa.exc.OperationalError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.exit(f"PostgreSQL is required in CI but unreachable: {error}", returncode=3)
        pytest.skip(f"PostgreSQL unreachable: {error}")
    yield url
    _drop_postgres_database(name)


def make_config(database_url, **extra):
    config = {"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
              "SERVER_NAME": "anketa.test", "MAIL_SERVER": None}
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def migrated_database(database_url):
    """Upgrade the test database to the newest migration once per session."""
    from flask_migrate import upgrade
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_all_tables():
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app_config():
    """Extra settings for the ``app`` fixture; override in a test module."""
    return {}


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test keeps an app context open for its own database access; without
    this, requests would share its ``g`` (cached user, CSRF token) and its
    database session, and hide bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(migrated_database, app_config):
    app = create_app(make_config(migrated_database, **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()
    # Collect now, so that a connection leaked by this test is reported in this test.
    gc.collect()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Web:
    """A test client that sends forms the way a browser does, with the page's CSRF token."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def csrf_token(self, page="/account/"):
        html = self.client.get(page, follow_redirects=True).get_data(as_text=True)
        match = CSRF_PATTERN.search(html)
        if match is None:
            raise AssertionError(f"no CSRF token on {page}")
        return match.group(1)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token()
        return self.client.post(url, data=data, **kwargs)

    def login(self, email, password):
        return self.post("/account/login", {"email": email, "password": password})

    def logout(self):
        return self.post("/account/logout")


@pytest.fixture
def web(client):
    return Web(client)


@pytest.fixture
def make_user(app):
    """Factory: ``make_user(email=..., password=..., admin=False, name=...)``."""
    from research.models import User

    def make(email=None, password="correct horse battery", admin=False, name=None, active=True):
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.org"
        user = User(email=email, name=name or email.split("@")[0], is_admin=admin, active=active)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_study(app):
    """Factory: ``make_study(owner, members={user: role}, **fields)``."""
    from research.studies.services import create_study
    from research.models import StudyMember

    def make(owner, members=None, **fields):
        data = {"title": "Brand health tracker"}
        data.update(fields)
        study = create_study(owner, data)
        for user, role in (members or {}).items():
            study.members.append(StudyMember(user_id=user.id, role=role))
        db.session.commit()
        return study
    return make


@pytest.fixture
def logged_in(web, make_user):
    """A logged-in researcher: returns (web, user)."""
    user = make_user(email="researcher@example.org", password="correct horse battery")
    response = web.login(user.email, "correct horse battery")
    assert response.status_code == 302
    return web, user
