"""Access helpers for epics, stories, sprints and recommendations (STYLE §3).

An outsider gets 404 for a record of another organization, exactly as for one that does not
exist; a viewer who tries to write gets 403.
"""

from __future__ import annotations

from northline.orgs.record_access import RecordAccess
from northline.portfolio.models import Epic, Recommendation, Sprint, Story

access_epic = RecordAccess(
    Epic.objects.select_related("value_stream", "theme", "owner", "team", "pivoted_from")
)
access_story = RecordAccess(Story.objects.select_related("epic", "team", "sprint"))
access_sprint = RecordAccess(Sprint.objects.select_related("team"))
access_recommendation = RecordAccess(
    Recommendation.objects.select_related("epic", "candidate", "answered_by", "decision")
)
