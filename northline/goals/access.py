"""Access helpers for periods, objectives and key results (STYLE §3).

An outsider gets 404 for a record of another organization, exactly as for one that does not
exist; a viewer who tries to write gets 403.
"""

from __future__ import annotations

from northline.goals.models import KeyResult, Objective, Period
from northline.orgs.access import Access, get_in_org


def access_period(access: Access, period_id: int, action: str = "read") -> Period:
    return get_in_org(access, Period.objects.all(), period_id, action)


def access_objective(access: Access, objective_id: int, action: str = "read") -> Objective:
    return get_in_org(
        access,
        Objective.objects.select_related("period", "team", "owner", "parent", "theme"),
        objective_id,
        action,
    )


def access_key_result(access: Access, key_result_id: int, action: str = "read") -> KeyResult:
    return get_in_org(
        access,
        KeyResult.objects.select_related(
            "objective__period", "objective__team", "indicator", "owner"
        ),
        key_result_id,
        action,
        label="key result",
    )
