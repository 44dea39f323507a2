"""Daily snapshots of the alignment index (DESIGN §2.8, "Trend").

The index is computed on read from today's records, so yesterday's value cannot be worked out
again later: a snapshot keeps it. :func:`take_snapshots` stores, for one day, the index and the
five component values of the organization and of each of its teams; the daily task
(northline.insights.tasks) and ``northline snapshot`` call it. A re-run the same day replaces
that day's rows, in one transaction.

Snapshots are taken without a signed-in user: there is no "system" user in Northline, so the
organization is read through an :class:`~northline.orgs.access.Access` of its first owner
(the earliest owner membership), exactly what that owner would see. Nothing is written on the
owner's behalf: the audit event of a run names the snapshot task, not the owner.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from northline.insights.alignment import load
from northline.insights.components import AlignmentIndex
from northline.insights.index.selectors import index_of
from northline.insights.models import Snapshot
from northline.lib.errors import Invalid
from northline.orgs.access import Access
from northline.orgs.audit import record_event
from northline.orgs.models import Membership, Organization, Role, Team

# Who the audit trail says took a snapshot.
SNAPSHOT_ACTOR = "daily snapshot"


def reading_access(organization: Organization) -> Access | None:
    """The organization as its first active owner reads it, or None if it has no owner."""
    membership = (
        Membership.objects.filter(organization=organization, role=Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "id")
        .first()
    )
    if membership is None:
        return None
    return Access(user=membership.user, organization=organization, role=Role.OWNER)


def moment_of(day: dt.date) -> dt.datetime:
    """When measures are judged for ``day``: now for today, the day's last moment for a day
    gone by (the records are today's either way: a past day's epics and stories are not kept)."""
    today = timezone.localdate()
    if day > today:
        raise Invalid(
            f"{day:%Y-%m-%d} has not come yet; a snapshot is taken for today or a day gone by.",
            fields={"date": "Today or earlier."},
        )
    if day == today:
        return timezone.now()
    end = dt.datetime.combine(day, dt.time.max)
    return timezone.make_aware(end, timezone.get_current_timezone())


def values_of(index: AlignmentIndex) -> dict[str, float | None]:
    return {component.key: component.value for component in index.components}


@transaction.atomic
def take_snapshots(organization: Organization, day: dt.date) -> int:
    """Store ``day``'s index of the organization and of each team; returns the rows written.

    Replaces rows already taken that day. The organization row is locked first, so two runs
    for the same organization (the worker and ``northline snapshot``) take turns instead of
    both inserting the day and one failing on the unique constraint.

    The alignment graph is read once; each team's index counts its share of it, and only its
    governance and understanding queries repeat per team, so the queries grow with the number
    of teams and with nothing else. An organization without an active owner is skipped
    (0 rows).
    """
    access = reading_access(organization)
    if access is None:
        return 0
    at = moment_of(day)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    teams = list(Team.objects.filter(organization=organization).order_by("name", "id"))
    graph = load(access, at=at)  # read once; each team's index counts its share of it
    computed: list[tuple[Team | None, AlignmentIndex]] = [(None, index_of(access, graph))]
    computed += [(team, index_of(access, graph.for_team(team))) for team in teams]
    replaced = Snapshot.objects.filter(organization=organization, taken_on=day).delete()[0]
    rows = Snapshot.objects.bulk_create(
        [
            Snapshot(
                organization=organization,
                team=team,
                taken_on=day,
                index=index.value,
                components=values_of(index),
            )
            for team, index in computed
        ]
    )
    record_event(
        actor=SNAPSHOT_ACTOR,
        organization=organization,
        verb="snapshot taken",
        obj=rows[0],
        changes={
            "taken_on": day.isoformat(),
            "index": rows[0].index,
            "rows": len(rows),
            "replaced": replaced,
        },
    )
    return len(rows)
