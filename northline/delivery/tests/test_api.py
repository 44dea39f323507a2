"""The delivery API: a release from plan to decision, strict inputs, stale versions, the
matrix as JSON, a team's upcoming impacts and lead times."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.delivery.models import Notice
from northline.strategy.models import Decision
from northline.testing import Cast

BASE = "/orgs/acme/delivery"


def test_it_plans_moves_and_decides_a_release_with_an_override(cast: Cast, plan, api_as) -> None:
    editor = api_as(cast.editor)
    day = timezone.localdate() + dt.timedelta(days=30)
    release = editor.post(f"{BASE}/releases", {"name": "Spring", "planned_date": str(day)})
    assert release.status_code == 201, release.content
    release_id = release.json()["id"]
    feature = editor.post(
        f"{BASE}/features",
        {"title": "Chat pilot", "kind": "experiment", "release_id": release_id},
    )
    assert feature.status_code == 201, feature.content
    impact = editor.post(
        f"{BASE}/impacts",
        {"feature_id": feature.json()["id"], "team_id": plan.training.pk, "role": "impactee"},
    )
    assert impact.status_code == 201, impact.content

    moved = editor.patch(
        f"{BASE}/releases/{release_id}",
        {"version": 1, "planned_date": str(day - dt.timedelta(days=20))},
    )
    assert moved.status_code == 200, moved.content
    notices = editor.get(f"{BASE}/notices", release=release_id).json()["items"]
    assert [(n["reason"], n["days_left"], n["late"]) for n in notices] == [
        ("moved", 10, True),
        ("impact_added", 30, False),
    ]

    readiness = editor.get(f"{BASE}/releases/{release_id}/readiness").json()
    assert readiness["ready"] is False
    assert readiness["waiting"] == [{"id": plan.training.pk, "name": "Training"}]

    refused = editor.post(f"{BASE}/releases/{release_id}/decide", {"version": 2})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_ready"
    assert refused.json()["error"]["fields"] == {"override_reason": "Waiting for Training."}

    decided = editor.post(
        f"{BASE}/releases/{release_id}/decide",
        {"version": 2, "override_reason": "The course runs the week after."},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "decided"
    assert decided.json()["decided_by"] == "edith"
    entry = Decision.objects.get()
    assert entry.decision == "The course runs the week after."
    assert entry.made_by_person is not None
    assert (entry.made_by_person.name, entry.made_by_person.user) == ("Edith", cast.editor)


def test_it_answers_409_to_a_stale_version_and_changes_nothing(cast: Cast, plan, api_as) -> None:
    release = plan.release(30)
    editor = api_as(cast.editor)
    assert (
        editor.patch(f"{BASE}/releases/{release.pk}", {"version": 1, "name": "A"}).status_code
        == 200
    )
    stale = editor.patch(f"{BASE}/releases/{release.pk}", {"version": 1, "name": "B"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert editor.get(f"{BASE}/releases/{release.pk}").json()["name"] == "A"


def test_it_refuses_unknown_fields(cast: Cast, api_as) -> None:
    response = api_as(cast.editor).post(
        f"{BASE}/releases", {"name": "X", "planned_date": "2026-05-01", "status": "decided"}
    )
    assert response.status_code == 422
    assert "status" in response.json()["error"]["fields"]


def test_it_acknowledges_for_a_team_member(cast: Cast, plan, api_as) -> None:
    feature = plan.feature(plan.release(30))
    from northline.delivery import services

    contact = services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    training = services.add_impact(plan.access, feature, team=plan.training, role="impactee")
    editor = api_as(cast.editor)
    done = editor.post(f"{BASE}/impacts/{contact.pk}/acknowledge")
    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == "edith"
    assert editor.post(f"{BASE}/impacts/{training.pk}/acknowledge").status_code == 403


def test_it_serves_the_matrix_and_a_teams_upcoming_impacts(cast: Cast, plan, api_as) -> None:
    from northline.delivery import services

    release = plan.release(8)
    feature = plan.feature(release)
    services.add_impact(plan.access, feature, team=plan.builders, role="impactor")
    services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    viewer = api_as(cast.viewer)

    matrix = viewer.get(f"{BASE}/matrix").json()
    assert [group["release"]["name"] for group in matrix["groups"]] == ["Spring update"]
    assert [team["name"] for team in matrix["teams"]] == ["Contact Centre", "Permits Online"]
    cells = {(c["team_id"], c["role"], c["risk"]) for c in matrix["cells"]}
    assert cells == {(plan.builders.pk, "impactor", "ok"), (plan.contact.pk, "impactee", "late")}

    upcoming = viewer.get(f"{BASE}/teams/{plan.contact.pk}/upcoming", total="true").json()
    assert (upcoming["count"], upcoming["next"]) == (1, None)
    assert [
        (u["feature"]["title"], u["days_left"], u["lead_time"], u["risk"])
        for u in upcoming["items"]
    ] == [("Plain status page", 8, 10, "late")]
    assert Notice.objects.get().late is True


def test_it_sets_and_lists_lead_times(cast: Cast, plan, api_as) -> None:
    editor = api_as(cast.editor)
    assert editor.put(f"{BASE}/lead-times/{plan.builders.pk}", {"days": 3}).json()["days"] == 3
    listed = editor.get(f"{BASE}/lead-times", total="true").json()
    rows = {row["team_name"]: (row["days"], row["is_default"]) for row in listed["items"]}
    assert rows["Permits Online"] == (3, False)
    assert rows["Contact Centre"] == (10, False)
    # A page like every other list: two teams per page, by name.
    first = editor.get(f"{BASE}/lead-times", limit=2).json()
    assert [row["team_name"] for row in first["items"]] == ["Contact Centre", "Permits Online"]
    rest = editor.get(f"{BASE}/lead-times", limit=2, cursor=first["next"]).json()
    assert (len(rest["items"]), rest["next"]) == (1, None)
    assert (first["count"], listed["count"]) == (None, 3)
    assert editor.put(f"{BASE}/lead-times/{plan.builders.pk}", {"days": -1}).status_code == 422


def test_a_bad_value_in_a_list_parameter_names_the_parameter(cast, api_as):
    response = api_as(cast.viewer).get("/orgs/acme/delivery/matrix", release="abc")

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["release"]
