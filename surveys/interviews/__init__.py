"""Interviewer channels: telephone, face-to-face, mail and observation entries keyed in by
interviewers on behalf of respondents."""
from flask import Blueprint

from surveys.manage.guards import refuse_imported_surveys

bp = Blueprint("interviews", __name__, url_prefix="/studies/<int:study_id>/interviews")

refuse_imported_surveys(bp)  # an imported survey has no questionnaire and no fieldwork

from surveys.interviews import views  # noqa: E402,F401
