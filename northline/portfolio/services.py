"""Every write to epics, stories, sprints, WIP limits and recommendations (STYLE §2).

Each function is one transaction: it checks the role and the rules, writes, records the audit
event, and (for epics and stories) enqueues the feedback loop once the transaction commits; it
runs inline in tests and on `northline worker` otherwise. Records a function points at (a value
stream, a theme, an owner, a team, a sprint, key results) may be passed as instances or ids; one
of another organization is "not found" (404), exactly as one that does not exist.

Board moves (DESIGN §2.5) are judged by northline.portfolio.rules: a refused move raises
``Conflict(code="move_refused")`` naming every unmet rule and changes nothing. A move writes
only the moved epic's row (its rank is a key between its new neighbours', see
northline.lib.ranking) plus its audit event.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, models, transaction
from django.db.models import ExpressionWrapper, F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.tasks import task
from django.utils import timezone

from northline.goals.models import KeyResult
from northline.lib.errors import Conflict, Invalid, NotFound
from northline.lib.ranking import key_between, key_for_score
from northline.measures import services as measures
from northline.measures.models import Indicator, IndicatorKind
from northline.orgs.access import Access, in_org, resolve_in_org
from northline.orgs.audit import (
    check_version,
    jsonable,
    object_type,
    snapshot,
    validate,
)
from northline.orgs.models import Event, Organization, Person, Team
from northline.orgs.services import (
    add_record,
    change_record,
    delete_record,
    record_action,
    refuse_unknown,
    remove_record,
)
from northline.orgs.worker import enqueue_once
from northline.portfolio import feedback, rules
from northline.portfolio.models import (
    Answer,
    CloseReason,
    Epic,
    EpicState,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Sprint,
    Story,
    StoryState,
    WipLimit,
)
from northline.portfolio.selectors import epic_facts
from northline.strategy.models import Decision, DecisionStatus, DecisionTopic, Theme, ValueStream
from northline.strategy.services import log_decision

EPIC_FIELDS = {
    "title",
    "description",
    "value_stream",
    "theme",
    "owner",
    "team",
    "what",
    "why",
    "hypothesis",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "target_date",
    "key_results",
}
WSJF_FIELDS = set(rules.WSJF_INPUTS)
# The first key of the advisory locks that serialise placements in one board column
# (column_locked); the second is the column's. Any fixed number no other lock uses.
COLUMN_LOCK = 0x4E4C  # "NL"
EPIC_REFERENCES: dict[str, type[models.Model]] = {
    "value_stream": ValueStream,
    "theme": Theme,
    "owner": Person,
    "team": Team,
}
STORY_FIELDS = {"title", "description", "acceptance_criteria", "estimate", "team", "sprint"}
SPRINT_FIELDS = {"team", "name", "starts_on", "ends_on", "capacity"}


# Set while a bulk load (the demo) runs: it recomputes once at the end instead.
feedback_is_paused: ContextVar[bool] = ContextVar("portfolio_feedback_paused", default=False)


@contextmanager
def feedback_paused() -> Iterator[None]:
    """Hold the feedback loop for many writes in a row; the caller recomputes afterwards."""
    token = feedback_is_paused.set(True)
    try:
        yield
    finally:
        feedback_is_paused.reset(token)


def schedule_feedback(organization: Organization | int) -> None:
    """Recompute the feedback loop once this change commits (:func:`recompute_feedback_task`;
    a change that rolls back queues nothing). A burst of changes shares one waiting run
    (:func:`~northline.orgs.worker.enqueue_once`)."""
    if feedback_is_paused.get():
        return
    pk = organization if isinstance(organization, int) else organization.pk
    transaction.on_commit(lambda: enqueue_once(recompute_feedback_task, pk))


def key_results_in_org(access: Access, values: Iterable[KeyResult | int]) -> list[KeyResult]:
    ids = [value.pk if isinstance(value, KeyResult) else value for value in values]
    found = list(KeyResult.objects.filter(organization=access.organization, pk__in=ids))
    missing = sorted(set(ids) - {record.pk for record in found})
    if missing:
        raise NotFound(
            f"No key result with id {missing[0]} in this organization.",
            fields={"key_results": "Not found."},
        )
    return found


def wsjf_rank(epic: Epic) -> str:
    return key_for_score(rules.wsjf_of(epic), epic.pk)


# Epics -----------------------------------------------------------------------------------


@transaction.atomic
def create_epic(
    access: Access,
    *,
    title: str,
    description: str = "",
    value_stream: ValueStream | int | None = None,
    theme: Theme | int | None = None,
    owner: Person | int | None = None,
    team: Team | int | None = None,
    what: str = "",
    why: str = "",
    hypothesis: str = "",
    business_value: int | None = None,
    time_criticality: int | None = None,
    risk_reduction: int | None = None,
    job_size: int | None = None,
    target_date: dt.date | None = None,
    key_results: Iterable[KeyResult | int] = (),
) -> Epic:
    """A new epic in the funnel, ranked by its WSJF (unscored epics sort last)."""
    access.require("write")
    references = resolve_in_org(
        access,
        {"value_stream": value_stream, "theme": theme, "owner": owner, "team": team},
        EPIC_REFERENCES,
    )
    epic = Epic(
        organization=access.organization,
        title=title,
        description=description,
        what=what,
        why=why,
        hypothesis=hypothesis,
        business_value=business_value,
        time_criticality=time_criticality,
        risk_reduction=risk_reduction,
        job_size=job_size,
        target_date=target_date,
        state=EpicState.FUNNEL,
        # Provisional: the rank's tiebreak is the epic's id, known once it is inserted.
        rank=key_for_score(None, 0),
        **references,
    )
    validate(epic)
    epic.save(force_insert=True)
    epic.rank = wsjf_rank(epic)
    Epic.objects.filter(pk=epic.pk).update(rank=epic.rank)
    linked = key_results_in_org(access, key_results)
    if linked:
        epic.key_results.set(linked)
    record_action(
        access,
        "created",
        epic,
        {**snapshot(epic), "key_results": sorted(record.pk for record in linked)},
    )
    schedule_feedback(access.organization)
    return epic


@transaction.atomic
def update_epic(access: Access, epic: Epic, /, *, version: int, **changes: Any) -> Epic:
    """Edit an epic's fields; new WSJF inputs re-rank it by WSJF unless it was placed by hand."""
    access.require("write")
    refuse_unknown(changes, EPIC_FIELDS)
    check_version(epic, version)
    resolved = resolve_in_org(access, changes, EPIC_REFERENCES)
    key_results = resolved.pop("key_results", None)
    for name in EPIC_REFERENCES:
        if name in resolved:
            resolved[name] = resolved[name].pk if resolved[name] is not None else None
    if WSJF_FIELDS & set(resolved) and not epic.rank_is_manual:
        scored = Epic(pk=epic.pk, **{name: getattr(epic, name) for name in WSJF_FIELDS})
        for name in WSJF_FIELDS & set(resolved):
            setattr(scored, name, resolved[name])
        resolved["rank"] = wsjf_rank(scored)
    epic = change_record(access, epic, version=version, changes=resolved)
    if key_results is not None:
        linked = key_results_in_org(access, key_results)
        before = sorted(epic.key_results.values_list("pk", flat=True))
        after = sorted(record.pk for record in linked)
        if before != after:
            epic.key_results.set(linked)
            record_action(access, "updated", epic, {"key_results": [before, after]})
    schedule_feedback(access.organization)
    return epic


