"""Topline statistics of one variable: frequencies, multiple response, descriptives, NPS.

Every function takes a :class:`~analysis.dataset.Dataset` and a variable name, plus the name of
a weight variable (``None`` for unweighted). User-missing codes count as missing. Respondents
whose weight is zero drop out entirely, from weighted *and* unweighted counts, so the
unweighted count is always the number of respondents behind a weighted figure. The effective
base is Kish's ``(Σw)² / Σw²``. Formulas and sources: ``docs/statistics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from .errors import AnalysisError, SpecificationError
from .i18n import _
from .stats import _sample, _z, effective_n

#: Ordinal scales with at most this many points list every point, chosen or not.
MAX_SCALE_POINTS = 20
FREQUENCY_COLUMNS = ['code', 'label', 'count', 'unweighted_count', 'percent', 'valid_percent']
MR_COLUMNS = ['variable', 'label', 'count', 'unweighted_count', 'percent_of_respondents',
              'percent_of_mentions']


def _percent(part, whole):
    """``100 · part / whole``, NaN (without a warning) where ``whole`` is zero."""
    part = np.asarray(part, dtype=float)
    if whole <= 0:
        return np.full(part.shape, np.nan)
    return 100 * part / whole


def _column(dataset, name, weight):
    """The values of ``name`` and the weights, respondents with zero weight dropped."""
    values = dataset.values(name)
    weights = dataset.weight(weight)
    keep = weights > 0
    return values[keep], weights[keep]


def frequencies(dataset, name: str, weight: str | None = None) -> pd.DataFrame:
    """Frequency table of ``name``: one row per code, then one ``missing`` row.

    Rows are the value labels in display order (codes nobody chose included, user-missing
    codes excluded), then codes present in the data without a label (sorted; an ordinal scale
    of up to 20 points labelled only in places, like NPS, lists every point in order), then a
    row with
    ``code`` NaN for missing answers (NaN and user-missing codes). Columns:

    ``code``, ``label``; ``count`` (sum of weights) and ``unweighted_count`` (respondents);
    ``percent = 100 · count / base`` over all rows; ``valid_percent = 100 · count /
    valid_base`` over the non-missing rows (NaN on the missing row).

    ``df.attrs`` holds ``base`` (Σw of all respondents), ``valid_base`` (Σw of those with an
    answer), ``unweighted_base`` and ``unweighted_valid_base`` (respondents), and
    ``effective_base`` (Kish's effective n of the valid respondents). Percentages are NaN when
    their base is zero.
    """
    variable = dataset.variable(name)
    values, weights = _column(dataset, name, weight)
    missing = values.isna().to_numpy()
    valid = pd.DataFrame({'code': values.to_numpy()[~missing], 'w': weights[~missing]})
    try:
        grouped = valid.groupby('code', sort=True)['w'].agg(['sum', 'size'])
    except TypeError:  # mixed types in a text column do not sort
        grouped = valid.groupby('code', sort=False)['w'].agg(['sum', 'size'])
        grouped = grouped.loc[sorted(grouped.index, key=str)]
    labelled = [code for code in variable.value_labels if code not in variable.missing_values]
    labelled_set = set(labelled)
    codes = labelled + [code for code in grouped.index if code not in labelled_set]
    codes = _scale_points(variable, labelled, codes)
    counts = grouped['sum'].reindex(codes, fill_value=0.0).to_numpy(dtype=float)
    unweighted = grouped['size'].reindex(codes, fill_value=0).to_numpy(dtype=np.int64)
    base, valid_base = float(weights.sum()), float(weights[~missing].sum())
    table = pd.DataFrame({
        'code': codes + [np.nan],
        'label': [variable.value_label(code) for code in codes] + [_('Missing')],
        'count': np.append(counts, weights[missing].sum()),
        'unweighted_count': np.append(unweighted, int(missing.sum())),
    })
    table['percent'] = _percent(table['count'], base)
    table['valid_percent'] = np.append(_percent(counts, valid_base), np.nan)
    table.attrs.update(base=base, valid_base=valid_base, unweighted_base=int(len(values)),
                       unweighted_valid_base=int((~missing).sum()),
                       effective_base=effective_n(weights[~missing]))
    return table


def _scale_points(variable, labelled, codes) -> list:
    """Every point of an ordinal scale labelled only in places (NPS: 0 and 10), in order.

    Other variables keep ``codes`` as they are: labelled codes first, then unlabelled ones.
    """
    if variable.kind != 'numeric' or variable.measure != 'ordinal' or len(labelled) < 2:
        return codes
    if not all(float(code).is_integer() for code in codes):
        return codes
    low, high = int(min(map(float, codes))), int(max(map(float, codes)))
    if high - low > MAX_SCALE_POINTS or len(labelled) == high - low + 1:
        return sorted(codes, key=float) if len(codes) > len(labelled) else codes
    missing = {float(code) for code in variable.missing_values}
    return [point for point in range(low, high + 1) if float(point) not in missing]


def _item_label(variable) -> str:
    return variable.label.rsplit(': ', 1)[-1] if variable.label else variable.name


def multiple_response(dataset, set_name: str, weight: str | None = None) -> pd.DataFrame:
    """Counts of a multiple-response set: one row per item, in questionnaire order.

    The base is the respondents with at least one non-missing item (those who never saw the
    question have NaN in every item). An item is mentioned when it equals the set's
    ``counted_value``. Columns: ``variable``, ``label`` (the part of the item's label after
    the last ``': '``), ``count`` (Σw of mentions), ``unweighted_count``,
    ``percent_of_respondents = 100 · count / base`` (adds up to more than 100) and
    ``percent_of_mentions = 100 · count / Σ counts`` (adds up to 100).

    ``df.attrs`` holds ``base``, ``unweighted_base``, ``effective_base`` and ``mentions``
    (weighted total of mentions).

    Raises
    ------
    UnknownVariableError
        If ``set_name`` is not a multiple-response set of the dataset.
    """
    mr_set = dataset.mr_set(set_name)
    weights = dataset.weight(weight)
    keep = weights > 0
    items = pd.DataFrame({item: dataset.values(item).to_numpy()[keep]
                          for item in mr_set.variables})
    weights = weights[keep]
    answered = items.notna().any(axis=1).to_numpy()
    mentioned = (items == mr_set.counted_value).to_numpy() & answered[:, None]
    counts = weights @ mentioned
    base = float(weights[answered].sum())
    mentions = float(counts.sum())
    table = pd.DataFrame({
        'variable': list(mr_set.variables),
        'label': [_item_label(dataset.variable(item)) for item in mr_set.variables],
        'count': counts.astype(float),
        'unweighted_count': mentioned.sum(axis=0).astype(np.int64),
        'percent_of_respondents': _percent(counts, base),
        'percent_of_mentions': _percent(counts, mentions),
    })
    table.attrs.update(base=base, unweighted_base=int(answered.sum()),
                       effective_base=effective_n(weights[answered]), mentions=mentions)
    return table


def _numeric(dataset, name, weight):
    variable = dataset.variable(name)
    if variable.kind != 'numeric':
        raise AnalysisError(_('Variable %(name)s holds %(kind)s values, not numbers; it has no '
                              'mean.', name=name, kind=variable.kind))
    values, weights = _column(dataset, name, weight)
    values = values.to_numpy(dtype=float)
    valid = ~np.isnan(values)
    if not valid.any():
        raise AnalysisError(_('Variable %(name)s has no valid answers.', name=name))
    return values[valid], weights[valid]


def weighted_median(values, weights) -> float:
    """The weighted median: SAS's weighted-percentile definition at p = 0.5.

    Sort the distinct values ``y_1 < y_2 < …`` with summed weights and cumulative sums
    ``s_j``, total ``W``. If ``W/2`` falls strictly between ``s_j`` and ``s_(j+1)``, the median
    is ``y_(j+1)``; if ``W/2 = s_j`` it is ``(y_j + y_(j+1)) / 2``. With equal weights this is
    the ordinary median. (SAS PROC UNIVARIATE, "Weighted Percentiles"; also statsmodels
    ``DescrStatsW.quantile``.)
    """
    order = np.argsort(values, kind='stable')
    distinct, starts = np.unique(np.asarray(values)[order], return_index=True)
    cumulative = np.cumsum(np.add.reduceat(np.asarray(weights)[order], starts))
    half = cumulative[-1] / 2
    j = int(np.searchsorted(cumulative, half))  # first s_j >= W/2
    if np.isclose(cumulative[j], half, rtol=1e-12, atol=0) and j + 1 < len(distinct):
        return float((distinct[j] + distinct[j + 1]) / 2)
    return float(distinct[j])


@dataclass(frozen=True)
class Description:
    """Descriptive statistics of a numeric variable (see :func:`describe`)."""

    #: Respondents with a valid answer (unweighted).
    n: int
    #: Σw of those respondents.
    weighted_n: float
    #: Kish's effective n, ``(Σw)² / Σw²``.
    effective_n: float
    mean: float
    median: float
    sd: float
    #: Standard error of the mean, ``sd / sqrt(effective_n)``.
    se: float
    ci_low: float
    ci_high: float
    minimum: float
    maximum: float
    confidence: float = 0.95


def describe(dataset, name: str, weight: str | None = None,
             confidence: float = 0.95) -> Description:
    """Mean, median, standard deviation and a t confidence interval of a numeric variable.

    With weights ``w`` (ones if unweighted) and ``n_eff = (Σw)² / Σw²`` (Kish 1965)::

        mean = Σw·x / Σw
        sd   = sqrt( [Σw·(x − mean)² / Σw] · n_eff / (n_eff − 1) )
        se   = sd / sqrt(n_eff)
        CI   = mean ± t_(1−α/2, n_eff − 1) · se

    Unweighted these are the usual sample SD (``ddof = 1``), ``scipy.stats.sem`` and the
    Student t interval. Weighted, they equal statsmodels ``DescrStatsW(x, w · n_eff / Σw,
    ddof=1)`` — weights rescaled to sum to the effective n and treated as frequencies. The
    median is :func:`weighted_median`. ``sd``, ``se`` and the interval are NaN when
    ``n_eff ≤ 1``.

    Raises
    ------
    AnalysisError
        For a text or date variable, or when there are no valid answers.
    """
    _z(confidence)  # validates the level
    values, weights = _numeric(dataset, name, weight)
    total = float(weights.sum())
    n_eff = effective_n(weights)
    mean = float(np.sum(weights * values) / total)
    sd = se = low = high = np.nan
    if n_eff > 1 and len(values) > 1:
        sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2) / total * n_eff / (n_eff - 1)))
        se = sd / np.sqrt(n_eff)
        half = float(sps.t.ppf(0.5 + confidence / 2, n_eff - 1)) * se
        low, high = mean - half, mean + half
    return Description(int(len(values)), total, n_eff, mean, weighted_median(values, weights),
                       sd, float(se), float(low), float(high), float(values.min()),
                       float(values.max()), confidence)


@dataclass(frozen=True)
class BoxScores:
    """Top- and bottom-box shares of a rating scale (see :func:`box_scores`)."""

    #: Percent of the valid base giving one of ``top_codes``.
    top_percent: float
    bottom_percent: float
    #: The highest labelled codes, highest first.
    top_codes: tuple
    #: The lowest labelled codes, lowest first.
    bottom_codes: tuple
    #: Σw of respondents with a valid answer.
    base: float
    unweighted_base: int


def box_scores(dataset, name: str, top: int = 2, bottom: int = 2,
               weight: str | None = None) -> BoxScores:
    """Top-``top`` and bottom-``bottom`` box percentages of a labelled rating scale.

    The boxes are the ``top`` highest and ``bottom`` lowest codes among the variable's value
    labels (user-missing codes excluded). ``top_percent = 100 · Σw[x ∈ top codes] / Σw[x
    valid]``; likewise ``bottom_percent``. Both are NaN when the base is zero.

    Raises
    ------
    SpecificationError
        If the variable has no value labels, or ``top``/``bottom`` are not between 1 and the
        number of labelled codes, or the boxes overlap.
    """
    variable = dataset.variable(name)
    codes = sorted(code for code in variable.value_labels
                   if code not in variable.missing_values)
    if variable.kind != 'numeric' or not codes:
        raise SpecificationError(_('Variable %(name)s is not a rating scale with value labels; '
                                   'box scores need its codes.', name=name))
    if not (1 <= top and 1 <= bottom and top + bottom <= len(codes)):
        raise SpecificationError(_('Top %(top)s and bottom %(bottom)s boxes do not fit a scale '
                                   'of %(count)d codes.', top=top, bottom=bottom,
                                   count=len(codes)))
    top_codes, bottom_codes = tuple(codes[::-1][:top]), tuple(codes[:bottom])
    values, weights = _column(dataset, name, weight)
    valid = values.notna().to_numpy()
    base = float(weights[valid].sum())
    in_top = values.isin(top_codes).to_numpy()
    in_bottom = values.isin(bottom_codes).to_numpy()
    return BoxScores(float(_percent(weights[in_top].sum(), base)),
                     float(_percent(weights[in_bottom].sum(), base)),
                     top_codes, bottom_codes, base, int(valid.sum()))


@dataclass(frozen=True)
class NPSResult:
    """Net Promoter Score of a 0–10 recommendation question (see :func:`nps`)."""

    #: ``promoters − detractors``, from −100 to 100.
    score: float
    #: Shares of the valid answers, in %.
    promoters: float
    passives: float
    detractors: float
    #: Valid answers (unweighted).
    n: int
    effective_n: float
    #: Standard error of ``score``, in NPS points.
    se: float
    ci_low: float
    ci_high: float
    confidence: float = 0.95


def nps(values, weights=None, confidence: float = 0.95) -> NPSResult:
    """Net Promoter Score with its standard error and a normal (Wald) confidence interval.

    Promoters answer 9–10, passives 7–8, detractors 0–6 (Reichheld 2003). With weighted
    shares ``p_P``, ``p_D`` and ``n_eff = (Σw)² / Σw²`` (equal to ``n`` unweighted)::

        NPS = 100 · (p_P − p_D)
        Var(p_P − p_D) = [p_P + p_D − (p_P − p_D)²] / n_eff
        se = 100 · sqrt(Var),   CI = NPS ± z_(1−α/2) · se, clipped to [−100, 100]

    the variance of a difference of two proportions of one multinomial sample (Rocks 2016).
    NaN answers and zero weights are dropped.

    Raises
    ------
    AnalysisError
        For answers that are not whole numbers from 0 to 10, or when no answers are left.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
    81(12). Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American
    Statistician* 70(4), 365–372.
    """
    z = _z(confidence)
    values, weights = _sample(np.asarray(values, dtype=float), weights, 'NPS')
    bad = (values < 0) | (values > 10) | (values != np.round(values))
    if bad.any():
        raise AnalysisError(_('NPS answers must be whole numbers from 0 to 10; %(count)d are '
                              'not (e.g. %(value)s).', count=int(bad.sum()),
                              value=f'{values[bad][0]:g}'))
    if not len(values):
        raise AnalysisError(_('There are no valid NPS answers.'))
    total = weights.sum()
    promoters = float(weights[values >= 9].sum() / total)
    passives = float(weights[(values >= 7) & (values <= 8)].sum() / total)
    detractors = float(weights[values <= 6].sum() / total)
    n_eff = effective_n(weights)
    net = promoters - detractors
    se = 100 * float(np.sqrt(max(promoters + detractors - net ** 2, 0.0) / n_eff))
    score = 100 * net
    return NPSResult(score, 100 * promoters, 100 * passives,
                     100 * detractors, int(len(values)), n_eff, se,
                     max(-100.0, score - z * se), min(100.0, score + z * se), confidence)


def nps_of(dataset, name: str, weight: str | None = None,
           confidence: float = 0.95) -> NPSResult:
    """:func:`nps` of the variable ``name`` (user-missing codes excluded)."""
    variable = dataset.variable(name)
    if variable.kind != 'numeric':
        raise AnalysisError(_('Variable %(name)s holds %(kind)s values, not 0–10 ratings.',
                              name=name, kind=variable.kind))
    values, weights = _column(dataset, name, weight)
    return nps(values.to_numpy(dtype=float), weights, confidence)
