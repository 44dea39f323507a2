"""Every write to releases, features, impacts, notices, lead times, webhooks and calendar feeds
(STYLE §2).

Each function is one transaction: it checks the role and the rules, writes, records the audit
event, and sends what the change calls for: notices to impactee teams (written here, delivered
by northline.delivery.notices) and webhook events (northline.delivery.webhooks), both queued as
tasks once the change commits. Records a function points at (a team, an epic, a release) may be
passed as instances or ids; one of another organization is "not found", as one that does not
exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from northline.delivery import notices, webhooks
from northline.delivery.models import (
    CalendarFeed,
    Feature,
    FeatureKind,
    Impact,
    ImpactRole,
    Notice,
    Release,
    ReleaseStatus,
    TeamLeadTime,
    Webhook,
)
from northline.delivery.rules import days_left, is_late, lead_time, waiting_for
from northline.lib.errors import Conflict, Forbidden, Invalid
from northline.orgs.access import Access, in_org
from northline.orgs.audit import (
    check_version,
    snapshot,
    unchanged_fields,
    validate,
)
from northline.orgs.models import Person, Team, TeamMember
from northline.orgs.services import (
    add_record,
    change_record,
    delete_record,
    known_choices,
    record_action,
    refuse_unknown,
    remove_record,
)
from northline.portfolio.models import Epic
from northline.strategy.models import DecisionStatus, DecisionTopic
from northline.strategy.services import log_decision

RELEASE_FIELDS = {"name", "description", "planned_date"}
FEATURE_FIELDS = {"title", "kind", "description", "owner_team", "epic", "release"}
IMPACT_FIELDS = {"role", "what_changes", "what_is_needed", "lead_time_days"}
WEBHOOK_FIELDS = {"url", "events", "active"}
OPEN_STATUSES = (ReleaseStatus.PLANNED, ReleaseStatus.DECIDED)


def locked[R: Release | Feature | Impact | Webhook | CalendarFeed](record: R) -> R:
    """The record re-read under a row lock, so two writers take turns."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)  # type: ignore[return-value]


def release_impacts(release: Release) -> list[Impact]:
    return list(
        Impact.objects.filter(feature__release=release).select_related("feature__release", "team")
    )


def release_data(release: Release) -> dict[str, Any]:
    return {
        "id": release.pk,
        "name": release.name,
        "planned_date": release.planned_date.isoformat(),
        "status": release.status,
        "override_reason": release.override_reason,
    }


def impact_data(impact: Impact) -> dict[str, Any]:
    return {
        "id": impact.pk,
        "feature": {"id": impact.feature_id, "title": impact.feature.title},
        "team": {"id": impact.team_id, "name": impact.team.name},
        "role": impact.role,
        "lead_time_days": impact.lead_time_days,
        "acknowledged_at": (impact.acknowledged_at.isoformat() if impact.acknowledged_at else None),
    }


def release_to_change(access: Access, release: Release, version: int | None) -> Release:
    """The release locked for the caller's change, at the version they read (stale: 409)."""
    access.require("write")
    release = locked(release)
    check_version(release, version)
    return release


def require_status(release: Release, status: str, only: str, code: str) -> None:
    """Refuse unless the release is at ``status``; ``only`` says which release may do what."""
    if release.status != status:
        raise Conflict(
            f"“{release.name}” is {release.get_status_display().lower()}; only {only}.", code=code
        )


def move_release(access: Access, release: Release, status: str, verb: str) -> Release:
    """The release (locked and checked by the caller) moved to ``status``, the event's ``verb``."""
    return change_record(
        access, release, version=release.version, changes={"status": status}, verb=verb
    )


def check_open(release: Release, doing: str) -> None:
    if release.status not in OPEN_STATUSES:
        raise Conflict(
            f"“{release.name}” is {release.get_status_display().lower()}; it cannot be {doing}.",
            code="release_closed",
        )


