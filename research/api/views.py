"""The API endpoints: authenticate, read the JSON body, call a service, answer JSON."""
from __future__ import annotations

import json

from flask import g, jsonify, request
from flask_babel import gettext as _

from . import bp, idempotency, schemas, services
from .auth import token_required
from .errors import ApiError
from .present import questionnaire_body, response_body


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def json_body():
    """The parsed JSON body; 400 for another content type or malformed JSON (413: too big)."""
    if request.mimetype != "application/json":
        raise ApiError(400, "unsupported_media_type",
                       _("Send the body as JSON with Content-Type: application/json."))
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    # RecursionError: absurdly nested arrays; ValueError also covers bad UTF-8 and huge ints.
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", _("The request body is not valid JSON.")) from None


def _post(schema: str, effect):
    """The common path of every POST: key, body, schema, then the effect exactly once."""
    key = idempotency.key_from_request()
    body = schemas.check(schema, json_body())
    token_id = g.api_token.id
    return idempotency.run_once(token_id, key, body, lambda: effect(body))


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI description of this API (no token needed)."""
    return jsonify(schemas.spec())


@bp.route("/surveys/<int:survey_id>/questionnaire")
@token_required
def questionnaire(survey_id):
    """The survey's published questionnaire."""
    survey = services.survey_for(g.api_token, survey_id)
    services.require_published(survey)
    return jsonify(questionnaire_body(survey))


@bp.route("/surveys/<int:survey_id>/responses", methods=["POST"])
@token_required
def create_response(survey_id):
    """Start an interview, or submit a whole response."""
    survey = services.survey_for(g.api_token, survey_id)
    return _post("ResponseRequest", lambda body: services.start_or_submit(survey, body))


@bp.route("/responses/<int:response_id>")
@token_required
def get_response(response_id):
    """An interview's state and answers."""
    return jsonify(response_body(services.response_for(g.api_token, response_id)))


@bp.route("/responses/<int:response_id>/pages", methods=["POST"])
@token_required
def submit_page(response_id):
    """Submit the interview's current page."""
    response = services.response_for(g.api_token, response_id)
    return _post("PageRequest", lambda body: services.submit_page(response, body))
