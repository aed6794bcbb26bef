"""Surveys and their questionnaire versions."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, TimestampMixin, UTCDateTime

SURVEY_TITLE_MAX = 200
#: The kind of a survey whose data were imported from a file (no questionnaire, no fieldwork).
IMPORTED = "imported"
#: Default inactivity after which an interview in progress is abandoned (a day).
ABANDON_AFTER_MINUTES = 24 * 60


class Survey(TimestampMixin, db.Model):
    """One questionnaire fielded in a study (ad hoc, omnibus or a panel wave), or a
    respondent-level file imported into it (kind ``imported``: data without a questionnaire)."""

    __tablename__ = "survey"
    __table_args__ = (
        CheckConstraint("kind IN ('adhoc', 'omnibus', 'panel_wave', 'imported')",
                        name="kind_known"),
        CheckConstraint("status IN ('draft', 'live', 'closed')", name="status_known"),
        CheckConstraint("max_completes IS NULL OR max_completes > 0",
                        name="max_completes_positive"),
        CheckConstraint("abandon_after_minutes > 0", name="abandon_after_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    #: Internal title (respondents see the questionnaire's own title).
    title: Mapped[str] = mapped_column(String(SURVEY_TITLE_MAX))
    #: adhoc / omnibus / panel_wave / imported.
    kind: Mapped[str] = mapped_column(String(20), default="adhoc")
    #: draft (only previewed) / live (collecting) / closed.
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Language respondents see unless they choose another.
    default_language: Mapped[str] = mapped_column(String(8), default="ru")
    #: Languages the questionnaire is written in.
    languages = mapped_column(JSONDocument, nullable=False, default=list)
    #: Set when fieldwork starts and ends.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The open link's slug (/s/<public_key>); random, so links cannot be guessed from ids.
    public_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    #: Whether anyone with the open link may answer (personal links work either way).
    open_link: Mapped[bool] = mapped_column(default=True)
    #: werkzeug hash of the optional access password of the open link.
    access_password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Fieldwork stops at this moment (UTC), if set.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Fieldwork stops after this many completes, if set.
    max_completes: Mapped[int | None]
    #: An interview in progress untouched for this many minutes counts as abandoned.
    abandon_after_minutes: Mapped[int] = mapped_column(default=ABANDON_AFTER_MINUTES)

    study = relationship("Study", back_populates="surveys")
    versions = relationship("QuestionnaireVersion", back_populates="survey",
                            cascade="all, delete-orphan", order_by="QuestionnaireVersion.number")
    responses = relationship("Response", back_populates="survey", cascade="all, delete-orphan",
                             passive_deletes=True, lazy="dynamic")
    #: The file's data and dictionary, for kind ``imported`` (deleting the survey deletes it,
    #: through the ORM so that its data file can be removed after the commit).
    imported_dataset = relationship("ImportedDataset", back_populates="survey", uselist=False,
                                    cascade="all, delete-orphan")

    @property
    def is_imported(self):
        """Whether the survey holds imported data rather than a questionnaire's responses."""
        return self.kind == IMPORTED

    @property
    def draft_version(self):
        return next((v for v in self.versions if v.published_at is None), None)

    @property
    def published_version(self):
        """The newest published version: the one respondents get."""
        published = [v for v in self.versions if v.published_at is not None]
        return published[-1] if published else None

    def __repr__(self):
        return f"<Survey {self.id} {self.title!r}>"


class QuestionnaireVersion(db.Model):
    """A numbered version of a survey's questionnaire.

    A draft is edited through its Question rows; publishing freezes it: the
    ``definition`` (the whole questionnaire as JSON) and ``variables`` (the
    analysis contract) are written once and never change afterwards.
    """

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    #: 1, 2, 3 ... in order of creation.
    number: Mapped[int]
    #: The frozen questionnaire (JSON format documented in docs/); None while a draft.
    #: Deferred (loaded on first access): collection reads the cached, prepared questionnaire
    #: (``surveys.collect.questionnaire``), not this large document, on every page.
    definition = mapped_column(JSONDocument, deferred=True)
    #: The frozen variable list: name, label, type, value labels (deferred, as ``definition``).
    variables = mapped_column(JSONDocument, deferred=True)
    #: Questionnaire-level texts and settings of the draft: title, welcome and thank-you
    #: texts per language, shared option lists ({"brands": [options]}).
    settings = mapped_column(JSONDocument, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: None while the version is a draft.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    survey = relationship("Survey", back_populates="versions")
    questions = relationship("Question", back_populates="version", cascade="all, delete-orphan",
                             order_by="Question.position")

    @property
    def is_published(self):
        return self.published_at is not None
