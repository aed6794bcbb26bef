"""Administration: accounts and the registration setting."""
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    """Only admins; everyone else gets 404, as for anything they may not see."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


from research.admin import views  # noqa: E402,F401
