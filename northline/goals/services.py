"""Every write to periods, objectives, key results and check-ins (STYLE §2).

Each function is one transaction: it checks the role and the rules, writes, and records the
audit event. Records another function points at (a period, a team, a parent objective, a theme,
an owner) may be passed as instances or ids; one of another organization is "not found" (404),
exactly as one that does not exist.

Alignment rules (DESIGN §2.4):

* an objective's parent lies in the same period: the cascade is drawn per period, and a child
  filed under a parent of another period would vanish from both trees;
* no objective is its own ancestor (a cycle would make progress roll up forever);
* key results measure through an indicator (DESIGN §2.2) created with them, whose window is the
  objective's period unless other dates are given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from northline.goals.models import KeyResult, Objective, ObjectiveStatus, Period
from northline.lib.errors import Conflict, Invalid, NotFound
from northline.measures import services as measures
from northline.measures.models import Reading
from northline.measures.rules import GUARDRAILS
from northline.orgs.access import Access, in_org, resolve_in_org
from northline.orgs.audit import stale
from northline.orgs.models import Person, Team
from northline.orgs.services import (
    RecordWrites,
    add_record,
    change_record,
    refuse_unknown,
    remove_record,
)
from northline.strategy.models import Theme

PERIOD_FIELDS = {"name", "starts_on", "ends_on"}
OBJECTIVE_FIELDS = {"title", "description", "period", "team", "owner", "parent", "theme", "status"}
KEY_RESULT_FIELDS = {"title", "weight", "owner", "due_date", "checkin_every_days"}
# How often an owner may be asked to check in: at least daily, at most once a year.
CHECKIN_EVERY_DAYS = range(1, 366)
# Fields of the key result's indicator that may be edited through the key result.
KEY_RESULT_MEASURE_FIELDS = {"baseline", "target", "unit", "direction"}
CHECK_IN_SOURCE = "check-in"


OBJECTIVE_REFERENCES: dict[str, type[models.Model]] = {
    "period": Period,
    "team": Team,
    "owner": Person,
    "parent": Objective,
    "theme": Theme,
}


def resolve_references(access: Access, fields: dict[str, Any]) -> dict[str, Any]:
    """Turn the foreign keys among ``fields`` into records of the caller's organization."""
    return resolve_in_org(access, fields, OBJECTIVE_REFERENCES)


# Periods ---------------------------------------------------------------------------------


PERIODS = RecordWrites[Period](editable=PERIOD_FIELDS)


def create_period(access: Access, *, name: str, starts_on: dt.date, ends_on: dt.date) -> Period:
    return PERIODS.create(
        access,
        Period(organization=access.organization, name=name, starts_on=starts_on, ends_on=ends_on),
    )


update_period = PERIODS.update


@transaction.atomic
def delete_period(access: Access, period: Period) -> None:
    """Only an empty period goes: objectives are history worth keeping (close them instead)."""
    access.require("write")
    count = Objective.objects.filter(period=period).count()
    if count:
        raise Conflict(
            f"{period.name} still has {count} objective{'s' if count != 1 else ''}; "
            "delete or move them first.",
            code="period_not_empty",
        )
    remove_record(access, period)


# Objectives ------------------------------------------------------------------------------


