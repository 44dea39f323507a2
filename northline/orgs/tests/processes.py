"""`northline` as a real process, for the tests of `demo`, `serve` and the task worker: each
runs against its own SQLite data dir on a free port, with no test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# The subprocess tests use no test database and pick free ports, so any xdist worker can run
# them; the group keeps their heavy start-ups off each other under `--dist loadgroup`.
subprocess_test = pytest.mark.xdist_group("northline-subprocess")


def northline_process_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NORTHLINE_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env["NORTHLINE_DATA_DIR"] = str(data_dir)
    return env


def northline(*argv: str, data_dir: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "northline", *argv],
        env=northline_process_env(data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=180,
        **kwargs,
    )


def start_northline(
    *argv: str,
    data_dir: Path,
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start ``python -m northline *argv`` (a server: ``serve``, ``demo``) in the background,
    its output and errors written to ``log``; ``env`` adds to or overrides its environment."""
    with log.open("w") as output:  # the process writes to its own copy of the file
        return subprocess.Popen(
            [sys.executable, "-m", "northline", *argv],
            env=northline_process_env(data_dir) | (env or {}),
            cwd=cwd or data_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def wait_until_healthy(process: subprocess.Popen, base: str, log: Path, seconds: float) -> None:
    """Poll ``/healthz`` of a started server until it answers 200; fail with its log if it
    dies or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline and process.poll() is None and status != 200:
        try:
            status, _ = fetch(f"{base}/healthz")
        except OSError:
            status = None
        if status != 200:
            time.sleep(0.3)
    assert status == 200, log.read_text()
