"""What every benchmark that reads through Django shares: a throwaway data dir set up like
production (the database task queue, SQLite in WAL mode), query counting, and the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup(data_dir: Path) -> None:
    """Django on a fresh SQLite database in ``data_dir``, migrated."""
    os.environ["NORTHLINE_DATA_DIR"] = str(data_dir)
    os.environ["NORTHLINE_HTTPS"] = "0"
    # The database queue, as in production: a move queues the feedback loop's recompute.
    os.environ["NORTHLINE_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["DJANGO_SETTINGS_MODULE"] = "northline.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # No collectstatic in a throwaway data dir: name static files straight from the package.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(action: Callable[[], Any]) -> tuple[float, int, Any]:
    """(seconds, queries, result) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    return elapsed, len(captured.captured_queries), result


def machine() -> str:
    return (
        f"Machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}."
    )
