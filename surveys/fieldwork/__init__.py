"""Fieldwork for researchers: opening and closing collection, access settings, personal
links, quotas; the live dashboard and the responses (see ``responses_views``)."""
from flask import Blueprint

from surveys.manage.guards import refuse_imported_surveys

bp = Blueprint("fieldwork", __name__,
               url_prefix="/studies/<int:study_id>/surveys/<int:survey_id>/fieldwork")

refuse_imported_surveys(bp)  # an imported survey has no questionnaire and no fieldwork

from surveys.fieldwork import (views, quota_views, dashboard_views,  # noqa: E402,F401
                                responses_views)
