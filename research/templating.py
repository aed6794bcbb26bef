"""Template globals: the language switch, labels of vocabularies."""
from flask import current_app, request
from flask_babel import get_locale

from research.models import vocabulary


def init_app(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    # A global (not a context variable) so that imported macros see it too: shared navigation
    # links only to pages that exist.
    app.jinja_env.globals["url_endpoints"] = app.view_functions

    @app.context_processor
    def globals_for_templates():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "vocabulary": vocabulary,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
