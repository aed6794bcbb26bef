"""Figures of the live fieldwork dashboard (formulas in docs/fieldwork.md).

Counts are GROUP BY queries; no answers are loaded. The median duration is computed with the
standard library from two timestamps per valid complete (SQLite has no median aggregate, and
one code path serves both databases). Read-only: nothing here flushes.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from research.extensions import db
from research.models.vocabulary import CHANNELS, RESPONSE_STATUSES
from surveys.fieldwork.quality import median_duration
from surveys.fieldwork.quotas import over_quota_counts
from surveys.models import Quota, Response

#: Statuses ended by the questionnaire itself, not by the respondent: left out of the
#: completion rate's denominator.
ENDED_BY_QUESTIONNAIRE = ("screened_out", "over_quota")


@dataclass(frozen=True)
class StatusCount:
    """Interviews of one status, valid and marked invalid."""

    status: str
    valid: int
    invalid: int

    @property
    def total(self) -> int:
        return self.valid + self.invalid


@dataclass(frozen=True)
class CellFigures:
    """One quota cell on the dashboard."""

    label: str
    target: int
    completes: int
    overshoot: int
    over_quota: int

    @property
    def fill(self) -> float | None:
        """Completes ÷ target (None for a target of 0)."""
        return self.completes / self.target if self.target else None


@dataclass(frozen=True)
class QuotaFigures:
    name: str
    is_active: bool
    cells: list


@dataclass
class Dashboard:
    """Everything the dashboard shows; see docs/fieldwork.md for the formulas."""

    statuses: list = field(default_factory=list)
    completes_by_channel: list = field(default_factory=list)
    completes_by_day: list = field(default_factory=list)
    quotas: list = field(default_factory=list)
    median_seconds: float | None = None

    def count(self, status: str, *, valid_only: bool = False) -> int:
        for row in self.statuses:
            if row.status == status:
                return row.valid if valid_only else row.total
        return 0

    @property
    def started(self) -> int:
        """Interviews started (every status, valid or not)."""
        return sum(row.total for row in self.statuses)

    @property
    def valid_completes(self) -> int:
        return self.count("complete", valid_only=True)

    @property
    def marked_invalid(self) -> int:
        return sum(row.invalid for row in self.statuses)

    @property
    def completion_rate(self) -> float | None:
        """Completes ÷ (completes + in progress + abandoned); None when nobody qualified."""
        completes = self.count("complete")
        denominator = completes + self.count("in_progress") + self.count("abandoned")
        return completes / denominator if denominator else None

    @property
    def incidence(self) -> float | None:
        """(Completes + over quota) ÷ (completes + over quota + screened out)."""
        qualified = self.count("complete") + self.count("over_quota")
        denominator = qualified + self.count("screened_out")
        return qualified / denominator if denominator else None


def status_counts(survey_id: int) -> list:
    """:class:`StatusCount` for every status (zeros included), in vocabulary order."""
    rows = db.session.execute(
        select(Response.status, Response.is_invalid, func.count(Response.id))
        .where(Response.survey_id == survey_id)
        .group_by(Response.status, Response.is_invalid)).all()
    found = Counter()
    for status, invalid, count in rows:
        found[(status, bool(invalid))] += count
    return [StatusCount(status, found[(status, False)], found[(status, True)])
            for status in RESPONSE_STATUSES]


def completes_by_channel(survey_id: int) -> list:
    """``[(channel, valid completes)]`` of the channels that have any, vocabulary order."""
    rows = dict(db.session.execute(
        select(Response.channel, func.count(Response.id))
        .where(Response.survey_id == survey_id, Response.status == "complete",
               Response.is_invalid.is_(False))
        .group_by(Response.channel)).all())
    return [(channel, rows[channel]) for channel in CHANNELS if rows.get(channel)]


def valid_complete_times(survey_id: int) -> list:
    """``[(started_at, completed_at)]`` of the valid completes (two columns, no answers)."""
    return db.session.execute(
        select(Response.started_at, Response.completed_at)
        .where(Response.survey_id == survey_id, Response.status == "complete",
               Response.is_invalid.is_(False), Response.completed_at.is_not(None))).all()


def valid_complete_durations(survey_id: int) -> list:
    """Durations in seconds of the valid completes (end minus start)."""
    return [(end - start).total_seconds() for start, end in valid_complete_times(survey_id)]


def per_day(times: list) -> list:
    """``[(UTC date, completes)]`` in date order from ``(started, completed)`` pairs."""
    days: Counter = Counter(end.date() for _start, end in times)
    return sorted(days.items())


def quota_figures(survey_id: int) -> list:
    """:class:`QuotaFigures` of every quota of the survey, cells in their order."""
    over = over_quota_counts(survey_id)
    found = db.session.scalars(
        select(Quota).where(Quota.survey_id == survey_id).order_by(Quota.id)
        .options(selectinload(Quota.cells))).all()
    return [QuotaFigures(quota.name, quota.is_active,
                         [CellFigures(cell.label, cell.target, cell.completes, cell.overshoot,
                                      over.get(cell.id, 0)) for cell in quota.cells])
            for quota in found]


def build_dashboard(survey) -> Dashboard:
    """The dashboard figures of ``survey`` as stored now (sweep abandonment first)."""
    times = valid_complete_times(survey.id)
    return Dashboard(
        statuses=status_counts(survey.id),
        completes_by_channel=completes_by_channel(survey.id),
        completes_by_day=per_day(times),
        quotas=quota_figures(survey.id),
        median_seconds=median_duration((end - start).total_seconds() for start, end in times))


def duration_text(seconds: float | None) -> str:
    """``m:ss`` or ``h:mm:ss`` (rounded to the second); an em dash when unknown."""
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

