"""Pages that only make sense for a questionnaire answer 404 for an imported survey."""
from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from research.extensions import db
from surveys.models import Survey
from surveys.models.survey import IMPORTED


def refuse_imported_surveys(blueprint):
    """Make every page of ``blueprint`` whose URL names a survey 404 when it is imported.

    Anonymous requests pass through to the views' own login check, so that the kind of a
    survey is not revealed to someone who is not logged in.
    """
    @blueprint.before_request
    def refuse_imported():
        survey_id = (request.view_args or {}).get("survey_id")
        if survey_id is None or not current_user.is_authenticated:
            return
        if db.session.scalar(select(Survey.kind).where(Survey.id == survey_id)) == IMPORTED:
            abort(404)
