"""Quota set-up: cells crossed from closed variables, targets, custom cell conditions.
Functions flush; the caller commits."""
from __future__ import annotations

import itertools

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from research.exceptions import DomainError
from research.extensions import db
from surveys.definition import resolved_questions
from surveys.expressions import check
from surveys.models import Quota, QuotaCell, Response
from surveys.questions import type_of

#: A quota of more cells than this is a mistake (crossing a 100-code list with another).
MAX_CELLS = 200


def closed_variables(survey) -> dict:
    """``{name: Variable dict}`` of the published version's single-coded variables."""
    version = survey.published_version or survey.draft_version
    found = {}
    for variable in (version.variables or []) if version is not None else []:
        if variable.get("value_labels") and variable.get("role") == "answer":
            found[variable["name"]] = variable
    return found


def expression_types(survey) -> dict:
    """``{variable: expression type}`` of the published questionnaire, for checking cells."""
    version = survey.published_version
    if version is None or version.definition is None:
        return {}
    types = {}
    for spec in resolved_questions(version.definition):
        types.update(type_of(spec).expression_variables(spec))
    return types


def _literal(code) -> str:
    return str(code) if isinstance(code, (int, float)) else "'" + str(code).replace("'", "") + "'"


def create_quota(survey, name: str, variable_names: list, default_target: int) -> Quota:
    """A quota whose cells are every combination of the variables' codes."""
    if survey.published_version is None:
        raise DomainError(_l("Publish the questionnaire before setting quotas."))
    known = closed_variables(survey)
    unknown = [name for name in variable_names if name not in known]
    if not variable_names or unknown:
        raise DomainError(_l("Not a closed variable of the published questionnaire: "
                             "%(names)s.", names=", ".join(unknown) or "—"), field="variables")
    if len(set(variable_names)) != len(variable_names):
        raise DomainError(_l("Each variable may appear once."), field="variables")
    labels = [known[name]["value_labels"] for name in variable_names]
    size = 1
    for codes in labels:
        size *= len(codes)
    if size > MAX_CELLS:
        raise DomainError(_l("That makes %(n)d cells; at most %(max)d are allowed.",
                             n=size, max=MAX_CELLS), field="variables")
    quota = Quota(survey_id=survey.id, name=name, variables=list(variable_names),
                  is_active=True)
    for position, combination in enumerate(itertools.product(*labels)):
        condition = " and ".join(f"${{{name}}} = {_literal(code)}"
                                 for name, (code, _label) in zip(variable_names, combination))
        label = ", ".join(str(label) for _code, label in combination)
        quota.cells.append(QuotaCell(position=position, label=label[:200], condition=condition,
                                     target=default_target, completes=0))
    db.session.add(quota)
    db.session.flush()
    return quota


def check_condition(survey, condition: str) -> list:
    """Problems of a cell condition (messages), empty when it is fine."""
    return [problem.message for problem in check(condition, expression_types(survey))]


def add_cell(quota, label: str, condition: str, target: int) -> QuotaCell:
    problems = check_condition(quota.survey, condition)
    if problems:
        raise DomainError(problems[0], field="condition")
    cell = QuotaCell(quota_id=quota.id, position=len(quota.cells), label=label,
                     condition=condition, target=target, completes=0)
    quota.cells.append(cell)
    db.session.flush()
    return cell


def set_targets(quota, targets: dict) -> None:
    """``{cell id: target}``; every target a whole number from 0."""
    for cell in quota.cells:
        if cell.id in targets:
            cell.target = targets[cell.id]
    db.session.flush()


def over_quota_counts(survey_id: int) -> dict:
    """``{cell id: interviews ended over quota in that cell}``."""
    rows = db.session.execute(
        select(Response.end_cause, func.count()).where(Response.survey_id == survey_id,
                                                       Response.status == "over_quota")
        .group_by(Response.end_cause)).all()
    counts = {}
    for cause, count in rows:
        if cause and cause.startswith("quota:") and cause[6:].isdigit():
            counts[int(cause[6:])] = count
    return counts
