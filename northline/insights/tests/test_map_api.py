"""The alignment map's API: the graph, a branch a page at a time, and the exports."""

from __future__ import annotations

import datetime as dt
import itertools

from northline.goals import services as goals
from northline.insights.map.exports import MapOut
from northline.insights.tests.test_map import MapOrg
from northline.insights.tests.test_map_exports import expected_edges, expected_nodes
from northline.orgs import services as org_services
from northline.portfolio import services as portfolio
from northline.testing import ApiClient, Cast, assert_queries_constant

MAP = "/orgs/acme/insights/map"
BRANCH = "/orgs/acme/insights/map/branch"
EXPORT = "/orgs/acme/insights/map/export"


def test_it_answers_the_map_as_nodes_and_edges(cast: Cast, map_org: MapOrg) -> None:
    response = ApiClient(cast.viewer).get(MAP)
    assert response.status_code == 200
    document = MapOut.model_validate(response.json())
    assert {(n.id, n.kind, n.label) for n in document.nodes} == expected_nodes(
        map_org, stories=False
    )
    assert {(e.source, e.target, e.kind) for e in document.edges} == expected_edges(
        map_org, stories=False
    )
    assert response.json()["edges"][0] == {
        "from": "mission",
        "to": f"theme:{map_org.faster.pk}",
        "kind": "contains",
    }
    with_stories = MapOut.model_validate(ApiClient(cast.viewer).get(MAP, stories=True).json())
    assert {(n.id, n.kind, n.label) for n in with_stories.nodes} == expected_nodes(
        map_org, stories=True
    )


def test_it_filters_the_map_by_team_and_period(cast: Cast, map_org: MapOrg) -> None:
    api = ApiClient(cast.viewer)
    team = MapOut.model_validate(api.get(MAP, team=map_org.permits.pk).json())
    assert team.filters.team is not None and team.filters.team.id == map_org.permits.pk
    assert sorted(n.label for n in team.nodes if n.kind == "objective") == [
        "Launch the online application"
    ]
    every = MapOut.model_validate(api.get(MAP, period="all").json())
    assert every.filters.period is None
    assert every.counts.objectives == 5
    last = MapOut.model_validate(api.get(MAP, period=map_org.last_quarter.pk).json())
    assert last.filters.period is not None and last.filters.period.name == "Last quarter"


