"""Writes to experts in residence and the requests for them, which move open → assigned → done or
declined.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from northline.lab.models import Engagement, Expert, ExpertRequest, RequestStatus
from northline.lib.errors import Conflict, Invalid, NotFound
from northline.orgs.access import Access
from northline.orgs.models import Person
from northline.orgs.services import (
    add_record,
    change_record,
    check_own,
    refuse_unknown,
    remove_record,
)

OPEN, ASSIGNED, DONE, DECLINED = (
    RequestStatus.OPEN,
    RequestStatus.ASSIGNED,
    RequestStatus.DONE,
    RequestStatus.DECLINED,
)
# status → the statuses it may move to
MOVES: dict[str, set[str]] = {
    OPEN: {ASSIGNED, DECLINED},
    ASSIGNED: {OPEN, DONE, DECLINED},
    DONE: set(),
    DECLINED: set(),
}
REQUEST_FIELDS = {"area", "description"}


def clean_areas(areas: Any) -> list[str]:
    if isinstance(areas, str):
        areas = areas.split(",")
    cleaned = []
    for area in areas or []:
        text = str(area).strip()
        if text and text not in cleaned:
            cleaned.append(text)
    if not cleaned:
        raise Invalid("Name at least one area the expert advises on.", fields={"areas": "Empty."})
    return cleaned


@transaction.atomic
def create_expert(access: Access, *, person: Person | int, areas: Any) -> Expert:
    access.require("write")
    pk = person.pk if isinstance(person, Person) else person
    found = Person.objects.filter(organization=access.organization, pk=pk).first()
    if found is None:
        raise NotFound(
            f"No person with id {pk} in this organization.", fields={"person": "Not found."}
        )
    if Expert.objects.filter(organization=access.organization, person=found).exists():
        raise Conflict(
            f"{found.name} is already an expert in residence.",
            code="already_expert",
            fields={"person": "Already an expert."},
        )
    return add_record(
        access, Expert(organization=access.organization, person=found, areas=clean_areas(areas))
    )


@transaction.atomic
def update_expert(access: Access, expert: Expert, *, version: int, areas: Any) -> Expert:
    access.require("write")
    return change_record(access, expert, version=version, changes={"areas": clean_areas(areas)})


@transaction.atomic
def delete_expert(access: Access, expert: Expert) -> None:
    """Requests the expert held go back to open, so nobody's request silently vanishes."""
    access.require("write")
    for held in ExpertRequest.objects.filter(expert=expert, status=ASSIGNED):
        change_record(
            access,
            held,
            version=held.version,
            changes={"expert": None, "status": OPEN},
            verb="reopened",
        )
    remove_record(access, expert)


@transaction.atomic
def create_request(
    access: Access, engagement: Engagement, *, area: str, description: str
) -> ExpertRequest:
    access.require("write")
    check_own(access, engagement, "engagement")
    return add_record(
        access,
        ExpertRequest(
            organization=access.organization,
            engagement=engagement,
            area=area.strip(),
            description=description,
        ),
    )


@transaction.atomic
def update_request(
    access: Access, request: ExpertRequest, /, *, version: int, **changes: Any
) -> ExpertRequest:
    access.require("write")
    refuse_unknown(
        changes,
        REQUEST_FIELDS,
        message="Change a request's status with its actions (assign, done, decline, reopen).",
        hint="Not editable here.",
    )
    return change_record(access, request, version=version, changes=changes)


def move(
    access: Access,
    request: ExpertRequest,
    *,
    to: str,
    version: int,
    expert: Expert | int | None = None,
) -> ExpertRequest:
    """Move a request to ``to`` if the rules allow (see MOVES); assigning needs an expert."""
    access.require("write")
    if to not in MOVES:
        raise Invalid(f"Unknown status {to!r}.", fields={"status": "Unknown."})
    if to not in MOVES[request.status]:
        allowed = ", ".join(sorted(MOVES[request.status])) or "nothing (it is closed)"
        raise Conflict(
            f"A request that is {request.status} cannot become {to}; it can become {allowed}.",
            code="request_move_refused",
        )
    changes: dict[str, Any] = {"status": to}
    if to == ASSIGNED:
        if expert is None:
            raise Invalid("Choose the expert to assign.", fields={"expert": "Required."})
        pk = expert.pk if isinstance(expert, Expert) else expert
        found = Expert.objects.filter(organization=access.organization, pk=pk).first()
        if found is None:
            raise NotFound(
                f"No expert with id {pk} in this organization.", fields={"expert": "Not found."}
            )
        changes["expert"] = found.pk
    elif to == OPEN:
        changes["expert"] = None
    return change_record(access, request, version=version, changes=changes, verb=to)


@transaction.atomic
def assign(
    access: Access, request: ExpertRequest, *, expert: Expert | int, version: int
) -> ExpertRequest:
    return move(access, request, to=ASSIGNED, version=version, expert=expert)


@transaction.atomic
def complete(access: Access, request: ExpertRequest, *, version: int) -> ExpertRequest:
    return move(access, request, to=DONE, version=version)


@transaction.atomic
def decline(access: Access, request: ExpertRequest, *, version: int) -> ExpertRequest:
    return move(access, request, to=DECLINED, version=version)
