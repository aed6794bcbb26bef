"""The live fieldwork dashboard."""
from flask import render_template
from flask_babel import format_percent
from flask_login import login_required

from research.extensions import db
from surveys.collect.flow import sweep_abandoned
from surveys.fieldwork import bp
from surveys.fieldwork.dashboard import build_dashboard, duration_text
from surveys.manage.views import load_survey


@bp.route("/")
@login_required
def dashboard(study_id, survey_id):
    """Counts by status and channel, rates, median duration, quota cells, completes per day."""
    study, survey, role = load_survey(study_id, survey_id, "viewer")
    sweep_abandoned(survey)
    db.session.commit()
    return render_template("fieldwork/dashboard.html", study=study, survey=survey, role=role,
                           figures=build_dashboard(survey), duration=duration_text,
                           percent=format_percent)
