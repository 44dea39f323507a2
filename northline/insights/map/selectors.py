"""The alignment map (DESIGN §2.8): mission → themes → objectives (cascade) → key results ← epics
← stories, with the coalition bodies that own each theme, health colours, orphan work and
unsupported objectives.

The map is drawn from :func:`northline.insights.alignment.load`, which reads the whole graph in
a fixed number of queries, and keeps its rules (what traces, what drives, what is orphan work).
This module only decides where each record hangs:

* the mission is the root; under it the themes (active first, then by name), then the groups
  "Objectives serving no theme", "Work serving objectives outside this view" and "Work that
  traces to nothing", each only when something is in it;
* under a theme, the top-level objectives that serve it: objectives in scope whose parent is
  none or outside the view. An objective without a theme of its own serves its nearest
  ancestor's theme. Then the epics that serve the theme directly and drive no key result on
  the map;
* under an objective, its key results, then its child objectives in scope;
* under a key result, every epic that drives it (whichever team's); a key result driven by
  nobody says so;
* under an epic, its stories (in a team's view, that team's stories), a page at a time;
* an epic whose active work traces only to key results outside the view (another period,
  another team's objective) hangs under those key results in "outside this view";
* "Work that traces to nothing" lists ``alignment.orphan_epics()``. An epic with no active work,
  no key result and no theme is not work yet and is not drawn.

Health: a key result's is its indicator's (pace and not moving); an objective's is the goals
cascade's progress and pace (:func:`northline.goals.selectors.cascade`, one per period drawn);
a theme's and an epic's are the worst of their indicators' (not moving if any is).

Stories are not loaded with the map: a branch reads one epic's stories a page at a time, and
an export reads every story of the map in one query.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from northline.goals.access import access_period
from northline.goals.models import KeyResult, ObjectiveStatus, Period
from northline.goals.selectors import current_period, roll_up
from northline.insights.alignment import Alignment, ObjectiveRow, load, load_part
from northline.lib.errors import Invalid, NotFound
from northline.lib.memory import bulk_read
from northline.measures.rules import Health, Pace, expected_progress, pace
from northline.orgs.access import Access, access_team
from northline.orgs.models import Team
from northline.orgs.pages import RecordUrls
from northline.portfolio.models import Epic, EpicState, Story, StoryState
from northline.strategy.models import ThemeStatus

PAGE_SIZE = 50  # children per branch request, and per list on the page

NodeKind = Literal["mission", "theme", "group", "objective", "key_result", "epic", "story", "body"]
# How a child hangs from its parent in the tree. In an export every edge points the way the
# arrows of DESIGN §2.8 point: mission → theme → objective → key result ← epic ← story.
EdgeKind = Literal["contains", "cascade", "key_result", "drives", "serves", "story", "owns"]
Flag = Literal["orphan", "unsupported", "undriven", "no_active_work", "outside_view", "no_mission"]

KIND_LABELS: dict[str, str] = {
    "mission": "Mission",
    "theme": "Theme",
    "group": "Group",
    "objective": "Objective",
    "key_result": "Key result",
    "epic": "Epic",
    "story": "Story",
    "body": "Coalition body",
}
PLURALS: dict[str, tuple[str, str]] = {
    "theme": ("theme", "themes"),
    "group": ("group", "groups"),
    "objective": ("objective", "objectives"),
    "key_result": ("key result", "key results"),
    "epic": ("epic", "epics"),
    "story": ("story", "stories"),
}
GROUP_LABELS: dict[str, str] = {
    "no-theme": "Objectives serving no theme",
    "outside": "Work serving objectives outside this view",
    "orphans": "Work that traces to nothing",
}
FLAG_WORDS: dict[str, str] = {
    "orphan": "orphan work: traces to nothing",
    "unsupported": "unsupported: no active work drives it",
    "undriven": "not driven: no epic with active work drives it",
    "no_active_work": "no stories in To do or Doing",
    "outside_view": "outside this view",
    "no_mission": "no mission yet",
}
STALLED_WORD = "not moving"
IN_PROGRESS = (EpicState.TODO, EpicState.DOING)
# Edges drawn from the child to its parent in an export (the child drives or serves it).
UPWARD_EDGES = {"drives", "serves", "story"}
# A branch page opened without JavaScript renders at most this many nodes expanded; the rest
# stay collapsed behind their own links, so one request stays fast on any organization.
FOCUS_BUDGET = 400

Rolled = tuple[float, bool]  # an objective's progress, and whether any reading stands behind it
STORY_FIELDS = ("id", "title", "state", "estimate", "team__name")


# Filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFilters:
    """Whose map, over which period: ``period`` None is every period."""

    team: Team | None = None
    period: Period | None = None

    def query(self) -> dict[str, str]:
        """The filters as URL parameters that resolve back to themselves."""
        return {
            "team": str(self.team.pk) if self.team is not None else "",
            "period": str(self.period.pk) if self.period is not None else "all",
        }


def whole_number(value: object, name: str, what: str) -> int | None:
    """A record id from a request: blank → None; anything but digits is refused, naming it."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    raise Invalid(
        f"The {name} filter must be a {what} id (a whole number); {text!r} is not one.",
        fields={name: f"Choose a {what} from the list."},
    )


