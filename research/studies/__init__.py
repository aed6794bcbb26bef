"""Research projects: plan, stages and team."""
from flask import Blueprint

bp = Blueprint("studies", __name__, url_prefix="/studies")

from research.studies import members_views, views  # noqa: E402,F401
