from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from research.auth import services as account_services
from research.extensions import db
from research.http import safe_next_url
from research.main import bp
from research.studies.services import studies_of


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required
def dashboard():
    """The studies I belong to, with their stage progress."""
    return render_template("main/dashboard.html", memberships=studies_of(current_user))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language (kept in the session and the user's profile)."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        account_services.set_locale(current_user, locale)
        db.session.commit()
    return redirect(safe_next_url("main.index"))
