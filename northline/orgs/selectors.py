"""Reads shared by pages and the API, each scoped to the caller's organization."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from northline.orgs.access import Access
from northline.orgs.models import Event, Membership, Person, Team, TeamMember


def memberships(access: Access) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=access.organization).select_related("user")


def people(access: Access, search: str = "") -> QuerySet[Person]:
    queryset = Person.objects.filter(organization=access.organization)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(title__icontains=search)
        )
    return queryset


def teams(access: Access) -> QuerySet[Team]:
    return Team.objects.filter(organization=access.organization).annotate(
        member_count=Count("memberships")
    )


def team_with_count(team: Team) -> Team:
    team.member_count = TeamMember.objects.filter(team=team).count()  # type: ignore[attr-defined]
    return team


def team_members(access: Access, team: Team) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(organization=access.organization, team=team).select_related(
        "person"
    )


def teams_of_person(access: Access, person: Person) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(organization=access.organization, person=person).select_related(
        "team"
    )


def events(
    access: Access, *, object_type: str | None = None, object_id: str | None = None
) -> QuerySet[Event]:
    queryset = Event.objects.filter(organization=access.organization)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    return queryset