@transaction.atomic
def link_key_result(
    access: Access, epic: Epic, key_result: KeyResult | int, *, version: int
) -> Epic:
    """The epic drives one more key result (the alignment the coverage counts); a key result of
    another organization is refused with 404 and nothing changes."""
    current = list(epic.key_results.values_list("pk", flat=True))
    (found,) = key_results_in_org(access, [key_result])
    return update_epic(access, epic, version=version, key_results=[*current, found.pk])


@transaction.atomic
def unlink_key_result(
    access: Access, epic: Epic, key_result: KeyResult | int, *, version: int
) -> Epic:
    """The epic stops driving the key result (the key result and its check-ins stay)."""
    pk = key_result.pk if isinstance(key_result, KeyResult) else key_result
    current = list(epic.key_results.values_list("pk", flat=True))
    if pk not in current:
        raise NotFound(
            f"“{epic.title}” does not drive a key result with id {pk}.",
            fields={"key_results": "Not linked."},
        )
    return update_epic(
        access, epic, version=version, key_results=[item for item in current if item != pk]
    )


@transaction.atomic
def delete_epic(access: Access, epic: Epic) -> None:
    """Only an epic still in the funnel goes; later ones are history (close them instead)."""
    access.require("write")
    if epic.state != EpicState.FUNNEL:
        raise Conflict(
            f"“{epic.title}” is in {epic.get_state_display()}; only funnel epics can be "
            "deleted. Close it with a reason instead.",
            code="epic_not_in_funnel",
        )
    remove_record(access, epic)
    schedule_feedback(access.organization)


