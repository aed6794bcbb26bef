"""Refuse form posts that are not UTF-8 text, before any view reads them.

Werkzeug decodes form data leniently: a percent-escaped invalid sequence (``%FF``) stays in the
value as the literal text ``%FF``, raw invalid bytes silently empty an url-encoded form, and a
multipart part becomes U+FFFD. Each would reach a view as something the respondent never typed,
so such a post gets a 400 page that says what is wrong and nothing is stored.
"""
from urllib.parse import unquote_to_bytes

from flask import abort, request
from flask_babel import lazy_gettext as _l

MESSAGE = _l("The form was not sent as UTF-8 text, so nothing was saved. Reload the page and "
             "send it again.")
URLENCODED = "application/x-www-form-urlencoded"


def urlencoded_is_utf8(body: bytes) -> bool:
    """Whether every name and value of an url-encoded body decodes as UTF-8."""
    try:
        for pair in body.split(b"&"):
            for part in pair.split(b"=", 1):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse_invalid_utf8():
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.mimetype == URLENCODED:
        # get_data(cache=True) keeps the body for the form parser that runs afterwards.
        if not urlencoded_is_utf8(request.get_data(cache=True)):
            abort(400, description=str(MESSAGE))
    elif request.mimetype == "multipart/form-data":
        texts = [text for name, values in request.form.lists() for text in [name, *values]]
        if any("\ufffd" in text for text in texts):
            abort(400, description=str(MESSAGE))


def init_app(app):
    app.before_request(refuse_invalid_utf8)
