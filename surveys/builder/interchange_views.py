"""Builder pages: export and import of the questionnaire (JSON and XLSForm)."""
import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from research.exceptions import DomainError
from research.extensions import db
from surveys.builder import bp, services
from surveys.builder.forms import ImportForm
from surveys.builder.versions import replace_draft
from surveys.builder.views import outline_url
from surveys.interchange import (ImportFailed, export_json, export_xlsform, import_json,
                                 import_xlsform)
from surveys.manage.views import load_survey

IMPORT_LIMIT = 10 * 1024 * 1024
EXPORTS = {
    "json": (export_json, "application/json", "json"),
    "xlsform": (export_xlsform,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _file_stem(survey, version_number):
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", survey.title).strip("-")[:60] or "questionnaire"
    return f"{stem}-v{version_number}"


@bp.route("/export.<fmt>")
@login_required
def export(study_id, survey_id, fmt):
    """Download the draft, a published version (``?version=N``) or the newest one."""
    _study, survey, _role = load_survey(study_id, survey_id)
    if fmt not in EXPORTS:
        abort(404)
    writer, mimetype, extension = EXPORTS[fmt]
    wanted = request.args.get("version", type=int)
    if wanted is not None:
        found = next((v for v in survey.versions if v.number == wanted and v.is_published),
                     None)
        if found is None:
            abort(404)
        document, number = found.definition, found.number
    elif survey.draft_version is not None:
        document, number = services.draft_definition(survey), survey.draft_version.number
    elif survey.published_version is not None:
        document, number = survey.published_version.definition, survey.published_version.number
    else:
        abort(404)
    filename = f"{_file_stem(survey, number)}.{extension}"
    return Response(writer(document), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/import", methods=["POST"])
@login_required
def import_file(study_id, survey_id):
    """Replace the draft with an imported questionnaire: everything or nothing."""
    study, survey, _role = load_survey(study_id, survey_id, "editor")
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to import."), "error")
        return redirect(outline_url(study, survey))
    upload = form.file.data
    data = upload.read(IMPORT_LIMIT + 1)
    name = (upload.filename or "").lower()
    problems = []
    try:
        if len(data) > IMPORT_LIMIT:
            problems = [(None, _("The file is larger than 10 MB."))]
        elif name.endswith(".json"):
            document = import_json(data)
        elif name.endswith(".xlsx"):
            document = import_xlsform(data, survey_title=survey.title)
        else:
            problems = [(None, _("Import an Anketa .json file or an XLSForm .xlsx file."))]
    except ImportFailed as failure:
        problems = [(problem.location, problem.message) for problem in failure.problems]
    if not problems:
        try:
            replace_draft(survey, document)
        except DomainError as error:
            problems = [(None, error.message)]
    if problems:
        db.session.rollback()
        return render_template("builder/import_failed.html", study=study, survey=survey,
                               filename=upload.filename, problems=problems), 422
    db.session.commit()
    flash(_("Questionnaire imported: %(n)d questions in the draft.",
            n=len(survey.draft_version.questions)), "success")
    return redirect(url_for("builder.outline", study_id=study.id, survey_id=survey.id))