# Notices ---------------------------------------------------------------------------------


def lead_time_defaults(team_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        TeamLeadTime.objects.filter(team_id__in=list(team_ids)).values_list("team_id", "days")
    )


def send_notices(access: Access, impacts: Iterable[Impact], reason: str) -> list[Notice]:
    """A notice for each impactee among ``impacts`` (dated, with the days left and whether that
    was fewer than the team's lead time: late), written and audited in the caller's
    transaction and delivered by ``notices.deliver_notices`` once it commits."""
    impactees = [impact for impact in impacts if impact.role == ImpactRole.IMPACTEE]
    if not impactees:
        return []
    defaults = lead_time_defaults(impact.team_id for impact in impactees)
    now = timezone.now()
    today = timezone.localdate()
    made = []
    for impact in impactees:
        release = impact.feature.release
        lead = lead_time(impact, defaults.get(impact.team_id))
        release_date = release.planned_date if release is not None else None
        notice = Notice.objects.create(
            organization=access.organization,
            impact=impact,
            release=release,
            reason=reason,
            sent_at=now,
            release_date=release_date,
            days_left=days_left(today, release_date) if release_date else None,
            lead_time_days=lead,
            late=release_date is not None and is_late(today, release_date, lead),
        )
        record_action(access, "sent", notice, snapshot(notice))
        made.append(notice)
    notice_ids = [notice.pk for notice in made]
    transaction.on_commit(lambda: notices.deliver_notices.enqueue(notice_ids))
    return made


# Releases --------------------------------------------------------------------------------


@transaction.atomic
def create_release(
    access: Access, *, name: str, planned_date: dt.date, description: str = ""
) -> Release:
    access.require("write")
    release = add_record(
        access,
        Release(
            organization=access.organization,
            name=name,
            planned_date=planned_date,
            description=description,
        ),
    )
    webhooks.emit(access.organization, "release.planned", release_data(release))
    return release


@transaction.atomic
def update_release(access: Access, release: Release, /, *, version: int, **changes: Any) -> Release:
    """Edit a release; a new planned date is a move, and every impactee gets a fresh notice
    (late if the new date leaves fewer days than its lead time)."""
    access.require("write")
    refuse_unknown(changes, RELEASE_FIELDS)
    release = locked(release)
    check_version(release, version)
    old_date = release.planned_date
    if "planned_date" in changes and changes["planned_date"] != old_date:
        check_open(release, "moved")
    release = change_record(access, release, version=version, changes=changes)
    if release.planned_date != old_date:
        send_notices(access, release_impacts(release), "moved")
        webhooks.emit(
            access.organization,
            "release.moved",
            {**release_data(release), "previous_date": old_date.isoformat()},
        )
    return release


def waiting_teams(release: Release) -> list[Team]:
    """The impactee teams of the release that have not acknowledged, by name."""
    teams = {impact.team.pk: impact.team for impact in waiting_for(release_impacts(release))}
    return sorted(teams.values(), key=lambda team: (team.name, team.pk))


@transaction.atomic
def decide_release(
    access: Access, release: Release, *, version: int, override_reason: str = ""
) -> Release:
    """The business decides the release. Unless every impactee has acknowledged, it needs an
    override reason, which is also written to the decision log."""
    release = release_to_change(access, release, version)
    require_status(
        release, ReleaseStatus.PLANNED, "a planned release can be decided", "release_not_planned"
    )
    override_reason = override_reason.strip()
    impacts = release_impacts(release)
    waiting = waiting_teams(release)
    if waiting and not override_reason:
        names = ", ".join(team.name for team in waiting)
        raise Conflict(
            f"Not ready: {names} {'has' if len(waiting) == 1 else 'have'} not acknowledged. "
            "Wait for them, or decide anyway with an override reason.",
            code="not_ready",
            fields={"override_reason": f"Waiting for {names}."},
        )
    release = change_record(
        access,
        release,
        version=version,
        changes={
            "status": ReleaseStatus.DECIDED,
            "decided_by": access.user.pk,
            "decided_at": timezone.now(),
            "override_reason": override_reason if waiting else "",
        },
        verb="decided",
    )
    if waiting:
        log_decision(
            access,
            title=f"Release “{release.name}” decided before every impactee acknowledged"[:200],
            topic=DecisionTopic.DELIVERY,
            context="Still waiting for: " + ", ".join(team.name for team in waiting) + ".",
            decision=override_reason,
            status=DecisionStatus.ACCEPTED,
            made_by_person=acting_person(access),
            links=[release],
        )
    send_notices(access, impacts, "decided")
    webhooks.emit(access.organization, "release.decided", release_data(release))
    return release