def resolve_filters(
    access: Access,
    *,
    team: object = None,
    period: object = None,
    today: dt.date | None = None,
) -> MapFilters:
    """``team``: a team id or blank (every team). ``period``: a period id, ``all``, or blank
    for the current period. Another organization's team or period is not found (404)."""
    team_id = whole_number(team, "team", "team")
    record_team = access_team(access, team_id) if team_id is not None else None
    if isinstance(period, str) and period.strip().lower() == "all":
        return MapFilters(team=record_team, period=None)
    period_id = whole_number(period, "period", "period")
    if period_id is not None:
        record_period: Period | None = access_period(access, period_id)
    else:
        record_period = current_period(access, today)
    return MapFilters(team=record_team, period=record_period)


def parse_node_id(value: str | None) -> tuple[str, str]:
    """``objective:12`` → ("objective", "12"); ``mission`` → ("mission", "")."""
    text = (value or "mission").strip()
    kind, _, key = text.partition(":")
    if kind == "mission" and not key:
        return kind, ""
    if kind == "group" and key in GROUP_LABELS:
        return kind, key
    if kind in ("theme", "objective", "key_result", "epic") and key.isdigit():
        return kind, key
    raise Invalid(
        f"The node {text!r} is not a node of the map: use mission, theme:<id>, objective:<id>, "
        "key_result:<id>, epic:<id> or group:no-theme, group:outside, group:orphans.",
        fields={"node": "Not a node id."},
    )


# Nodes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeHealth:
    """A measure's pace and whether it is moving, in the words every page uses."""

    pace: Pace | None  # None: nothing measures it
    stalled: bool = False
    progress: float | None = None

    @property
    def word(self) -> str:
        return self.pace.label.lower() if self.pace is not None else "no indicators"

    @property
    def css(self) -> str:
        return f"health-{self.pace}" if self.pace is not None else "health-none"

    @property
    def percent(self) -> int | None:
        return round(self.progress * 100) if self.progress is not None else None

    @classmethod
    def of(cls, health: Health) -> NodeHealth:
        return cls(pace=health.pace, stalled=health.stalled, progress=health.progress)

    @classmethod
    def worst(cls, healths: Iterable[Health]) -> NodeHealth | None:
        """The worst pace among several measures; not moving if any of them is not."""
        judged = list(healths)
        if not judged:
            return None
        worst = min(judged, key=lambda health: (health.pace.severity, health.progress))
        return cls(
            pace=worst.pace,
            stalled=any(health.stalled for health in judged),
            progress=worst.progress,
        )


@dataclass(frozen=True)
class BodyLabel:
    """A coalition body that owns a theme, as a small label on it."""

    id: int
    name: str
    url: str


@dataclass
class Node:
    """One box of the map."""

    id: str
    kind: NodeKind
    label: str
    record_id: int | None = None
    url: str = ""
    health: NodeHealth | None = None
    flags: list[Flag] = field(default_factory=list)
    status: str = ""  # the record's status or state, in words
    team: str = ""  # the owning team's name; "Organization" for an organization objective
    note: str = ""
    bodies: list[BodyLabel] = field(default_factory=list)
    stories: int | None = None  # epics: their stories in this view
    active_points: int | None = None  # epics: points in To do or Doing in this view
    estimate: int | None = None  # stories

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def flag_words(self) -> list[tuple[str, str]]:
        return [(flag, FLAG_WORDS[flag]) for flag in self.flags]


@dataclass(frozen=True)
class Child:
    """A node as it hangs under its parent."""

    node: Node
    edge: EdgeKind


@dataclass(frozen=True)
class Edge:
    """An export's edge, pointing the way DESIGN §2.8 draws it."""

    source: str
    target: str
    kind: EdgeKind


def objective_order(objective: ObjectiveRow) -> tuple[bool, str, str, int]:
    """As the goals cascade lists them: organization objectives first, then by team, title."""
    team_name = objective.team.name if objective.team is not None else ""
    return (objective.team_id is not None, team_name, objective.title, objective.pk)


def count_words(kinds: Counter[str]) -> str:
    """Counter({"key_result": 2, "objective": 1}) → "2 key results · 1 objective"."""
    parts = []
    for kind in ("theme", "group", "key_result", "objective", "epic", "story"):
        number = kinds.get(kind, 0)
        if number:
            one, many = PLURALS[kind]
            parts.append(f"{number} {one if number == 1 else many}")
    return " · ".join(parts)


