"""How long /api/v1/docs takes to become usable: the time until the first operation shows.

Makes a fresh data dir, migrates it and, for each of ``--runs`` rounds, starts the production
server (`northline serve`, one gunicorn worker, no task worker) and opens the docs page in
Debian's Chromium (Playwright) twice:

- **cold**: the server's first request for the docs, in a fresh browser (no cached file): the
  server builds the OpenAPI schema, the browser downloads the renderer and the schema;
- **warm**: the same page again in the same browser, from the same server process;
- **settled**: a new server's first request for the docs ``--settle`` seconds after it
  answered /healthz, in a fresh browser: each worker builds the schema and the page in a
  thread as it starts (``northline.cli.warm_api_reference``), so a visitor who is not the very
  first request finds them ready.

The time is from the start of the navigation until the first operation of the schema is
visible (the first ``.api-operation``; Swagger UI's ``.opblock`` before 2026-12-05). Every
request to another host than the server is refused and counted (the page must need no
internet). Prints a Markdown table (median over the rounds), the schema's size and the machine.

    .venv/bin/python benchmarks/api_docs.py [--runs 5] [--settle 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, machine

CHROMIUM = "/usr/bin/chromium"
FIRST_OPERATION = ".api-operation summary"  # Swagger UI's was ".opblock"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(data_dir: Path) -> dict[str, str]:
    return os.environ | {
        "NORTHLINE_DATA_DIR": str(data_dir),
        "NORTHLINE_HTTPS": "0",
        "PYTHONPATH": str(ROOT),
    }


def northline(*args: str, data_dir: Path, **options) -> subprocess.Popen | None:
    command = [sys.executable, "-m", "northline", *args]
    if options.pop("background", False):
        return subprocess.Popen(command, env=environment(data_dir), **options)
    subprocess.run(command, env=environment(data_dir), check=True, capture_output=True)
    return None


def wait_until_healthy(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer /healthz in {seconds} s")


def until_first_operation(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(FIRST_OPERATION).first.wait_for(state="visible", timeout=60_000)
    return time.perf_counter() - started


def one_round(browser, data_dir: Path, log, settle: float = 0) -> tuple[float, float, int, int]:
    """(first-visit seconds, warm seconds, schema bytes, requests refused) on a fresh server
    whose docs are first asked for ``settle`` seconds after it is healthy."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = northline(
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-worker",
        data_dir=data_dir,
        background=True,
        stdout=log,
        stderr=log,
    )
    assert server is not None
    refused: list[str] = []
    try:
        wait_until_healthy(base)
        time.sleep(settle)
        context = browser.new_context(base_url=base)

        def only_this_server(route) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", only_this_server)
        page = context.new_page()
        cold = until_first_operation(page, "/api/v1/docs")
        warm = until_first_operation(page, "/api/v1/docs")
        with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as response:
            size = len(response.read())
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return cold, warm, size, len(refused)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=20)
    arguments = parser.parse_args()
    runs, settle = arguments.runs, arguments.settle
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="northline-bench-") as folder:
        data_dir = Path(folder)
        northline("migrate", data_dir=data_dir)
        colds, warms, settled = [], [], []
        with (
            (data_dir / "server.log").open("w") as log,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for number in range(runs):
                cold, warm, size, refused = one_round(browser, data_dir, log)
                first, _, _, _ = one_round(browser, data_dir, log, settle)
                colds.append(cold)
                warms.append(warm)
                settled.append(first)
                print(
                    f"round {number + 1}: cold {cold:.2f} s, warm {warm:.2f} s, "
                    f"settled {first:.2f} s, "
                    f"schema {size / 1024:.0f} KiB, requests to other hosts refused: {refused}",
                    file=sys.stderr,
                )
            browser.close()
    print(f"Until the first operation shows, median of {runs}:\n")
    print("| load | seconds |\n| --- | ---: |")
    print(f"| cold (new server process, empty browser cache) | {statistics.median(colds):.2f} |")
    print(f"| warm (same server, same browser) | {statistics.median(warms):.2f} |")
    print(
        f"| settled (new server, first visit {settle:g} s after it is healthy, empty browser "
        f"cache) | {statistics.median(settled):.2f} |"
    )
    print(f"\nSchema: {size:,} bytes. {machine()}")


if __name__ == "__main__":
    main()
