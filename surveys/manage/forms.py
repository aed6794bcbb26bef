from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from research.forms import no_control_characters, strip
from research.models.vocabulary import SURVEY_KINDS
from research.studies.forms import MultiCheckboxField
from surveys.models.survey import IMPORTED, SURVEY_TITLE_MAX

#: Languages a questionnaire can be written in (the UI ships in en and ru).
QUESTIONNAIRE_LANGUAGES = {"ru": "Русский", "en": "English", "kk": "Қазақша", "uk": "Українська",
                           "be": "Беларуская", "de": "Deutsch", "fr": "Français", "es": "Español"}


class SurveyForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[
        DataRequired(), Length(max=SURVEY_TITLE_MAX), no_control_characters])
    # Imported surveys come from "Import data" with their file, never from this form.
    kind = SelectField(_l("Kind of survey"), default="adhoc", choices=[
        (key, label) for key, label in SURVEY_KINDS.items() if key != IMPORTED])
    default_language = SelectField(_l("Main language of the questionnaire"),
                                   choices=list(QUESTIONNAIRE_LANGUAGES.items()))
    languages = MultiCheckboxField(_l("Further languages"),
                                   choices=list(QUESTIONNAIRE_LANGUAGES.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.default_language.data:
            self.default_language.data = "ru" if "ru" in current_app.config["LANGUAGES"] else "en"

    def validate_languages(self, field):
        if len(field.data or []) > 6:
            raise ValidationError(_l("Choose at most six further languages."))