def same_org_indicator(access: Access, indicator: Indicator) -> None:
    if indicator.organization_id != access.organization.pk:
        raise NotFound(
            f"No indicator with id {indicator.pk} in this organization.",
            fields={"indicator": "Not found."},
        )


@transaction.atomic
def add_lagging_indicator(access: Access, epic: Epic, **indicator_fields: Any) -> Indicator:
    """A new lagging indicator for the epic's business case."""
    access.require("write")
    indicator_fields.pop("kind", None)
    indicator = measures.create_indicator(access, kind=IndicatorKind.LAGGING, **indicator_fields)
    link_lagging_indicator(access, epic, indicator)
    return indicator


@transaction.atomic
def link_lagging_indicator(access: Access, epic: Epic, indicator: Indicator) -> None:
    """Measure the epic's outcome with an existing lagging indicator (a theme's, a key
    result's); linking one twice changes nothing."""
    link_indicator(
        access,
        epic,
        "lagging_indicators",
        indicator,
        IndicatorKind.LAGGING,
        f"“{indicator.name}” is a leading indicator; a business case measures its outcome "
        "with lagging ones.",
    )


@transaction.atomic
def unlink_lagging_indicator(access: Access, epic: Epic, indicator: Indicator) -> None:
    """Stop measuring the epic with the indicator (the indicator and its readings stay)."""
    unlink_indicator(access, epic, "lagging_indicators", indicator, "a lagging indicator")


def link_indicator(
    access: Access,
    record: Epic | Story,
    relation: str,
    indicator: Indicator,
    kind: IndicatorKind,
    wrong_kind: str,
) -> None:
    """Add ``indicator`` to ``record``'s ``relation`` (its lagging or leading indicators), with a
    "linked" event and the feedback loop queued; a link that exists stays as it is."""
    access.require("write")
    same_org_indicator(access, indicator)
    if indicator.kind != kind:
        raise Invalid(wrong_kind, fields={"indicator": f"Choose a {kind.label.lower()} indicator."})
    linked = getattr(record, relation)
    if linked.filter(pk=indicator.pk).exists():
        return
    linked.add(indicator)
    record_action(
        access, "linked", record, {relation: {"added": indicator.pk, "name": indicator.name}}
    )
    schedule_feedback(access.organization)


def unlink_indicator(
    access: Access, record: Epic | Story, relation: str, indicator: Indicator, what: str
) -> None:
    """Remove ``indicator`` from ``record``'s ``relation`` (it and its readings stay), with an
    "unlinked" event; one that is not linked is a 404 naming the field."""
    access.require("write")
    same_org_indicator(access, indicator)
    linked = getattr(record, relation)
    if not linked.filter(pk=indicator.pk).exists():
        raise NotFound(
            f"“{indicator.name}” is not {what} of “{record.title}”.",
            fields={"indicator": "Not linked."},
        )
    linked.remove(indicator)
    record_action(
        access, "unlinked", record, {relation: {"removed": indicator.pk, "name": indicator.name}}
    )
    schedule_feedback(access.organization)


