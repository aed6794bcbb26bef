"""What goes wrong on import: :class:`Problem` values gathered into one :class:`ImportFailed`.

An import is all-or-nothing: it either returns a whole definition or raises ``ImportFailed``
naming every problem found, each with where it is (a JSON pointer such as
``/questions/3/options/1/code``, or a spreadsheet cell such as ``survey!B12``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

#: At most this many problems are listed; the rest are counted in a last problem.
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded questionnaire.

    Attributes
    ----------
    location : str
        A JSON pointer into the document (``''`` is the whole document), or a cell of an
        XLSForm as ``sheet!<column><row>`` (``survey!B12``).
    message : str
        A sentence for the researcher (translated when built).
    sheet, row, column : optional
        For XLSForm problems: the sheet name, the 1-based row and the column letter.
    """

    location: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self):
        return f'{self.location}: {self.message}' if self.location else self.message


class ImportFailed(ValueError):
    """The upload cannot be imported; ``problems`` lists why (never empty)."""

    def __init__(self, problems):
        problems = list(dict.fromkeys(problems))  # drop exact repeats, keep order
        if not problems:
            raise ValueError('ImportFailed needs at least one problem')
        if len(problems) > MAX_PROBLEMS:
            rest = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [Problem('', _(
                '... and %(count)s more problems.', count=rest))]
        self.problems = problems
        super().__init__(str(problems[0]))

    def __str__(self):
        shown = '; '.join(str(problem) for problem in self.problems[:5])
        more = len(self.problems) - 5
        return shown + (f' (and {more} more)' if more > 0 else '')


def fail(location: str, message: str):
    """Raise :class:`ImportFailed` with a single problem."""
    raise ImportFailed([Problem(location, message)])


def pointer(*parts) -> str:
    """A JSON pointer (RFC 6901) from path parts: ``pointer('questions', 3)`` is
    ``/questions/3``."""
    return ''.join('/' + str(part).replace('~', '~0').replace('/', '~1') for part in parts)
