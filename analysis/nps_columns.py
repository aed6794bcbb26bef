"""Net Promoter Score per banner column, with significance letters between columns.

A banner table of a 0–10 recommendation item already holds, per column, the weighted counts
of every score and the effective base. From them each column's NPS and its variance follow
(Rocks 2016, see :func:`analysis.stats.nps_difference_test`)::

    NPS = 100 · (p_P − p_D),   Var = 100² · [p_P + p_D − (p_P − p_D)²] / e

with promoters P = 9–10, detractors D = 0–6 and ``e`` the column's effective base (Kish).
Columns of the same banner variable are compared pairwise with the z test of the difference,
``z = (NPS_a − NPS_b) / sqrt(Var_a + Var_b)``, two-sided; the higher column gets the lower
one's letter in upper case when ``p <`` the stricter alpha, in lower case when only ``p <``
the looser one. Columns below ``min_base`` respondents are not tested, nor are the columns of a
multiple-response banner (they share respondents, which this test assumes they do not).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as sps

from .column_tests import check_alphas
from .errors import SpecificationError
from .i18n import _

PROMOTERS, DETRACTORS = range(9, 11), range(0, 7)
NPS_COLUMNS = ['score', 'se', 'base', 'effective_base', 'letters']


def nps_by_column(table, alphas=(0.05, 0.10), min_base: int = 30) -> pd.DataFrame:
    """NPS of every column of ``table`` (a categorical :class:`TableResult` of a 0–10 item).

    Returns a DataFrame indexed by column key with :data:`NPS_COLUMNS`.
    """
    alphas = check_alphas(alphas)
    codes = {row.key: float(row.key) for row in table.rows if row.kind == 'category'}
    if not {0.0, 10.0} <= set(codes.values()) or any(
            code not in range(0, 11) for code in codes.values()):
        raise SpecificationError(_('%(name)s is not a 0–10 recommendation scale, so it has no '
                                   'Net Promoter Score.', name=table.name))
    counts = table.counts.loc[list(codes)]
    scores = np.array([codes[key] for key in codes])
    promoters = counts[np.isin(scores, PROMOTERS)].sum()
    detractors = counts[np.isin(scores, DETRACTORS)].sum()
    base = counts.sum()
    effective = table.bases.loc['effective']
    unweighted = table.bases.loc['unweighted']
    with np.errstate(divide='ignore', invalid='ignore'):
        p_promoters, p_detractors = promoters / base, detractors / base
        score = 100 * (p_promoters - p_detractors)
        variance = 1e4 * (p_promoters + p_detractors - (p_promoters - p_detractors) ** 2) \
            / effective
    result = pd.DataFrame({'score': score, 'se': np.sqrt(variance), 'base': base,
                           'effective_base': effective, 'letters': ''})
    letters = {column.key: column.letter for column in table.columns}
    groups: dict = {}
    for column in table.columns:
        if column.banner_variable is not None and not isinstance(column.code, str):
            groups.setdefault(column.banner_variable, []).append(column.key)
    for keys in groups.values():
        for a, b in combinations(keys, 2):
            if min(unweighted[a], unweighted[b]) < min_base:
                continue
            se = float(np.hypot(result.at[a, 'se'], result.at[b, 'se']))
            if not se > 0:
                continue
            difference = float(result.at[a, 'score'] - result.at[b, 'score'])
            p_value = float(2 * sps.norm.sf(abs(difference / se)))
            higher, lower = (a, b) if difference > 0 else (b, a)
            if p_value < alphas[0]:
                result.at[higher, 'letters'] += letters[lower].upper()
            elif len(alphas) > 1 and p_value < alphas[1]:
                result.at[higher, 'letters'] += letters[lower].lower()
    return result[NPS_COLUMNS]
