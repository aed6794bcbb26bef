"""Forms that start report jobs: the whole report, or the banner table on screen."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from research.forms import no_control_characters, strip
from research.reports.forms import FILTER_HINT, weight_choices
from research.studies.forms import MultiCheckboxField

REPORT_FORMATS = [("pdf", _l("PDF report")), ("pptx", _l("PowerPoint deck (PPTX)")),
                  ("xlsx", _l("Excel workbook of banner tables (XLSX)"))]


class ReportForm(FlaskForm):
    """Which format, whether toplines come first, which saved tables follow."""

    format = SelectField(_l("Format"), choices=REPORT_FORMATS, default="pdf")
    toplines = BooleanField(_l("Toplines of every question (PDF and PowerPoint)"),
                            default=True)
    tables = MultiCheckboxField(_l("Saved banner tables"), coerce=int, description=_l(
        "Each table is run on current data with its own weight, filter and tests."))
    weight = SelectField(_l("Weight of the toplines"), default="")
    filter = StringField(_l("Filter of the toplines"), filters=[strip], description=FILTER_HINT,
                         validators=[Optional(), Length(max=2000), no_control_characters])

    def __init__(self, weights, saved_tables, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight.choices = weight_choices(weights)
        self.tables.choices = [(table.id, table.name) for table in saved_tables]
        if not self.is_submitted():
            self.tables.data = [table.id for table in saved_tables]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.toplines.data and not self.tables.data:
            self.tables.errors = list(self.tables.errors) + [_l(
                "Choose the toplines, at least one table, or both.")]
            valid = False
        if self.format.data == "xlsx" and not self.tables.data:
            self.tables.errors = list(self.tables.errors) + [_l(
                "An Excel workbook holds banner tables: choose at least one.")]
            valid = False
        return valid

    def parameters(self, locale) -> dict:
        return {"format": self.format.data, "toplines": bool(self.toplines.data),
                "tables": list(self.tables.data or []), "weight": self.weight.data or None,
                "filter": self.filter.data or "", "locale": locale}
