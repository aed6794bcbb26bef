"""Template globals: the language switch, labels of vocabularies."""
from flask import current_app, request
from flask_babel import get_locale

from research.models import vocabulary


def init_app(app):
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def globals_for_templates():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "vocabulary": vocabulary,
            # Lets shared navigation show links only to pages that exist.
            "url_endpoints": current_app.view_functions,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
