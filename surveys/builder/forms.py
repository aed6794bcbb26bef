"""Builder forms. The question form is made per request from the question's type."""
import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FileField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from research.forms import no_control_characters, strip
from surveys.builder.items_text import ItemsTextError, items_to_text, text_to_items
from surveys.questions import types_by_category

TEXT_MAX = 5000
EXPRESSION_MAX = 2000

#: Settings edited as expressions.
EXPRESSION_SETTINGS = ("relevant", "required_if", "constraint", "screen_out")
#: Settings with a fixed list of values.
CHOICE_SETTINGS = {
    "randomize": [("", _l("Keep the order")), ("shuffle", _l("Shuffle")),
                  ("rotate", _l("Rotate")), ("reverse", _l("Reverse for half"))],
    "display": [("radio", _l("Radio buttons")), ("dropdown", _l("Drop-down list"))],
    "measure": [("ordinal", _l("Ordinal")), ("nominal", _l("Nominal"))],
}
CHOICE_SETTINGS["randomize_rows"] = CHOICE_SETTINGS["randomize"]
#: Settings labels (the setting's key is shown for any other).
SETTING_LABELS = {
    "required": _l("Answer required"), "relevant": _l("Show when (relevance)"),
    "required_if": _l("Required when"), "constraint": _l("Valid when (constraint, . = answer)"),
    "screen_out": _l("Screen out when (ends the interview)"),
    "constraint_message": _l("Message when not valid"), "hint": _l("Hint"),
    "randomize": _l("Option order"), "randomize_rows": _l("Row order"),
    "display": _l("Show options as"), "measure": _l("Measurement level"),
    "points": _l("Scale points"), "min_selections": _l("At least … options"),
    "max_selections": _l("At most … options"), "total": _l("Total to allocate"),
    "max_per_item": _l("At most per item"), "rank_top": _l("Rank only the top …"),
    "max_length": _l("Maximum length (characters)"), "associations": _l("Associations per word"),
    "integer": _l("Whole numbers only"), "decimals": _l("Decimal places"),
    "min": _l("Minimum"), "max": _l("Maximum"), "multiple": _l("Several answers per row"),
    "label_low": _l("Label of the low end"), "label_high": _l("Label of the high end"),
    "subject": _l("Brand or subject (fills {brand})"), "prompt": _l("Prompt"),
    "stem": _l("Sentence stem (mark the blank with ___)"), "story": _l("Story opening"),
}
NUMBER_SETTINGS = ("min", "max")


def type_choices():
    """Types grouped by category (WTForms renders a dict as option groups)."""
    return {str(heading): [(kind.name, str(kind.label)) for kind in kinds]
            for _category, heading, kinds in types_by_category()}


class AddQuestionForm(FlaskForm):
    type = SelectField(_l("Question type"))
    after = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = type_choices()


def _text_field(label, description=None, long=False, max_length=TEXT_MAX):
    field = TextAreaField if long else StringField
    return field(label, filters=[strip], description=description,
                 validators=[Optional(), Length(max=max_length), no_control_characters])


def _language_name(code):
    return code.upper()


