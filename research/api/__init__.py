"""The JSON collection API (``/api/v1``): bearer tokens per study, idempotent submissions.

The OpenAPI 3.1 description is ``research/api/openapi.json`` (also served at
``/api/v1/openapi.json``); ``docs/api.md`` is the guide. The owner's token pages
(``/studies/<id>/api-tokens``) are in :mod:`.token_views`.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from research.api import errors as _errors  # noqa: E402

_errors.register(bp)

from research.api import token_views, views  # noqa: E402,F401
