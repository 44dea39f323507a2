"""Alignment sessions: one or two days, the not-invited warning, the .ics download."""

from __future__ import annotations

import datetime as dt

import pytest

from northline.lab.models import AlignmentSession
from northline.lab.sessions import selectors as session_selectors
from northline.lab.sessions import services as session_services
from northline.lab.tests.governance import make_engagement
from northline.lib.errors import Invalid
from northline.orgs import services as org_services
from northline.orgs.models import Person
from northline.testing import Cast, signed_in


def plan(cast: Cast, engagement, starts: dt.date, ends: dt.date, **extra) -> AlignmentSession:
    return session_services.create_session(
        cast.owner_access, engagement, title="Alignment", starts_on=starts, ends_on=ends, **extra
    )


def test_it_accepts_one_and_two_days_and_refuses_three_naming_ends_on(cast: Cast) -> None:
    engagement = make_engagement(cast)
    monday = dt.date(2026, 3, 2)
    assert session_selectors.length_in_days(monday, monday) == 1
    plan(cast, engagement, monday, monday)
    plan(cast, engagement, monday, dt.date(2026, 3, 3))
    with pytest.raises(Invalid) as refused:
        plan(cast, engagement, monday, dt.date(2026, 3, 4))
    assert "would be 3" in refused.value.message
    assert set(refused.value.fields) == {"ends_on"}
    assert AlignmentSession.objects.count() == 2


