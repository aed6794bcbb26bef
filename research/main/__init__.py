"""The dashboard and site-wide pages (language switch)."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from research.main import views  # noqa: E402,F401
