"""The two value objects of the registry: :class:`Variable` (the analysis contract) and
:class:`Problem` (a builder-time finding)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Storage kinds of a variable (as in SPSS: numeric or string; dates are kept as ISO text).
KINDS = ('numeric', 'string', 'date')
#: Measurement levels (SPSS "Measure").
MEASURES = ('nominal', 'ordinal', 'scale')
#: What a variable holds relative to its question.
ROLES = ('answer', 'other_text', 'mr_item', 'grid_row', 'pair', 'rank', 'amount', 'association')


@dataclass(frozen=True)
class Variable:
    """One analysis variable: the contract between collection and analysis.

    Attributes
    ----------
    name : str
        Stable name, the key of the answer in ``Response.answers`` (``Q5``, ``Q5_3``, ``Q7_r2``).
    label : str
        Variable label in the requested language (SPSS "Label").
    kind : str
        ``'numeric'``, ``'string'`` or ``'date'`` (dates are stored as 'YYYY-MM-DD' text).
    measure : str
        ``'nominal'``, ``'ordinal'`` or ``'scale'``.
    value_labels : dict of int to str
        Code -> label, in display order (SPSS "Values"); empty when there are none.
    question : str
        The variable of the question that yields it.
    role : str
        One of :data:`ROLES`.
    mr_set : str or None
        For multiple-response dichotomies (``Q5_1``, ``Q5_2``...): the set's name (``Q5``).
    """

    name: str
    label: str
    kind: str
    measure: str
    value_labels: dict = field(default_factory=dict, hash=False)
    question: str = ''
    role: str = 'answer'
    mr_set: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f'unknown variable kind {self.kind!r}')
        if self.measure not in MEASURES:
            raise ValueError(f'unknown measure {self.measure!r}')
        if self.role not in ROLES:
            raise ValueError(f'unknown variable role {self.role!r}')

    def to_dict(self) -> dict:
        """A JSON-ready dict (value labels as ``[[code, label], ...]`` to keep order and ints)."""
        return {'name': self.name, 'label': self.label, 'kind': self.kind,
                'measure': self.measure,
                'value_labels': [[code, label] for code, label in self.value_labels.items()],
                'question': self.question, 'role': self.role, 'mr_set': self.mr_set}


@dataclass(frozen=True)
class Problem:
    """Something wrong with a question spec, found by ``check_spec``.

    Attributes
    ----------
    message : str
        A sentence for the researcher (translated when built).
    field : str
        Where: ``'variable'``, ``'text'``, ``'settings.min'``, ``'options[2].label'`` ...
    code : str
        A stable machine-readable kind (``'code_duplicate'``, ``'min_above_max'`` ...).
    """

    message: str
    field: str = ''
    code: str = 'invalid'
