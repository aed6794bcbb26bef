"""Published questionnaires as the collection flow reads them, cached per version.

A published version never changes (see ``QuestionnaireVersion``), so everything derived from
its definition alone (resolved specs, pages, live groups, randomisers, display formatters; see
:mod:`surveys.respond.prepared`) is kept in memory by version: a respondent's page then costs
no JSON parsing, copying or page splitting. The cached questionnaire is frozen, because every
request and thread of the process shares it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from surveys.questions import get_type
from surveys.respond.live import live_groups
from surveys.respond.prepared import PreparedQuestionnaire, prepared_parts

CACHE_SIZE = 256


@dataclass(frozen=True, eq=False, kw_only=True)
class PublishedQuestionnaire(PreparedQuestionnaire):
    """One published version: its prepared definition (specs, pages), randomisers, live groups."""

    version_id: int
    #: ``[(variable, {code: share})]`` of the A/B randomisers, in order.
    randomisers: tuple
    #: ``[(first, last)]`` pages merged into one page when the browser runs scripts.
    groups: tuple

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
    if version.published_at is None:
        raise ValueError(f"version {version.id} is not published")
    # Keyed by the publication moment too: SQLite may give a deleted version's id to a new
    # one, and a definition cached under the old row must never answer for the new.
    key = (version.id, version.survey_id, version.published_at)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    # Read only on a miss: the definition is a large column, loaded on first access.
    if version.definition is None:
        raise ValueError(f"version {version.id} is not published")
    parts = prepared_parts(version.definition)
    randomisers = tuple(
        (spec["variable"], get_type("randomizer").shares(spec))
        for spec in parts["specs"] if spec.get("type") == "randomizer")
    made = PublishedQuestionnaire(version_id=version.id, randomisers=randomisers,
                                  groups=tuple(live_groups(list(parts["pages"]))), **parts)
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made
