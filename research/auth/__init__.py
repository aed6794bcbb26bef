"""Researcher accounts: registration, login, password change."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from research.extensions import db, login_manager

bp = Blueprint("auth", __name__, url_prefix="/account")


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # Log the session out when the user agent or address changes under it.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id):
    from research.models import User
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    # A deactivated account loses its open sessions too, not only new logins.
    return user if user is not None and user.active else None


from research.auth import views  # noqa: E402,F401  (routes register on bp)
