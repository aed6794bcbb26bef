"""The study owner's page of API tokens: ``/studies/<id>/api-tokens``.

A blueprint of its own, outside ``/api/v1``: these are ordinary pages with a login and CSRF.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from research.extensions import db
from research.models.api import ApiToken
from research.studies.access import load_study
from research.studies.forms import ConfirmForm

from . import tokens
from .forms import TokenForm

tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/studies/<int:study_id>/api-tokens")


def _index(study, form, status=200):
    return render_template("api/tokens.html", study=study, form=form, confirm=ConfirmForm(),
                           tokens=tokens.study_tokens(study)), status


@tokens_bp.route("")
@login_required
def index(study_id):
    """The study's tokens and the form for a new one."""
    study, _role = load_study(study_id, "owner")
    return _index(study, TokenForm())


@tokens_bp.route("", methods=["POST"])
@login_required
def create(study_id):
    """Create a token and show its secret, once (never stored, so never shown again)."""
    study, _role = load_study(study_id, "owner")
    form = TokenForm()
    if not form.validate_on_submit():
        return _index(study, form, status=422)
    token, secret = tokens.create_token(study, current_user, form.name.data)
    db.session.commit()
    page = render_template("api/token_created.html", study=study, token=token, secret=secret)
    # The secret must not linger in caches or the browser's history.
    return page, 200, {"Cache-Control": "no-store"}


@tokens_bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(study_id, token_id):
    """Revoke a token: programs using it get 401 from now on."""
    study, _role = load_study(study_id, "owner")
    token = db.session.get(ApiToken, token_id)
    if token is None or token.study_id != study.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired; please try again."), "error")
    else:
        tokens.revoke_token(token)
        db.session.commit()
        flash(_("The token “%(name)s” was revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.index", study_id=study.id), code=303)
