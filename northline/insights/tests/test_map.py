"""The alignment map's tree on a small organization built by hand (DESIGN §2.8).

The organization (``map_org``), in the period around today ("This quarter", 60 days behind and
30 ahead, so about two thirds has passed):

* mission "Every permit decided within a month";
* theme "Faster permits" (owned by the VMO "Portfolio board", its indicator at 30 % of a window
  half gone: at risk) and theme "Open data" (no indicators);
* "Permits online end to end" (organization, Faster permits) with key result "Applications made
  online" (70 %: on track), and its child "Launch the online application" (team Permits) with
  "Online payments working" (10 %: off track);
* "Publish permit statistics" (organization, Open data) with "Datasets published" (60 % three
  times: on track but not moving), driven by nobody: the objective is unsupported;
* "Answer on the first contact" (team Contact Centre, no theme) with "First-contact resolution"
  (no check-in: not started);
* epics: "Online application form" drives both Permits key results (stories: doing 5, todo 3,
  done 2); "Open data portal" serves Open data directly (todo 5); "Chatbot experiment" traces
  to nothing (doing 8, Contact Centre): orphan work; "Phone menu refresh" drives
  "First-contact resolution" (todo 2);
* and in "Last quarter", "Old objective" (Faster permits) with "Old result", driven by nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from northline.goals import services as goals
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.selectors import cascade
from northline.goals.tests.factories import period_around_today
from northline.insights.map import selectors as alignment_map
from northline.insights.map.selectors import MapFilters, build, resolve_filters
from northline.lib.errors import Invalid, NotFound
from northline.measures import services as measures
from northline.measures.models import Indicator
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic, Story
from northline.strategy import services as strategy
from northline.strategy.models import CoalitionBody, Theme
from northline.testing import Cast


@dataclass
class MapOrg:
    access: Access
    this_quarter: Period
    last_quarter: Period
    permits: Team
    contact: Team
    faster: Theme
    open_data: Theme
    board: CoalitionBody
    online: Objective
    launch: Objective
    statistics: Objective
    first_contact: Objective
    old: Objective
    applications: KeyResult
    payments: KeyResult
    datasets: KeyResult
    resolution: KeyResult
    old_result: KeyResult
    form: Epic
    portal: Epic
    chatbot: Epic
    phone: Epic
    stories: dict[str, Story]


def readings(access: Access, indicator: Indicator, *values: float) -> None:
    """Readings a day apart, the last one an hour ago."""
    now = timezone.now() - dt.timedelta(hours=1)
    for offset, value in enumerate(reversed(values)):
        measures.record_reading(
            access, indicator, value=value, recorded_at=now - dt.timedelta(days=offset)
        )


def make_map_org(cast: Cast) -> MapOrg:
    access = cast.owner_access
    today = timezone.localdate()
    strategy.revise_identity(access, mission="Every permit decided within a month", based_on=0)
    this_quarter = period_around_today(access, elapsed=60, remaining=30)
    last_quarter = period_around_today(access, elapsed=160, remaining=-70, name="Last quarter")
    permits = org_services.create_team(access, name="Permits", kind="product")
    contact = org_services.create_team(access, name="Contact Centre", kind="support")
    starts_on, ends_on = today - dt.timedelta(days=365), today + dt.timedelta(days=365)
    faster = strategy.create_theme(
        access, name="Faster permits", starts_on=starts_on, ends_on=ends_on
    )
    open_data = strategy.create_theme(
        access, name="Open data", starts_on=starts_on, ends_on=ends_on
    )
    decision_time = strategy.add_theme_indicator(
        access,
        faster,
        name="Permits decided within 30 days",
        unit="%",
        baseline=0,
        target=100,
        start_date=today - dt.timedelta(days=100),
        target_date=today + dt.timedelta(days=100),
    )
    readings(access, decision_time, 30)
    board = strategy.create_body(
        access, name="Portfolio board", kind="VMO", authorities=["fund_epics", "change_process"]
    )
    strategy.add_responsibility(access, board, kind="outcome", theme=faster)

    def objective(title: str, **fields) -> Objective:
        fields.setdefault("period", this_quarter)
        return goals.create_objective(access, title=title, status="active", **fields)

    def key_result(owner: Objective, title: str) -> KeyResult:
        return goals.create_key_result(access, owner, title=title, baseline=0, target=100)

    online = objective("Permits online end to end", theme=faster)
    launch = objective("Launch the online application", team=permits, parent=online)
    statistics = objective("Publish permit statistics", theme=open_data)
    first_contact = objective("Answer on the first contact", team=contact)
    old = objective("Old objective", theme=faster, period=last_quarter)
    applications = key_result(online, "Applications made online")
    payments = key_result(launch, "Online payments working")
    datasets = key_result(statistics, "Datasets published")
    resolution = key_result(first_contact, "First-contact resolution")
    old_result = key_result(old, "Old result")
    readings(access, applications.indicator, 70)
    readings(access, payments.indicator, 10)
    readings(access, datasets.indicator, 60, 60, 60)

    form = portfolio.create_epic(
        access, title="Online application form", team=permits, key_results=[applications, payments]
    )
    portal = portfolio.create_epic(access, title="Open data portal", team=permits, theme=open_data)
    chatbot = portfolio.create_epic(access, title="Chatbot experiment", team=contact)
    phone = portfolio.create_epic(
        access, title="Phone menu refresh", team=contact, key_results=[resolution]
    )
    stories: dict[str, Story] = {}

    def story(epic: Epic, title: str, estimate: int, state: str = "todo") -> None:
        created = portfolio.create_story(access, epic, title=title, estimate=estimate)
        if state != "todo":
            created = portfolio.move_story(access, created, state=state)
        stories[title] = created

    story(form, "Form fields", 5, "doing")
    story(form, "Upload documents", 3)
    story(form, "Save drafts", 2, "done")
    story(portal, "Export CSV", 5)
    story(chatbot, "Train the bot", 8, "doing")
    story(phone, "Record prompts", 2)
    return MapOrg(
        access=access,
        this_quarter=this_quarter,
        last_quarter=last_quarter,
        permits=permits,
        contact=contact,
        faster=faster,
        open_data=open_data,
        board=board,
        online=online,
        launch=launch,
        statistics=statistics,
        first_contact=first_contact,
        old=old,
        applications=applications,
        payments=payments,
        datasets=datasets,
        resolution=resolution,
        old_result=old_result,
        form=form,
        portal=portal,
        chatbot=chatbot,
        phone=phone,
        stories=stories,
    )


# Two branches of the tree that stay the same under the filters the tests below try.
NO_THEME: tuple[str, str, list[Any]] = (
    "Objectives serving no theme",
    "contains",
    [
        (
            "Answer on the first contact",
            "contains",
            [("First-contact resolution", "key_result", [("Phone menu refresh", "drives", [])])],
        )
    ],
)
UNTRACED: tuple[str, str, list[Any]] = (
    "Work that traces to nothing",
    "contains",
    [("Chatbot experiment", "contains", [])],
)


def tree_of(amap: alignment_map.AlignmentMap, node_id: str = "mission") -> list:
    """The whole tree below ``node_id`` as nested (label, edge, children) tuples, stories aside."""
    return [
        (amap.nodes[child].label, edge, tree_of(amap, child))
        for child, edge in amap.tree.get(node_id, ())
    ]


def flags_of(amap: alignment_map.AlignmentMap) -> dict[str, list[str]]:
    return {node.label: list(node.flags) for node in amap.nodes.values() if node.flags}


# The tree ----------------------------------------------------------------------------------


def test_it_hangs_every_record_where_the_design_draws_it(map_org: MapOrg) -> None:
    amap = build(map_org.access, resolve_filters(map_org.access))
    assert amap.filters.period == map_org.this_quarter  # the current period by default
    assert amap.root.label == "Every permit decided within a month"
    assert tree_of(amap) == [
        (
            "Faster permits",
            "contains",
            [
                (
                    "Permits online end to end",
                    "contains",
                    [
                        (
                            "Applications made online",
                            "key_result",
                            [("Online application form", "drives", [])],
                        ),
                        (
                            "Launch the online application",
                            "cascade",
                            [
                                (
                                    "Online payments working",
                                    "key_result",
                                    [("Online application form", "drives", [])],
                                )
                            ],
                        ),
                    ],
                )
            ],
        ),
        (
            "Open data",
            "contains",
            [
                (
                    "Publish permit statistics",
                    "contains",
                    [("Datasets published", "key_result", [])],
                ),
                ("Open data portal", "serves", []),
            ],
        ),
        NO_THEME,
        UNTRACED,
    ]
    # The coalition body that owns the theme, as a label linking to its page.
    faster = amap.nodes[f"theme:{map_org.faster.pk}"]
    assert [(body.name, body.url) for body in faster.bodies] == [
        ("Portfolio board", f"/o/acme/strategy/bodies/{map_org.board.pk}/")
    ]
    assert amap.nodes[f"theme:{map_org.open_data.pk}"].bodies == []


def test_it_highlights_orphan_work_and_unsupported_objectives(map_org: MapOrg) -> None:
    amap = build(map_org.access, resolve_filters(map_org.access))
    assert flags_of(amap) == {
        "Publish permit statistics": ["unsupported"],
        "Datasets published": ["undriven"],
        "Chatbot experiment": ["orphan"],
    }
    counts = amap.counts()
    assert counts == alignment_map.Counts(
        themes=2, objectives=4, key_results=4, epics=4, orphan_epics=1, unsupported_objectives=1
    )
    orphan = amap.nodes[f"epic:{map_org.chatbot.pk}"]
    assert orphan.flag_words == [("orphan", "orphan work: traces to nothing")]
    assert amap.nodes[f"objective:{map_org.statistics.pk}"].flag_words == [
        ("unsupported", "unsupported: no active work drives it")
    ]


def test_it_colours_key_results_objectives_and_themes_by_pace_and_movement(
    map_org: MapOrg,
) -> None:
    amap = build(map_org.access, resolve_filters(map_org.access))
    amap.judge(amap.nodes.values())

    def health(node_id: str) -> tuple[str, str, bool, int | None]:
        judged = amap.nodes[node_id].health
        assert judged is not None, node_id
        return judged.word, judged.css, judged.stalled, judged.percent

    assert health(f"key_result:{map_org.applications.pk}") == (
        "on track",
        "health-on_track",
        False,
        70,
    )
    assert health(f"key_result:{map_org.payments.pk}") == (
        "off track",
        "health-off_track",
        False,
        10,
    )
    # 60 % three readings running: on pace, yet not moving.
    assert health(f"key_result:{map_org.datasets.pk}") == ("on track", "health-on_track", True, 60)
    assert health(f"key_result:{map_org.resolution.pk}") == (
        "not started",
        "health-not_started",
        False,
        0,
    )
    # Objectives: the cascade's progress (their own key results' weighted mean).
    assert health(f"objective:{map_org.online.pk}") == ("on track", "health-on_track", False, 70)
    assert health(f"objective:{map_org.launch.pk}") == ("off track", "health-off_track", False, 10)
    assert health(f"objective:{map_org.first_contact.pk}")[0] == "not started"
    # Themes: their indicators' (30 % of a window half gone: at risk); none → no indicators.
    assert health(f"theme:{map_org.faster.pk}") == ("at risk", "health-at_risk", False, 30)
    assert amap.nodes[f"theme:{map_org.open_data.pk}"].health is None


def test_it_says_when_there_is_no_mission_yet(cast: Cast) -> None:
    amap = build(cast.owner_access, resolve_filters(cast.owner_access))
    assert amap.root.label == "No mission yet"
    assert amap.root.flags == ["no_mission"]
    assert amap.root.url == "/o/acme/strategy/identity/"
    assert tree_of(amap) == []
    assert amap.filters.period is None  # no periods at all: nothing to default to


# Filters -----------------------------------------------------------------------------------


def test_it_shows_every_period_or_one_other_period(map_org: MapOrg) -> None:
    access = map_org.access
    every = build(access, resolve_filters(access, period="all"))
    assert every.filters.period is None
    faster = f"theme:{map_org.faster.pk}"
    assert [every.nodes[child].label for child, _ in every.tree[faster]] == [
        "Old objective",
        "Permits online end to end",
    ]
    assert every.counts().unsupported_objectives == 2
    assert every.counts().objectives == 5

    last = build(access, resolve_filters(access, period=str(map_org.last_quarter.pk)))
    assert last.filters.period == map_org.last_quarter
    # The quarter's work drives key results this view leaves out: it shows where it leads.
    assert tree_of(last) == [
        (
            "Faster permits",
            "contains",
            [("Old objective", "contains", [("Old result", "key_result", [])])],
        ),
        ("Open data", "contains", [("Open data portal", "serves", [])]),
        (
            "Work serving objectives outside this view",
            "contains",
            [
                (
                    "Applications made online",
                    "contains",
                    [("Online application form", "drives", [])],
                ),
                (
                    "Online payments working",
                    "contains",
                    [("Online application form", "drives", [])],
                ),
                ("First-contact resolution", "contains", [("Phone menu refresh", "drives", [])]),
            ],
        ),
        UNTRACED,
    ]
    outside = last.nodes[f"key_result:{map_org.applications.pk}"]
    assert outside.flags == ["outside_view"]
    assert outside.note == "of “Permits online end to end” (Organization, This quarter)"
    # Context is not counted as the view's own key results.
    assert last.counts() == alignment_map.Counts(
        themes=2, objectives=1, key_results=1, epics=4, orphan_epics=1, unsupported_objectives=1
    )


def test_it_shows_one_teams_objectives_and_work(map_org: MapOrg) -> None:
    access = map_org.access
    permits = build(access, resolve_filters(access, team=map_org.permits.pk))
    # The team's objective hangs under the theme its parent serves, saying what it aligns to.
    assert tree_of(permits) == [
        (
            "Faster permits",
            "contains",
            [
                (
                    "Launch the online application",
                    "contains",
                    [
                        (
                            "Online payments working",
                            "key_result",
                            [("Online application form", "drives", [])],
                        )
                    ],
                )
            ],
        ),
        ("Open data", "contains", [("Open data portal", "serves", [])]),
    ]
    launch = permits.nodes[f"objective:{map_org.launch.pk}"]
    assert launch.note == "aligned to “Permits online end to end”, outside this view"
    assert launch.team == "Permits"
    assert permits.counts() == alignment_map.Counts(
        themes=2, objectives=1, key_results=1, epics=2, orphan_epics=0, unsupported_objectives=0
    )

    contact = build(access, resolve_filters(access, team=str(map_org.contact.pk)))
    assert tree_of(contact) == [
        ("Faster permits", "contains", []),
        ("Open data", "contains", []),
        NO_THEME,
        UNTRACED,
    ]


def test_it_refuses_filters_it_cannot_read(map_org: MapOrg, cast: Cast) -> None:
    access = map_org.access
    with pytest.raises(Invalid) as bad_team:
        resolve_filters(access, team="permits")
    assert bad_team.value.fields == {"team": "Choose a team from the list."}
    assert "team filter must be a team id" in bad_team.value.message
    with pytest.raises(Invalid) as bad_period:
        resolve_filters(access, period="Q1")
    assert bad_period.value.fields == {"period": "Choose a period from the list."}

    outsider = cast.access(cast.outsider, cast.other_org)
    elsewhere_team = org_services.create_team(outsider, name="Elsewhere", kind="product")
    elsewhere_period = goals.create_period(
        outsider,
        name="Their quarter",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    with pytest.raises(NotFound):
        resolve_filters(access, team=elsewhere_team.pk)
    with pytest.raises(NotFound):
        resolve_filters(access, period=elsewhere_period.pk)


# Branches and stories ----------------------------------------------------------------------


def page_of(map_org: MapOrg, node_id: str, offset: int = 0, **filters: object):
    filters_ = resolve_filters(map_org.access, **filters)  # type: ignore[arg-type]
    branch = alignment_map.open_branch(map_org.access, filters_, node_id)
    return alignment_map.branch_page(branch, offset)


def test_it_loads_one_branch_at_a_time(map_org: MapOrg) -> None:
    node = page_of(map_org, f"objective:{map_org.online.pk}")
    assert node.summary == "1 key result · 1 objective"
    assert [(c.node.label, c.edge, c.child_count, c.is_open) for c in node.children or []] == [
        ("Applications made online", "key_result", 1, False),
        ("Launch the online application", "cascade", 1, False),
    ]
    # Children arrive judged: the objective carries its progress and pace.
    launch = (node.children or [])[1].node
    assert launch.health is not None
    assert (launch.health.word, launch.health.percent) == ("off track", 10)

    driven = page_of(map_org, f"key_result:{map_org.datasets.pk}")
    assert (driven.child_count, driven.children) == (0, [])

    epic = page_of(map_org, f"epic:{map_org.form.pk}")
    assert epic.summary == "3 stories"
    assert [
        (s.node.label, s.node.status, s.node.estimate, s.node.team, s.edge)
        for s in epic.children or []
    ] == [
        ("Form fields", "Doing", 5, "Permits", "story"),
        ("Upload documents", "To do", 3, "Permits", "story"),
        ("Save drafts", "Done", 2, "Permits", "story"),
    ]
    amap = build(map_org.access, resolve_filters(map_org.access))
    form = amap.nodes[f"epic:{map_org.form.pk}"]
    assert (form.stories, form.active_points) == (3, 8)


def test_it_pages_an_epics_stories(map_org: MapOrg) -> None:
    for number in range(1, 53):
        portfolio.create_story(map_org.access, map_org.portal, title=f"Dataset {number}")
    portal = f"epic:{map_org.portal.pk}"
    first = page_of(map_org, portal)
    page = first.children or []
    assert first.child_count == 53
    assert len(page) == 50
    assert page[0].node.label == "Export CSV" and page[-1].node.label == "Dataset 49"
    assert (first.more_offset, first.remaining, first.next_page) == (50, 3, 3)
    second = page_of(map_org, portal, 50)
    assert [child.node.label for child in second.children or []] == [
        "Dataset 50",
        "Dataset 51",
        "Dataset 52",
    ]
    assert second.more_offset is None


def test_it_shows_one_teams_stories_only(map_org: MapOrg) -> None:
    portfolio.create_story(
        map_org.access, map_org.form, title="Explain the form by phone", team=map_org.contact
    )
    access = map_org.access
    contact = build(access, resolve_filters(access, team=map_org.contact.pk))
    # The form epic is the Permits team's; Contact Centre's story makes it part of their view.
    form = f"epic:{map_org.form.pk}"
    assert form in contact.nodes
    assert [s.label for s in contact.stories(map_org.form.pk)] == ["Explain the form by phone"]
    branch = page_of(map_org, form, team=map_org.contact.pk)
    assert [s.node.label for s in branch.children or []] == ["Explain the form by phone"]
    everyone = build(access, resolve_filters(access))
    assert everyone.nodes[form].stories == 4


def test_it_finds_only_nodes_on_this_map(map_org: MapOrg) -> None:
    amap = build(map_org.access, resolve_filters(map_org.access))
    with pytest.raises(NotFound) as missing:
        amap.node(f"objective:{map_org.old.pk}")  # last quarter's: not in this view
    assert missing.value.fields == {"node": "Not on the map."}
    with pytest.raises(Invalid) as malformed:
        amap.node("objective:twelve")
    assert malformed.value.fields == {"node": "Not a node id."}
    with pytest.raises(Invalid):
        amap.node("story:1")  # stories have no branch of their own
    assert amap.node("mission") is amap.root
    assert amap.node("group:orphans").label == "Work that traces to nothing"


def test_it_opens_a_branch_all_the_way_down_to_the_epics(map_org: MapOrg) -> None:
    amap = build(map_org.access, resolve_filters(map_org.access))
    focus = alignment_map.shown(amap, amap.node(f"theme:{map_org.faster.pk}"), levels=None)

    def drawn(item: alignment_map.Shown) -> tuple:
        return (item.node.label, [drawn(c) for c in item.children or []], item.is_open)

    assert drawn(focus) == (
        "Faster permits",
        [
            (
                "Permits online end to end",
                [
                    (
                        "Applications made online",
                        [("Online application form", [], False)],
                        True,
                    ),
                    (
                        "Launch the online application",
                        [
                            (
                                "Online payments working",
                                [("Online application form", [], False)],
                                True,
                            )
                        ],
                        True,
                    ),
                ],
                True,
            )
        ],
        True,
    )
    # An epic asked for by itself opens onto its stories.
    epic = alignment_map.shown(amap, amap.node(f"epic:{map_org.form.pk}"), levels=None)
    assert [child.node.label for child in epic.children or []] == [
        "Form fields",
        "Upload documents",
        "Save drafts",
    ]


def test_it_keeps_an_objectives_period_out_of_another_periods_view(map_org: MapOrg) -> None:
    amap = build(map_org.access, MapFilters(team=None, period=map_org.last_quarter))
    assert f"objective:{map_org.online.pk}" not in amap.nodes
    assert f"objective:{map_org.old.pk}" in amap.nodes


def test_it_rolls_objectives_up_as_the_goals_cascade_does(map_org: MapOrg) -> None:
    """The map reads each key result once (from the alignment graph) and rolls objectives up
    by the cascade's rule; the goals page's cascade must agree with it, objective by
    objective, including an objective with child objectives and no key results."""
    parent = goals.create_objective(
        map_org.access,
        title="Permits, end to end, as a whole",
        period=map_org.this_quarter,
        status="active",
    )
    for objective in (map_org.online, map_org.statistics):
        goals.update_objective(map_org.access, objective, version=objective.version, parent=parent)
    amap = build(map_org.access, resolve_filters(map_org.access))
    amap.judge(amap.nodes.values())
    tree = cascade(map_org.access, map_org.this_quarter, at=amap.alignment.at)
    drawn = {
        node.record_id: (node.health.pace, round(node.health.progress or 0, 6))
        for node in amap.nodes.values()
        if node.kind == "objective" and node.health is not None
    }
    assert drawn == {
        pk: (progress.pace, round(progress.progress, 6)) for pk, progress in tree.nodes.items()
    }
    # (70 % + 60 %) / 2: the parent has no key results of its own.
    assert drawn[parent.pk][1] == 0.65


def test_it_says_when_an_epic_in_progress_holds_no_active_work(map_org: MapOrg) -> None:
    access = map_org.access
    today = timezone.localdate()
    planned = portfolio.create_epic(
        access,
        title="Publish the permit register",
        what="The permit register as open data.",
        why="Journalists ask for it every week.",
        key_results=[map_org.datasets],
    )
    portfolio.add_lagging_indicator(
        access,
        planned,
        name="Register downloads",
        baseline=0,
        target=500,
        start_date=today - dt.timedelta(days=10),
        target_date=today + dt.timedelta(days=80),
    )
    portfolio.move_epic(access, planned, state="todo")
    idea = portfolio.create_epic(access, title="A register API", key_results=[map_org.datasets])
    amap = build(access, resolve_filters(access))
    # In To do with no story: it drives nothing yet, and says so; in the funnel it has not
    # started, which needs no word.
    assert amap.nodes[f"epic:{planned.pk}"].flags == ["no_active_work"]
    assert amap.nodes[f"epic:{idea.pk}"].flags == []
    datasets = f"key_result:{map_org.datasets.pk}"
    assert [amap.nodes[child].label for child, _ in amap.tree[datasets]] == [
        "Publish the permit register",
        "A register API",
    ]
    assert amap.nodes[datasets].flags == ["undriven"]
    assert amap.nodes[f"objective:{map_org.statistics.pk}"].flags == ["unsupported"]


def test_a_focused_page_opens_only_so_many_nodes_and_leaves_the_rest_collapsed(
    map_org: MapOrg,
) -> None:
    amap = build(map_org.access, resolve_filters(map_org.access))
    drawn = alignment_map.shown(amap, amap.root, levels=None, budget=[3])
    # The mission's four children use the budget up: each of them stays collapsed.
    assert drawn.is_open
    assert [(child.node.label, child.is_open) for child in drawn.children or []] == [
        ("Faster permits", False),
        ("Open data", False),
        ("Objectives serving no theme", False),
        ("Work that traces to nothing", False),
    ]


def test_record_links_hold_the_records_id_whatever_the_slug() -> None:
    urls = alignment_map.RecordUrls("team-987654321")
    assert urls("goals.objective", 12) == "/o/team-987654321/goals/objectives/12/"
    assert urls("portfolio.story", 7) == "/o/team-987654321/portfolio/stories/7/"
