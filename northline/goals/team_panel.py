"""The team page's "Objectives" section (orgs cannot import goals, so goals registers it as a
record panel for ``orgs.team`` in ``GoalsConfig.ready``)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest
from django.template.loader import render_to_string

from northline.goals.models import Objective, ObjectiveStatus
from northline.orgs.access import Access
from northline.orgs.models import Team

# Rows a section of the team page lists; the rest are counted, not shown.
SHOWN = 25


def team_objectives_panel(request: HttpRequest, access: Access, team: Team) -> str:
    """The team's objectives, active first, newest period first (two queries)."""
    objectives = Objective.objects.filter(organization=access.organization, team=team)
    order = Case(
        When(status=ObjectiveStatus.ACTIVE, then=Value(0)),
        When(status=ObjectiveStatus.DRAFT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return render_to_string(
        "goals/_team_objectives.html",
        {
            "org": access.organization,
            "team": team,
            "objectives": list(
                objectives.select_related("period").order_by(
                    order, "-period__starts_on", "title", "pk"
                )[:SHOWN]
            ),
            "total": objectives.count(),
        },
        request=request,
    )
