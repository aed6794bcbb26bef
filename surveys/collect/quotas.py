"""Quota cells at collection: which cell a respondent is in, full cells, atomic counting.

Cells are conditions in the questionnaire expression language. A respondent is in the first
cell of a quota whose condition holds for their answers so far. Entry is refused (over quota)
on the page whose answers first place them in a full cell; completes are counted with
``completes = completes + 1`` in the database, so concurrent completions never lose a count.
Interviews already past the quota questions when a cell fills still complete: that is the
only overshoot, and the dashboard reports it per cell.
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import select, update

from research.extensions import db
from surveys.expressions import ExpressionError, parse
from surveys.models import Quota, QuotaCell


def active_cells(survey_id: int) -> list:
    """``[(quota id, [cells in order])]`` of the survey's active quotas."""
    rows = db.session.execute(
        select(QuotaCell).join(Quota).where(Quota.survey_id == survey_id, Quota.is_active)
        .order_by(Quota.id, QuotaCell.position, QuotaCell.id)).scalars().all()
    grouped: dict = {}
    for cell in rows:
        grouped.setdefault(cell.quota_id, []).append(cell)
    return list(grouped.items())


def cell_holds(cell, values: Mapping) -> bool:
    """Whether the respondent's expression ``values`` place them in ``cell``."""
    try:
        return parse(cell.condition).evaluate_bool(values)
    except ExpressionError:
        return False  # checked when saved; a broken cell must not end interviews


def matching_cells(grouped: list, values: Mapping) -> list:
    """The one cell per quota that the respondent falls into (quotas they fit no cell of are
    skipped: their answers do not place them yet)."""
    found = []
    for _quota_id, cells in grouped:
        cell = next((cell for cell in cells if cell_holds(cell, values)), None)
        if cell is not None:
            found.append(cell)
    return found


def count_complete(cell_ids: list, delta: int = 1) -> None:
    """Add ``delta`` to the cells' counters in the database, atomically (no read-modify-write)."""
    if not cell_ids:
        return
    statement = update(QuotaCell).where(QuotaCell.id.in_(cell_ids))
    if delta < 0:
        statement = statement.where(QuotaCell.completes >= -delta)
    db.session.execute(statement.values(completes=QuotaCell.completes + delta)
                       .execution_options(synchronize_session=False))