def build_question_form(kind, spec, languages, main_language, option_lists=()):
    """A form class for one question, with fields for exactly its type's settings.

    Every text is asked in each questionnaire language (``text__ru``,
    ``text__en``...). Settings the builder has no dedicated field for are kept
    and can be edited as JSON (``advanced``).
    """
    settings = kind.settings(spec)
    fields = {"variable": StringField(_l("Variable name"), filters=[strip], validators=[
        DataRequired(), Length(max=32)], description=_l("Letters, digits and _, starting with a "
                                                       "letter; analysis columns use it."))}
    for lang in languages:
        fields[f"text__{lang}"] = _text_field(
            _l("Text (%(lang)s)", lang=_language_name(lang)), long=True)
    handled = set()
    for key, default in settings.items():
        if key == "option_list":
            continue
        if isinstance(default, dict) or key in ("hint", "constraint_message", "label_low",
                                                 "label_high", "subject", "prompt", "stem",
                                                 "story"):
            for lang in languages:
                fields[f"setting__{key}__{lang}"] = _text_field(
                    f"{SETTING_LABELS.get(key, key)} ({_language_name(lang)})",
                    long=key in ("story", "prompt"))
        elif key in EXPRESSION_SETTINGS:
            fields[f"setting__{key}"] = StringField(
                SETTING_LABELS[key], filters=[strip],
                validators=[Optional(), Length(max=EXPRESSION_MAX)],
                render_kw={"spellcheck": "false", "class": "code"})
        elif key in CHOICE_SETTINGS:
            # The current value is the default, so a form without the field keeps it.
            fields[f"setting__{key}"] = SelectField(SETTING_LABELS.get(key, key),
                                                    choices=CHOICE_SETTINGS[key],
                                                    default=default or "")
        elif isinstance(default, bool):
            fields[f"setting__{key}"] = BooleanField(SETTING_LABELS.get(key, key))
        elif key in NUMBER_SETTINGS:
            fields[f"setting__{key}"] = StringField(SETTING_LABELS.get(key, key), filters=[strip],
                                                    validators=[Optional(), Length(max=30)])
        elif isinstance(default, int) or default is None:
            fields[f"setting__{key}"] = IntegerField(SETTING_LABELS.get(key, key), validators=[
                Optional(), NumberRange(min=0, max=1_000_000_000)], default=default)
        else:
            continue
        handled.add(key)
    if kind.option_flags is not None and option_lists:
        fields["option_list"] = SelectField(
            _l("Options from a shared list"),
            choices=[("", _l("— this question's own options (below) —"))]
            + [(name, name) for name in option_lists],
            default=(spec.get("settings") or {}).get("option_list") or "")
    pairs = kind.name == "semantic_differential"
    for which, flags in (("options", kind.option_flags), ("rows", kind.row_flags)):
        if flags is None:
            continue
        allowed = {name for name in flags if name not in ("label_left", "label_right")}
        marks = ", ".join(f"[{name}]" for name in sorted(allowed)) or "—"
        for lang in languages:
            main = lang == main_language
            description = (_l("One per line: “code = label”, optional marks %(marks)s.",
                              marks=marks) if main else
                           _l("Labels only, one per line, in the same order."))
            if pairs and main:
                description = _l("One pair per line: “code = left | right”.")
            label = (_l("Options (%(lang)s)", lang=_language_name(lang)) if which == "options"
                     else _l("Rows / items (%(lang)s)", lang=_language_name(lang)))
            fields[f"{which}__{lang}"] = _text_field(label, description, long=True,
                                                     max_length=100_000)
    leftover = {k: v for k, v in (spec.get("settings") or {}).items()
                if k not in handled and k != "option_list"}
    fields["advanced"] = TextAreaField(_l("Further settings (JSON)"), validators=[
        Optional(), Length(max=20_000)], description=_l("Settings without a field above."),
        default=json.dumps(leftover, ensure_ascii=False) if leftover else "")
    form_class = type("QuestionForm", (FlaskForm,), fields)
    form_class.option_field_names = [n for n in fields if n.startswith(("options__", "rows__"))]
    form_class.setting_field_names = [n for n in fields if n.startswith("setting__")]
    form_class.handled_settings = handled
    form_class.languages = languages
    form_class.main_language = main_language
    form_class.kind = kind
    return form_class


def fill_question_form(form, kind, spec):
    """Show a spec in the form (GET)."""
    settings = kind.settings(spec)
    form.variable.data = spec["variable"]
    for lang in form.languages:
        form[f"text__{lang}"].data = (spec.get("text") or {}).get(lang, "")
    for key in form.handled_settings:
        value = settings.get(key)
        if f"setting__{key}" in form:
            form[f"setting__{key}"].data = "" if value is None and key in CHOICE_SETTINGS \
                else (str(value) if key in NUMBER_SETTINGS and value is not None else value)
        else:
            for lang in form.languages:
                form[f"setting__{key}__{lang}"].data = (value or {}).get(lang, "")
    pairs = kind.name == "semantic_differential"
    for which in ("options", "rows"):
        items = spec.get(which) or (kind.options(spec) if which == "options" else [])
        for lang in form.languages:
            name = f"{which}__{lang}"
            if name in form:
                form[name].data = items_to_text(items, lang, main=lang == form.main_language,
                                                pairs=pairs)


