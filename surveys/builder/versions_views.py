"""Builder pages: publishing, versions and the question library."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from research.exceptions import DomainError
from research.extensions import db
from research.studies.forms import ConfirmForm
from surveys.builder import bp, services
from surveys.builder.forms import LibraryInsertForm, LibrarySaveForm
from surveys.builder.library import block_questions, library_choices, save_block
from surveys.builder.versions import insert_block, publish
from surveys.builder.views import outline_url
from surveys.manage.views import load_survey


@bp.route("/publish", methods=["POST"])
@login_required
def publish_draft(study_id, survey_id):
    """Freeze the draft as the next version."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    if ConfirmForm().validate_on_submit():
        try:
            version = publish(survey, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Version %(n)d is published. Further edits go into a new draft.",
                    n=version.number), "success")
    return redirect(outline_url(study, survey))


@bp.route("/draft", methods=["POST"])
@login_required
def start_draft(study_id, survey_id):
    """Start editing a published questionnaire (a new draft copies the newest version)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    if ConfirmForm().validate_on_submit():
        draft = services.ensure_draft(survey)
        db.session.commit()
        flash(_("Draft version %(n)d created from the published questionnaire.",
                n=draft.number), "success")
    return redirect(outline_url(study, survey))


@bp.route("/versions/<int:number>")
@login_required
def version(study_id, survey_id, number):
    """A published version, read-only, with its variables."""
    study, survey, role = load_survey(study_id, survey_id)
    found = next((v for v in survey.versions if v.number == number and v.is_published), None)
    if found is None:
        abort(404)
    return render_template("builder/version.html", study=study, survey=survey, role=role,
                           version=found)


@bp.route("/library/insert", methods=["POST"])
@login_required
def library_insert(study_id, survey_id):
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    form = LibraryInsertForm()
    form.item.choices = library_choices(study)
    if not form.validate_on_submit():
        flash(_("Choose a block from the library."), "error")
        return redirect(outline_url(study, survey))
    specs = block_questions(form.item.data, current_user)
    if specs is None:
        abort(404)
    renames = insert_block(survey, specs)
    db.session.commit()
    if renames:
        flash(_("Block inserted; renamed to keep names unique: %(names)s.",
                names=", ".join(f"{old} → {new}" for old, new in renames.items())), "success")
    else:
        flash(_("Block inserted."), "success")
    return redirect(outline_url(study, survey))


@bp.route("/library/save", methods=["POST"])
@login_required
def library_save(study_id, survey_id):
    """Save a run of draft questions as a block in the study's library."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    draft = survey.draft_version
    if draft is None or not draft.questions:
        abort(404)
    form = LibrarySaveForm()
    form.first.choices = form.last.choices = [(q.position, q.variable) for q in draft.questions]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(outline_url(study, survey))
    specs = [q.spec() for q in draft.questions[form.first.data:form.last.data + 1]]
    save_block(study, current_user, form.title.data, specs)
    db.session.commit()
    flash(_("Saved to the library of “%(study)s”.", study=study.title), "success")
    return redirect(outline_url(study, survey))