# The map -----------------------------------------------------------------------------------


class Nodes(Mapping[str, Node]):
    """The map's nodes by id, each built the first time it is read. The tree is hung from ids
    alone; a page draws two levels of a graph of thousands of records, and building a node
    (its health, flags, URL, labels) is what costs, so only the nodes a request reads are
    built. The first declaration of an id wins, as with ``dict.setdefault``."""

    def __init__(self) -> None:
        self._makers: dict[str, tuple[Callable[[Any], Node], Any]] = {}
        self._made: dict[str, Node] = {}

    def declare(self, node_id: str, make: Callable[[Any], Node], record: Any) -> None:
        """``make(record)`` builds the node ``node_id`` when it is first read."""
        self._makers.setdefault(node_id, (make, record))

    def add(self, node: Node) -> Node:
        if node.id not in self._makers:
            self._makers[node.id] = (lambda made: made, node)
        return self[node.id]

    def __getitem__(self, node_id: str) -> Node:
        node = self._made.get(node_id)
        if node is None:
            make, record = self._makers[node_id]
            node = self._made[node_id] = make(record)
        return node

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._makers

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


def kind_of(node_id: str) -> str:
    """``"key_result:12"`` → ``"key_result"``."""
    return node_id.partition(":")[0]


@dataclass(frozen=True)
class Counts:
    """The figures at the top of the map."""

    themes: int
    objectives: int
    key_results: int
    epics: int
    orphan_epics: int
    unsupported_objectives: int


