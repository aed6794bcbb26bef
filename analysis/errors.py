"""Errors the analysis library raises for bad input.

Every error carries a message meant for the researcher (translated through
:mod:`analysis.i18n`), so the web layer can show ``str(error)`` as it is.
"""


class AnalysisError(ValueError):
    """Input the analysis cannot work with; the message says what and why."""


class UnknownVariableError(AnalysisError, KeyError):
    """A variable or multiple-response set name that the dataset does not have."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0] if self.args else ''


class WeightError(AnalysisError):
    """A weight variable with missing, negative, infinite or all-zero values."""


class SpecificationError(AnalysisError):
    """A table, test or weighting scheme that is not well defined (targets, bases, banners)."""
