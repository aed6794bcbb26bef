"""The "Import data" page: upload a file; a ``data_import`` job reads and stores it."""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from research.errors import render_error
from research.extensions import db
from research.imports import bp, services
from research.imports.forms import ImportForm, too_large_message
from research.imports.job import NO_ROWS, READING, STORING, UPLOAD_GONE
from research.jobs.queue import enqueue
from research.jobs.views import KIND_PAGES, KNOWN_MESSAGES, KindPage
from research.models import Study
from research.models.vocabulary import ROLE_RANK
from research.studies.access import load_study

#: Room for the form's other fields and the multipart framing around the file.
FORM_ALLOWANCE = 64 * 1024

# How the job page shows an import, and its notes in the reader's language.
KIND_PAGES[services.JOB_KIND] = KindPage(
    _l("Import job %(id)s"), result_label=_l("Open the dataset"), again_endpoint="imports.new",
    again_label=_l("Import data"))
KNOWN_MESSAGES.update({
    READING: _l("Reading the file"),
    STORING: _l("Storing the dataset"),
    UPLOAD_GONE: _l("The uploaded file is no longer on the server; upload it again."),
    NO_ROWS: _l("The file has column names but no respondents (no rows below the header)."),
})


@bp.url_value_preprocessor
def allow_large_uploads(endpoint, _values):
    """Raise the request size limit for the upload alone.

    URL value preprocessors run before any ``before_request`` function, and those (CSRF, the
    UTF-8 check) read the form, which is when the limit applies.
    """
    # Only for people who may import here: anyone else keeps the app's small limit, so an
    # anonymous client cannot make the server spool big bodies.
    if endpoint == "imports.new" and _editable_study() is not None:
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + FORM_ALLOWANCE


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """The upload page again with a clear message instead of a bare 413 (nothing was saved)."""
    study = _editable_study()
    if study is None:
        return render_error(413)
    form = ImportForm(current_app.config["IMPORT_MAX_BYTES"], formdata=None)
    form.file.errors = [str(too_large_message(form.max_bytes))]
    return _page(study, form, 413)


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@login_required
def new(study_id):
    """The upload form; a valid POST saves the file, queues the job and shows its page."""
    study, _role = load_study(study_id, "editor")
    form = ImportForm(current_app.config["IMPORT_MAX_BYTES"])
    if form.validate_on_submit():
        upload = form.file.data
        file_format = services.file_format(upload.filename)
        name, size = services.save_upload(upload, file_format)
        try:
            job = services.start_import(
                study, current_user, title=form.title.data or services.default_title(
                    upload.filename), original_name=services.display_name(upload.filename),
                upload=name, size=size, file_format_=file_format,
                encoding=form.encoding.data, delimiter=form.delimiter.data,
                locale=str(get_locale() or "en"))
            db.session.commit()
        except BaseException:
            services.remove_upload(name)
            raise
        enqueue(job)
        return redirect(url_for("jobs.show", job_id=job.id))
    return _page(study, form, 422 if form.is_submitted() else 200)


def _page(study, form, status):
    return render_template("imports/new.html", study=study, form=form), status


def _editable_study():
    """The study of the URL if the current user may import into it (the error page's check:
    it runs without the view's own)."""
    if not current_user.is_authenticated:
        return None
    study = db.session.get(Study, (request.view_args or {}).get("study_id"))
    role = study.role_of(current_user) if study is not None else None
    if role is None or ROLE_RANK[role] < ROLE_RANK["editor"]:
        return None
    return study
