"""Vectorised counting for banner tables: one ``np.bincount`` per row variable × banner variable.

Every row variable and every banner variable is *coded*: each respondent gets one code in
``0 … P − 1`` (``P`` = not counted), plus an optional expansion matrix ``E`` (``P × k``, 0/1)
from codes to table rows or banner columns:

* a single-coded variable's code is the position of its value (``E`` = identity);
* a multiple-response set's code is the respondent's *pattern* of mentioned items (bit ``j``
  set when item ``j`` is mentioned; patterns that occur are numbered when there are more than
  ``2**12`` possible), and ``E[p, j]`` says whether pattern ``p`` contains item ``j`` — a net of
  items is one more column of ``E`` (the OR of its items).

Every sum of a table — weighted counts, unweighted counts, Σw² for effective bases, Σw·y and
Σw·y² for means, the overlap of two multiple-response columns — is then one pass over the
respondents, ``S = bincount(row_code · (Q + 1) + column_code, weights)``, followed by the small
matrix products ``E_rowᵀ · S · E_column``: no Python loop over respondents, cells or rows and no
``groupby``, whatever the kinds of the row and banner variables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Up to this many items, a multiple-response set's codes are all ``2**k`` patterns.
DIRECT_PATTERN_BITS = 12
#: Above this many ``(row code, column code)`` cells, sums use membership matrices instead.
MAX_BINS = 1 << 22


def code_positions(values: np.ndarray, codes) -> np.ndarray:
    """The position of each value in ``codes`` (``len(codes)`` for NaN and unknown values)."""
    codes = np.asarray(codes, dtype=float)
    if not len(codes):
        return np.zeros(len(values), dtype=np.intp)
    low, high = codes.min(), codes.max()
    if (codes == np.floor(codes)).all() and high - low < 100_000:
        # Whole-number codes: a lookup table is several times faster than a binary search.
        span = high - low
        table = np.full(int(span) + 2, len(codes), dtype=np.intp)  # the last slot: no code
        table[(codes - low).astype(np.intp)] = np.arange(len(codes))
        offsets = values - low
        # fmax/fmin send NaN to -1 (the last slot) and keep every offset inside the table.
        clipped = np.fmin(np.fmax(offsets, -1.0), span + 1).astype(np.intp)
        found = table[clipped]
        return np.where(clipped == offsets, found, len(codes))  # 1.5 is not code 1
    order = np.argsort(codes, kind='stable')
    ordered = codes[order]
    found = np.clip(np.searchsorted(ordered, values), 0, len(codes) - 1)
    hit = ordered[found] == values
    return np.where(hit, order[found], len(codes)).astype(np.intp)


def pattern_codes(members, valid=None, nets=()):
    """Code respondents by their pattern of ``members`` (boolean arrays, one per item).

    Returns ``(codes, n_codes, expand)``: respondents outside ``valid`` get ``n_codes``;
    ``expand`` has one column per item, then one per net (a list of item positions).
    """
    k = len(members)
    if k <= 62:
        bits = np.zeros(len(members[0]), dtype=np.int64)
        for j, member in enumerate(members):
            bits |= member.astype(np.int64) << j
        if k <= DIRECT_PATTERN_BITS:
            codes, patterns = bits, np.arange(1 << k, dtype=np.int64)
        else:
            patterns, codes = np.unique(bits, return_inverse=True)
        expand = ((patterns[:, None] >> np.arange(k)) & 1).astype(float)
    else:  # more items than bits in an integer: number the distinct rows of the 0/1 matrix
        matrix = np.column_stack(members)
        rows, codes = np.unique(matrix, axis=0, return_inverse=True)
        expand = rows.astype(float)
    codes = np.asarray(codes, dtype=np.intp).ravel()
    n_codes = expand.shape[0]
    if valid is not None:
        codes = np.where(valid, codes, n_codes)
    if nets:
        expand = np.column_stack([expand] + [expand[:, list(items)].max(axis=1)
                                             for items in nets])
    return codes, n_codes, expand


@dataclass
class BannerLayout:
    """The columns of one banner variable and the respondents' column codes."""

    name: str
    label: str
    is_multiple: bool
    #: ``(code, label)`` per column: the value code, or the item variable name of an MR set.
    columns: list
    #: Code per respondent in ``0 … n_codes`` (``n_codes`` = in no column).
    codes: np.ndarray
    n_codes: int
    #: ``(n_codes, columns)`` 0/1 matrix from codes to columns; ``None`` = identity.
    expand: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.columns)


@dataclass
class RowLayout:
    """A row variable's codes per respondent and the table rows they expand to."""

    #: Number of counted rows (categories or items; nets of items included).
    size: int
    #: Code per respondent in ``0 … n_codes`` (``n_codes`` = not counted).
    codes: np.ndarray
    n_codes: int
    #: Respondents in the base (valid answer, positive weight).
    valid: np.ndarray
    #: ``(n_codes, size)`` 0/1 matrix from codes to rows; ``None`` = identity.
    expand: np.ndarray | None = None


def _membership(codes, n_codes, expand) -> np.ndarray:
    """``(n, columns)`` 0/1 matrix of a coded variable (uncounted respondents all zero)."""
    table = np.eye(n_codes) if expand is None else expand
    table = np.vstack([table, np.zeros((1, table.shape[1]))])
    return table[codes]


