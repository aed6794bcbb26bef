"""Language selection: the user's setting, else the session, else the browser."""
from flask import current_app, has_app_context, has_request_context, request, session
from flask_babel import gettext
from flask_login import current_user

from research.extensions import babel


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(list(languages)) or \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app):
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    import analysis.i18n
    analysis.i18n.set_translator(_analysis_gettext)


def _analysis_gettext(text):
    """The analysis library's messages in the user's language (as they are, outside the app)."""
    return gettext(text) if has_app_context() else text