def test_it_refuses_lengthening_a_session_to_three_days(cast: Cast) -> None:
    session = plan(cast, make_engagement(cast), dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    with pytest.raises(Invalid):
        session_services.update_session(
            cast.owner_access, session, version=session.version, starts_on=dt.date(2026, 3, 1)
        )
    session.refresh_from_db()
    assert session.starts_on == dt.date(2026, 3, 2) and session.version == 1


def test_the_api_refuses_three_days_with_the_field_named(cast: Cast, api_as) -> None:
    engagement = make_engagement(cast)
    response = api_as(cast.editor).post(
        f"/orgs/acme/lab/engagements/{engagement.pk}/sessions",
        {"title": "Too long", "starts_on": "2026-03-02", "ends_on": "2026-03-04"},
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["ends_on"]


def test_it_warns_about_the_product_owners_regular_collaborators_not_invited(cast: Cast) -> None:
    access = cast.owner_access
    team = org_services.create_team(access, name="Permits", kind="product")
    people = {
        name: org_services.create_person(access, name=name)
        for name in ("Pat Owner", "Sam Member", "Sue Stakeholder", "Nina Elsewhere")
    }
    for name, roles in [
        ("Pat Owner", ["product_owner"]),
        ("Sam Member", ["member"]),
        ("Sue Stakeholder", ["stakeholder"]),
    ]:
        org_services.add_team_member(access, team, person=people[name], roles=roles)
    engagement = make_engagement(cast, team=team, product_owner=people["Pat Owner"])
    session = plan(
        cast,
        engagement,
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 2),
        facilitators=[people["Pat Owner"]],
        attendees=[people["Nina Elsewhere"]],
    )
    assert [p.name for p in session_selectors.not_invited(session)] == [
        "Sam Member",
        "Sue Stakeholder",
    ]
    page = signed_in(cast.viewer).get(f"/o/acme/lab/sessions/{session.pk}/").content.decode()
    assert "Not invited, though they work with the product owner regularly" in page
    assert "Sue Stakeholder" in page
    session_services.update_session(
        access,
        session,
        version=session.version,
        attendees=[people["Sam Member"], people["Sue Stakeholder"]],
    )
    session.refresh_from_db()
    assert session.version == 2
    assert session_selectors.not_invited(session) == []


def test_the_ics_file_is_one_all_day_event_with_crlf_escaping_and_folding(cast: Cast) -> None:
    access = cast.owner_access
    ana = org_services.create_person(access, name="Ana Ríos", email="ana@example.org")
    engagement = make_engagement(cast)
    session = plan(
        cast,
        engagement,
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 3),
        attendees=[ana],
        agenda="Problems; people, and plans\n" + "é" * 80,
    )
    response = signed_in(cast.viewer).get(f"/o/acme/lab/sessions/{session.pk}/session.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends CRLF
    lines = raw.decode("utf-8").split("\r\n")[:-1]
    for line in lines:
        assert len(line.encode("utf-8")) <= 75, line
    # Unfold (RFC 5545 §3.1): a line starting with a space continues the previous one.
    unfolded: list[str] = []
    for line in lines:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    assert unfolded.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20260302" in unfolded
    assert "DTEND;VALUE=DATE:20260304" in unfolded  # exclusive: the day after the last
    assert "SUMMARY:Alignment" in unfolded
    # A viewer reads who takes part, not their addresses (those are for owners and admins).
    assert (
        "DESCRIPTION:Problems\\; people\\, and plans\\n" + "é" * 80 + "\\n\\nAttendees: Ana Ríos"
        in unfolded
    )
    assert not [line for line in unfolded if line.startswith("ATTENDEE")]
    assert "ana@example.org" not in raw.decode("utf-8").replace("\r\n ", "")
    assert f"UID:lab-session-{session.pk}@testserver" in unfolded

    for_admin = signed_in(cast.admin).get(f"/o/acme/lab/sessions/{session.pk}/session.ics")
    unfolded = for_admin.content.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert 'ATTENDEE;CN="Ana Ríos";ROLE=REQ-PARTICIPANT:mailto:ana@example.org' in unfolded
    assert "DESCRIPTION:Problems\\; people\\, and plans\\n" + "é" * 80 in unfolded


def test_commitments_have_owners_and_due_dates(cast: Cast) -> None:
    session = plan(cast, make_engagement(cast), dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    owner = Person.objects.get(organization=cast.org, user=cast.editor)
    commitment = session_services.add_commitment(
        cast.access(cast.editor),
        session,
        description="Book the room",
        owner=owner,
        due_on=dt.date(2026, 3, 9),
    )
    done = session_services.update_commitment(
        cast.access(cast.editor), commitment, version=commitment.version, done=True
    )
    assert (done.owner, done.due_on, done.done, done.version) == (
        owner,
        dt.date(2026, 3, 9),
        True,
        2,
    )


def test_sessions_appear_in_the_delivery_calendar_feeds(cast: Cast) -> None:
    """The Delivery issue has landed, so sessions join its feeds (issue 6, item 6)."""
    from django.test import Client
    from icalendar import Calendar

    from northline.delivery import services as delivery

    permits = org_services.create_team(cast.owner_access, name="Permits", kind="product")
    other = org_services.create_team(cast.owner_access, name="Licensing", kind="business")
    engagement = make_engagement(cast, team=permits)
    session = plan(cast, engagement, dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    _, org_token = delivery.create_calendar_feed(cast.owner_access, label="Everything")
    _, team_token = delivery.create_calendar_feed(cast.owner_access, team=permits, label="Permits")
    _, other_token = delivery.create_calendar_feed(cast.owner_access, team=other, label="Other")

    def events(token: str) -> list:
        response = Client().get(f"/calendar/{token}.ics")
        assert response.status_code == 200
        return Calendar.from_ical(response.content).walk("VEVENT")

    expected_uid = f"alignment-session-{session.pk}@acme.northline"
    [found] = [e for e in events(org_token) if str(e["uid"]) == expected_uid]
    # Two days, all-day: DTEND is the day after the last day (RFC 5545).
    assert found.decoded("dtstart") == dt.date(2026, 3, 2)
    assert found.decoded("dtend") == dt.date(2026, 3, 4)
    assert str(found["summary"]) == "Alignment session: Alignment (Coastal permits online)"
    assert expected_uid in [str(e["uid"]) for e in events(team_token)]
    assert expected_uid not in [str(e["uid"]) for e in events(other_token)]
