"""Forms of the API token page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from research.forms import no_control_characters, strip
from research.models.api import TOKEN_NAME_MAX


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), filters=[strip],
                       description=_l("E.g. \"CATI system\" or \"kiosk app\"."),
                       validators=[DataRequired(), Length(max=TOKEN_NAME_MAX),
                                   no_control_characters])
