"""Account operations. Functions flush; the caller commits."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from research.exceptions import DomainError
from research.extensions import db
from research.models import Invitation, SiteSetting, StudyMember, User
from research.models.types import utcnow
from research.models.users import hash_token

REGISTRATION_SETTING = "registration_mode"
# A hash to check against when the e-mail is unknown, so that a wrong e-mail
# takes as long as a wrong password and the timing does not reveal accounts.
_DUMMY_HASH = None


def normalise_email(email):
    return (email or "").strip().lower()


def registration_mode():
    """``open`` or ``invite``: the admin's setting, else the configured default."""
    setting = db.session.get(SiteSetting, REGISTRATION_SETTING)
    if setting is not None and setting.value in ("open", "invite"):
        return setting.value
    return current_app.config["REGISTRATION_MODE"]


def set_registration_mode(mode):
    if mode not in ("open", "invite"):
        raise DomainError(_l("Unknown registration mode."))
    setting = db.session.get(SiteSetting, REGISTRATION_SETTING)
    if setting is None:
        db.session.add(SiteSetting(key=REGISTRATION_SETTING, value=mode))
    else:
        setting.value = mode
    db.session.flush()


def find_invitation(token):
    """The invitation for a URL token, or None if unknown."""
    if not token:
        return None
    return db.session.scalar(select(Invitation).filter_by(token_hash=hash_token(token)))


def user_by_email(email):
    return db.session.scalar(select(User).filter_by(email=normalise_email(email)))


def register_user(email, name, password, invitation=None):
    """Create an account; the very first one becomes the admin.

    In invite-only mode an unused, unexpired invitation is required (the first
    account is exempt, or nobody could ever start). Accepting an invitation
    also adds the new user to the invitation's study.
    """
    email = normalise_email(email)
    is_first = db.session.scalar(select(func.count(User.id))) == 0
    if invitation is not None and not invitation.is_usable:
        raise DomainError(_l("This invitation has expired or was already used."))
    if registration_mode() == "invite" and not is_first and invitation is None:
        raise DomainError(_l("Registration is by invitation only. Ask a colleague "
                             "or an administrator for an invitation link."))
    if user_by_email(email) is not None:
        raise DomainError(_l("An account with this e-mail address already exists."),
                          field="email")
    user = User(email=email, name=name.strip(), is_admin=is_first)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if invitation is not None:
        accept_invitation(invitation, user)
    return user


def accept_invitation(invitation, user):
    """Mark the invitation used and add the user to its study (if it has one)."""
    if not invitation.is_usable:
        raise DomainError(_l("This invitation has expired or was already used."))
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    if invitation.study_id is not None:
        existing = db.session.scalar(select(StudyMember).filter_by(
            study_id=invitation.study_id, user_id=user.id))
        if existing is None:
            db.session.add(StudyMember(study_id=invitation.study_id, user_id=user.id,
                                       role=invitation.role))
    db.session.flush()


def _dummy_hash():
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = generate_password_hash("timing-equaliser")
    return _DUMMY_HASH


def authenticate(email, password):
    """The active user with these credentials, or None (no reason is given)."""
    user = user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def change_password(user, current_password, new_password):
    if not user.check_password(current_password):
        raise DomainError(_l("The current password is not correct."), field="current_password")
    user.set_password(new_password)
    db.session.flush()


def set_active(admin, user, active):
    """Activate or deactivate an account; an admin cannot lock themselves out."""
    if user.id == admin.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.active = active
    db.session.flush()


def set_locale(user, locale):
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Unknown language."))
    user.locale = locale
    db.session.flush()


def create_invitation(email, inviter, study_id=None, role=None):
    """A new invitation link; returns ``(invitation, token)``.

    Only the token's hash is stored, so the caller shows or mails the link
    now; it cannot be shown again later.
    """
    token = Invitation.new_token()
    days = current_app.config["INVITATION_VALID_DAYS"]
    invitation = Invitation(email=normalise_email(email), study_id=study_id, role=role,
                            token_hash=hash_token(token), invited_by_id=inviter.id,
                            expires_at=utcnow() + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    return invitation, token
