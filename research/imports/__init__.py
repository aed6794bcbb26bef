"""Import data: a respondent-level file (.sav, CSV, XLSX) becomes a survey of kind ``imported``.

``views`` is the upload page, ``job`` the background job ``data_import`` that reads the file
with the ``analysis.imports`` readers, ``services`` saves uploads and stores datasets, and
``datasets`` reads a stored dataset back for the report pages
(:func:`research.reports.services.load_analysis`). Importing ``datasets`` pulls in nothing of
the web layer, so the report pages can use it without an import cycle.
"""
from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/studies/<int:study_id>/imports")


def init_app(app):
    from research.imports import job, views  # noqa: F401  (routes and the job handler)
