"""A survey's report as :class:`analysis.report_content.Report`: toplines and banner tables.

The same numbers as the report pages: the topline of every question (weighted and filtered as
chosen) and banner tables (saved tables, or the builder's current table), each run on the
survey's current data with its own weight, filter and test settings. The PDF, PowerPoint and
Excel writers only lay the report out; nothing is computed there.
"""
from __future__ import annotations

import math
from dataclasses import replace

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from analysis.errors import AnalysisError
from analysis.report_content import Chart, Grid, Report, Section
from research.models.types import utcnow
from research.reports.filters import FilterError
from research.reports.services import run_table, topline_sections


def build_report(survey, data, *, weight=None, filter_source="", toplines=True,
                 tables=()) -> Report:
    """The report of ``survey``: toplines of ``data`` and the banner tables ``tables``.

    ``tables`` is ``[(name, spec)]`` in the order wanted (a saved table's name and spec).
    Raises :class:`FilterError` for a bad topline filter; a table whose spec no longer runs
    (a variable or weight gone) becomes a section saying why instead of failing the report.
    """
    sections = []
    notes = []
    if toplines:
        dataset = data.filtered(filter_source)
        notes.append(_("Toplines: %(n)s complete, valid responses", n=len(dataset)))
        if weight:
            notes.append(_("Toplines weighted by %(weight)s", weight=weight))
        if filter_source:
            notes.append(_("Toplines filtered by %(filter)s", filter=filter_source))
        for section in topline_sections(data, dataset, weight):
            sections.extend(topline_section(section, weighted=bool(weight)))
    for name, spec in tables:
        sections.extend(table_sections(data, name, spec))
    return Report(title=survey.title, subtitle=survey.study.title,
                  date=format_date(utcnow(), "long"), notes=tuple(notes),
                  sections=tuple(sections))


def table_sections(data, name, spec) -> list:
    """One section per row variable of the banner table ``spec`` (or one explaining why not)."""
    try:
        result = run_table(data, spec)
    except (AnalysisError, FilterError) as problem:
        return [Section("table", name, grid=Grid((_("The table could not be run"),),
                                                 ((str(problem),),), ("left",)))]
    sections = []
    for table in result.tables:
        title = f"{name}: {table.name}. {table.label}" if len(result.tables) > 1 else \
            f"{name}: {table.label or table.name}"
        sections.append(Section("table", title, table=table, base=_table_base(table),
                                notes=tuple(table.notes)))
    return sections


def _table_base(table) -> str:
    total = table.bases["Total"]
    text = _("Base: %(n)s respondents", n=_number(total["unweighted"], 0))
    if not math.isclose(total["weighted"], total["unweighted"]):
        text += " · " + _("weighted %(n)s", n=_number(total["weighted"], 1))
    return text


def topline_section(section, *, weighted=False) -> list:
    """A :class:`~research.reports.services.ToplineSection` as report sections (maybe none).

    Open questions give none (their verbatims are read on the open-answers page). A question
    mixing coded and numeric items gives one section for each; the text of an "other, please
    specify" answer is left out like an open question.
    """
    title = f"{section.name}. {section.label}"
    if section.kind == "multiple":
        return [_multiple(section, title, weighted)]
    if section.kind in ("single", "nps"):
        return [_single(section, title, weighted)]
    if section.kind not in ("grid", "numeric"):
        return []
    items = [item for item in section.items if item[0].kind == "numeric"]
    coded = [item for item in items if item[0].is_categorical]
    numeric = [item for item in items if not item[0].is_categorical]
    sections = []
    if len(coded) == 1:
        sections.append(_single(replace(section, kind="single", items=coded), title, weighted))
    elif coded:
        sections.append(_categorical_grid(replace(section, items=coded), title))
    if numeric:
        sections.append(_numeric(replace(section, items=numeric), title))
    return sections


