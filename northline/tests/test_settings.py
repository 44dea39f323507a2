"""Settings come from the environment (DESIGN §4) and are secure by default."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from northline.lib.config import (
    database_from_url,
    email_from_url,
    env_bool,
    load_or_create_secret_key,
)

REPO = Path(__file__).resolve().parents[2]


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # A fresh process as an operator would start it: none of our variables, and not the
    # async-unsafe switch that the browser tests set in this process.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NORTHLINE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "northline.settings", **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_reads_a_postgres_url() -> None:
    config = database_from_url(
        "postgres://north%40line:s3cr%2Ft@db.internal:5433/northline?sslmode=require",
        default_sqlite=Path("/unused"),
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == (
        "northline",
        "north@line",
        "s3cr/t",
    )
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_it_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    config = database_from_url("", default_sqlite=tmp_path / "northline.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "northline.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_it_refuses_an_unknown_database_scheme() -> None:
    with pytest.raises(ValueError, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://x@y/z", default_sqlite=Path("/unused"))


def test_it_reads_mail_urls() -> None:
    smtp = email_from_url("smtp://mailer:pw@mail.example.org:2525")
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"]["host"] == "mail.example.org"
    assert (smtp["OPTIONS"]["port"], smtp["OPTIONS"]["use_tls"]) == (2525, True)
    assert email_from_url("")["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_it_reads_booleans_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORTHLINE_X", "yes")
    assert env_bool("NORTHLINE_X") is True
    monkeypatch.setenv("NORTHLINE_X", "maybe")
    with pytest.raises(ValueError, match="NORTHLINE_X"):
        env_bool("NORTHLINE_X")


def test_it_keeps_one_secret_key_in_the_data_dir(tmp_path: Path) -> None:
    first = load_or_create_secret_key(tmp_path)
    assert len(first) >= 50
    assert load_or_create_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_it_puts_sqlite_in_wal_mode(tmp_path: Path) -> None:
    result = run_django({"NORTHLINE_DATA_DIR": str(tmp_path)}, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "northline.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert (tmp_path / "secret_key").exists()


def test_it_passes_the_deployment_checklist_under_production_settings(tmp_path: Path) -> None:
    env = {
        "NORTHLINE_DATA_DIR": str(tmp_path),
        "NORTHLINE_SECRET_KEY": "a" * 20 + "-production-key-" + "z" * 30,
        "NORTHLINE_ALLOWED_HOSTS": "northline.example.org",
        "NORTHLINE_EMAIL_URL": "smtp://northline:pw@mail.example.org:587",
    }
    result = run_django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_keeps_debug_off_unless_asked(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    off = run_django({"NORTHLINE_DATA_DIR": str(tmp_path)}, "shell", "--no-imports", "-c", script)
    assert off.stdout.split() == ["False", "True"], off.stderr
    on = run_django(
        {"NORTHLINE_DATA_DIR": str(tmp_path), "NORTHLINE_DEBUG": "1"},
        "shell",
        "--no-imports",
        "-c",
        script,
    )
    assert on.stdout.split() == ["True", "False"], on.stderr


def test_it_runs_on_the_database_ci_asked_for() -> None:
    """CI runs the suite once per database and sets NORTHLINE_EXPECT_DB; a silent fallback to
    SQLite would make the PostgreSQL run test nothing."""
    expected = os.environ.get("NORTHLINE_EXPECT_DB")
    if os.environ.get("CI", "").lower() in {"1", "true"}:
        assert expected, "CI must say which database it means to test (NORTHLINE_EXPECT_DB)"
    if expected:
        assert connection.vendor == expected
