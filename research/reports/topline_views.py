"""The topline report: every question's frequencies, means, box scores and NPS, with charts."""
from flask import Response, abort, render_template, request
from flask_login import login_required

from research.reports import bp, charts
from research.reports.filters import FilterError
from research.reports.forms import ViewOptionsForm
from research.reports.services import topline_sections
from research.reports.views_support import NoData, survey_data


@bp.app_errorhandler(NoData)  # the jobs blueprint's report pages load data too
def no_data(error):
    return error.page


@bp.route("/", endpoint="topline")
@login_required
def topline(study_id, survey_id):
    """The topline report, weighted and filtered as chosen."""
    study, survey, _role, data = survey_data(study_id, survey_id)
    form = ViewOptionsForm(request.args, data.weights)
    weight, source = form.chosen()
    try:
        dataset = data.filtered(source)
    except FilterError as error:
        form.filter.errors = [str(error)]
        return render_template("reports/topline.html", study=study, survey=survey, form=form,
                               data=data, sections=[], dataset=None, weight=weight), 422
    sections = topline_sections(data, dataset, weight)
    return render_template("reports/topline.html", study=study, survey=survey, form=form,
                           data=data, sections=sections, dataset=dataset, weight=weight,
                           query=request.args.to_dict())


@bp.route("/charts/<name>.svg", endpoint="chart")
@login_required
def chart(study_id, survey_id, name):
    """A question's chart as SVG (bars for one variable or a set, stacked bars for a grid)."""
    _study, _survey, _role, data = survey_data(study_id, survey_id)
    weight, source = ViewOptionsForm(request.args, data.weights).chosen()
    try:
        dataset = data.filtered(source)
    except FilterError:
        abort(404)
    section = next(iter(topline_sections(data, dataset, weight, only=name)), None)
    if section is None:
        abort(404)
    svg = _draw(section)
    if svg is None:
        abort(404)
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=60"})


def _draw(section):
    if section.kind == "multiple":
        table = section.summary
        return charts.bar_chart(table["label"], table["percent_of_respondents"], section.label,
                                axis_label="% of respondents")
    if section.kind in ("single", "nps"):
        variable, table, _boxes = section.items[0]
        valid = table[table["code"].notna()]
        return charts.bar_chart(valid["label"], valid["valid_percent"], section.label)
    if section.kind == "grid" and all(v.is_categorical for v, _t, _b in section.items):
        first = section.items[0][0]
        # Scales labelled only at their ends (semantic differentials) chart every point.
        codes = sorted({_whole(code) for _v, table, _b in section.items
                        for code in table["code"].dropna()} | set(first.value_labels))
        categories = [first.value_labels[code] if first.role != "pair" and
                      code in first.value_labels else str(code) for code in codes]
        shares = []
        for _variable, table, _boxes in section.items:
            by_code = {_whole(code): share for code, share
                       in zip(table["code"], table["valid_percent"]) if code == code}
            shares.append([by_code.get(code, 0.0) for code in codes])
        rows = [v.label.rsplit(": ", 1)[-1] for v, _t, _b in section.items]
        return charts.stacked_bar_chart(rows, categories, shares, section.label)
    return None


def _whole(code):
    """Codes come back from frames as floats; 3.0 is code 3."""
    return int(code) if float(code).is_integer() else code