def placed_rank(
    access: Access, epic: Epic, state: str, before_id: int | None, after_id: int | None
) -> str:
    """A rank between the cards that will sit just above (``before_id``) and just below
    (``after_id``) the epic in column ``state``; either may be None (top or bottom)."""
    wanted = {name: pk for name, pk in (("before_id", before_id), ("after_id", after_id)) if pk}
    column = (
        Epic.objects.filter(organization=access.organization, state=state)
        .exclude(pk=epic.pk)
        .order_by("rank")
        .values("rank")
    )
    found = {
        neighbour.pk: neighbour
        for neighbour in Epic.objects.filter(
            organization=access.organization, pk__in=list(wanted.values())
        )
        .only("pk", "rank", "state", "title")
        .annotate(
            next_rank=Subquery(column.filter(rank__gt=OuterRef("rank"))[:1]),
            first_rank=Subquery(column[:1]),
        )
    }
    for name, pk in wanted.items():
        if pk == epic.pk:
            raise Invalid("An epic cannot be placed next to itself.", fields={name: "Itself."})
        if pk not in found:
            raise NotFound(
                f"No epic with id {pk} in this organization.", fields={name: "Not found."}
            )
        if found[pk].state != state:
            raise Conflict(
                f"“{found[pk].title}” is no longer in {rules.STATE_LABELS[state]}; reload the "
                "board and place the card again.",
                code="stale_position",
                fields={name: "Not in the target column."},
            )
    low = found[before_id] if before_id else None
    high = found[after_id] if after_id else None
    if low is not None and high is not None and (low.rank, low.pk) >= (high.rank, high.pk):
        raise Conflict(
            "The neighbours you placed the card between are in the other order now; reload "
            "the board and place it again.",
            code="stale_position",
            fields={"before_id": "Below after_id.", "after_id": "Above before_id."},
        )
    if low is not None and high is not None and low.rank == high.rank:
        # Equal ranks (ordered by id) leave no key between them without renumbering one.
        raise Conflict(
            "These two cards share a rank; reset one of them to WSJF order, then place the "
            "card again.",
            code="stale_position",
        )
    # The first card of the column below ``before_id`` (or the column's first card, at the
    # top) bounds the key too: on the board as seen, nothing sits between the neighbours and
    # it is ``after_id``; where a card sits there now (dropped into the same gap at the same
    # moment, through another server; or hidden by the board's filters) the card goes just
    # below ``before_id``, above it, and never takes its rank.
    following = low.next_rank if low is not None else high.first_rank if high else None
    bounds = [rank for rank in (following, high.rank if high else None) if rank is not None]
    return key_between(low.rank if low else None, min(bounds) if bounds else None)


def column_locked(epics: QuerySet[Epic], organization: Organization, state: str) -> QuerySet[Epic]:
    """``epics`` that also take, on PostgreSQL, a lock on one board column until the
    transaction ends (an advisory lock, in the same query): placements in one column then
    run one at a time, so each reads where the one before put its card. It is taken with
    the moving epic's row lock, before any other lock of the move, so it adds no deadlock.
    SQLite's write transactions run one at a time already."""
    if connection.vendor != "postgresql":
        return epics
    column = zlib.crc32(f"{organization.pk}:{state}".encode()) - 2**31
    lock = RawSQL("pg_advisory_xact_lock(%s, %s)", [COLUMN_LOCK, column])
    return epics.annotate(column_lock=ExpressionWrapper(lock, output_field=models.TextField()))


@transaction.atomic
def move_epic(
    access: Access,
    epic: Epic,
    *,
    state: str,
    before_id: int | None = None,
    after_id: int | None = None,
    version: int | None = None,
    close_reason: str = "",
    close_note: str = "",
) -> Epic:
    """Move an epic to ``state`` and/or between two cards of that column.

    Refused → ``Conflict(code="move_refused")`` whose ``fields`` name every unmet rule;
    nothing changes. Staying in the same column with neighbours is a re-rank by hand.
    ``version`` is the one the caller read: the API and the pages always send it, so a stale
    one is refused (StaleVersion) before anything changes; None is for callers that hold the
    row they just read (the demo loader, answering a recommendation).
    """
    access.require("write")
    # The row lock serialises two moves of the same card; the WIP limit row's lock (below)
    # serialises moves into a limited column, so two cards cannot both take its last place.
    locking = Epic.objects.select_for_update()
    if before_id or after_id:
        locking = column_locked(locking, access.organization, state)
    current = locking.get(pk=epic.pk)
    check_version(current, version)
    was = current.state
    if state != was:
        # A re-rank within a column meets no entry rule, so only a change of column reads
        # the facts the rules need.
        WipLimit.objects.select_for_update().filter(
            organization=access.organization, state=state
        ).first()
        facts = epic_facts(
            current, target_state=state, close_reason=close_reason, close_note=close_note
        )
        unmet = rules.unmet_rules(facts, state)
        if unmet:
            raise Conflict(rules.refusal_message(state, unmet), code="move_refused", fields=unmet)
    changes: dict[str, Any] = {"state": state}
    if before_id or after_id:
        changes["rank"] = placed_rank(access, current, state, before_id, after_id)
        changes["rank_is_manual"] = True
    if state == EpicState.CLOSED and current.state != EpicState.CLOSED:
        changes["close_reason"] = close_reason
        changes["close_note"] = close_note
    moved = change_record(access, current, version=current.version, changes=changes, verb="moved")
    if state != was:
        # A re-rank within a column changes no number of the loop.
        schedule_feedback(access.organization)
    return moved


