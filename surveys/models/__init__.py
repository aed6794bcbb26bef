"""Questionnaire domain models. Importing this package registers every table."""
from surveys.models.fieldwork import Quota, QuotaCell, RespondentInvitation
from surveys.models.library import LibraryItem
from surveys.models.question import Question
from surveys.models.response import Response
from surveys.models.survey import QuestionnaireVersion, Survey

__all__ = ["LibraryItem", "Question", "Quota", "QuotaCell", "QuestionnaireVersion",
           "RespondentInvitation", "Response", "Survey"]