def test_it_refuses_bad_filters_naming_them(cast: Cast, map_org: MapOrg) -> None:
    api = ApiClient(cast.viewer)
    team = api.get(MAP, team="permits")
    assert team.status_code == 422
    assert set(team.json()["error"]["fields"]) == {"team"}
    period = api.get(MAP, period="spring")
    assert period.status_code == 422
    assert period.json()["error"] == {
        "code": "invalid",
        "message": "The period filter must be a period id (a whole number); 'spring' is not one.",
        "fields": {"period": "Choose a period from the list."},
    }
    node = api.get(BRANCH, node="objective:twelve")
    assert node.status_code == 422
    assert node.json()["error"]["fields"] == {"node": "Not a node id."}
    fmt = api.get(EXPORT, format="pdf")
    assert fmt.status_code == 422
    assert set(fmt.json()["error"]["fields"]) == {"format"}

    elsewhere = cast.access(cast.outsider, cast.other_org)
    their_team = org_services.create_team(elsewhere, name="Theirs", kind="product")
    their_period = goals.create_period(
        elsewhere, name="Theirs", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    for path in (MAP, BRANCH, EXPORT):
        assert api.get(path, team=their_team.pk).status_code == 404, path
        assert api.get(path, period=their_period.pk).status_code == 404, path


def test_it_hides_the_map_from_anonymous_callers_and_outsiders(cast: Cast, map_org: MapOrg) -> None:
    for path in (MAP, BRANCH, EXPORT):
        anonymous = ApiClient().get(path)
        assert anonymous.status_code == 401, path
        assert anonymous.json()["error"]["code"] == "not_authenticated"
        outsider = ApiClient(cast.outsider).get(path)
        assert outsider.status_code == 404, path
        assert outsider.json()["error"]["code"] == "not_found"


def test_a_branch_pages_through_its_children(cast: Cast, map_org: MapOrg) -> None:
    api = ApiClient(cast.viewer)
    root = api.get(BRANCH).json()  # the mission's children by default
    assert [(item["edge"], item["node"]["label"], item["children"]) for item in root["items"]] == [
        ("contains", "Faster permits", 1),
        ("contains", "Open data", 2),
        ("contains", "Objectives serving no theme", 1),
        ("contains", "Work that traces to nothing", 1),
    ]
    online = api.get(BRANCH, node=f"objective:{map_org.online.pk}").json()
    assert [(item["edge"], item["node"]["id"]) for item in online["items"]] == [
        ("key_result", f"key_result:{map_org.applications.pk}"),
        ("cascade", f"objective:{map_org.launch.pk}"),
    ]
    launch = online["items"][1]["node"]
    assert launch["health"] == {
        "pace": "off_track",
        "word": "off track",
        "stalled": False,
        "progress": 0.1,
    }
    epic = f"epic:{map_org.form.pk}"
    first = api.get(BRANCH, node=epic, limit=2).json()
    assert (first["count"], first["offset"], first["next_offset"]) == (3, 0, 2)
    assert [item["node"]["label"] for item in first["items"]] == ["Form fields", "Upload documents"]
    rest = api.get(BRANCH, node=epic, limit=2, offset=2).json()
    assert [item["node"]["label"] for item in rest["items"]] == ["Save drafts"]
    assert rest["next_offset"] is None
    assert api.get(BRANCH, node=f"objective:{map_org.old.pk}").status_code == 404


def test_it_exports_each_format(cast: Cast, map_org: MapOrg) -> None:
    api = ApiClient(cast.viewer)
    document = api.get(EXPORT)
    assert document["Content-Type"] == "application/json"
    assert document["Content-Disposition"].startswith('attachment; filename="acme-alignment-map-')
    assert MapOut.model_validate_json(document.content).filters.stories is True
    dot = api.get(EXPORT, format="dot")
    assert dot["Content-Type"] == "text/vnd.graphviz; charset=utf-8"
    assert dot.content.decode().splitlines()[1] == "digraph alignment_map {"
    mermaid = api.get(EXPORT, format="mermaid", stories=True)
    assert mermaid.content.decode().count('["Story<br/>') == 6


def test_the_map_and_a_branch_cost_the_same_queries_however_big(
    cast: Cast, map_org: MapOrg
) -> None:
    api = ApiClient(cast.viewer)
    numbers = itertools.count(1)

    def grow() -> None:
        n = next(numbers)
        objective = goals.create_objective(
            map_org.access,
            title=f"Grown {n}",
            period=map_org.this_quarter,
            theme=map_org.faster,
            status="active",
        )
        result = goals.create_key_result(
            map_org.access, objective, title=f"Grown result {n}", baseline=0, target=5
        )
        epic = portfolio.create_epic(map_org.access, title=f"Grown {n}", key_results=[result])
        for story in range(3):
            portfolio.create_story(map_org.access, epic, title=f"Grown {n}.{story}")
            portfolio.create_story(map_org.access, map_org.form, title=f"More {n}.{story}")

    requests: list[tuple[str, dict[str, object]]] = [
        (MAP, {"stories": True}),
        (BRANCH, {"node": f"theme:{map_org.faster.pk}"}),
        (BRANCH, {"node": f"epic:{map_org.form.pk}"}),
        (EXPORT, {"format": "json"}),
    ]
    for path, query in requests:

        def fetch(path: str = path, query: dict[str, object] = query) -> None:
            assert api.get(path, **query).status_code == 200

        assert_queries_constant(fetch, grow)
