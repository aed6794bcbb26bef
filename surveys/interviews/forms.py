"""The "New interview" form: channel and questionnaire language."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired, Regexp

from research.models.vocabulary import CHANNELS
from surveys.respond.render import language_name

from surveys.collect.access import new_start_nonce
from surveys.collect.forms import NONCE_PATTERN

from .services import INTERVIEW_CHANNELS, survey_languages


class NewInterviewForm(FlaskForm):
    channel = SelectField(_l("Channel"), validators=[InputRequired()],
                          choices=[(key, CHANNELS[key]) for key in INTERVIEW_CHANNELS])
    language = SelectField(_l("Questionnaire language"))
    #: One per rendering: a double click on "New interview" finds the interview it started.
    nonce = HiddenField(validators=[InputRequired(), Regexp(NONCE_PATTERN)])


def new_interview_form(survey, channel=None, **kwargs):
    """The form of one survey; its fields are prefixed so that several fit on a page."""
    languages = survey_languages(survey)
    form = NewInterviewForm(prefix=f"survey{survey.id}", **kwargs)
    form.language.choices = [(code, language_name(code)) for code in languages]
    if form.language.data is None:
        form.language.data = languages[0]
    if channel is not None and not form.is_submitted():
        form.channel.data = channel
    if not form.is_submitted():
        form.nonce.data = new_start_nonce()
    #: Only a questionnaire in several languages asks for one.
    form.asks_language = len(languages) > 1
    return form
