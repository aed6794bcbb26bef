"""Row and banner variables of banner tables, coded for counting (:mod:`analysis.table_counts`).

Banner variables: one column per value label that is not a user-missing code (single-coded),
or one per item (multiple-response set; a respondent is in every column they mentioned).

Row variables:

* single-coded categorical variable: one row per value label that is not a user-missing code
  (then unlabelled values that occur, in ascending order), base = valid answers; nets are sums
  of category rows;
* multiple-response set: one row per item, then one per net (mentioned any of its items); the
  base is the respondents who answered the set (not every item missing);
* numeric variable: rows Mean, SD and n over the valid answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .banner_results import TableRow
from .dataset import Dataset
from .errors import AnalysisError, SpecificationError
from .i18n import _
from .table_counts import BannerLayout, RowLayout, code_positions, pattern_codes


@dataclass
class RowVariable:
    """A row variable's table rows and the layouts its sums are counted from."""

    name: str
    label: str
    #: ``'categorical'``, ``'multiple'`` or ``'numeric'``.
    kind: str
    rows: list
    layout: RowLayout
    #: Multiple-response sets: the layout their bases are counted from (answered the set).
    base_layout: RowLayout | None = None
    #: Categorical: how many rows are categories (the rest are nets).
    n_categories: int = 0
    #: Numeric: answers minus :attr:`centre` (0 where not valid), for stable sums of squares.
    values: np.ndarray | None = None
    centre: float = 0.0

    @property
    def valid(self) -> np.ndarray:
        """Respondents in the base (valid answer, positive weight)."""
        return self.layout.valid if self.base_layout is None else self.base_layout.valid


def row_variable(dataset: Dataset, name: str, keep: np.ndarray, nets=()) -> RowVariable:
    """Prepare ``name`` (variable or multiple-response set) for counting.

    ``keep`` marks respondents with a positive weight; ``nets`` is a list of ``(label,
    codes)``. Raises :class:`SpecificationError` for text and date variables and bad nets.
    """
    kind = check_row(dataset, name, nets)
    if kind == 'multiple':
        return _multiple(dataset, name, keep, nets)
    if kind == 'categorical':
        return _categorical(dataset, dataset.variable(name), keep, nets)
    return _numeric(dataset, dataset.variable(name), keep)


def check_row(dataset: Dataset, name: str, nets=()) -> str:
    """The kind of row ``name`` makes (``'categorical'``, ``'multiple'``, ``'numeric'``).

    Raises :class:`SpecificationError` for text and date variables, nets of a numeric
    variable and nets naming items a multiple-response set does not have.
    """
    if name in dataset.mr_sets:
        items = dataset.mr_set(name).variables
        for label, net_items in nets:
            unknown = [item for item in net_items if item not in items]
            if unknown:
                raise SpecificationError(_('The net %(label)s of %(name)s names items that '
                                           '%(name)s does not have: %(codes)s.', label=label,
                                           name=name, codes=', '.join(map(str, unknown))))
        return 'multiple'
    variable = dataset.variable(name)
    if variable.kind != 'numeric':
        raise SpecificationError(_('%(name)s is a %(kind)s variable; a table row needs a '
                                   'categorical, multiple-response or numeric variable.',
                                   name=name, kind=variable.kind))
    if variable.is_categorical:
        return 'categorical'
    if nets:
        raise SpecificationError(_('%(name)s is numeric; nets need categories or items.',
                                   name=name))
    return 'numeric'



def _numbers(dataset: Dataset, name: str) -> np.ndarray:
    try:
        values = dataset.values(name).to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise SpecificationError(_('%(name)s has values that are not numbers.',
                                   name=name)) from None
    if np.isinf(values).any():
        raise AnalysisError(_('The values of %(name)s must not be infinite.', name=name))
    return values


