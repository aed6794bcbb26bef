"""The weighting page: weight schemes, their targets, runs and reports."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from analysis.errors import AnalysisError
from research.exceptions import DomainError
from research.extensions import db
from research.models import WeightScheme
from research.reports import bp
from research.reports.services import banner_choices
from research.reports.views_support import survey_data
from surveys.manage.views import load_survey
from research.reports.weight_forms import (WeightVariablesForm, settings_from_form,
                                           target_key, targets_form_class)
from research.reports.weights import check_weight_name, run_scheme, schemes_of
from research.studies.forms import ConfirmForm


def _weighting_choices(dataset):
    """Single-coded variables only: a weight needs one category per respondent."""
    return [(name, text) for name, text in banner_choices(dataset)
            if name not in dataset.mr_sets]


@bp.route("/weights", endpoint="weights")
@login_required
def weights(study_id, survey_id):
    """The survey's weights and the form to start a new one."""
    study, survey, role, data = survey_data(study_id, survey_id)
    form = WeightVariablesForm(meta={"csrf": False},
                               variable_choices=_weighting_choices(data.dataset))
    return render_template("reports/weights.html", study=study, survey=survey, data=data,
                           schemes=schemes_of(survey), form=form,
                           can_edit=role in ("editor", "owner"))


def _scheme(survey, scheme_id) -> WeightScheme:
    scheme = db.session.get(WeightScheme, scheme_id)
    if scheme is None or scheme.survey_id != survey.id:
        abort(404)
    return scheme


def _targets_page(study, survey, data, method, variables, scheme=None, status=200):
    """Step 2: a target per category; GET shows it, POST saves the scheme and runs it."""
    TargetsForm, groups = targets_form_class(data.dataset, method, variables)
    initial = {}
    if scheme is not None:
        settings = scheme.settings
        initial.update(name=scheme.name, label=scheme.label, unit=settings.get("unit"),
                       tolerance=settings.get("tolerance", 0.0001),
                       max_iterations=settings.get("max_iterations", 100))
        cap = settings.get("cap") or [None, None]
        initial.update(cap_low=cap[0], cap_high=cap[1])
        if method == "cell":
            for codes, value in settings.get("cells") or []:
                initial[target_key(list(zip(variables, codes)))] = value
        else:
            for name, targets in (settings.get("targets") or {}).items():
                for code, value in targets.items():
                    initial[target_key([(name, code)])] = value
    else:
        initial["name"] = request.args.get("name") or "weight"
    form = TargetsForm(data=initial)
    result = None
    if form.validate_on_submit():
        try:
            check_weight_name(survey, data.dataset, form.name.data, scheme)
            settings = settings_from_form(form, method, variables, data.dataset)
            if scheme is None:
                scheme = WeightScheme(survey_id=survey.id, method=method,
                                      created_by_id=current_user.id)
                db.session.add(scheme)
            scheme.name, scheme.label, scheme.settings = (form.name.data, form.label.data or "",
                                                          settings)
            result = run_scheme(scheme, data.dataset)
            db.session.commit()
        except (DomainError, AnalysisError) as error:
            db.session.rollback()  # nothing half-stored: no scheme without a working run
            form.form_errors.append(str(getattr(error, "message", error)))
            status = 422
        else:
            if result.converged:
                flash(_("Weight %(name)s computed.", name=scheme.name), "success")
            else:
                flash(_("Weight %(name)s saved, but raking did not converge; see the report.",
                        name=scheme.name), "warning")
            return redirect(url_for("reports.weight", study_id=study.id, survey_id=survey.id,
                                    scheme_id=scheme.id))
    elif request.method == "POST":
        status = 422
    return render_template("reports/weight_targets.html", study=study, survey=survey,
                           form=form, groups=groups, method=method, variables=variables,
                           scheme=scheme), status


@bp.route("/weights/new", methods=["GET", "POST"], endpoint="new_weight")
@login_required
def new_weight(study_id, survey_id):
    """Targets for a new weight over the variables chosen on the weighting page."""
    study, survey, _role, data = survey_data(study_id, survey_id, "editor")
    chooser = WeightVariablesForm(request.args, meta={"csrf": False},
                                  variable_choices=_weighting_choices(data.dataset))
    if not chooser.validate():
        return render_template("reports/weights.html", study=study, survey=survey, data=data,
                               schemes=schemes_of(survey), form=chooser, can_edit=True), 422
    return _targets_page(study, survey, data, chooser.method.data, chooser.variables.data)


@bp.route("/weights/<int:scheme_id>", endpoint="weight")
@login_required
def weight(study_id, survey_id, scheme_id):
    """A weight's latest report."""
    study, survey, role, data = survey_data(study_id, survey_id)
    scheme = _scheme(survey, scheme_id)
    return render_template("reports/weight.html", study=study, survey=survey, scheme=scheme,
                           report=scheme.report or {}, problem=data.weight_problems.get(
                               scheme.name), respondents=len(data.dataset),
                           can_edit=role in ("editor", "owner"),
                           confirm=ConfirmForm())


@bp.route("/weights/<int:scheme_id>/edit", methods=["GET", "POST"], endpoint="edit_weight")
@login_required
def edit_weight(study_id, survey_id, scheme_id):
    """Change a weight's targets and settings; saving runs it again."""
    study, survey, _role, data = survey_data(study_id, survey_id, "editor")
    scheme = _scheme(survey, scheme_id)
    return _targets_page(study, survey, data, scheme.method,
                         list(scheme.settings.get("variables") or []), scheme)


@bp.route("/weights/<int:scheme_id>/run", methods=["POST"], endpoint="run_weight")
@login_required
def run_weight(study_id, survey_id, scheme_id):
    """Run a weight again on the current data and keep its new report."""
    study, survey, _role, data = survey_data(study_id, survey_id, "editor")
    scheme = _scheme(survey, scheme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = run_scheme(scheme, data.dataset)
        db.session.commit()
    except AnalysisError as error:
        db.session.rollback()
        flash(_("The weight could not be computed: %(problem)s", problem=error), "error")
    else:
        flash(_("Weight %(name)s computed.", name=scheme.name) if result.converged else
              _("Raking did not converge; see the report."),
              "success" if result.converged else "warning")
    return redirect(url_for("reports.weight", study_id=study.id, survey_id=survey.id,
                            scheme_id=scheme.id))


@bp.route("/weights/<int:scheme_id>/delete", methods=["POST"], endpoint="delete_weight")
@login_required
def delete_weight(study_id, survey_id, scheme_id):
    """Remove a weight variable; saved tables that use it then say it is missing."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")  # no data needed
    scheme = _scheme(survey, scheme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(scheme)
    db.session.commit()
    flash(_("Weight %(name)s deleted.", name=scheme.name), "success")
    return redirect(url_for("reports.weights", study_id=study.id, survey_id=survey.id))
