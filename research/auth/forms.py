from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from research.forms import no_control_characters, strip
from research.models.users import EMAIL_MAX, NAME_MAX

PASSWORD_MIN = 10
PASSWORD_MAX = 128


def _new_password_fields():
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"})
    return password, confirm


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[
        DataRequired(), Length(max=EMAIL_MAX), Email(check_deliverability=False)],
        render_kw={"autocomplete": "email"})
    name = StringField(_l("Your name"), filters=[strip], validators=[
        DataRequired(), Length(max=NAME_MAX), no_control_characters],
        render_kw={"autocomplete": "name"})
    password, confirm = _new_password_fields()
    invitation = HiddenField()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[
        DataRequired(), Length(max=EMAIL_MAX)], render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this computer"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=PASSWORD_MAX)], render_kw={"autocomplete": "current-password"})
    password, confirm = _new_password_fields()
