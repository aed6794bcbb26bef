"""What the report pages compute: the weighted, filtered dataset and the topline report."""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis import toplines
from analysis.dataset import Dataset
from analysis.errors import AnalysisError
from research.imports.datasets import load_imported
from research.reports.datasets import build_dataset, dataset_source
from research.reports.filters import filter_mask, question_specs, variable_specs
from research.reports.weights import attach_weights

#: Ordinal items with at least this many codes get top-2 / bottom-2 box scores.
BOX_SCORE_MIN_CODES = 4


@dataclass
class AnalysisData:
    """A survey's analysable data: the dataset with its weights, and the questions' specs."""

    dataset: Dataset
    specs: dict
    fingerprint: str
    #: ``{weight name: why it could not be computed}``.
    weight_problems: dict = field(default_factory=dict)

    @property
    def weights(self) -> tuple:
        return self.dataset.weight_names

    def filtered(self, source: str | None) -> Dataset:
        """The respondents matching ``source`` (:class:`FilterError` for a bad filter)."""
        if not (source or "").strip():
            return self.dataset
        return self.dataset.subset(filter_mask(self.dataset, self.specs, source))


def load_analysis(survey) -> AnalysisData:
    """The survey's complete, valid responses (or its imported file) with every weight scheme
    applied; an imported survey whose file is gone raises ``ImportedDataMissing``."""
    if survey.is_imported:
        dataset, fingerprint = load_imported(survey)
        specs = variable_specs(dataset)
    else:
        source = dataset_source(survey)
        dataset = build_dataset(survey, source=source)
        specs, fingerprint = question_specs(source.versions), source.fingerprint
    dataset, problems = attach_weights(dataset, survey, fingerprint)
    return AnalysisData(dataset, specs, fingerprint, problems)


@dataclass
class ToplineSection:
    """One questionnaire item in the topline report."""

    #: ``single``, ``multiple``, ``grid``, ``numeric``, ``nps`` or ``text``.
    kind: str
    name: str
    label: str
    #: ``[(Variable, frequencies DataFrame | Description | None, BoxScores | None)]``
    items: list = field(default_factory=list)
    #: Multiple-response table, or NPS result, when the kind has one.
    summary: object = None
    #: Number of non-empty answers (open questions).
    answered: int = 0


def topline_sections(data: AnalysisData, dataset: Dataset, weight: str | None,
                     only: str | None = None) -> list:
    """The topline report of every question (or just the question ``only``), in order."""
    groups: dict[str, list] = {}
    for variable in dataset.analysable():
        if variable.role == "key":
            continue
        groups.setdefault(variable.question or variable.name, []).append(variable)
    sections = []
    for name, variables in groups.items():
        if only is not None and name != only:
            continue
        spec = data.specs.get(name) or {}
        label = _question_label(variables)
        section = _section(dataset, weight, name, label, variables, spec.get("type"))
        if section is not None:
            sections.append(section)
    return sections


def _question_label(variables) -> str:
    first = variables[0]
    return first.label.rsplit(": ", 1)[0] if len(variables) > 1 else first.label


def _section(dataset, weight, name, label, variables, question_type):
    first = variables[0]
    if first.mr_set and first.mr_set in dataset.mr_sets:
        return ToplineSection("multiple", name, label, summary=toplines.multiple_response(
            dataset, first.mr_set, weight))
    if first.kind == "string":
        answered = int(sum(dataset.data[v.name].fillna("").astype(str).str.strip().ne("").sum()
                           for v in variables))
        return ToplineSection("text", name, label, answered=answered)
    if first.kind != "numeric":
        return None
    if question_type == "nps":
        values = dataset.values(first.name)
        valid = values.notna()
        summary = None
        if valid.any():
            summary = toplines.nps(values[valid].to_numpy(),
                                   dataset.weight(weight)[valid.to_numpy()])
        return ToplineSection("nps", name, label, items=[
            (first, toplines.frequencies(dataset, first.name, weight), None)], summary=summary)
    items = []
    for variable in variables:
        if variable.is_categorical:
            items.append((variable, toplines.frequencies(dataset, variable.name, weight),
                          _boxes(dataset, variable, weight)))
        else:
            items.append((variable, _describe(dataset, variable.name, weight), None))
    kind = "grid" if len(variables) > 1 else (
        "single" if first.is_categorical else "numeric")
    return ToplineSection(kind, name, label, items=items)


def _boxes(dataset, variable, weight):
    if variable.measure != "ordinal" or len(variable.value_labels) < BOX_SCORE_MIN_CODES:
        return None
    try:
        return toplines.box_scores(dataset, variable.name, weight=weight)
    except AnalysisError:
        return None


def _describe(dataset, name, weight):
    try:
        return toplines.describe(dataset, name, weight)
    except AnalysisError:  # nobody answered it (in this subgroup)
        return None


def row_choices(dataset: Dataset) -> list:
    """``[(name, text)]`` of what can be a table row: sets, coded and numeric variables."""
    choices, seen_sets = [], set()
    for variable in dataset.analysable():
        if variable.mr_set and variable.mr_set in dataset.mr_sets:
            if variable.mr_set not in seen_sets:
                seen_sets.add(variable.mr_set)
                mr_set = dataset.mr_sets[variable.mr_set]
                choices.append((mr_set.name, f"{mr_set.name} — {mr_set.label}"))
        elif variable.kind == "numeric":
            choices.append((variable.name, f"{variable.name} — {variable.label}"))
    return choices


def banner_choices(dataset: Dataset) -> list:
    """``[(name, text)]`` of what can be a banner: coded variables and multiple-response sets."""
    return [(name, text) for name, text in row_choices(dataset)
            if name in dataset.mr_sets or dataset.variable(name).is_categorical]


def run_table(data: AnalysisData, spec: dict, rows=None):
    """The banner tables of ``spec`` (or of its ``rows`` only) on the current data.

    Raises FilterError / AnalysisError with the researcher-facing message.
    """
    from analysis.tables import BannerTable
    from research.reports.table_forms import parse_nets
    dataset = data.filtered(spec.get("filter"))
    rows = list(rows or spec["rows"])
    nets = {name: nets for name, nets in parse_nets(spec.get("nets") or "").items()
            if name in rows}
    alphas = (float(spec["alpha"]),) + ((float(spec["alpha_low"]),)
                                        if spec.get("alpha_low") else ())
    table = BannerTable(rows, spec["banner"], weight=spec.get("weight") or None, nets=nets,
                        preset=spec.get("preset") or "spss", alphas=alphas,
                        min_base=int(spec.get("min_base") or 30),
                        statistics=tuple(spec.get("statistics") or ("column_percent",)))
    return table.fit(dataset)


def nps_rows(data: AnalysisData, result, spec: dict) -> dict:
    """``{table name: NPS per column}`` for the tables of NPS questions in ``result``."""
    from analysis.nps_columns import nps_by_column
    alphas = (float(spec["alpha"]),) + ((float(spec["alpha_low"]),)
                                        if spec.get("alpha_low") else ())
    found = {}
    for table in result.tables:
        if (data.specs.get(table.name) or {}).get("type") != "nps":
            continue
        try:
            found[table.name] = nps_by_column(table, alphas,
                                              min_base=int(spec.get("min_base") or 30))
        except AnalysisError:
            continue
    return found
