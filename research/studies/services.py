"""Study operations. Functions flush; the caller commits."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from research.auth.services import create_invitation
from research.exceptions import DomainError
from research.extensions import db
from research.models import Invitation, Study, StudyMember, User
from research.models.types import utcnow
from research.models.vocabulary import ROLES, STAGE_ORDER
from research.studies.stages import MANUAL_ITEMS, stage_overview

#: Study fields a form may set (everything but stage, team and bookkeeping).
EDITABLE_FIELDS = (
    "title", "client", "problem_statement", "objectives", "hypotheses", "research_type",
    "data_source", "data_kind", "methods", "target_audience", "sample_size", "sampling_method",
    "quota_plan", "start_date", "end_date", "budget_amount", "budget_currency",
)


def studies_of(user):
    """The user's memberships with their studies, most recently changed first."""
    query = (select(StudyMember).join(Study).where(StudyMember.user_id == user.id)
             .order_by(Study.updated_at.desc(), Study.id.desc()))
    return db.session.scalars(query).all()


def _apply(study, data):
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not study fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(study, field, value)
    if study.start_date and study.end_date and study.end_date < study.start_date:
        raise DomainError(_l("The end date is before the start date."), field="end_date")
    if study.budget_amount is not None and not study.budget_currency:
        raise DomainError(_l("Choose the currency of the budget."), field="budget_currency")


def create_study(owner, data):
    """Create a study in its first stage, with ``owner`` as its owner."""
    study = Study(created_by_id=owner.id, methods=[], checklist={})
    _apply(study, data)
    study.members.append(StudyMember(user_id=owner.id, role="owner"))
    db.session.add(study)
    db.session.flush()
    return study


def update_study(study, data):
    _apply(study, data)
    db.session.flush()


def set_checklist_item(study, key, done):
    """Tick or untick a hand-checked item of the study's current or earlier stage."""
    stage = MANUAL_ITEMS.get(key)
    if stage is None:
        raise DomainError(_l("Unknown checklist item."))
    if STAGE_ORDER.index(stage) > STAGE_ORDER.index(study.stage):
        raise DomainError(_l("This item belongs to a later stage."))
    study.checklist = {**(study.checklist or {}), key: bool(done)}
    db.session.flush()


def advance_stage(study):
    """Move to the next stage once the current stage's required items are done."""
    index = STAGE_ORDER.index(study.stage)
    if index == len(STAGE_ORDER) - 1:
        raise DomainError(_l("The study is already in its last stage."))
    missing = stage_overview(study)[index].missing_required
    if missing:
        names = ", ".join(str(item.label) for item in missing)
        raise DomainError(_l("Finish this stage first: %(items)s.", items=names))
    study.stage = STAGE_ORDER[index + 1]
    study.stage_changed_at = utcnow()
    db.session.flush()


def reopen_previous_stage(study):
    """Go back one stage (e.g. the client changed the objectives)."""
    index = STAGE_ORDER.index(study.stage)
    if index == 0:
        raise DomainError(_l("The study is already in its first stage."))
    study.stage = STAGE_ORDER[index - 1]
    study.stage_changed_at = utcnow()
    db.session.flush()


def delete_study(study):
    db.session.delete(study)
    db.session.flush()


# --- the team -------------------------------------------------------------

def _check_role(role):
    if role not in ROLES:
        raise DomainError(_l("Unknown role."), field="role")


def invite_member(study, email, role, inviter):
    """Add a colleague by e-mail.

    An existing account joins at once and ``(member, None)`` is returned; for
    an unknown address an invitation is created and ``(invitation, token)`` is
    returned, the token going into the link sent to the colleague (only its
    hash is stored).
    """
    _check_role(role)
    email = email.strip().lower()
    user = db.session.scalar(select(User).filter_by(email=email))
    if user is not None:
        if study.role_of(user) is not None:
            raise DomainError(_l("%(email)s is already on the team.", email=email), field="email")
        member = StudyMember(user_id=user.id, role=role)
        study.members.append(member)
        db.session.flush()
        return member, None
    pending = db.session.scalar(select(Invitation).where(
        Invitation.study_id == study.id, Invitation.email == email,
        Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow()))
    if pending is not None:
        raise DomainError(_l("%(email)s has already been invited; revoke that invitation "
                             "to send a new one.", email=email), field="email")
    return create_invitation(email, inviter, study_id=study.id, role=role)


def _owners(study):
    return [m for m in study.members if m.role == "owner"]


def change_role(study, member, role):
    _check_role(role)
    if member.role == "owner" and role != "owner" and len(_owners(study)) == 1:
        raise DomainError(_l("A study needs at least one owner; make someone else owner first."))
    member.role = role
    db.session.flush()


def remove_member(study, member):
    if member.role == "owner" and len(_owners(study)) == 1:
        raise DomainError(_l("A study needs at least one owner; make someone else owner first."))
    study.members.remove(member)
    db.session.flush()


def revoke_invitation(study, invitation):
    if invitation.study_id != study.id:
        raise DomainError(_l("Unknown invitation."))
    db.session.delete(invitation)
    db.session.flush()


def pending_invitations(study):
    return db.session.scalars(select(Invitation).where(
        Invitation.study_id == study.id, Invitation.accepted_at.is_(None))
        .order_by(Invitation.id)).all()
