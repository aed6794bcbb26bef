"""Interviewer channels: telephone, face-to-face, mail and observation entries keyed in by
interviewers on behalf of respondents."""
from flask import Blueprint

bp = Blueprint("interviews", __name__, url_prefix="/studies/<int:study_id>/interviews")

from surveys.interviews import views  # noqa: E402,F401
