"""Rating scales: Likert, importance, numeric rating, NPS and the semantic differential."""

from __future__ import annotations

import copy

from abc import abstractmethod

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import checks, labels
from .base import QuestionType
from .choice import LabelledScaleType, check_count, ordered
from .contract import Problem, Variable
from .fields import ScaleField, presence
from .registry import register
from .rules import CodeRule
from .single import SingleValueType
from .spec import CLOSED, item_list, item_settings, join_label, localized


def scale_choices(values, low: str, high: str) -> list:
    """Radio choices for numeric points; the end labels are read out with the end points."""
    values = list(values)
    choices = [(value, str(value)) for value in values]
    if low:
        choices[0] = (values[0], f'{values[0]} – {low}')
    if high:
        choices[-1] = (values[-1], f'{values[-1]} – {high}')
    return choices


@register
class Likert(LabelledScaleType):
    """Agreement on 5 or 7 points; 1 = strongly disagree ... 5 (7) = strongly agree."""

    name = 'likert'
    label = _l('Likert scale (agreement)')
    default_settings = {'randomize': None, 'points': 5}
    default_options = tuple(labels.LIKERT_5)
    menu_order = 40

    def points(self, settings):
        return settings.get('points')

    def check_settings(self, spec, settings, language):
        problems = checks.check_choice(settings, 'points', (5, 7))
        return problems or super().check_settings(spec, settings, language)

    def options(self, spec):
        """The spec's options, or the default agree–disagree labels for ``points``."""
        points = self.settings(spec).get('points')
        return item_list(spec, 'options') or copy.deepcopy(labels.LIKERT.get(points, []))


@register
class Importance(LabelledScaleType):
    """Importance on 5 points; 1 = not at all important ... 5 = extremely important."""

    name = 'importance'
    label = _l('Importance scale')
    default_options = tuple(labels.IMPORTANCE_5)
    menu_order = 50


class NumericScaleType(SingleValueType):
    """Points ``first``..``last`` as radio buttons with labelled ends; stored as the number."""

    category = CLOSED
    kind = 'numeric'
    measure = 'ordinal'

    def expression_type(self, spec):
        return 'number'

    @abstractmethod
    def bounds(self, spec) -> tuple:
        """``(lowest, highest)`` point of the scale."""

    def end_labels(self, spec, language) -> tuple:
        settings = self.settings(spec)
        return (localized(settings.get('label_low'), language),
                localized(settings.get('label_high'), language))

    def value_labels(self, spec, language):
        first, last = self.bounds(spec)
        low, high = self.end_labels(spec, language)
        return {code: text for code, text in ((first, low), (last, high)) if text}

    def check_end_labels(self, settings, language):
        return (checks.check_language_text(settings.get('label_low'), 'settings.label_low',
                                           language, _('The low-end label'), required=False)
                + checks.check_language_text(settings.get('label_high'), 'settings.label_high',
                                             language, _('The high-end label'), required=False))

    def make_field(self, spec, language, required, option_order):
        first, last = self.bounds(spec)
        low, high = self.end_labels(spec, language)
        return ScaleField(self.question_text(spec, language),
                          choices=scale_choices(range(first, last + 1), low, high), coerce=int,
                          validators=[presence(required)], low_label=low, high_label=high,
                          description=self.description(spec, language))

    def rule(self, spec, required):
        first, last = self.bounds(spec)
        return CodeRule(range(first, last + 1), required=required)


@register
class Rating(NumericScaleType):
    """A rating from 1 to ``points`` (3–11) with optional end labels."""

    name = 'rating'
    label = _l('Rating scale')
    default_settings = {'points': 5, 'label_low': {}, 'label_high': {}}
    menu_order = 60

    def bounds(self, spec):
        return 1, self.settings(spec)['points']

    def check_settings(self, spec, settings, language):
        return checks.check_int(settings, 'points', 3, 11) + self.check_end_labels(settings,
                                                                                    language)