@transaction.atomic
def reset_rank(access: Access, epic: Epic, *, version: int | None = None) -> Epic:
    """Back to WSJF order: the manual placement is forgotten. ``version`` is the one the
    caller read (the API and the pages always send it; None: a caller holding the row)."""
    access.require("write")
    check_version(epic, version)
    return change_record(
        access,
        epic,
        version=epic.version,
        changes={"rank": wsjf_rank(epic), "rank_is_manual": False},
        verb="moved",
    )


# Stories ---------------------------------------------------------------------------------


def story_references(access: Access, fields: dict[str, Any]) -> dict[str, Any]:
    """Resolve team and sprint; a sprint brings its team, and a story cannot sit in a sprint
    of another team."""
    resolved = resolve_in_org(access, fields, {"team": Team, "sprint": Sprint})
    sprint = resolved.get("sprint")
    if sprint is not None:
        team = resolved.get("team")
        if "team" not in resolved or team is None:
            resolved["team"] = sprint.team
        elif team.pk != sprint.team_id:
            raise Invalid(
                f"{sprint.name} is a sprint of another team.",
                fields={"sprint": "Choose a sprint of the story's team."},
            )
    return resolved


def next_story_rank(epic: Epic) -> str:
    """The rank after the epic's last story. The epic's row lock serialises two stories added
    to one epic at once (two servers, PostgreSQL), so each gets its own rank; SQLite's
    IMMEDIATE transactions already admit one writer."""
    Epic.objects.select_for_update().filter(pk=epic.pk).values_list("pk", flat=True).first()
    last = (
        Story.objects.filter(epic=epic).order_by("-rank", "-id").values_list("rank", flat=True)
    ).first()
    return key_between(last, None)


@transaction.atomic
def create_story(
    access: Access,
    epic: Epic,
    *,
    title: str,
    description: str = "",
    acceptance_criteria: str = "",
    estimate: int | None = None,
    team: Team | int | None = None,
    sprint: Sprint | int | None = None,
) -> Story:
    """A story at the bottom of the epic's list."""
    access.require("write")
    if epic.organization_id != access.organization.pk:
        raise NotFound(f"No epic with id {epic.pk} in this organization.")
    references = story_references(access, {"team": team, "sprint": sprint})
    story = add_record(
        access,
        Story(
            organization=access.organization,
            epic=epic,
            title=title,
            description=description,
            acceptance_criteria=acceptance_criteria,
            estimate=estimate,
            rank=next_story_rank(epic),
            **references,
        ),
    )
    schedule_feedback(access.organization)
    return story


@transaction.atomic
def update_story(access: Access, story: Story, /, *, version: int, **changes: Any) -> Story:
    access.require("write")
    refuse_unknown(changes, STORY_FIELDS)
    check_version(story, version)
    if "sprint" in changes and "team" not in changes and changes["sprint"] is not None:
        changes["team"] = story.team_id
    resolved = story_references(access, changes)
    for name in ("team", "sprint"):
        if name in resolved:
            resolved[name] = resolved[name].pk if resolved[name] is not None else None
    story = change_record(access, story, version=version, changes=resolved)
    schedule_feedback(access.organization)
    return story


