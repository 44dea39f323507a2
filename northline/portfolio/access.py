"""Access helpers for epics, stories, sprints and recommendations (STYLE §3).

An outsider gets 404 for a record of another organization, exactly as for one that does not
exist; a viewer who tries to write gets 403.
"""

from __future__ import annotations

from northline.orgs.access import Access, get_in_org
from northline.portfolio.models import Epic, Recommendation, Sprint, Story


def access_epic(access: Access, epic_id: int, action: str = "read") -> Epic:
    return get_in_org(
        access,
        Epic.objects.select_related("value_stream", "theme", "owner", "team", "pivoted_from"),
        epic_id,
        action,
    )


def access_story(access: Access, story_id: int, action: str = "read") -> Story:
    return get_in_org(
        access, Story.objects.select_related("epic", "team", "sprint"), story_id, action
    )


def access_sprint(access: Access, sprint_id: int, action: str = "read") -> Sprint:
    return get_in_org(access, Sprint.objects.select_related("team"), sprint_id, action)


def access_recommendation(
    access: Access, recommendation_id: int, action: str = "read"
) -> Recommendation:
    return get_in_org(
        access,
        Recommendation.objects.select_related("epic", "candidate", "answered_by", "decision"),
        recommendation_id,
        action,
    )
