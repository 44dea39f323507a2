"""API routes for epics, their moves and indicators, stories, sprints, WIP limits,
recommendations and the backlog exports (DESIGN §2.5)."""

import datetime as dt
import functools
from typing import Any, Literal

from django.db.models import CharField, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.lib.errors import naming
from northline.lib.exports import table_attachment
from northline.lib.pagination import CursorPage, projected_page
from northline.lib.schemas import (
    Filters,
    Id,
    Input,
    OrgSlug,
    VersionedInput,
    VersionIn,
    patch_of,
    references,
)
from northline.measures.access import access_indicator
from northline.measures.api import IndicatorOut
from northline.orgs.access import Access
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Action,
    Names,
    child_routes,
    link_routes,
    record_actions,
    record_routes,
    record_view,
    update_with_version,
    with_fields,
)
from northline.portfolio import exports, rules, selectors, services
from northline.portfolio.access import (
    access_epic,
    access_recommendation,
    access_sprint,
    access_story,
)
from northline.portfolio.models import Epic, Recommendation, Sprint, Story

router = Router(tags=["portfolio"])


StateName = Literal["funnel", "todo", "doing", "done", "closed"]
StoryStateName = Literal["todo", "doing", "done"]
CloseReasonName = Literal["pivoted", "lower_return", "outcome_not_achieved", "duplicate", "other"]
RecommendationStatusName = Literal["open", "answered", "withdrawn"]
AnswerName = Literal["keep", "close", "pivot"]
# The relative scale of WSJF inputs.
Scale = Literal[1, 2, 3, 5, 8, 13, 20]


# Epics -----------------------------------------------------------------------------------


class EpicOut(Schema):
    id: int
    title: str
    description: str
    state: StateName
    value_stream_id: Id | None
    theme_id: Id | None
    owner_id: Id | None
    team_id: Id | None
    what: str
    why: str
    hypothesis: str
    lagging_indicator_ids: list[Id]
    key_result_ids: list[Id]
    business_value: int | None
    time_criticality: int | None
    risk_reduction: int | None
    job_size: int | None
    cost_of_delay: int | None = Field(..., description="Business value + time criticality + RR|OE.")
    wsjf: float | None = Field(..., description="Cost of delay / job size.")
    target_date: dt.date | None
    close_reason: str
    close_note: str
    rank: str
    rank_is_manual: bool = Field(..., description="Placed by hand: WSJF no longer orders it.")
    pivoted_from_id: Id | None
    version: int

    # Ids ascending, as the projected list (``epic_rows``) gives them too.
    @staticmethod
    def resolve_lagging_indicator_ids(obj: Epic) -> list[int]:
        return sorted(indicator.pk for indicator in obj.lagging_indicators.all())

    @staticmethod
    def resolve_key_result_ids(obj: Epic) -> list[int]:
        return sorted(key_result.pk for key_result in obj.key_results.all())

    @staticmethod
    def resolve_cost_of_delay(obj: Epic) -> int | None:
        return rules.cost_of_delay(obj.business_value, obj.time_criticality, obj.risk_reduction)

    @staticmethod
    def resolve_wsjf(obj: Epic) -> float | None:
        return rules.wsjf(
            obj.business_value, obj.time_criticality, obj.risk_reduction, obj.job_size
        )


class LaggingOut(Schema):
    id: int
    name: str
    unit: str
    progress: float
    pace: str
    stalled: bool
    readings: int


class CandidateOut(Schema):
    id: int
    title: str
    wsjf: float


class EpicDetailOut(EpicOut):
    points_done: int
    points_total: int
    done_share: float = Field(..., description="Done story points / all story points.")
    realized_share: float = Field(..., description="Mean progress of the lagging indicators.")
    remaining_wsjf: float | None = Field(
        ..., description="CoD × (1 − realized) / max(job size × (1 − done), 1)."
    )
    best_candidate: CandidateOut | None = Field(
        ..., description="The highest-WSJF epic in todo with a complete business case."
    )
    lagging: list[LaggingOut]
    open_recommendation_ids: list[Id]
    next_moves: dict[str, dict[str, str]] = Field(
        ..., description="Each column the epic could go to next → the rules still unmet."
    )


