"""The four stages of a research project and the checklist of each.

Some items are checked from the study's data (a plan with no sample size is
not a plan); others are confirmations only a person can give (the client
agreed the objectives) and are ticked by hand.
"""
from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from research.models.vocabulary import STAGE_ORDER


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: object
    #: Required items must be done before the study moves to the next stage.
    required: bool
    #: For automatic items: study -> bool. None means ticked by hand.
    check: Callable | None = None

    @property
    def is_manual(self):
        return self.check is None

    def is_done(self, study):
        if self.check is not None:
            return bool(self.check(study))
        return bool((study.checklist or {}).get(self.key))


def _surveys_planned(study):
    return "survey" not in (study.methods or []) or len(study.surveys) > 0


CHECKLISTS = {
    "objectives": [
        ChecklistItem("problem", _l("Problem statement written"), True,
                      lambda s: s.problem_statement),
        ChecklistItem("objectives", _l("Research objectives listed"), True,
                      lambda s: s.objectives),
        ChecklistItem("hypotheses", _l("Hypotheses formulated"), False, lambda s: s.hypotheses),
        ChecklistItem("client_agreed", _l("Objectives agreed with the client"), False),
    ],
    "plan": [
        ChecklistItem("research_type", _l("Research type chosen"), True,
                      lambda s: s.research_type),
        ChecklistItem("data", _l("Data source and kind of data chosen"), True,
                      lambda s: s.data_source and s.data_kind),
        ChecklistItem("methods", _l("Data collection methods chosen"), True, lambda s: s.methods),
        ChecklistItem("audience", _l("Target audience described"), True,
                      lambda s: s.target_audience),
        ChecklistItem("sample", _l("Sample plan: size and sampling method"), True,
                      lambda s: s.data_source == "desk" or (s.sample_size and s.sampling_method)),
        ChecklistItem("timeline", _l("Timeline: start and end dates"), True,
                      lambda s: s.start_date and s.end_date),
        ChecklistItem("budget", _l("Budget estimated"), False,
                      lambda s: s.budget_amount is not None),
    ],
    "fieldwork": [
        ChecklistItem("survey_created", _l("Questionnaire created (for survey research)"), True,
                      _surveys_planned),
        ChecklistItem("briefing", _l("Interviewers or fieldwork agency briefed"), False),
        ChecklistItem("fieldwork_done", _l("Fieldwork finished and data checked"), True),
    ],
    "reporting": [
        ChecklistItem("tables_done", _l("Tables and analysis done"), True),
        ChecklistItem("report_delivered", _l("Report delivered to the client"), True),
    ],
}

MANUAL_ITEMS = {item.key: stage for stage, items in CHECKLISTS.items()
                for item in items if item.is_manual}


@dataclass(frozen=True)
class StageStatus:
    key: str
    items: list
    #: ``done``, ``current`` or ``upcoming``.
    state: str

    @property
    def missing_required(self):
        return [item for item, done in self.items if item.required and not done]

    @property
    def done_count(self):
        return sum(1 for _item, done in self.items if done)


def stage_overview(study):
    """Every stage with its checklist evaluated, in order."""
    current = STAGE_ORDER.index(study.stage)
    overview = []
    for index, stage in enumerate(STAGE_ORDER):
        state = "done" if index < current else "current" if index == current else "upcoming"
        items = [(item, item.is_done(study)) for item in CHECKLISTS[stage]]
        overview.append(StageStatus(stage, items, state))
    return overview


def progress_percent(study):
    """Share of all required checklist items that are done, for progress bars."""
    required = [item for items in CHECKLISTS.values() for item in items if item.required]
    done = sum(1 for item in required if item.is_done(study))
    return round(100 * done / len(required))
