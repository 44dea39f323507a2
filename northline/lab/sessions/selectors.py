"""Reads of alignment sessions and commitments, and who of an engagement's regular collaborators a
session leaves out.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from northline.lab.models import AlignmentSession, Commitment, Engagement
from northline.orgs.access import Access
from northline.orgs.models import Person, TeamMember
from northline.orgs.record_access import RecordAccess

# Access helpers and reads --------------------------------------------------------------------


access_session = RecordAccess(AlignmentSession.objects.select_related("engagement"))
access_commitment = RecordAccess(Commitment.objects.select_related("session", "owner"))


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
