"""Reads shared by pages and the API, each scoped to the caller's organization."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from northline.orgs.access import Access, organizations_of
from northline.orgs.models import (
    ApiToken,
    Event,
    Invitation,
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
        found = Q(name__icontains=search) | Q(title__icontains=search)
        # Only those who may see addresses may search by them: else a search is a way to read
        # them one character at a time.
        if access.can_manage:
            found |= Q(email__icontains=search)
        queryset = queryset.filter(found)
    return queryset


def invitations(access: Access) -> QuerySet[Invitation]:
    """The organization's invitations not yet answered or revoked (expired ones included, to
    be re-sent or revoked), newest first; for owners and admins."""
    return Invitation.objects.filter(
        organization=access.organization,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        revoked_at__isnull=True,
    ).select_related("invited_by")


def invitations_for(user: User) -> QuerySet[Invitation]:
    """The open invitations sent to the user's own address, for their home page."""
    if not user.email:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        email=user.email.lower(),
        accepted_at__isnull=True,
        declined_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("organization", "invited_by")


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
    access: Access,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    app_labels: list[str] | None = None,
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> QuerySet[Event]:
    """The organization's events, newest first, narrowed by any of: record type and record,
    who (a user's id, or the name of an automatic actor such as "daily snapshot"), the apps of
    a section, and a time range (``since`` inclusive, ``before`` exclusive)."""
    queryset = Event.objects.filter(organization=access.organization)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    if actor:
        if actor.isdigit():
            queryset = queryset.filter(actor_id=int(actor))
        else:
            queryset = queryset.filter(actor__isnull=True, actor_name=actor)
    if app_labels:
        sections = Q()
        for label in app_labels:
            sections |= Q(object_type__startswith=f"{label}.")
        queryset = queryset.filter(sections)
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    if before is not None:
        queryset = queryset.filter(created_at__lt=before)
    return queryset


def event_actors(access: Access) -> list[tuple[str, str]]:
    """Who appears in the organization's history, for its filter: (value, name) sorted by name.
    Users by their person's name in the organization (else their user name), automatic actors
    by what they are. Three queries."""
    pairs = set(
        Event.objects.filter(organization=access.organization)
        .order_by()
        .values_list("actor_id", "actor_name")
        .distinct()
    )
    user_ids = {pk for pk, _ in pairs if pk is not None}
    users = {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }
    people = dict(
        Person.objects.filter(organization=access.organization, user_id__in=user_ids)
        .order_by("-id")
        .values_list("user_id", "name")
    )
    found: dict[str, str] = {}
    for pk, name in pairs:
        if pk is not None:
            found[str(pk)] = people.get(pk) or users.get(pk) or name
        else:
            found[name] = name[:1].upper() + name[1:]
    return sorted(found.items(), key=lambda item: item[1].lower())


def event_records(access: Access, object_type: str, limit: int = 500) -> list[tuple[str, str]]:
    """The records of one type the history mentions, (id, latest name), for the record filter;
    one query, the most recently changed first."""
    latest: dict[str, str] = {}
    for object_id, name in (
        Event.objects.filter(organization=access.organization, object_type=object_type)
        .order_by("-id")
        .values_list("object_id", "object_repr")[: limit * 20]
    ):
        latest.setdefault(object_id, name)
    return list(latest.items())[:limit]


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
    return ApiToken.objects.filter(user_id=user.pk).select_related("organization")


def inbox(
    user: User, *, unread_only: bool = False, organization_id: int | None = None
) -> QuerySet[Notification]:
    """A user's notifications from every organization they belong to, newest first; with
    ``organization_id`` (an API token limited to one organization), from that one only."""
    organizations = organizations_of(user)
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    queryset = Notification.objects.filter(
        recipient_id=user.pk, organization__in=organizations
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