class AlignmentMap:
    """The tree of one organization's map under the given filters, stories aside."""

    def __init__(
        self,
        access: Access,
        filters: MapFilters,
        alignment: Alignment,
        story_counts: dict[int, int],
    ) -> None:
        self.access = access
        self.filters = filters
        self.alignment = alignment
        self.story_counts = story_counts
        self.urls = RecordUrls(access.organization.slug)
        self.nodes = Nodes()
        self.tree: dict[str, list[tuple[str, EdgeKind]]] = defaultdict(list)
        self._hung: dict[str, set[tuple[str, EdgeKind]]] = defaultdict(set)
        self.orphan_ids = [epic.pk for epic in alignment.orphan_epics()]
        self.unsupported_ids = [o.pk for o in alignment.unsupported_objectives()]
        self._orphans = set(self.orphan_ids)
        self._unsupported = set(self.unsupported_ids)
        self._notes: dict[str, str] = {}  # objective node id → why it hangs at the top
        self._context: set[str] = set()  # key results drawn only as context (outside the view)
        self._progress: dict[int, Rolled] = {}
        self._build()

    # Building ------------------------------------------------------------------------------

    def _add(self, node: Node) -> Node:
        return self.nodes.add(node)

    def _hang(self, parent: str, child: str, edge: EdgeKind) -> None:
        pair = (child, edge)
        hung = self._hung[parent]
        if pair not in hung:
            hung.add(pair)
            self.tree[parent].append(pair)

    def _add_epic(self, epic: Epic) -> None:
        self.nodes.declare(f"epic:{epic.pk}", self._epic_node, epic)

    def _build(self) -> None:
        alignment = self.alignment
        self.root = self._add(self._mission_node())
        for theme in sorted(
            alignment.themes.values(),
            key=lambda theme: (theme.status != ThemeStatus.ACTIVE, theme.name, theme.pk),
        ):
            node = Node(
                id=f"theme:{theme.pk}",
                kind="theme",
                label=theme.name,
                record_id=theme.pk,
                url=self.urls("strategy.theme", theme.pk),
                status=theme.get_status_display(),
                health=NodeHealth.worst(
                    alignment.indicator_health[indicator.pk]
                    for indicator in alignment.theme_indicators.get(theme.pk, ())
                ),
                bodies=[
                    BodyLabel(body.pk, body.name, self.urls("strategy.coalitionbody", body.pk))
                    for body in alignment.bodies_by_theme.get(theme.pk, ())
                ],
            )
            self._add(node)
            self._hang(self.root.id, node.id, "contains")

        shown = sorted(
            (o for o in alignment.objectives.values() if alignment.objective_in_scope(o)),
            key=objective_order,
        )
        shown_ids = {objective.pk for objective in shown}
        for objective in shown:
            self.nodes.declare(f"objective:{objective.pk}", self._objective_node, objective)
            for kr_id in alignment.key_results_of.get(objective.pk, ()):
                self.nodes.declare(f"key_result:{kr_id}", self._key_result_node, kr_id)
                self._hang(f"objective:{objective.pk}", f"key_result:{kr_id}", "key_result")
        reached: set[int] = set()
        top_level = [o for o in shown if o.parent_id is None or o.parent_id not in shown_ids]
        for objective in top_level:
            self._hang_top_level(objective)
            self._hang_children(objective, shown_ids, reached)
        # An objective reached from no top-level one sits in a cycle the services refuse but a
        # database could hold: draw it at the top rather than lose it.
        for objective in shown:
            if objective.pk not in reached:
                self._hang_top_level(objective)
                self._hang_children(objective, shown_ids, reached)

        placed = self._hang_epics()
        self._hang_outside(placed)
        for epic_id in self.orphan_ids:
            self._add_epic(alignment.epics[epic_id])
            self._hang("group:orphans", f"epic:{epic_id}", "contains")
        for key in GROUP_LABELS:
            group_id = f"group:{key}"
            if self.tree.get(group_id):
                self._add(Node(id=group_id, kind="group", label=GROUP_LABELS[key]))
                self._hang(self.root.id, group_id, "contains")

    def _mission_node(self) -> Node:
        identity = self.alignment.identity
        url = reverse("strategy_identity", args=[self.access.organization.slug])
        if identity is None:
            return Node(
                id="mission",
                kind="mission",
                label="No mission yet",
                url=url,
                flags=["no_mission"],
                note="State the mission in Strategy → Identity.",
            )
        return Node(id="mission", kind="mission", label=identity.mission, url=url)

    def _objective_node(self, objective: ObjectiveRow) -> Node:
        node = Node(
            id=f"objective:{objective.pk}",
            kind="objective",
            label=objective.title,
            record_id=objective.pk,
            url=self.urls("goals.objective", objective.pk),
            team=objective.team.name if objective.team is not None else "Organization",
            status=(
                objective.get_status_display() if objective.status != ObjectiveStatus.ACTIVE else ""
            ),
            note=self._notes.get(f"objective:{objective.pk}", ""),
        )
        if objective.pk in self._unsupported:
            node.flags.append("unsupported")
        return node

    def _key_result_node(self, kr_id: int) -> Node:
        alignment = self.alignment
        outside = f"key_result:{kr_id}" in self._context
        result = alignment.key_results[kr_id]
        objective = alignment.objectives.get(result.objective_id)
        node = Node(
            id=f"key_result:{kr_id}",
            kind="key_result",
            label=result.title,
            record_id=kr_id,
            url=self.urls("goals.keyresult", kr_id),
            health=NodeHealth.of(alignment.kr_health[kr_id]),
        )
        active = objective is not None and objective.status == ObjectiveStatus.ACTIVE
        if active and not alignment.kr_driven(kr_id):
            node.flags.append("undriven")
        if outside and objective is not None:
            node.flags.append("outside_view")
            owner = objective.team.name if objective.team is not None else "Organization"
            node.note = f"of “{objective.title}” ({owner}, {objective.period.name})"
        return node

    def _epic_node(self, epic: Epic) -> Node:
        alignment = self.alignment
        work = alignment.active_points(epic.pk)
        node = Node(
            id=f"epic:{epic.pk}",
            kind="epic",
            label=epic.title,
            record_id=epic.pk,
            url=self.urls("portfolio.epic", epic.pk),
            status=epic.get_state_display(),
            team=epic.team.name if epic.team is not None else "",
            health=NodeHealth.worst(
                alignment.indicator_health[indicator.pk]
                for indicator in alignment.epic_indicators.get(epic.pk, ())
            ),
            stories=self.story_counts.get(epic.pk, 0),
            active_points=work.points,
        )
        if epic.pk in self._orphans:
            node.flags.append("orphan")
        # An epic in the funnel has not started and a done one has finished: only an epic in
        # To do or Doing is expected to hold active work.
        if epic.state in IN_PROGRESS and not alignment.has_active_work(epic.pk):
            node.flags.append("no_active_work")
        return node

    def served_theme(self, objective: ObjectiveRow) -> int | None:
        """The objective's theme, else its nearest ancestor's."""
        objectives = self.alignment.objectives
        seen: set[int] = set()
        current: ObjectiveRow | None = objective
        while current is not None and current.pk not in seen:
            if current.theme_id is not None and current.theme_id in self.alignment.themes:
                return current.theme_id
            seen.add(current.pk)
            current = objectives.get(current.parent_id) if current.parent_id else None
        return None

    def _hang_top_level(self, objective: ObjectiveRow) -> None:
        theme_id = self.served_theme(objective)
        parent = f"theme:{theme_id}" if theme_id is not None else "group:no-theme"
        self._hang(parent, f"objective:{objective.pk}", "contains")
        if objective.parent_id is not None:
            above = self.alignment.objectives.get(objective.parent_id)
            if above is not None:
                self._notes[f"objective:{objective.pk}"] = (
                    f"aligned to “{above.title}”, outside this view"
                )

    def _hang_children(
        self, objective: ObjectiveRow, shown_ids: set[int], reached: set[int]
    ) -> None:
        stack = [objective]
        while stack:
            current = stack.pop()
            if current.pk in reached:
                continue
            reached.add(current.pk)
            kids = sorted(
                (
                    self.alignment.objectives[child_id]
                    for child_id in self.alignment.children.get(current.pk, ())
                    if child_id in shown_ids and child_id not in reached
                ),
                key=objective_order,
            )
            for child in kids:
                self._hang(f"objective:{current.pk}", f"objective:{child.pk}", "cascade")
            stack.extend(reversed(kids))

    def epic_shown(self, epic: Epic) -> bool:
        """In a team's view: the team's epics, and any epic holding the team's active stories."""
        alignment = self.alignment
        return alignment.epic_in_scope(epic) or alignment.active_points(epic.pk).stories > 0

    def _hang_epics(self) -> set[int]:
        """Epics under the key results they drive, else under the theme they serve."""
        alignment = self.alignment
        placed: set[int] = set()
        for epic in alignment.epics.values():
            for kr_id in sorted(alignment.epic_key_results.get(epic.pk, ())):
                if f"key_result:{kr_id}" in self.nodes:
                    self._add_epic(epic)
                    self._hang(f"key_result:{kr_id}", f"epic:{epic.pk}", "drives")
                    placed.add(epic.pk)
        for epic in alignment.epics.values():
            if epic.pk in placed or not self.epic_shown(epic):
                continue
            if epic.theme_id is not None and f"theme:{epic.theme_id}" in self.nodes:
                self._add_epic(epic)
                self._hang(f"theme:{epic.theme_id}", f"epic:{epic.pk}", "serves")
                placed.add(epic.pk)
        return placed

    def _hang_outside(self, placed: set[int]) -> None:
        """Work of this view that traces only to key results the view leaves out."""
        alignment = self.alignment
        orphans = self._orphans
        for epic in alignment.epics.values():
            if epic.pk in placed or epic.pk in orphans or not self.epic_shown(epic):
                continue
            if not alignment.traces(epic.pk):
                continue
            for kr_id in sorted(alignment.epic_key_results.get(epic.pk, ())):
                if kr_id not in alignment.key_results:
                    continue
                node_id = f"key_result:{kr_id}"
                if node_id not in self.nodes:
                    self._context.add(node_id)
                    self.nodes.declare(node_id, self._key_result_node, kr_id)
                self._hang("group:outside", node_id, "contains")
                self._add_epic(epic)
                self._hang(node_id, f"epic:{epic.pk}", "drives")

    # Reading -------------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        """A node of this map; one that is not on it (another organization's record, or one
        the filters leave out) is not found."""
        kind, key = parse_node_id(node_id)
        canonical = f"{kind}:{key}" if key else kind
        found = self.nodes.get(canonical)
        if found is None:
            what = KIND_LABELS.get(kind, kind).lower()
            raise NotFound(
                f"No {what} {key} on this map with these filters.".replace("  ", " "),
                fields={"node": "Not on the map."},
            )
        return found

    def child_count(self, node: Node) -> int:
        if node.kind == "epic":
            return node.stories or 0
        return len(self.tree.get(node.id, ()))

    def child_kinds(self, node: Node) -> Counter[str]:
        if node.kind == "epic":
            return Counter({"story": node.stories or 0})
        return Counter(kind_of(child) for child, _ in self.tree.get(node.id, ()))

    def summary(self, node: Node) -> str:
        return count_words(self.child_kinds(node))

    def children(self, node_id: str, offset: int = 0, limit: int = PAGE_SIZE) -> list[Child]:
        """One page of a node's children, judged (objectives' health) and ready to draw."""
        node = self.nodes[node_id]
        if node.kind == "epic":
            assert node.record_id is not None
            return [Child(story, "story") for story in self.stories(node.record_id, offset, limit)]
        page = self.tree.get(node_id, [])[offset : offset + limit]
        children = [Child(self.nodes[child], edge) for child, edge in page]
        self.judge(child.node for child in children)
        return children

    def judge(self, nodes: Iterable[Node]) -> None:
        """Give the objectives among ``nodes`` their progress and pace."""
        for node in nodes:
            if node.kind == "objective" and node.health is None and node.record_id is not None:
                rolled = self.objective_progress(node.record_id, frozenset())
                objective = self.alignment.objectives[node.record_id]
                node.health = NodeHealth(
                    pace=self._objective_pace(objective, rolled), progress=rolled[0]
                )

    def objective_progress(self, objective_id: int, path: frozenset[int]) -> Rolled:
        """(progress, has a reading) by the goals cascade's roll-up (goals.selectors.roll_up),
        over its key results or, with none, its child objectives in its period. The key results
        come judged from the alignment graph over the objective's period, as the cascade judges
        them, so no reading is read twice; the cascade itself would re-read the period's
        objectives, key results and readings."""
        known = self._progress.get(objective_id)
        if known is not None:
            return known
        alignment = self.alignment
        objective = alignment.objectives[objective_id]
        own = alignment.key_results_of.get(objective_id, [])
        kids = [
            child
            for child in alignment.children.get(objective_id, ())
            if child not in path and alignment.objectives[child].period_id == objective.period_id
        ]
        below = [self.objective_progress(child, path | {objective_id}) for child in kids]
        rolled: Rolled = roll_up(
            [
                (
                    alignment.kr_health[kr_id].progress,
                    alignment.key_results[kr_id].weight,
                    bool(alignment.kr_health[kr_id].readings),
                )
                for kr_id in own
            ],
            below,
        )
        self._progress[objective_id] = rolled
        return rolled

    def _objective_pace(self, objective: ObjectiveRow, rolled: Rolled) -> Pace:
        period = objective.period
        moment = self.alignment.at
        expected = expected_progress(period.starts_on, period.ends_on, moment)
        progress, has_reading = rolled
        return pace(progress, expected, has_reading=has_reading, start=period.starts_on, at=moment)

    # Stories -------------------------------------------------------------------------------

    def stories(self, epic_id: int, offset: int = 0, limit: int = PAGE_SIZE) -> list[Node]:
        """One page of one epic's stories in this view: one query."""
        epic = self.alignment.epics.get(epic_id)
        return story_page(self.access, self.filters, epic_id, epic, offset, limit, self.urls)

    def all_stories(self) -> Iterator[tuple[int, Node]]:
        """Every story of the epics on the map, as (epic id, node): one query."""
        rows = (
            stories_in_view(self.access, self.filters)
            .order_by("epic_id", "rank", "id")
            .values_list(*STORY_FIELDS, "epic_id")
        )
        for *row, epic_id in rows.iterator(chunk_size=2000):
            if f"epic:{epic_id}" in self.nodes:
                epic = self.alignment.epics.get(epic_id)
                yield epic_id, story_node(row, epic, self.urls)

    # The whole graph -----------------------------------------------------------------------

    def walk(self) -> tuple[list[Node], list[Edge]]:
        """Every node reachable from the mission (each once, parents first) and every edge of
        the tree, plus the coalition bodies and what they own. Stories aside."""
        order: list[Node] = []
        edges: list[Edge] = []
        seen: set[str] = set()
        queue = deque([self.root.id])
        seen.add(self.root.id)
        while queue:
            current = queue.popleft()
            order.append(self.nodes[current])
            for child, kind in self.tree.get(current, ()):
                edges.append(edge_between(current, child, kind))
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        self.judge(order)
        bodies: dict[int, Node] = {}
        for node in list(order):
            for body in node.bodies:
                if body.id not in bodies:
                    bodies[body.id] = Node(
                        id=f"body:{body.id}",
                        kind="body",
                        label=body.name,
                        record_id=body.id,
                        url=body.url,
                    )
                    order.append(bodies[body.id])
                edges.append(Edge(f"body:{body.id}", node.id, "owns"))
        return order, edges

    def counts(self) -> Counts:
        kinds = Counter(kind_of(node_id) for node_id in self.nodes if node_id not in self._context)
        return Counts(
            themes=kinds["theme"],
            objectives=kinds["objective"],
            key_results=kinds["key_result"],
            epics=kinds["epic"],
            orphan_epics=len(self.orphan_ids),
            unsupported_objectives=len(self.unsupported_ids),
        )


