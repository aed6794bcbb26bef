from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from research.extensions import db
from research.imports.summary import dataset_summary
from research.studies.access import load_study
from surveys.manage import bp, services
from surveys.manage.forms import SurveyForm
from surveys.models import Survey


def load_survey(study_id, survey_id, needed_role="viewer"):
    """The survey if it belongs to a study the user may act on; 404 otherwise."""
    study, role = load_study(study_id, needed_role)
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.study_id != study.id:
        abort(404)
    return study, survey, role


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(study_id):
    study, _role = load_study(study_id, "editor")
    form = SurveyForm()
    if form.validate_on_submit():
        survey = services.create_survey(study, current_user, form.title.data, form.kind.data,
                                        form.default_language.data, form.languages.data or [])
        db.session.commit()
        flash(_("Survey created."), "success")
        return redirect(url_for("surveys.show", study_id=study.id, survey_id=survey.id))
    return render_template("surveys/form.html", form=form, study=study)


@bp.route("/")
@login_required
def index(study_id):
    study, role = load_study(study_id)
    return render_template("surveys/index.html", study=study, role=role)


@bp.route("/<int:survey_id>")
@login_required
def show(study_id, survey_id):
    study, survey, role = load_survey(study_id, survey_id)
    if survey.is_imported:  # no questionnaire: the page describes the imported file
        return render_template("imports/survey.html", study=study, survey=survey, role=role,
                               summary=dataset_summary(survey.imported_dataset))
    return render_template("surveys/show.html", study=study, survey=survey, role=role)
