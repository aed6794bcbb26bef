"""The application's models. Importing this package registers every table."""
from research.models.api import ApiToken, IdempotencyRecord
from research.models.reports import SavedTable, WeightScheme
from research.models.studies import Study, StudyMember
from research.models.users import Invitation, SiteSetting, User

__all__ = ["ApiToken", "IdempotencyRecord", "Invitation", "SavedTable", "SiteSetting", "Study",
           "StudyMember", "User", "WeightScheme"]
