"""Fieldwork forms: access settings, personal links, quotas."""
from datetime import timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, PasswordField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from research.forms import no_control_characters, strip

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def as_utc(value):
    """A form's naive date-time (entered in UTC) as an aware UTC datetime."""
    return value.replace(tzinfo=timezone.utc) if value is not None else None


class AccessForm(FlaskForm):
    open_link = BooleanField(_l("Anyone with the open link may answer"))
    password = PasswordField(_l("New access password for the open link"), validators=[
        Optional(), Length(min=4, max=200)],
        description=_l("Leave empty to keep the current setting."))
    clear_password = BooleanField(_l("Remove the access password"))
    closes_at = DateTimeLocalField(_l("Close automatically at (UTC)"), format=DATETIME_FORMATS,
                                   validators=[Optional()])
    max_completes = IntegerField(_l("Close automatically after this many completes"),
                                 validators=[Optional(), NumberRange(min=1, max=10_000_000)])
    abandon_after_minutes = IntegerField(
        _l("An interview left untouched this many minutes counts as abandoned"),
        validators=[DataRequired(), NumberRange(min=5, max=525_600)])


class LinksForm(FlaskForm):
    labels = TextAreaField(_l("Respondents, one per line (name, e-mail or panel id)"),
                           filters=[strip], validators=[Optional(), Length(max=500_000),
                                                        no_control_characters])
    count = IntegerField(_l("Or this many unnamed links"),
                         validators=[Optional(), NumberRange(min=1, max=5000)])
    valid_from = DateTimeLocalField(_l("Valid from (UTC)"), format=DATETIME_FORMATS,
                                    validators=[Optional()])
    valid_until = DateTimeLocalField(_l("Valid until (UTC)"), format=DATETIME_FORMATS,
                                     validators=[Optional()])
    max_uses = IntegerField(_l("Interviews per link"), default=1,
                            validators=[DataRequired(), NumberRange(min=1, max=1000)])

    def validate_count(self, field):
        if not field.data and not (self.labels.data or "").strip():
            raise ValidationError(_l("Give the respondents or a number of links."))

    def label_list(self):
        lines = [line.strip() for line in (self.labels.data or "").splitlines()]
        named = [line for line in lines if line]
        return named or [""] * (self.count.data or 0)


class QuotaForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[
        DataRequired(), Length(max=200), no_control_characters])
    variables = StringField(_l("Closed variables to cross (e.g. GENDER, AGE_BAND)"),
                            filters=[strip], validators=[DataRequired(), Length(max=200)])
    default_target = IntegerField(_l("Target per cell"), default=100,
                                  validators=[DataRequired(), NumberRange(min=0, max=10_000_000)])
