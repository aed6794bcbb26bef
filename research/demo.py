"""Demo data: a researcher and a realistic study, created once, found thereafter."""
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from research.extensions import db
from research.models import SavedTable, Study, User
from research.demo_questionnaire import demo_definition
from research.demo_responses import FIELDWORK_START, add_demo_responses
from research.studies.services import create_study
from surveys.builder.versions import publish, replace_draft
from surveys.manage.services import create_survey

DEMO_STUDY_TITLE = "Coffee to go: customer needs and competitors 2026"
#: A finished wave with responses, so the analysis pages have data from the start.
DEMO_CLOSED_SURVEY_TITLE = "Morning coffee customers, autumn wave (fieldwork closed)"

DEMO_STUDY = {
    "title": DEMO_STUDY_TITLE,
    "client": "Bodroe Utro coffee chain",
    "problem_statement": (
        "Bodroe Utro (42 coffee points in Moscow and Kazan) lost about 8% of weekday morning "
        "visits in a year while two competitors opened next to its busiest points. Management "
        "must decide whether to compete on price, speed of service or the breakfast range."),
    "objectives": (
        "Measure awareness, usage and satisfaction for Bodroe Utro and its three main competitors\n"
        "Find the needs segments of morning coffee-to-go buyers and their size\n"
        "Identify the drivers of choosing a coffee point in the morning\n"
        "Estimate the Net Promoter Score by city and by customer segment"),
    "hypotheses": (
        "H1: Speed of service matters more than price for weekday morning customers\n"
        "H2: Customers who buy breakfast with coffee are more loyal (higher NPS)\n"
        "H3: Competitors win younger customers (18–29) through mobile ordering"),
    "research_type": "descriptive",
    "data_source": "field",
    "data_kind": "quantitative",
    "methods": ["survey", "observation"],
    "target_audience": (
        "Adults 18–55 in Moscow and Kazan who bought coffee to go on a weekday morning at least "
        "twice in the last month; screened out: employees of coffee chains and market research."),
    "sample_size": 1200,
    "sampling_method": "quota",
    "quota_plan": "Gender × age band (18–29, 30–44, 45–55) by city, proportional to the census.",
    "start_date": date(2026, 11, 2),
    "end_date": date(2027, 1, 29),
    "budget_amount": Decimal("1850000.00"),
    "budget_currency": "RUB",
}


#: A saved banner table on the closed wave, to show what the table builder makes.
DEMO_TABLE = {"rows": ["FREQ", "AWARE", "USED", "NPS", "INTENT"],
              "banner": ["CITY", "GENDER", "PRICE_TEST"], "weight": None, "filter": "",
              "preset": "spss", "alpha": "0.05", "alpha_low": "0.1", "min_base": 30,
              "statistics": ["column_percent", "count"],
              "nets": "FREQ: Weekly or more = 1, 2, 3\nINTENT: Would buy (top 2) = 4, 5",
              "chart": "", "p_values": False}


def _demo_user():
    config = current_app.config
    user = db.session.scalar(select(User).filter_by(email=config["DEMO_EMAIL"]))
    if user is None:
        has_admin = db.session.scalar(select(func.count(User.id)).where(User.is_admin)) > 0
        user = User(email=config["DEMO_EMAIL"], name="Demo Researcher", is_admin=not has_admin)
        user.set_password(config["DEMO_PASSWORD"])
        db.session.add(user)
        db.session.flush()
    elif not user.check_password(config["DEMO_PASSWORD"]):
        user.set_password(config["DEMO_PASSWORD"])
    user.active = True
    return user


def load_demo():
    """Create the demo researcher and study unless they exist; returns both."""
    user = _demo_user()
    study = db.session.scalar(select(Study).filter_by(title=DEMO_STUDY_TITLE)
                              .order_by(Study.id))
    if study is None:
        study = create_study(user, DEMO_STUDY)
        study.stage = "plan"
        study.checklist = {"client_agreed": True}
        create_survey(study, user, "Morning coffee customers, Moscow and Kazan", "adhoc",
                      "ru", ["en"])
        closed = create_survey(study, user, DEMO_CLOSED_SURVEY_TITLE, "adhoc", "ru", ["en"])
        replace_draft(closed, demo_definition())
        publish(closed, user)
        add_demo_responses(closed)
        db.session.add(SavedTable(survey_id=closed.id, name="Key measures by city and gender",
                                  created_by_id=user.id, spec=DEMO_TABLE))
        closed.status = "closed"
        closed.opened_at, closed.closed_at = FIELDWORK_START, FIELDWORK_START + timedelta(days=21)
    elif study.role_of(user) is None:
        from research.models import StudyMember
        study.members.append(StudyMember(user_id=user.id, role="owner"))
    db.session.flush()
    _fill_demo_questionnaire(study.surveys[0])
    return user, study


def _fill_demo_questionnaire(survey):
    """Give the demo survey its questionnaire, once (a researcher's edits are kept)."""
    draft = survey.draft_version
    if survey.published_version is None and draft is not None and not draft.questions:
        replace_draft(survey, demo_definition())
