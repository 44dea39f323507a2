"""Alignment sessions (DESIGN §2.7, seed 000): one or two days that bring a partner's leaders
and team together, with facilitators, attendees, an agenda, outcomes and commitments.

A session warns about the people who work with the product owner regularly (the product owner,
and every member and stakeholder of the engagement's team) who are not invited, and downloads
as an iCalendar file (:func:`session_ics`, RFC 5545 written by hand: CRLF line ends, escaped
text, lines folded at 75 octets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from icalendar import Event as CalendarEvent

from northline.lab.models import AlignmentSession, Commitment, Engagement
from northline.lib.errors import Invalid, NotFound
from northline.orgs.access import Access, get_in_org
from northline.orgs.audit import (
    create_audited,
    delete_audited,
    record_event,
    stale,
    update_versioned,
)
from northline.orgs.models import Organization, Person, Team, TeamMember
from northline.orgs.services import refuse_unknown

MAX_DAYS = 2
SESSION_FIELDS = {"title", "starts_on", "ends_on", "agenda", "outcomes"}
PEOPLE_FIELDS = {"facilitators", "attendees"}
COMMITMENT_FIELDS = {"description", "owner", "due_on", "done"}


# Access helpers and reads --------------------------------------------------------------------


def access_session(access: Access, session_id: int, action: str = "read") -> AlignmentSession:
    return get_in_org(
        access,
        AlignmentSession.objects.select_related("engagement"),
        session_id,
        action,
        label="alignment session",
    )


def access_commitment(access: Access, commitment_id: int, action: str = "read") -> Commitment:
    return get_in_org(
        access,
        Commitment.objects.select_related("session", "owner"),
        commitment_id,
        action,
        label="commitment",
    )


def sessions(access: Access, engagement: Engagement | None = None) -> QuerySet[AlignmentSession]:
    queryset = AlignmentSession.objects.filter(organization=access.organization).select_related(
        "engagement"
    )
    if engagement is not None:
        queryset = queryset.filter(engagement=engagement)
    return queryset.prefetch_related("facilitators", "attendees")


def commitments(access: Access, session: AlignmentSession) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        organization=access.organization, session=session
    ).select_related("owner")


def length_in_days(starts_on: dt.date, ends_on: dt.date) -> int:
    """Both days count: a session on one day lasts 1."""
    return (ends_on - starts_on).days + 1


def regular_collaborators(engagement: Engagement) -> list[Person]:
    """Who works with the product owner regularly: the product owner and every member and
    stakeholder of the engagement's team."""
    people: dict[int, Person] = {}
    if engagement.product_owner_id is not None and engagement.product_owner is not None:
        people[engagement.product_owner_id] = engagement.product_owner
    if engagement.team_id is not None:
        for member in TeamMember.objects.filter(team_id=engagement.team_id).select_related(
            "person"
        ):
            people.setdefault(member.person_id, member.person)
    return sorted(people.values(), key=lambda person: (person.name, person.pk))


def not_invited(session: AlignmentSession) -> list[Person]:
    """Regular collaborators of the product owner who are neither attendees nor facilitators."""
    invited = {person.pk for person in session.attendees.all()} | {
        person.pk for person in session.facilitators.all()
    }
    return [p for p in regular_collaborators(session.engagement) if p.pk not in invited]


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
    if engagement.organization_id != access.organization.pk:
        raise NotFound("No such engagement in this organization.")
    check_dates(starts_on, ends_on)
    session = create_audited(
        access.user,
        access.organization,
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
        record_event(
            actor=access.user,
            organization=access.organization,
            verb="invited",
            obj=session,
            changes={name: [p.pk for p in people] for name, people in chosen.items()},
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
    updated = update_versioned(
        access.user, access.organization, session, version=version, changes=changes
    )
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
        record_event(
            actor=access.user,
            organization=access.organization,
            verb="invited",
            obj=updated,
            changes=altered,
        )
    return updated


@transaction.atomic
def delete_session(access: Access, session: AlignmentSession) -> None:
    access.require("write")
    for commitment in Commitment.objects.filter(session=session):
        delete_audited(access.user, access.organization, commitment)
    delete_audited(access.user, access.organization, session)


def owner_in_org(access: Access, owner: Person | int) -> Person:
    return people_in_org(access, [owner], "owner")[0]


@transaction.atomic
def add_commitment(
    access: Access,
    session: AlignmentSession,
    *,
    description: str,
    owner: Person | int,
    due_on: dt.date,
) -> Commitment:
    access.require("write")
    return create_audited(
        access.user,
        access.organization,
        Commitment(
            organization=access.organization,
            session=session,
            description=description,
            owner=owner_in_org(access, owner),
            due_on=due_on,
        ),
    )


@transaction.atomic
def update_commitment(
    access: Access, commitment: Commitment, /, *, version: int, **changes: Any
) -> Commitment:
    access.require("write")
    refuse_unknown(changes, COMMITMENT_FIELDS)
    if "owner" in changes:
        changes["owner"] = owner_in_org(access, changes["owner"]).pk
    return update_versioned(
        access.user, access.organization, commitment, version=version, changes=changes
    )


@transaction.atomic
def delete_commitment(access: Access, commitment: Commitment) -> None:
    access.require("write")
    delete_audited(access.user, access.organization, commitment)


# iCalendar -----------------------------------------------------------------------------------


def ics_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on lines that start with a space (§3.1); a
    multi-byte character is never split."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # the leading space takes one octet
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def ics_param(value: str) -> str:
    """A parameter value: quoted, with the characters a quoted value cannot hold dropped."""
    return '"' + "".join(c for c in value if c not in '"\r\n') + '"'


def session_ics(session: AlignmentSession, *, host: str = "northline") -> str:
    """The session as a one-event calendar: all-day, from its first day to the day after its
    last (DTEND is exclusive for dates), people with an e-mail as attendees."""
    stamp = (session.updated_at or timezone.now()).astimezone(dt.UTC)
    description = session.agenda
    if session.outcomes:
        description = f"{description}\n\nOutcomes:\n{session.outcomes}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Northline//Lab alignment sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:lab-session-{session.pk}@{host}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{session.starts_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{session.ends_on + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_text(session.title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{ics_text(description)}")
    seen: set[int] = set()
    for role, people in (
        ("CHAIR", session.facilitators.all()),
        ("REQ-PARTICIPANT", session.attendees.all()),
    ):
        for person in people:
            if person.email and person.pk not in seen:
                seen.add(person.pk)
                lines.append(
                    f"ATTENDEE;CN={ics_param(person.name)};ROLE={role}:mailto:{person.email}"
                )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_events(organization: Organization, team: Team | None) -> list[CalendarEvent]:
    """Alignment sessions as all-day events for the delivery calendar feeds: every session of
    the organization, or for a team's feed those of engagements with that team."""
    rows = AlignmentSession.objects.filter(organization=organization).select_related("engagement")
    if team is not None:
        rows = rows.filter(engagement__team=team)
    events = []
    for session in rows.order_by("starts_on", "id"):
        event = CalendarEvent()
        event.add("uid", f"alignment-session-{session.pk}@{organization.slug}.northline")
        event.add("dtstamp", session.updated_at)
        event.add("sequence", session.version)
        event.add("dtstart", session.starts_on)
        event.add("dtend", session.ends_on + dt.timedelta(days=1))
        event.add("summary", f"Alignment session: {session.title} ({session.engagement.title})")
        event.add("description", session.agenda or "Alignment session of a lab engagement.")
        event.add("categories", ["Alignment session"])
        events.append(event)
    return events
