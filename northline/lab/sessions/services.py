"""Writes to alignment sessions (one or two days) and their commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from northline.lab.models import AlignmentSession, Commitment, Engagement
from northline.lab.sessions.selectors import length_in_days
from northline.lib.errors import Invalid, NotFound
from northline.orgs.access import Access
from northline.orgs.audit import (
    stale,
)
from northline.orgs.models import Person
from northline.orgs.services import (
    add_record,
    change_record,
    check_own,
    create_record,
    delete_record,
    record_action,
    refuse_unknown,
    remove_record,
    update_record,
)

MAX_DAYS = 2
SESSION_FIELDS = {"title", "starts_on", "ends_on", "agenda", "outcomes"}
PEOPLE_FIELDS = {"facilitators", "attendees"}
COMMITMENT_FIELDS = {"description", "owner", "due_on", "done"}


# Writes --------------------------------------------------------------------------------------


def check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise Invalid(
            "A session cannot end before it starts.",
            fields={"ends_on": "Before the start date."},
        )
    days = length_in_days(starts_on, ends_on)
    if days > MAX_DAYS:
        raise Invalid(
            f"An alignment session lasts one or two days; {starts_on:%d %b} to "
            f"{ends_on:%d %b %Y} would be {days}.",
            fields={"ends_on": f"At most {MAX_DAYS} days after the start, both days counted."},
        )


def people_in_org(access: Access, people: Iterable[Person | int], field: str) -> list[Person]:
    wanted = {p.pk if isinstance(p, Person) else int(p) for p in people}
    found = list(Person.objects.filter(organization=access.organization, pk__in=wanted))
    missing = wanted - {p.pk for p in found}
    if missing:
        raise NotFound(
            f"No person with id {min(missing)} in this organization.",
            fields={field: "Not found."},
        )
    return sorted(found, key=lambda p: p.pk)


@transaction.atomic
def create_session(
    access: Access,
    engagement: Engagement,
    *,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    facilitators: Iterable[Person | int] = (),
    attendees: Iterable[Person | int] = (),
    agenda: str = "",
    outcomes: str = "",
) -> AlignmentSession:
    access.require("write")
    check_own(access, engagement, "engagement")
    check_dates(starts_on, ends_on)
    session = add_record(
        access,
        AlignmentSession(
            organization=access.organization,
            engagement=engagement,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            agenda=agenda,
            outcomes=outcomes,
        ),
    )
    chosen = {
        "facilitators": people_in_org(access, facilitators, "facilitators"),
        "attendees": people_in_org(access, attendees, "attendees"),
    }
    for name, people in chosen.items():
        if people:
            getattr(session, name).set(people)
    if any(chosen.values()):
        record_action(
            access,
            "invited",
            session,
            {name: [p.pk for p in people] for name, people in chosen.items()},
        )
    return session


@transaction.atomic
def update_session(
    access: Access, session: AlignmentSession, /, *, version: int, **changes: Any
) -> AlignmentSession:
    """Edit fields and the lists of people; the dates are checked together as they would be."""
    access.require("write")
    refuse_unknown(changes, SESSION_FIELDS | PEOPLE_FIELDS)
    if session.version != version:
        raise stale(session, version)
    people = {name: changes.pop(name) for name in list(changes) if name in PEOPLE_FIELDS}
    check_dates(
        changes.get("starts_on", session.starts_on), changes.get("ends_on", session.ends_on)
    )
    updated = change_record(access, session, version=version, changes=changes)
    altered: dict[str, list[list[int]]] = {}
    for name, chosen in people.items():
        new = people_in_org(access, chosen, name)
        manager = getattr(updated, name)
        before = sorted(manager.values_list("pk", flat=True))
        after = [p.pk for p in new]
        if before != after:
            manager.set(new)
            altered[name] = [before, after]
    if altered:
        if updated.version == version:
            # Only the people changed: the session still moves to a new version.
            count = AlignmentSession.objects.filter(pk=updated.pk, version=version).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
            if count != 1:
                raise stale(updated, version)
            updated.version = version + 1
        record_action(access, "invited", updated, altered)
    return updated


@transaction.atomic
def delete_session(access: Access, session: AlignmentSession) -> None:
    access.require("write")
    for commitment in Commitment.objects.filter(session=session):
        remove_record(access, commitment)
    remove_record(access, session)


def owner_in_org(access: Access, owner: Person | int) -> Person:
    return people_in_org(access, [owner], "owner")[0]


def add_commitment(
    access: Access,
    session: AlignmentSession,
    *,
    description: str,
    owner: Person | int,
    due_on: dt.date,
) -> Commitment:
    return create_record(
        access,
        Commitment(
            organization=access.organization,
            session=session,
            description=description,
            owner=owner_in_org(access, owner),
            due_on=due_on,
        ),
    )


def update_commitment(
    access: Access, commitment: Commitment, /, *, version: int, **changes: Any
) -> Commitment:
    return update_record(
        access,
        commitment,
        version=version,
        changes=changes,
        editable=COMMITMENT_FIELDS,
        clean={"owner": lambda value: owner_in_org(access, value).pk},
    )


def delete_commitment(access: Access, commitment: Commitment) -> None:
    delete_record(access, commitment)
