"""API routes for experts in residence and requests for them."""

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from northline.lab.access import access_engagement
from northline.lab.experts import selectors, services
from northline.lab.models import (
    Expert,
    ExpertRequest,
)
from northline.lab.schemas import references
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Id, Input, OrgSlug, VersionedInput
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import Names, record_routes, update_with_version

router = Router(tags=["lab governance"])


RequestStatusName = Literal["open", "assigned", "done", "declined"]


# Experts -------------------------------------------------------------------------------------


class ExpertOut(Schema):
    id: int
    person_id: Id
    person_name: str = Field(..., alias="person.name")
    areas: list[str]
    version: int


class ExpertIn(Input):
    person_id: Id
    areas: list[str] = Field(..., min_length=1)


class ExpertPatch(VersionedInput):
    areas: list[str] = Field(..., min_length=1)


class RequestOut(Schema):
    id: int
    engagement_id: Id
    area: str
    description: str
    expert_id: Id | None
    status: RequestStatusName
    version: int


class RequestIn(Input):
    area: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1)


class RequestPatch(VersionedInput):
    area: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, min_length=1)


class RequestMoveIn(Input):
    version: int = Field(..., ge=1)
    status: RequestStatusName = Field(
        ..., description="open → assigned → done; open or assigned → declined; assigned → open."
    )
    expert_id: Id | None = Field(None, description="Required to assign.")


@router.get("/lab/experts", response=list[ExpertOut], summary="Experts in residence")
@paginate(CursorPage)
def list_experts(request: HttpRequest, org: OrgSlug) -> QuerySet[Expert]:
    return selectors.experts(caller_access(request))


@router.post("/lab/experts", response={201: ExpertOut}, summary="Add an expert in residence")
def create_expert(request: HttpRequest, org: OrgSlug, payload: ExpertIn) -> Any:
    return Status(201, services.create_expert(caller_access(request), **references(payload.dict())))


@router.patch("/lab/experts/{expert_id}", response=ExpertOut, summary="Edit an expert's areas")
def update_expert(request: HttpRequest, org: OrgSlug, expert_id: Id, payload: ExpertPatch) -> Any:
    access = caller_access(request)
    record = selectors.access_expert(access, expert_id, "write")
    return services.update_expert(access, record, version=payload.version, areas=payload.areas)


@router.delete(
    "/lab/experts/{expert_id}",
    response={204: None},
    summary="Remove an expert (their assigned requests reopen)",
)
def delete_expert(request: HttpRequest, org: OrgSlug, expert_id: Id) -> Any:
    access = caller_access(request)
    services.delete_expert(access, selectors.access_expert(access, expert_id, "write"))
    return Status(204, None)


@router.get("/lab/expert-requests", response=list[RequestOut], summary="Requests for experts")
@paginate(CursorPage)
def list_requests(
    request: HttpRequest,
    org: OrgSlug,
    engagement: Id | None = None,
    status: RequestStatusName | None = None,
) -> QuerySet[ExpertRequest]:
    return selectors.requests(caller_access(request), engagement=engagement, status=status)


@router.post(
    "/lab/engagements/{engagement_id}/expert-requests",
    response={201: RequestOut},
    summary="Ask for an expert",
)
def create_request(
    request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: RequestIn
) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    return Status(201, services.create_request(access, engagement, **payload.dict()))


record_routes(
    router,
    "/lab/expert-requests",
    "request_id",
    module="northline.lab.api_governance",
    names=Names("request", "requests"),
    out=RequestOut,
    find=selectors.access_request,
    update=(RequestPatch, update_with_version(services.update_request)),
    summaries={"get": "One request for an expert", "update": "Edit a request's text"},
)


@router.post(
    "/lab/expert-requests/{request_id}/move",
    response=RequestOut,
    summary="Move a request: assign, done, decline or reopen",
)
def move_request(request: HttpRequest, org: OrgSlug, request_id: Id, payload: RequestMoveIn) -> Any:
    access = caller_access(request)
    record = selectors.access_request(access, request_id, "write")
    return services.move(
        access, record, to=payload.status, version=payload.version, expert=payload.expert_id
    )
