"""Alignment sessions as iCalendar: one session's ``.ics`` file, and the events the delivery
calendar feeds list beside releases and experiments.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Event as CalendarEvent

from northline.lab.models import AlignmentSession
from northline.orgs.models import Organization, Team

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


def session_ics(
    session: AlignmentSession, *, host: str = "northline", with_addresses: bool = False
) -> str:
    """The session as a one-event calendar: all-day, from its first day to the day after its
    last (DTEND is exclusive for dates). People's e-mail addresses are for owners and admins
    (``with_addresses``): for them, people with an address are attendees; for everyone else the
    description names who takes part, without addresses."""
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
    people = [
        ("CHAIR", session.facilitators.all()),
        ("REQ-PARTICIPANT", session.attendees.all()),
    ]
    if not with_addresses:
        names = [
            f"{'Facilitators' if role == 'CHAIR' else 'Attendees'}: "
            + ", ".join(person.name for person in group)
            for role, group in people
            if group
        ]
        description = "\n\n".join(part for part in (description, "\n".join(names)) if part)
    if description:
        lines.append(f"DESCRIPTION:{ics_text(description)}")
    seen: set[int] = set()
    for role, group in people if with_addresses else ():
        for person in group:
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
