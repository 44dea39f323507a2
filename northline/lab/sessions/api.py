"""API routes for alignment sessions, their calendar file and their commitments."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from northline.lab.access import access_engagement
from northline.lab.models import (
    AlignmentSession,
    Commitment,
)
from northline.lab.schemas import references
from northline.lab.sessions import calendar, selectors, services
from northline.lib.exports import attachment
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Id, Input, OrgSlug, VersionedInput
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import Names, record_routes

router = Router(tags=["lab governance"])


# Alignment sessions --------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    engagement_id: Id
    title: str
    starts_on: dt.date
    ends_on: dt.date
    facilitator_ids: list[Id]
    attendee_ids: list[Id]
    agenda: str
    outcomes: str
    version: int

    @staticmethod
    def resolve_facilitator_ids(obj: AlignmentSession) -> list[int]:
        return sorted(p.pk for p in obj.facilitators.all())

    @staticmethod
    def resolve_attendee_ids(obj: AlignmentSession) -> list[int]:
        return sorted(p.pk for p in obj.attendees.all())


class SessionDetailOut(SessionOut):
    not_invited_ids: list[Id] = Field(
        ..., description="People who work with the product owner regularly and are not invited."
    )

    @staticmethod
    def resolve_not_invited_ids(obj: AlignmentSession) -> list[int]:
        return [p.pk for p in selectors.not_invited(obj)]


class SessionIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date = Field(..., description="The same day or the next (1 or 2 days).")
    facilitator_ids: list[Id] = []
    attendee_ids: list[Id] = []
    agenda: str = ""
    outcomes: str = ""


class SessionPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    facilitator_ids: list[Id] | None = None
    attendee_ids: list[Id] | None = None
    agenda: str | None = None
    outcomes: str | None = None


def session_fields(fields: dict[str, Any]) -> dict[str, Any]:
    renamed = {"facilitator_ids": "facilitators", "attendee_ids": "attendees"}
    return {renamed.get(name, name): value for name, value in fields.items()}


class CommitmentOut(Schema):
    id: int
    session_id: Id
    description: str
    owner_id: Id
    due_on: dt.date
    done: bool
    version: int


class CommitmentIn(Input):
    description: str = Field(..., min_length=1)
    owner_id: Id
    due_on: dt.date


class CommitmentPatch(VersionedInput):
    description: str | None = Field(None, min_length=1)
    owner_id: Id | None = None
    due_on: dt.date | None = None
    done: bool | None = None


@router.get(
    "/lab/engagements/{engagement_id}/sessions",
    response=list[SessionOut],
    summary="An engagement's alignment sessions",
)
@paginate(CursorPage)
def list_sessions(
    request: HttpRequest, org: OrgSlug, engagement_id: Id
) -> QuerySet[AlignmentSession]:
    access = caller_access(request)
    return selectors.sessions(access, access_engagement(access, engagement_id))


@router.post(
    "/lab/engagements/{engagement_id}/sessions",
    response={201: SessionDetailOut},
    summary="Plan an alignment session (1 or 2 days)",
)
def create_session(
    request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: SessionIn
) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    return Status(
        201, services.create_session(access, engagement, **session_fields(payload.dict()))
    )


record_routes(
    router,
    "/lab/sessions",
    "session_id",
    module="northline.lab.api_governance",
    names=Names("session", "sessions"),
    out=SessionDetailOut,
    find=selectors.access_session,
    update=(
        SessionPatch,
        lambda access, record, payload: services.update_session(
            access, record, version=payload.version, **session_fields(payload.changes())
        ),
    ),
    delete=services.delete_session,
    summaries={
        "get": "One session, with who is not invited",
        "update": "Edit a session",
        "delete": "Delete a session",
    },
)


@router.get(
    "/lab/sessions/{session_id}/ics",
    summary="The session as an iCalendar file (text/calendar)",
    response={200: str},
    openapi_extra={
        "responses": {200: {"description": "RFC 5545", "content": {"text/calendar": {}}}}
    },
)
def session_ics(request: HttpRequest, org: OrgSlug, session_id: Id) -> HttpResponse:
    access = caller_access(request)
    record = selectors.access_session(access, session_id)
    host = request.get_host().split(":")[0] or "northline"
    return attachment(
        calendar.session_ics(record, host=host, with_addresses=access.can_manage),
        "text/calendar; charset=utf-8",
        f"alignment-session-{record.pk}.ics",
    )


@router.get(
    "/lab/sessions/{session_id}/commitments",
    response=list[CommitmentOut],
    summary="A session's commitments",
)
@paginate(CursorPage)
def list_commitments(request: HttpRequest, org: OrgSlug, session_id: Id) -> QuerySet[Commitment]:
    access = caller_access(request)
    return selectors.commitments(access, selectors.access_session(access, session_id))


@router.post(
    "/lab/sessions/{session_id}/commitments",
    response={201: CommitmentOut},
    summary="Record a commitment",
)
def create_commitment(
    request: HttpRequest, org: OrgSlug, session_id: Id, payload: CommitmentIn
) -> Any:
    access = caller_access(request)
    record = selectors.access_session(access, session_id, "write")
    return Status(201, services.add_commitment(access, record, **references(payload.dict())))


@router.patch(
    "/lab/commitments/{commitment_id}", response=CommitmentOut, summary="Edit a commitment"
)
def update_commitment(
    request: HttpRequest, org: OrgSlug, commitment_id: Id, payload: CommitmentPatch
) -> Any:
    access = caller_access(request)
    record = selectors.access_commitment(access, commitment_id, "write")
    return services.update_commitment(
        access, record, version=payload.version, **references(payload.changes())
    )


@router.delete(
    "/lab/commitments/{commitment_id}", response={204: None}, summary="Delete a commitment"
)
def delete_commitment(request: HttpRequest, org: OrgSlug, commitment_id: Id) -> Any:
    access = caller_access(request)
    services.delete_commitment(access, selectors.access_commitment(access, commitment_id, "write"))
    return Status(204, None)
