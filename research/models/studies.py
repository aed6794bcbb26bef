"""Research projects (studies) and their team."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from research.extensions import db
from research.models.types import JSONDocument, TimestampMixin, UTCDateTime, utcnow
from research.models.vocabulary import ROLE_RANK

TITLE_MAX = 200
LONG_TEXT_MAX = 10_000


class Study(TimestampMixin, db.Model):
    """A research project: the problem, the plan, the team and its surveys."""

    __tablename__ = "study"
    __table_args__ = (
        CheckConstraint("stage IN ('objectives', 'plan', 'fieldwork', 'reporting')",
                        name="stage_known"),
        CheckConstraint("sample_size IS NULL OR sample_size > 0", name="sample_size_positive"),
        CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Working title shown everywhere.
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: The client the research is for (a company or an internal department).
    client: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    #: The management problem, in the client's words.
    problem_statement: Mapped[str | None] = mapped_column(Text)
    #: What the research must find out (one objective per line).
    objectives: Mapped[str | None] = mapped_column(Text)
    #: Hypotheses to test (one per line).
    hypotheses: Mapped[str | None] = mapped_column(Text)
    #: exploratory / descriptive / causal (see vocabulary.RESEARCH_TYPES).
    research_type: Mapped[str | None] = mapped_column(String(20))
    #: desk / field.
    data_source: Mapped[str | None] = mapped_column(String(20))
    #: qualitative / quantitative / mixed.
    data_kind: Mapped[str | None] = mapped_column(String(20))
    #: List of method keys (vocabulary.METHODS).
    methods = mapped_column(JSONDocument, nullable=False, default=list)
    #: Who is to be studied (population definition).
    target_audience: Mapped[str | None] = mapped_column(Text)
    #: Planned number of completed interviews.
    sample_size: Mapped[int | None]
    #: vocabulary.SAMPLING_METHODS key.
    sampling_method: Mapped[str | None] = mapped_column(String(30))
    #: Intended quotas, in words (quota cells are set on surveys).
    quota_plan: Mapped[str | None] = mapped_column(Text)
    #: Planned start and end of the project.
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: Budget and its ISO currency code.
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    #: Current stage of the research process (vocabulary.STAGES).
    stage: Mapped[str] = mapped_column(String(20), default="objectives")
    #: Manually ticked checklist items: {"item key": true} (see studies/stages.py).
    checklist = mapped_column(JSONDocument, nullable=False, default=dict)
    #: When the study entered its current stage.
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    members = relationship("StudyMember", back_populates="study", cascade="all, delete-orphan",
                           order_by="StudyMember.id")
    invitations = relationship("Invitation", back_populates="study", cascade="all, delete-orphan",
                               passive_deletes=True)
    surveys = relationship("Survey", back_populates="study", cascade="all, delete-orphan",
                           order_by="Survey.id")

    def role_of(self, user):
        """The user's role in this study, or None if they are not a member."""
        for member in self.members:
            if member.user_id == user.id:
                return member.role
        return None

    def __repr__(self):
        return f"<Study {self.id} {self.title!r}>"


class StudyMember(db.Model):
    """A user's role in a study: owner, editor, viewer or interviewer."""

    __tablename__ = "study_member"
    __table_args__ = (
        UniqueConstraint("study_id", "user_id"),
        CheckConstraint("role IN ('owner', 'editor', 'viewer', 'interviewer')",
                        name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    study = relationship("Study", back_populates="members")
    user = relationship("User", back_populates="memberships")

    def can(self, needed_role):
        """True when this member's role is at least ``needed_role``."""
        return ROLE_RANK[self.role] >= ROLE_RANK[needed_role]
