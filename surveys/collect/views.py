"""Respondent URLs: the open link (/s/<key>) and personal links (/i/<token>). No login.

Views are thin: find the survey and the respondent's interview, then let :mod:`.pages` run the
page or render the start, end and closed pages here.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from research.extensions import db
from research.models.types import utcnow
from surveys.collect import access, bp, flow
from surveys.collect.forms import PasswordStartForm, StartForm
from surveys.collect.pages import Place, handle_post, render, switch_language
from surveys.collect.questionnaire import published
from surveys.models.fieldwork import hash_token
from surveys.respond.render import language_name, questionnaire_locale

END_TEXTS = {"complete": "thank_you", "screened_out": "screened_out",
             "over_quota": "over_quota"}


class Frame:
    """What the respondent layout needs outside a question page (start, end, closed pages)."""

    def __init__(self, survey, language=None, *, version=None):
        """``version``: the one the respondent answered (default: the newest published)."""
        version = version or survey.published_version
        self.questionnaire = published(version) if version is not None else None
        definition = self.questionnaire.definition if self.questionnaire else {}
        languages = list(definition.get("languages") or [survey.default_language])
        self.language = language if language in languages else (
            definition.get("default_language") or survey.default_language)
        self.languages = [(code, language_name(code)) for code in languages]
        titles = definition.get("title") or {}
        self.title = titles.get(self.language) or titles.get(
            definition.get("default_language")) or ""
        self.has_section = False
        self.progress = None

    def text(self, key):
        return self.questionnaire.text(key, self.language) if self.questionnaire else ""


def _render_frame(template, frame, *, status=200, language_action=None, **context):
    with questionnaire_locale(frame.language):
        return render_template(template, page=frame, language_action=language_action,
                               language_field="lang", **context), status


def _closed(survey, language=None, reason=access.CLOSED):
    frame = Frame(survey, language)
    return _render_frame("respond/closed.html", frame, status=410, reason=reason)


def _end(response):
    """The end page of a finished interview, in its language."""
    frame = Frame(response.survey, response.language, version=response.version)
    key = END_TEXTS[response.status]
    with questionnaire_locale(frame.language):  # the defaults too, in the respondent's language
        defaults = {
            "thank_you": _("Thank you! Your answers have been saved."),
            "screened_out": _("Thank you for your time. This survey is meant for other "
                              "people, so it ends here."),
            "over_quota": _("Thank you for your time. We already have enough answers from "
                            "people like you, so the survey ends here."),
        }
        message = frame.text(key) or defaults[key]
    return _render_frame("respond/end.html", frame, message=message, status_key=key)


# --- the open link ------------------------------------------------------------------------------

def _open_survey(key):
    survey = access.survey_by_key(key)
    if survey is None or not survey.open_link or survey.status == "draft":
        abort(404)
    return survey


def _cookie_response(survey):
    token = access.unsign_resume_token(request.cookies.get(access.resume_cookie_name(survey)))
    return access.response_by_resume_token(survey.id, token)


def _with_resume_cookie(response_object, survey, token):
    response_object.set_cookie(
        access.resume_cookie_name(survey), access.sign_resume_token(token),
        max_age=int(timedelta(days=access.RESUME_COOKIE_DAYS).total_seconds()),
        path=url_for("collect.open_link", key=survey.public_key), httponly=True,
        samesite="Lax", secure=bool(request.is_secure))
    return response_object


def _start_page(survey, form, *, status=200, action, language_action, language=None):
    frame = Frame(survey, language or request.args.get("lang") or form.language.data)
    form.language.data = frame.language
    if not form.nonce.data or form.errors:
        form.nonce.data = access.new_start_nonce()
    return _render_frame("respond/start.html", frame, status=status, form=form,
                         action=action, language_action=language_action,
                         welcome=frame.text("welcome"))


def _start_form(survey):
    return PasswordStartForm() if survey.access_password_hash else StartForm()


@bp.route("/s/<key>", methods=["GET"])
def open_link(key):
    """The open link: the start page, or the respondent's current page (found by cookie)."""
    survey = _open_survey(key)
    response = _cookie_response(survey)
    here = url_for("collect.open_link", key=key)
    if response is not None:
        if response.is_finished:
            return _end(response)
        if access.unavailable_reason(survey):
            return _closed(survey, response.language)
        switch_language(response)
        return render(response, _open_place(survey, response))
    if access.unavailable_reason(survey):
        return _closed(survey, request.args.get("lang"))
    return _start_page(survey, _start_form(survey), action=url_for("collect.open_start", key=key),
                       language_action=here)


def _open_place(survey, response):
    key = survey.public_key
    return Place(url_for("collect.open_link", key=key),
                 on_later=lambda _response, saved: redirect(url_for(
                     "collect.later", key=key, saved=int(saved)), code=303))


@bp.route("/s/<key>/later")
def later(key):
    """The "continue later" page with the resume link (shown on request, never mailed)."""
    survey = _open_survey(key)
    token = access.unsign_resume_token(request.cookies.get(access.resume_cookie_name(survey)))
    response = access.response_by_resume_token(survey.id, token)
    if response is None:
        return redirect(url_for("collect.open_link", key=key), code=303)
    frame = Frame(survey, response.language, version=response.version)
    link = url_for("collect.resume", key=survey.public_key, token=token, _external=True)
    return _render_frame("respond/later.html", frame, link=link,
                         saved=request.args.get("saved") != "0",
                         back=url_for("collect.open_link", key=survey.public_key))


