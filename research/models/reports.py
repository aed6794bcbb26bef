"""Analysis definitions kept with a survey: weighting schemes and saved banner tables.

Both are definitions, not results: they are re-run on the survey's current data whenever they
are used, so a table saved during fieldwork shows today's responses when opened again.
"""
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from research.extensions import db
from research.models.types import JSONDocument, TimestampMixin

WEIGHT_METHODS = ("rim", "cell")


class WeightScheme(TimestampMixin, db.Model):
    """A named weight variable of a survey and how to compute it (rim or cell targets)."""

    __tablename__ = "weight_scheme"
    __table_args__ = (
        UniqueConstraint("survey_id", "name"),
        CheckConstraint("method IN ('rim', 'cell')", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    #: The weight variable's name in the dataset (a variable name, e.g. ``weight_census``).
    name: Mapped[str] = mapped_column(String(32))
    #: What the weight is for, as the researcher writes it.
    label: Mapped[str] = mapped_column(String(200), default="")
    #: ``rim`` (raking to margins) or ``cell`` (targets per combination of codes).
    method: Mapped[str] = mapped_column(String(10), default="rim")
    #: ``{"targets": {variable: {code: target}}, "unit": "percent"|"count", "tolerance",
    #: "max_iterations", "cap": [low, high] | null}``; cell targets are
    #: ``{"variables": [...], "cells": [[[code, ...], target], ...]}``.
    settings = mapped_column(JSONDocument, nullable=False, default=dict)
    #: The report of the latest run (iterations, convergence, efficiency, margins).
    report = mapped_column(JSONDocument)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))


class SavedTable(TimestampMixin, db.Model):
    """A banner-table definition saved under a name, re-run on current data when opened."""

    __tablename__ = "saved_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ``{"rows": [...], "banner": [...], "weight", "filter", "preset", "alphas",
    #: "statistics", "min_base"}`` — what the table builder's form holds.
    spec = mapped_column(JSONDocument, nullable=False, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
