"""benchmarks/load_profile.py without a server: it refuses any target but 127.0.0.1, parses its
arguments, and computes and prints its figures, so the load profile cannot rot unnoticed."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def load_profile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_profile", BENCHMARKS / "load_profile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_profile"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8000",
        "http://localhost:8000",
        "https://127.0.0.1:8000",
        "http://127.0.0.2:8000",
        "http://example.org",
        "http://user@127.0.0.1:8000",
    ],
)
def test_it_refuses_every_target_but_127_0_0_1(load_profile, url):
    with pytest.raises(load_profile.RefusedTarget, match=r"only http://127\.0\.0\.1"):
        load_profile.check_target(url)


def test_it_accepts_127_0_0_1_and_keeps_only_scheme_host_and_port(load_profile):
    assert load_profile.check_target("http://127.0.0.1:8123/me/?x=1") == "http://127.0.0.1:8123"


def test_it_refuses_a_database_elsewhere_and_a_sqlite_url(load_profile, capsys):
    with pytest.raises(SystemExit):
        load_profile.parse_args(["--database-url", "postgres://u:p@db.example.org:5432/n"])
    assert "must be on 127.0.0.1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        load_profile.parse_args(["--database-url", "sqlite:///tmp/x.sqlite3"])
    assert "must be postgres://" in capsys.readouterr().err


def test_its_defaults_are_ten_minutes_of_54_500_actions_an_hour_for_200_users(load_profile):
    args = load_profile.parse_args([])
    assert (args.duration, args.rate, args.users, args.database_url) == (600.0, 54_500, 200, "")
    args = load_profile.parse_args(["--duration", "2700", "--sign-in", "direct", "--users", "40"])
    assert (args.duration, args.sign_in, args.users) == (2700.0, "direct", 40)
    with pytest.raises(SystemExit):
        load_profile.parse_args(["--duration", "0"])


def test_the_mix_adds_up_and_the_roles_spread_like_a_programme(load_profile):
    assert math.isclose(sum(share for _, share, _ in load_profile.MIX), 1.0)
    assert load_profile.role_counts(200) == [
        ("owner", 2),
        ("admin", 6),
        ("editor", 152),
        ("viewer", 40),
    ]
    assert sum(n for _, n in load_profile.role_counts(40)) == 40


def test_percentiles_are_nearest_rank(load_profile):
    values = [float(n) for n in range(1, 101)]  # 1 … 100
    assert load_profile.percentile(values, 50) == 50.0
    assert load_profile.percentile(values, 95) == 95.0
    assert load_profile.percentile(values, 99) == 99.0
    assert load_profile.percentile([7.0], 99) == 7.0
    assert math.isnan(load_profile.percentile([], 50))


def test_it_counts_locked_database_lines_in_the_server_log(load_profile):
    log = (
        "GET /me/ 200\n"
        "django.db.utils.OperationalError: database is locked\n"
        "sqlite3.OperationalError: database is locked\n"
    )
    assert load_profile.count_locked(log) == {"database is locked": 2, "OperationalError": 2}


def test_the_summary_and_report_give_rates_percentiles_errors_and_goals(load_profile):
    stats = {name: load_profile.ActionStats() for name, _, _ in load_profile.MIX}
    for ms in range(1, 101):
        stats["board"].record(float(ms), "ok")
    stats["board"].record(900.0, "error", "500 Internal Server Error")
    stats["card move"].record(40.0, "ok")
    stats["card move"].record(45.0, "conflict")
    stats["map"].record(0.0, "not sent")
    summary = load_profile.summarize(stats, 10.0, [0.5, 2.0, 41.0], {"database is locked": 3})
    assert summary["requests"] == 104
    assert summary["rps"] == pytest.approx(10.3)  # the one not sent was not answered
    board = summary["actions"]["board"]
    assert (board["count"], board["errors"], board["p50_ms"], board["p99_ms"]) == (
        101,
        1,
        51.0,
        100.0,
    )
    assert board["error_bodies"] == ["500 Internal Server Error"]
    assert summary["actions"]["card move"]["conflicts"] == 1
    assert summary["actions"]["card move"]["errors"] == 0
    assert summary["queue_lag_max_s"] == 41.0
    assert summary["success"] == pytest.approx(102 / 104)
    not_sent = summary["actions"]["map"]
    assert (not_sent["count"], not_sent["errors"], not_sent["not_sent"]) == (1, 1, 1)
    assert math.isnan(not_sent["p50_ms"])  # not sent: no time to report
    text = load_profile.report(summary, target_rps=15.14)
    assert "104 actions in 10 s: 10.30 requests answered a second (target 15.14)" in text
    assert "| board | read | 101 | 51 | 96 | 100 | 1 (0.99 %) | 0 | 0 |" in text
    assert "| map | read | 1 | nan | nan | nan | 1 (100.00 %) | 1 | 0 |" in text
    assert "database is locked: 3" in text
    assert "FAIL: success >= 99.9 % (98.08 %)" in text
    assert "FAIL: queue lag < 30 s (max 41.0 s)" in text
    assert "PASS: p95 of every write < 150 ms (worst 45 ms)" in text


class Answer:
    def __init__(self, status: int, location: str = "", text: str = "") -> None:
        self.status_code, self.headers, self.text = status, {"location": location}, text


def test_it_tells_a_stale_version_from_an_error(load_profile):
    outcome = load_profile.outcome
    acknowledged = Answer(302, "/o/p/delivery/teams/3/?acknowledged=9#impact-9")
    assert outcome("acknowledge", 302, acknowledged) == ("ok", "")
    assert outcome("acknowledge", 302, Answer(302, "/x/?changed=9#impact-9"))[0] == "conflict"
    assert outcome("acknowledge", 302, Answer(302, "/login/"))[0] == "error"
    assert outcome("card move", 409, Answer(409, text="stale")) == ("conflict", "stale")
    assert outcome("check-in", 409, Answer(409, text="stale")) == ("error", "409 stale")
    assert outcome("board", 200, Answer(200)) == ("ok", "")
