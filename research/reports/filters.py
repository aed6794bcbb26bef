"""Filters and subgroups written in the questionnaire's expression language.

``${CITY} = 1 and selected(${AWARE}, '2')`` means in analysis exactly what it means in the
questionnaire: the expression is evaluated by the same evaluator, on the same values
(multiple choices as lists of codes, grids by row variable). Evaluating it once per respondent
would take minutes on a million rows, so it is evaluated once per distinct combination of the
columns it reads — a handful for codes, at most a few hundred for an age — and the results are
spread back to the rows.

An imported dataset has no questionnaire: :func:`variable_specs` gives each of its variables
(and multiple-response sets) a spec of its own, so the same filters work on it.
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
#: The spec type of a variable of a dataset without a questionnaire (an imported file).
DATASET_VARIABLE = "dataset_variable"
_KIND_TYPES = {"numeric": "number", "string": "text", "date": "date"}


class FilterError(AnalysisError):
    """A filter that does not parse, names unknown variables or selects nobody."""


def question_specs(versions) -> dict:
    """``{question variable: spec}`` over all published versions (the newest spec wins)."""
    specs = {}
    for version in versions:  # oldest first, so newer versions overwrite
        for spec in resolved_questions(version.definition or {}):
            specs[spec["variable"]] = spec
    return specs


def variable_specs(dataset: Dataset) -> dict:
    """Specs for a dataset without a questionnaire: one per variable and per response set.

    Coded numeric variables compare as single choices (``${Q1} = 2``), other variables as
    numbers, text or dates; a multiple-response set is a multiple choice whose codes are its
    items' names (``selected(${AWARE}, 'AWARE_2')``).
    """
    specs = {}
    for variable in dataset.variables.values():
        coded = (variable.kind == "numeric" and variable.value_labels
                 and variable.role != "mr_item")
        specs[variable.name] = {"type": DATASET_VARIABLE, "variable": variable.name,
                                "expression_type": "select_one" if coded
                                else _KIND_TYPES[variable.kind]}
    for mr_set in dataset.mr_sets.values():
        specs.setdefault(mr_set.name, {
            "type": DATASET_VARIABLE, "variable": mr_set.name,
            "expression_type": "select_multiple", "items": list(mr_set.variables),
            "counted_value": mr_set.counted_value})
    return specs


class DatasetVariable:
    """What a question type tells filters, for a spec of :func:`variable_specs`."""

    def expression_variables(self, spec) -> dict:
        return {spec["variable"]: spec["expression_type"]}

    def variable_names(self, spec) -> list:
        return list(spec.get("items") or [spec["variable"]])

    def expression_values(self, spec, answers) -> dict:
        if "items" not in spec:
            return {spec["variable"]: answers.get(spec["variable"])}
        flags = [(item, answers.get(item)) for item in spec["items"]]
        if all(flag is None for _item, flag in flags):
            return {spec["variable"]: None}  # never asked, as a multiple choice not shown
        return {spec["variable"]: [item for item, flag in flags
                                   if flag == spec["counted_value"]]}


_DATASET_VARIABLE = DatasetVariable()


def _type_of(spec):
    return _DATASET_VARIABLE if spec.get("type") == DATASET_VARIABLE else type_of(spec)


def expression_names(specs: dict) -> dict:
    """Every name a filter may use, with its expression type."""
    # The builder's key columns (channel, version...) exist only in questionnaire data.
    imported = any(spec.get("type") == DATASET_VARIABLE for spec in specs.values())
    names = {} if imported else dict(KEY_TYPES)
    for spec in specs.values():
        try:
            names.update(_type_of(spec).expression_variables(spec))
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
        wanted = _type_of(spec).variable_names(spec) if spec else [name]
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
                values.update(_type_of(spec).expression_values(spec, answers))
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
            for name in _type_of(spec).expression_variables(spec):
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
