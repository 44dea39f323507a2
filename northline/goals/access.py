"""Access helpers for periods, objectives and key results (STYLE §3).

An outsider gets 404 for a record of another organization, exactly as for one that does not
exist; a viewer who tries to write gets 403.
"""

from __future__ import annotations

from northline.goals.models import KeyResult, Objective, Period
from northline.orgs.record_access import RecordAccess

access_period = RecordAccess(Period.objects.all())
access_objective = RecordAccess(
    Objective.objects.select_related("period", "team", "owner", "parent", "theme")
)
access_key_result = RecordAccess(
    KeyResult.objects.select_related("objective__period", "objective__team", "indicator", "owner")
)
