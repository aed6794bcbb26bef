"""The builder's preview: the draft rendered exactly as respondents get it.

It uses the respondent page code itself (surveys/respond); the answers live
only in the researcher's session, so trying the logic stores nothing.
"""
import random

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required

from surveys import definition as definitions
from surveys.builder import bp, services
from surveys.manage.views import load_survey
from surveys.questions import get_type
from surveys.respond import (expression_context, page_is_visible, render_respondent_page,
                             respondent_page, screen_out_cause)

SESSION_KEY = "builder_preview"


def _state(survey):
    state = session.get(SESSION_KEY) or {}
    if state.get("survey") != survey.id or state.get("version") != survey.draft_version.id:
        state = {"survey": survey.id, "version": survey.draft_version.id, "page": 0,
                 "answers": {}, "language": survey.default_language}
    return state


def _assign_variants(document, answers):
    """Give every A/B block of the preview a variant, by the blocks' shares."""
    for spec in definitions.resolved_questions(document):
        if spec["type"] == "randomizer" and spec["variable"] not in answers:
            shares = get_type("randomizer").shares(spec)
            answers[spec["variable"]] = random.choices(list(shares), weights=shares.values())[0]


def _visible_page(document, answers, start, step):
    """The nearest page from ``start`` in direction ``step`` whose section is shown."""
    all_pages = definitions.pages(document)
    values = expression_context(document, answers)
    index = start
    while 0 <= index < len(all_pages):
        if page_is_visible(all_pages[index], values):
            return index
        index += step
    return None


@bp.route("/preview", methods=["GET", "POST"])
@login_required
def preview(study_id, survey_id):
    study, survey, _role = load_survey(study_id, survey_id)
    if survey.draft_version is None or not survey.draft_version.questions:
        flash(_("There is nothing to preview: the draft has no questions."), "info")
        return redirect(url_for("builder.outline", study_id=study.id, survey_id=survey.id))
    document = services.draft_definition(survey)
    state = _state(survey)
    if request.args.get("restart"):
        state = {**state, "page": 0, "answers": {}}
    if request.args.get("lang") in document["languages"]:
        state["language"] = request.args["lang"]
    _assign_variants(document, state["answers"])
    last = len(definitions.pages(document)) - 1
    index = min(state["page"], last)
    if request.method == "POST":
        view = respondent_page(document, index, state["language"], seed="preview",
                               answers=state["answers"], formdata=request.form)
        if view.action == "back":
            index = _visible_page(document, state["answers"], index - 1, -1) or 0
        elif view.answers is not None:
            state["answers"].update(view.answers)
            if screen_out_cause(document, state["answers"]):
                return _finish(study, survey, document, state, "screened_out")
            following = _visible_page(document, state["answers"], index + 1, +1)
            if following is None:
                return _finish(study, survey, document, state, "thank_you")
            index = following
        else:
            return _render(study, survey, view, state), 200
        state["page"] = index
        session[SESSION_KEY] = state
        return redirect(url_for("builder.preview", study_id=study.id, survey_id=survey.id))
    index = _visible_page(document, state["answers"], index, +1) or 0
    state["page"] = index
    session[SESSION_KEY] = state
    view = respondent_page(document, index, state["language"], seed="preview",
                           answers=state["answers"])
    return _render(study, survey, view, state)


def _render(study, survey, view, state):
    here = url_for("builder.preview", study_id=study.id, survey_id=survey.id)
    return render_respondent_page(view, action=here, language_action=here,
                                  template="builder/preview.html", study=study, survey=survey,
                                  outline=url_for("builder.outline", study_id=study.id,
                                                  survey_id=survey.id))


def _finish(study, survey, document, state, text_key):
    session[SESSION_KEY] = {**state, "page": 0}
    language = state["language"]
    texts = document.get("settings", {}).get(text_key) or {}
    message = texts.get(language) or texts.get(document["default_language"]) or (
        _("Thank you!") if text_key == "thank_you" else _("The survey ends here."))
    variables = definitions.variables(document, language)
    rows = [(variable.name, variable.label, state["answers"].get(variable.name))
            for variable in variables]
    return render_template("builder/preview_end.html", study=study, survey=survey,
                           message=message, screened_out=text_key == "screened_out", rows=rows)
