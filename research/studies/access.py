"""Authorisation of study look-ups: the one place that decides who sees what."""
from flask import abort
from flask_login import current_user

from research.extensions import db
from research.models import Study
from research.models.vocabulary import ROLE_RANK


def load_study(study_id, needed_role="viewer"):
    """The study if the current user may act on it with ``needed_role``.

    Non-members get 404 (the study's existence is not revealed); members with
    a weaker role get 403.
    """
    study = db.session.get(Study, study_id)
    if study is None or not current_user.is_authenticated:
        abort(404)
    role = study.role_of(current_user)
    if role is None:
        abort(404)
    if ROLE_RANK[role] < ROLE_RANK[needed_role]:
        abort(403)
    return study, role
