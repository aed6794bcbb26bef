"""The one seam between collection and analysis: responses → :class:`analysis.Dataset`.

Every published questionnaire version contributes its variables, merged by name (the newest
version's labels win; value labels are the union, newest label per code). Answers are pulled
out of the JSON documents by the database itself, one column per variable, so that Python
never parses a million JSON documents: PostgreSQL streams them with ``COPY … TO STDOUT`` as CSV,
SQLite extracts them with ``json_extract``. :func:`read_frames` reads the same frame in pieces,
by the same query and shaping, for the exports that write responses as they come.

Built frames are cached as Parquet files (``ANALYSIS_CACHE_DIR``), keyed by a fingerprint of the
survey's analysable responses (count, newest id, sum of row versions, newest change) and of its
published versions, so repeated analysis of unchanged data reads the file instead of the
database, and any new, changed, invalidated or deleted response makes a new file.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import queue
import tempfile
import threading
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, text

from analysis.dataset import Dataset, Variable
from research.extensions import db
from research.models.vocabulary import CHANNELS
from surveys.models import Response
from surveys.questions import VARIABLE_PATTERN

#: Bump when the cached frame's layout changes, so old cache files are not read.
CACHE_FORMAT = 4
ANALYSED_STATUS = "complete"
CHANNEL_CODES = {name: code for code, name in enumerate(CHANNELS, start=1)}


@dataclass(frozen=True)
class DatasetSource:
    """What a dataset is built from: its fingerprint names one state of the data."""

    survey_id: int
    fingerprint: str
    versions: tuple
    response_count: int


def published_versions(survey) -> list:
    """Published versions, oldest first."""
    return sorted((v for v in survey.versions if v.is_published), key=lambda v: v.number)


def merged_variables(versions) -> list:
    """Variables of all ``versions`` merged by name, in the newest version's order."""
    merged: dict[str, dict] = {}
    order: list[str] = []
    for version in reversed(versions):  # newest first: its metadata wins
        for data in version.variables or []:
            name = data["name"]
            if name not in merged:
                merged[name] = dict(data, value_labels=list(data.get("value_labels") or []))
                order.append(name)
            else:
                known = {code for code, _label in merged[name]["value_labels"]}
                merged[name]["value_labels"] += [[code, label] for code, label
                                                 in data.get("value_labels") or []
                                                 if code not in known]
    variables = []
    for name in order:
        if not VARIABLE_PATTERN.fullmatch(name):  # names go into SQL text: never trust blindly
            raise ValueError(f"invalid variable name in a published version: {name!r}")
        data = merged[name]
        data["value_labels"] = sorted(data["value_labels"], key=lambda pair: pair[0])
        variables.append(Variable.from_dict(data))
    return variables


def key_variables(versions) -> list:
    """Columns the builder adds beside the answers: who answered how, and when."""
    return [
        Variable("channel", str(_l("Channel")), value_labels={
            code: str(CHANNELS[name]) for name, code in CHANNEL_CODES.items()}, role="key"),
        Variable("version", str(_l("Questionnaire version")), value_labels={
            v.number: str(_l("Version %(number)d", number=v.number)) for v in versions},
            role="key"),
        Variable("language", str(_l("Interview language")), kind="string", role="key"),
        Variable("completed_on", str(_l("Date completed")), kind="date", role="key"),
        Variable("duration_minutes", str(_l("Interview length, minutes")), measure="scale",
                 role="key"),
    ]


def dataset_source(survey) -> DatasetSource:
    """The fingerprint of the survey's analysable responses and published versions."""
    count, newest, steps, changed = db.session.execute(
        select(func.count(Response.id), func.max(Response.id), func.sum(Response.step),
               func.max(Response.updated_at))
        .where(_analysed(survey.id))).one()
    versions = tuple(published_versions(survey))
    state = repr((CACHE_FORMAT, survey.id, count, newest, steps, str(changed),
                  [(v.id, str(v.published_at)) for v in versions]))
    return DatasetSource(survey.id, hashlib.sha256(state.encode()).hexdigest()[:24], versions,
                         int(count or 0))


def _analysed(survey_id):
    return and_(Response.survey_id == survey_id, Response.status == ANALYSED_STATUS,
                Response.is_invalid.is_(False))


def build_dataset(survey, *, use_cache: bool = True,
                  source: DatasetSource | None = None) -> Dataset:
    """The survey's complete, valid responses as a :class:`analysis.Dataset`.

    ``source`` is the survey's :func:`dataset_source` when the caller already has it (the
    fingerprint query scans the survey's responses, so it should run once per request).
    """
    source = source or dataset_source(survey)
    variables = merged_variables(source.versions)
    keys = key_variables(source.versions)
    data = None
    path = _cache_path(source) if use_cache else None
    if path and os.path.exists(path):
        try:
            data = pd.read_parquet(path)
        except (OSError, ValueError):  # a damaged cache file is rebuilt, never trusted
            data = None
    if data is None:
        data = _read_frame(source, variables)
        if path:
            _write_cache(path, data, source)
    return Dataset(data, keys + variables)


