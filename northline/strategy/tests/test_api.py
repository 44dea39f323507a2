"""The strategy API: identity, the authority flag, versions, strict bodies, the report."""

from __future__ import annotations

import pytest

from northline.orgs.models import Event, Notification
from northline.strategy.models import CoalitionBody, Decision, IdentityRevision, Theme

pytestmark = pytest.mark.django_db

ORG = "/orgs/acme"


def test_it_saves_identity_revisions_and_diffs_them(cast, api_as):
    editor = api_as(cast.editor)
    assert editor.get(f"{ORG}/identity").status_code == 404
    first = editor.post(
        f"{ORG}/identity/revisions",
        {"mission": "Issue permits.", "values": [{"name": "Care"}], "based_on": 0},
    )
    assert first.status_code == 201, first.content
    assert first.json()["number"] == 1
    second = editor.post(
        f"{ORG}/identity/revisions",
        {"mission": "Decide permits fast.", "note": "Sharper.", "based_on": 1},
    )
    assert second.json()["number"] == 2
    assert editor.get(f"{ORG}/identity").json()["mission"] == "Decide permits fast."
    listed = editor.get(f"{ORG}/identity/revisions").json()
    assert [item["number"] for item in listed["items"]] == [2, 1]
    assert editor.get(f"{ORG}/identity/revisions/1").json()["mission"] == "Issue permits."
    diff = editor.get(f"{ORG}/identity/diff", **{"from": 1, "to": 2}).json()
    assert diff["fields"][0] == {
        "field": "mission",
        "label": "Mission",
        "changed": True,
        "pieces": [
            {"tag": "removed", "text": "Issue permits."},
            {"tag": "added", "text": "Decide permits fast."},
        ],
    }
    assert diff["fields"][2]["pieces"] == [{"tag": "removed", "text": "Care"}]


def test_it_answers_409_to_a_revision_based_on_a_stale_one(cast, api_as):
    editor = api_as(cast.editor)
    editor.post(f"{ORG}/identity/revisions", {"mission": "One.", "based_on": 0})
    editor.post(f"{ORG}/identity/revisions", {"mission": "Two.", "based_on": 1})
    response = editor.post(f"{ORG}/identity/revisions", {"mission": "Late.", "based_on": 1})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert IdentityRevision.objects.count() == 2


def test_it_shows_the_authority_flag_in_the_api(cast, api_as, strategy):
    editor = api_as(cast.editor)
    body = editor.get(f"{ORG}/bodies/{strategy['body'].pk}").json()
    assert body["missing_authorities"] == ["change_process"]
    assert body["responsibility_without_authority"] is True
    assert body["responsibilities"][0]["needs"] == ["fund_epics", "change_process"]
    fixed = editor.patch(
        f"{ORG}/bodies/{strategy['body'].pk}",
        {"version": 1, "authorities": ["change_process", "fund_epics"]},
    ).json()
    assert fixed["authorities"] == ["fund_epics", "change_process"]
    assert fixed["missing_authorities"] == []
    assert fixed["responsibility_without_authority"] is False
    practice = editor.post(
        f"{ORG}/bodies/{strategy['body'].pk}/responsibilities", {"kind": "lab_program"}
    )
    assert practice.status_code == 201
    listed = editor.get(f"{ORG}/bodies").json()["items"]
    assert listed[0]["missing_authorities"] == ["staff_teams", "waive_gates"]


