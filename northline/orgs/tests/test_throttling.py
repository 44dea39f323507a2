"""The API's throttles: failed bearer tokens per address, writes per user; 429 in the error shape
with Retry-After; and the rates they use by default (the test suite turns them off: conftest)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys

import pytest
import time_machine
from django.test import Client

from northline.lib.throttle import Rate
from northline.orgs.models import Team
from northline.testing import ApiClient

# 09:00:00 UTC starts a minute window (windows start on multiples of their length).
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def bad_token(n: int, address: str = "127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer nl_guess{n:04d}"})


def test_the_throttles_are_on_by_default():
    """The settings a fresh server starts with, without any NORTHLINE_* variable set."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NORTHLINE_")}
    environment["NORTHLINE_DATA_DIR"] = os.environ["NORTHLINE_DATA_DIR"]
    script = (
        "import json, northline.settings as s; print(json.dumps(["
        " s.NORTHLINE_API_TOKEN_FAILURE_RATE, s.NORTHLINE_API_WRITE_RATE,"
        " s.NORTHLINE_PASSWORD_RESET_RATE, s.AXES_FAILURE_LIMIT,"
        " s.AXES_COOLOFF_TIME.total_seconds(), s.CACHES['default']['BACKEND']]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout

    assert json.loads(output) == [
        "20/minute",
        "600/minute",
        "5/hour",
        5,
        900.0,
        "django.core.cache.backends.db.DatabaseCache",
    ]


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("20/minute", Rate(20, 60)),
        ("600/min", Rate(600, 60)),
        ("5/hour", Rate(5, 3600)),
        ("100/10s", Rate(100, 10)),
        ("1000/day", Rate(1000, 86400)),
        ("off", None),
        ("", None),
    ],
)
def test_it_reads_a_rate(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["20", "twenty/minute", "0/minute", "5/fortnight"])
def test_it_refuses_a_rate_it_cannot_read(text):
    with pytest.raises(ValueError, match="not a rate such as 20/minute"):
        Rate.parse(text)


# Failed bearer tokens, per address -------------------------------------------------------------


@pytest.fixture
def token_limit(settings):
    settings.NORTHLINE_API_TOKEN_FAILURE_RATE = "20/minute"


def test_it_refuses_an_address_after_20_bad_tokens_with_429_and_retry_after(
    db, token_limit, clock, caplog
):
    statuses = [bad_token(n).status_code for n in range(20)]
    clock.shift(dt.timedelta(seconds=25))

    with caplog.at_level(logging.WARNING, logger="northline.security"):
        refused = bad_token(20)

    assert statuses == [401] * 20
    assert refused.status_code == 429
    assert refused["Retry-After"] == "35"
    assert refused.json() == {
        "error": {
            "code": "throttled",
            "message": "Too many requests with a token that is not valid came from your address; "
            "retry after 35 seconds.",
            "fields": {},
        }
    }
    assert [r.getMessage() for r in caplog.records if r.name == "northline.security"] == [
        "throttled bearer token: GET /api/v1/me address=127.0.0.1 retry_after=35s"
    ]


def test_a_valid_token_from_that_address_is_refused_too_until_the_window_ends(
    cast, token_limit, clock
):
    good = ApiClient(cast.editor)
    for n in range(20):
        bad_token(n)

    during = good.get("/me")
    clock.shift(dt.timedelta(seconds=59))
    still = good.get("/me")
    clock.shift(dt.timedelta(seconds=1))
    after = good.get("/me")

    assert (during.status_code, during["Retry-After"]) == (429, "60")
    assert (still.status_code, still["Retry-After"]) == (429, "1")
    assert after.status_code == 200
    assert after.json()["username"] == "edith"


def test_other_addresses_and_good_tokens_are_not_counted(cast, token_limit, clock):
    good = ApiClient(cast.editor)
    for n in range(19):
        bad_token(n)
    for _ in range(30):
        assert good.get("/me").status_code == 200

    assert bad_token(19).status_code == 401  # the 20th failure is still answered
    assert bad_token(20, address="198.51.100.7").status_code == 401
    assert bad_token(21).status_code == 429


def test_a_request_without_a_token_is_not_a_guess(db, token_limit, clock):
    anonymous = Client()
    statuses = {anonymous.get("/api/v1/me").status_code for _ in range(25)}

    assert statuses == {401}


def test_the_token_throttle_can_be_turned_off(db, settings, clock):
    settings.NORTHLINE_API_TOKEN_FAILURE_RATE = "off"

    assert {bad_token(n).status_code for n in range(25)} == {401}


# Writes, per user ------------------------------------------------------------------------------


def create_team(api: ApiClient, name: str):
    """A write any admin may make (an API token cannot create tokens)."""
    return api.post("/orgs/acme/teams", {"name": name})


def test_it_throttles_writes_per_user(cast, settings, clock, caplog):
    settings.NORTHLINE_API_WRITE_RATE = "3/minute"
    admin = ApiClient(cast.admin)
    statuses = [create_team(admin, f"t{n}").status_code for n in range(3)]
    clock.shift(dt.timedelta(seconds=12))

    with caplog.at_level(logging.WARNING, logger="northline.security"):
        refused = create_team(admin, "t3")

    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "48"
    assert refused.json() == {
        "error": {
            "code": "throttled",
            "message": "Too many requests; retry after 48 seconds.",
            "fields": {},
        }
    }
    assert Team.objects.filter(name="t3").exists() is False
    assert [r.getMessage() for r in caplog.records if r.name == "northline.security"] == [
        "throttled API write: POST /api/v1/orgs/acme/teams address=127.0.0.1 retry_after=48s"
    ]


def test_reads_and_other_users_are_not_throttled_by_ones_writes(cast, settings, clock):
    settings.NORTHLINE_API_WRITE_RATE = "1/minute"
    admin, owner = ApiClient(cast.admin), ApiClient(cast.owner)
    assert create_team(admin, "first").status_code == 201
    assert create_team(admin, "second").status_code == 429

    reads = {admin.get("/me").status_code for _ in range(30)}

    assert reads == {200}
    assert create_team(owner, "own").status_code == 201


def test_writes_are_allowed_again_in_the_next_window(cast, settings, clock):
    settings.NORTHLINE_API_WRITE_RATE = "1/minute"
    admin = ApiClient(cast.admin)
    create_team(admin, "first")
    assert create_team(admin, "second").status_code == 429

    clock.shift(dt.timedelta(minutes=1))

    assert create_team(admin, "third").status_code == 201


def test_the_browser_session_is_throttled_as_the_same_user(cast, settings, clock):
    settings.NORTHLINE_API_WRITE_RATE = "1/minute"
    create_team(ApiClient(cast.admin), "by token")
    browser = Client(enforce_csrf_checks=False)
    browser.force_login(cast.admin)

    response = browser.post(
        "/api/v1/orgs/acme/teams",
        json.dumps({"name": "by session"}),
        content_type="application/json",
    )

    assert response.status_code == 429


# The schema -----------------------------------------------------------------------------------


def test_the_schema_documents_429_with_retry_after_on_reads_and_writes(client):
    schema = client.get("/api/v1/openapi.json").json()
    write = schema["paths"]["/api/v1/tokens"]["post"]["responses"]["429"]
    read = schema["paths"]["/api/v1/me"]["get"]["responses"]["429"]

    assert write["description"] == "Too many writes, or too many failed tokens; see Retry-After"
    assert read["description"] == "Too many failed tokens from your address; see Retry-After"
    for answer in (write, read):
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
        assert answer["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
