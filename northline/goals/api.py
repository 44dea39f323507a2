"""API routes for periods, objectives, key results, check-ins, progress and the cascade."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from northline.goals import selectors, services
from northline.goals.access import access_key_result, access_objective, access_period
from northline.goals.models import KeyResult
from northline.lib.errors import NotFound, naming
from northline.lib.schemas import (
    AS_OF_DESCRIPTION,
    AsOf,
    Filters,
    Id,
    Input,
    OrgSlug,
    VersionedInput,
    patch_of,
    references,
)
from northline.measures.api import DirectionName, HealthOut, ReadingOut, health_out
from northline.measures.rules import PaceName
from northline.orgs.access import Access
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Names,
    child_routes,
    record_routes,
    update_with_version,
    with_fields,
)

router = Router(tags=["goals"])

StatusName = Literal["draft", "active", "closed"]
KindName = Literal["leading", "lagging"]


# Periods ---------------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    version: int


class PeriodIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    starts_on: dt.date
    ends_on: dt.date


PeriodPatch = patch_of(PeriodIn, "PeriodPatch")

record_routes(
    router,
    "/periods",
    "period_id",
    module=__name__,
    names=Names("period", "periods"),
    out=PeriodOut,
    find=access_period,
    listing=(None, selectors.periods),
    create=(PeriodIn, with_fields(services.create_period)),
    update=(PeriodPatch, update_with_version(services.update_period)),
    delete=services.delete_period,
    summaries={
        "list": "Periods, the latest first",
        "create": "Create a period",
        "get": "One period",
        "update": "Edit a period",
        "delete": "Delete a period with no objectives",
    },
)


# Objectives ------------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    period_id: Id
    team_id: Id | None = Field(..., description="None: an organization-level objective.")
    owner_id: Id | None
    parent_id: Id | None
    theme_id: Id | None
    status: StatusName
    version: int


class ObjectiveIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    period_id: Id
    team_id: Id | None = Field(None, description="Leave out for an organization-level one.")
    owner_id: Id | None = Field(None, description="A person.")
    parent_id: Id | None = Field(None, description="An objective of the same period.")
    theme_id: Id | None = None
    status: StatusName = "draft"


ObjectivePatch = patch_of(ObjectiveIn, "ObjectivePatch", descriptions=False)


class ObjectiveFilters(Filters):
    period: Id | None = Field(None, description="A period id.")
    team: Id | None = Field(None, description="A team id.")
    status: StatusName | None = None


record_routes(
    router,
    "/objectives",
    "objective_id",
    module=__name__,
    names=Names("objective", "objectives"),
    out=ObjectiveOut,
    find=access_objective,
    listing=(ObjectiveFilters, selectors.objectives),
    create=(ObjectiveIn, with_fields(services.create_objective, references)),
    update=(ObjectivePatch, update_with_version(services.update_objective, references)),
    delete=services.delete_objective,
    summaries={
        "list": "Objectives",
        "create": "Create an objective",
        "get": "One objective",
        "update": "Edit an objective",
        "delete": "Delete an objective with its key results",
    },
)


# Key results and check-ins ---------------------------------------------------------------


CADENCE = (
    "How often the owner checks in, in days (1 to 365); with no check-in for longer, the key "
    "result is due in the owner's My work."
)


class KeyResultOut(Schema):
    id: int
    objective_id: Id
    title: str
    weight: float
    owner_id: Id | None
    due_date: dt.date | None
    checkin_every_days: int
    indicator_id: Id
    kind: KindName = Field(..., alias="indicator.kind")
    unit: str = Field(..., alias="indicator.unit")
    baseline: float = Field(..., alias="indicator.baseline")
    target: float = Field(..., alias="indicator.target")
    direction: DirectionName = Field(..., alias="indicator.direction")
    version: int


class KeyResultIn(Input):
    objective_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    weight: float = Field(1.0, ge=0)
    owner_id: Id | None = None
    due_date: dt.date | None = None
    checkin_every_days: int = Field(7, ge=1, le=365, description=CADENCE)
    baseline: float
    target: float = Field(
        ...,
        description="Must differ from the baseline; below it to decrease. For a guardrail, the "
        "line it holds.",
    )
    direction: DirectionName | None = Field(
        None,
        description="Defaults to the way from baseline to target; stay_above or stay_below "
        "make a guardrail (DESIGN §2.2).",
    )
    unit: str = Field("", max_length=40)
    kind: KindName = "lagging"
    start_date: dt.date | None = Field(None, description="Defaults to the period's start.")
    target_date: dt.date | None = Field(
        None, description="Defaults to the due date, else the period's end."
    )


class KeyResultPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    weight: float | None = Field(None, ge=0)
    owner_id: Id | None = None
    due_date: dt.date | None = None
    checkin_every_days: int | None = Field(None, ge=1, le=365, description=CADENCE)
    baseline: float | None = None
    target: float | None = None
    direction: DirectionName | None = None
    unit: str | None = Field(None, max_length=40)


class CheckInIn(Input):
    value: float
    confidence: int | None = Field(None, ge=0, le=100, description="0 to 100 %.")
    note: str = ""
    recorded_at: dt.datetime | None = Field(None, description="Defaults to now; not in the future.")


def make_key_result(access: Access, payload: KeyResultIn) -> KeyResult:
    fields = payload.dict()
    with naming("objective_id"):
        objective = access_objective(access, fields.pop("objective_id"), "write")
    fields["owner"] = fields.pop("owner_id")
    return services.create_key_result(access, objective, **fields)


record_routes(
    router,
    "/key-results",
    "key_result_id",
    module=__name__,
    names=Names("key_result", "key_results"),
    out=KeyResultOut,
    find=access_key_result,
    listing=({"objective": (Id | None, None)}, selectors.key_results),
    create=(KeyResultIn, make_key_result),
    update=(KeyResultPatch, update_with_version(services.update_key_result, references)),
    delete=services.delete_key_result,
    summaries={
        "list": "Key results",
        "create": "Create a key result",
        "get": "One key result",
        "update": "Edit a key result",
        "delete": "Delete a key result with its check-ins",
    },
)


child_routes(
    router,
    "/key-results/{key_result_id}/check-ins",
    module=__name__,
    names=Names("check_in", "check_ins", renamed={"create": "check_in"}),
    out=ReadingOut,
    parent=access_key_result,
    listing=selectors.check_ins,
    create=(CheckInIn, with_fields(services.record_check_in)),
    summaries={
        "list": "A key result's check-ins, oldest first",
        "create": "Check in: record a value with confidence and a note",
    },
    descriptions={
        "create": (
            "Needs no version: a check-in is a new reading appended to the key result's "
            "indicator; it changes no record, so two people checking in at once both count."
        )
    },
)


# Progress and the cascade ----------------------------------------------------------------


class KeyResultProgressOut(HealthOut):
    key_result_id: Id
    title: str
    weight: float
    score: float = Field(..., description="Progress at the period's end (so far, until then).")


class ObjectiveProgressOut(Schema):
    objective_id: Id
    title: str
    progress: float = Field(
        ..., description="Weighted mean of its key results, else mean of its children."
    )
    expected: float
    pace: PaceName
    score: float = Field(..., description="Progress at the period's end (0.0–1.0).")
    score_final: bool = Field(..., description="True once the period has ended.")
    key_results: list[KeyResultProgressOut]
    children: list[int] = Field(..., description="Ids of the objectives aligned to this one.")


class TreeKeyResult(Schema):
    id: int
    title: str
    weight: float
    progress: float
    pace: PaceName
    stalled: bool
    score: float


class TreeObjective(Schema):
    id: int
    title: str
    team_id: Id | None
    team: str | None
    theme_id: Id | None
    status: StatusName
    progress: float
    expected: float
    pace: PaceName
    score: float
    key_results: list[TreeKeyResult]
    children: list["TreeObjective"]


TreeObjective.model_rebuild()


class TreeTheme(Schema):
    id: int
    name: str


class TreeGroup(Schema):
    theme: TreeTheme | None = Field(..., description="None: not aligned to a theme.")
    objectives: list[TreeObjective]


class TreeOut(Schema):
    period: PeriodOut
    at: dt.datetime
    score_final: bool
    groups: list[TreeGroup]
    needs_attention: list[int] = Field(..., description="Ids of stalled or off-track key results.")


class AsOfQuery(Filters):
    at: AsOf | None = Field(None, description=AS_OF_DESCRIPTION)


class TreeQuery(AsOfQuery):
    period: int | None = Field(None, description="A period id; default the current period.")


def key_result_progress_out(result: selectors.KeyResultProgress) -> dict[str, Any]:
    return {
        **health_out(result.health),
        "key_result_id": result.key_result.pk,
        "title": result.key_result.title,
        "weight": result.key_result.weight,
        "score": result.score,
    }


def tree_objective(node: selectors.ObjectiveProgress) -> dict[str, Any]:
    objective = node.objective
    return {
        "id": objective.pk,
        "title": objective.title,
        "team_id": objective.team_id,
        "team": objective.team.name if objective.team else None,
        "theme_id": objective.theme_id,
        "status": objective.status,
        "progress": node.progress,
        "expected": node.expected,
        "pace": node.pace.value,
        "score": node.score,
        "key_results": [
            {
                "id": result.key_result.pk,
                "title": result.key_result.title,
                "weight": result.key_result.weight,
                "progress": result.progress,
                "pace": result.pace.value,
                "stalled": result.stalled,
                "score": result.score,
            }
            for result in node.key_results
        ],
        "children": [tree_objective(child) for child in node.children],
    }


@router.get(
    "/objectives/{objective_id}/progress",
    response=ObjectiveProgressOut,
    summary="An objective's progress, pace and score, with its key results'",
)
def objective_progress(
    request: HttpRequest, org: OrgSlug, objective_id: Id, query: Query[AsOfQuery]
) -> Any:
    access = caller_access(request)
    objective = access_objective(access, objective_id)
    tree = selectors.cascade(access, objective.period, at=query.at)
    node = tree.nodes[objective.pk]
    return {
        "objective_id": objective.pk,
        "title": objective.title,
        "progress": node.progress,
        "expected": node.expected,
        "pace": node.pace.value,
        "score": node.score,
        "score_final": tree.final,
        "key_results": [key_result_progress_out(result) for result in node.key_results],
        "children": [child.objective.pk for child in node.children],
    }


@router.get(
    "/key-results/{key_result_id}/progress",
    response=KeyResultProgressOut,
    summary="A key result's progress, pace and stalled over its objective's period",
)
def key_result_progress(
    request: HttpRequest, org: OrgSlug, key_result_id: Id, query: Query[AsOfQuery]
) -> Any:
    key_result = access_key_result(caller_access(request), key_result_id)
    return key_result_progress_out(selectors.key_result_progress(key_result, at=query.at))


@router.get(
    "/goals/tree", response=TreeOut, summary="The cascade of a period's objectives, by theme"
)
def goals_tree(request: HttpRequest, org: OrgSlug, query: Query[TreeQuery]) -> Any:
    access = caller_access(request)
    if query.period is not None:
        period = access_period(access, query.period)
    else:
        today = timezone.localdate(query.at) if query.at is not None else None
        found = selectors.current_period(access, today)
        if found is None:
            raise NotFound("This organization has no periods yet; create one first.")
        period = found
    tree = selectors.cascade(access, period, at=query.at)
    return {
        "period": period,
        "at": tree.at,
        "score_final": tree.final,
        "groups": [
            {
                "theme": {"id": group.theme.pk, "name": group.theme.name} if group.theme else None,
                "objectives": [tree_objective(node) for node in group.objectives],
            }
            for group in tree.groups
        ],
        "needs_attention": [result.key_result.pk for result in tree.needs_attention],
    }