def cache_directory() -> str:
    """Where built datasets and fitted weights are cached (``ANALYSIS_CACHE_DIR``)."""
    return current_app.config.get("ANALYSIS_CACHE_DIR") or os.path.join(
        current_app.instance_path, "analysis-cache")


def _cache_path(source: DatasetSource) -> str:
    name = f"survey-{source.survey_id}-{source.fingerprint}.parquet"
    return os.path.join(cache_directory(), name)


def _write_cache(path: str, data: pd.DataFrame, source: DatasetSource) -> None:
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    os.close(handle)
    try:
        data.to_parquet(temporary)
        os.replace(temporary, path)  # readers see the whole file or none
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    prefix = f"survey-{source.survey_id}-"
    for name in os.listdir(directory):  # older states of this survey are never read again
        if name.startswith(prefix) and name.endswith(".parquet") and \
                os.path.join(directory, name) != path:
            try:
                os.remove(os.path.join(directory, name))
            except OSError:
                pass


# --- reading the responses ---------------------------------------------------------------------

#: What the key columns (:func:`key_variables`) are made from, as selected and as named.
_KEY_SELECT = ["r.channel", "v.number", "r.language", "r.completed_at", "r.started_at"]
_KEY_SOURCES = ("channel_name", "version", "language", "completed_at", "started_at")
#: Blocks of the COPY read ahead while the previous one is converted (read_frames).
_BLOCKS_AHEAD = 2


def _read_frame(source: DatasetSource, variables) -> pd.DataFrame:
    if db.engine.dialect.name == "postgresql":
        buffer = io.BytesIO()
        connection = db.session.connection().connection.driver_connection
        with connection.cursor() as cursor:
            with cursor.copy(_postgresql_copy(source.survey_id, variables)) as copy:
                for block in copy:
                    buffer.write(block)
        buffer.seek(0)
        raw = _parse_copy(buffer, variables)
    else:
        raw = _sqlite_frame(db.session.execute(
            text(_sqlite_select(source.survey_id, variables))).all(), variables)
    return _shape(raw, variables)


def read_frames(source: DatasetSource, variables, chunk_rows: int, *,
                keys: bool = True) -> Iterator[pd.DataFrame]:
    """The frame :func:`build_dataset` reads, ``chunk_rows`` responses at a time, in id order.

    Each piece has the key columns (unless ``keys`` is false) and ``variables`` (all of
    :func:`merged_variables`, or a few for a narrow read), read and shaped by the same query
    and code as the whole frame, so the pieces put together equal it. No cache is read or
    written. On PostgreSQL a thread reads the COPY ahead while the caller works on the piece
    before; close the generator (``contextlib.closing``) to stop early: the COPY is cancelled.
    """
    if db.engine.dialect.name == "postgresql":
        for block in _copy_in_blocks(_postgresql_copy(source.survey_id, variables, keys),
                                     chunk_rows):
            yield _shape(_parse_copy(io.BytesIO(block), variables, keys), variables)
        return
    result = db.session.execute(text(_sqlite_select(source.survey_id, variables, keys)))
    try:
        for rows in result.partitions(chunk_rows):
            yield _shape(_sqlite_frame(rows, variables, keys), variables)
    finally:
        result.close()


def _base_select(survey_id: int) -> str:
    return ("FROM response r JOIN questionnaire_version v ON v.id = r.version_id "
            f"WHERE r.survey_id = {int(survey_id)} AND r.status = '{ANALYSED_STATUS}' "
            "AND NOT r.is_invalid ORDER BY r.id")


def _postgresql_copy(survey_id: int, variables, keys: bool = True) -> str:
    columns = ["r.id"] + (_KEY_SELECT if keys else [])
    for variable in variables:
        # Names follow VARIABLE_PATTERN (letters, digits, _), so they are safe in a literal.
        if variable.kind == "numeric":
            # Plain text extraction; pandas parses the numbers. Checking jsonb_typeof in SQL
            # as well made the query three times slower on a million rows.
            columns.append(f"r.answers->>'{variable.name}'")
        else:
            # Text gets a "." in front: pandas reads a quoted "" and an empty (NULL) field
            # alike, so an empty answer would otherwise become missing. Stripped below.
            columns.append(f"'.' || (r.answers->>'{variable.name}')")
    return f"COPY (SELECT {', '.join(columns)} {_base_select(survey_id)}) " \
        "TO STDOUT WITH (FORMAT csv)"


class _Stopped(Exception):
    """The reader of :func:`_copy_in_blocks` was told to stop."""


