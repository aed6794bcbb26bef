"""Responses for researchers: the list, one response, mark invalid / valid, delete."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import Form, SelectField

from research.exceptions import DomainError
from research.extensions import db
from research.models.vocabulary import CHANNELS, RESPONSE_STATUSES
from research.studies.forms import ConfirmForm
from surveys.collect.flow import sweep_abandoned
from surveys.fieldwork import bp, responses
from surveys.fieldwork.dashboard import duration_text
from surveys.manage.views import load_survey
from surveys.models import Response


def _choices(labels):
    return [("", _l("Any"))] + list(labels.items())


class ResponseFilterForm(Form):
    """The list's filters (a GET form: no CSRF, nothing changes)."""

    status = SelectField(_l("Status"), default="")
    channel = SelectField(_l("Channel"), default="")
    validity = SelectField(_l("Validity"), default="")
    flag = SelectField(_l("Quality flag"), default="")

    def __init__(self, formdata):
        super().__init__(formdata)
        self.status.choices = _choices(RESPONSE_STATUSES)
        self.channel.choices = _choices(CHANNELS)
        self.validity.choices = _choices(responses.VALIDITY)
        self.flag.choices = _choices({"any": _l("Any flag"), **responses.FLAG_LABELS})

    def filters(self) -> responses.Filters:
        """The valid choices as :class:`Filters` (an unknown value filters nothing)."""
        self.validate()
        value = {name: (self[name].data or None) if not self[name].errors else None
                 for name in ("status", "channel", "validity", "flag")}
        return responses.Filters(**value)


def _response(survey, response_id) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.survey_id != survey.id:
        abort(404)
    return response


def _detail_url(study, survey, response_id):
    return url_for("fieldwork.response", study_id=study.id, survey_id=survey.id,
                   response_id=response_id)


@bp.route("/responses", endpoint="responses")
@login_required
def responses_list(study_id, survey_id):
    """Responses, newest first, filtered by status, channel, validity and quality flag."""
    study, survey, role = load_survey(study_id, survey_id, "viewer")
    sweep_abandoned(survey)
    db.session.commit()
    form = ResponseFilterForm(request.args)
    filters = form.filters()
    listing = responses.list_responses(survey, filters,
                                       max(request.args.get("page", 1, type=int), 1))
    query = {name: value for name, value in vars(filters).items() if value}
    return render_template("fieldwork/responses.html", study=study, survey=survey, role=role,
                           form=form, listing=listing, query=query, duration=duration_text,
                           flag_labels=responses.FLAG_LABELS)


@bp.route("/responses/<int:response_id>", endpoint="response")
@login_required
def response_page(study_id, survey_id, response_id):
    """One response: metadata, timings, end cause, flags and the answers by variable."""
    study, survey, role = load_survey(study_id, survey_id, "viewer")
    detail = responses.response_detail(_response(survey, response_id))
    return render_template("fieldwork/response.html", study=study, survey=survey, role=role,
                           detail=detail, duration=duration_text, confirm=ConfirmForm(),
                           flag_labels=responses.FLAG_LABELS)


def _set_invalid(study_id, survey_id, response_id, invalid: bool):
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    target = _response(survey, response_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        responses.set_invalid(target, invalid)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Response %(id)d is marked invalid: it is left out of analysis.", id=response_id)
              if invalid else
              _("Response %(id)d is valid again.", id=response_id), "success")
    return redirect(_detail_url(study, survey, response_id))


@bp.route("/responses/<int:response_id>/invalid", methods=["POST"])
@login_required
def mark_invalid(study_id, survey_id, response_id):
    """Exclude a response from analysis (reversible); a complete leaves its quota cells."""
    return _set_invalid(study_id, survey_id, response_id, True)


@bp.route("/responses/<int:response_id>/valid", methods=["POST"])
@login_required
def mark_valid(study_id, survey_id, response_id):
    """Include a response marked invalid again; a complete is counted in its cells again."""
    return _set_invalid(study_id, survey_id, response_id, False)


@bp.route("/responses/<int:response_id>/delete", methods=["GET", "POST"])
@login_required
def delete_response(study_id, survey_id, response_id):
    """Confirm, then delete a response for good."""
    study, survey, role = load_survey(study_id, survey_id, "editor")
    target = _response(survey, response_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            responses.delete_response(target)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(_detail_url(study, survey, response_id))
        db.session.commit()
        flash(_("Response %(id)d deleted.", id=response_id), "success")
        return redirect(url_for("fieldwork.responses", study_id=study.id,
                                survey_id=survey.id))
    return render_template("fieldwork/delete_response.html", study=study, survey=survey,
                           role=role, response=target, form=form,
                           duration=duration_text(target.duration_seconds))
