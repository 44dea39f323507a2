"""The index's API: /insights/index, one component's drill-down, and the snapshots; callers
who may not, the team filter, pagination and errors naming the field."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.goals import services as goals
from northline.insights.index.services import take_snapshots
from northline.insights.tests.index_org import Org
from northline.orgs import services as orgs
from northline.testing import Cast, assert_queries_constant


def base(cast: Cast) -> str:
    return f"/orgs/{cast.org.slug}/insights"


def routes(cast: Cast) -> list[str]:
    return [f"{base(cast)}/index", f"{base(cast)}/index/coverage", f"{base(cast)}/snapshots"]


def test_it_refuses_the_anonymous_caller(cast: Cast, api_as) -> None:
    for route in routes(cast):
        response = api_as(None).get(route)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_it_hides_the_routes_from_outsiders(cast: Cast, api_as) -> None:
    for route in routes(cast):
        response = api_as(cast.outsider).get(route)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_it_answers_the_index_with_every_component(cast: Cast, org: Org, api_as) -> None:
    body = api_as(cast.viewer).get(f"{base(cast)}/index").json()
    assert (body["team_id"], body["value"]) == (None, 58.3)
    summary = [
        (c["key"], c["value"], c["has_data"], c["passed"], c["total"], c["lowering_count"])
        for c in body["components"]
    ]
    assert summary == [
        ("traceability", 56.5, True, 13, 23, 1),
        ("coverage", 50.0, True, 3, 6, 3),
        ("movement", 60.0, True, 3, 5, 2),
        ("governance", 66.7, True, 2, 3, 1),
        ("understanding", None, False, 0, 0, 0),
    ]
    coverage = body["components"][1]
    assert coverage["label"] == "Coverage"
    assert coverage["parts"] == [
        {"name": "objectives", "passed": 2, "total": 3},
        {"name": "key results", "passed": 1, "total": 3},
    ]
    assert coverage["explanation"].startswith("Active objectives and their key results")


def test_it_answers_a_teams_index(cast: Cast, org: Org, api_as) -> None:
    body = api_as(cast.viewer).get(f"{base(cast)}/index", team=org.licensing.pk).json()
    assert (body["team_id"], body["value"]) == (org.licensing.pk, 29.5)


def test_it_refuses_a_team_of_another_organization_naming_the_field(
    cast: Cast, org: Org, api_as
) -> None:
    stranger = orgs.create_team(
        cast.access(cast.outsider, cast.other_org), name="Theirs", kind="product"
    )
    for route in routes(cast):
        response = api_as(cast.viewer).get(route, team=stranger.pk)
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["fields"] == {"team": "Not found."}
        assert error["message"] == f"No team with id {stranger.pk} in this organization."
    wrong = api_as(cast.viewer).get(f"{base(cast)}/index", team="permits")
    assert wrong.status_code == 422
    assert list(wrong.json()["error"]["fields"]) == ["team"]


def test_it_lists_the_records_that_lower_a_component(cast: Cast, org: Org, api_as) -> None:
    body = api_as(cast.viewer).get(f"{base(cast)}/index/traceability", total="true").json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "object_type": "portfolio.epic",
            "object_id": org.archive.pk,
            "label": "Archive scanning",
            "reason": (
                "10 points in 2 active stories; the epic drives no key result of an active "
                "objective and serves no active theme"
            ),
            "url": f"/o/acme/portfolio/epics/{org.archive.pk}/",
            "weight": 10.0,
        }
    ]


def test_it_pages_a_drill_down(cast: Cast, org: Org, api_as) -> None:
    viewer = api_as(cast.viewer)
    first = viewer.get(f"{base(cast)}/index/coverage", limit=2, total="true").json()
    assert (first["count"], first["limit"]) == (3, 2)
    assert [item["label"] for item in first["items"]] == ["Median days", "Appeals upheld"]
    rest = viewer.get(f"{base(cast)}/index/coverage", limit=2, cursor=first["next"]).json()
    assert ([item["label"] for item in rest["items"]], rest["next"]) == (
        ["Renew by phone"],
        None,
    )


def test_it_refuses_an_unknown_component(cast: Cast, api_as) -> None:
    response = api_as(cast.viewer).get(f"{base(cast)}/index/happiness")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["key"]


def test_it_lists_snapshots_in_a_range(cast: Cast, org: Org, api_as) -> None:
    today = timezone.localdate()
    for ago in (2, 1, 0):
        take_snapshots(cast.org, today - dt.timedelta(days=ago))
    api = api_as(cast.viewer)
    everything = api.get(f"{base(cast)}/snapshots", total="true").json()
    assert everything["count"] == 3
    assert everything["items"][-1] == {
        "taken_on": today.isoformat(),
        "team_id": None,
        "index": 58.3,
        "components": {
            "traceability": 56.5,
            "coverage": 50.0,
            "movement": 60.0,
            "governance": 66.7,
            "understanding": None,
        },
    }
    recent = api.get(f"{base(cast)}/snapshots", since=(today - dt.timedelta(days=1)).isoformat())
    assert [row["taken_on"] for row in recent.json()["items"]] == [
        (today - dt.timedelta(days=1)).isoformat(),
        today.isoformat(),
    ]
    team = api.get(
        f"{base(cast)}/snapshots",
        team=org.permits.pk,
        until=today.isoformat(),
        limit=1,
        total="true",
    ).json()
    assert team["count"] == 3
    assert team["next"] is not None
    assert team["items"][0]["team_id"] == org.permits.pk
    assert team["items"][0]["index"] == 95.0


def test_it_refuses_a_range_that_ends_before_it_starts(cast: Cast, api_as) -> None:
    today = timezone.localdate()
    response = api_as(cast.viewer).get(
        f"{base(cast)}/snapshots",
        since=today.isoformat(),
        until=(today - dt.timedelta(days=1)).isoformat(),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"since": "On or before “until”."}
    bad = api_as(cast.viewer).get(f"{base(cast)}/snapshots", since="yesterday")
    assert bad.status_code == 422
    assert list(bad.json()["error"]["fields"]) == ["since"]


def test_it_answers_the_index_in_constant_queries(cast: Cast, org: Org, api_as) -> None:
    api = api_as(cast.viewer)
    grown = {"n": 0}

    def grow() -> None:
        for _ in range(3):
            grown["n"] += 1
            objective = goals.create_objective(
                org.access, title=f"Grown {grown['n']}", period=org.period, status="active"
            )
            goals.create_key_result(org.access, objective, title="R", baseline=0, target=1)

    assert_queries_constant(lambda: api.get(f"{base(cast)}/index"), grow)
    assert_queries_constant(lambda: api.get(f"{base(cast)}/index/coverage"), grow)