def _categorical(dataset, variable, keep, nets) -> RowVariable:
    values = _numbers(dataset, variable.name)
    missing = {float(code) for code in variable.missing_values}
    codes = [code for code in variable.value_labels if float(code) not in missing]
    positions = code_positions(values, codes)
    unlabelled = values[(positions == len(codes)) & ~np.isnan(values)]
    if unlabelled.size:
        codes += [_plain(code) for code in np.unique(unlabelled)]
        if variable.measure == 'ordinal':  # a scale labelled at its ends: 0, 1, ..., 10
            codes.sort(key=float)
        positions = code_positions(values, codes)
    size = len(codes)
    positions[~keep] = size
    rows = [TableRow(code_key(code), variable.value_label(code), 'category') for code in codes]
    as_float = [float(code) for code in codes]
    net_positions = []
    for label, net_codes in nets:
        try:
            wanted = [as_float.index(float(code)) for code in net_codes]
        except (TypeError, ValueError):
            raise SpecificationError(_('The net %(label)s of %(name)s names codes that '
                                       '%(name)s does not have: %(codes)s.', label=label,
                                       name=variable.name,
                                       codes=', '.join(map(str, net_codes)))) from None
        net_positions.append(sorted(set(wanted)))
        rows.append(TableRow(f'net:{label}', label, 'net'))
    expand = None
    if net_positions:  # a net adds up its categories: one more column of the expansion
        expand = np.eye(size)
        expand = np.column_stack([expand] + [expand[:, p].sum(axis=1) for p in net_positions])
    layout = RowLayout(len(rows), positions, size, positions < size, expand)
    return RowVariable(variable.name, variable.label, 'categorical', rows, layout,
                       n_categories=size)


def _multiple(dataset, name, keep, nets) -> RowVariable:
    mr_set = dataset.mr_set(name)
    items = [_numbers(dataset, item) for item in mr_set.variables]
    answered = np.zeros(len(keep), dtype=bool)
    for values in items:
        answered |= ~np.isnan(values)
    answered &= keep
    mentions = [(values == mr_set.counted_value) & answered for values in items]
    rows = [TableRow(item, item_label(dataset, item), 'item') for item in mr_set.variables]
    net_items = []
    for label, members in nets:
        net_items.append([mr_set.variables.index(item) for item in members])
        rows.append(TableRow(f'net:{label}', label, 'net'))
    codes, n_codes, expand = pattern_codes(mentions, answered, net_items)
    layout = RowLayout(len(rows), codes, n_codes, answered, expand)
    base_layout = RowLayout(1, np.where(answered, 0, 1).astype(np.intp), 1, answered)
    return RowVariable(name, mr_set.label, 'multiple', rows, layout, base_layout)


def _numeric(dataset, variable, keep) -> RowVariable:
    values = _numbers(dataset, variable.name)
    valid = ~np.isnan(values) & keep
    centre = float(values[valid].mean()) if valid.any() else 0.0
    centred = np.where(valid, values - centre, 0.0)
    rows = [TableRow('mean', _('Mean'), 'mean'), TableRow('sd', _('Standard deviation'), 'sd'),
            TableRow('n', _('n'), 'n')]
    layout = RowLayout(1, np.where(valid, 0, 1).astype(np.intp), 1, valid)
    return RowVariable(variable.name, variable.label, 'numeric', rows, layout,
                       values=centred, centre=centre)


def banner_layout(dataset: Dataset, name: str) -> BannerLayout:
    """The columns of banner variable ``name`` and every respondent's column code."""
    if name in dataset.mr_sets:
        mr_set = dataset.mr_set(name)
        if len(mr_set.variables) < 2:
            raise SpecificationError(_('%(name)s has only one category; a banner needs at '
                                       'least two.', name=name))
        items = [dataset.values(item).to_numpy(dtype=float) == mr_set.counted_value
                 for item in mr_set.variables]
        labels = [item_label(dataset, item) for item in mr_set.variables]
        codes, n_codes, expand = pattern_codes(items)
        return BannerLayout(name, mr_set.label, True, list(zip(mr_set.variables, labels)),
                            codes, n_codes, expand)
    variable = dataset.variable(name)
    if not variable.is_categorical:
        raise SpecificationError(_('%(name)s cannot be a banner: it needs value labels '
                                   '(a categorical variable) or must be a multiple-response '
                                   'set.', name=name))
    missing = {float(code) for code in variable.missing_values}
    codes = [code for code in variable.value_labels if float(code) not in missing]
    if len(codes) < 2:
        raise SpecificationError(_('%(name)s has only one category; a banner needs at least '
                                   'two.', name=name))
    positions = code_positions(dataset.values(name).to_numpy(dtype=float), codes)
    return BannerLayout(name, variable.label, False,
                        [(code, variable.value_labels[code]) for code in codes], positions,
                        len(codes))


def item_label(dataset: Dataset, item: str) -> str:
    """An item's own label: the part after "Question?: " of the item variable's label."""
    label = dataset.variable(item).label
    return label.rsplit(': ', 1)[-1] if label else item


def _plain(code):
    code = float(code)
    return int(code) if code.is_integer() else code


def code_key(code) -> str:
    """``1`` and ``1.0`` → ``'1'``; other codes as written."""
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)
