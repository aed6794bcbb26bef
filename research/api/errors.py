"""API errors: always JSON ``{"error": code, "message": ..., "details": [...]}``."""
from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from research.extensions import db

#: Codes and messages of HTTP errors raised outside our own checks (routing, body size ...).
HTTP_ERRORS = {
    400: ("bad_request", _l("The request could not be understood.")),
    404: ("not_found", _l("There is no such survey or response for this token.")),
    405: ("method_not_allowed", _l("This URL does not take this method.")),
    413: ("payload_too_large", _l("The request body is larger than this server accepts.")),
    500: ("internal_error", _l("An unexpected error happened on our side; nothing was "
                               "stored. Please try again later.")),
}
#: jsonschema messages repeat the offending value: a 10,000-character string stays out.
DETAIL_MAX = 300


class ApiError(Exception):
    """A refusal with an HTTP status, a stable ``code`` and a message for people."""

    def __init__(self, status: int, code: str, message: str, details=None, **extra):
        super().__init__(message)
        self.status, self.code, self.message = status, code, str(message)
        self.details = details or []
        self.extra = extra

    def body(self) -> dict:
        body = {"error": self.code, "message": self.message, **self.extra}
        if self.details:
            body["details"] = self.details
        return body


def detail(message, *, variable: str | None = None, path: str | None = None) -> dict:
    text = str(message)
    found = {"message": text if len(text) <= DETAIL_MAX else text[:DETAIL_MAX] + "…"}
    if variable is not None:
        found["variable"] = variable
    if path is not None:
        found["path"] = path
    return found


def not_found() -> ApiError:
    code, message = HTTP_ERRORS[404]
    return ApiError(404, code, str(message))


def register(bp) -> None:
    @bp.errorhandler(ApiError)
    def api_error(error):
        db.session.rollback()  # nothing of a refused request is stored
        response = jsonify(error.body())
        response.status_code = error.status
        if error.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="anketa"'
        return response

    @bp.errorhandler(HTTPException)
    def http_error(error):
        # Unexpected exceptions reach this handler too, as InternalServerError.
        status = error.code if error.code in HTTP_ERRORS else (
            500 if (error.code or 500) >= 500 else 400)
        code, message = HTTP_ERRORS[status]
        return api_error(ApiError(status, code, str(message)))
