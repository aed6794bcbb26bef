"""Study pages: create, show with stage progress, edit, move between stages."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from research.exceptions import DomainError
from research.extensions import db
from research.forms import show_domain_error
from research.studies import bp, services
from research.studies.access import load_study
from research.studies.forms import ConfirmForm, StudyForm
from research.studies.stages import progress_percent, stage_overview


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = StudyForm()
    if form.validate_on_submit():
        try:
            study = services.create_study(current_user, form.study_data())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Study created. Work through the checklist of each stage."), "success")
            return redirect(url_for("studies.show", study_id=study.id))
    return render_template("studies/form.html", form=form, study=None)


@bp.route("/<int:study_id>")
@login_required
def show(study_id):
    study, role = load_study(study_id)
    return render_template("studies/show.html", study=study, role=role,
                           stages=stage_overview(study), progress=progress_percent(study),
                           confirm=ConfirmForm())


@bp.route("/<int:study_id>/edit", methods=["GET", "POST"])
@login_required
def edit(study_id):
    study, role = load_study(study_id, "editor")
    form = StudyForm(obj=study)
    if form.validate_on_submit():
        try:
            services.update_study(study, form.study_data())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Study saved."), "success")
            return redirect(url_for("studies.show", study_id=study.id))
    return render_template("studies/form.html", form=form, study=study)


def _run(study, action, success_message):
    """Run a state-changing service for a bare POST button, then go back to the study."""
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired; please try again."), "error")
    else:
        try:
            action()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(success_message, "success")
    return redirect(url_for("studies.show", study_id=study.id))


@bp.route("/<int:study_id>/stage/next", methods=["POST"])
@login_required
def advance(study_id):
    study, _role = load_study(study_id, "editor")
    return _run(study, lambda: services.advance_stage(study), _("The study moved to the next stage."))


@bp.route("/<int:study_id>/stage/previous", methods=["POST"])
@login_required
def reopen(study_id):
    study, _role = load_study(study_id, "editor")
    return _run(study, lambda: services.reopen_previous_stage(study),
                _("The study went back to the previous stage."))


@bp.route("/<int:study_id>/checklist/<key>", methods=["POST"])
@login_required
def tick(study_id, key):
    study, _role = load_study(study_id, "editor")
    done = request.form.get("done") == "1"
    return _run(study, lambda: services.set_checklist_item(study, key, done),
                _("Checklist updated."))


@bp.route("/<int:study_id>/delete", methods=["GET", "POST"])
@login_required
def delete(study_id):
    """Delete a study and everything in it, after a confirmation page."""
    study, _role = load_study(study_id, "owner")
    form = ConfirmForm()
    if form.validate_on_submit() and request.form.get("confirm_title") == study.title:
        services.delete_study(study)
        db.session.commit()
        flash(_("The study was deleted."), "success")
        return redirect(url_for("main.dashboard"))
    if request.method == "POST":
        flash(_("Type the study's title exactly to confirm."), "error")
    return render_template("studies/delete.html", study=study, form=form)
