"""A questionnaire prepared for respondent pages: what its definition alone decides, derived once.

Every respondent page reads the resolved question specs (shared option lists filled in), the
pages and, when answers are piped, the display labels of coded answers. Deriving them again on
each request cost more than the rest of the page (copying and re-reading every question).
A published version never changes, so :mod:`surveys.collect.questionnaire` prepares it once per
process and passes it to :func:`.render.respondent_page`, :func:`.page.expression_context`
and :func:`.outcome.screen_out_cause`; the builder's preview, whose draft changes, passes the
bare definition and everything is derived per call.

A prepared questionnaire is shared by every request and thread, so it is frozen
(:func:`surveys.questions.spec.freeze_json`): a caller that changed a spec would change other
respondents' pages; instead it gets a ``TypeError``. Frozen specs also remember what the
question types derive from them (:func:`surveys.questions.spec.remembered`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from surveys.definition import Page, pages, resolved_questions
from surveys.questions.spec import FrozenList, freeze_json

from .piping import display_formatter


@dataclass(frozen=True, eq=False, kw_only=True)
class PreparedQuestionnaire:
    """A frozen definition with its resolved specs and pages."""

    #: The definition (frozen).
    definition: dict
    #: :func:`surveys.definition.resolved_questions`, frozen, in order.
    specs: tuple
    #: :func:`surveys.definition.pages`, made of the same spec objects as ``specs``.
    pages: tuple
    #: ``{language: formatter}``, filled on first use (one per questionnaire language at most).
    _formatters: dict = field(default_factory=dict, repr=False)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def formatter(self, language: str) -> Callable:
        """:func:`.piping.display_formatter` for ``language`` (kept for the questionnaire's
        languages; two threads may build the same one, either is kept)."""
        found = self._formatters.get(language)
        if found is None:
            found = display_formatter(self.definition, language, specs=self.specs)
            if language in (self.definition.get('languages') or ()):
                self._formatters[language] = found
        return found


def prepared_parts(definition) -> dict:
    """The fields of a :class:`PreparedQuestionnaire` of ``definition`` (for subclasses)."""
    frozen = freeze_json(definition)
    specs = tuple(freeze_json(spec) for spec in resolved_questions(frozen))
    split = tuple(Page(page.section, FrozenList(page.questions))
                  for page in pages(frozen, specs=specs))
    return {'definition': frozen, 'specs': specs, 'pages': split}


def prepare(definition) -> PreparedQuestionnaire:
    """``definition`` prepared for respondent pages (a frozen copy; the input is kept)."""
    return PreparedQuestionnaire(**prepared_parts(definition))
