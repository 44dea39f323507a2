"""API routes for alignment sessions, their calendar file and their commitments."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from northline.lab.access import access_engagement
from northline.lab.models import (
    AlignmentSession,
)
from northline.lab.sessions import calendar, selectors, services
from northline.lib.exports import attachment
from northline.lib.schemas import Id, Input, OrgSlug, VersionedInput, patch_of, references
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Names,
    child_routes,
    record_routes,
    update_with_version,
    with_fields,
)

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


SessionPatch = patch_of(SessionIn, "SessionPatch", descriptions=False)


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


child_routes(
    router,
    "/lab/engagements/{engagement_id}/sessions",
    module=__name__,
    names=Names("session", "sessions"),
    out=SessionOut,
    created=SessionDetailOut,
    parent=access_engagement,
    listing=selectors.sessions,
    create=(SessionIn, with_fields(services.create_session, session_fields)),
    summaries={
        "list": "An engagement's alignment sessions",
        "create": "Plan an alignment session (1 or 2 days)",
    },
)


record_routes(
    router,
    "/lab/sessions",
    "session_id",
    module=__name__,
    names=Names("session", "sessions"),
    out=SessionDetailOut,
    find=selectors.access_session,
    update=(SessionPatch, update_with_version(services.update_session, session_fields)),
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


record_routes(
    router,
    "/lab/commitments",
    "commitment_id",
    module=__name__,
    names=Names("commitment", "commitments"),
    out=CommitmentOut,
    find=selectors.access_commitment,
    parent=("/lab/sessions/{session_id}/commitments", selectors.access_session),
    listing=(None, selectors.commitments),
    create=(CommitmentIn, with_fields(services.add_commitment, references)),
    update=(CommitmentPatch, update_with_version(services.update_commitment, references)),
    delete=services.delete_commitment,
    get=False,
    summaries={
        "list": "A session's commitments",
        "create": "Record a commitment",
        "update": "Edit a commitment",
        "delete": "Delete a commitment",
    },
)
