"""The `northline` command: in-process for the database commands, as a real process for
`demo` and `serve` (which set up Django themselves, against their own SQLite data dir)."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest
from django.contrib.auth import get_user_model

from northline.cli import main
from northline.orgs.models import ApiToken, Event, Organization
from northline.orgs.services import digest_of
from northline.orgs.tests.processes import (
    fetch,
    free_port,
    northline,
    start_northline,
    subprocess_test,
    wait_until_healthy,
)
from northline.testing import PASSWORD


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# createuser ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_a_user_with_a_good_password(capsys):
    code, out, _ = run(
        capsys,
        "createuser",
        "--username",
        "mira",
        "--email",
        "mira@example.org",
        "--password",
        "tidal-lantern-42",
    )

    assert (code, out) == (0, "Created user mira.\n")
    user = get_user_model().objects.get(username="mira")
    assert user.email == "mira@example.org"
    assert user.check_password("tidal-lantern-42")
    assert Event.objects.filter(verb="created", object_type="auth.user").count() == 1


@pytest.mark.django_db
def test_it_takes_the_password_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("NORTHLINE_PASSWORD", "tidal-lantern-42")

    code, _, _ = run(capsys, "createuser", "--username", "mira")

    assert code == 0
    assert get_user_model().objects.get(username="mira").check_password("tidal-lantern-42")


@pytest.mark.django_db
def test_it_refuses_a_weak_password_in_one_line(capsys):
    code, out, err = run(capsys, "createuser", "--username", "mira", "--password", "12345")

    assert code == 1
    assert out == ""
    assert err.startswith("northline: error: This password is too short.")
    assert err.count("\n") == 1
    assert not get_user_model().objects.filter(username="mira").exists()


@pytest.mark.django_db
def test_it_refuses_a_username_that_is_taken(cast, capsys):
    code, _, err = run(capsys, "createuser", "--username", "olivia", "--password", PASSWORD)

    assert (code, err) == (1, "northline: error: A user named 'olivia' exists.\n")


@pytest.mark.django_db
def test_it_asks_for_a_password_it_cannot_prompt_for(capsys, monkeypatch):
    monkeypatch.delenv("NORTHLINE_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    code, _, err = run(capsys, "createuser", "--username", "mira")

    assert code == 1
    assert err == (
        "northline: error: no password: pass --password, set NORTHLINE_PASSWORD "
        "or run in a terminal\n"
    )


# tokens --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_prints_a_new_token_once_and_stores_its_digest(cast, capsys):
    code, out, err = run(
        capsys, "token", "create", "--user", "edith", "--name", "nightly sync", "--org", "acme"
    )

    assert code == 0
    secret = out.strip()
    assert re.fullmatch(r"nl_[0-9a-f]{8}_[A-Za-z0-9_-]+", secret)
    token = ApiToken.objects.get(user=cast.editor)
    assert token.name == "nightly sync"
    assert token.digest == digest_of(secret)
    assert secret not in err

    code, out, _ = run(capsys, "token", "list", "--user", "edith")

    assert code == 0
    assert secret not in out
    assert re.search(rf"^\s+{token.pk}\s+{token.prefix}\s+active\s.*nightly sync$", out, re.M)


@pytest.fixture
def nightly_sync(cast, capsys) -> ApiToken:
    """Edith's token "nightly sync" for acme, made through the CLI."""
    run(capsys, "token", "create", "--user", "edith", "--name", "nightly sync", "--org", "acme")
    return ApiToken.objects.get(user=cast.editor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "answer", "revoked", "listed_as"),
    [
        ("edith", (0, "Revoked token {pk} (nightly sync).\n", ""), True, " revoked "),
        ("victor", (1, "", "northline: error: No API token with id {pk}.\n"), False, " active "),
    ],
    ids=["by-its-user", "by-someone-else"],
)
def test_it_revokes_a_token_only_for_its_user(
    nightly_sync: ApiToken, capsys, username, answer, revoked, listed_as
):
    token = nightly_sync

    code, out, err = run(capsys, "token", "revoke", "--user", username, str(token.pk))

    assert (code, out, err) == (answer[0], *(text.format(pk=token.pk) for text in answer[1:]))
    token.refresh_from_db()
    assert (token.revoked_at is not None) is revoked
    _, listing, _ = run(capsys, "token", "list", "--user", "edith")
    assert listed_as in listing


@pytest.mark.django_db
def test_it_names_an_unknown_user(capsys):
    code, _, err = run(capsys, "token", "list", "--user", "nobody")

    assert (code, err) == (1, "northline: error: no user named 'nobody'\n")


