"""Two `northline serve` on one host do not interfere (issue 16 item 8): each has its own
gunicorn control socket, in its data dir, instead of gunicorn's one per-user default path that a
second instance would take over; and each says on start what it serves."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gunicorn.ctl.client import ControlClient

from northline.cli import control_socket_path, database_label, secret_key_warning
from northline.orgs.tests import processes


def start(data_dir: Path, port: int, home: Path) -> tuple[subprocess.Popen, Path]:
    log = data_dir / "serve.log"
    server = processes.start_northline(
        *("serve", "--port", str(port), "--workers", "1"),
        data_dir=data_dir,
        log=log,
        # One HOME and no XDG_RUNTIME_DIR for both: gunicorn's default socket path would be
        # the same for the two, as it is for two instances run by one user.
        env={"NORTHLINE_HTTPS": "false", "HOME": str(home), "XDG_RUNTIME_DIR": ""},
    )
    return server, log


@processes.subprocess_test
def test_two_instances_on_one_host_each_keep_their_own_control_socket(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    dirs = [tmp_path / "one", tmp_path / "two"]
    ports = [processes.free_port(), processes.free_port()]
    for data_dir in dirs:
        data_dir.mkdir()
        assert processes.northline("migrate", data_dir=data_dir).returncode == 0
    servers = []
    try:
        for data_dir, port in zip(dirs, ports, strict=True):
            servers.append(start(data_dir, port, home))
        for (server, log), port in zip(servers, ports, strict=True):
            processes.wait_until_healthy(server, f"http://127.0.0.1:{port}", log, 90)
        # Both answer, each on its own port, while the other runs.
        for port in ports:
            assert processes.fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200

        for (server, log), data_dir, port in zip(servers, dirs, ports, strict=True):
            lines = [line for line in log.read_text().splitlines() if "serving http" in line]
            assert len(lines) == 1, log.read_text()
            assert lines[0].startswith("Northline ")
            assert f"serving http://127.0.0.1:{port} — " in lines[0]
            assert f"— data dir {data_dir} — " in lines[0]
            assert f"— database sqlite:{data_dir / 'northline.sqlite3'} — " in lines[0]
            assert "— 1 web worker, task worker on — " in lines[0]
            assert f"control socket {data_dir / 'gunicorn.ctl'}" in lines[0]

            # Each control socket is its own server's: it reports that server's pid.
            with ControlClient(str(data_dir / "gunicorn.ctl"), timeout=10) as client:
                stats = client.send_command("show stats")
            assert stats["pid"] == server.pid
        # Nothing at gunicorn's shared default path.
        assert not (home / ".gunicorn" / "gunicorn.ctl").exists()
    finally:
        for server, _ in servers:
            server.terminate()
        for server, _ in servers:
            server.wait(timeout=60)


def test_a_data_dir_too_deep_for_a_unix_socket_gets_none(tmp_path):
    assert control_socket_path(Path("/srv/northline")) == Path("/srv/northline/gunicorn.ctl")
    # 100 bytes is the limit: "/" + 86 × "d" + "/gunicorn.ctl" (13 bytes) = 100 bytes.
    assert control_socket_path(Path("/" + "d" * 86)) == Path("/" + "d" * 86 + "/gunicorn.ctl")
    assert control_socket_path(Path("/" + "d" * 87)) is None


def test_the_start_line_names_the_database_without_its_password():
    postgres = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "northline",
        "USER": "app",
        "PASSWORD": "s3cret-pw",
        "HOST": "db.internal",
        "PORT": "5433",
    }
    assert database_label(postgres) == "postgresql://db.internal:5433/northline"
    assert database_label(postgres | {"HOST": "", "PORT": ""}) == "postgresql://localhost/northline"
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": Path("/data/northline.sqlite3")}
    assert database_label(sqlite) == "sqlite:/data/northline.sqlite3"


def test_serve_warns_when_a_shared_database_meets_a_key_of_its_own():
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "northline"}
    warning = secret_key_warning(postgres, {})
    assert warning is not None
    assert "NORTHLINE_SECRET_KEY is not set" in warning
    assert "set the same NORTHLINE_SECRET_KEY on all of them" in warning
    assert secret_key_warning(postgres, {"NORTHLINE_SECRET_KEY": "k" * 50}) is None
    # One SQLite file serves one machine: its data dir's key is the key.
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": Path("/data/northline.sqlite3")}
    assert secret_key_warning(sqlite, {}) is None