def epic_detail_out(access: Access, epic: Epic) -> Epic:
    """The epic with the detail's numbers attached, for EpicDetailOut to read."""
    detail = selectors.epic_detail(access, epic)
    numbers, candidate = detail.numbers, detail.candidate
    extra = {
        "points_done": numbers.points_done,
        "points_total": numbers.points_total,
        "done_share": numbers.done_share,
        "realized_share": numbers.realized_share,
        "remaining_wsjf": numbers.remaining_wsjf,
        "best_candidate": (
            {"id": candidate.epic.pk, "title": candidate.epic.title, "wsjf": candidate.wsjf}
            if candidate is not None and candidate.wsjf is not None
            else None
        ),
        "lagging": [
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "progress": health.progress,
                "pace": health.pace.value,
                "stalled": health.stalled,
                "readings": health.readings,
            }
            for indicator, health in numbers.lagging
        ],
        "open_recommendation_ids": [item.pk for item in detail.recommendations],
        "next_moves": detail.moves,
    }
    for name, value in extra.items():
        setattr(epic, name, value)
    return epic


class EpicIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    value_stream_id: Id | None = None
    theme_id: Id | None = None
    owner_id: Id | None = Field(None, description="A person.")
    team_id: Id | None = None
    what: str = Field("", description="Business case: what will change.")
    why: str = Field("", description="Business case: who benefits and how.")
    hypothesis: str = ""
    business_value: Scale | None = None
    time_criticality: Scale | None = None
    risk_reduction: Scale | None = None
    job_size: Scale | None = None
    target_date: dt.date | None = None
    key_result_ids: list[Id] = Field(default_factory=list, description="Key results it drives.")


class EpicPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    value_stream_id: Id | None = None
    theme_id: Id | None = None
    owner_id: Id | None = None
    team_id: Id | None = None
    what: str | None = None
    why: str | None = None
    hypothesis: str | None = None
    business_value: Scale | None = None
    time_criticality: Scale | None = None
    risk_reduction: Scale | None = None
    job_size: Scale | None = None
    target_date: dt.date | None = None
    key_result_ids: list[Id] | None = None


class EpicFilters(Filters):
    state: StateName | None = None
    value_stream: Id | None = Field(None, description="A value stream id.")
    theme: Id | None = Field(None, description="A theme id.")
    team: Id | None = Field(None, description="A team id: the card's or one of its stories'.")
    owner: Id | None = Field(None, description="A person id.")
    order: Literal["wsjf", "rank"] = Field(
        "rank", description="rank: the board's order; wsjf: highest WSJF first."
    )

    def board_filters(self) -> selectors.BoardFilters:
        return selectors.BoardFilters(
            value_stream=self.value_stream, theme=self.theme, team=self.team, owner=self.owner
        )


class MoveIn(Input):
    state: StateName
    before_id: Id | None = Field(None, description="The card just above it in that column.")
    after_id: Id | None = Field(None, description="The card just below it in that column.")
    version: int = Field(..., ge=1, description="The epic's version you read (stale → 409).")
    close_reason: CloseReasonName | Literal[""] = ""
    close_note: str = ""


def epic_changes(fields: dict[str, Any]) -> dict[str, Any]:
    key_results = fields.pop("key_result_ids", None)
    changes = references(fields)
    if key_results is not None:
        changes["key_results"] = key_results
    return changes


def listed(access: Access, filters: EpicFilters, *, lean: bool = False) -> QuerySet[Epic]:
    """The filtered epics: as records with what they refer to, or ``lean`` (for a projection:
    nothing read beside them, WSJF annotated only to sort by it)."""
    return (selectors.epic_list if lean else selectors.epics)(
        access,
        states=[filters.state] if filters.state else None,
        filters=filters.board_filters(),
        order=filters.order,
    )


class PagedEpicOut(CursorPage.Output):
    items: list[EpicOut]


# The columns of EpicOut the database has as they are, and each epic's related ids as one
# comma-separated text (``epic_rows`` splits them and adds the computed numbers).
EPIC_COLUMNS = (
    *(
        name
        for name in EpicOut.model_fields
        if name not in {"lagging_indicator_ids", "key_result_ids", "cost_of_delay", "wsjf"}
    ),
    "lagging_indicator_list",
    "key_result_list",
)


