"""The banner-table builder's form: what to cross with what, weighted, filtered and tested how."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
import re

from wtforms import (BooleanField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, ValidationError)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from research.forms import no_control_characters, strip
from research.studies.forms import MultiCheckboxField
from research.reports.forms import FILTER_HINT, weight_choices

PRESET_CHOICES = [
    ("spss", _l("SPSS Custom Tables: pooled z, Bonferroni within each row")),
    ("dimensions", _l("Dimensions: effective bases, overlap correction, no adjustment")),
    ("q", _l("Q-style: unpooled z, Welch t, false discovery rate over the table")),
]
ALPHA_CHOICES = [("0.01", "0.01 (99 %)"), ("0.05", "0.05 (95 %)"), ("0.1", "0.10 (90 %)")]
STATISTIC_CHOICES = [("column_percent", _l("Column %")), ("count", _l("Counts")),
                     ("row_percent", _l("Row %"))]
CHART_CHOICES = [("", _l("No charts")),
                 ("bars", _l("Bars: column percentages side by side")),
                 ("stacked", _l("Stacked bars: one 100 % bar per column")),
                 ("line", _l("Lines across the first banner variable (waves, versions)"))]
MAX_ROWS, MAX_BANNER, MAX_NETS = 200, 12, 100
NET_LINE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.+?)\s*=\s*(.+?)\s*$")


def parse_nets(text: str) -> dict:
    """``{row variable: [{"label", "codes"}]}`` from lines ``FREQ: Weekly+ = 1, 2, 3``.

    Codes are numbers for coded variables, item names for multiple-response sets.
    Raises ValueError with the line at fault.
    """
    nets: dict = {}
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_NETS:
        raise ValueError(_l("At most %(n)d nets.", n=MAX_NETS))
    for number, line in enumerate(lines, start=1):
        match = NET_LINE.fullmatch(line)
        codes = [code.strip() for code in match.group(3).split(",")] if match else []
        if not match or not all(codes):
            raise ValueError(_l("Line %(number)d of the nets is not “VARIABLE: label = code, "
                                "code, …”.", number=number))
        nets.setdefault(match.group(1), []).append({
            "label": match.group(2),
            "codes": [int(code) if code.lstrip("-").isdigit() else code for code in codes]})
    return nets

class TableForm(FlaskForm):
    """Rows, banner, weight, filter and test settings of a banner table.

    Run as a GET form (``meta={"csrf": False}``), so a table is a shareable URL; saved with
    a name through a POST with CSRF.
    """

    rows = SelectMultipleField(_l("Rows"), validators=[DataRequired(_l(
        "Choose at least one row variable."))])
    banner = SelectMultipleField(_l("Banner (columns)"), validators=[DataRequired(_l(
        "Choose at least one banner variable."))])
    weight = SelectField(_l("Weight"), default="")
    filter = StringField(_l("Filter"), filters=[strip], description=FILTER_HINT,
                         validators=[Optional(), Length(max=2000), no_control_characters])
    preset = SelectField(_l("Significance tests"), choices=PRESET_CHOICES, default="spss")
    alpha = SelectField(_l("Upper-case letters at"), choices=ALPHA_CHOICES, default="0.05")
    alpha_low = SelectField(_l("Lower-case letters at"),
                            choices=[("", _l("No lower-case letters"))] + ALPHA_CHOICES,
                            default="0.1")
    min_base = IntegerField(_l("Minimum base for testing"), default=30,
                            validators=[Optional(), NumberRange(min=2, max=100000)])
    statistics = MultiCheckboxField(_l("Show"), choices=STATISTIC_CHOICES,
                                     default=["column_percent", "count"])
    nets = TextAreaField(_l("Nets"), filters=[strip], validators=[
        Optional(), Length(max=5000), no_control_characters], description=_l(
        "One per line: VARIABLE: label = codes, e.g. FREQ: Weekly or more = 1, 2, 3 or "
        "AWARE: Chains = AWARE_1, AWARE_2."))
    chart = SelectField(_l("Charts"), choices=CHART_CHOICES, default="")
    p_values = BooleanField(_l("List the p-values of every test under each table"))

    def validate_nets(self, field):
        try:
            parse_nets(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def __init__(self, *args, row_choices=(), banner_choices=(), weights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows.choices = list(row_choices)
        self.banner.choices = list(banner_choices)
        self.weight.choices = weight_choices(weights)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if len(self.rows.data or []) > MAX_ROWS:
            self.rows.errors = list(self.rows.errors) + [_l(
                "At most %(n)d row variables in one table.", n=MAX_ROWS)]
            valid = False
        if len(self.banner.data or []) > MAX_BANNER:
            self.banner.errors = list(self.banner.errors) + [_l(
                "At most %(n)d banner variables.", n=MAX_BANNER)]
            valid = False
        if self.alpha_low.data and float(self.alpha_low.data) <= float(self.alpha.data or 0):
            self.alpha_low.errors = list(self.alpha_low.errors) + [_l(
                "The lower-case level must be looser (larger) than the upper-case one.")]
            valid = False
        return valid

    def spec(self) -> dict:
        """The table definition as stored in :class:`SavedTable.spec`."""
        return {"rows": list(self.rows.data), "banner": list(self.banner.data),
                "weight": self.weight.data or None, "filter": self.filter.data or "",
                "preset": self.preset.data, "alpha": self.alpha.data,
                "alpha_low": self.alpha_low.data or "", "min_base": self.min_base.data,
                "statistics": list(self.statistics.data or ["column_percent"]),
                "nets": self.nets.data or "", "chart": self.chart.data or "",
                "p_values": bool(self.p_values.data)}

    @staticmethod
    def query(spec: dict) -> dict:
        """A stored spec as the builder's query arguments (what re-runs it)."""
        args = {key: value for key, value in spec.items()
                if key not in ("rows", "banner", "statistics") and value not in (None, False)}
        args.update(rows=spec.get("rows", []), banner=spec.get("banner", []),
                    statistics=spec.get("statistics", []))
        return args


class SaveTableForm(TableForm):
    """The builder's fields plus the name to save the table under."""

    name = StringField(_l("Name"), filters=[strip], validators=[
        DataRequired(), Length(max=200), no_control_characters])


class TableFileForm(FlaskForm):
    """The banner table on screen (its definition is the page's query) as a file."""

    format = SelectField(_l("Format"), choices=[("xlsx", _l("Excel (XLSX)")),
                                              ("pptx", _l("PowerPoint (PPTX)")),
                                              ("pdf", _l("PDF"))], default="xlsx")
    name = StringField(_l("Title"), filters=[strip], validators=[
        Optional(), Length(max=200), no_control_characters])
