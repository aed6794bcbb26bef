"""Filters and subgroups written in the questionnaire's expression language.

``${CITY} = 1 and selected(${AWARE}, '2')`` means in analysis exactly what it means in the
questionnaire: the expression is evaluated by the same evaluator, on the same values
(multiple choices as lists of codes, grids by row variable). Evaluating it once per respondent
would take minutes on a million rows, so it is evaluated once per distinct combination of the
columns it reads — a handful for codes, at most a few hundred for an age — and the results are
spread back to the rows.
"""
from __future__ import annotations

import math

import numpy as np
from flask_babel import gettext as _

from analysis.dataset import Dataset
from analysis.errors import AnalysisError
from research.reports.datasets import CHANNEL_CODES
from surveys.definition import resolved_questions
from surveys.expressions import ExpressionError, validate
from surveys.questions import type_of

#: Builder key columns that filters may name, with their expression types.
#: ``channel`` reads as its name (``${channel} = 'phone'``), though the dataset codes it.
KEY_TYPES = {"channel": "text", "version": "number", "language": "text",
             "duration_minutes": "number", "completed_on": "date"}
CHANNEL_NAMES = {code: name for name, code in CHANNEL_CODES.items()}


class FilterError(AnalysisError):
    """A filter that does not parse, names unknown variables or selects nobody."""


def question_specs(versions) -> dict:
    """``{question variable: spec}`` over all published versions (the newest spec wins)."""
    specs = {}
    for version in versions:  # oldest first, so newer versions overwrite
        for spec in resolved_questions(version.definition or {}):
            specs[spec["variable"]] = spec
    return specs


def expression_names(specs: dict) -> dict:
    """Every name a filter may use, with its expression type."""
    names = dict(KEY_TYPES)
    for spec in specs.values():
        try:
            names.update(type_of(spec).expression_variables(spec))
        except Exception:  # noqa: BLE001  (a type gone from the registry: skip its names)
            continue
    return names


def filter_mask(dataset: Dataset, specs: dict, source: str) -> np.ndarray:
    """Boolean array: which respondents of ``dataset`` satisfy the filter ``source``.

    Raises :class:`FilterError` with the expression checker's message for bad syntax,
    unknown names or type errors, and when no respondent matches.
    """
    source = (source or "").strip()
    if not source:
        return np.ones(len(dataset), dtype=bool)
    try:
        expression = validate(source, expression_names(specs))
    except ExpressionError as error:
        raise FilterError(_("The filter is not valid: %(problem)s", problem=error)) from None
    owners = _owners(specs)
    columns = []
    for name in sorted(expression.variables):
        spec = owners.get(name)
        wanted = type_of(spec).variable_names(spec) if spec else [name]
        columns += [c for c in wanted if c in dataset.data.columns and c not in columns]
    if not columns:
        result = expression.evaluate_bool({})
        mask = np.full(len(dataset), result, dtype=bool)
    else:
        frame = dataset.data[columns]
        groups = frame.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
        firsts = frame.drop_duplicates()
        outcomes = np.empty(len(firsts), dtype=bool)
        needed = [owners[n] for n in expression.variables if n in owners]
        for position, row in enumerate(firsts.itertuples(index=False, name=None)):
            answers = {column: _plain(value) for column, value in zip(columns, row)}
            values = {column: answers[column] for column in columns if column in KEY_TYPES}
            if "channel" in values:
                values["channel"] = CHANNEL_NAMES.get(values["channel"])
            for spec in needed:
                values.update(type_of(spec).expression_values(spec, answers))
            outcomes[position] = expression.evaluate_bool(values)
        # ngroup numbers groups in order of first appearance, as drop_duplicates keeps them.
        mask = outcomes[groups]
    if not mask.any():
        raise FilterError(_("No respondents match the filter %(filter)s.", filter=source))
    return mask


def _owners(specs: dict) -> dict:
    """``{expression name: question spec}`` for every name a question defines."""
    owners = {}
    for spec in specs.values():
        try:
            for name in type_of(spec).expression_variables(spec):
                owners[name] = spec
        except Exception:  # noqa: BLE001
            continue
    return owners


def _plain(value):
    """A stored-answer value from a frame cell: NaN → None, whole floats → int."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value