def node_is_context(node: Node) -> bool:
    """A key result drawn only to show where work outside the view leads."""
    return "outside_view" in node.flags


def edge_between(parent: str, child: str, kind: EdgeKind) -> Edge:
    if kind in UPWARD_EDGES:
        return Edge(child, parent, kind)
    return Edge(parent, child, kind)


def stories_in_view(access: Access, filters: MapFilters) -> QuerySet[Story]:
    """The stories a view shows: of epics that are not closed; in a team's view, the team's
    own (a story without a team belongs to its epic's team, as alignment.py counts it)."""
    stories = Story.objects.filter(organization=access.organization).exclude(
        epic__state=EpicState.CLOSED
    )
    if filters.team is not None:
        stories = stories.annotate(owner_team=Coalesce("team_id", "epic__team_id")).filter(
            owner_team=filters.team.pk
        )
    return stories


def story_node(row: Sequence[Any], epic: Epic | None, urls: RecordUrls) -> Node:
    """A story from a row of STORY_FIELDS; without a team of its own it shows its epic's."""
    pk, title, state, estimate, team = row
    if not team and epic is not None and epic.team is not None:
        team = epic.team.name
    return Node(
        id=f"story:{pk}",
        kind="story",
        label=title,
        record_id=pk,
        url=urls("portfolio.story", pk),
        status=StoryState(state).label,
        team=team or "",
        estimate=estimate,
    )


