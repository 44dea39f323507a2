"""Reads of the portfolio that pages and the API share, batched so none queries per card.

* :func:`board` reads every column's first page in one windowed query, then the cards' story
  points, lagging indicators and readings in one query each: six queries for any board.
* :func:`column_page` reads the next page of one column after a cursor (the last card's rank
  and id): four queries for any column size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from northline.goals.models import KeyResult
from northline.lib.choosers import chosen_id
from northline.lib.errors import Invalid
from northline.measures.models import Indicator
from northline.measures.rules import Health, worst_pace
from northline.measures.selectors import health_of
from northline.orgs.access import Access
from northline.orgs.worker import queued_arguments
from northline.portfolio import feedback, rules
from northline.portfolio.models import (
    Epic,
    EpicState,
    Recommendation,
    RecommendationStatus,
    Sprint,
    Story,
    StoryState,
    WipLimit,
)

OPEN_STATES = (EpicState.FUNNEL, EpicState.TODO, EpicState.DOING)
PAGE_SIZE = 100


# Rules' facts ----------------------------------------------------------------------------


def wip_limits(organization_id: int) -> dict[str, int]:
    return dict(
        WipLimit.objects.filter(organization_id=organization_id).values_list("state", "limit")
    )


def epic_facts(
    epic: Epic,
    *,
    target_state: str | None = None,
    close_reason: str = "",
    close_note: str = "",
) -> rules.EpicFacts:
    """What the move rules need about ``epic``: for one target column, or for all of them."""
    limits = wip_limits(epic.organization_id)
    counted = [state for state in limits if target_state is None or state == target_state]
    column_counts: dict[str, int] = {}
    if counted:
        column_counts = dict(
            Epic.objects.filter(organization_id=epic.organization_id, state__in=counted)
            .exclude(pk=epic.pk)
            .values("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
    return rules.EpicFacts(
        state=epic.state,
        what=epic.what,
        why=epic.why,
        lagging_indicators=epic.lagging_indicators.count(),
        business_value=epic.business_value,
        time_criticality=epic.time_criticality,
        risk_reduction=epic.risk_reduction,
        job_size=epic.job_size,
        stories=Story.objects.filter(epic=epic).count(),
        column_counts=column_counts,
        wip_limits=limits,
        close_reason=close_reason,
        close_note=close_note,
    )


def next_moves(epic: Epic) -> dict[str, dict[str, str]]:
    """For each column the epic could go to next, the rules still unmet (empty: allowed);
    closing is judged as if a reason and a note were given."""
    facts = epic_facts(epic, close_reason="other", close_note="-")
    return {
        state: rules.unmet_rules(facts, state)
        for state in rules.STATES
        if state != epic.state and rules.transition_allowed(epic.state, state)
    }


# Epics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilters:
    """Ids to narrow the board and the lists to; None means any."""

    value_stream: int | None = None
    theme: int | None = None
    team: int | None = None
    owner: int | None = None


def wsjf_annotated(queryset: QuerySet[Epic]) -> QuerySet[Epic]:
    """``cost_of_delay_value`` and ``wsjf_value`` computed in SQL by the rules' own definition
    (null while an input is), so the database can sort by them."""
    return queryset.annotate(
        cost_of_delay_value=rules.cost_of_delay_expression(),
        wsjf_value=rules.wsjf_expression(),
    )


def filtered(access: Access, filters: BoardFilters | None = None) -> QuerySet[Epic]:
    queryset = Epic.objects.filter(organization=access.organization)
    filters = filters or BoardFilters()
    if filters.value_stream:
        queryset = queryset.filter(value_stream_id=filters.value_stream)
    if filters.theme:
        queryset = queryset.filter(theme_id=filters.theme)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.team:
        # The card's team, or any team working on one of its stories.
        queryset = queryset.filter(
            Q(team_id=filters.team)
            | Exists(Story.objects.filter(epic=OuterRef("pk"), team_id=filters.team))
        )
    return queryset


def epic_list(
    access: Access,
    *,
    states: Sequence[str] | None = None,
    filters: BoardFilters | None = None,
    order: str = "rank",
    scored: bool = False,
) -> QuerySet[Epic]:
    """Epics by rank (the board's order) or by WSJF (highest first, unscored last), with
    nothing read beside them: WSJF is annotated only to sort by it, or when ``scored``."""
    queryset = filtered(access, filters)
    if states:
        queryset = queryset.filter(state__in=list(states))
    if scored or order == "wsjf":
        queryset = wsjf_annotated(queryset)
    if order == "wsjf":
        return queryset.order_by(F("wsjf_value").desc(nulls_last=True), "rank", "id")
    return queryset.order_by("rank", "id")


def epics(
    access: Access,
    *,
    states: Sequence[str] | None = None,
    filters: BoardFilters | None = None,
    order: str = "rank",
) -> QuerySet[Epic]:
    """:func:`epic_list` with WSJF annotated, and value streams, themes, owners, teams,
    lagging indicators and key results read with them."""
    return (
        epic_list(access, states=states, filters=filters, order=order, scored=True)
        .select_related("value_stream", "theme", "owner", "team")
        .prefetch_related("lagging_indicators", "key_results")
    )


def backlog(
    access: Access, *, order: str = "wsjf", filters: BoardFilters | None = None
) -> QuerySet[Epic]:
    """The epics not finished yet (funnel, todo, doing), by WSJF or by rank."""
    return epics(access, states=OPEN_STATES, filters=filters, order=order)


# The board -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    epic: Epic
    wsjf: float | None
    # The worst pace of the lagging indicators that have a reading (or are late for one);
    # ``awaiting_readings`` when every one of them still waits for its first reading.
    indicator_pace: str | None
    awaiting_readings: bool
    stalled: bool
    story_points_done: int
    story_points_total: int
    team_name: str | None


@dataclass(frozen=True)
class Column:
    state: str
    label: str
    count: int
    limit: int | None
    cards: list[Card]
    next_cursor: str | None

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.count > self.limit


def cards_for(epics_: Sequence[Epic], *, at: dt.datetime | None = None) -> list[Card]:
    """Cards for epics read with ``team`` selected: three queries, whatever their number."""
    ids = [epic.pk for epic in epics_]
    points = {
        row["epic_id"]: (row["done"] or 0, row["total"] or 0)
        for row in Story.objects.filter(epic_id__in=ids)
        .values("epic_id")
        .annotate(done=Sum("estimate", filter=Q(state=StoryState.DONE)), total=Sum("estimate"))
    }
    links = Epic.lagging_indicators.through.objects.filter(epic_id__in=ids).select_related(
        "indicator"
    )
    lagging: dict[int, list[Indicator]] = defaultdict(list)
    indicators: dict[int, Indicator] = {}
    for link in links:
        lagging[link.epic_id].append(link.indicator)
        indicators[link.indicator_id] = link.indicator
    healths = health_of(indicators.values(), at=at)
    cards = []
    for epic in epics_:
        judged: list[Health] = [healths[indicator.pk] for indicator in lagging.get(epic.pk, [])]
        pace = worst_pace(health.pace for health in judged if not health.awaiting_first_reading)
        done, total = points.get(epic.pk, (0, 0))
        cards.append(
            Card(
                epic=epic,
                wsjf=rules.wsjf_of(epic),
                indicator_pace=pace.value if pace else None,
                awaiting_readings=bool(judged) and pace is None,
                stalled=any(health.stalled for health in judged),
                story_points_done=done,
                story_points_total=total,
                team_name=epic.team.name if epic.team_id and epic.team else None,
            )
        )
    return cards


def cursor_of(epic: Epic) -> str:
    return f"{epic.rank}:{epic.pk}"


def parse_cursor(cursor: str) -> tuple[str, int]:
    rank, _, pk = cursor.rpartition(":")
    if not rank or not rank.isdigit() or not pk.isdigit():
        raise Invalid("This cursor is not one the board gave out.", fields={"after": "Unknown."})
    return rank, int(pk)


def board(
    access: Access, *, filters: BoardFilters | None = None, per_column: int = PAGE_SIZE
) -> list[Column]:
    """Every column with its count, limit and first ``per_column`` cards (six queries)."""
    base = filtered(access, filters)
    counts = dict(base.values("state").annotate(n=Count("id")).values_list("state", "n"))
    limits = wip_limits(access.organization.pk)
    first_pages = list(
        base.select_related("team")
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F("state")], order_by=[F("rank").asc(), F("id").asc()]
            )
        )
        .filter(position__lte=per_column)
        .order_by("state", "rank", "id")
    )
    by_state: dict[str, list[Card]] = defaultdict(list)
    for card in cards_for(first_pages):
        by_state[card.epic.state].append(card)
    columns = []
    for state in rules.STATES:
        cards = by_state.get(state, [])
        count = counts.get(state, 0)
        columns.append(
            Column(
                state=state,
                label=rules.STATE_LABELS[state],
                count=count,
                limit=limits.get(state),
                cards=cards,
                next_cursor=cursor_of(cards[-1].epic) if cards and count > len(cards) else None,
            )
        )
    return columns


def column_page(
    access: Access,
    state: str,
    *,
    filters: BoardFilters | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[Card], str | None]:
    """The next ``limit`` cards of one column after ``after`` (four queries)."""
    queryset = filtered(access, filters).filter(state=state).select_related("team")
    if after:
        rank, pk = parse_cursor(after)
        queryset = queryset.filter(Q(rank__gt=rank) | Q(rank=rank, pk__gt=pk))
    page = list(queryset.order_by("rank", "id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    cards = cards_for(page)
    return cards, cursor_of(page[-1]) if more and page else None


# One epic --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpicDetail:
    """An epic page's or the API's full read: WSJF breakdown, the loop's numbers, stories."""

    epic: Epic
    numbers: feedback.EpicFeedback
    candidate: feedback.EpicFeedback | None
    stories: list[Story]
    recommendations: list[Recommendation]
    moves: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def indicators(self) -> list[Indicator]:
        """The epic's lagging indicators, in name order."""
        return [indicator for indicator, _ in self.numbers.lagging]


def epic_detail(access: Access, epic: Epic) -> EpicDetail:
    result = feedback.compute(access.organization, epic_ids=[epic.pk])
    numbers = result.epics[epic.pk]
    stories = list(
        Story.objects.filter(epic=epic)
        .select_related("team", "sprint")
        .prefetch_related("leading_indicators")
        .order_by("rank", "id")
    )
    open_recommendations = list(
        Recommendation.objects.filter(epic=epic, status=RecommendationStatus.OPEN).select_related(
            "candidate"
        )
    )
    return EpicDetail(
        epic=epic,
        numbers=numbers,
        candidate=result.candidate,
        stories=stories,
        recommendations=open_recommendations,
        moves=next_moves(epic),
    )


# Stories and sprints ---------------------------------------------------------------------


def stories(
    access: Access,
    *,
    epic: int | None = None,
    sprint: int | None = None,
    team: int | None = None,
    state: str | None = None,
) -> QuerySet[Story]:
    queryset = Story.objects.filter(organization=access.organization).prefetch_related(
        "leading_indicators"
    )
    if epic:
        queryset = queryset.filter(epic_id=epic)
    if sprint:
        queryset = queryset.filter(sprint_id=sprint)
    if team:
        queryset = queryset.filter(team_id=team)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("epic_id", "rank", "id")


def sprints(access: Access, *, team: int | None = None) -> QuerySet[Sprint]:
    """Sprints with their planned and done story points annotated."""
    queryset = Sprint.objects.filter(organization=access.organization).select_related("team")
    if team:
        queryset = queryset.filter(team_id=team)
    return queryset.annotate(
        planned_points=Coalesce(Sum("stories__estimate"), 0),
        done_points=Coalesce(Sum("stories__estimate", filter=Q(stories__state=StoryState.DONE)), 0),
    ).order_by("-starts_on", "id")


@dataclass(frozen=True)
class SprintLoad:
    """Planned points against capacity; above it is a warning, not a refusal (DESIGN §2.5)."""

    sprint: Sprint
    capacity: int
    planned: int
    done: int
    stories: list[Story]

    @property
    def over_capacity(self) -> bool:
        return self.planned > self.capacity

    @property
    def load(self) -> float:
        return self.planned / self.capacity if self.capacity else 0.0


def sprint_load(access: Access, sprint: Sprint) -> SprintLoad:
    items = list(
        Story.objects.filter(organization=access.organization, sprint=sprint)
        .select_related("epic", "team")
        .order_by("epic_id", "rank", "id")
    )
    planned = sum(story.estimate or 0 for story in items)
    done = sum(story.estimate or 0 for story in items if story.state == StoryState.DONE)
    return SprintLoad(
        sprint=sprint, capacity=sprint.capacity, planned=planned, done=done, stories=items
    )


# Recommendations -------------------------------------------------------------------------


def recommendations(access: Access, status: str | None = "open") -> QuerySet[Recommendation]:
    queryset = Recommendation.objects.filter(organization=access.organization).select_related(
        "epic", "candidate", "answered_by", "decision"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


# Page helpers (the board's keyboard controls) ----------------------------------------------


def step_neighbours(
    access: Access, epic: Epic, direction: str
) -> tuple[int | None, int | None] | None:
    """The (before_id, after_id) that place ``epic`` one card up or down its column, or None
    when it is already first or last: one query, whatever the column's length."""
    column = Epic.objects.filter(organization=access.organization, state=epic.state)
    if direction == "up":
        above = list(
            column.filter(Q(rank__lt=epic.rank) | Q(rank=epic.rank, pk__lt=epic.pk))
            .order_by("-rank", "-id")
            .values_list("pk", flat=True)[:2]
        )
        if not above:
            return None
        return (above[1] if len(above) > 1 else None), above[0]
    below = list(
        column.filter(Q(rank__gt=epic.rank) | Q(rank=epic.rank, pk__gt=epic.pk))
        .order_by("rank", "id")
        .values_list("pk", flat=True)[:2]
    )
    if not below:
        return None
    return below[0], (below[1] if len(below) > 1 else None)


# Choosers (northline.lib.choosers): what the portfolio's choosers offer -------------------


def key_results_matching(access: Access, q: str = "", *, exclude: Iterable[int] = ()) -> Any:
    found = KeyResult.objects.filter(organization=access.organization).exclude(pk__in=exclude)
    if q:
        found = found.filter(title__icontains=q)
    return found.select_related("objective").order_by("title", "pk")


def open_epics_matching(access: Access, q: str = "", *, exclude: Iterable[int] = ()) -> Any:
    found = (
        Epic.objects.filter(organization=access.organization)
        .filter(state__in=OPEN_STATES)
        .exclude(pk__in=exclude)
    )
    if q:
        found = found.filter(title__icontains=q)
    return found.order_by("title", "pk")


def key_result_named(access: Access, value: Any) -> KeyResult | None:
    """The organization's key result whose id a form or address carries, if there is one."""
    pk = chosen_id(value)
    if pk is None:
        return None
    return (
        KeyResult.objects.filter(organization=access.organization, pk=pk)
        .select_related("objective")
        .first()
    )


def key_result_label(record: KeyResult) -> str:
    return f"{record.title} ({record.objective.title})"


# Background work ----------------------------------------------------------------------------

# The feedback loop's task, by its path in the queue (the task lives in services, which this
# module does not import: services imports the selectors).
RECOMPUTE_FEEDBACK = "northline.portfolio.services.recompute_feedback_task"


def feedback_pending(access: Access) -> bool:
    """A recompute of the organization's feedback loop is queued or running: the board and the
    feedback page say so, as their recommendations may still change."""
    return any(
        arguments[:1] == [access.organization.pk]
        for arguments in queued_arguments(RECOMPUTE_FEEDBACK)
    )
