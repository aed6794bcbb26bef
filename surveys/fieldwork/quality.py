"""Automatic quality flags of interviews: speeders and straight-liners.

Pure functions over plain values (durations in seconds, answer dicts, variable dicts of a
questionnaire version): no database, no Flask, so that they are tested by hand-computed cases.
The rules (also in docs/fieldwork.md):

* **Speeder**: a *complete* interview whose duration (start to end) is shorter than a third of
  the median duration of the survey's valid completes. The median needs at least
  :data:`MIN_COMPLETES_FOR_MEDIAN` valid completes; with fewer, nobody is flagged.
* **Straight-liner**: in a grid question (variables of role ``grid_row`` grouped by their
  ``question``), at least :data:`MIN_GRID_ROWS` rows answered and every answered row has the
  same code. Checked on interviews of any status.

Flags inform; they never exclude an interview by themselves (a researcher marks it invalid).
"""
from __future__ import annotations

import statistics
from typing import Iterable, Mapping

#: Flag keys, in display order.
SPEEDER = "speeder"
STRAIGHT_LINER = "straight_liner"
FLAGS = (SPEEDER, STRAIGHT_LINER)

#: Valid completes needed before the median duration (and so the speeder rule) is used.
MIN_COMPLETES_FOR_MEDIAN = 5
#: A speeder took less than this share of the median duration.
SPEEDER_SHARE = 1 / 3
#: A grid needs this many answered rows before identical answers count as straight-lining.
MIN_GRID_ROWS = 3


def median_duration(durations: Iterable[float | None]) -> float | None:
    """Median of the known durations (``statistics.median``), None when there are none."""
    known = [float(value) for value in durations if value is not None]
    return statistics.median(known) if known else None


def speeder_threshold(durations: Iterable[float | None]) -> float | None:
    """Seconds under which a complete is a speeder: median ÷ 3 of the valid completes'
    durations; None with fewer than :data:`MIN_COMPLETES_FOR_MEDIAN` of them."""
    known = [float(value) for value in durations if value is not None]
    if len(known) < MIN_COMPLETES_FOR_MEDIAN:
        return None
    return statistics.median(known) * SPEEDER_SHARE


def is_speeder(status: str, duration: float | None, threshold: float | None) -> bool:
    """Whether a complete interview of ``duration`` seconds is under the ``threshold``."""
    return (status == "complete" and duration is not None and threshold is not None
            and duration < threshold)


def grid_rows(variables: Iterable[Mapping]) -> dict:
    """``{grid question: [row variable names in order]}`` from version variable dicts
    (role ``grid_row``). Several versions' variables may be given: names are merged."""
    grids: dict = {}
    for variable in variables:
        if variable.get("role") != "grid_row":
            continue
        rows = grids.setdefault(variable.get("question") or variable["name"], [])
        if variable["name"] not in rows:
            rows.append(variable["name"])
    return grids


def straight_lined_grids(answers: Mapping, grids: Mapping) -> list:
    """The grid questions in which at least :data:`MIN_GRID_ROWS` rows are answered and all
    answered rows carry the same code (missing rows are ignored)."""
    found = []
    for question, rows in grids.items():
        codes = [answers.get(name) for name in rows]
        codes = [str(code) for code in codes if code is not None and code != ""]
        if len(codes) >= MIN_GRID_ROWS and len(set(codes)) == 1:
            found.append(question)
    return found


def flags_of(status: str, duration: float | None, answers: Mapping, grids: Mapping,
             threshold: float | None) -> list:
    """The flag keys (:data:`FLAGS` order) of one interview."""
    flags = []
    if is_speeder(status, duration, threshold):
        flags.append(SPEEDER)
    if straight_lined_grids(answers, grids):
        flags.append(STRAIGHT_LINER)
    return flags
