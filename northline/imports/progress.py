"""Where a big import's progress is kept while the worker runs it (issue 17): a file from
:data:`services.WORKER_BYTES` on is
previewed and applied by ``northline worker`` (which ``northline serve`` and ``northline demo``
start), so no web request waits minutes for it. The import's page shows it waiting, then its
progress, then its log.

The import itself is one transaction, and a SQLite database takes one writer at a time, so the
progress cannot be written to the database while the import runs: the worker writes it to a
small file in the data directory (``imports-progress/<id>``), which the page reads. Where the
worker and the web server do not share a data directory, the page says "running" without the
count.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from northline.imports.models import ImportRun


def progress_file(run_id: int) -> Path:
    return Path(settings.DATA_DIR) / "imports-progress" / str(run_id)


def progress_of(run: ImportRun) -> tuple[int, int] | None:
    """(rows done, rows in all) of a queued import the worker is running, if it says."""
    try:
        done, total = progress_file(run.pk).read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None
