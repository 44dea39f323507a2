"""Access helper for indicators (STYLE §3)."""

from __future__ import annotations

from northline.measures.models import Indicator
from northline.orgs.access import Access, get_in_org


def access_indicator(access: Access, indicator_id: int, action: str = "read") -> Indicator:
    return get_in_org(access, Indicator.objects.all(), indicator_id, action)