@functools.cache
def id_list(model: type[Epic | Story], relation: str) -> Subquery:
    """A record's ids on a many-to-many as ``"3,7,12"`` (or null), inside the list's own
    query: no second query, no IN list of the page's ids. (SQLite before 3.44 cannot order
    inside an aggregate: ``split_ids`` sorts.) Built once per process: Django resolves a copy
    of it in each query."""
    field = model._meta.get_field(relation)
    links = field.remote_field.through  # type: ignore[union-attr]
    return Subquery(
        links.objects.filter(**{field.m2m_column_name(): OuterRef("pk")})  # type: ignore[union-attr]
        .values(field.m2m_column_name())  # type: ignore[union-attr]
        .annotate(
            ids=StringAgg(
                Cast(field.m2m_reverse_name(), CharField()),  # type: ignore[union-attr]
                Value(","),
            )
        )
        .values("ids")
    )


def split_ids(text: str | None) -> list[int]:
    return sorted(int(part) for part in text.split(",")) if text else []


def epic_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complete projected epics into EpicOut's shape."""
    for row in rows:
        bv, tc, rr = row["business_value"], row["time_criticality"], row["risk_reduction"]
        row["lagging_indicator_ids"] = split_ids(row.pop("lagging_indicator_list"))
        row["key_result_ids"] = split_ids(row.pop("key_result_list"))
        row["cost_of_delay"] = rules.cost_of_delay(bv, tc, rr)
        row["wsjf"] = rules.wsjf(bv, tc, rr, row["job_size"])
    return rows


@router.get("/epics", response=PagedEpicOut, summary="Epics, by rank or by WSJF")
def list_epics(
    request: HttpRequest,
    org: OrgSlug,
    filters: Query[EpicFilters],
    page: Query[CursorPage.Input],
) -> HttpResponse:
    # The hot list: served from a projection, written with orjson (docs/api.md, Pagination).
    epics = listed(caller_access(request), filters, lean=True).annotate(
        lagging_indicator_list=id_list(Epic, "lagging_indicators"),
        key_result_list=id_list(Epic, "key_results"),
    )
    return projected_page(epics, EPIC_COLUMNS, page, epic_rows)


def backlog_export(
    request: HttpRequest, filters: EpicFilters, kind: Literal["csv", "xlsx"]
) -> HttpResponse:
    """The listed epics as a ``kind`` ("csv" or "xlsx") attachment."""
    access = caller_access(request)
    rows = exports.backlog_rows(access.organization, listed(access, filters))
    name = exports.filename(access.organization, kind, timezone.localdate())
    return table_attachment(rows, kind, name)


@router.get("/epics/export.csv", summary="The epics as CSV, with the WSJF columns")
def export_csv(request: HttpRequest, org: OrgSlug, filters: Query[EpicFilters]) -> HttpResponse:
    return backlog_export(request, filters, "csv")


@router.get("/epics/export.xlsx", summary="The epics as an Excel workbook, with the WSJF columns")
def export_xlsx(request: HttpRequest, org: OrgSlug, filters: Query[EpicFilters]) -> HttpResponse:
    return backlog_export(request, filters, "xlsx")


@router.post("/epics", response={201: EpicOut}, summary="Create an epic in the funnel")
def create_epic(request: HttpRequest, org: OrgSlug, payload: EpicIn) -> Any:
    epic = services.create_epic(caller_access(request), **epic_changes(payload.dict()))
    return Status(201, epic)


record_view(
    router,
    "/epics/{epic_id}",
    module=__name__,
    name="get_epic",
    find=access_epic,
    show=epic_detail_out,
    out=EpicDetailOut,
    summary="One epic with its WSJF breakdown and the feedback loop's numbers",
)


@router.patch("/epics/{epic_id}", response=EpicOut, summary="Edit an epic")
def update_epic(request: HttpRequest, org: OrgSlug, epic_id: Id, payload: EpicPatch) -> Any:
    access = caller_access(request)
    epic = access_epic(access, epic_id, "write")
    return services.update_epic(
        access, epic, version=payload.version, **epic_changes(payload.changes())
    )