def _single(section, title, weighted):
    _variable, table, boxes = section.items[0]
    valid = table[table["code"].notna()]
    chart = Chart("bar", tuple(valid["label"]),
                  ((_("Total"), tuple(_value(v) for v in valid["valid_percent"])),))
    rows = [(label, _number(count, 1 if weighted else 0), _percent(share))
            for label, count, share in zip(valid["label"], valid["count"],
                                           valid["valid_percent"])]
    notes = []
    if section.kind == "nps" and section.summary is not None:
        nps = section.summary
        notes.append(_("Net Promoter Score %(score)s (95%% CI %(low)s … %(high)s); promoters "
                       "%(promoters)s %%, detractors %(detractors)s %%",
                       score=_number(nps.score, 1), low=_number(nps.ci_low, 1),
                       high=_number(nps.ci_high, 1), promoters=_number(nps.promoters, 1),
                       detractors=_number(nps.detractors, 1)))
    if boxes is not None:
        notes.append(_("Top-2 box: %(top)s %%; bottom-2 box: %(bottom)s %%",
                       top=_number(boxes.top_percent, 1), bottom=_number(boxes.bottom_percent, 1)))
    grid = Grid((_("Answer"), _("Count"), _("Valid, %")), tuple(rows),
                ("left", "right", "right"))
    return Section("topline", title, chart=chart, grid=grid,
                   base=_valid_base(table.attrs, weighted), notes=tuple(notes))


def _multiple(section, title, weighted):
    table = section.summary
    chart = Chart("bar", tuple(table["label"]),
                  ((_("Total"), tuple(_value(v) for v in table["percent_of_respondents"])),))
    rows = tuple((label, _number(count, 1 if weighted else 0), _percent(share))
                 for label, count, share in zip(table["label"], table["count"],
                                                table["percent_of_respondents"]))
    grid = Grid((_("Option"), _("Count"), _("Respondents, %")), rows,
                ("left", "right", "right"))
    base = _("Base: %(n)s respondents who answered (multiple answers, so the percentages add "
             "up to more than 100)", n=_number(table.attrs.get("base"), 1 if weighted else 0))
    return Section("topline", title, chart=chart, grid=grid, base=base)


def _categorical_grid(section, title):
    first = section.items[0][0]
    codes = []
    for _variable, table, _boxes in section.items:
        for code in table["code"].dropna():
            if code not in codes:
                codes.append(code)
    labels = [first.value_label(code) for code in codes]
    series = []
    for position, code in enumerate(codes):
        values = []
        for _variable, table, _boxes in section.items:
            match = table[table["code"] == code]["valid_percent"]
            values.append(_value(match.iloc[0]) if len(match) else 0.0)
        series.append((labels[position], tuple(values)))
    items = tuple(v.label.rsplit(": ", 1)[-1] for v, _t, _b in section.items)
    chart = Chart("stacked", items, tuple(series))
    rows = tuple((item, *(_percent(values[i]) for _label, values in series))
                 for i, item in enumerate(items))
    grid = Grid(("",) + tuple(labels), rows, ("left",) + ("right",) * len(labels))
    bases = [table.attrs.get("unweighted_valid_base", 0) for _v, table, _b in section.items]
    base = _("Base: %(low)s–%(high)s respondents per statement", low=min(bases),
             high=max(bases)) if min(bases) != max(bases) else \
        _("Base: %(n)s respondents", n=bases[0])
    return Section("topline", title, chart=chart, grid=grid, base=base)


def _numeric(section, title):
    rows = []
    for variable, result, _boxes in section.items:
        label = variable.name if variable.name == section.name else \
            variable.label.rsplit(": ", 1)[-1]
        if result is None:
            rows.append((label, "0", "–", "–", "–", "–", "–"))
            continue
        rows.append((label, str(result.n), _number(result.mean, 2), _number(result.median, 2),
                     _number(result.sd, 2), _number(result.minimum, 0),
                     _number(result.maximum, 0)))
    grid = Grid(("", "n", _("Mean"), _("Median"), _("SD"), _("Min"), _("Max")), tuple(rows),
                ("left",) + ("right",) * 6)
    answered = {result.n for _variable, result, _boxes in section.items if result is not None}
    base = _("Base: %(n)s respondents who answered", n=answered.pop()) if len(
        answered) == 1 else _("Base: respondents who answered; n per row")
    return Section("topline", title, grid=grid, base=base)


def _valid_base(attrs, weighted) -> str:
    text = _("Base: %(n)s respondents who answered", n=attrs.get("unweighted_valid_base", 0))
    if weighted:
        text += " · " + _("weighted %(n)s", n=_number(attrs.get("valid_base"), 1))
        text += " · " + _("effective %(n)s", n=_number(attrs.get("effective_base"), 1))
    return text


def _value(value):
    """A float for the chart, ``None`` for a missing figure."""
    return None if value is None or value != value else float(value)


def _number(value, digits) -> str:
    if value is None or value != value:
        return "–"
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def _percent(value) -> str:
    return _number(value, 1)
