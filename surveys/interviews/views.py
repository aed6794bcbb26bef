"""Interviewer pages: the study's live surveys with "New interview", the interviewer's own
entries, and the pages of one interview (run by :mod:`surveys.collect.pages`).

Interviewers, editors and owners key in interviews; viewers are read-only (403). Everyone sees
only the interviews they keyed in themselves: another's entry, a web response or another
study's response is 404.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sqlalchemy.exc import IntegrityError

from research.exceptions import DomainError
from research.extensions import db
from research.forms import show_domain_error
from research.models.vocabulary import CHANNELS
from research.studies.access import load_study
from surveys.collect import access
from surveys.collect.pages import Place, handle_post, render, switch_language
from surveys.interviews import bp, services
from surveys.interviews.forms import new_interview_form
from surveys.models import Survey


def load_interviewer_study(study_id):
    """The study if the current user may key in interviews on it (404 non-members, 403
    viewers)."""
    study, role = load_study(study_id, "interviewer")
    if role == "viewer":
        abort(403)
    return study, role


def list_url(study):
    return url_for("interviews.index", study_id=study.id)


def interview_url(study, response):
    return url_for("interviews.interview", study_id=study.id, response_id=response.id)


def _index_page(study, forms=None, status=200):
    page = max(request.args.get("page", 1, type=int), 1)
    surveys = services.live_surveys(study)
    forms = forms or {}
    entries, total = services.own_entries(study, current_user, page)
    return render_template(
        "interviews/index.html", study=study,
        surveys=[(survey, forms.get(survey.id) or new_interview_form(survey))
                 for survey in surveys],
        entries=entries, total=total, page=page,
        pages=max(1, -(-total // services.ENTRIES_PER_PAGE))), status


@bp.route("/")
@login_required
def index(study_id):
    """Live surveys with "New interview", and the current user's own interviews."""
    study, _role = load_interviewer_study(study_id)
    return _index_page(study)


@bp.route("/new/<int:survey_id>", methods=["POST"])
@login_required
def start(study_id, survey_id):
    """Start an interview on a survey through the chosen channel."""
    study, _role = load_interviewer_study(study_id)
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.study_id != study.id:
        abort(404)
    form = new_interview_form(survey)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400, description=_("The form expired. Please send it again."))
        return _index_page(study, {survey.id: form}, status=422)
    earlier = services.started_with(survey, current_user, form.nonce.data)
    if earlier is not None:  # the same press again (double click, resend)
        return redirect(interview_url(study, earlier), code=303)
    try:
        response = services.start_interview(survey, current_user, form.channel.data,
                                            form.language.data, form.nonce.data)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent press of the same form started it first
        earlier = services.started_with(survey, current_user, form.nonce.data)
        if earlier is None:
            raise
        return redirect(interview_url(study, earlier), code=303)
    except DomainError as error:
        db.session.rollback()
        if error.field:
            show_domain_error(form, error)
            return _index_page(study, {survey.id: form}, status=422)
        flash(error.message, "error")
        return _index_page(study, status=409)
    return redirect(interview_url(study, response), code=303)


def _own_entry(study, response_id):
    response = services.own_entry(study, current_user, response_id)
    if response is None:
        abort(404)
    return response


def _place(study, response):
    def later(_response, saved):
        if saved:
            flash(_("Interview %(number)d is saved: continue it from the list.",
                    number=response.id), "success")
        else:
            flash(_("Interview %(number)d is kept up to its previous page: the answers of the "
                    "incomplete page were not saved.", number=response.id), "info")
        return redirect(list_url(study), code=303)
    # The bar speaks the interviewer's language: the page around it is rendered in the
    # questionnaire's, so its texts are translated here, before that.
    bar = {"label": _("Interview"), "channel": str(CHANNELS[response.channel]),
           "number": _("Interview %(number)d", number=response.id),
           "back": _("Back to my interviews"), "language": str(get_locale())}
    return Place(interview_url(study, response), on_later=later,
                 template="interviews/page.html",
                 context={"interview": response, "survey": response.survey,
                          "list_url": list_url(study), "bar": bar})


def _end_page(study, response):
    form = new_interview_form(response.survey, channel=response.channel)
    form.language.data = response.language or form.language.data
    available = access.unavailable_reason(response.survey) is None
    return render_template("interviews/end.html", study=study, interview=response,
                           survey=response.survey, form=form, can_start=available)


def _closed_page(study, response):
    return render_template("interviews/closed.html", study=study, interview=response,
                           survey=response.survey), 410


@bp.route("/<int:response_id>", methods=["GET"])
@login_required
def interview(study_id, response_id):
    """The current page of one of the user's interviews, or its end."""
    study, _role = load_interviewer_study(study_id)
    response = _own_entry(study, response_id)
    if response.is_finished:
        return _end_page(study, response)
    if access.unavailable_reason(response.survey):
        return _closed_page(study, response)
    switch_language(response)
    return render(response, _place(study, response))


@bp.route("/<int:response_id>", methods=["POST"])
@login_required
def submit(study_id, response_id):
    """A page of one of the user's interviews."""
    study, _role = load_interviewer_study(study_id)
    response = _own_entry(study, response_id)
    if not response.is_finished and access.unavailable_reason(response.survey):
        return _closed_page(study, response)
    return handle_post(response, _place(study, response))
