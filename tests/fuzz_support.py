"""How hard the hypothesis fuzz tests try: full on the SQLite run, a share on PostgreSQL.

``ANKETA_FUZZ_SCALE`` (default 1) scales every fuzz test's ``max_examples``; ``make
test-postgresql`` sets it to 0.25, since parsing malformed input does not depend on the
database and the full run already happens on SQLite, which keeps ``make test`` in its budget.
"""
import os

MINIMUM_EXAMPLES = 25


def fuzz_examples(count: int) -> int:
    """``count`` scaled by ``ANKETA_FUZZ_SCALE``, never below a useful minimum."""
    scale = float(os.environ.get("ANKETA_FUZZ_SCALE", "1"))
    return max(MINIMUM_EXAMPLES, int(count * scale))