def test_it_answers_409_to_a_stale_patch_and_changes_nothing(cast, api_as, strategy):
    editor = api_as(cast.editor)
    theme_url = f"{ORG}/themes/{strategy['theme'].pk}"
    assert editor.patch(theme_url, {"version": 1, "status": "achieved"}).status_code == 200
    stale = editor.patch(theme_url, {"version": 1, "name": "Renamed"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert Theme.objects.get().name == "Online permits"
    decision_url = f"{ORG}/decisions/{strategy['decision'].pk}"
    assert editor.patch(decision_url, {"version": 1, "status": "accepted"}).status_code == 200
    assert editor.patch(decision_url, {"version": 1, "title": "x"}).status_code == 409
    assert Decision.objects.get().title == "Pilot with one team"
    body_url = f"{ORG}/bodies/{strategy['body'].pk}"
    assert editor.patch(body_url, {"version": 1, "member_ids": []}).status_code == 200
    assert editor.patch(body_url, {"version": 1, "name": "x"}).status_code == 409
    assert CoalitionBody.objects.get().name == "Value Office"


def test_it_refuses_unknown_fields_and_values(cast, api_as, strategy):
    editor = api_as(cast.editor)
    unknown = editor.post(f"{ORG}/swot", {"kind": "strength", "statement": "x", "colour": "red"})
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["error"]["fields"]
    bad_kind = editor.post(f"{ORG}/swot", {"kind": "hope", "statement": "x"})
    assert bad_kind.status_code == 422
    other_theme = editor.post(
        f"{ORG}/swot", {"kind": "strength", "statement": "x", "theme_ids": [99999]}
    )
    assert other_theme.status_code == 422
    assert other_theme.json()["error"]["fields"] == {
        "theme_ids": "No theme with id 99999 in this organization."
    }


def test_it_creates_a_lagging_indicator_for_a_theme_and_reports_its_health(cast, api_as, strategy):
    editor = api_as(cast.editor)
    url = f"{ORG}/themes/{strategy['theme'].pk}/indicators"
    response = editor.post(url, {"name": "Days to decide", "baseline": 90, "target": 30})
    assert response.status_code == 201
    indicators = response.json()["indicators"]
    assert [i["name"] for i in indicators] == ["Days to decide", "Share applied online"]
    assert indicators[0]["progress"] == 0.0
    created = indicators[0]["id"]
    assert editor.get(f"/orgs/acme/indicators/{created}").json()["kind"] == "lagging"
    unlinked = editor.delete(f"{url}/{created}")
    assert [i["name"] for i in unlinked.json()["indicators"]] == ["Share applied online"]
    relinked = editor.put(f"{url}/{created}")
    assert len(relinked.json()["indicators"]) == 2


def test_it_reports_planned_vs_actual(cast, api_as, strategy):
    editor = api_as(cast.editor)
    investment = strategy["investment"].pk
    spend = editor.post(
        f"{ORG}/investments/{investment}/spends",
        {"amount": "125.25", "spent_on": "2026-03-01", "category": "Hosting"},
    )
    assert spend.status_code == 201
    report = editor.get(f"{ORG}/investments/report").json()
    assert report["rows"][0]["planned"] == "1000.00"
    assert report["rows"][0]["actual"] == "375.25"
    assert report["rows"][0]["remaining"] == "624.75"
    assert report["themes"][0]["share_of_portfolio"] == 1.0
    assert editor.get(f"{ORG}/investments/{investment}").json()["actual"] == "375.25"
    both = editor.post(
        f"{ORG}/investments",
        {
            "theme_id": strategy["theme"].pk,
            "value_stream_id": strategy["stream"].pk,
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "planned_amount": "10",
        },
    )
    assert both.status_code == 422


def test_it_logs_a_strategy_decision_and_notifies_leadership(cast, api_as, strategy):
    editor = api_as(cast.editor)
    response = editor.post(
        f"{ORG}/decisions",
        {
            "title": "Give the office process authority",
            "topic": "strategy",
            "made_by_body_id": strategy["body"].pk,
            "links": [{"object_type": "strategy.theme", "object_id": "1", "label": "Permits"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["made_by_body_id"]) == ("proposed", strategy["body"].pk)
    assert body["links"][0]["label"] == "Permits"
    recipients = Notification.objects.values_list("recipient__username", flat=True)
    assert sorted(recipients) == ["adam", "olivia"]


def test_it_lists_who_holds_an_authority(cast, api_as, strategy):
    editor = api_as(cast.editor)
    holders = editor.get(f"{ORG}/authorities/fund_epics/holders").json()["items"]
    assert [person["name"] for person in holders] == ["Rosa Fischer"]
    assert editor.get(f"{ORG}/authorities/waive_gates/holders").json()["items"] == []


def test_it_deletes_with_an_audit_event(cast, api_as, strategy):
    editor = api_as(cast.editor)
    url = f"{ORG}/swot/{strategy['item'].pk}"
    assert editor.delete(url).status_code == 204
    assert editor.get(url).status_code == 404
    assert Event.objects.filter(object_type="strategy.swotitem", verb="deleted").count() == 1
