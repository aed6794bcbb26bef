"""Surveys inside a study: create, list, open. (The builder adds questions.)"""
from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/studies/<int:study_id>/surveys")

from surveys.manage import views  # noqa: E402,F401
