"""A generated dependency matrix for measuring the matrix page at size (benchmarks/matrix.py)
and for the tests that draw it large: teams × features over four releases, six impacts a
feature in every state. Bulk inserts: volume, not rules."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.delivery.models import Feature, Impact, Notice, Release
from northline.orgs.access import Access
from northline.orgs.models import Team


def big_matrix(access: Access, teams: int = 60, features: int = 200) -> None:
    """``teams`` teams and ``features`` features over four releases, six impacts a feature, in
    every state (bulk: volume, not rules): releases 5, 30, 60 and 90 days away; the 14-day
    default lead time makes the first release's waiting impactees at risk."""
    made_teams = Team.objects.bulk_create(
        Team(
            organization=access.organization,
            name=f"Team {number:02d} {TEAM_WORDS[number % 6]}",
            kind="support",
        )
        for number in range(teams)
    )
    release_train(access, made_teams, features)


def release_train(
    access: Access,
    teams: list[Team],
    features: int,
    *,
    owner_teams: bool = False,
    notice_every_impactee: bool = False,
) -> tuple[int, int, int]:
    """``features`` features of ``teams`` over four releases 5, 30, 60 and 90 days away, six
    impacts a feature (a third acknowledged) and notices: for every impactee, or for one in
    four. ``owner_teams`` gives each feature an owning team too (the load profile's). Returns
    how many releases, features and impacts it made."""
    org = access.organization
    today = timezone.localdate()
    releases = Release.objects.bulk_create(
        Release(organization=org, name=f"Release {days}", planned_date=today + dt.timedelta(days))
        for days in (5, 30, 60, 90)
    )
    made = Feature.objects.bulk_create(
        Feature(
            organization=org,
            title=f"Feature {number:03d}",
            kind="experiment" if number % 9 == 0 else "feature",
            release=releases[number % 4],
            owner_team=teams[number % len(teams)] if owner_teams else None,
        )
        for number in range(features)
    )
    impacts = Impact.objects.bulk_create(
        Impact(
            organization=org,
            feature=feature,
            team=teams[(number * 7 + k * 11) % len(teams)],
            role="impactor" if k == 0 else "impactee",
            what_changes="Calls about the new form.",
            acknowledged_by=access.user if k > 0 and (number + k) % 3 == 0 else None,
            acknowledged_at=timezone.now() if k > 0 and (number + k) % 3 == 0 else None,
        )
        for number, feature in enumerate(made)
        for k in range(min(6, len(teams)))
    )
    release_of = {feature.pk: releases[number % 4] for number, feature in enumerate(made)}
    Notice.objects.bulk_create(
        Notice(
            organization=org,
            impact=impact,
            release=release_of[impact.feature_id],
            reason="planned",
            sent_at=timezone.now(),
            release_date=release_of[impact.feature_id].planned_date,
            days_left=(release_of[impact.feature_id].planned_date - today).days,
            lead_time_days=14,
            late=(release_of[impact.feature_id].planned_date - today).days < 14,
        )
        for impact in impacts
        if impact.role == "impactee" and (notice_every_impactee or impact.pk % 4 == 1)
    )
    return len(releases), len(made), len(impacts)


TEAM_WORDS = ["Contact", "Training", "Permits", "Harbour Operations", "Legal", "Finance"]