def _number(value):
    if value in (None, ""):
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return value  # a date bound (ISO text): the type checks it
    return int(number) if number.is_integer() else number


def spec_from_form(form, kind, spec):
    """The edited spec, or raise ValidationError-like errors on the form's fields.

    Returns None (and leaves messages on the fields) when the text of options,
    rows or the advanced JSON cannot be read.
    """
    new = {"variable": form.variable.data, "type": kind.name, "text": {}, "settings": {},
           "options": [], "rows": []}
    for lang in form.languages:
        if form[f"text__{lang}"].data:
            new["text"][lang] = form[f"text__{lang}"].data
    ok = True
    if form.advanced.data:
        try:
            advanced = json.loads(form.advanced.data)
            if not isinstance(advanced, dict):
                raise ValueError
        except ValueError:
            form.advanced.errors = list(form.advanced.errors) + [
                _l("Write the further settings as a JSON object, like {\"key\": 1}.")]
            ok = False
        else:
            new["settings"].update(advanced)
    for key in form.handled_settings:
        if f"setting__{key}" in form:
            value = form[f"setting__{key}"].data
            if key in CHOICE_SETTINGS and value == "":
                value = None
            elif key in NUMBER_SETTINGS:
                value = _number(value)
            new["settings"][key] = value
        else:
            texts = {lang: form[f"setting__{key}__{lang}"].data for lang in form.languages
                     if form[f"setting__{key}__{lang}"].data}
            new["settings"][key] = texts
    if "option_list" in form and form.option_list.data:
        new["settings"]["option_list"] = form.option_list.data
    pairs = kind.name == "semantic_differential"
    for which, flags in (("options", kind.option_flags), ("rows", kind.row_flags)):
        if flags is None or f"{which}__{form.main_language}" not in form:
            continue
        if which == "options" and new["settings"].get("option_list"):
            continue  # the shared list provides them
        main_field = form[f"{which}__{form.main_language}"]
        others = {lang: form[f"{which}__{lang}"].data for lang in form.languages
                  if lang != form.main_language}
        allowed = {k: v for k, v in flags.items() if k not in ("label_left", "label_right")}
        if which == "options" and _is_default_scale(form, kind, spec):
            continue  # unchanged default labels: keep following the type (5 or 7 points...)
        try:
            new[which] = text_to_items(main_field.data, others, form.main_language, allowed,
                                       pairs=pairs and which == "rows",
                                       previous=spec.get(which) or [])
        except ItemsTextError as error:
            main_field.errors = list(main_field.errors) + [error.args[0]]
            ok = False
    # Empty fields are "not set": the type's defaults apply and exports stay clean.
    new["settings"] = {key: value for key, value in new["settings"].items()
                       if value not in (None, "", {})}
    return new if ok else None


def _is_default_scale(form, kind, spec):
    """True when the options shown are the type's default labels, left as they were."""
    defaults = kind.options({**spec, "options": []})
    if not defaults:
        return False
    def lines(text):
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    for lang in form.languages:
        shown = items_to_text(defaults, lang, main=lang == form.main_language)
        if lines(form[f"options__{lang}"].data) != lines(shown):
            return False
    return True


class LibrarySaveForm(FlaskForm):
    title = StringField(_l("Name in the library"), filters=[strip], validators=[
        DataRequired(), Length(max=200), no_control_characters])
    first = SelectField(_l("From question"), coerce=int)
    last = SelectField(_l("To question"), coerce=int)

    def validate_last(self, field):
        if self.first.data is not None and field.data is not None and field.data < self.first.data:
            raise ValidationError(_l("The last question comes before the first."))


class LibraryInsertForm(FlaskForm):
    item = SelectField(_l("Block"))
    after = HiddenField()


class ImportForm(FlaskForm):
    file = FileField(_l("Questionnaire file (.json or XLSForm .xlsx)"),
                     validators=[DataRequired()])
