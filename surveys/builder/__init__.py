"""The questionnaire builder: questions, logic, versions, library, import/export."""
from flask import Blueprint

from surveys.manage.guards import refuse_imported_surveys

bp = Blueprint("builder", __name__,
               url_prefix="/studies/<int:study_id>/surveys/<int:survey_id>/builder")

refuse_imported_surveys(bp)  # an imported survey has no questionnaire and no fieldwork

from surveys.builder import (interchange_views, preview_views, settings_views,  # noqa: E402,F401
                             versions_views, views)