def acting_person(access: Access) -> Person | None:
    """The Person the acting user is in this organization, if any: who made a decision."""
    return Person.objects.filter(organization=access.organization, user_id=access.user.pk).first()


@transaction.atomic
def mark_released(access: Access, release: Release, *, version: int | None = None) -> Release:
    release = release_to_change(access, release, version)
    require_status(
        release,
        ReleaseStatus.DECIDED,
        "a decided release can be marked released",
        "release_not_decided",
    )
    return move_release(access, release, ReleaseStatus.RELEASED, "released")


@transaction.atomic
def cancel_release(access: Access, release: Release, *, version: int | None = None) -> Release:
    release = release_to_change(access, release, version)
    check_open(release, "cancelled")
    return move_release(access, release, ReleaseStatus.CANCELLED, "cancelled")


@transaction.atomic
def delete_release(access: Access, release: Release) -> None:
    """Only a planned release goes; its features stay, without a release."""
    access.require("write")
    require_status(
        release,
        ReleaseStatus.PLANNED,
        "a planned release can be deleted. Cancel it instead",
        "release_not_planned",
    )
    remove_record(access, release)


# Features --------------------------------------------------------------------------------


def feature_references(access: Access, fields: dict[str, Any]) -> dict[str, Any]:
    resolved = dict(fields)
    for name, model in (("owner_team", Team), ("epic", Epic), ("release", Release)):
        if name in resolved:
            resolved[name] = in_org(access, model, resolved[name], name)
    if resolved.get("release") is not None:
        check_open(resolved["release"], "given features")
    if "kind" in resolved and resolved["kind"] not in FeatureKind.values:
        raise Invalid(
            "Unknown kind of feature.",
            fields={"kind": "Choose from " + ", ".join(FeatureKind.values) + "."},
        )
    return resolved


@transaction.atomic
def create_feature(
    access: Access,
    *,
    title: str,
    kind: str = FeatureKind.FEATURE,
    description: str = "",
    owner_team: Team | int | None = None,
    epic: Epic | int | None = None,
    release: Release | int | None = None,
) -> Feature:
    access.require("write")
    fields = feature_references(
        access, {"kind": kind, "owner_team": owner_team, "epic": epic, "release": release}
    )
    return add_record(
        access,
        Feature(organization=access.organization, title=title, description=description, **fields),
    )


@transaction.atomic
def update_feature(access: Access, feature: Feature, /, *, version: int, **changes: Any) -> Feature:
    """Edit a feature; putting it in a release plans its impacts there (notices)."""
    access.require("write")
    refuse_unknown(changes, FEATURE_FIELDS)
    feature = locked(feature)
    check_version(feature, version)
    old_release = feature.release_id
    resolved = {
        name: value.pk if hasattr(value, "pk") else value
        for name, value in feature_references(access, changes).items()
    }
    feature = change_record(access, feature, version=version, changes=resolved)
    if feature.release_id is not None and feature.release_id != old_release:
        feature.release = Release.objects.get(pk=feature.release_id)
        send_notices(access, list(feature.impacts.select_related("team")), "planned")
    return feature


def delete_feature(access: Access, feature: Feature) -> None:
    delete_record(access, feature)


