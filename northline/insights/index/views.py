"""Pages of the Insights home: the alignment index with its components, each component's full
drill-down, and the trend of the index over time (DESIGN §2.8).

Thin views (STYLE §1): read the team filter, call one selector (``index.alignment_index``,
``index.component_of``, ``snapshots.snapshots``), render. Reading only: any member may look,
an outsider gets 404, and so does a team of another organization. The coverage drill-down offers
editors a "Link an epic" form on each key result no epic drives; it posts to the portfolio's
``key_result_epic_link`` (the audited ``link_key_result``), which comes back here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from northline.insights.components import (
    COMPONENT_KEYS,
    COMPONENT_LABELS,
    COMPONENTS,
    AlignmentIndex,
    Component,
    Lowering,
)
from northline.insights.index import selectors
from northline.insights.index.charts import Series, legend, trend_chart
from northline.insights.index.selectors import alignment_index, component_of
from northline.lib import choosers
from northline.lib.charts import number
from northline.lib.errors import NotFound
from northline.lib.web import org_view, render_org
from northline.orgs.access import Access, access_team
from northline.orgs.models import Team
from northline.orgs.pages import model_of
from northline.portfolio import selectors as portfolio_selectors

NAV = "insights"
# Records shown under each component on the home page; the rest on its drill-down page.
FIRST_RECORDS = 5
DRILL_DOWN_PAGE = 50
TREND_DAYS = (30, 90, 180, 365)
DEFAULT_TREND_DAYS = 90
# How a value reads in words beside its colour (the .health-* classes of insights.css).
BANDS = ((80.0, "on_track", "strong"), (60.0, "at_risk", "fair"), (0.0, "off_track", "weak"))


def band(value: float | None) -> tuple[str, str]:
    """(CSS health class suffix, word) for a 0–100 value; no value → ("none", "no data")."""
    if value is None:
        return "none", "no data"
    return next((css, word) for floor, css, word in BANDS if value >= floor)


def chosen_team(access: Access, request: HttpRequest) -> Team | None:
    """The ``?team=<id>`` filter: a team of this organization, or none; anything else is 404."""
    raw = request.GET.get("team", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound(f"No team with id {raw!r} in this organization.")
    return access_team(access, int(raw))


def team_query(team: Team | None) -> str:
    return f"?{urlencode({'team': team.pk})}" if team is not None else ""


def type_label(object_type: str) -> str:
    try:
        name = str(model_of(object_type)._meta.verbose_name)
    except LookupError:
        return object_type
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class RecordRow:
    lowering: Lowering
    url: str
    kind: str


def rows_of(lowerings: list[Lowering], slug: str) -> list[RecordRow]:
    return [
        RecordRow(lowering, lowering.url_in(slug), type_label(lowering.object_type))
        for lowering in lowerings
    ]


@dataclass(frozen=True)
class ComponentCard:
    component: Component
    health: str
    word: str
    parts: list[tuple[str, float, float]]
    first: list[RecordRow]

    @property
    def more(self) -> int:
        return len(self.component.lowering) - len(self.first)


def card_of(component: Component, slug: str) -> ComponentCard:
    health, word = band(component.value)
    return ComponentCard(
        component=component,
        health=health,
        word=word,
        parts=[(name, passed, total) for name, (passed, total) in component.parts.items()],
        first=rows_of(component.lowering[:FIRST_RECORDS], slug),
    )


def arithmetic(index: AlignmentIndex) -> str:
    """The index's sum in words: "(100 + 55.6 + 70) / 3 = 75.2"."""
    values = [c.value for c in index.components if c.value is not None]
    if not values or index.value is None:
        return ""
    terms = " + ".join(number(value) for value in values)
    return f"({terms}) / {len(values)} = {number(index.value)}"


def names_in_words(names: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def partial_note(index: AlignmentIndex) -> str:
    """Said next to an index computed from fewer than every component: "Partial: from 1 of
    5 components — coverage, movement, governance and shared understanding have no data
    yet." Empty when every component has data, or none (then there is no index to qualify)."""
    missing = [c.label.lower() for c in index.components if not c.has_data]
    used = len(index.components) - len(missing)
    if not missing or not used:
        return ""
    verb = "has" if len(missing) == 1 else "have"
    return (
        f"Partial: from {used} of {len(index.components)} components — "
        f"{names_in_words(missing)} {verb} no data yet."
    )


# The trend ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    day: dt.date
    index: float | None
    components: list[float | None]


def trend_days(request: HttpRequest) -> int:
    raw = request.GET.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) in TREND_DAYS else DEFAULT_TREND_DAYS


