"""Weight schemes: from a stored definition to a weight variable in the dataset.

A scheme is re-fitted on the current data whenever the data change (the weights are part of the
dataset's state), and the fitted weights are cached beside the dataset under the same
fingerprint, so tables do not re-rake on every request.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from analysis.errors import AnalysisError
from analysis.weighting import CellWeighting, RimWeighting
from research.exceptions import DomainError
from research.extensions import db
from research.models import WeightScheme
from research.models.types import utcnow
from research.reports.datasets import cache_directory
from surveys.questions import RESERVED, VARIABLE_PATTERN


def schemes_of(survey) -> list:
    """The survey's weight schemes, by name."""
    return list(db.session.scalars(select(WeightScheme).filter_by(survey_id=survey.id)
                                   .order_by(WeightScheme.name)))


def procedure(scheme: WeightScheme):
    """The analysis procedure a stored scheme describes."""
    settings = scheme.settings or {}
    if scheme.method == "cell":
        cells = {tuple(codes): target for codes, target in settings.get("cells") or []}
        return CellWeighting(settings.get("variables") or [], cells,
                             unit=settings.get("unit", "percent"))
    cap = settings.get("cap")
    return RimWeighting(settings.get("targets") or {}, unit=settings.get("unit", "percent"),
                        tolerance=float(settings.get("tolerance", 1e-4)),
                        max_iterations=int(settings.get("max_iterations", 100)),
                        cap=tuple(cap) if cap else None)


def check_weight_name(survey, dataset, name: str, scheme=None) -> None:
    """A weight's name must be a free variable name (it becomes a dataset column)."""
    if not VARIABLE_PATTERN.fullmatch(name or "") or name.lower() in RESERVED:
        raise DomainError(_l("“%(name)s” cannot name a weight variable: use letters, digits "
                             "and _ (starting with a letter), up to 32 characters, and not a "
                             "reserved name.", name=name))
    taken = {s.name for s in schemes_of(survey) if s is not scheme}
    if name in taken or (name in dataset.variables and name not in dataset.weight_names):
        raise DomainError(_l("The dataset already has a variable called %(name)s.", name=name))


def run_scheme(scheme: WeightScheme, dataset):
    """Fit ``scheme`` on ``dataset`` and keep its report on the scheme; the result is returned.

    Non-convergence is a result, not an error: the report says so with its diagnostics.
    Bad targets raise :class:`analysis.errors.AnalysisError` and store nothing.
    """
    result = procedure(scheme).fit(dataset)
    report = result.to_dict()
    report["ran_at"] = utcnow().isoformat(timespec="seconds")
    scheme.report = report
    db.session.flush()
    return result


def attach_weights(dataset, survey, fingerprint: str):
    """``(dataset with every scheme's weight variable, {scheme name: problem})``."""
    problems = {}
    for scheme in schemes_of(survey):
        try:
            weights = _cached_weights(scheme, dataset, fingerprint)
        except AnalysisError as error:
            problems[scheme.name] = str(error)
            continue
        dataset = dataset.with_weight(scheme.name, weights, scheme.label or scheme.name)
    return dataset, problems


def _cached_weights(scheme, dataset, fingerprint) -> np.ndarray:
    state = json.dumps([scheme.method, scheme.settings, fingerprint], sort_keys=True)
    digest = hashlib.sha256(state.encode()).hexdigest()[:24]
    prefix = f"weights-{scheme.survey_id}-{scheme.id}-"
    directory = cache_directory()
    path = os.path.join(directory, f"{prefix}{digest}.parquet")
    if os.path.exists(path):
        try:
            cached = pd.read_parquet(path)["weight"]
            if cached.index.equals(dataset.data.index):
                return cached.to_numpy()
        except (OSError, ValueError, KeyError):
            pass
    weights = procedure(scheme).fit(dataset).weights
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # A name of its own: two jobs may fit the same scheme at once, and the clean-up below
    # removes files with this scheme's prefix (mkstemp's names never have it).
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    os.close(handle)
    try:
        weights.rename("weight").to_frame().to_parquet(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    for name in os.listdir(directory):  # weights of older data states are never read again
        if name.startswith(prefix) and os.path.join(directory, name) != path:
            try:
                os.remove(os.path.join(directory, name))
            except OSError:
                pass
    return weights.to_numpy()
