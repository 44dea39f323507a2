"""Reads shared by pages and the API, each scoped to the caller's organization."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Count, Q, QuerySet

from northline.orgs.access import Access, organizations_of
from northline.orgs.models import (
    ApiToken,
    Event,
    Membership,
    Notification,
    NotificationPreference,
    Person,
    Team,
    TeamMember,
)
from northline.orgs.pages import model_of


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
    return TeamMember.objects.filter(
        organization=access.organization, person=person
    ).select_related("team")


def events(
    access: Access, *, object_type: str | None = None, object_id: str | None = None
) -> QuerySet[Event]:
    queryset = Event.objects.filter(organization=access.organization)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    return queryset


# Pages of the web UI -----------------------------------------------------------------------


def overview_counts(access: Access) -> dict[str, int]:
    org = access.organization
    return {
        "members": Membership.objects.filter(organization=org).count(),
        "people": Person.objects.filter(organization=org).count(),
        "teams": Team.objects.filter(organization=org).count(),
    }


def event_object_types(access: Access) -> list[str]:
    """The kinds of record the organization's history mentions, for the history filter."""
    return list(
        Event.objects.filter(organization=access.organization)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def existing_ids(access: Access, wanted: dict[str, set[str]]) -> dict[str, set[str]]:
    """Of the ids named in audit events, those whose records still exist: one query per type."""
    found: dict[str, set[str]] = {}
    for object_type, ids in wanted.items():
        numeric = [int(pk) for pk in ids if pk.isdigit()]
        if not numeric:
            continue
        model = model_of(object_type)
        found[object_type] = {
            str(pk)
            for pk in model._default_manager.filter(
                organization=access.organization, pk__in=numeric
            ).values_list("pk", flat=True)
        }
    return found


def tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's notifications from every organization they belong to, newest first."""
    queryset = Notification.objects.filter(
        recipient_id=user.pk, organization__in=organizations_of(user)
    ).select_related("organization")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(user: User) -> int:
    return inbox(user, unread_only=True).count()


def preference_of(user: User) -> NotificationPreference:
    """The user's notification preference; without a saved one, the defaults (e-mail at once,
    check-in reminders on), unsaved."""
    return NotificationPreference.objects.filter(user_id=user.pk).first() or (
        NotificationPreference(user=user)
    )
