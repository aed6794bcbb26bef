"""Forms of the job pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from research.forms import no_control_characters, strip
from research.reports.forms import FILTER_HINT, weight_choices

EXPORT_FORMATS = [("csv", _l("CSV (comma-separated values)")), ("xlsx", _l("Excel (XLSX)")),
                  ("sav", _l("SPSS (SAV)")), ("json", _l("JSON"))]
DELIMITERS = [(",", _l("Comma")), (";", _l("Semicolon")), ("\t", _l("Tab"))]


class ExportForm(FlaskForm):
    """What to export: format, codes or labels, CSV details, weight and filter."""

    format = SelectField(_l("Format"), choices=EXPORT_FORMATS, default="csv")
    values = SelectField(_l("Values"), default="codes",
                         choices=[("codes", _l("Codes")), ("labels", _l("Value labels"))])
    delimiter = SelectField(_l("Delimiter"), choices=DELIMITERS, default=",")
    bom = BooleanField(_l("Byte order mark (for Excel)"))
    weight = SelectField(_l("Weight"), default="")
    filter = StringField(_l("Filter"), filters=[strip], description=FILTER_HINT,
                         validators=[Optional(), Length(max=2000), no_control_characters])

    def __init__(self, weights, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight.choices = weight_choices(weights)

    def parameters(self, locale="en"):
        return {"format": self.format.data, "values": self.values.data,
                "delimiter": self.delimiter.data, "bom": bool(self.bom.data),
                "weight": self.weight.data or None, "filter": self.filter.data or "",
                "locale": locale}


class ConfirmForm(FlaskForm):
    """A button that changes state (cancel, retry): CSRF only."""
