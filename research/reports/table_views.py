"""The banner-table builder, and tables saved under a name and re-run on current data."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from analysis.errors import AnalysisError
from research.extensions import db
from research.models import SavedTable
from research.reports import bp
from research.reports.services import banner_choices, nps_rows, row_choices, run_table
from research.reports.filters import FilterError
from research.reports.table_charts import CHART_KINDS, table_chart
from research.reports.table_forms import SaveTableForm, TableFileForm, TableForm
from research.reports.views_support import survey_data
from surveys.manage.views import load_survey
from research.studies.forms import ConfirmForm


def _saved(survey):
    return list(db.session.scalars(select(SavedTable).filter_by(survey_id=survey.id)
                                   .order_by(SavedTable.name)))


def _form(cls, analysis, formdata, **kwargs):
    return cls(formdata, row_choices=row_choices(analysis.dataset),
               banner_choices=banner_choices(analysis.dataset), weights=analysis.weights,
               **kwargs)


def _render(study, survey, role, data, form, saved_table=None, status=200):
    result, error, nps = None, None, {}
    ran = bool(request.args.getlist("rows")) or saved_table is not None
    if ran and form.validate():
        try:
            result = run_table(data, form.spec())
            nps = nps_rows(data, result, form.spec())
        except AnalysisError as problem:
            error, status = str(problem), 422
    elif ran:
        status = 422
    save_form = _form(SaveTableForm, data, None, data=form.spec() if ran else None)
    chart_args = TableForm.query(form.spec()) if result is not None else {}
    return render_template(
        "reports/tables.html", study=study, survey=survey, form=form, result=result,
        chart_args=chart_args, nps=nps,
        error=error, saved=_saved(survey), saved_table=saved_table, save_form=save_form,
        can_edit=role in ("editor", "owner"), data=data,
        confirm=ConfirmForm(), file_form=TableFileForm()), status


@bp.route("/tables", endpoint="tables")
@login_required
def tables(study_id, survey_id):
    """The builder; with rows and a banner in the query it also shows the tables."""
    study, survey, role, data = survey_data(study_id, survey_id)
    form = _form(TableForm, data, request.args if request.args else None,
                 meta={"csrf": False})
    return _render(study, survey, role, data, form)


@bp.route("/tables/saved/<int:table_id>", endpoint="saved_table")
@login_required
def saved_table(study_id, survey_id, table_id):
    """A saved table, re-run on the survey's current data."""
    study, survey, role, data = survey_data(study_id, survey_id)
    saved = db.session.get(SavedTable, table_id)
    if saved is None or saved.survey_id != survey.id:
        abort(404)
    form = _form(TableForm, data, MultiDict(TableForm.query(saved.spec)), meta={"csrf": False})
    weight = saved.spec.get("weight")
    if weight and weight not in data.weights:
        flash(_("This table is weighted by %(name)s, which no longer exists; choose another "
                "weight and save the table again.", name=weight), "error")
    return _render(study, survey, role, data, form, saved_table=saved)


@bp.route("/tables/save", methods=["POST"], endpoint="save_table")
@login_required
def save_table(study_id, survey_id):
    """Save the builder's current definition under a name."""
    study, survey, _role, data = survey_data(study_id, survey_id, "editor")
    form = _form(SaveTableForm, data, request.form)
    if not form.validate():
        flash(_("The table was not saved: %(problems)s", problems="; ".join(
            f"{form[name].label.text}: {' '.join(map(str, errors))}"
            for name, errors in form.errors.items())), "error")
        return redirect(url_for("reports.tables", study_id=study.id, survey_id=survey.id))
    saved = SavedTable(survey_id=survey.id, name=form.name.data, spec=form.spec(),
                       created_by_id=current_user.id)
    db.session.add(saved)
    db.session.commit()
    flash(_("Table “%(name)s” saved.", name=saved.name), "success")
    return redirect(url_for("reports.saved_table", study_id=study.id, survey_id=survey.id,
                            table_id=saved.id))


@bp.route("/tables/saved/<int:table_id>/delete", methods=["POST"], endpoint="delete_table")
@login_required
def delete_table(study_id, survey_id, table_id):
    """Forget a saved table definition (the data are not touched)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")  # no data needed
    saved = db.session.get(SavedTable, table_id)
    if saved is None or saved.survey_id != survey.id:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    db.session.delete(saved)
    db.session.commit()
    flash(_("Table “%(name)s” deleted.", name=saved.name), "success")
    return redirect(url_for("reports.tables", study_id=study.id, survey_id=survey.id))


@bp.route("/tables/charts/<name>.svg", endpoint="table_chart")
@login_required
def table_chart_svg(study_id, survey_id, name):
    """The chart of one row variable of a banner table defined by the query."""
    _study, _survey, _role, data = survey_data(study_id, survey_id)
    form = _form(TableForm, data, request.args, meta={"csrf": False})
    if not form.validate() or name not in form.rows.data:
        abort(404)
    kind = form.chart.data if form.chart.data in CHART_KINDS else "bars"
    try:
        result = run_table(data, form.spec(), rows=[name])
    except (AnalysisError, FilterError):
        abort(404)
    svg = table_chart(result.tables[0], kind)
    if svg is None:
        abort(404)
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=60"})