# export and import ---------------------------------------------------------------------------


def wipe_database():
    Organization.objects.all().delete()
    Event.objects.all()._raw_delete(Event.objects.db)
    get_user_model().objects.all().delete()


@pytest.mark.django_db
def test_it_exports_to_a_file_and_imports_it_back(cast, capsys, tmp_path):
    target = tmp_path / "acme.json"

    code, out, err = run(capsys, "export", "acme", "-o", str(target))

    assert (code, out) == (0, "")
    assert "Exported      4 auth.user\n" in err
    exported = target.read_text()
    assert json.loads(exported)["organization"] == "acme"

    wipe_database()
    code, _, err = run(capsys, "import", str(target))

    assert code == 0
    assert "Imported      1 orgs.organization\n" in err
    assert err.endswith("Imported organization acme (Acme Ministry).\n")
    run(capsys, "export", "acme", "-o", str(tmp_path / "again.json"))
    assert (tmp_path / "again.json").read_text() == exported


@pytest.mark.django_db
def test_it_exports_to_stdout_and_imports_from_stdin(cast, capsys, monkeypatch):
    _, out, _ = run(capsys, "export", "acme")
    wipe_database()
    monkeypatch.setattr(sys, "stdin", io.StringIO(out))

    code, _, _ = run(capsys, "import", "-")

    assert code == 0
    assert Organization.objects.get().slug == "acme"


@pytest.mark.django_db
def test_it_refuses_to_import_what_is_there(cast, capsys, tmp_path):
    target = tmp_path / "acme.json"
    run(capsys, "export", "acme", "-o", str(target))
    events = Event.objects.count()

    code, _, err = run(capsys, "import", str(target))

    assert code == 1
    assert err == "northline: error: This database already has an organization named 'acme'.\n"
    assert Event.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "nowhere"], "No organization named 'nowhere'."),
        (
            ["import", "/no/such/file.json"],
            "cannot read /no/such/file.json: No such file or directory",
        ),
    ],
)
def test_it_reports_user_errors_in_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)

    assert (code, out, err) == (1, "", f"northline: error: {message}\n")


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_json(capsys, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("hello")

    code, _, err = run(capsys, "import", str(target))

    assert code == 1
    assert err.startswith(f"northline: error: {target} is not JSON:")


def test_it_shows_help_for_every_command(capsys):
    for command in ["demo", "serve", "migrate", "createuser", "export", "import", "token"]:
        with pytest.raises(SystemExit) as stopped:
            main([command, "--help"])
        assert stopped.value.code == 0
        assert f"usage: northline {command}" in capsys.readouterr().out


# demo and serve, as real processes -----------------------------------------------------------


@subprocess_test
def test_it_prepares_the_demo_once_and_reuses_it(tmp_path):
    data_dir = tmp_path / "demo"

    first = northline("demo", "--no-serve", "--data-dir", str(data_dir), data_dir=tmp_path)

    assert first.returncode == 0, first.stderr
    assert "The demo is ready." in first.stdout
    assert "Login:     demo / northline-demo" in first.stdout
    assert "URL:       http://127.0.0.1:8000/" in first.stdout
    assert re.search(r"^\[3/\d+\] users…$", first.stderr, re.M)
    assert (data_dir / "northline.sqlite3").exists()
    assert (data_dir / "static" / "staticfiles.json").exists()

    second = northline("demo", "--no-serve", "--data-dir", str(data_dir), data_dir=tmp_path)

    assert second.returncode == 0, second.stderr
    assert "reused from an earlier run" in second.stdout
    assert "Login:     demo / northline-demo" in second.stdout
    assert "users…" not in second.stderr


@subprocess_test
def test_it_serves_pages_and_static_files_in_production_mode(tmp_path):
    migrated = northline("migrate", data_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    server = start_northline(
        *("serve", "--port", str(port), "--workers", "1"),
        data_dir=tmp_path,
        log=tmp_path / "serve.log",
        env={"NORTHLINE_HTTPS": "false"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(server, base, tmp_path / "serve.log", 60)

        status, page = fetch(f"{base}/login/")
        assert status == 200, (tmp_path / "serve.log").read_text()
        stylesheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', page)
        assert stylesheets, page
        for href in stylesheets:
            # The manifest storage names files by content hash: proof collectstatic ran.
            assert re.search(r"\.[0-9a-f]{12}\.css$", href), href
            assert fetch(base + href)[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
