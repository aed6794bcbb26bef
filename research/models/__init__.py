"""The application's models. Importing this package registers every table."""
from research.models.studies import Study, StudyMember
from research.models.users import Invitation, SiteSetting, User

__all__ = ["Invitation", "SiteSetting", "Study", "StudyMember", "User"]
