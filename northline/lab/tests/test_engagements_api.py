"""The lab's API: gates, waivers, readiness and stale versions."""

from __future__ import annotations

from northline.lab.models import ChecklistItem
from northline.lab.tests.conftest import Lab, fresh, qualify
from northline.orgs.models import Event
from northline.strategy.models import Decision
from northline.testing import Cast


def base(cast: Cast) -> str:
    return f"/orgs/{cast.org.slug}/lab"


def test_it_refuses_advance_naming_each_unmet_precondition(cast: Cast, lab: Lab, api_as) -> None:
    qualify(cast, lab.engagement)
    engagement = fresh(lab.engagement)
    response = api_as(cast.editor).post(
        f"{base(cast)}/engagements/{engagement.pk}/advance", {"version": engagement.version}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "gate_closed"
    assert sorted(error["fields"].values()) == [
        "A product owner is named and has finished the training their role requires.",
        "An executive sponsor has committed to backing the team's way of working.",
    ]
    assert fresh(lab.engagement).version == engagement.version


def test_it_refuses_a_waiver_through_the_api_without_waive_gates(
    cast: Cast, lab: Lab, api_as
) -> None:
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    api = api_as(cast.editor)
    events = Event.objects.count()
    response = api.post(
        f"{base(cast)}/checklist-items/{item.pk}/waive",
        {"reason": "Trust me.", "version": item.version},
    )
    assert response.status_code == 403
    assert "waive_gates" in response.json()["error"]["message"]
    assert Event.objects.count() == events


def test_it_waives_through_the_api_and_logs_the_decision(cast: Cast, lab: Lab, api_as) -> None:
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    response = api_as(cast.owner).post(
        f"{base(cast)}/checklist-items/{item.pk}/waive",
        {"reason": "Booked on the next cohort.", "version": 1},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["waiver_reason"]) == ("waived", "Booked on the next cohort.")
    decision = Decision.objects.get(pk=body["waiver_decision_id"])
    assert (decision.topic, decision.decision) == ("lab", "Booked on the next cohort.")


def test_it_refuses_a_stale_checklist_update_with_409(cast: Cast, lab: Lab, api_as) -> None:
    item = ChecklistItem.objects.filter(
        engagement=lab.engagement, kind="precondition", check_key=""
    ).first()
    api = api_as(cast.editor)
    url = f"{base(cast)}/checklist-items/{item.pk}"
    assert api.patch(url, {"version": 1, "state": "met", "evidence": "A"}).status_code == 200
    stale = api.patch(url, {"version": 1, "state": "open"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    item.refresh_from_db()
    assert (item.state, item.version) == ("met", 2)


def test_it_reports_readiness_cells_and_the_gap(cast: Cast, lab: Lab, api_as) -> None:
    response = api_as(cast.viewer).get(f"{base(cast)}/engagements/{lab.engagement.pk}/readiness")
    body = response.json()
    # Only Pat's role (product owner) requires a course; Pat has no record.
    assert body["cells"] == [
        {"person_id": lab.pat.pk, "course_id": lab.course.pk, "state": "missing"}
    ]
    assert body["missing"] == body["cells"]
    assert [p["name"] for p in body["people"]] == [
        "Carl Contractor",
        "Dev Ops",
        "Emma Employee",
        "Pat Product",
    ]


def test_it_graduates_and_pivots_through_the_api_with_reasons(cast: Cast, lab: Lab, api_as) -> None:
    api = api_as(cast.editor)
    url = f"{base(cast)}/engagements/{lab.engagement.pk}"
    version = lab.engagement.version
    graduate = api.post(f"{url}/graduate", {"reason": "Done.", "version": version})
    assert graduate.status_code == 409
    assert api.post(f"{url}/pivot-away", {"reason": "", "version": version}).status_code == 422
    response = api.post(
        f"{url}/pivot-away", {"reason": "The service was outsourced.", "version": version}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "pivoted_away"
    assert response.json()["closing_reason"] == "The service was outsourced."


def test_it_refuses_a_waiver_without_a_version_naming_it(cast: Cast, lab: Lab, api_as) -> None:
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    api = api_as(cast.owner)
    events, decisions = Event.objects.count(), Decision.objects.count()
    response = api.post(
        f"{base(cast)}/checklist-items/{item.pk}/waive", {"reason": "Booked on the next cohort."}
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["version"]
    fresh_item = ChecklistItem.objects.get(pk=item.pk)
    assert (fresh_item.state, fresh_item.version) == ("open", item.version)
    assert (Event.objects.count(), Decision.objects.count()) == (events, decisions)


def test_it_refuses_a_stale_waiver_and_logs_nothing(cast: Cast, lab: Lab, api_as) -> None:
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    seen = item.version
    url = f"{base(cast)}/checklist-items/{item.pk}"
    editor, owner = api_as(cast.editor), api_as(cast.owner)
    noted = editor.patch(url, {"version": seen, "evidence": "Pat starts on Monday."})
    assert noted.status_code == 200, noted.content
    events, decisions = Event.objects.count(), Decision.objects.count()
    response = owner.post(f"{url}/waive", {"reason": "Booked on the next cohort.", "version": seen})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    fresh_item = ChecklistItem.objects.get(pk=item.pk)
    assert (fresh_item.state, fresh_item.version, fresh_item.waiver_reason) == (
        "open",
        seen + 1,
        "",
    )
    assert (Event.objects.count(), Decision.objects.count()) == (events, decisions)
    current = owner.post(
        f"{url}/waive", {"reason": "Booked on the next cohort.", "version": seen + 1}
    )
    assert current.status_code == 200, current.content
    assert (current.json()["state"], current.json()["version"]) == ("waived", seen + 2)


def test_it_refuses_to_close_a_stale_engagement(cast: Cast, lab: Lab, api_as) -> None:
    engagement = fresh(lab.engagement)
    api = api_as(cast.editor)
    url = f"{base(cast)}/engagements/{engagement.pk}"
    edited = api.patch(url, {"version": engagement.version, "product": "Harbour permits"})
    assert edited.status_code == 200, edited.content
    events, decisions = Event.objects.count(), Decision.objects.count()
    missing = api.post(f"{url}/pivot-away", {"reason": "Outsourced."})
    assert list(missing.json()["error"]["fields"]) == ["version"]
    stale = api.post(f"{url}/pivot-away", {"reason": "Outsourced.", "version": engagement.version})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    after = fresh(lab.engagement)
    assert (after.status, after.version) == ("candidate", engagement.version + 1)
    assert (Event.objects.count(), Decision.objects.count()) == (events, decisions)


def test_it_pages_the_checklist_qualification_composition_and_progress(
    cast: Cast, lab: Lab, api_as
) -> None:
    """Every list is a page ({items, next, limit, count}), these four too."""
    viewer = api_as(cast.viewer)
    url = f"{base(cast)}/engagements/{lab.engagement.pk}"

    qualification = viewer.get(f"{url}/qualification", limit=2, total="true").json()
    assert (qualification["count"], qualification["limit"]) == (5, 2)
    assert [item["criterion"] for item in qualification["items"]] == ["complex", "continuous"]
    last = viewer.get(f"{url}/qualification", offset=4).json()
    assert ([item["criterion"] for item in last["items"]], last["next"]) == (
        ["priority"],
        None,
    )

    # Pat, Dev and Emma are employees and co-located, Carl a contractor elsewhere; Pat has
    # not taken the product owner's course.
    composition = viewer.get(f"{url}/composition", total="true").json()
    assert (composition["count"], composition["next"]) == (4, None)
    assert [(rule["key"], rule["ok"]) for rule in composition["items"]] == [
        ("employees", True),
        ("product_owner_trained", False),
        ("devops", True),
        ("co_located", True),
    ]

    stored = ChecklistItem.objects.filter(engagement=lab.engagement).count()
    checklist = viewer.get(f"{url}/checklist", limit=3, total="true").json()
    assert (checklist["count"], len(checklist["items"])) == (stored, 3)
    assert checklist["next"] is not None

    progress = viewer.get(f"{url}/progress", total="true").json()
    assert [(row["phase"], row["is_current"]) for row in progress["items"]] == [
        ("Qualify", True),
        ("Align", False),
        ("Build", False),
        ("Graduate", False),
    ]
    assert progress["count"] == 4
