"""The respondent × variable dataset every analysis reads, with its SPSS-style metadata.

A :class:`Dataset` is a DataFrame (one row per respondent, indexed by respondent id, one
column per variable) plus what a researcher knows about each column: its label, value labels,
measurement level, the multiple-response set it belongs to, and which columns are weights or
keys (channel, A/B variant, wave...). The web application builds it from responses (the one
seam, ``research/reports/datasets.py``); imports build it from files. Everything in
``analysis`` takes a Dataset (or plain arrays) and returns result objects.

Missing answers are ``NaN`` in numeric columns and ``None``/``NaN`` in string columns.
A multiple-response item is a 0/1 column; a respondent who never saw the question has
``NaN`` in every item of the set.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import AnalysisError, UnknownVariableError, WeightError
from .i18n import _

MEASURES = ('nominal', 'ordinal', 'scale')
KINDS = ('numeric', 'string', 'date')
#: Variable roles: what part of a question (or of the data) a column is.
ROLES = ('answer', 'mr_item', 'grid_row', 'rank', 'amount', 'pair', 'other_text', 'key',
         'weight')


@dataclass(frozen=True)
class Variable:
    """One column's metadata (the dictionary entry an SPSS file would carry)."""

    name: str
    label: str = ''
    #: ``numeric``, ``string`` or ``date``.
    kind: str = 'numeric'
    #: ``nominal``, ``ordinal`` or ``scale``.
    measure: str = 'nominal'
    #: ``{code: label}`` in display order.
    value_labels: Mapping = field(default_factory=dict)
    role: str = 'answer'
    #: The questionnaire item the variable comes from (grids and sets share one).
    question: str | None = None
    #: The multiple-response set the variable is an item of.
    mr_set: str | None = None
    #: User-missing codes (e.g. 98 "Don't know"), excluded from bases and statistics.
    missing_values: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise AnalysisError(_('Variable %(name)s has an unknown kind %(kind)s.',
                                  name=self.name, kind=self.kind))
        if self.measure not in MEASURES:
            raise AnalysisError(_('Variable %(name)s has an unknown measurement level '
                                  '%(measure)s.', name=self.name, measure=self.measure))
        object.__setattr__(self, 'value_labels', dict(self.value_labels))
        object.__setattr__(self, 'missing_values', tuple(self.missing_values))

    @property
    def is_categorical(self) -> bool:
        """Whether its values are codes to count (nominal/ordinal with value labels)."""
        return self.kind == 'numeric' and self.measure != 'scale' and bool(self.value_labels)

    def value_label(self, code) -> str:
        """The label of ``code``, or the code itself written out."""
        if code in self.value_labels:
            return self.value_labels[code]
        if isinstance(code, float) and code.is_integer() and int(code) in self.value_labels:
            return self.value_labels[int(code)]
        return str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Variable':
        """From the questionnaire's variable dictionary (``QuestionnaireVersion.variables``)."""
        labels = data.get('value_labels') or []
        pairs = labels.items() if isinstance(labels, Mapping) else labels
        return cls(name=data['name'], label=data.get('label') or '',
                   kind=data.get('kind') or 'numeric', measure=data.get('measure') or 'nominal',
                   value_labels={_code(code): label for code, label in pairs},
                   role=data.get('role') or 'answer', question=data.get('question'),
                   mr_set=data.get('mr_set'),
                   missing_values=tuple(data.get('missing_values') or ()))


def _code(code):
    number = float(code)
    return int(number) if number.is_integer() else number


@dataclass(frozen=True)
class MultipleResponseSet:
    """Dichotomous items counted together (``$AWARE`` in SPSS terms)."""

    name: str
    label: str
    #: Item variable names, in questionnaire order.
    variables: tuple
    #: The value that means "mentioned".
    counted_value: float = 1

    def __post_init__(self):
        object.__setattr__(self, 'variables', tuple(self.variables))
        if not self.variables:
            raise AnalysisError(_('Multiple-response set %(name)s has no items.',
                                  name=self.name))


