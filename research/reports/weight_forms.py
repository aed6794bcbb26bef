"""Forms of the weighting page: choose the variables, then give a target for each category."""
import itertools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from research.forms import no_control_characters, strip

MAX_VARIABLES, MAX_CELLS = 8, 120
METHOD_CHOICES = [("rim", _l("Rim weighting (raking) to the margins of each variable")),
                  ("cell", _l("Cell weighting to every combination of the variables"))]
UNIT_CHOICES = [("percent", _l("Percent (each variable sums to 100)")),
                ("count", _l("Counts (population figures)"))]


class WeightVariablesForm(FlaskForm):
    """Step 1 (GET): the weight's name, method and variables."""

    name = StringField(_l("Weight variable name"), default="weight", filters=[strip],
                       validators=[DataRequired(), Length(max=32)],
                       description=_l("Letters, digits and _; it becomes a column of the "
                                      "dataset, e.g. weight_census."))
    method = SelectField(_l("Method"), choices=METHOD_CHOICES, default="rim")
    variables = SelectMultipleField(_l("Weighting variables"), validators=[DataRequired(_l(
        "Choose at least one variable to weight by."))])

    def __init__(self, *args, variable_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.variables.choices = list(variable_choices)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if len(self.variables.data or []) > MAX_VARIABLES:
            self.variables.errors = list(self.variables.errors) + [_l(
                "At most %(n)d weighting variables.", n=MAX_VARIABLES)]
            valid = False
        return valid


def target_key(variable_codes) -> str:
    """The field name of one target: ``t__CITY_1`` or ``t__CITY_1__GENDER_2`` (cells)."""
    return "t__" + "__".join(f"{name}_{code}" for name, code in variable_codes)


def targets_form_class(dataset, method: str, variables: list):
    """A form class with one target field per category (rim) or per cell (cell weighting).

    Returns ``(form class, [(label, [(field name, category label, sample %)])])`` — the
    groups to render, one per variable (rim) or one for all cells (cell).
    """
    class TargetsForm(FlaskForm):
        name = StringField(_l("Weight variable name"), filters=[strip],
                           validators=[DataRequired(), Length(max=32), no_control_characters])
        label = StringField(_l("Description"), filters=[strip],
                            validators=[Optional(), Length(max=200), no_control_characters])
        unit = SelectField(_l("Targets are"), choices=UNIT_CHOICES, default="percent")
        tolerance = DecimalField(_l("Convergence tolerance (largest margin difference, as a "
                                    "proportion)"), default=0.0001, places=None,
                                 validators=[InputRequired(), NumberRange(min=1e-9, max=0.1)])
        max_iterations = IntegerField(_l("Maximum iterations"), default=100, validators=[
            InputRequired(), NumberRange(min=1, max=10000)])
        cap_low = DecimalField(_l("Lowest weight (× mean weight)"), places=None,
                               validators=[Optional(), NumberRange(min=0.0001, max=1)])
        cap_high = DecimalField(_l("Highest weight (× mean weight)"), places=None,
                                validators=[Optional(), NumberRange(min=1, max=1000)])

    groups = []
    if method == "cell":
        for name in ("tolerance", "max_iterations", "cap_low", "cap_high"):
            delattr(TargetsForm, name)  # rim settings: not on the cell form, so not required
        labelled = [list(dataset.variable(name).value_labels.items()) for name in variables]
        cells = list(itertools.product(*labelled))[:MAX_CELLS]
        fields = []
        for cell in cells:
            key = target_key([(name, code) for name, (code, _label) in zip(variables, cell)])
            text = " × ".join(label for _code, label in cell)
            setattr(TargetsForm, key, DecimalField(text, places=None, validators=[
                InputRequired(_l("Give a target for every cell.")), NumberRange(min=0)]))
            fields.append((key, text, _cell_share(dataset, variables, [c for c, _l2 in cell])))
        groups.append((" × ".join(variables), fields))
    else:
        for name in variables:
            variable = dataset.variable(name)
            shares = dataset.data[name].value_counts(normalize=True)
            fields = []
            for code, label in variable.value_labels.items():
                key = target_key([(name, code)])
                setattr(TargetsForm, key, DecimalField(label, places=None, validators=[
                    InputRequired(_l("Give a target for every category.")),
                    NumberRange(min=0)]))
                fields.append((key, label, 100 * float(shares.get(code, 0.0))))
            groups.append((f"{name} — {variable.label}", fields))
    return TargetsForm, groups


def _cell_share(dataset, variables, codes) -> float:
    mask = True
    for name, code in zip(variables, codes):
        mask = mask & (dataset.data[name] == code)
    return 100 * float(mask.mean()) if len(dataset) else 0.0


def settings_from_form(form, method: str, variables: list, dataset) -> dict:
    """The scheme's stored settings from a validated targets form.

    Categories nobody in the sample has and whose target is 0 are left out (they need no
    weight); a positive target for such a category reaches the analysis library, which
    explains why it cannot be met.
    """
    settings = {"unit": form.unit.data, "variables": list(variables)}
    if method == "cell":
        labelled = [list(dataset.variable(name).value_labels) for name in variables]
        cells = []
        for codes in list(itertools.product(*labelled))[:MAX_CELLS]:
            value = float(form[target_key(list(zip(variables, codes)))].data)
            if value > 0 or _cell_share(dataset, variables, codes) > 0:
                cells.append([list(codes), value])
        settings["cells"] = cells
        return settings
    targets = {}
    for name in variables:
        present = set(dataset.data[name].dropna().unique())
        targets[name] = {}
        for code in dataset.variable(name).value_labels:
            value = float(form[target_key([(name, code)])].data)
            if value > 0 or code in present:
                targets[name][str(code)] = value
    settings.update(targets=targets, tolerance=float(form.tolerance.data),
                    max_iterations=int(form.max_iterations.data))
    if form.cap_low.data is not None or form.cap_high.data is not None:
        settings["cap"] = [float(form.cap_low.data) if form.cap_low.data is not None else None,
                           float(form.cap_high.data) if form.cap_high.data is not None
                           else None]
    return settings
