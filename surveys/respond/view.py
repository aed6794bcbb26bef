"""What the respondent templates render: one view per item, with its shape, texts and fields.

The templates do no computation: ids, ``aria-describedby`` lists, piped labels and the macro to
use (the *shape*) are decided here. Shapes: ``text`` (one labelled input, textarea or select),
``sentence``, ``choices`` (radio buttons or checkboxes), ``scale`` (rating, NPS), ``differential``,
``grid``, ``items`` (ranking selects, constant-sum inputs), ``associations`` and ``instruction``.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field

from flask_babel import gettext as _
from wtforms import DecimalField, IntegerField
from wtforms.widgets import CheckboxInput, ListWidget

from surveys.questions import type_of
from surveys.questions.choice import other_name, other_option
from surveys.questions.fields import ScaleField
from surveys.questions.spec import item_flag, localized

#: The shape of each type (types not listed are rendered by the shape of their fields).
SHAPES = {
    'short_text': 'text', 'long_text': 'text', 'own_words': 'text', 'story_completion': 'text',
    'email': 'text', 'numeric': 'text', 'date': 'text', 'sentence_completion': 'sentence',
    'single_choice': 'choices', 'dichotomous': 'choices', 'likert': 'choices',
    'importance': 'choices', 'consent': 'choices', 'multiple_choice': 'choices',
    'rating': 'scale', 'nps': 'scale', 'semantic_differential': 'differential', 'grid': 'grid',
    'ranking': 'items', 'constant_sum': 'items', 'word_association': 'associations',
    'instruction': 'instruction',
}


@dataclass
class OptionView:
    """One radio button or checkbox."""

    input: object  # the WTForms option subfield; call it to render the <input>
    label: str
    attrs: dict
    number: str = ''  # scales: the point's number ...
    end: str = ''  # ... and its end label, if it is an end point
    exclusive: bool = False
    other: 'FieldView | None' = None  # the "please specify" input that goes with this option


@dataclass
class FieldView:
    """One form field: a single input, or a group of options."""

    field: object
    label: str
    attrs: dict  # for rendering the input (single inputs) ...
    options: list = dataclass_field(default_factory=list)  # ... or its options
    errors: list = dataclass_field(default_factory=list)
    checkbox: bool = False
    low: str = ''  # end labels (scales, semantic differential)
    high: str = ''

    @property
    def id(self):
        return self.field.id


@dataclass
class ItemView:
    """One question or text block of the page."""

    variable: str
    shape: str
    text: str
    hint: str = ''
    required: bool = False
    errors: list = dataclass_field(default_factory=list)
    fields: list = dataclass_field(default_factory=list)
    groups: list = dataclass_field(default_factory=list)  # associations: [(word, [FieldView])]
    note: str = ''  # a standing instruction (constant-sum total, ranking)
    lead: str = ''  # text to read before answering (the beginning of a story)
    columns: list = dataclass_field(default_factory=list)  # grid column labels
    #: On a live page: the display condition the browser re-evaluates, and whether the item
    #: starts hidden (see ``surveys.respond.live``).
    relevant: str = ''
    hidden: bool = False

    @property
    def lead_id(self):
        return f'{self.variable}-lead' if self.lead else ''

    @property
    def hint_id(self):
        return f'{self.variable}-hint' if self.hint or self.note else ''

    @property
    def error_id(self):
        return f'{self.variable}-error' if self.errors else ''

    @property
    def described_by(self):
        return ' '.join(part for part in (self.lead_id, self.hint_id, self.error_id) if part)


def _attrs(item: ItemView, field, *, describe: bool, invalid: bool) -> dict:
    attrs = {}
    if describe and item.described_by:
        attrs['aria-describedby'] = item.described_by
    if invalid:
        attrs['aria-invalid'] = 'true'
    if isinstance(field, (IntegerField, DecimalField)):  # text: accepts "12 500" and "2,5"
        attrs.update(type='text', inputmode='decimal' if isinstance(field, DecimalField)
                     else 'numeric', min=False, max=False, step=False, autocomplete='off')
    return attrs


def _field_view(item, field, *, describe, group_invalid) -> FieldView:
    invalid = bool(field.errors) or group_invalid
    view = FieldView(field, str(field.label.text), {}, errors=list(field.errors))
    if isinstance(field.widget, ListWidget):
        view.checkbox = isinstance(field.option_widget, CheckboxInput)
        option_attrs = {'aria-invalid': 'true'} if invalid else {}
        for option in field:
            view.options.append(OptionView(option, str(option.label.text), dict(option_attrs)))
        if isinstance(field, ScaleField):
            view.low, view.high = field.low_label, field.high_label
            for index, option in enumerate(view.options):
                option.number = str(option.input.data)
                if index == 0:
                    option.end = field.low_label
                elif index == len(view.options) - 1:
                    option.end = field.high_label
    else:
        view.attrs = _attrs(item, field, describe=describe, invalid=invalid)
    return view


def _shape(kind, spec, fields) -> str:
    shape = SHAPES.get(kind.name)
    if shape == 'choices' and fields and not isinstance(fields[0].widget, ListWidget):
        return 'text'  # a dropdown
    if shape is None:
        if len(fields) == 1:
            return 'choices' if isinstance(fields[0].widget, ListWidget) else 'text'
        return 'items'
    return shape


def _option_flags(spec, kind, view: FieldView, form, item, group_invalid):
    """Mark exclusive options and attach the "other, please specify" input to its option."""
    by_code = {option['code']: option for option in kind.options(spec)}
    other = other_option(kind.options(spec))
    for option in view.options:
        source = by_code.get(option.input.data, {})
        option.exclusive = item_flag(source, 'exclusive')
        if (other is not None and source.get('code') == other['code']
                and other_name(spec) in form):
            other_field = form[other_name(spec)]
            other_view = _field_view(item, other_field, describe=False,
                                     group_invalid=group_invalid)
            other_view.label = _('%(option)s, please specify', option=option.label)
            option.other = other_view


def item_view(spec, built, language, values, errors) -> ItemView:
    """The view of one visible item; ``errors`` are its messages from validation."""
    kind = type_of(spec)
    form = built.form
    fields = [form[name] for name in built.fields.get(spec['variable'], [])]
    shape = _shape(kind, spec, fields)
    text = kind.question_text(spec, language)
    item = ItemView(spec['variable'], shape, text, errors=list(errors or []),
                    required=bool(fields) and kind.is_required(spec, values))
    if shape == 'instruction':
        return item
    settings = kind.settings(spec)
    if kind.name == 'story_completion':
        item.lead, item.hint = localized(settings.get('story'), language), kind.hint(spec, language)
    elif shape == 'text' and fields:
        item.hint = str(fields[0].description or '')  # with the prompt of "own words"
    else:
        item.hint = kind.hint(spec, language)
    if kind.name == 'constant_sum':
        item.note = _('The amounts must add up to %(total)s.', total=settings['total'])
    elif kind.name == 'ranking':
        item.note = _('Rank 1 is the first place; each rank can be given only once.')
    group_invalid = bool(item.errors) and not any(f.errors for f in fields)
    single = shape in ('text', 'sentence')
    skip = {other_name(spec)} if shape == 'choices' else set()
    for index, field in enumerate(fields):
        if field.name in skip:
            continue
        # A single input shows every error of its question; others only their own and the
        # question's cross-field ones.
        whole = bool(item.errors) if single and index == 0 else group_invalid
        item.fields.append(_field_view(item, field, describe=single, group_invalid=whole))
    if shape == 'choices' and item.fields:
        _option_flags(spec, kind, item.fields[0], form, item, group_invalid)
    other = other_option(kind.options(spec)) if kind.option_flags else None
    if shape == 'text' and other is not None:  # a dropdown with "other, please specify"
        for view in item.fields[1:]:
            view.label = _('%(option)s, please specify',
                           option=localized(other.get('label'), language))
    if shape == 'grid' and item.fields:
        item.columns = [option.label for option in item.fields[0].options]
        exclusive = {option['code'] for option in kind.options(spec)
                     if item_flag(option, 'exclusive')}
        for row in item.fields:
            for option in row.options:
                option.exclusive = option.input.data in exclusive
    if shape == 'associations':
        item.groups = _association_groups(spec, kind, item.fields, language)
    return item


def _association_groups(spec, kind, field_views, language) -> list:
    """``[(stimulus word, [FieldView])]`` in display order."""
    word_of = {name: kind.stimulus(row, language)
               for row in kind.rows(spec) for name in kind.names(spec, row)}
    groups = []
    for view in field_views:
        word = word_of.get(view.field.name, '')
        if groups and groups[-1][0] == word:
            groups[-1][1].append(view)
        else:
            groups.append((word, [view]))
    return groups
