"""Helpers shared by the report views: loading a survey's analysis data with access checks."""
from flask import render_template

from research.reports.services import load_analysis
from surveys.manage.views import load_survey


class NoData(Exception):
    """The survey has no published questionnaire, so there is nothing to analyse yet."""

    def __init__(self, page):
        super().__init__("no published questionnaire")
        self.page = page


def survey_data(study_id, survey_id, needed_role="viewer"):
    """``(study, survey, role, AnalysisData)``; :class:`NoData` before the first publication."""
    study, survey, role = load_survey(study_id, survey_id, needed_role)
    if survey.published_version is None:
        raise NoData(render_template("reports/no_data.html", study=study, survey=survey))
    return study, survey, role, load_analysis(survey)
