"""Big imports in the worker (issue 17): a file from :data:`services.WORKER_BYTES` on is
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
from django.db import transaction
from django.tasks import task

from northline.imports import services
from northline.imports.models import ImportRun, ImportStatus
from northline.lib.errors import DomainError
from northline.orgs.access import access_organization


def progress_file(run_id: int) -> Path:
    return Path(settings.DATA_DIR) / "imports-progress" / str(run_id)


def progress_of(run: ImportRun) -> tuple[int, int] | None:
    """(rows done, rows in all) of a queued import the worker is running, if it says."""
    try:
        done, total = progress_file(run.pk).read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None


@task()
def run_queued_import(run_id: int) -> str:
    """Preview or apply a queued import as the person who queued it; whatever stops it (the
    file, a mapping, their role taken away since) refuses it with the reason in its log."""
    run = ImportRun.objects.select_related("organization", "started_by").get(pk=run_id)
    if run.status != ImportStatus.QUEUED:
        return run.status
    path = progress_file(run.pk)
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(index: int, count: int) -> None:
        if index % 100 == 0 or index == count - 1:
            path.write_text(f"{index + 1} {count}")

    dry_run = run.queued_action == "preview"
    try:
        access = access_organization(run.started_by, run.organization.slug)
        content = bytes(run.content)
        mapped = services.SOURCES[run.source](content, run.mapping)
        done = services.run_import(
            access,
            source=run.source,
            filename=run.filename,
            content=content,
            mapped=mapped,
            dry_run=dry_run,
            progress=progress,
            mapping=run.mapping,
            run=run,
        )
    except DomainError as error:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.REFUSED,
                queued_action="",
                content=b"",
                log=[
                    {
                        "kind": "file",
                        "action": "refused",
                        "key": None,
                        "location": run.filename,
                        "title": run.filename,
                        "adjusted": False,
                        "messages": [services.refusal_message(error)],
                        "id": None,
                    }
                ],
                counts={"refused": 1},
            )
        return ImportStatus.REFUSED
    finally:
        path.unlink(missing_ok=True)
    if not (dry_run and done.status == ImportStatus.PREVIEWED):
        # Applied or refused: the file is no longer needed; a preview keeps it to be applied.
        ImportRun.objects.filter(pk=run.pk).update(content=b"")
    return done.status