@transaction.atomic
def move_story(access: Access, story: Story, *, state: str, version: int | None = None) -> Story:
    """A story moves freely between todo, doing and done; a stale ``version`` is refused
    (None: a caller holding the row, such as the demo loader)."""
    access.require("write")
    check_version(story, version)
    if state not in StoryState.values:
        raise Invalid(
            f"A story is todo, doing or done, not {state!r}.", fields={"state": "Unknown state."}
        )
    story = change_record(
        access, story, version=story.version, changes={"state": state}, verb="moved"
    )
    schedule_feedback(access.organization)
    return story


@transaction.atomic
def delete_story(access: Access, story: Story) -> None:
    access.require("write")
    remove_record(access, story)
    schedule_feedback(access.organization)


@transaction.atomic
def add_leading_indicator(access: Access, story: Story, **indicator_fields: Any) -> Indicator:
    """A new leading indicator: the early sign that the story is on the right track."""
    access.require("write")
    indicator_fields.pop("kind", None)
    indicator = measures.create_indicator(access, kind=IndicatorKind.LEADING, **indicator_fields)
    story.leading_indicators.add(indicator)
    record_action(
        access,
        "linked",
        story,
        {"leading_indicators": {"added": indicator.pk, "name": indicator.name}},
    )
    schedule_feedback(access.organization)
    return indicator


@transaction.atomic
def link_leading_indicator(access: Access, story: Story, indicator: Indicator) -> None:
    """Watch the story with an existing leading indicator (another story's, a key result's);
    linking one twice changes nothing."""
    link_indicator(
        access,
        story,
        "leading_indicators",
        indicator,
        IndicatorKind.LEADING,
        f"“{indicator.name}” is a lagging indicator; a story is watched with leading ones.",
    )


@transaction.atomic
def unlink_leading_indicator(access: Access, story: Story, indicator: Indicator) -> None:
    """Stop watching the story with the indicator (the indicator and its readings stay)."""
    unlink_indicator(access, story, "leading_indicators", indicator, "a leading indicator")


# Sprints ---------------------------------------------------------------------------------


@transaction.atomic
def create_sprint(
    access: Access,
    *,
    team: Team | int,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
) -> Sprint:
    access.require("write")
    owner = in_org(access, Team, team, "team")
    return add_record(
        access,
        Sprint(
            organization=access.organization,
            team=owner,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
        ),
    )


@transaction.atomic
def update_sprint(access: Access, sprint: Sprint, /, *, version: int, **changes: Any) -> Sprint:
    access.require("write")
    refuse_unknown(changes, SPRINT_FIELDS)
    check_version(sprint, version)
    if "team" in changes:
        team = in_org(access, Team, changes["team"], "team")
        if team is None:
            raise Invalid("A sprint belongs to a team.", fields={"team": "Required."})
        changes["team"] = team.pk
    return change_record(access, sprint, version=version, changes=changes)


def delete_sprint(access: Access, sprint: Sprint) -> None:
    """The sprint's stories stay, back in no sprint."""
    delete_record(access, sprint)


# WIP limits ------------------------------------------------------------------------------


@transaction.atomic
def set_wip_limit(access: Access, *, state: str, limit: int | None) -> WipLimit | None:
    """The most epics column ``state`` may hold; None removes the limit."""
    access.require("manage")
    if state not in EpicState.values:
        raise Invalid(f"There is no column named {state!r}.", fields={"state": "Unknown column."})
    if limit is not None and limit < 1:
        raise Invalid("A limit is at least 1.", fields={"limit": "At least 1, or none."})
    existing = WipLimit.objects.filter(organization=access.organization, state=state).first()
    if limit is None:
        if existing is not None:
            remove_record(access, existing)
        return None
    if existing is None:
        return add_record(
            access, WipLimit(organization=access.organization, state=state, limit=limit)
        )
    return change_record(access, existing, version=existing.version, changes={"limit": limit})


# The feedback loop -----------------------------------------------------------------------


def system_event(organization: Organization, verb: str, record: Any, changes: dict) -> Event:
    """An audit event written by the feedback loop itself (no person acted)."""
    return Event(
        organization=organization,
        actor=None,
        actor_name="feedback loop",
        verb=verb,
        object_type=object_type(record),
        object_id=str(record.pk),
        object_repr=str(record)[:300],
        changes=jsonable(changes),
    )