@router.delete(
    "/epics/{epic_id}",
    response={204: None},
    summary="Delete an epic in the funnel",
)
def delete_epic(request: HttpRequest, org: OrgSlug, epic_id: Id) -> Any:
    access = caller_access(request)
    services.delete_epic(access, access_epic(access, epic_id, "write"))
    return Status(204, None)


record_actions(
    router,
    "/epics/{epic_id}",
    module=__name__,
    find=access_epic,
    out=EpicOut,
    actions=[
        Action(
            "move",
            "move_epic",
            services.move_epic,
            "Move an epic to a column and/or between two cards",
            MoveIn,
            "A refused move answers 409 with code `move_refused`; `fields` names every "
            "unmet rule (transition, business_case_what, business_case_why, "
            "lagging_indicator, wsjf_inputs, has_story, wip_limit, close_reason, "
            "close_note) and nothing changes. `version` is required: when someone else "
            "moved or edited the card since you read it, the move answers 409 "
            "`stale_version` and changes nothing.",
        ),
        Action(
            "reset-rank",
            "reset_rank",
            services.reset_rank,
            "Put an epic back in WSJF order",
            VersionIn,
            "A stale `version` (someone placed the card since you read it) answers 409.",
        ),
    ],
)


# Lagging indicators ----------------------------------------------------------------------


class NewIndicatorIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    unit: str = Field("", max_length=40)
    baseline: float
    target: float = Field(..., description="Must differ from the baseline; below it to decrease.")
    start_date: dt.date
    target_date: dt.date


child_routes(
    router,
    "/epics/{epic_id}/lagging-indicators",
    module=__name__,
    names=Names("lagging_indicator", "lagging_indicators"),
    out=IndicatorOut,
    parent=access_epic,
    listing=lambda access, epic: epic.lagging_indicators.order_by("name", "id"),
    create=(NewIndicatorIn, with_fields(services.add_lagging_indicator)),
    summaries={
        "list": "The lagging indicators of an epic's business case",
        "create": "Create a lagging indicator for an epic",
    },
)


link_routes(
    router,
    "/epics/{epic_id}/lagging-indicators/{indicator_id}",
    module=__name__,
    find=access_epic,
    other=lambda access, pk: access_indicator(access, pk, "write"),
    link=("link_lagging_indicator", services.link_lagging_indicator),
    unlink=("unlink_lagging_indicator", services.unlink_lagging_indicator),
    summaries=(
        "Measure an epic with an existing lagging indicator",
        "Stop measuring an epic with an indicator (its readings stay)",
    ),
    descriptions=(
        "Needs no version: linking changes no field of the epic, and linking twice changes "
        "nothing.",
        "Needs no version: unlinking changes no field of the epic; unlinking what is not "
        "linked answers 404.",
    ),
    out=None,
)


# Stories ---------------------------------------------------------------------------------


class StoryOut(Schema):
    id: int
    epic_id: Id
    title: str
    description: str
    acceptance_criteria: str
    state: StoryStateName
    estimate: int | None = Field(..., description="Story points.")
    team_id: Id | None
    sprint_id: Id | None
    rank: str
    leading_indicator_ids: list[Id]
    version: int

    @staticmethod
    def resolve_leading_indicator_ids(obj: Story) -> list[int]:
        return sorted(indicator.pk for indicator in obj.leading_indicators.all())


class StoryIn(Input):
    epic_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    acceptance_criteria: str = ""
    estimate: int | None = Field(None, ge=0, le=1000, description="Story points.")
    team_id: Id | None = Field(None, description="Defaults to the sprint's team.")
    sprint_id: Id | None = None


StoryPatch = patch_of(StoryIn, "StoryPatch", leave_out=("epic_id",), descriptions=False)


class StoryMoveIn(Input):
    state: StoryStateName
    version: int = Field(..., ge=1, description="The story's version you read (stale → 409).")


class StoryFilters(Filters):
    epic: int | None = None
    sprint: int | None = None
    team: int | None = None
    state: StoryStateName | None = None