class Dataset:
    """A respondent × variable frame with metadata; immutable by convention.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; the index holds respondent ids.
    variables : iterable of Variable
        Metadata, in display order. Every variable must be a column of ``data``; columns
        without metadata are allowed (internal keys) but not offered for analysis.
    mr_sets : iterable of MultipleResponseSet, optional
        When omitted, sets are derived from the variables' ``mr_set`` names.
    weights : iterable of str, optional
        Names of the columns that are weight variables.
    """

    def __init__(self, data: pd.DataFrame, variables: Iterable[Variable],
                 mr_sets: Iterable[MultipleResponseSet] | None = None,
                 weights: Iterable[str] = ()):
        self.data = data
        self.variables = {variable.name: variable for variable in variables}
        missing = [name for name in self.variables if name not in data.columns]
        if missing:
            raise AnalysisError(_('The data have no column for %(names)s.',
                                  names=', '.join(missing[:10])))
        self.mr_sets = {s.name: s for s in (mr_sets if mr_sets is not None
                                            else _derive_mr_sets(self.variables.values()))}
        for mr_set in self.mr_sets.values():
            for name in mr_set.variables:
                self.variable(name)
        self.weight_names = tuple(weights)
        for name in self.weight_names:
            self.variable(name)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (f'<Dataset {len(self)} respondents × {len(self.variables)} variables, '
                f'{len(self.mr_sets)} MR sets, weights {list(self.weight_names)}>')

    def variable(self, name: str) -> Variable:
        """The metadata of ``name``; :class:`UnknownVariableError` names what exists."""
        try:
            return self.variables[name]
        except KeyError:
            raise UnknownVariableError(_('There is no variable %(name)s in this dataset.',
                                         name=name)) from None

    def mr_set(self, name: str) -> MultipleResponseSet:
        """The multiple-response set ``name``."""
        try:
            return self.mr_sets[name]
        except KeyError:
            raise UnknownVariableError(_('There is no multiple-response set %(name)s in this '
                                         'dataset.', name=name)) from None

    def has(self, name: str) -> bool:
        """Whether ``name`` is a variable or a multiple-response set."""
        return name in self.variables or name in self.mr_sets

    def values(self, name: str) -> pd.Series:
        """The column of ``name`` with user-missing codes turned into NaN."""
        variable = self.variable(name)
        column = self.data[name]
        if variable.missing_values:
            column = column.where(~column.isin(variable.missing_values))
        return column

    def weight(self, name: str | None) -> np.ndarray:
        """The weights to use: ones for ``None``, else the checked weight variable.

        Raises :class:`WeightError` for missing, infinite or negative weights and for a
        weight that is zero for everyone (zero for some respondents is allowed: they drop out).
        """
        if name is None:
            return np.ones(len(self.data))
        if name not in self.weight_names:
            raise UnknownVariableError(_('There is no weight variable %(name)s in this '
                                         'dataset.', name=name))
        return check_weights(self.data[name].to_numpy(dtype=float), name)

    def subset(self, mask) -> 'Dataset':
        """The respondents where ``mask`` (a boolean array or Series) is true."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self.data),):
            raise AnalysisError(_('A filter must have one value per respondent.'))
        return self._copy(self.data.loc[mask])

    def with_weight(self, name: str, values, label: str = '') -> 'Dataset':
        """A copy with the weight variable ``name`` added (or replaced)."""
        values = check_weights(np.asarray(values, dtype=float), name)
        if values.shape != (len(self.data),):
            raise WeightError(_('Weight %(name)s must have one value per respondent.',
                                name=name))
        data = self.data.assign(**{name: values})
        variables = dict(self.variables)
        variables[name] = Variable(name=name, label=label or name, measure='scale',
                                   role='weight')
        weights = tuple(w for w in self.weight_names if w != name) + (name,)
        return Dataset(data, variables.values(), self.mr_sets.values(), weights)

    def _copy(self, data: pd.DataFrame) -> 'Dataset':
        return Dataset(data, self.variables.values(), self.mr_sets.values(), self.weight_names)

    def analysable(self) -> list:
        """Variables offered for tables, in order (weights and internal keys excluded)."""
        return [v for v in self.variables.values() if v.role not in ('weight',)]


def check_weights(values: np.ndarray, name: str = 'weight') -> np.ndarray:
    """``values`` as a float array if they are usable weights, else :class:`WeightError`."""
    values = np.asarray(values, dtype=float)
    if np.isnan(values).any():
        raise WeightError(_('Weight %(name)s is missing for %(count)d respondents.',
                            name=name, count=int(np.isnan(values).sum())))
    if np.isinf(values).any():
        raise WeightError(_('Weight %(name)s is infinite for some respondents.', name=name))
    if (values < 0).any():
        raise WeightError(_('Weight %(name)s is negative for %(count)d respondents.',
                            name=name, count=int((values < 0).sum())))
    if len(values) and not values.any():
        raise WeightError(_('Weight %(name)s is zero for every respondent.', name=name))
    return values


def _derive_mr_sets(variables) -> list:
    members: dict = {}
    labels: dict = {}
    for variable in variables:
        if variable.mr_set:
            members.setdefault(variable.mr_set, []).append(variable.name)
            # Item labels read "Question?: Item"; the set takes the question part.
            labels.setdefault(variable.mr_set, variable.label.rsplit(': ', 1)[0])
    return [MultipleResponseSet(name, labels[name], tuple(items))
            for name, items in members.items()]


def with_metadata(variable: Variable, **changes) -> Variable:
    """A copy of ``variable`` with ``changes`` (frozen dataclasses need ``replace``)."""
    return replace(variable, **changes)