@bp.route("/s/<key>/start", methods=["POST"])
def open_start(key):
    """Start an interview with the open link (a repeated start finds the first one)."""
    survey = _open_survey(key)
    if access.unavailable_reason(survey):
        return _closed(survey, request.form.get("language"))
    form = _start_form(survey)
    here = url_for("collect.open_link", key=key)
    action = url_for("collect.open_start", key=key)
    if not form.validate_on_submit():
        return _start_page(survey, form, status=422, action=action, language_action=here)
    if survey.access_password_hash and not check_password_hash(
            survey.access_password_hash, form.password.data):
        form.password.errors.append(_("The access password is not right."))
        return _start_page(survey, form, status=422, action=action, language_action=here)
    token = access.resume_token_for(survey.id, form.nonce.data)
    response = access.response_by_resume_token(survey.id, token)
    if response is None:
        try:
            flow.start_response(survey, channel="web", language=form.language.data,
                                token_hash=hash_token(token))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # the same start, sent twice at once: the first one stands
    return _with_resume_cookie(redirect(here, code=303), survey, token)


@bp.route("/s/<key>", methods=["POST"])
def open_submit(key):
    """A page of an open-link interview."""
    survey = _open_survey(key)
    response = _cookie_response(survey)
    if response is None:
        return redirect(url_for("collect.open_link", key=key), code=303)
    if not response.is_finished and access.unavailable_reason(survey):
        return _closed(survey, response.language)
    return handle_post(response, _open_place(survey, response))


@bp.route("/s/<key>/resume/<token>")
def resume(key, token):
    """The resume link: continue an open-link interview in this (or another) browser."""
    survey = _open_survey(key)
    if access.response_by_resume_token(survey.id, token) is None:
        abort(404)
    return _with_resume_cookie(redirect(url_for("collect.open_link", key=key), code=303),
                               survey, token)


# --- personal links -----------------------------------------------------------------------------

def _invitation(token):
    invitation = access.invitation_by_token(token)
    if invitation is None or invitation.survey.status == "draft":
        abort(404)
    return invitation


def _link_problem(invitation, language=None):
    """The page for a link outside its validity window, or None."""
    if invitation.is_valid_at(utcnow()):
        return None
    frame = Frame(invitation.survey, language)
    not_yet = invitation.valid_from is not None and utcnow() < invitation.valid_from
    return _render_frame("respond/link_invalid.html", frame, status=410,
                         reason="not_yet" if not_yet else "expired")


def _current_of(invitation):
    response = invitation.response
    return response if response is not None and response.survey_id == invitation.survey_id \
        else None


@bp.route("/i/<token>", methods=["GET"])
def personal_link(token):
    """A personal link: the start page, the current page, or the end of the interview."""
    invitation = _invitation(token)
    survey = invitation.survey
    here = url_for("collect.personal_link", token=token)
    response = _current_of(invitation)
    if response is not None and (not response.is_finished
                                 or invitation.uses >= invitation.max_uses):
        if response.is_finished:
            return _end(response)
        if access.unavailable_reason(survey):
            return _closed(survey, response.language)
        switch_language(response)
        return render(response, Place(here))
    problem = _link_problem(invitation, request.args.get("lang"))
    if problem is not None:
        return problem
    if access.unavailable_reason(survey):
        return _closed(survey, request.args.get("lang"))
    return _start_page(survey, StartForm(), action=url_for("collect.personal_start",
                                                           token=token), language_action=here)


@bp.route("/i/<token>/start", methods=["POST"])
def personal_start(token):
    """Start the interview of a personal link (a double click resumes the first start)."""
    invitation = _invitation(token)
    survey = invitation.survey
    here = url_for("collect.personal_link", token=token)
    form = StartForm()
    if not form.validate_on_submit():
        return _start_page(survey, form, status=422, action=url_for(
            "collect.personal_start", token=token), language_action=here)
    current = _current_of(invitation)
    if current is not None and not current.is_finished:
        return redirect(here, code=303)
    problem = _link_problem(invitation, form.language.data)
    if problem is not None:
        return problem
    if access.unavailable_reason(survey):
        return _closed(survey, form.language.data)
    if access.take_invitation_use(invitation):
        response = flow.start_response(survey, channel="web", language=form.language.data,
                                       invitation=invitation)
        invitation.response_id = response.id
        db.session.commit()
    else:
        db.session.rollback()  # used up, or a concurrent start took the last use first
    return redirect(here, code=303)


@bp.route("/i/<token>", methods=["POST"])
def personal_submit(token):
    """A page of a personal-link interview."""
    invitation = _invitation(token)
    response = _current_of(invitation)
    here = url_for("collect.personal_link", token=token)
    if response is None:
        return redirect(here, code=303)
    if not response.is_finished and access.unavailable_reason(invitation.survey):
        return _closed(invitation.survey, response.language)
    return handle_post(response, Place(here))
