"""The start form of a survey: a one-time nonce, the access password if one is set."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

NONCE_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


class StartForm(FlaskForm):
    #: One per rendering of the start page: a repeated start finds the same interview.
    nonce = HiddenField(validators=[DataRequired(), Regexp(NONCE_PATTERN)])
    language = HiddenField(validators=[Length(max=8)])


class PasswordStartForm(StartForm):
    password = PasswordField(_l("Access password"), validators=[
        DataRequired(_l("Enter the access password you were given.")), Length(max=200)])