def cross_sums(layout: RowLayout, banner: BannerLayout | None, vectors,
               stride: int = 0, buffer: np.ndarray | None = None) -> np.ndarray:
    """Sums of ``vectors`` per table row and column: ``(len(vectors), rows, columns)``.

    ``vectors`` are per-respondent arrays (``None`` counts respondents). With ``banner=None``
    the single column is the Total (every respondent counted in the row variable). ``stride``
    (at least ``n_codes + 1`` of every banner variable) lets all banner variables share the row
    offsets ``row_code · stride``, computed once per row variable; ``buffer`` (``n`` integers)
    saves allocating the combined codes for every banner variable.
    """
    p = layout.n_codes
    q, column_codes = (1, 0) if banner is None else (banner.n_codes, banner.codes)
    stride = max(stride, q + 1)
    if (p + 1) * stride > MAX_BINS:
        rows = _membership(layout.codes, p, layout.expand)
        if banner is None:
            return np.stack([(rows.sum(axis=0) if v is None else v @ rows)[:, None]
                             for v in vectors])
        columns = _membership(banner.codes, q, banner.expand)
        return np.stack([(rows if v is None else rows * v[:, None]).T @ columns
                         for v in vectors])
    cached = layout.__dict__.get('_offsets')
    if cached is None or cached[0] != stride:
        cached = layout.__dict__['_offsets'] = (stride, layout.codes * stride)
    combined = cached[1] if banner is None else np.add(cached[1], column_codes, out=buffer)
    sums = np.stack([np.bincount(combined, v, minlength=(p + 1) * stride)
                     .reshape(p + 1, stride)[:p, :q] for v in vectors]).astype(float)
    if layout.expand is not None:
        sums = layout.expand.T @ sums
    if banner is not None and banner.expand is not None:
        sums = sums @ banner.expand
    return sums


def column_totals(banners, vector: np.ndarray, members=None) -> np.ndarray:
    """Σ ``vector`` per column, Total first, over ``members`` (respondent positions; all if
    ``None``): one short ``bincount`` per banner variable."""
    if members is not None:
        vector = vector[members]
    parts = [np.array([vector.sum()])]
    for banner in banners:
        codes = banner.codes if members is None else banner.codes[members]
        sums = np.bincount(codes, vector, minlength=banner.n_codes + 1)[:banner.n_codes]
        parts.append(sums if banner.expand is None else sums @ banner.expand)
    return np.concatenate(parts)


class TableCounter:
    """Counts every table of one fit against the same banner layouts and weights.

    Parameters
    ----------
    banners : list of BannerLayout
    weights : array or None
        Per-respondent weights (``None``: unweighted).
    keep : bool array
        Respondents with a positive weight (the others drop out of everything).
    """

    def __init__(self, banners, weights, keep):
        self.banners = banners
        self.weighted = weights is not None
        self.weights = weights if self.weighted else np.ones(len(keep))
        self.squares = weights ** 2 if self.weighted else self.weights
        self.keep = keep
        self.buffer = np.empty(len(keep), dtype=np.intp)
        #: One stride for all banner variables, so row offsets are computed once per row.
        self.stride = max([2] + [banner.n_codes + 1 for banner in banners])
        members = None if keep.all() else np.flatnonzero(keep)
        self.kept_squares = column_totals(banners, self.squares, members) \
            if self.weighted else None
        self._masked = (None, None)

    def sums(self, layout: RowLayout, vectors) -> np.ndarray:
        """``(len(vectors), rows, 1 + columns)`` sums: Total, then every banner variable."""
        parts = [cross_sums(layout, None, vectors, self.stride)]
        parts += [cross_sums(layout, banner, vectors, self.stride, self.buffer)
                  for banner in self.banners]
        return np.concatenate(parts, axis=2)

    def square_bases(self, valid: np.ndarray) -> np.ndarray:
        """Σw² per column over ``valid`` respondents: all kept ones minus the few left out."""
        left_out = np.flatnonzero(self.keep & ~valid)
        if 2 * len(left_out) > len(valid):
            return column_totals(self.banners, self.squares, np.flatnonzero(valid))
        missing = column_totals(self.banners, self.squares, left_out)
        return np.maximum(self.kept_squares - missing, 0.0)

    def overlap(self, valid: np.ndarray, banner: BannerLayout):
        """Σw and Σw² over the ``valid`` respondents in both columns of every pair of a
        multiple-response banner: two ``(k, k)`` matrices ``Eᵀ·diag(s)·E`` from the sums ``s``
        per membership pattern."""
        if self._masked[0] is not valid:
            self._masked = (valid, [np.where(valid, v, 0.0) for v in (self.weights,
                                                                      self.squares)])
        results = []
        for masked in self._masked[1]:
            if banner.n_codes + 1 > MAX_BINS:
                matrix = _membership(banner.codes, banner.n_codes, banner.expand)
                results.append(matrix.T @ (matrix * masked[:, None]))
                continue
            per_code = np.bincount(banner.codes, masked, minlength=banner.n_codes + 1)
            expand = banner.expand if banner.expand is not None else np.eye(banner.n_codes)
            results.append(expand.T @ (per_code[:banner.n_codes, None] * expand))
        return results[0], results[1]
