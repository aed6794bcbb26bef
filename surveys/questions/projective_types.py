"""Projective techniques: word association, sentence completion, story completion."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from . import checks
from .base import QuestionType
from .choice import check_count, ordered
from .contract import Problem, Variable
from .fields import TEXT_FILTERS, text_validators
from .open_types import TextType
from .registry import register
from .rules import TextRule
from .spec import OPEN, TEXT_MAX, join_label, localized

#: How the blank is marked in a sentence-completion stem.
BLANK = '___'


@register
class WordAssociation(QuestionType):
    """Stimulus words (the rows); the respondent writes ``associations`` words for each.

    ``Q12_s<stimulus code>_a<k>`` holds the k-th association to a stimulus, in the order given.
    """

    name = 'word_association'
    label = _l('Word association')
    category = OPEN
    default_settings = {'associations': 3, 'max_length': 100, 'randomize_rows': None}
    row_flags = {'anchored': bool}
    menu_order = 90

    def check_settings(self, spec, settings, language):
        return (checks.check_int(settings, 'associations', 1, 10)
                + checks.check_int(settings, 'max_length', 1, 1000)
                + checks.check_randomize(settings, 'randomize_rows')
                + check_count(self.rows(spec), 'rows', 1))

    def names(self, spec, row) -> list:
        count = self.settings(spec)['associations']
        return [f"{spec['variable']}_s{row['code']}_a{index}" for index in range(1, count + 1)]

    def stimulus(self, row, language) -> str:
        return localized(row.get('label'), language)

    def variables(self, spec, language):
        question = self.question_text(spec, language)
        return [Variable(name, join_label(question, f'{self.stimulus(row, language)} ({index})'),
                         'string', 'nominal', {}, spec['variable'], 'association')
                for row in self.rows(spec)
                for index, name in enumerate(self.names(spec, row), start=1)]

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        max_length = self.settings(spec)['max_length']
        fields = []
        for row in ordered(self.rows(spec), row_order, 'row'):
            word = self.stimulus(row, language)
            for index, name in enumerate(self.names(spec, row), start=1):
                label = _('%(word)s: association %(number)s', word=word, number=index)
                fields.append((name, StringField(label, filters=TEXT_FILTERS,
                                                 validators=text_validators(False, max_length))))
        return fields

    def answers_from_form(self, spec, form):
        return {name: form[name].data or None for name in self.field_names(spec)}

    def json_rules(self, spec, required):
        max_length = self.settings(spec)['max_length']
        return {name: TextRule(max_length) for name in self.field_names(spec)}

    def group_errors(self, spec, answers, required, language):
        if not required:
            return []
        missing = [self.stimulus(row, language) for row in self.rows(spec)
                   if not any(answers.get(name) for name in self.names(spec, row))]
        if missing:
            return [_('Please write at least one association for: %(words)s.',
                      words=', '.join(missing))]
        return []


@register
class StoryCompletion(TextType):
    """The beginning of a story (``settings.story``) that the respondent continues."""

    name = 'story_completion'
    label = _l('Story completion')
    default_settings = {'max_length': TEXT_MAX, 'story': {}}
    menu_order = 50

    def check_settings(self, spec, settings, language):
        return super().check_settings(spec, settings, language) + checks.check_language_text(
            settings.get('story'), 'settings.story', language, _('The beginning of the story'))

    def description(self, spec, language):
        parts = (localized(self.settings(spec).get('story'), language), self.hint(spec, language))
        return '\n'.join(part for part in parts if part)


@register
class SentenceCompletion(TextType):
    """An unfinished sentence (``settings.stem``, the blank marked ``___``) to complete."""

    name = 'sentence_completion'
    label = _l('Sentence completion')
    default_settings = {'max_length': 500, 'stem': {}}
    multiline = False
    menu_order = 40

    def check_settings(self, spec, settings, language):
        problems = super().check_settings(spec, settings, language)
        stem = settings.get('stem')
        problems += checks.check_language_text(stem, 'settings.stem', language,
                                               _('The sentence to complete'))
        if problems:
            return problems
        for code, text in stem.items():
            if text and text.count(BLANK) != 1:
                problems.append(Problem(
                    _('The sentence to complete (%(language)s) must mark the blank with exactly '
                      'one "___" (it has %(count)s).', language=code, count=text.count(BLANK)),
                    'settings.stem', 'stem_blank'))
        return problems

    def stem(self, spec, language) -> str:
        return localized(self.settings(spec).get('stem'), language)

    def field_label(self, spec, language):
        return self.stem(spec, language)

    def variable_label(self, spec, language):
        question, stem = self.question_text(spec, language), self.stem(spec, language)
        return f'{question}: {stem}' if question and stem else question or stem
