"""The upload form of "Import data"."""
import os

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from research.forms import no_control_characters, strip
from research.imports.services import file_format
from research.imports.summary import megabytes
from surveys.models.survey import SURVEY_TITLE_MAX

ENCODINGS = [("", _l("Detect automatically")), ("utf-8", _l("UTF-8")),
             ("cp1251", _l("Windows-1251 (Cyrillic)")), ("koi8-r", _l("KOI8-R (Cyrillic)")),
             ("cp866", _l("CP866 (DOS Cyrillic)")), ("latin-1", _l("Latin-1 (ISO-8859-1)"))]
DELIMITERS = [("", _l("Detect automatically")), (",", _l("Comma")), (";", _l("Semicolon")),
              ("\t", _l("Tab"))]


class ImportForm(FlaskForm):
    """A respondent-level file and how to read it (the CSV settings are optional)."""

    title = StringField(_l("Title"), filters=[strip],
                        description=_l("How the dataset is listed in the study; leave empty to "
                                       "use the file's name."),
                        validators=[Optional(), Length(max=SURVEY_TITLE_MAX),
                                    no_control_characters])
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to import."))])
    encoding = SelectField(_l("Encoding (CSV only)"), choices=ENCODINGS, default="")
    delimiter = SelectField(_l("Delimiter (CSV only)"), choices=DELIMITERS, default="")

    def __init__(self, max_bytes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.file.description = _l(
            "SPSS (.sav, .zsav), CSV (.csv, .tsv, .txt) or Excel (.xlsx), one row per "
            "respondent, at most %(size)s MB.", size=megabytes(max_bytes))

    def validate_file(self, field):
        upload = field.data
        if file_format(upload.filename) is None:
            raise ValidationError(_l("Choose an SPSS (.sav, .zsav), CSV (.csv, .tsv, .txt) or "
                                     "Excel (.xlsx) file."))
        upload.stream.seek(0, os.SEEK_END)
        size = upload.stream.tell()
        upload.stream.seek(0)
        if size == 0:
            raise ValidationError(_l("The file is empty."))
        if size > self.max_bytes:
            raise ValidationError(too_large_message(self.max_bytes))


def too_large_message(max_bytes):
    return _l("The file is larger than the import limit of %(size)s MB.",
              size=megabytes(max_bytes))
