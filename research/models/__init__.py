"""The application's models. Importing this package registers every table."""
from research.models.api import ApiToken, IdempotencyRecord
from research.models.imports import ImportedDataset
from research.models.jobs import ExportRecord, Job
from research.models.reports import SavedTable, WeightScheme
from research.models.studies import Study, StudyMember
from research.models.users import Invitation, SiteSetting, User

__all__ = ["ApiToken", "ExportRecord", "IdempotencyRecord", "ImportedDataset", "Invitation", "Job",
           "SavedTable", "SiteSetting", "Study", "StudyMember", "User", "WeightScheme"]
