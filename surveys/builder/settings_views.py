"""Builder pages: questionnaire settings (languages, texts) and shared option lists."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from research.exceptions import DomainError
from research.extensions import db
from research.forms import no_control_characters, show_domain_error, strip
from research.studies.forms import ConfirmForm, MultiCheckboxField
from surveys.builder import bp
from surveys.builder.items_text import ItemsTextError, items_to_text, text_to_items
from surveys.builder.settings import (QUESTIONNAIRE_TEXTS, delete_option_list, option_lists,
                                      save_option_list, update_questionnaire)
from surveys.manage.forms import QUESTIONNAIRE_LANGUAGES
from surveys.manage.views import load_survey

TEXT_LABELS = {"title": _l("Title respondents see"), "welcome": _l("Welcome text"),
               "thank_you": _l("Thank-you text (after the last page)"),
               "screened_out": _l("Text for screened-out respondents"),
               "over_quota": _l("Text when a quota is full")}


def settings_form_class(languages):
    fields = {
        "default_language": SelectField(_l("Main language"),
                                        choices=list(QUESTIONNAIRE_LANGUAGES.items())),
        "languages": MultiCheckboxField(_l("Languages of the questionnaire"),
                                        choices=list(QUESTIONNAIRE_LANGUAGES.items())),
    }
    for key in QUESTIONNAIRE_TEXTS:
        for lang in languages:
            fields[f"{key}__{lang}"] = TextAreaField(
                f"{TEXT_LABELS[key]} ({lang.upper()})", filters=[strip],
                validators=[Optional(), Length(max=5000), no_control_characters])
    return type("QuestionnaireSettingsForm", (FlaskForm,), fields)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def questionnaire_settings(study_id, survey_id):
    """Languages of the questionnaire and the texts around the questions."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    languages = survey.languages or [survey.default_language]
    form = settings_form_class(languages)()
    if request.method == "GET":
        draft_settings = (survey.draft_version.settings if survey.draft_version else {}) or {}
        form.default_language.data = survey.default_language
        form.languages.data = languages
        for key in QUESTIONNAIRE_TEXTS:
            for lang in languages:
                form[f"{key}__{lang}"].data = (draft_settings.get(key) or {}).get(lang, "")
    elif form.validate_on_submit():
        texts = {key: {lang: form[f"{key}__{lang}"].data for lang in languages}
                 for key in QUESTIONNAIRE_TEXTS}
        update_questionnaire(survey, form.default_language.data, form.languages.data or [],
                             texts)
        db.session.commit()
        flash(_("Questionnaire settings saved."), "success")
        return redirect(url_for("builder.questionnaire_settings", study_id=study.id,
                                survey_id=survey.id))
    return render_template("builder/settings.html", study=study, survey=survey, form=form,
                           survey_languages=languages, texts=QUESTIONNAIRE_TEXTS,
                           text_labels=TEXT_LABELS)


def option_list_form_class(languages, main_language):
    fields = {"name": StringField(_l("List name"), filters=[strip], validators=[
        DataRequired(), Length(max=40)], description=_l("E.g. brands; questions refer to it."))}
    for lang in languages:
        description = (_l("One per line: “code = label”, optional marks [exclusive], "
                          "[other], [anchored].") if lang == main_language else
                       _l("Labels only, one per line, in the same order."))
        fields[f"items__{lang}"] = TextAreaField(
            _l("Options (%(lang)s)", lang=lang.upper()), filters=[strip], description=description,
            validators=[Optional(), Length(max=100_000)])
    return type("OptionListForm", (FlaskForm,), fields)


@bp.route("/lists", methods=["GET", "POST"])
@login_required
def lists(study_id, survey_id):
    """Shared option lists (a brand list used in ten questions is written once)."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    languages = survey.languages or [survey.default_language]
    main = survey.default_language
    existing = option_lists(survey)
    editing = request.args.get("name") or (request.form.get("old_name") or None)
    if editing and editing not in existing:
        abort(404)
    form = option_list_form_class(languages, main)()
    if request.method == "GET" and editing:
        form.name.data = editing
        for lang in languages:
            form[f"items__{lang}"].data = items_to_text(existing[editing], lang,
                                                        main=lang == main)
    if request.method == "POST" and form.validate_on_submit():
        others = {lang: form[f"items__{lang}"].data for lang in languages if lang != main}
        try:
            items = text_to_items(form[f"items__{main}"].data, others, main,
                                  {"exclusive": bool, "other": bool, "anchored": bool},
                                  previous=existing.get(editing) or [])
            save_option_list(survey, form.name.data, items, old_name=editing)
        except ItemsTextError as error:
            form[f"items__{main}"].errors = [error.args[0]]
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Option list %(name)s saved.", name=form.name.data), "success")
            return redirect(url_for("builder.lists", study_id=study.id, survey_id=survey.id))
    return render_template("builder/lists.html", study=study, survey=survey, form=form,
                           lists=existing, editing=editing, survey_languages=languages,
                           confirm=ConfirmForm())


@bp.route("/lists/<name>/delete", methods=["POST"])
@login_required
def delete_list(study_id, survey_id, name):
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    if name not in option_lists(survey):
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            delete_option_list(survey, name)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Option list deleted."), "success")
    return redirect(url_for("builder.lists", study_id=study.id, survey_id=survey.id))
