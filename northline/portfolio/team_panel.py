"""The team page's "Epics" and "Stories" sections (orgs cannot import portfolio, so portfolio
registers them as record panels for ``orgs.team`` in ``PortfolioConfig.ready``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest
from django.template.loader import render_to_string

from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.portfolio.models import Epic, EpicState, Story, StoryState

# Rows a section of the team page lists; the rest are counted, not shown.
SHOWN = 25


def by_state(order: Sequence[str]) -> Case:
    """Work in progress first: the states in ``order``, any other after them."""
    return Case(
        *(When(state=state, then=Value(rank)) for rank, state in enumerate(order)),
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def team_epics_panel(request: HttpRequest, access: Access, team: Team) -> str:
    """The epics the team's card shows, doing first, closed last (two queries)."""
    epics = Epic.objects.filter(organization=access.organization, team=team)
    order = by_state([EpicState.DOING, EpicState.TODO, EpicState.FUNNEL, EpicState.DONE])
    return render_to_string(
        "portfolio/_team_epics.html",
        {
            "org": access.organization,
            "team": team,
            "epics": list(epics.order_by(order, "title", "pk")[:SHOWN]),
            "total": epics.count(),
        },
        request=request,
    )


def team_stories_panel(request: HttpRequest, access: Access, team: Team) -> str:
    """The team's stories with their epics, doing first, done last (two queries)."""
    stories = Story.objects.filter(organization=access.organization, team=team)
    order = by_state([StoryState.DOING, StoryState.TODO])
    return render_to_string(
        "portfolio/_team_stories.html",
        {
            "org": access.organization,
            "team": team,
            "stories": list(
                stories.select_related("epic", "sprint").order_by(
                    order, "epic__title", "rank", "pk"
                )[:SHOWN]
            ),
            "total": stories.count(),
        },
        request=request,
    )