def check_alignment(objective: Objective) -> None:
    """The parent is in the same period and is not the objective itself or its descendant."""
    parent = objective.parent
    if parent is not None:
        if parent.period_id != objective.period_id:
            raise Invalid(
                "A parent objective must belong to the same period.",
                fields={"parent": f"“{parent.title}” belongs to another period."},
            )
        if objective.pk is not None:
            seen: set[int] = set()
            ancestor: Objective | None = parent
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == objective.pk:
                    raise Invalid(
                        "An objective cannot align to itself or to one of its own descendants.",
                        fields={"parent": "This would make a cycle."},
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
    if objective.pk is not None:
        strays = Objective.objects.filter(parent=objective).exclude(period_id=objective.period_id)
        if strays.exists():
            raise Invalid(
                "This objective has child objectives in its period; it cannot move to another "
                "period while they align to it.",
                fields={"period": "Child objectives align to this objective in its period."},
            )


@transaction.atomic
def create_objective(access: Access, **fields: Any) -> Objective:
    """A new objective; ``team`` None makes it organization level."""
    access.require("write")
    refuse_unknown(fields, OBJECTIVE_FIELDS)
    if "period" not in fields:
        raise Invalid("An objective needs a period.", fields={"period": "Required."})
    objective = Objective(organization=access.organization, **resolve_references(access, fields))
    check_alignment(objective)
    return add_record(access, objective)


@transaction.atomic
def update_objective(
    access: Access, objective: Objective, /, *, version: int, **changes: Any
) -> Objective:
    access.require("write")
    refuse_unknown(changes, OBJECTIVE_FIELDS)
    resolved = resolve_references(access, changes)
    # Check the new alignment on a copy, so a refusal leaves the caller's instance untouched.
    candidate = Objective.objects.get(pk=objective.pk)
    for name, value in resolved.items():
        setattr(candidate, name, value)
    check_alignment(candidate)
    for name in ("period", "team", "owner", "parent", "theme"):
        if name in resolved:
            resolved[name] = resolved[name].pk if resolved[name] is not None else None
    return change_record(access, objective, version=version, changes=resolved)


@transaction.atomic
def delete_objective(access: Access, objective: Objective) -> None:
    """Delete an objective with its key results (and their check-ins); children must go first."""
    access.require("write")
    count = Objective.objects.filter(parent=objective).count()
    if count:
        raise Conflict(
            f"{count} objective{'s' if count != 1 else ''} align{'s' if count == 1 else ''} "
            "to this one; align them elsewhere or delete them first.",
            code="objective_has_children",
        )
    for key_result in KeyResult.objects.filter(objective=objective).select_related("indicator"):
        delete_key_result(access, key_result)
    remove_record(access, objective)


# Key results -----------------------------------------------------------------------------


@transaction.atomic
def create_key_result(
    access: Access,
    objective: Objective,
    *,
    title: str,
    baseline: float,
    target: float,
    weight: float = 1.0,
    owner: Person | int | None = None,
    due_date: dt.date | None = None,
    unit: str = "",
    kind: str = "lagging",
    start_date: dt.date | None = None,
    target_date: dt.date | None = None,
    description: str = "",
    checkin_every_days: int = 7,
    direction: str | None = None,
) -> KeyResult:
    """A key result and the indicator whose readings are its check-ins, in one transaction."""
    access.require("write")
    check_cadence(checkin_every_days)
    if objective.organization_id != access.organization.pk:
        raise NotFound(f"No objective with id {objective.pk} in this organization.")
    period = objective.period
    # Left out, the direction follows from baseline and target; a guardrail is asked for.
    directed = {"direction": direction} if direction else {}
    indicator = measures.create_indicator(
        access,
        **directed,
        name=title,
        description=description,
        kind=kind,
        unit=unit,
        baseline=baseline,
        target=target,
        start_date=start_date or period.starts_on,
        target_date=target_date or due_date or period.ends_on,
    )
    return add_record(
        access,
        KeyResult(
            organization=access.organization,
            objective=objective,
            title=title,
            weight=weight,
            owner=in_org(access, Person, owner, "owner"),
            due_date=due_date,
            indicator=indicator,
            checkin_every_days=checkin_every_days,
        ),
    )


def check_cadence(days: int) -> None:
    """The check-in cadence: 1 to 365 days (past it, the owner's My work lists it as due)."""
    if days not in CHECKIN_EVERY_DAYS:
        message = "Check in at least once a year and at most daily: 1 to 365 days."
        raise Invalid(message, fields={"checkin_every_days": message})


@transaction.atomic
def update_key_result(
    access: Access, key_result: KeyResult, /, *, version: int, **changes: Any
) -> KeyResult:
    """Edit a key result; its baseline, target and unit are its indicator's and change there."""
    access.require("write")
    refuse_unknown(changes, KEY_RESULT_FIELDS | KEY_RESULT_MEASURE_FIELDS)
    measure = {
        name: changes.pop(name) for name in list(changes) if name in KEY_RESULT_MEASURE_FIELDS
    }
    if "checkin_every_days" in changes:
        check_cadence(changes["checkin_every_days"])
    if "owner" in changes:
        owner = in_org(access, Person, changes["owner"], "owner")
        changes["owner"] = owner.pk if owner is not None else None
    if key_result.version != version:
        # Refuse before touching the indicator, so a stale edit changes nothing at all.
        raise stale(key_result, version)
    if measure:
        indicator = key_result.indicator
        guardrail = measure.get("direction", indicator.direction) in GUARDRAILS
        if ("baseline" in measure or "target" in measure) and not guardrail:
            # A goal's direction follows its bounds; a guardrail's stays what it was asked to be.
            measure["direction"] = measures.direction_for(
                measure.get("baseline", indicator.baseline), measure.get("target", indicator.target)
            )
        measures.update_indicator(access, indicator, version=indicator.version, **measure)
    if "title" in changes and changes["title"] != key_result.indicator.name:
        indicator = key_result.indicator
        measures.update_indicator(
            access, indicator, version=indicator.version, name=changes["title"]
        )
    return change_record(access, key_result, version=version, changes=changes)


@transaction.atomic
def delete_key_result(access: Access, key_result: KeyResult) -> None:
    """Delete a key result and its indicator with the check-ins recorded on it."""
    access.require("write")
    indicator = key_result.indicator
    remove_record(access, key_result)
    measures.delete_indicator(access, indicator)


# Check-ins -------------------------------------------------------------------------------


@transaction.atomic
def record_check_in(
    access: Access,
    key_result: KeyResult,
    *,
    value: float,
    confidence: int | None = None,
    note: str = "",
    recorded_at: dt.datetime | None = None,
) -> Reading:
    """A check-in: a reading of the key result's indicator, by the caller, with confidence
    (0–100 %) and a note. A closed objective takes no more check-ins."""
    access.require("write")
    if key_result.objective.status == ObjectiveStatus.CLOSED:
        raise Conflict(
            f"“{key_result.objective.title}” is closed; reopen it to check in.",
            code="objective_closed",
        )
    if confidence is not None and not 0 <= confidence <= 100:
        raise Invalid(
            "Confidence is a percentage from 0 to 100.",
            fields={"confidence": "Between 0 and 100."},
        )
    return measures.record_reading(
        access,
        key_result.indicator,
        value=value,
        recorded_at=recorded_at,
        source=CHECK_IN_SOURCE,
        confidence=confidence,
        note=note,
    )