@transaction.atomic
def recompute_feedback(organization: Organization) -> dict[str, int]:
    """Open the recommendations that hold, refresh the numbers of open ones, withdraw the rest.

    A constant number of queries whatever the number of epics: the computation is batched
    (northline.portfolio.feedback), and the writes are one bulk statement per kind of change.
    An answer is respected: the same situation (same candidate, same indicators) is not
    recommended again for the epic (after "keep" it goes on; after close or pivot it is
    closing within the same transaction).
    """
    result = feedback.compute(organization)
    holding = {(finding.epic.pk, finding.kind): finding for finding in result.findings}
    open_now = list(
        Recommendation.objects.filter(
            organization=organization, status=RecommendationStatus.OPEN
        ).select_related("epic")
    )
    answered: dict[tuple[int, str], str] = {}
    for epic_id, kind, details in (
        Recommendation.objects.filter(
            organization=organization,
            status=RecommendationStatus.ANSWERED,
            epic_id__in=[epic_id for epic_id, _ in holding],
        )
        .order_by("answered_at", "id")
        .values_list("epic_id", "kind", "details")
    ):
        answered[(epic_id, kind)] = (details or {}).get("key", "")

    now = timezone.now()
    events: list[Event] = []
    withdrawn = [rec for rec in open_now if (rec.epic_id, rec.kind) not in holding]
    refreshed: list[Recommendation] = []
    for rec in open_now:
        finding = holding.get((rec.epic_id, rec.kind))
        if finding is None:
            continue
        details = {**finding.details, "key": finding.key}
        candidate_id = finding.candidate.pk if finding.candidate else None
        if (rec.message, rec.details, rec.candidate_id) != (finding.message, details, candidate_id):
            events.append(
                system_event(
                    organization, "updated", rec, {"message": [rec.message, finding.message]}
                )
            )
            rec.message, rec.details, rec.candidate_id = finding.message, details, candidate_id
            rec.version += 1
            rec.updated_at = now
            refreshed.append(rec)
    already = {(rec.epic_id, rec.kind) for rec in open_now}
    opened = [
        Recommendation(
            organization=organization,
            epic=finding.epic,
            kind=finding.kind,
            message=finding.message,
            details={**finding.details, "key": finding.key},
            candidate=finding.candidate,
        )
        for (epic_id, kind), finding in holding.items()
        if (epic_id, kind) not in already and answered.get((epic_id, kind)) != finding.key
    ]
    if withdrawn:
        Recommendation.objects.filter(pk__in=[rec.pk for rec in withdrawn]).update(
            status=RecommendationStatus.WITHDRAWN, version=F("version") + 1, updated_at=now
        )
        events.extend(
            system_event(organization, "withdrawn", rec, {"status": ["open", "withdrawn"]})
            for rec in withdrawn
        )
    if refreshed:
        Recommendation.objects.bulk_update(
            refreshed, ["message", "details", "candidate", "version", "updated_at"]
        )
    if opened:
        Recommendation.objects.bulk_create(opened)
        events.extend(system_event(organization, "created", rec, snapshot(rec)) for rec in opened)
    if events:
        Event.objects.bulk_create(events)
    return {"opened": len(opened), "updated": len(refreshed), "withdrawn": len(withdrawn)}


