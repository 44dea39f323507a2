"""Records for the OpenAPI walk: a release with a feature, an impact on a team, a webhook to
a local receiver (allowed for this setup only) and a calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import override_settings
from django.utils import timezone

from northline.delivery import services
from northline.orgs import services as org_services
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    team = org_services.create_team(access, name="Walk contact centre", kind="support")
    release = services.create_release(
        access, name="Walk release", planned_date=timezone.localdate() + dt.timedelta(days=30)
    )
    feature = services.create_feature(
        access, title="Walk chat pilot", kind="experiment", release=release
    )
    impact = services.add_impact(access, feature, team=team, role="impactee")
    # Loopback, on an unprivileged port (ports below 1024 but 80 and 443 are refused): nothing
    # is sent by the walk, which never writes as owner.
    with override_settings(NORTHLINE_WEBHOOKS_ALLOW_PRIVATE=True):
        webhook = services.create_webhook(
            access, url="http://127.0.0.1:1025/hook", events=["notice.sent"]
        )
    feed, _ = services.create_calendar_feed(access, label="Walk feed")
    values.update(
        release_id=release.pk,
        feature_id=feature.pk,
        impact_id=impact.pk,
        webhook_id=webhook.pk,
        calendar_feed_id=feed.pk,
    )
