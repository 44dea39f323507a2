"""The goals API: records, versions, check-ins, progress and the cascade tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from northline.goals import services
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.tests.conftest import Goals
from northline.lib.errors import Invalid
from northline.orgs.models import Event
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

BASE = "/orgs/acme"


def test_it_creates_an_objective_and_a_key_result_then_checks_in(cast, goals: Goals, api_as):
    editor = api_as(cast.editor)
    created = editor.post(
        f"{BASE}/objectives",
        {
            "title": "Publish every permit decision",
            "period_id": goals.period.pk,
            "team_id": goals.child.team_id,
            "parent_id": goals.objective.pk,
            "status": "active",
        },
    )
    assert created.status_code == 201, created.content
    objective = created.json()
    assert (objective["parent_id"], objective["version"]) == (goals.objective.pk, 1)

    result = editor.post(
        f"{BASE}/key-results",
        {
            "objective_id": objective["id"],
            "title": "Decisions published",
            "baseline": 0,
            "target": 40,
            "unit": "decisions",
            "weight": 2,
        },
    )
    assert result.status_code == 201, result.content
    body = result.json()
    assert (body["kind"], body["baseline"], body["target"], body["weight"]) == (
        "lagging",
        0,
        40,
        2,
    )

    check_in = editor.post(
        f"{BASE}/key-results/{body['id']}/check-ins",
        {"value": 10, "confidence": 70, "note": "First batch out"},
    )
    assert check_in.status_code == 201, check_in.content
    assert check_in.json()["author"] == "edith"
    listed = editor.get(f"{BASE}/key-results/{body['id']}/check-ins").json()
    assert [(item["value"], item["note"]) for item in listed["items"]] == [(10, "First batch out")]


def test_a_key_result_keeps_its_check_in_cadence(cast, goals: Goals, api_as):
    """Weekly unless set; 1 to 365 days; a refused value names the field and changes nothing."""
    editor = api_as(cast.editor)
    url = f"{BASE}/key-results/{goals.key_result.pk}"
    shown = editor.get(url).json()
    assert shown["checkin_every_days"] == 7
    changed = editor.patch(url, {"version": shown["version"], "checkin_every_days": 14})
    assert changed.status_code == 200, changed.content
    assert changed.json()["checkin_every_days"] == 14
    for wrong in (0, 366):
        refused = editor.patch(url, {"version": shown["version"] + 1, "checkin_every_days": wrong})
        assert refused.status_code == 422
        assert "checkin_every_days" in refused.json()["error"]["fields"]
    assert KeyResult.objects.get(pk=goals.key_result.pk).checkin_every_days == 14
    event = Event.objects.filter(object_type="goals.keyresult", verb="updated").latest("pk")
    assert event.changes["checkin_every_days"] == [7, 14]
    created = editor.post(
        f"{BASE}/key-results",
        {
            "objective_id": goals.child.pk,
            "title": "Checked monthly",
            "baseline": 0,
            "target": 10,
            "checkin_every_days": 30,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["checkin_every_days"] == 30
    with pytest.raises(Invalid, match="1 to 365 days"):
        services.create_key_result(
            cast.owner_access,
            goals.child,
            title="Never",
            baseline=0,
            target=1,
            checkin_every_days=0,
        )


def test_it_reports_progress_that_moves_with_a_check_in(cast, goals: Goals, api_as):
    """The period began 60 days ago and ends in 30: expected ≈ 0.667–0.678 by now.
    Baseline 100, target 200; a check-in of 150 → 0.5 → at risk; 180 → 0.8 → on track."""
    editor = api_as(cast.editor)
    url = f"{BASE}/key-results/{goals.key_result.pk}"
    assert editor.get(f"{url}/progress").json()["pace"] == "not_started"

    editor.post(f"{url}/check-ins", {"value": 150})
    first = editor.get(f"{url}/progress").json()
    assert (first["progress"], first["pace"], first["stalled"]) == (0.5, "at_risk", False)

    editor.post(f"{url}/check-ins", {"value": 180})
    second = editor.get(f"{url}/progress").json()
    assert (second["progress"], second["pace"]) == (pytest.approx(0.8), "on_track")

    objective = editor.get(f"{BASE}/objectives/{goals.child.pk}/progress").json()
    assert objective["progress"] == pytest.approx(0.8)
    assert [kr["key_result_id"] for kr in objective["key_results"]] == [goals.key_result.pk]
    # The parent has no key results: the mean of its one child.
    parent = editor.get(f"{BASE}/objectives/{goals.objective.pk}/progress").json()
    assert (parent["progress"], parent["children"]) == (pytest.approx(0.8), [goals.child.pk])
    assert parent["score_final"] is False


def test_it_answers_409_to_stale_versions_and_changes_nothing(cast, goals: Goals, api_as):
    editor = api_as(cast.editor)
    for path, first, second in [
        (f"{BASE}/periods/{goals.period.pk}", {"name": "Renamed"}, {"name": "Lost"}),
        (f"{BASE}/objectives/{goals.child.pk}", {"title": "Renamed"}, {"title": "Lost"}),
        (f"{BASE}/key-results/{goals.key_result.pk}", {"title": "Renamed"}, {"title": "Lost"}),
    ]:
        assert editor.patch(path, {**first, "version": 1}).json()["version"] == 2
        events_before = Event.objects.count()
        refused = editor.patch(path, {**second, "version": 1})
        assert refused.status_code == 409, path
        assert refused.json()["error"]["code"] == "stale_version"
        assert Event.objects.count() == events_before
    assert Period.objects.get(pk=goals.period.pk).name == "Renamed"
    assert Objective.objects.get(pk=goals.child.pk).title == "Renamed"
    assert KeyResult.objects.get(pk=goals.key_result.pk).title == "Renamed"


def test_it_refuses_a_cycle_and_unknown_fields(cast, goals: Goals, api_as):
    editor = api_as(cast.editor)
    cycle = editor.patch(
        f"{BASE}/objectives/{goals.objective.pk}", {"parent_id": goals.child.pk, "version": 1}
    )
    assert cycle.status_code == 422
    assert cycle.json()["error"]["fields"] == {"parent_id": "This would make a cycle."}
    unknown = editor.post(
        f"{BASE}/periods",
        {"name": "Q", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "colour": "red"},
    )
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["error"]["fields"]


def test_it_answers_404_for_a_parent_of_another_organization(cast, goals: Goals, api_as):
    elsewhere = cast.access(cast.outsider, cast.other_org)
    period = services.create_period(
        elsewhere, name="Theirs", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    theirs = services.create_objective(elsewhere, title="Theirs", period=period)
    response = api_as(cast.editor).post(
        f"{BASE}/objectives",
        {"title": "Leaky", "period_id": goals.period.pk, "parent_id": theirs.pk},
    )
    assert response.status_code == 404
    assert not Objective.objects.filter(title="Leaky").exists()


def test_it_filters_objectives(cast, goals: Goals, api_as):
    viewer = api_as(cast.viewer)
    by_team = viewer.get(f"{BASE}/objectives", team=goals.child.team_id).json()
    assert [item["id"] for item in by_team["items"]] == [goals.child.pk]
    drafts = viewer.get(f"{BASE}/objectives", status="draft", total="true").json()
    assert drafts["count"] == 0
    in_period = viewer.get(f"{BASE}/objectives", period=goals.period.pk, total="true").json()
    assert in_period["count"] == 2


def test_it_deletes_a_key_result_but_not_a_period_in_use(cast, goals: Goals, api_as):
    editor = api_as(cast.editor)
    refused = editor.delete(f"{BASE}/periods/{goals.period.pk}")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "period_not_empty"
    assert editor.delete(f"{BASE}/key-results/{goals.key_result.pk}").status_code == 204
    assert not KeyResult.objects.exists()


def test_it_returns_the_cascade_as_nested_json(cast, goals: Goals, api_as):
    access = cast.owner_access
    now = timezone.now()
    for days_ago in (3, 2, 1):
        services.record_check_in(
            access, goals.key_result, value=120, recorded_at=now - dt.timedelta(days=days_ago)
        )
    tree = api_as(cast.viewer).get(f"{BASE}/goals/tree", period=goals.period.pk).json()

    assert tree["period"]["name"] == "This quarter"
    [group] = tree["groups"]
    assert group["theme"]["name"] == "Faster permits"
    [top] = group["objectives"]
    assert (top["title"], top["team"]) == ("Permits online end to end", None)
    [child] = top["children"]
    assert (child["title"], child["team"]) == ("Launch the online application", "Permits")
    [key_result] = child["key_results"]
    # (120 − 100) / (200 − 100) = 0.2, three equal check-ins → stalled; 0.2 < 0.667 − 0.25
    assert key_result["progress"] == pytest.approx(0.2)
    assert (key_result["stalled"], key_result["pace"]) == (True, "off_track")
    assert tree["needs_attention"] == [goals.key_result.pk]
    # Without ?period= the tree is the current period's.
    default = api_as(cast.viewer).get(f"{BASE}/goals/tree").json()
    assert default["period"]["id"] == goals.period.pk


def test_it_answers_404_for_the_tree_of_an_organization_without_periods(cast, api_as):
    response = api_as(cast.viewer).get(f"{BASE}/goals/tree")
    assert response.status_code == 404
    assert "no periods yet" in response.json()["error"]["message"]


def test_it_builds_the_tree_with_the_same_queries_for_n_and_5n_objectives(
    cast: Cast, goals: Goals, api_as
):
    from northline.goals.tests.test_views import add_objectives

    add_objectives(cast, goals, 3)
    viewer = api_as(cast.viewer)
    url = f"{BASE}/goals/tree"

    count = assert_queries_constant(
        lambda: viewer.get(url, period=goals.period.pk),
        lambda: add_objectives(cast, goals, 12),
    )

    # token, membership, period, objectives, the teams, key results, readings
    assert count == 7
    tree = viewer.get(url, period=goals.period.pk).json()
    assert len(tree["groups"][0]["objectives"][0]["children"]) == 1 + 15


@pytest.fixture
def winter(cast) -> dict:
    """A past period, 1 January to 31 March 2026 (a window of 89 days), with one team
    objective under an organization one, and a key result from 100 to 200 checked in at 120
    (10 January), 150 (10 February) and 190 (10 March), each at noon UTC."""
    access = cast.owner_access
    period = services.create_period(
        access, name="Winter 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    parent = services.create_objective(
        access, title="Harbour services online", period=period, status="active"
    )
    child = services.create_objective(
        access, title="Berth bookings online", period=period, parent=parent, status="active"
    )
    key_result = services.create_key_result(
        access, child, title="Bookings a month", baseline=100, target=200
    )
    for day, value in [((2026, 1, 10), 120), ((2026, 2, 10), 150), ((2026, 3, 10), 190)]:
        services.record_check_in(
            access,
            key_result,
            value=value,
            recorded_at=dt.datetime(*day, 12, tzinfo=dt.UTC),
        )
    return {"period": period, "parent": parent, "child": child, "key_result": key_result}


def test_it_judges_a_key_result_as_of_a_past_date(cast, winter, api_as):
    """?at=2026-02-10 is the end of 10 February (UTC): the check-ins of 120 and 150 count, so
    progress = (150 − 100) / (200 − 100) = 0.5; the elapsed share is 41 of 89 days ≈ 0.461,
    and 0.5 ≥ 0.461 − 0.10: on track. The period has not ended then: the score is 0.5."""
    viewer = api_as(cast.viewer)
    url = f"{BASE}/key-results/{winter['key_result'].pk}/progress"
    body = viewer.get(url, at="2026-02-10").json()
    assert (body["progress"], body["current"], body["readings"]) == (0.5, 150, 2)
    assert body["expected"] == pytest.approx(41 / 89)
    assert (body["pace"], body["stalled"], body["score"]) == ("on_track", False, 0.5)
    assert body["last_reading_at"] == "2026-02-10T12:00:00Z"
    # An aware moment: midnight UTC at the start of 31 January, only 120 counts:
    # progress 0.2, expected 30/89 ≈ 0.337; 0.2 < 0.337 − 0.10 but ≥ 0.337 − 0.25: at risk.
    early = viewer.get(url, at="2026-01-31T00:00:00Z").json()
    assert (early["progress"], early["readings"], early["pace"]) == (0.2, 1, "at_risk")
    assert early["expected"] == pytest.approx(30 / 89)
    # The same moment written in another zone judges the same.
    assert viewer.get(url, at="2026-01-31T01:00:00+01:00").json() == early


def test_it_judges_an_objective_and_the_tree_as_of_a_past_date(cast, winter, api_as):
    viewer = api_as(cast.viewer)
    child = viewer.get(f"{BASE}/objectives/{winter['child'].pk}/progress", at="2026-02-10").json()
    assert (child["progress"], child["pace"], child["score"]) == (0.5, "on_track", 0.5)
    assert child["expected"] == pytest.approx(41 / 89)
    assert child["score_final"] is False
    # The parent has no key results: the mean of its one child.
    parent = viewer.get(f"{BASE}/objectives/{winter['parent'].pk}/progress", at="2026-02-10").json()
    assert (parent["progress"], parent["children"]) == (0.5, [winter["child"].pk])
    # Without ?period= the tree is the period current on that date, not today's.
    tree = viewer.get(f"{BASE}/goals/tree", at="2026-02-10").json()
    assert tree["period"]["name"] == "Winter 2026"
    assert tree["at"] == "2026-02-10T23:59:59.999Z"
    [group] = tree["groups"]
    [top] = group["objectives"]
    [node] = top["children"]
    assert (top["title"], top["progress"], node["progress"]) == (
        "Harbour services online",
        0.5,
        0.5,
    )
    # After the period's end the score is final: 190 → 0.9.
    after = viewer.get(f"{BASE}/goals/tree", period=winter["period"].pk, at="2026-04-15").json()
    assert after["score_final"] is True
    assert after["groups"][0]["objectives"][0]["children"][0]["score"] == pytest.approx(0.9)


def test_it_refuses_an_at_without_a_time_zone_naming_it(cast, winter, api_as):
    viewer = api_as(cast.viewer)
    for url in [
        f"{BASE}/key-results/{winter['key_result'].pk}/progress",
        f"{BASE}/objectives/{winter['child'].pk}/progress",
        f"{BASE}/goals/tree",
    ]:
        response = viewer.get(url, at="2026-02-10T12:00:00")
        assert response.status_code == 422, url
        assert list(response.json()["error"]["fields"]) == ["at"], url
        assert viewer.get(url, at="10 February").status_code == 422, url
        # At the calendar's edge, where the moment in UTC would overflow.
        edge = viewer.get(url, at="0001-01-01T00:00:00+01:00")
        assert (edge.status_code, list(edge.json()["error"]["fields"])) == (422, ["at"]), url
    editor = api_as(cast.editor)
    check_in = editor.post(
        f"{BASE}/key-results/{winter['key_result'].pk}/check-ins",
        {"value": 160, "recorded_at": "0001-01-01T00:00:00+01:00"},
    )
    assert (check_in.status_code, list(check_in.json()["error"]["fields"])) == (
        422,
        ["recorded_at"],
    )
    assert winter["key_result"].indicator.readings.count() == 3
