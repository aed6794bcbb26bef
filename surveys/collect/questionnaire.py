"""Published questionnaires as the collection flow reads them, cached per version.

A published version never changes (see ``QuestionnaireVersion``), so its definition and pages
can be kept in memory by version: a respondent's page submit then
costs no JSON parsing or page splitting.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from surveys.definition import pages as split_pages
from surveys.definition import resolved_questions
from surveys.questions import get_type
from surveys.respond.live import live_groups

CACHE_SIZE = 256


@dataclass(frozen=True)
class PublishedQuestionnaire:
    """One published version: its definition and its pages."""

    version_id: int
    definition: dict
    pages: tuple
    #: ``[(variable, {code: share})]`` of the A/B randomisers, in order.
    randomisers: tuple
    #: ``[(first, last)]`` pages merged into one page when the browser runs scripts.
    groups: tuple

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def group_of(self, page_index: int) -> tuple:
        """``(first, last, number)`` of the live page holding ``page_index``."""
        for number, (first, last) in enumerate(self.groups):
            if first <= page_index <= last:
                return first, last, number
        raise IndexError(f"page {page_index} of {self.page_count}")

    def text(self, key: str, language: str) -> str:
        """A questionnaire text (welcome, thank_you, ...) in ``language`` or the main one."""
        texts = (self.definition.get("settings") or {}).get(key) or {}
        return texts.get(language) or texts.get(self.definition.get("default_language")) or ""


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def published(version) -> PublishedQuestionnaire:
    """The cached questionnaire of a published ``QuestionnaireVersion``."""
    if version.definition is None or version.published_at is None:
        raise ValueError(f"version {version.id} is not published")
    # Keyed by the publication moment too: SQLite may give a deleted version's id to a new
    # one, and a definition cached under the old row must never answer for the new.
    key = (version.id, version.survey_id, version.published_at)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    definition = version.definition
    randomisers = tuple(
        (spec["variable"], get_type("randomizer").shares(spec))
        for spec in resolved_questions(definition) if spec.get("type") == "randomizer")
    all_pages = tuple(split_pages(definition))
    made = PublishedQuestionnaire(version.id, definition, all_pages, randomisers,
                                  tuple(live_groups(list(all_pages))))
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made
