"""The pulse survey API below /api/v1/orgs/{org}/insights/surveys/: every route for the
anonymous caller (401), the outsider (404) and the viewer who writes (403); surveys with
versions; links whose secret is shown once; anonymized answers; results by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from northline.insights.models import Survey, SurveyAnswer, SurveyLink
from northline.insights.surveys import services
from northline.insights.tests.test_surveys import Pulse
from northline.insights.tests.test_understanding import answer, five_answers
from northline.orgs.models import Event
from northline.orgs.services import digest_of
from northline.testing import ApiClient, assert_queries_constant

pytestmark = pytest.mark.django_db

BASE = "/orgs/acme/insights/surveys/"


def routes(survey_id: int, link_id: int) -> list[tuple[str, str, dict]]:
    one = f"{BASE}{survey_id}"
    return [
        ("get", BASE, {}),
        ("post", BASE, {"title": "New"}),
        ("get", one, {}),
        ("patch", one, {"version": 1, "title": "Renamed"}),
        ("post", f"{one}/close", {"version": 1}),
        ("post", f"{one}/reopen", {"version": 1}),
        ("get", f"{one}/links", {}),
        ("post", f"{one}/links", {"label": "Bo"}),
        ("post", f"{one}/links/{link_id}/revoke", {}),
        ("get", f"{one}/answers", {}),
        ("post", f"{one}/answers", {"purpose": "Mine."}),
        ("get", f"{one}/results", {}),
    ]


def call_every_route(client: ApiClient, pulse: Pulse, link_id: int) -> list[tuple[str, str, Any]]:
    """Each route called by ``client``: (its method, "method path", the response)."""
    return [
        (method, f"{method} {path}", client.call(method, path, body))
        for method, path, body in routes(pulse.survey.pk, link_id)
    ]


def test_it_refuses_the_anonymous_caller_on_every_route(pulse: Pulse, link_id: int) -> None:
    for _, route, response in call_every_route(ApiClient(), pulse, link_id):
        assert response.status_code == 401, route
        assert response.json()["error"]["code"] == "not_authenticated"


def test_it_hides_every_route_from_outsiders(pulse: Pulse, link_id: int) -> None:
    cast = pulse.cast
    before = Event.objects.filter(organization=cast.org).count()
    outsider = ApiClient(cast.outsider)
    for _, route, response in call_every_route(outsider, pulse, link_id):
        assert response.status_code == 404, route
    # A member of elsewhere asking for acme's survey under elsewhere's slug: not found.
    theirs = outsider.get(f"/orgs/elsewhere/insights/surveys/{pulse.survey.pk}")
    assert theirs.status_code == 404
    assert Event.objects.filter(organization=cast.org).count() == before


def test_it_refuses_every_write_by_a_viewer_and_lets_them_read(pulse: Pulse, link_id: int) -> None:
    cast = pulse.cast
    before = Event.objects.filter(organization=cast.org).count()
    for method, route, response in call_every_route(ApiClient(cast.viewer), pulse, link_id):
        expected = 200 if method == "get" else 403
        assert response.status_code == expected, f"{route}: {response.content!r}"
    assert Event.objects.filter(organization=cast.org).count() == before
    assert SurveyAnswer.objects.count() == 0


def test_the_anonymity_threshold_defaults_to_five_and_never_goes_below_three(
    pulse: Pulse, api_as
) -> None:
    editor = api_as(pulse.cast.editor)
    created = editor.post(BASE, {"title": "Default pulse"})
    assert created.json()["shown_from"] == 5
    refused = editor.post(BASE, {"title": "Too few", "shown_from": 2})
    assert refused.status_code == 422
    assert "shown_from" in refused.json()["error"]["fields"]
    one = f"{BASE}{created.json()['id']}"
    low = editor.patch(one, {"version": 1, "shown_from": 1})
    assert (low.status_code, "shown_from" in low.json()["error"]["fields"]) == (422, True)
    raised = editor.patch(one, {"version": 1, "shown_from": 7})
    assert (raised.status_code, raised.json()["shown_from"]) == (200, 7)


def test_it_creates_reads_edits_closes_and_reopens_a_survey(pulse: Pulse, api_as) -> None:
    editor = api_as(pulse.cast.editor)
    closes = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    created = editor.post(
        BASE, {"title": "Permits pulse", "team_id": pulse.permits.pk, "closes_on": closes}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("title", "team", "status", "state", "closes_on", "version")} == {
        "title": "Permits pulse",
        "team": {"id": pulse.permits.pk, "name": "Permits"},
        "status": "open",
        "state": "open",
        "closes_on": closes,
        "version": 1,
    }
    assert (body["answer_count"], body["link_count"]) == (0, 0)
    one = f"{BASE}{body['id']}"
    patched = editor.patch(one, {"version": 1, "title": "Permits team pulse"})
    assert (patched.status_code, patched.json()["title"], patched.json()["version"]) == (
        200,
        "Permits team pulse",
        2,
    )
    stale = editor.patch(one, {"version": 1, "title": "Lost"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert editor.get(one).json()["title"] == "Permits team pulse"
    closed = editor.post(f"{one}/close", {"version": 2})
    assert (closed.status_code, closed.json()["state"]) == (200, "closed")
    again = editor.post(f"{one}/close", {"version": 3})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_closed")
    reopened = editor.post(f"{one}/reopen", {"version": 3})
    assert (reopened.status_code, reopened.json()["status"]) == (200, "open")


def test_it_answers_bad_survey_input_naming_the_field(pulse: Pulse, api_as) -> None:
    editor = api_as(pulse.cast.editor)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    refused = editor.post(BASE, {"title": "Late", "closes_on": past})
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["closes_on"]
    unknown = editor.post(BASE, {"title": "X", "status": "closed"})
    assert unknown.status_code == 422
    assert "status" in unknown.json()["error"]["fields"]
    missing_team = editor.post(BASE, {"title": "X", "team_id": 999_999})
    assert missing_team.status_code == 404
    assert missing_team.json()["error"]["fields"] == {"team_id": "Not found."}
    assert Survey.objects.count() == 1


def test_it_lists_surveys_in_pages(pulse: Pulse, api_as) -> None:
    for index in range(3):
        services.create_survey(pulse.editor, title=f"Extra {index}")
    page = api_as(pulse.cast.viewer).get(BASE, limit=2, total="true")
    body = page.json()
    assert body["count"] == 4
    assert [item["title"] for item in body["items"]] == ["Extra 2", "Extra 1"]
    rest = api_as(pulse.cast.viewer).get(BASE, limit=2, cursor=body["next"]).json()
    assert [item["title"] for item in rest["items"]] == ["Extra 0", "Purpose pulse"]
    assert rest["next"] is None


def test_it_shows_a_links_secret_once_and_lists_and_revokes_links(pulse: Pulse, api_as) -> None:
    editor = api_as(pulse.cast.editor)
    one = f"{BASE}{pulse.survey.pk}"
    created = editor.post(f"{one}/links", {"label": "Ann", "expires_in_days": 3})
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    assert body["path"] == f"/o/acme/insights/surveys/answer/{secret}/"
    assert (body["label"], body["state"]) == ("Ann", "active")
    assert SurveyLink.objects.get(pk=body["id"]).digest == digest_of(secret)
    listed = editor.get(f"{one}/links").json()
    assert [item["label"] for item in listed["items"]] == ["Ann"]
    assert secret not in str(listed)
    assert "secret" not in listed["items"][0]
    too_long = editor.post(f"{one}/links", {"label": "Bo", "expires_in_days": 91})
    assert too_long.status_code == 422
    assert "expires_in_days" in too_long.json()["error"]["fields"]
    revoked = editor.post(f"{one}/links/{body['id']}/revoke")
    assert (revoked.status_code, revoked.json()["state"]) == (200, "revoked")
    twice = editor.post(f"{one}/links/{body['id']}/revoke")
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_revoked")
    assert [i["label"] for i in editor.get(f"{one}/links", state="revoked").json()["items"]] == [
        "Ann"
    ]
    assert editor.get(f"{one}/links", state="active").json()["items"] == []
    # A link id of another survey is not found under this one.
    other = services.create_survey(pulse.editor, title="Other")
    assert editor.post(f"{BASE}{other.pk}/links/{body['id']}/revoke").status_code == 404


def test_it_takes_one_answer_from_the_caller(pulse: Pulse, api_as) -> None:
    editor = api_as(pulse.cast.editor)
    path = f"{BASE}{pulse.survey.pk}/answers"
    taken = editor.post(
        path,
        {
            "purpose": "Moorings online.",
            "objective_id": pulse.moorings.pk,
            "team_id": pulse.permits.pk,
        },
    )
    assert taken.status_code == 201, taken.content
    assert taken.json() == {
        "survey_id": pulse.survey.pk,
        "answered_on": timezone.localdate().isoformat(),
        "team_id": pulse.permits.pk,
        "objective_id": pulse.moorings.pk,
    }
    again = editor.post(path, {"purpose": "Again."})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_answered")
    draft = api_as(pulse.cast.admin).post(path, {"purpose": "X.", "objective_id": pulse.draft.pk})
    assert draft.status_code == 422
    assert list(draft.json()["error"]["fields"]) == ["objective_id"]
    empty = api_as(pulse.cast.admin).post(path, {"purpose": ""})
    assert empty.status_code == 422
    assert "purpose" in empty.json()["error"]["fields"]
    assert SurveyAnswer.objects.count() == 1


def test_it_lists_answers_anonymized_only_from_three(pulse: Pulse, api_as) -> None:
    viewer = api_as(pulse.cast.viewer)
    path = f"{BASE}{pulse.survey.pk}/answers"
    answer(pulse, "Online mooring applications", pulse.moorings, pulse.permits)
    assert viewer.get(path, total="true").json()["count"] == 0
    answer(pulse, "Whatever my manager asks", pulse.faster, pulse.permits)
    answer(pulse, "Lunch breaks", None, pulse.contact)
    body = viewer.get(path, total="true").json()
    assert body["count"] == 3
    assert body["items"] == [
        {
            "purpose": "Lunch breaks",
            "objective": None,
            "team": None,
            "in_own_chain": False,
            "echoes_strategy": False,
            "best_match": 0.0,
            "reasons": [
                "did not name an objective",
                "purpose shares few words with the mission and objectives (best match 0.00)",
            ],
        },
        {
            "purpose": "Online mooring applications",
            "objective": "Online mooring applications",
            "team": None,  # Permits gave two answers: too few to name
            "in_own_chain": True,
            "echoes_strategy": True,
            "best_match": 1.0,
            "reasons": [],
        },
        {
            "purpose": "Whatever my manager asks",
            "objective": "Decide permits faster",
            "team": None,
            "in_own_chain": True,
            "echoes_strategy": False,
            "best_match": 0.0,
            "reasons": [
                "purpose shares few words with the mission and objectives (best match 0.00)"
            ],
        },
    ]


def test_it_reads_the_results_by_hand(pulse: Pulse, api_as) -> None:
    five_answers(pulse)
    body = api_as(pulse.cast.viewer).get(f"{BASE}{pulse.survey.pk}/results").json()
    assert (body["answers"], body["dont_know"], body["value"], body["threshold"]) == (
        5,
        1,
        60.0,
        0.2,
    )
    assert body["own_chain"] == {"passed": 3, "total": 5, "percent": 60.0}
    assert body["echoes_strategy"] == {"passed": 3, "total": 5, "percent": 60.0}
    assert body["texts_shown"] is True
    assert [a["purpose"] for a in body["most_aligned"]] == [
        "Online mooring applications",
        "Decide permits faster",
    ]
    assert [a["purpose"] for a in body["least_aligned"]] == [
        "Lunch breaks",
        "Whatever my manager asks",
    ]
    assert {"word": "permits", "answers": 1, "in_strategy": True} in body["words"]
    assert {
        "label": "An answer to “Purpose pulse”: “Answer calls first time”",
        "reason": "named an objective outside the Permits team's chain: Answer calls first time",
    } in body["lowering"]


def test_the_results_take_the_same_queries_whatever_the_answers(pulse: Pulse, api_as) -> None:
    viewer = api_as(pulse.cast.viewer)
    five_answers(pulse)
    path = f"{BASE}{pulse.survey.pk}/results"

    def grow() -> None:
        for index in range(6):
            answer(pulse, f"Coast work {index}", pulse.calls, pulse.contact)

    assert_queries_constant(lambda: viewer.get(path), grow)
    assert_queries_constant(lambda: viewer.get(f"{BASE}{pulse.survey.pk}/answers"), grow)
    assert_queries_constant(
        lambda: viewer.get(BASE), lambda: services.create_survey(pulse.editor, title="More")
    )
