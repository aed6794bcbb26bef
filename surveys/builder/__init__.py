"""The questionnaire builder: questions, logic, versions, library, import/export."""
from flask import Blueprint

bp = Blueprint("builder", __name__,
               url_prefix="/studies/<int:study_id>/surveys/<int:survey_id>/builder")

from surveys.builder import settings_views, versions_views, views  # noqa: E402,F401