@register
class NetPromoterScore(NumericScaleType):
    """Likelihood to recommend, 0–10; the standard wording unless the question text is set."""

    name = 'nps'
    label = _l('Net Promoter Score (NPS)')
    default_settings = {'subject': {}, 'label_low': labels.NPS_LOW,
                        'label_high': labels.NPS_HIGH}
    menu_order = 70

    def bounds(self, spec):
        return 0, 10

    def wording(self, spec, language) -> str:
        """The question text, or the standard wording in ``language`` (None if it has none)."""
        return localized(spec.get('text'), language, fallback=False) or labels.NPS_WORDING.get(
            language, '')

    def question_text(self, spec, language):
        text = self.wording(spec, language) or localized(spec.get('text'), language)
        subject = localized(self.settings(spec).get('subject'), language)
        return text.replace('{brand}', subject) if subject else text

    def check_text(self, spec, language):
        problems = super().check_text(spec, language)
        standard = problems and problems[0].code == 'text_missing' and self.wording(spec, language)
        if problems and not standard:
            return problems
        settings = spec.get('settings') if isinstance(spec.get('settings'), dict) else {}
        subject = settings.get('subject')
        if '{brand}' in self.wording(spec, language) and not localized(
                subject, language, fallback=False):
            return [Problem(_('The NPS wording names {brand}: set the subject (what is '
                              'recommended) in the main language (%(language)s).',
                              language=language), 'settings.subject', 'nps_subject_missing')]
        return []

    def check_settings(self, spec, settings, language):
        return checks.check_language_text(settings.get('subject'), 'settings.subject', language,
                                          _('The subject'), required=False) + self.check_end_labels(
            settings, language)

    def new_spec(self, variable):
        return {**super().new_spec(variable), 'text': dict(labels.NPS_WORDING)}


@register
class SemanticDifferential(QuestionType):
    """Bipolar pairs (rows with ``label_left``/``label_right``) rated on 5 or 7 points."""

    name = 'semantic_differential'
    label = _l('Semantic differential')
    category = CLOSED
    default_settings = {'points': 7, 'randomize_rows': None}
    row_flags = {'anchored': bool, 'label_left': dict, 'label_right': dict}
    menu_order = 80

    def labels_required(self, key):
        return False  # a pair is named by its two ends

    def check_settings(self, spec, settings, language):
        problems = (checks.check_choice(settings, 'points', (5, 7))
                    + checks.check_randomize(settings, 'randomize_rows')
                    + check_count(self.rows(spec), 'rows', 1))
        for index, row in enumerate(self.rows(spec)):
            position = index + 1
            for side, what in (
                    ('label_left', _('Pair %(position)s: the left end', position=position)),
                    ('label_right', _('Pair %(position)s: the right end', position=position))):
                problems += checks.check_language_text(
                    item_settings(row).get(side), f'rows[{index}].settings.{side}', language, what)
        return problems

    def ends(self, row, language) -> tuple:
        settings = item_settings(row)
        return (localized(settings.get('label_left'), language),
                localized(settings.get('label_right'), language))

    def pair_name(self, spec, row) -> str:
        return f"{spec['variable']}_{row['code']}"

    def pair_label(self, row, language) -> str:
        return localized(row.get('label'), language) or ' – '.join(self.ends(row, language))

    def variables(self, spec, language):
        points, question = self.settings(spec)['points'], self.question_text(spec, language)
        result = []
        for row in self.rows(spec):
            left, right = self.ends(row, language)
            result.append(Variable(self.pair_name(spec, row),
                                   join_label(question, self.pair_label(row, language)),
                                   'numeric', 'ordinal', {1: left, points: right},
                                   spec['variable'], 'pair'))
        return result

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        points = self.settings(spec)['points']
        fields = []
        for row in ordered(self.rows(spec), row_order, 'row'):
            left, right = self.ends(row, language)
            fields.append((self.pair_name(spec, row), ScaleField(
                self.pair_label(row, language), choices=scale_choices(range(1, points + 1), left,
                                                                      right),
                coerce=int, validators=[presence(False)], low_label=left, high_label=right)))
        return fields

    def answers_from_form(self, spec, form):
        return {name: form[name].data for name in self.field_names(spec)}

    def json_rules(self, spec, required):
        points = range(1, self.settings(spec)['points'] + 1)
        return {name: CodeRule(points) for name in self.field_names(spec)}

    def group_errors(self, spec, answers, required, language):
        missing = [self.pair_label(row, language) for row in self.rows(spec)
                   if answers.get(self.pair_name(spec, row)) is None]
        if required and missing:
            return [rows_missing(missing)]
        return []


def rows_missing(row_labels: list) -> str:
    """'Please answer every row; not answered: A, B.'"""
    return _('Please answer every row; not answered: %(rows)s.', rows=', '.join(row_labels))

