"""Collection: respondents answer published surveys (open links, personal links).

``flow`` is the interview state machine shared by every channel (web, interviewers, API);
``access`` decides who may answer; ``pages`` runs one respondent page over HTTP.
"""
from flask import Blueprint

bp = Blueprint("collect", __name__)

from surveys.collect import views  # noqa: E402,F401
