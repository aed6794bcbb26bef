"""Fieldwork for researchers: opening and closing collection, access settings, personal
links, quotas; the live dashboard and the responses (see ``responses_views``)."""
from flask import Blueprint

bp = Blueprint("fieldwork", __name__,
               url_prefix="/studies/<int:study_id>/surveys/<int:survey_id>/fieldwork")

from surveys.fieldwork import (views, quota_views, dashboard_views,  # noqa: E402,F401
                                responses_views)