def _copy_in_blocks(query: str, rows_per_block: int) -> Iterator[bytes]:
    """The CSV of ``COPY … TO STDOUT`` in blocks of ``rows_per_block`` rows.

    PostgreSQL extracting the answers takes one core and converting them another, so a thread
    drains the COPY while the caller converts the block before: the read then takes about as
    long as PostgreSQL's part alone, not the sum of both. At most ``_BLOCKS_AHEAD`` blocks
    wait, which bounds the memory. The thread uses the session's connection, so the COPY sees
    the session's transaction; the caller must not use the session until the generator ends.
    """
    connection = db.session.connection().connection.driver_connection
    blocks: queue.Queue = queue.Queue(maxsize=_BLOCKS_AHEAD)
    stop = threading.Event()

    def hand_over(item):
        blocks.put(item)
        if stop.is_set():
            raise _Stopped()

    def read():
        try:
            with connection.cursor() as cursor, cursor.copy(query) as copy:
                block, rows = bytearray(), 0
                for row in copy:
                    block += row
                    rows += 1
                    if rows == rows_per_block:
                        hand_over(bytes(block))
                        block, rows = bytearray(), 0
                if rows:
                    hand_over(bytes(block))
            blocks.put(None)
        except _Stopped:  # leaving the copy block cancelled the COPY on the server
            pass
        except BaseException as error:  # noqa: BLE001  (raised again in the caller's thread)
            blocks.put(error)

    reader = threading.Thread(target=read, name="dataset-copy", daemon=True)
    reader.start()
    try:
        while (item := blocks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while reader.is_alive():  # unblock a reader waiting to hand over a block
            try:
                blocks.get(timeout=0.05)
            except queue.Empty:
                pass
        reader.join()


def _parse_copy(buffer, variables, keys: bool = True) -> pd.DataFrame:
    """The raw frame from the CSV that :func:`_postgresql_copy` writes."""
    names = ["response_id"] + list(_KEY_SOURCES if keys else ()) + [v.name for v in variables]
    dtypes = {v.name: ("float64" if v.kind == "numeric" else "object") for v in variables}
    dtypes.update({"response_id": "int64", "channel_name": "object", "version": "int64",
                   "language": "object", "completed_at": "object", "started_at": "object"}
                  if keys else {"response_id": "int64"})
    # keep_default_na=False: only an empty field (SQL NULL) is missing, never "NA" or "null".
    options = dict(names=names, keep_default_na=False, na_values={name: [""] for name in names},
                   quoting=csv.QUOTE_MINIMAL)
    try:
        frame = pd.read_csv(buffer, dtype=dtypes, **options)
    except ValueError:  # a numeric variable holds something else (true, "n/a"): not a number
        buffer.seek(0)
        numeric = [v.name for v in variables if v.kind == "numeric"]
        frame = pd.read_csv(buffer, dtype=dict(dtypes, **dict.fromkeys(numeric, "object")),
                            **options)
        for name in numeric:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for variable in variables:
        if variable.kind != "numeric":
            frame[variable.name] = frame[variable.name].str.slice(1)
    return frame


def _sqlite_select(survey_id: int, variables, keys: bool = True) -> str:
    columns = ["r.id"] + (_KEY_SELECT if keys else [])
    for variable in variables:
        path = f"'$.\"{variable.name}\"'"
        if variable.kind == "numeric":
            # Numbers, and numbers written as text (as PostgreSQL reads them); not booleans.
            columns.append(f"CASE WHEN json_type(r.answers, {path}) IN ('integer', 'real', "
                           f"'text') THEN json_extract(r.answers, {path}) END")
        else:
            columns.append(f"CASE WHEN json_type(r.answers, {path}) = 'text' "
                           f"THEN json_extract(r.answers, {path}) END")
    return f"SELECT {', '.join(columns)} {_base_select(survey_id)}"


def _sqlite_frame(rows, variables, keys: bool = True) -> pd.DataFrame:
    names = ["response_id"] + list(_KEY_SOURCES if keys else ()) + [v.name for v in variables]
    frame = pd.DataFrame.from_records(rows, columns=names)
    for variable in variables:
        if variable.kind == "numeric":
            frame[variable.name] = pd.to_numeric(frame[variable.name], errors="coerce") \
                .astype("float64")
    return frame


def _shape(raw: pd.DataFrame, variables) -> pd.DataFrame:
    """Index by response id, code the channel, derive dates and interview lengths."""
    answers = raw[[v.name for v in variables]]
    if "completed_at" not in raw.columns:  # read without the key columns
        answers.index = pd.Index(raw["response_id"].to_numpy(dtype=np.int64),
                                 name="response_id")
        return answers
    completed = pd.to_datetime(raw["completed_at"], utc=True, errors="coerce", format="ISO8601")
    started = pd.to_datetime(raw["started_at"], utc=True, errors="coerce", format="ISO8601")
    # numpy writes days fifty times faster than strftime; NaT becomes "NaT", then None.
    days = np.datetime_as_string(completed.dt.tz_convert(None).to_numpy(dtype="datetime64[D]"))
    completed_on = pd.Series(days, index=raw.index, dtype="object").where(completed.notna(),
                                                                          None)
    keys = pd.DataFrame({
        "channel": raw["channel_name"].map(CHANNEL_CODES).astype("float64"),
        "version": raw["version"].astype("float64"),
        "language": raw["language"].astype("object"),
        "completed_on": completed_on,
        "duration_minutes": ((completed - started).dt.total_seconds() / 60).round(2),
    })
    frame = pd.concat([keys, answers], axis=1)
    frame.index = pd.Index(raw["response_id"].to_numpy(dtype=np.int64), name="response_id")
    return frame
