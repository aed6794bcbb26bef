"""Respondent-level files imported into a study (desk research, secondary data).

An import is a :class:`~surveys.models.Survey` of kind ``imported`` — so every report page,
weight scheme, saved table and export works on it — plus this row, which says where its data
are (a Parquet file in ``IMPORTED_DATA_DIR``) and holds the file's dictionary.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, UTCDateTime, utcnow

IMPORT_FORMATS = ("sav", "csv", "xlsx")


class ImportedDataset(db.Model):
    """The data and dictionary of an imported survey (one per survey of kind ``imported``)."""

    __tablename__ = "imported_dataset"
    __table_args__ = (
        CheckConstraint("format IN ('sav', 'csv', 'xlsx')", name="format_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           unique=True)
    #: The uploaded file's name as the researcher's computer called it (shown, never opened).
    original_name: Mapped[str] = mapped_column(String(255))
    #: ``sav`` (also .zsav), ``csv`` or ``xlsx``.
    format: Mapped[str] = mapped_column(String(8))
    #: Size of the uploaded file in bytes.
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    #: Respondents (rows) and variables (columns) imported.
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    variable_count: Mapped[int] = mapped_column(Integer, default=0)
    #: ``[{name, label, kind, measure, value_labels: [[code, label]], missing_values, role,
    #: question, mr_set}]`` in file order: what ``analysis.Variable.from_dict`` reads.
    variables = mapped_column(JSONDocument, nullable=False, default=list)
    #: ``[{name, label, variables, counted_value}]``: multiple-response sets of the file.
    mr_sets = mapped_column(JSONDocument, nullable=False, default=list)
    #: The reader's notes (encoding guessed, columns renamed, ...), in the uploader's language.
    warnings = mapped_column(JSONDocument, nullable=False, default=list)
    #: How the file was read: ``{"encoding": ..., "delimiter": ...}`` as chosen on the form.
    options = mapped_column(JSONDocument, nullable=False, default=dict)
    #: The Parquet file's name inside ``IMPORTED_DATA_DIR`` (ours, never a path from the user).
    data_file: Mapped[str] = mapped_column(String(255), unique=True)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    survey = relationship("Survey", back_populates="imported_dataset")
    imported_by = relationship("User")

    def __repr__(self):
        return f"<ImportedDataset {self.id} {self.original_name!r}>"
