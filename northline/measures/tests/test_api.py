"""Indicators and readings through the API, judged by the rules of DESIGN §2.2."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from northline.measures import services
from northline.measures.models import Indicator, Reading
from northline.orgs.models import Event
from northline.testing import ApiClient, Cast, assert_queries_constant

WINDOW = {"start_date": "2026-01-01", "target_date": "2026-04-11"}  # 100 days


def make_indicator(cast: Cast, **fields: object) -> Indicator:
    defaults: dict[str, object] = {
        "name": "Claims decided in 30 days",
        "kind": "lagging",
        "unit": "%",
        "baseline": 20.0,
        "target": 100.0,
        "start_date": dt.date(2026, 1, 1),
        "target_date": dt.date(2026, 4, 11),
    }
    return services.create_indicator(cast.owner_access, **{**defaults, **fields})


def at_day(n: int) -> dt.datetime:
    return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=n)


def test_it_creates_an_indicator_and_infers_its_direction(cast: Cast) -> None:
    api = ApiClient(cast.editor)
    body = {"name": "Waiting days", "kind": "lagging", "baseline": 30, "target": 10, **WINDOW}
    response = api.post("/orgs/acme/indicators", body)
    assert response.status_code == 201
    assert response.json()["direction"] == "decrease"
    created = Event.objects.get(object_type="measures.indicator", verb="created")
    assert created.actor == cast.editor


def test_it_refuses_a_target_on_the_wrong_side_and_names_the_field(cast: Cast) -> None:
    api = ApiClient(cast.editor)
    body = {
        "name": "Satisfaction",
        "kind": "lagging",
        "direction": "increase",
        "baseline": 70,
        "target": 60,
        **WINDOW,
    }
    response = api.post("/orgs/acme/indicators", body)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["target"]
    assert not Indicator.objects.exists()


def test_it_refuses_a_window_that_ends_before_it_starts(cast: Cast) -> None:
    body = {
        "name": "Backwards",
        "kind": "leading",
        "baseline": 0,
        "target": 10,
        "start_date": "2026-05-01",
        "target_date": "2026-04-01",
    }
    response = ApiClient(cast.editor).post("/orgs/acme/indicators", body)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["target_date"]


def test_a_reading_moves_progress_and_pace(cast: Cast) -> None:
    indicator = make_indicator(cast)
    api = ApiClient(cast.editor)
    url = f"/orgs/acme/indicators/{indicator.pk}"
    before = api.get(f"{url}/health", at="2026-02-20T00:00:00Z").json()
    # Day 50 of 100, no reading yet: not started (no reading 7 days after the start).
    assert (before["progress"], before["expected"], before["pace"]) == (0.0, 0.5, "not_started")
    recorded = api.post(
        f"{url}/readings",
        {"value": 60, "recorded_at": "2026-02-10T00:00:00Z", "confidence": 70, "note": "Q1 push"},
    )
    assert recorded.status_code == 201
    assert recorded.json()["author"] == "edith"
    after = api.get(f"{url}/health", at="2026-02-20T00:00:00Z").json()
    # (60 − 20) / (100 − 20) = 0.5; expected 0.5 → on track.
    assert (after["progress"], after["pace"], after["readings"]) == (0.5, "on_track", 1)


def test_it_refuses_a_confidence_outside_zero_to_one_hundred(cast: Cast) -> None:
    indicator = make_indicator(cast)
    response = ApiClient(cast.editor).post(
        f"/orgs/acme/indicators/{indicator.pk}/readings", {"value": 50, "confidence": 120}
    )
    assert response.status_code == 422
    assert "confidence" in response.json()["error"]["fields"]
    assert not Reading.objects.exists()


def test_it_refuses_a_reading_in_the_future(cast: Cast) -> None:
    indicator = make_indicator(cast)
    tomorrow = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = ApiClient(cast.editor).post(
        f"/orgs/acme/indicators/{indicator.pk}/readings", {"value": 50, "recorded_at": tomorrow}
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["recorded_at"]


def test_readings_cannot_be_edited_or_deleted(cast: Cast) -> None:
    indicator = make_indicator(cast)
    reading = services.record_reading(cast.owner_access, indicator, value=30)
    reading.value = 99
    with pytest.raises(TypeError, match="append-only"):
        reading.save()
    with pytest.raises(TypeError, match="append-only"):
        reading.delete()
    assert Reading.objects.get().value == 30


def test_it_reports_three_equal_readings_as_stalled(cast: Cast) -> None:
    indicator = make_indicator(cast)
    for day in (10, 12, 14):
        services.record_reading(cast.owner_access, indicator, value=40, recorded_at=at_day(day))
    health = ApiClient(cast.viewer).get(
        f"/orgs/acme/indicators/{indicator.pk}/health", at=at_day(15).isoformat()
    )
    assert health.json()["stalled"] is True
    assert health.json()["unchanged_since"].startswith("2026-01-11")


def test_it_updates_with_a_version_and_refuses_a_stale_one(cast: Cast) -> None:
    indicator = make_indicator(cast)
    api = ApiClient(cast.editor)
    url = f"/orgs/acme/indicators/{indicator.pk}"
    assert api.patch(url, {"version": 1, "target": 90}).json()["version"] == 2
    stale = api.patch(url, {"version": 1, "target": 95})
    assert stale.status_code == 409
    indicator.refresh_from_db()
    assert indicator.target == 90


def test_the_readings_list_is_constant_in_queries(cast: Cast) -> None:
    indicator = make_indicator(cast)
    api = ApiClient(cast.viewer)
    url = f"/orgs/acme/indicators/{indicator.pk}/readings"

    def grow() -> None:
        for day in range(20):
            services.record_reading(
                cast.owner_access, indicator, value=day, recorded_at=at_day(day)
            )

    assert_queries_constant(lambda: api.get(url), grow)