@task()
def recompute_feedback_task(organization_id: int) -> dict[str, int]:
    """:func:`recompute_feedback` as background work, run by `northline worker` (inline in
    tests). Declared here, next to the work it runs, so that enqueueing it needs no import of
    northline.portfolio.tasks, which imports this module (no import cycle, DESIGN §5)."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:  # deleted since the task was enqueued
        return {"opened": 0, "updated": 0, "withdrawn": 0}
    return recompute_feedback(organization)


DEFAULT_CLOSE_REASON = {
    RecommendationKind.CLOSE_LOWER_RETURN: CloseReason.LOWER_RETURN,
    RecommendationKind.PIVOT_OUTCOME_NOT_MOVING: CloseReason.OUTCOME_NOT_ACHIEVED,
}


@transaction.atomic
def answer_recommendation(
    access: Access,
    recommendation: Recommendation,
    *,
    answer: str,
    note: str = "",
    close_reason: str = "",
    pivot_title: str = "",
) -> Decision:
    """Answer an open recommendation and write the answer to the decision log.

    * keep: the epic goes on (a note says why);
    * close: the epic closes through the board's rules (a reason and a note);
    * pivot: a new epic in the funnel, linked to the old one and carrying its business case,
      takes over; the old one closes with the reason "pivoted".
    """
    access.require("write")
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of select_related's joins.
    rec = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("epic", "candidate")
        .get(pk=recommendation.pk, organization=access.organization)
    )
    if rec.status != RecommendationStatus.OPEN:
        raise Conflict(
            f"This recommendation is {rec.get_status_display().lower()} already.",
            code="recommendation_closed",
        )
    if answer not in Answer.values:
        raise Invalid(
            f"Answer keep, close or pivot, not {answer!r}.", fields={"answer": "Unknown answer."}
        )
    epic = rec.epic
    if answer == Answer.KEEP and not note.strip():
        raise Invalid(
            "Keeping the epic needs a note saying why.", fields={"note": "Say why it goes on."}
        )
    # Mark it answered first: closing the epic recomputes the loop, which withdraws what is
    # still open on a closed epic.
    change_record(
        access,
        rec,
        version=rec.version,
        changes={"status": RecommendationStatus.ANSWERED, "answer": answer, "answer_note": note},
        verb="answered",
    )
    links: list[Any] = [epic]
    if answer == Answer.KEEP:
        title = f"Keep “{epic.title}” going"
        decided = note
    elif answer == Answer.CLOSE:
        reason = close_reason or DEFAULT_CLOSE_REASON[RecommendationKind(rec.kind)]
        move_epic(access, epic, state=EpicState.CLOSED, close_reason=reason, close_note=note)
        title = f"Close “{epic.title}”"
        decided = f"Closed ({CloseReason(reason).label.lower()}). {note}".strip()
        if rec.candidate is not None:
            links.append(rec.candidate)
    else:
        new_epic = pivot_epic(access, epic, title=pivot_title or f"{epic.title} (pivot)")
        move_epic(
            access,
            epic,
            state=EpicState.CLOSED,
            close_reason=CloseReason.PIVOTED,
            close_note=note or f"Pivoted to “{new_epic.title}”.",
        )
        title = f"Pivot “{epic.title}” to “{new_epic.title}”"
        decided = f"A new epic, “{new_epic.title}”, takes over in the funnel. {note}".strip()
        links.append(new_epic)
    decision = log_decision(
        access,
        title=title[:200],
        topic=DecisionTopic.PORTFOLIO,
        status=DecisionStatus.ACCEPTED,
        context=rec.message,
        decision=decided,
        made_by_person=Person.objects.filter(
            organization=access.organization, user_id=access.user.pk
        ).first(),
        links=links,
    )
    Recommendation.objects.filter(pk=rec.pk).update(
        answered_by=access.user, answered_at=timezone.now(), decision=decision
    )
    return decision


def pivot_epic(access: Access, epic: Epic, *, title: str) -> Epic:
    """A new funnel epic carrying the old one's business case, linked back to it."""
    new_epic = create_epic(
        access,
        title=title,
        description=epic.description,
        value_stream=epic.value_stream_id,
        theme=epic.theme_id,
        owner=epic.owner_id,
        team=epic.team_id,
        what=epic.what,
        why=epic.why,
        hypothesis=epic.hypothesis,
        business_value=epic.business_value,
        time_criticality=epic.time_criticality,
        risk_reduction=epic.risk_reduction,
        job_size=epic.job_size,
        target_date=epic.target_date,
        key_results=list(epic.key_results.values_list("pk", flat=True)),
    )
    Epic.objects.filter(pk=new_epic.pk).update(pivoted_from=epic)
    new_epic.pivoted_from = epic
    record_action(access, "updated", new_epic, {"pivoted_from": [None, epic.pk]})
    for indicator in epic.lagging_indicators.all():
        link_lagging_indicator(access, new_epic, indicator)
    return new_epic