def story_page(
    access: Access,
    filters: MapFilters,
    epic_id: int,
    epic: Epic | None,
    offset: int,
    limit: int,
    urls: RecordUrls,
) -> list[Node]:
    rows = (
        stories_in_view(access, filters)
        .filter(epic_id=epic_id)
        .order_by("rank", "id")
        .values_list(*STORY_FIELDS)[offset : offset + limit]
    )
    return [story_node(row, epic, urls) for row in rows]


def story_counts(
    access: Access, filters: MapFilters, epic_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Stories per epic in this view (of ``epic_ids`` only, if given), every state: one query."""
    stories = stories_in_view(access, filters)
    if epic_ids is not None:
        stories = stories.filter(epic_id__in=list(epic_ids))
    return dict(
        stories.values("epic_id")
        .annotate(number=Count("id"))
        .order_by()
        .values_list("epic_id", "number")
    )


@bulk_read
def build(access: Access, filters: MapFilters, *, at: dt.datetime | None = None) -> AlignmentMap:
    """The map of the caller's organization: the alignment graph (thirteen queries) and the story
    counts (one); objectives' progress is read per period drawn, when first drawn."""
    alignment = load(access, team=filters.team, period=filters.period, at=at)
    return AlignmentMap(access, filters, alignment, story_counts(access, filters))


@bulk_read
def build_part(
    access: Access,
    filters: MapFilters,
    objective_ids: Iterable[int],
    *,
    descend: bool = True,
    at: dt.datetime | None = None,
) -> AlignmentMap:
    """The map of only the part of the graph below ``objective_ids`` (alignment.load_part):
    those objectives, their key results and the epics that drive them are drawn exactly as on
    the whole map; nothing outside is read, so opening a branch costs what the branch holds."""
    alignment = load_part(
        access,
        objectives=objective_ids,
        descend=descend,
        team=filters.team,
        period=filters.period,
        at=at,
    )
    return AlignmentMap(access, filters, alignment, story_counts(access, filters, alignment.epics))


# Drawing: which nodes a request shows expanded ----------------------------------------------


@dataclass
class Shown:
    """A node as one request draws it: open with its children, or collapsed behind a link."""

    node: Node
    edge: EdgeKind | None
    child_count: int
    summary: str
    children: list[Shown] | None = None  # None: collapsed (children load on opening)
    offset: int = 0  # of the first child shown
    more_offset: int | None = None  # where the next page of children starts
    empty_text: str = ""
    # Set by the page that draws it: where its children load from, with and without script.
    branch_url: str = ""
    focus_url: str = ""
    more_branch_url: str = ""
    more_focus_url: str = ""

    @property
    def is_open(self) -> bool:
        return self.children is not None

    @property
    def remaining(self) -> int:
        return self.child_count - self.more_offset if self.more_offset is not None else 0

    @property
    def next_page(self) -> int:
        return min(self.remaining, PAGE_SIZE)

    def each(self) -> Iterator[Shown]:
        """This node and every node drawn below it."""
        yield self
        for child in self.children or ():
            yield from child.each()


EMPTY_TEXT = {
    "theme": "Nothing serves this theme yet: align an objective to it, or link an epic.",
    "key_result": "No epic drives this key result yet.",
    "objective": "No key results or child objectives yet.",
}


def shown(
    amap: AlignmentMap,
    child: Child | Node,
    *,
    levels: int | None,
    offset: int = 0,
    budget: list[int] | None = None,
    first: bool = True,
) -> Shown:
    """``levels``: how many levels below this node to draw open (0: collapsed; None: all the
    way down to the epics, whose stories open only when the epic itself is asked for)."""
    node = child.node if isinstance(child, Child) else child
    edge = child.edge if isinstance(child, Child) else None
    if first:
        amap.judge([node])  # children come judged; the node a request starts from may not
    count = amap.child_count(node)
    item = Shown(
        node=node,
        edge=edge,
        child_count=count,
        summary=amap.summary(node),
        empty_text=EMPTY_TEXT.get(node.kind, "") if count == 0 else "",
    )
    budget = budget if budget is not None else [FOCUS_BUDGET]
    open_here = levels is None or levels > 0
    if levels is None and node.kind == "epic" and not first:
        open_here = False
    if not open_here or count == 0 or budget[0] <= 0:
        return item
    page = amap.children(node.id, offset, PAGE_SIZE)
    budget[0] -= len(page)
    below = None if levels is None else levels - 1
    item.children = [
        shown(amap, grandchild, levels=below, budget=budget, first=False) for grandchild in page
    ]
    item.offset = offset
    if offset + len(page) < count:
        item.more_offset = offset + len(page)
    return item


# Branches: one node's children, a page at a time ---------------------------------------------


class MapBranch:
    """A node of the map and its children."""

    def __init__(self, amap: AlignmentMap, node: Node) -> None:
        self.amap = amap
        self.node = node

    def __len__(self) -> int:
        return self.amap.child_count(self.node)

    def children(self, offset: int, limit: int) -> list[Child]:
        return self.amap.children(self.node.id, offset, limit)

    def child_count(self, node: Node) -> int:
        return self.amap.child_count(node)

    def summary(self, node: Node) -> str:
        return self.amap.summary(node)


class EpicBranch:
    """An epic's stories in the view, read without the graph: the epic (any of the
    organization's that is not closed) and its story count, then a page of stories: three
    queries. Opening an epic is the most common step on a large map, and its stories need
    nothing the graph knows."""

    def __init__(self, access: Access, filters: MapFilters, epic_id: int) -> None:
        epic = (
            Epic.objects.filter(organization=access.organization, pk=epic_id)
            .exclude(state=EpicState.CLOSED)
            .select_related("team")
            .first()
        )
        if epic is None:
            raise NotFound(f"No epic {epic_id} on this map.", fields={"node": "Not on the map."})
        self.access = access
        self.filters = filters
        self.epic = epic
        self.urls = RecordUrls(access.organization.slug)
        self.count = stories_in_view(access, filters).filter(epic_id=epic.pk).count()
        self.node = Node(
            id=f"epic:{epic.pk}",
            kind="epic",
            label=epic.title,
            record_id=epic.pk,
            url=self.urls("portfolio.epic", epic.pk),
            status=epic.get_state_display(),
            team=epic.team.name if epic.team is not None else "",
            stories=self.count,
        )

    def __len__(self) -> int:
        return self.count

    def children(self, offset: int, limit: int) -> list[Child]:
        page = story_page(
            self.access, self.filters, self.epic.pk, self.epic, offset, limit, self.urls
        )
        return [Child(story, "story") for story in page]

    def child_count(self, node: Node) -> int:
        return self.count if node.id == self.node.id else 0

    def summary(self, node: Node) -> str:
        return count_words(Counter({"story": self.child_count(node)}))


Branch = MapBranch | EpicBranch


def open_branch(access: Access, filters: MapFilters, node_id: str | None) -> Branch:
    """The branch of ``node_id`` (default: the mission) in the view; 404 if it is not on it."""
    kind, key = parse_node_id(node_id)
    if kind == "epic":
        return EpicBranch(access, filters, int(key))
    if kind == "objective":
        # Its key results and child objectives: the objective and what lies below it.
        part = build_part(access, filters, [int(key)])
        return MapBranch(part, part.node(f"objective:{key}"))
    if kind == "key_result":
        # The epics that drive it: its objective, without the objectives below.
        owner = (
            KeyResult.objects.filter(organization=access.organization, pk=int(key))
            .values_list("objective_id", flat=True)
            .first()
        )
        if owner is not None:
            part = build_part(access, filters, [owner], descend=False)
            found = part.nodes.get(f"key_result:{key}")
            if found is not None and not node_is_context(found):
                return MapBranch(part, found)
        # Not in the view, or drawn only as context of work outside it: the whole map decides.
    amap = build(access, filters)
    return MapBranch(amap, amap.node(node_id or "mission"))


def branch_page(branch: Branch, offset: int) -> Shown:
    """The node with one page of its children, each collapsed, for a branch request."""
    count = len(branch)
    page = branch.children(offset, PAGE_SIZE)
    item = Shown(
        node=branch.node,
        edge=None,
        child_count=count,
        summary=branch.summary(branch.node),
        offset=offset,
        children=[
            Shown(
                node=child.node,
                edge=child.edge,
                child_count=branch.child_count(child.node),
                summary=branch.summary(child.node),
                empty_text=(
                    EMPTY_TEXT.get(child.node.kind, "")
                    if not branch.child_count(child.node)
                    else ""
                ),
            )
            for child in page
        ],
    )
    if offset + len(page) < count:
        item.more_offset = offset + len(page)
    return item


class BranchPages:
    """A branch's children as a sliceable sequence, so the API's ``@paginate(Page)`` can page
    them: the length is known, and a slice reads one page (of stories: one query)."""

    def __init__(self, branch: Branch) -> None:
        self.branch = branch

    def __len__(self) -> int:
        return len(self.branch)

    def __getitem__(self, window: slice) -> list[Child]:
        start = window.start or 0
        stop = window.stop if window.stop is not None else len(self)
        return self.branch.children(start, max(stop - start, 0))
