"""Builder pages: the outline of the draft and the question editor."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from research.exceptions import DomainError
from research.extensions import db
from research.studies.forms import ConfirmForm
from surveys import definition as definitions
from surveys.builder import bp, services
from surveys.builder.forms import (AddQuestionForm, ImportForm, LibraryInsertForm,
                                   LibrarySaveForm, build_question_form, fill_question_form,
                                   spec_from_form)
from surveys.builder.library import library_choices
from surveys.builder.settings import option_lists
from surveys.builder.versions import comparability_warnings, draft_problems
from surveys.manage.views import load_survey
from surveys.questions import UnknownQuestionType, all_types, get_type


def outline_url(study, survey, anchor=None):
    url = url_for("builder.outline", study_id=study.id, survey_id=survey.id)
    return f"{url}#{anchor}" if anchor else url


@bp.route("/")
@login_required
def outline(study_id, survey_id):
    """The draft questionnaire with each question's logic, problems and translations."""
    study, survey, role = load_survey(study_id, survey_id)
    draft = survey.draft_version
    problems, missing, warnings = {}, {}, []
    if draft is not None:
        for question, problem in draft_problems(survey):
            if problem.code == "empty":
                continue  # the page says so in its own words
            problems.setdefault(question.id if question else None, []).append(problem)
        document = services.draft_definition(survey, draft)
        for index, path, lang in definitions.missing_translations(document):
            missing.setdefault(draft.questions[index].id, []).append((path, lang))
        warnings = comparability_warnings(survey)
    questions = draft.questions if draft is not None else []
    library_form = LibraryInsertForm()
    library_form.item.choices = library_choices(study)
    save_form = LibrarySaveForm()
    save_form.first.choices = save_form.last.choices = [
        (q.position, f"{q.variable}") for q in questions]
    return render_template("builder/outline.html", study=study, survey=survey, role=role,
                           draft=draft, questions=questions, problems=problems,
                           missing=missing, warnings=warnings, add_form=AddQuestionForm(),
                           library_form=library_form, save_form=save_form,
                           import_form=ImportForm(), confirm=ConfirmForm(),
                           can_edit=role in ("editor", "owner"),
                           type_labels={kind.name: kind.label for kind in all_types()})


@bp.route("/questions", methods=["POST"])
@login_required
def add(study_id, survey_id):
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    form = AddQuestionForm()
    if not form.validate_on_submit():
        flash(_("Choose a question type."), "error")
        return redirect(outline_url(study, survey))
    after = None
    if form.after.data:
        draft = services.ensure_draft(survey)
        after = services.question_of(draft, _int(form.after.data))
    question = services.add_question(survey, form.type.data, after=after)
    db.session.commit()
    return redirect(url_for("builder.edit", study_id=study.id, survey_id=survey.id,
                            question_id=question.id))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(400)


def _draft_question(survey, question_id):
    draft = survey.draft_version
    question = services.question_of(draft, question_id) if draft is not None else None
    if question is None:
        abort(404)
    return question


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit(study_id, survey_id, question_id):
    """Edit one question: texts in every language, settings, options, logic."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    question = _draft_question(survey, question_id)
    spec = question.spec()
    try:
        kind = get_type(spec["type"])
    except UnknownQuestionType:
        abort(404)
    form_class = build_question_form(kind, spec, survey.languages or [survey.default_language],
                                     survey.default_language,
                                     option_lists=list(option_lists(survey)))
    form = form_class()
    if request.method == "GET":
        fill_question_form(form, kind, spec)
    elif form.validate_on_submit():
        new_spec = spec_from_form(form, kind, spec)
        if new_spec is not None:
            problems = services.update_question(survey, question, new_spec)
            if not problems:
                db.session.commit()
                flash(_("Question %(name)s saved.", name=question.variable), "success")
                return redirect(outline_url(study, survey, f"q-{question.id}"))
            db.session.rollback()
            _show_problems(form, problems)
    return render_template("builder/question.html", study=study, survey=survey,
                           question=question, kind=kind, form=form)


def _show_problems(form, problems):
    """Put each registry problem on the field it is about, or on the form."""
    for problem in problems:
        field = problem.field or ""
        target = None
        if field in ("variable",):
            target = form.variable
        elif field == "text" or field.startswith("text."):
            language = field.partition(".")[2] or form.main_language
            name = f"text__{language}"
            target = form[name] if name in form else form[f"text__{form.main_language}"]
        elif field.startswith(("options", "rows")):
            name = f"{field.split('[')[0].split('.')[0]}__{form.main_language}"
            target = form[name] if name in form else None
        elif field.startswith("settings."):
            key = field.split(".", 1)[1].split(".")[0].split("[")[0]
            for name in (f"setting__{key}", f"setting__{key}__{form.main_language}"):
                if name in form:
                    target = form[name]
                    break
        errors = target.errors if target is not None else form.form_errors
        if str(problem.message) in map(str, errors):
            continue
        if target is not None:
            target.errors = list(target.errors) + [problem.message]
        else:
            form.form_errors.append(problem.message)


def _question_action(study_id, survey_id, question_id, action, message):
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    question = _draft_question(survey, question_id)
    if ConfirmForm().validate_on_submit():
        try:
            result = action(survey, question)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message, "success")
            anchor = f"q-{result.id}" if result is not None else None
            return redirect(outline_url(study, survey, anchor))
    return redirect(outline_url(study, survey))


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
@login_required
def delete(study_id, survey_id, question_id):
    """Delete a question after a confirmation page (published versions keep it)."""
    if request.method == "GET":
        study, survey, _role = load_survey(study_id, survey_id, "editor")
        question = _draft_question(survey, question_id)
        return render_template("builder/delete.html", study=study, survey=survey,
                               question=question, confirm=ConfirmForm())
    return _question_action(study_id, survey_id, question_id,
                            lambda s, q: services.delete_question(q),
                            _("Question deleted. Answers already collected are kept."))


@bp.route("/questions/<int:question_id>/duplicate", methods=["POST"])
@login_required
def duplicate(study_id, survey_id, question_id):
    return _question_action(study_id, survey_id, question_id,
                            services.duplicate_question, _("Question duplicated."))


@bp.route("/questions/<int:question_id>/up", methods=["POST"])
@login_required
def move_up(study_id, survey_id, question_id):
    return _question_action(study_id, survey_id, question_id,
                            lambda s, q: services.move_question(q, -1) or q, _("Moved up."))


@bp.route("/questions/<int:question_id>/down", methods=["POST"])
@login_required
def move_down(study_id, survey_id, question_id):
    return _question_action(study_id, survey_id, question_id,
                            lambda s, q: services.move_question(q, +1) or q, _("Moved down."))
