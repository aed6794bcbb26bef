"""Forms of the report pages: GET forms choose what to show; POST forms save definitions."""
from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField, StringField
from wtforms.validators import Length, Optional

from research.forms import no_control_characters, strip

FILTER_HINT = _l("In the questionnaire's expression language, e.g. ${CITY} = 1 and "
                 "selected(${AWARE}, '2'); ${channel} = 'phone' selects by channel.")


def weight_choices(names) -> list:
    return [("", _l("Unweighted"))] + [(name, name) for name in names]


class ViewOptionsForm(Form):
    """Weight and filter of a report page (a GET form: nothing changes, no CSRF)."""

    weight = SelectField(_l("Weight"), default="")
    filter = StringField(_l("Filter"), filters=[strip], description=FILTER_HINT,
                         validators=[Optional(), Length(max=2000), no_control_characters])

    def __init__(self, formdata, weights):
        super().__init__(formdata)
        self.weight.choices = weight_choices(weights)

    def chosen(self):
        """``(weight or None, filter text)`` of the valid choices (invalid ones: none)."""
        self.validate()
        weight = self.weight.data if not self.weight.errors and self.weight.data else None
        text = self.filter.data if not self.filter.errors else ""
        return weight, text or ""


class OpenAnswersForm(ViewOptionsForm):
    """Which open question, which respondents, which words."""

    variable = SelectField(_l("Question"))
    search = StringField(_l("Containing"), filters=[strip],
                         validators=[Optional(), Length(max=200), no_control_characters])

    def __init__(self, formdata, weights, variables):
        super().__init__(formdata, weights)
        self.variable.choices = [(v.name, f"{v.name}: {v.label}") for v in variables]
        if self.variable.data is None and variables:  # none chosen yet: the first question
            self.variable.data = variables[0].name
