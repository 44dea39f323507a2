"""The team page's "Incoming impacts" section (orgs cannot import delivery, so delivery
registers it as a record panel for ``orgs.team`` in ``DeliveryConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from northline.delivery import selectors
from northline.delivery.views import ack_context
from northline.orgs.access import Access
from northline.orgs.models import Team


def team_impacts_panel(request: HttpRequest, access: Access, team: Team) -> str:
    """The changes the team must adapt to in upcoming releases: the ones waiting for its
    acknowledgement first, each with Acknowledge for those who may (a fixed query count)."""
    incoming = [
        item for item in selectors.upcoming_for_team(access, team) if item.impact.role == "impactee"
    ]
    # A stable sort keeps each group soonest first.
    incoming.sort(key=lambda item: item.acknowledged)
    return render_to_string(
        "delivery/_team_impacts.html",
        {
            "org": access.organization,
            "access": access,
            "team": team,
            "incoming": incoming,
            "waiting": sum(1 for item in incoming if not item.acknowledged),
            **ack_context(request, access, {team.pk}),
        },
        request=request,
    )
