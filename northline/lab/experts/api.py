"""API routes for experts in residence and requests for them."""

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from northline.lab.access import access_engagement
from northline.lab.experts import selectors, services
from northline.lab.models import (
    ExpertRequest,
)
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Id, Input, OrgSlug, VersionedInput, patch_of, references
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Names,
    record_routes,
    update_with_version,
    with_fields,
)

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


RequestPatch = patch_of(RequestIn, "RequestPatch")


class RequestMoveIn(Input):
    version: int = Field(..., ge=1)
    status: RequestStatusName = Field(
        ..., description="open → assigned → done; open or assigned → declined; assigned → open."
    )
    expert_id: Id | None = Field(None, description="Required to assign.")


record_routes(
    router,
    "/lab/experts",
    "expert_id",
    module=__name__,
    names=Names("expert", "experts"),
    out=ExpertOut,
    find=selectors.access_expert,
    listing=(None, selectors.experts),
    create=(ExpertIn, with_fields(services.create_expert, references)),
    update=(ExpertPatch, update_with_version(services.update_expert)),
    delete=services.delete_expert,
    get=False,
    summaries={
        "list": "Experts in residence",
        "create": "Add an expert in residence",
        "update": "Edit an expert's areas",
        "delete": "Remove an expert (their assigned requests reopen)",
    },
)


@router.get("/lab/expert-requests", response=list[RequestOut], summary="Requests for experts")
@paginate(CursorPage)
def list_requests(
    request: HttpRequest,
    org: OrgSlug,
    engagement: Id | None = None,
    status: RequestStatusName | None = None,
) -> QuerySet[ExpertRequest]:
    return selectors.requests(caller_access(request), engagement=engagement, status=status)


record_routes(
    router,
    "/lab/expert-requests",
    "request_id",
    module=__name__,
    names=Names("request", "requests"),
    out=RequestOut,
    find=selectors.access_request,
    parent=("/lab/engagements/{engagement_id}/expert-requests", access_engagement),
    create=(RequestIn, with_fields(services.create_request)),
    update=(RequestPatch, update_with_version(services.update_request)),
    summaries={
        "create": "Ask for an expert",
        "get": "One request for an expert",
        "update": "Edit a request's text",
    },
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
