"""How an interview ends early: screen-out by a declined consent or a screen-out condition."""
from __future__ import annotations

from typing import Mapping

from surveys.definition import resolved_questions
from surveys.expressions import ExpressionError, parse
from surveys.questions import type_of

from .page import expression_context


def screen_out_cause(definition, answers: Mapping, *, specs=None,
                     values: Mapping | None = None) -> str | None:
    """The variable whose answer screens the respondent out, or None.

    A consent question screens out when declined; any answered question screens
    out when its ``settings.screen_out`` condition is true (e.g. ``${AGE} < 18``).
    ``specs`` are the definition's resolved questions and ``values`` the
    :func:`.page.expression_context` of ``answers``, when already at hand.
    """
    if specs is None:
        specs = resolved_questions(definition)
    if values is None:
        values = expression_context(definition, answers, specs=specs)
    for spec in specs:
        kind = type_of(spec)
        answered = any(answers.get(name) is not None for name in kind.variable_names(spec))
        if not answered:
            continue
        if kind.screens_out_when_declined and kind.declined(spec, answers):
            return spec["variable"]
        condition = (spec.get("settings") or {}).get("screen_out")
        if condition:
            try:
                if parse(condition).evaluate_bool(values):
                    return spec["variable"]
            except ExpressionError:
                continue  # checked when saved; a broken condition must not end interviews
    return None
