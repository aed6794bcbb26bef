"""Report pages: toplines, banner tables, weighting and open answers of a survey's data.

Views are thin: they build the dataset through :mod:`.datasets` (the one seam), hand it to the
``analysis`` library and render its result objects.
"""
from flask import Blueprint

bp = Blueprint("reports", __name__,
               url_prefix="/studies/<int:study_id>/surveys/<int:survey_id>/analysis")

from research.reports import (topline_views, table_views, weight_views,  # noqa: E402,F401
                              open_views)
