"""What every lab page shares: the navigation key and the engagement tabs' context."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from northline.lab.models import Engagement
from northline.orgs.access import Access

NAV = "lab"


def engagement_url(access: Access, engagement: Engagement) -> str | None:
    """The engagement page (the engagement side's), if its routes are in place."""
    try:
        return reverse("lab_engagement", args=[access.organization.slug, engagement.pk])
    except NoReverseMatch:
        return None


def lab_url(access: Access) -> str | None:
    try:
        return reverse("lab", args=[access.organization.slug])
    except NoReverseMatch:
        return None


def engagement_context(access: Access, engagement: Engagement, tab: str) -> dict[str, Any]:
    return {
        "engagement": engagement,
        "engagement_url": engagement_url(access, engagement),
        "lab_url": lab_url(access),
        "tab": tab,
    }