# Impacts ---------------------------------------------------------------------------------


def check_role(role: str) -> None:
    if role not in ImpactRole.values:
        raise Invalid("Unknown role.", fields={"role": "Choose impactor or impactee."})


@transaction.atomic
def add_impact(
    access: Access,
    feature: Feature,
    *,
    team: Team | int,
    role: str,
    what_changes: str = "",
    what_is_needed: str = "",
    lead_time_days: int | None = None,
) -> Impact:
    """The feature affects ``team``; an impactee gets a notice at once."""
    access.require("write")
    check_role(role)
    target = in_org(access, Team, team, "team")
    assert target is not None
    if Impact.objects.filter(feature=feature, team=target).exists():
        raise Conflict(
            f"“{feature.title}” already has an impact on {target.name}.",
            code="impact_exists",
            fields={"team": "Already impacted; edit that impact instead."},
        )
    impact = add_record(
        access,
        Impact(
            organization=access.organization,
            feature=feature,
            team=target,
            role=role,
            what_changes=what_changes,
            what_is_needed=what_is_needed,
            lead_time_days=lead_time_days,
        ),
    )
    send_notices(access, [impact], "impact_added")
    webhooks.emit(access.organization, "impact.added", impact_data(impact))
    return impact


@transaction.atomic
def update_impact(access: Access, impact: Impact, /, *, version: int, **changes: Any) -> Impact:
    """Edit an impact; one that becomes an impactee is told, as if it were just added."""
    access.require("write")
    refuse_unknown(changes, IMPACT_FIELDS)
    if "role" in changes:
        check_role(changes["role"])
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of select_related's joins.
    impact = (
        Impact.objects.select_for_update(of=("self",))
        .select_related("feature__release", "team")
        .get(pk=impact.pk)
    )
    check_version(impact, version)
    old_role = impact.role
    impact = change_record(access, impact, version=version, changes=changes)
    if old_role != ImpactRole.IMPACTEE and impact.role == ImpactRole.IMPACTEE:
        send_notices(access, [impact], "impact_added")
    return impact


def remove_impact(access: Access, impact: Impact) -> None:
    delete_record(access, impact)


def is_team_member(access: Access, team: Team) -> bool:
    return TeamMember.objects.filter(team=team, person__user_id=access.user.pk).exists()


@transaction.atomic
def acknowledge(access: Access, impact: Impact, *, version: int | None = None) -> Impact:
    """The impacted team has read the notice and will be ready: who and when.

    A writer who is on the team (a person with their login) may acknowledge, or an admin.
    ``version`` is the impact the person read (the pages send it): if the impact was edited
    since, they have not read what they would acknowledge, so it is refused as stale. An
    impact already acknowledged stays as it is whatever the version (acknowledging twice
    keeps the first who and when); the API sends no version.
    """
    access.require("write")
    if not access.can("manage") and not is_team_member(access, impact.team):
        raise Forbidden(
            f"Only a member of {impact.team.name} (or an admin) can acknowledge this impact."
        )
    impact = (
        Impact.objects.select_for_update(of=("self",))
        .select_related("feature__release", "team")
        .get(pk=impact.pk)
    )
    if impact.role != ImpactRole.IMPACTEE:
        raise Conflict(
            f"{impact.team.name} causes this change; only impactees acknowledge.",
            code="not_impactee",
        )
    if impact.acknowledged_at is not None:
        return impact
    impact = change_record(
        access,
        impact,
        version=impact.version if version is None else version,
        changes={"acknowledged_by": access.user.pk, "acknowledged_at": timezone.now()},
        verb="acknowledged",
    )
    webhooks.emit(
        access.organization,
        "impact.acknowledged",
        {**impact_data(impact), "acknowledged_by": access.user.get_username()},
    )
    return impact


# Lead times ------------------------------------------------------------------------------


