"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

The server runs the app on the session's migrated database in a daemon thread;
every test gets fresh browser contexts and leaves the tables empty behind it.
Without ``/usr/bin/chromium`` the tests are skipped, except in CI (``CI=true``),
where they fail.
"""
import os
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import sync_playwright

from research import create_app
from research.extensions import db
from tests.conftest import _empty_all_tables
from tests.live_server import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
#: Fail fast: every page here is server-rendered and local.
TIMEOUT_MS = 10_000
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def live_app(migrated_database):
    """The app the live server runs (no SERVER_NAME: links use the request's host)."""
    return create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": migrated_database,
                       "MAIL_SERVER": None})


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app served over HTTP on a free port; yields its base URL."""
    with serve(live_app, "live-server") as url:
        yield url
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture
def base_url(live_server, live_app):
    """The live server's URL for one test; the tables are emptied after it."""
    yield live_server
    with live_app.app_context():
        db.session.remove()
        _empty_all_tables()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, base_url):
    """Factory: a page in a new browser context (desktop, en-US unless overridden).

    ``new_page(java_script_enabled=False)`` gives a browser without JavaScript;
    relative URLs in ``page.goto`` resolve against the live server.
    """
    contexts = []

    def make(**options):
        settings = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US",
                    "base_url": base_url}
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def make_account(live_app, base_url):
    """Factory: an account stored directly in the database; returns its e-mail."""
    from research.models import User

    def make(email="researcher@example.org", name="Rita Researcher", admin=False):
        with live_app.app_context():
            user = User(email=email, name=name, is_admin=admin, active=True)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            db.session.remove()
        return email
    return make


@pytest.fixture
def make_full_study(live_app, base_url):
    """Factory: a study with a filled plan, a survey, a second member and a pending
    invitation, owned by the account ``owner_email``, moved on through the stages
    up to ``stage``; returns the ids."""
    from research.auth.services import user_by_email
    from research.models import StudyMember, User
    from research.models.vocabulary import STAGE_ORDER
    from research.studies.services import advance_stage, create_study, invite_member
    from surveys.manage.services import create_survey

    def make(owner_email, title="Brand health tracker 2025", stage="objectives"):
        if stage not in STAGE_ORDER:
            raise ValueError(f"unknown stage {stage!r}")
        with live_app.app_context():
            owner = user_by_email(owner_email)
            study = create_study(owner, {
                "title": title, "client": "Northwind Dairy",
                "problem_statement": "Should the brand launch a lactose-free line?",
                "objectives": "Measure awareness\nEstimate purchase intent",
                "hypotheses": "Awareness is below 30% outside Moscow",
                "research_type": "descriptive", "data_source": "field",
                "data_kind": "quantitative", "methods": ["survey", "focus_group"],
                "target_audience": "Adults 18–65 who buy dairy weekly, Russia",
                "sample_size": 1200, "sampling_method": "quota",
                "quota_plan": "Gender × age band as in the census",
                "start_date": date(2025, 3, 1), "end_date": date(2025, 4, 15),
                "budget_amount": Decimal("1500000.00"), "budget_currency": "RUB"})
            colleague = User(email="editor@example.org", name="Egor Editor")
            colleague.set_password(PASSWORD)
            db.session.add(colleague)
            db.session.flush()
            study.members.append(StudyMember(user_id=colleague.id, role="editor"))
            survey = create_survey(study, owner, "Main questionnaire", "adhoc", "ru", ["en"])
            invite_member(study, "newcomer@example.org", "viewer", owner)
            db.session.flush()
            db.session.refresh(study)
            while study.stage != stage:
                if study.stage == "fieldwork":
                    study.checklist = {**study.checklist, "fieldwork_done": True}
                advance_stage(study)
            db.session.commit()
            ids = {"study": study.id, "survey": survey.id}
            db.session.remove()
        return ids
    return make


@pytest.fixture
def log_in():
    """``log_in(page, email)``: log in through the form, as a person would."""
    def do(page, email, password=PASSWORD):
        page.goto("/account/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/dashboard")
    return do
