"""Open answers listed verbatim, with the report filters and a word search."""
from flask import render_template, request
from flask_login import login_required

from research.reports import bp
from research.reports.filters import FilterError
from research.reports.forms import OpenAnswersForm
from research.reports.views_support import survey_data

PAGE_SIZE = 100


@bp.route("/open-answers", endpoint="open_answers")
@login_required
def open_answers(study_id, survey_id):
    """The verbatims of one open question, filtered and searched."""
    study, survey, _role, data = survey_data(study_id, survey_id)
    variables = [v for v in data.dataset.analysable() if v.kind == "string" and v.role != "key"]
    form = OpenAnswersForm(request.args, data.weights, variables)
    _weight, source = form.chosen()
    rows, total, status = [], 0, 200
    page = max(1, request.args.get("page", 1, type=int) or 1)
    name = form.variable.data if not form.variable.errors else None
    if name is None and variables:
        name = variables[0].name
    if name:
        try:
            dataset = data.filtered(source)
        except FilterError as error:
            form.filter.errors = [str(error)]
            dataset, status = None, 422
        if dataset is not None:
            texts = dataset.data[name].dropna().astype(str)
            texts = texts[texts.str.strip() != ""]
            if form.search.data:
                texts = texts[texts.str.contains(form.search.data, case=False, regex=False)]
            total = len(texts)
            start = (page - 1) * PAGE_SIZE
            rows = list(texts.iloc[start:start + PAGE_SIZE].items())
    return render_template("reports/open_answers.html", study=study, survey=survey, form=form,
                           rows=rows, total=total, variable=name, page=page,
                           page_size=PAGE_SIZE,
                           has_variables=bool(variables)), status
