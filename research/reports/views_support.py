"""Helpers shared by the report views: loading a survey's analysis data with access checks."""
from flask import render_template

from research.imports.datasets import ImportedDataMissing
from research.reports.services import load_analysis
from surveys.manage.views import load_survey


class NoData(Exception):
    """The survey has no published questionnaire (or its imported file is gone), so there is
    nothing to analyse; ``page`` is the response that says so."""

    def __init__(self, page):
        super().__init__("no data to analyse")
        self.page = page


def survey_data(study_id, survey_id, needed_role="viewer"):
    """``(study, survey, role, AnalysisData)``; :class:`NoData` before the first publication."""
    study, survey, role = load_survey(study_id, survey_id, needed_role)
    if survey.published_version is None and not survey.is_imported:
        raise NoData(render_template("reports/no_data.html", study=study, survey=survey))
    try:
        return study, survey, role, load_analysis(survey)
    except ImportedDataMissing:
        # An operator removed the file: say so, rather than a bare server error.
        raise NoData((render_template("imports/missing.html", study=study, survey=survey),
                      500)) from None
