"""Questionnaire domain models. Importing this package registers every table."""
from surveys.models.question import Question, QuestionOption
from surveys.models.response import Response
from surveys.models.survey import QuestionnaireVersion, Survey

__all__ = ["Question", "QuestionOption", "QuestionnaireVersion", "Response", "Survey"]
