"""What the page of an imported survey shows: the file, its size and its dictionary."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

FORMAT_NAMES = {"sav": _l("SPSS (SAV)"), "csv": _l("CSV (comma-separated values)"),
                "xlsx": _l("Excel (XLSX)")}
KIND_NAMES = {"numeric": _l("numeric"), "string": _l("text"), "date": _l("date")}
MEASURE_NAMES = {"nominal": _l("nominal"), "ordinal": _l("ordinal"), "scale": _l("scale")}
DELIMITER_NAMES = {",": _l("Comma"), ";": _l("Semicolon"), "\t": _l("Tab")}


def megabytes(size: int) -> str:
    """A size in bytes as megabytes for showing (two decimals below one MB)."""
    return f"{size / 1048576:.0f}" if size >= 1048576 else f"{size / 1048576:.2f}"


@dataclass(frozen=True)
class VariableRow:
    name: str
    label: str
    type: str
    value_labels: str
    missing_values: str
    role: str


@dataclass(frozen=True)
class DatasetSummary:
    record: object
    format: str
    size_mb: str
    #: How a CSV was read, when the uploader chose it (encoding, delimiter).
    reading: str
    variables: list
    mr_sets: list
    weights: list


def dataset_summary(record) -> DatasetSummary:
    """The summary of an ``ImportedDataset`` for its survey page."""
    rows = [_row(entry) for entry in record.variables or []]
    options = record.options or {}
    reading = ", ".join(part for part in (
        options.get("encoding") or "",
        str(DELIMITER_NAMES.get(options.get("delimiter"), "")) if options.get("delimiter")
        else "") if part)
    return DatasetSummary(
        record=record, format=str(FORMAT_NAMES.get(record.format, record.format)),
        size_mb=megabytes(record.file_size or 0), reading=reading, variables=rows,
        mr_sets=[(entry["name"], entry.get("label") or "", ", ".join(entry["variables"]))
                 for entry in record.mr_sets or []],
        weights=[row.name for row in rows if row.role == "weight"])


def _row(entry: dict) -> VariableRow:
    kind = str(KIND_NAMES.get(entry.get("kind"), entry.get("kind")))
    measure = str(MEASURE_NAMES.get(entry.get("measure"), entry.get("measure")))
    return VariableRow(
        name=entry["name"], label=entry.get("label") or "",
        type=kind if entry.get("kind") != "numeric" else f"{kind}, {measure}",
        value_labels="; ".join(f"{_code_text(code)} = {label}"
                               for code, label in entry.get("value_labels") or []),
        missing_values=", ".join(_code_text(code) for code in entry.get("missing_values") or []),
        role=entry.get("role") or "answer")


def _code_text(code) -> str:
    return repr(code) if isinstance(code, str) else str(code)
