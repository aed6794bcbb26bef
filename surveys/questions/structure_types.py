"""Blocks that structure the questionnaire: instruction texts, sections, the consent gate."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import labels
from .base import QuestionType
from .choice import ChoiceType, check_count
from .contract import Problem
from .registry import register
from .spec import STRUCTURE


class NothingToAnswer:
    """Mixin: the respondent answers nothing here (no fields, nothing submitted)."""

    def form_fields(self, spec, language, *, option_order=None, row_order=None, context=None):
        return []

    def field_names(self, spec):
        return []

    def answers_from_form(self, spec, form):
        return {}

    def json_rules(self, spec, required):
        return {}


class BlockType(NothingToAnswer, QuestionType):
    """A block without answers: no variables, no fields; only a display condition."""

    category = STRUCTURE
    common_settings = {'relevant': None}

    def variables(self, spec, language):
        return []


@register
class Instruction(BlockType):
    """A text shown to the respondent (or the interviewer) between questions."""

    name = 'instruction'
    label = _l('Instruction text')
    menu_order = 10


@register
class Section(BlockType):
    """Starts a new page with a title; its display condition applies to the whole section
    (every question up to the next section)."""

    name = 'section'
    label = _l('Section (page break)')
    menu_order = 20
    starts_page = True


@register
class Consent(ChoiceType):
    """A required yes/no gate: 1 = agrees, 2 = declines; declining screens the respondent out.

    The first option means "agree", the second "decline" (codes and labels may be changed).
    Expressions see ``${<variable>}`` as true() when the respondent agreed.
    """

    name = 'consent'
    label = _l('Consent')
    category = STRUCTURE
    common_settings = {'hint': {}, 'relevant': None}
    default_settings = {}
    default_options = tuple(labels.CONSENT)
    min_options = max_options = 2
    screens_out_when_declined = True
    menu_order = 30

    def check_settings(self, spec, settings, language):
        # No randomisation: "agree" is always shown first.
        return check_count(self.options(spec), 'options', 2, 2)

    def is_required(self, spec, context=None):
        return True

    def expression_type(self, spec):
        return 'boolean'

    def expression_value(self, spec, answers):
        answer = answers.get(spec['variable'])
        return None if answer is None else answer == self.options(spec)[0]['code']

    def declined(self, spec, answers) -> bool:
        """Whether the stored answers decline consent (the respondent is screened out)."""
        return answers.get(spec['variable']) == self.options(spec)[1]['code']


@register
class Randomizer(NothingToAnswer, ChoiceType):
    """An A/B (split) block: each respondent is assigned one variant, kept as a variable.

    The options are the variants. ``settings.share`` on an option sets its share in per
    cent (equal shares when no option sets one). Questions and sections of a variant show
    when ``${<variable>} = <code>`` (the builder writes those conditions), so analysis can
    compare variants by the variable. Assignment happens at collection, balanced by the
    least-filled variant against the shares.
    """

    name = 'randomizer'
    label = _l('A/B split (randomiser)')
    category = STRUCTURE
    common_settings = {}
    default_settings = {}
    option_flags = {'share': int}
    menu_order = 40

    def check_settings(self, spec, settings, language):
        problems = check_count(self.options(spec), 'options', 2, 10)
        shares = [(option.get('settings') or {}).get('share') for option in self.options(spec)]
        given = [share for share in shares if share is not None]
        whole = all(isinstance(share, int) and not isinstance(share, bool) for share in given)
        if given and (not whole or len(given) != len(shares) or sum(given) != 100
                      or any(share <= 0 for share in given)):
            problems.append(Problem(
                _('Give every variant a positive share, adding up to 100 %, or give none '
                  'for equal shares.'), 'options', 'shares_invalid'))
        return problems

    def shares(self, spec) -> dict:
        """``{code: share}`` in per cent; equal shares when none are set."""
        options = self.options(spec)
        given = {o['code']: (o.get('settings') or {}).get('share') for o in options}
        if all(share is not None for share in given.values()):
            return given
        return {code: 100 / len(options) for code in given}