@transaction.atomic
def set_lead_time(access: Access, team: Team | int, *, days: int) -> TeamLeadTime:
    access.require("write")
    target = in_org(access, Team, team, "team")
    assert target is not None
    if days < 0 or days > 365:
        raise Invalid("A lead time is 0 to 365 days.", fields={"days": "0 to 365."})
    current = TeamLeadTime.objects.select_for_update().filter(team=target).first()
    if current is None:
        return add_record(
            access, TeamLeadTime(organization=access.organization, team=target, days=days)
        )
    return change_record(access, current, version=current.version, changes={"days": days})


# Webhooks --------------------------------------------------------------------------------


def clean_events(events: list[str]) -> list[str]:
    return known_choices(events, webhooks.EVENTS, unknown="Unknown event", field="events")


@transaction.atomic
def create_webhook(
    access: Access, *, url: str, events: list[str], secret: str | None = None
) -> Webhook:
    """A webhook for the organization; its URL must resolve to public addresses only
    (unless NORTHLINE_WEBHOOKS_ALLOW_PRIVATE). The secret is generated unless given."""
    access.require("manage")
    webhooks.check_url_for_form(url)
    return add_record(
        access,
        Webhook(
            organization=access.organization,
            url=url,
            events=clean_events(events),
            secret=secret or secrets.token_urlsafe(32),
        ),
    )


@transaction.atomic
def update_webhook(access: Access, webhook: Webhook, /, *, version: int, **changes: Any) -> Webhook:
    access.require("manage")
    refuse_unknown(changes, WEBHOOK_FIELDS)
    if "url" in changes:
        webhooks.check_url_for_form(changes["url"])
    if "events" in changes:
        changes["events"] = clean_events(changes["events"])
    webhook = locked(webhook)
    url = changes.pop("url", None)
    if url is not None and url != webhook.url:
        # The URL is recorded masked: every member reads the audit trail, and a URL is often a
        # key. It is its own versioned step (one "updated" event, the version up by one)
        # before the other fields, which update_versioned records as it does everywhere.
        # The row is locked (select_for_update): the version cannot move under us.
        check_version(webhook, version)
        before = webhook.masked_url
        webhook.url = url
        validate(webhook, exclude=unchanged_fields(webhook, ["url"]))
        Webhook.objects.filter(pk=webhook.pk).update(
            url=url, version=F("version") + 1, updated_at=timezone.now()
        )
        webhook.version = version = version + 1
        record_action(access, "updated", webhook, {"url": [before, webhook.masked_url]})
    return change_record(access, webhook, version=version, changes=changes)


def delete_webhook(access: Access, webhook: Webhook) -> None:
    delete_record(access, webhook, right="manage")


@transaction.atomic
def ping_webhook(access: Access, webhook: Webhook) -> Any:
    """Send the webhook a signed test event (whatever it subscribes to)."""
    access.require("manage")
    record_action(access, "pinged", webhook)
    return webhooks.queue(
        webhook, webhooks.PING, {"message": "A test from Northline.", "webhook_id": webhook.pk}
    )


# Calendar feeds --------------------------------------------------------------------------


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_feed(
    access: Access, *, team: Team | int | None = None, label: str
) -> tuple[CalendarFeed, str]:
    """A feed and its secret token, returned here once; only its SHA-256 is kept."""
    access.require("write")
    target = in_org(access, Team, team, "team")
    token = secrets.token_urlsafe(32)
    feed = add_record(
        access,
        CalendarFeed(
            organization=access.organization,
            team=target,
            label=label,
            digest=feed_digest(token),
            created_by=access.user,
        ),
    )
    return feed, token


@transaction.atomic
def revoke_calendar_feed(access: Access, feed: CalendarFeed) -> CalendarFeed:
    access.require("write")
    feed = locked(feed)
    if feed.revoked_at is not None:
        return feed
    return change_record(
        access, feed, version=feed.version, changes={"revoked_at": timezone.now()}, verb="revoked"
    )
