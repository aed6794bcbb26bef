"""Controlled vocabularies of the research process, with translatable labels.

Keys are stored in the database; labels are shown. Order matters: it is the
order of choices in forms.
"""
from flask_babel import lazy_gettext as _l

RESEARCH_TYPES = {
    "exploratory": _l("Exploratory"),
    "descriptive": _l("Descriptive"),
    "causal": _l("Causal (experimental)"),
}
DATA_SOURCES = {
    "desk": _l("Desk (secondary data)"),
    "field": _l("Field (primary data)"),
}
DATA_KINDS = {
    "qualitative": _l("Qualitative"),
    "quantitative": _l("Quantitative"),
    "mixed": _l("Mixed"),
}
METHODS = {
    "survey": _l("Survey"),
    "observation": _l("Observation"),
    "experiment": _l("Experiment"),
    "focus_group": _l("Focus group"),
    "in_depth_interview": _l("In-depth interview"),
}
SAMPLING_METHODS = {
    "simple_random": _l("Simple random (probability)"),
    "systematic": _l("Systematic (probability)"),
    "stratified": _l("Stratified (probability)"),
    "cluster": _l("Cluster (probability)"),
    "quota": _l("Quota (non-probability)"),
    "convenience": _l("Convenience (non-probability)"),
    "judgement": _l("Judgement (non-probability)"),
    "snowball": _l("Snowball (non-probability)"),
}
#: The four stages of a research project, in order.
STAGES = {
    "objectives": _l("Objectives"),
    "plan": _l("Research plan"),
    "fieldwork": _l("Fieldwork"),
    "reporting": _l("Analysis & reporting"),
}
STAGE_ORDER = list(STAGES)

#: Study roles, weakest first; from viewer on, a role may do everything the ones before it may.
#: Interviewers only key in interviews and see their own entries; viewers, who only read,
#: cannot key in (``surveys.interviews`` checks that case itself).
ROLES = {
    "interviewer": _l("Interviewer"),
    "viewer": _l("Viewer"),
    "editor": _l("Editor"),
    "owner": _l("Owner"),
}
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}

SURVEY_KINDS = {
    "adhoc": _l("Ad hoc"),
    "omnibus": _l("Omnibus"),
    "panel_wave": _l("Panel wave"),
    "imported": _l("Imported data"),
}
SURVEY_STATUSES = {
    "draft": _l("Draft"),
    "live": _l("Live"),
    "closed": _l("Closed"),
}
RESPONSE_STATUSES = {
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
    "screened_out": _l("Screened out"),
    "over_quota": _l("Over quota"),
    "abandoned": _l("Abandoned"),
}
CHANNELS = {
    "web": _l("Web"),
    "phone": _l("Telephone interview"),
    "face_to_face": _l("Face-to-face interview"),
    "mail": _l("Mail (paper) questionnaire"),
    "observation": _l("Observation sheet"),
    "api": _l("API"),
}
CURRENCIES = ["RUB", "USD", "EUR", "KZT", "BYN", "UAH", "GBP", "CNY"]
