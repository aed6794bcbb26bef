from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, EmailField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, Email, Length, NumberRange, Optional,
                                ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from research.forms import no_control_characters, strip
from research.models.studies import LONG_TEXT_MAX, TITLE_MAX
from research.models.users import EMAIL_MAX
from research.models.vocabulary import (CURRENCIES, DATA_KINDS, DATA_SOURCES, METHODS,
                                        RESEARCH_TYPES, ROLES, SAMPLING_METHODS)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(vocabulary, blank=True):
    choices = [(key, label) for key, label in vocabulary.items()]
    return ([("", _l("— not chosen —"))] + choices) if blank else choices


def _long_text(label, description=None):
    return TextAreaField(label, filters=[strip], description=description,
                         validators=[Optional(), Length(max=LONG_TEXT_MAX), no_control_characters])


class StudyForm(FlaskForm):
    # Problem and objectives
    title = StringField(_l("Title"), filters=[strip], validators=[
        DataRequired(), Length(max=TITLE_MAX), no_control_characters])
    client = StringField(_l("Client"), filters=[strip], validators=[
        Optional(), Length(max=TITLE_MAX), no_control_characters])
    problem_statement = _long_text(_l("Problem statement"),
                                   _l("The management decision the research supports."))
    objectives = _long_text(_l("Research objectives"), _l("One objective per line."))
    hypotheses = _long_text(_l("Hypotheses"), _l("One hypothesis per line."))
    # Research design
    research_type = SelectField(_l("Research type"), choices=_choices(RESEARCH_TYPES))
    data_source = SelectField(_l("Data source"), choices=_choices(DATA_SOURCES))
    data_kind = SelectField(_l("Kind of data"), choices=_choices(DATA_KINDS))
    methods = MultiCheckboxField(_l("Methods"), choices=_choices(METHODS, blank=False))
    target_audience = _long_text(_l("Target audience"),
                                 _l("Who is studied: population, region, screening criteria."))
    # Sample, timeline, budget
    sample_size = IntegerField(_l("Sample size"), validators=[
        Optional(), NumberRange(min=1, max=10_000_000)])
    sampling_method = SelectField(_l("Sampling method"), choices=_choices(SAMPLING_METHODS))
    quota_plan = _long_text(_l("Quotas (intent)"), _l("E.g. gender × age band as in the census."))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    budget_amount = DecimalField(_l("Budget"), places=2, validators=[
        Optional(), NumberRange(min=0, max=999_999_999_999)])
    budget_currency = SelectField(_l("Currency"),
                                  choices=[("", "—")] + [(c, c) for c in CURRENCIES])

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date is before the start date."))

    def validate_budget_currency(self, field):
        if self.budget_amount.data is not None and not field.data:
            raise ValidationError(_l("Choose the currency of the budget."))

    def study_data(self):
        """The validated data as study fields ('' from blank selects becomes None)."""
        from research.studies.services import EDITABLE_FIELDS
        data = {name: getattr(self, name).data for name in EDITABLE_FIELDS}
        for name, value in data.items():
            if value == "":
                data[name] = None
        data["methods"] = list(data["methods"] or [])
        return data


class InviteForm(FlaskForm):
    email = EmailField(_l("Colleague's e-mail"), filters=[strip], validators=[
        DataRequired(), Length(max=EMAIL_MAX), Email(check_deliverability=False)])
    role = SelectField(_l("Role"), choices=_choices(ROLES, blank=False), default="viewer")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_choices(ROLES, blank=False))


class ConfirmForm(FlaskForm):
    """A bare form for buttons that change state (CSRF only)."""