def create_story(access: Access, payload: StoryIn) -> Story:
    fields = references(payload.dict())
    with naming("epic_id"):
        epic = access_epic(access, fields.pop("epic"), "write")
    return services.create_story(access, epic, **fields)


class PagedStoryOut(CursorPage.Output):
    items: list[StoryOut]


STORY_COLUMNS = (
    *(name for name in StoryOut.model_fields if name != "leading_indicator_ids"),
    "leading_indicator_list",
)


def story_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["leading_indicator_ids"] = split_ids(row.pop("leading_indicator_list"))
    return rows


@router.get("/stories", response=PagedStoryOut, summary="Stories")
def list_stories(
    request: HttpRequest,
    org: OrgSlug,
    filters: Query[StoryFilters],
    page: Query[CursorPage.Input],
) -> HttpResponse:
    # A hot list: served from a projection, written with orjson (docs/api.md, Pagination).
    stories = selectors.stories(caller_access(request), **filters.dict()).annotate(
        leading_indicator_list=id_list(Story, "leading_indicators")
    )
    return projected_page(stories, STORY_COLUMNS, page, story_rows)


record_routes(
    router,
    "/stories",
    "story_id",
    module=__name__,
    names=Names("story", "stories"),
    out=StoryOut,
    find=access_story,
    create=(StoryIn, create_story),
    update=(StoryPatch, update_with_version(services.update_story, references)),
    delete=services.delete_story,
    summaries={
        "create": "Create a story of an epic",
        "get": "One story",
        "update": "Edit a story",
        "delete": "Delete a story",
    },
)


record_actions(
    router,
    "/stories/{story_id}",
    module=__name__,
    find=access_story,
    out=StoryOut,
    actions=[
        Action(
            "move",
            "move_story",
            services.move_story,
            "Move a story",
            StoryMoveIn,
            "A stale `version` answers 409 `stale_version` and changes nothing.",
        ),
    ],
)


child_routes(
    router,
    "/stories/{story_id}/leading-indicators",
    module=__name__,
    names=Names("leading_indicator", "leading_indicators"),
    out=IndicatorOut,
    parent=access_story,
    create=(NewIndicatorIn, with_fields(services.add_leading_indicator)),
    summaries={"create": "Create a leading indicator for a story"},
)


# Sprints ---------------------------------------------------------------------------------


class SprintOut(Schema):
    id: int
    team_id: Id
    name: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int = Field(..., description="Story points the team expects to finish.")
    planned_points: int
    done_points: int
    over_capacity: bool = Field(..., description="Planned above capacity: a warning.")
    version: int

    @staticmethod
    def resolve_over_capacity(obj: Sprint) -> bool:
        return obj.planned_points > obj.capacity  # type: ignore[attr-defined]


class SprintIn(Input):
    team_id: Id
    name: str = Field(..., min_length=1, max_length=100)
    starts_on: dt.date
    ends_on: dt.date
    capacity: int = Field(..., ge=0)


SprintPatch = patch_of(SprintIn, "SprintPatch")


def sprint_out(access: Access, sprint: Sprint) -> Sprint:
    return selectors.sprints(access).get(pk=sprint.pk)


record_routes(
    router,
    "/sprints",
    "sprint_id",
    module=__name__,
    names=Names("sprint", "sprints"),
    out=SprintOut,
    find=access_sprint,
    listing=({"team": (Id | None, None)}, selectors.sprints),
    create=(SprintIn, with_fields(services.create_sprint, references)),
    update=(SprintPatch, update_with_version(services.update_sprint, references)),
    delete=services.delete_sprint,
    present=sprint_out,
    summaries={
        "list": "Sprints with load vs capacity",
        "create": "Create a sprint",
        "get": "One sprint with its load",
        "update": "Edit a sprint",
        "delete": "Delete a sprint (its stories stay)",
    },
)


# WIP limits ------------------------------------------------------------------------------


class WipLimitsOut(Schema):
    funnel: int | None
    todo: int | None
    doing: int | None
    done: int | None
    closed: int | None


class WipLimitsIn(Input):
    """The columns to change; null removes a column's limit, an absent column stays as is."""

    funnel: int | None = Field(None, ge=1)
    todo: int | None = Field(None, ge=1)
    doing: int | None = Field(None, ge=1)
    done: int | None = Field(None, ge=1)
    closed: int | None = Field(None, ge=1)