def trend(access: Access, team: Team | None, days: int) -> dict[str, Any]:
    today = timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    taken = list(selectors.snapshots(access, team=team, since=since, until=today))
    rows = [
        TrendRow(
            day=snapshot.taken_on,
            index=snapshot.index,
            components=list(selectors.component_values(snapshot).values()),
        )
        for snapshot in taken
    ]
    chart = None
    samples: list[Any] = []
    if rows:
        # One point per day in the window: a day without a snapshot breaks the line.
        by_day = {row.day: row for row in rows}
        window = [since + dt.timedelta(days=offset) for offset in range(days)]

        def series_of(pick: Any) -> list[tuple[dt.date, float | None]]:
            return [(day, pick(by_day[day]) if day in by_day else None) for day in window]

        lines = [
            Series(
                key=key,
                label=COMPONENT_LABELS[key],
                points=series_of(lambda row, position=position: row.components[position]),
            )
            for position, key in enumerate(COMPONENT_KEYS)
        ]
        lines.append(
            Series(
                key="index",
                label="Alignment index",
                points=series_of(lambda row: row.index),
                main=True,
            )
        )
        subject = team.name if team is not None else access.organization.name
        chart = trend_chart(
            lines,
            start=since,
            end=today,
            title=f"Alignment index of {subject}, last {days} days",
            chart_id="index-trend",
        )
        samples = legend(lines)
    return {
        "trend_rows": list(reversed(rows)),
        "trend_chart": chart,
        "trend_legend": samples,
        "trend_since": since,
        "trend_days": days,
        "trend_choices": TREND_DAYS,
    }


# Pages -------------------------------------------------------------------------------------------


def teams_of(access: Access) -> list[Team]:
    return list(Team.objects.filter(organization=access.organization).order_by("name", "id"))


@require_safe
@org_view
def index(request: HttpRequest, access: Access) -> HttpResponse:
    team = chosen_team(access, request)
    computed = alignment_index(access, team=team)
    slug = access.organization.slug
    health, word = band(computed.value)
    return render_org(
        request,
        access,
        "insights/index/index.html",
        {
            "subnav": "index",
            "team": team,
            "teams": teams_of(access),
            "index": computed,
            "index_health": health,
            "index_word": word,
            "arithmetic": arithmetic(computed),
            "partial": partial_note(computed),
            "with_data": [c for c in computed.components if c.has_data],
            "without_data": [c for c in computed.components if not c.has_data],
            "cards": [card_of(component, slug) for component in computed.components],
            "team_query": team_query(team),
            "component_names": COMPONENTS,
            **trend(access, team, trend_days(request)),
        },
        nav=NAV,
    )


@require_safe
@org_view
def component(request: HttpRequest, access: Access, key: str) -> HttpResponse:
    if key not in COMPONENT_KEYS:
        raise Http404("No such component.")
    team = chosen_team(access, request)
    found = component_of(access, key, team=team)
    page = Paginator(found.lowering, DRILL_DOWN_PAGE).get_page(request.GET.get("page"))
    health, word = band(found.value)
    slug = access.organization.slug
    epic_chooser = None
    if key == "coverage" and access.can_write:
        q = request.GET.get("q", "").strip()
        epic_chooser = choosers.chooser(portfolio_selectors.open_epics_matching(access, q), q)
    return render_org(
        request,
        access,
        "insights/index/component.html",
        {
            "subnav": "index",
            "team": team,
            "teams": teams_of(access),
            "component": found,
            "health": health,
            "word": word,
            "parts": [(name, passed, total) for name, (passed, total) in found.parts.items()],
            "page": page,
            "rows": rows_of(list(page.object_list), slug),
            "team_query": team_query(team),
            "epic_chooser": epic_chooser,
            "here": request.get_full_path(),
        },
        nav=NAV,
    )
