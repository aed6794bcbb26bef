"""The "New interview" form: channel and questionnaire language."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from research.models.vocabulary import CHANNELS
from surveys.respond.render import language_name

from .services import INTERVIEW_CHANNELS, survey_languages


class NewInterviewForm(FlaskForm):
    channel = SelectField(_l("Channel"), validators=[InputRequired()],
                          choices=[(key, CHANNELS[key]) for key in INTERVIEW_CHANNELS])
    language = SelectField(_l("Questionnaire language"))


def new_interview_form(survey, channel=None, **kwargs):
    """The form of one survey; its fields are prefixed so that several fit on a page."""
    languages = survey_languages(survey)
    form = NewInterviewForm(prefix=f"survey{survey.id}", **kwargs)
    form.language.choices = [(code, language_name(code)) for code in languages]
    if form.language.data is None:
        form.language.data = languages[0]
    if channel is not None and not form.is_submitted():
        form.channel.data = channel
    #: Only a questionnaire in several languages asks for one.
    form.asks_language = len(languages) > 1
    return form
