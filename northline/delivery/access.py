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
from northline.orgs.record_access import RecordAccess

access_release = RecordAccess(Release.objects.select_related("decided_by"))
access_feature = RecordAccess(Feature.objects.select_related("owner_team", "epic", "release"))
access_impact = RecordAccess(
    Impact.objects.select_related("feature__release", "team", "acknowledged_by")
)
access_webhook = RecordAccess(Webhook.objects.all())
access_calendar_feed = RecordAccess(CalendarFeed.objects.select_related("team"))
