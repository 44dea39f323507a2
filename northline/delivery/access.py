"""Access helpers for releases, features, impacts, notices, webhooks and calendar feeds
(STYLE §3): 404 for a record of another organization, 403 for a role too low to act."""

from __future__ import annotations

from northline.delivery.models import (
    CalendarFeed,
    Feature,
    Impact,
    Release,
    Webhook,
)
from northline.orgs.access import Access, get_in_org


def access_release(access: Access, release_id: int, action: str = "read") -> Release:
    return get_in_org(access, Release.objects.select_related("decided_by"), release_id, action)


def access_feature(access: Access, feature_id: int, action: str = "read") -> Feature:
    return get_in_org(
        access, Feature.objects.select_related("owner_team", "epic", "release"), feature_id, action
    )


def access_impact(access: Access, impact_id: int, action: str = "read") -> Impact:
    return get_in_org(
        access,
        Impact.objects.select_related("feature__release", "team", "acknowledged_by"),
        impact_id,
        action,
    )


def access_webhook(access: Access, webhook_id: int, action: str = "read") -> Webhook:
    return get_in_org(access, Webhook.objects.all(), webhook_id, action)


def access_calendar_feed(access: Access, feed_id: int, action: str = "read") -> CalendarFeed:
    return get_in_org(
        access, CalendarFeed.objects.select_related("team"), feed_id, action, "calendar feed"
    )
