"""An imported survey's :class:`analysis.Dataset`: its Parquet file plus the stored dictionary.

The file keeps the respondent × variable frame exactly as the reader returned it (user-missing
codes included, respondents 1..n); the ``ImportedDataset`` row keeps what Parquet cannot —
labels, value labels, measures, missing codes, roles, multiple-response sets — so the dataset
read back is the one the reader built. Nothing here is cached beyond the file: reading a
Parquet file is what the questionnaire surveys' cache does too.
"""
from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import select

from analysis.dataset import Dataset, MultipleResponseSet, Variable
from research.extensions import db
from research.models import ImportedDataset


class ImportedDataMissing(Exception):
    """The survey is imported but its data file is gone (removed from the server by hand)."""


#: Why a job on such a survey failed (stored in English; the job page translates it).
MISSING_MESSAGE = ("The data file of this imported dataset is missing on the server, so it "
                   "cannot be analysed. Ask the administrator to restore it from a backup of "
                   "the imported-data folder, or import the file again.")


def data_directory(app=None) -> str:
    """Where imported datasets live (``IMPORTED_DATA_DIR``), created on first use."""
    app = app or current_app
    path = app.config.get("IMPORTED_DATA_DIR") or os.path.join(app.instance_path,
                                                                  "imported-data")
    os.makedirs(path, exist_ok=True)
    return path


def data_path(file_name: str) -> str | None:
    """The full path of a stored data file, or None for a name that is not a plain file name."""
    if not file_name or os.path.basename(file_name) != file_name or file_name.startswith("."):
        return None
    return os.path.join(data_directory(), file_name)


def fingerprint(record) -> str:
    """Names one state of the data: an import never changes, so its file name is enough."""
    return hashlib.sha256(f"imported:{record.id}:{record.data_file}".encode()).hexdigest()[:24]


def load_imported(survey) -> tuple:
    """``(Dataset, fingerprint)`` of an imported survey; :class:`ImportedDataMissing` if gone."""
    record = survey.imported_dataset
    path = data_path(record.data_file) if record is not None else None
    if path is None or not os.path.exists(path):
        raise ImportedDataMissing(survey.id)
    frame = pd.read_parquet(path)
    variables = [variable_from_entry(entry) for entry in record.variables or []]
    mr_sets = [MultipleResponseSet(entry["name"], entry.get("label") or entry["name"],
                                   tuple(entry["variables"]), entry.get("counted_value", 1))
               for entry in record.mr_sets or []]
    weights = [variable.name for variable in variables if variable.role == "weight"]
    return Dataset(frame, variables, mr_sets, weights), fingerprint(record)


# --- the dictionary as JSON ---------------------------------------------------------------------

def dictionary(dataset: Dataset) -> tuple:
    """``(variables, mr_sets)`` of ``dataset`` as JSON-ready lists (see ``ImportedDataset``).

    Multiple-response items get their set as ``question``, so that the topline shows a set
    once, as the questionnaire surveys' multiple choices are shown.
    """
    variables = [variable_entry(variable) for variable in dataset.variables.values()]
    mr_sets = [{"name": mr_set.name, "label": mr_set.label, "variables": list(mr_set.variables),
                "counted_value": _plain(mr_set.counted_value)}
               for mr_set in dataset.mr_sets.values()]
    return variables, mr_sets


def variable_entry(variable: Variable) -> dict:
    # Value labels as [code, label] pairs: JSON object keys would turn numeric codes into text.
    return {"name": variable.name, "label": variable.label, "kind": variable.kind,
            "measure": variable.measure, "role": variable.role,
            "value_labels": [[_plain(code), label]
                             for code, label in variable.value_labels.items()],
            "missing_values": [_plain(code) for code in variable.missing_values],
            "question": variable.question or variable.mr_set, "mr_set": variable.mr_set}


def variable_from_entry(entry: dict) -> Variable:
    """The :class:`Variable` of a stored entry (codes of string variables stay text)."""
    return Variable(name=entry["name"], label=entry.get("label") or "",
                    kind=entry.get("kind") or "numeric",
                    measure=entry.get("measure") or "nominal",
                    value_labels={_code(code): label
                                  for code, label in entry.get("value_labels") or []},
                    role=entry.get("role") or "answer", question=entry.get("question"),
                    mr_set=entry.get("mr_set"),
                    missing_values=tuple(_code(code)
                                         for code in entry.get("missing_values") or []))


def _plain(value):
    """A JSON-safe code: numpy scalars as Python numbers, whole floats as int."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _code(value):
    return value if isinstance(value, str) else _plain(value)


def delete_orphan_data_files(now=None) -> int:
    """Remove data files no imported dataset names, older than a day; returns how many.

    A worker killed between storing the Parquet file and committing its row leaves one
    behind (younger files may belong to an import that is committing right now).
    """
    from research.jobs.cleanup import remove_unnamed_files  # the jobs package imports us

    known = set(db.session.scalars(select(ImportedDataset.data_file)))
    return remove_unnamed_files(data_directory(), known, now)
