"""Respondent pages composed per request from a questionnaire definition.

No blueprint here: the builder's preview and the collection views call these functions and
render ``templates/respond/page.html``. ``docs/respondent-pages.md`` describes the page.
"""

from .page import (ACTION_BACK, ACTION_NEXT, BuiltForm, PageValidation, answers_from_page,
                   build_page_form, expression_context, focus_id, is_relevant, page_is_visible,
                   page_progress, skipped_answers, submitted_action, validate_page,
                   visible_items)
from .outcome import screen_out_cause
from .piping import display_formatter, pipe_spec
from .render import RespondentPage, render_respondent_page, respondent_page

__all__ = [
    'ACTION_BACK', 'ACTION_NEXT', 'BuiltForm', 'PageValidation', 'RespondentPage',
    'answers_from_page', 'build_page_form', 'display_formatter', 'expression_context',
    'focus_id', 'is_relevant', 'page_is_visible', 'page_progress', 'pipe_spec',
    'render_respondent_page', 'respondent_page', 'screen_out_cause', 'skipped_answers', 'submitted_action',
    'validate_page', 'visible_items',
]