def wip_limits_out(access: Access) -> dict[str, int | None]:
    limits = selectors.wip_limits(access.organization.pk)
    return {state: limits.get(state) for state in rules.STATES}


@router.get(
    "/portfolio/wip-limits", response=WipLimitsOut, summary="The board's WIP limits per column"
)
def get_wip_limits(request: HttpRequest, org: OrgSlug) -> Any:
    return wip_limits_out(caller_access(request))


@router.put(
    "/portfolio/wip-limits",
    response=WipLimitsOut,
    summary="Set or remove WIP limits (admins)",
    description=(
        "Needs no version: each column named is set to the value sent, whatever it was (a "
        "setting, not an edit that merges with someone else's); sending it twice changes "
        "nothing more, and the audit log keeps every change."
    ),
)
def set_wip_limits(request: HttpRequest, org: OrgSlug, payload: WipLimitsIn) -> Any:
    access = caller_access(request)
    access.require("manage")
    for state, limit in payload.dict(exclude_unset=True).items():
        services.set_wip_limit(access, state=state, limit=limit)
    return wip_limits_out(access)


# Recommendations -------------------------------------------------------------------------


class RecommendationOut(Schema):
    id: int
    epic_id: Id
    epic_title: str = Field(..., alias="epic.title")
    kind: Literal["close_lower_return", "pivot_outcome_not_moving"]
    status: RecommendationStatusName
    message: str
    details: dict[str, Any]
    candidate_id: Id | None
    answer: str
    answer_note: str
    answered_by: str | None = Field(None, alias="answered_by.username")
    answered_at: dt.datetime | None
    decision_id: Id | None
    created_at: dt.datetime
    version: int


class RecommendationAnswerIn(Input):
    answer: AnswerName
    note: str = Field("", description="Why: required to keep; the close note when closing.")
    close_reason: CloseReasonName | Literal[""] = Field(
        "", description="When closing; defaults to the recommendation's reason."
    )
    pivot_title: str = Field("", max_length=200, description="The new epic's title, to pivot.")


class RecommendationAnswerOut(Schema):
    decision_id: Id
    recommendation: RecommendationOut
    pivot_epic_id: Id | None


@router.get(
    "/recommendations",
    response=list[RecommendationOut],
    summary="The feedback loop's recommendations (open by default)",
)
@paginate(CursorPage)
def list_recommendations(
    request: HttpRequest,
    org: OrgSlug,
    status: RecommendationStatusName | Literal["all"] = "open",
) -> QuerySet[Recommendation]:
    return selectors.recommendations(
        caller_access(request), status=None if status == "all" else status
    )


@router.get(
    "/recommendations/{recommendation_id}",
    response=RecommendationOut,
    summary="One recommendation",
)
def get_recommendation(request: HttpRequest, org: OrgSlug, recommendation_id: Id) -> Any:
    return access_recommendation(caller_access(request), recommendation_id)


@router.post(
    "/recommendations/{recommendation_id}/answer",
    response=RecommendationAnswerOut,
    summary="Answer a recommendation: keep, close or pivot (written to the decision log)",
    description=(
        "Needs no version: only an open recommendation can be answered, so a second answer "
        "is refused with 409 `recommendation_closed` instead of overwriting the first. "
        "Closing goes through the board's rules (409 `move_refused`)."
    ),
)
def answer_recommendation(
    request: HttpRequest, org: OrgSlug, recommendation_id: Id, payload: RecommendationAnswerIn
) -> Any:
    access = caller_access(request)
    recommendation = access_recommendation(access, recommendation_id, "write")
    decision = services.answer_recommendation(access, recommendation, **payload.dict())
    pivot = (
        Epic.objects.filter(organization=access.organization, pivoted_from=recommendation.epic)
        .order_by("-id")
        .first()
        if payload.answer == "pivot"
        else None
    )
    return {
        "decision_id": decision.pk,
        "recommendation": access_recommendation(access, recommendation_id),
        "pivot_epic_id": pivot.pk if pivot else None,
    }
