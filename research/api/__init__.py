"""The JSON collection API (``/api/v1``): bearer tokens per study, idempotent submissions.
The OpenAPI 3 description is ``research/api/openapi.yaml``."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
