"""Error pages that say what happened, in the user's language."""
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from research.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you "
                                 "entered and try again.")),
    403: (_l("Not allowed"), _l("Your role in this study does not allow this action. Ask the "
                                "study's owner if you need more rights.")),
    404: (_l("Not found"), _l("There is no such page, or you do not have access to it.")),
    405: (_l("Method not allowed"), _l("This page cannot be used this way.")),
    409: (_l("Conflict"), _l("Someone else changed this at the same time. Reload and try "
                             "again.")),
    413: (_l("File too large"), _l("The upload is larger than this server accepts.")),
    422: (_l("Cannot process"), _l("The data was understood but cannot be used.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side; nothing "
                                         "was saved. Please try again later.")),
}
CSRF_MESSAGE = _l("The form was open too long or was sent from elsewhere (its security "
                  "token is missing or expired). Go back, reload the page and send it again.")


def _wants_json():
    if request.path.startswith("/api/"):  # API clients get JSON whatever they accept
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def render_error(code, detail=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if _wants_json():
        return {"error": str(title), "message": str(detail or message)}, code
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        # A description given at abort() says what exactly was wrong; the class default does not.
        detail = error.description if error.description != type(error).description else None
        return render_error(error.code if error.code in MESSAGES else 400, detail)

    @app.errorhandler(IntegrityError)
    def integrity_error(error):
        # A unique or foreign-key constraint caught what the checks before it could not:
        # a concurrent double submit. Nothing of the request was stored.
        db.session.rollback()
        app.logger.info("constraint conflict: %s", error.orig)
        return render_error(409)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
