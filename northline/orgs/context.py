"""Template context for the page shell: the organization switcher and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# The sections of the navigation, in order; each later app fills its own.
SECTIONS = [
    ("strategy", "Strategy"),
    ("goals", "Goals"),
    ("portfolio", "Portfolio"),
    ("delivery", "Delivery"),
    ("lab", "Lab"),
    ("insights", "Insights"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from northline.orgs.access import organizations_of
    from northline.orgs.selectors import unread_count

    return {
        "my_organizations": organizations_of(user).only("slug", "name"),
        "sections": SECTIONS,
        # Lazy: counted only when a template shows it (one query).
        "unread_count": lambda: unread_count(user),
    }
