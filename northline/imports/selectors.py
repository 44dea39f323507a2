"""Reading imports: the organization's list (without the files and logs it does not show) and
one import with its log. Every member reads them, as they read the history."""

from __future__ import annotations

from django.db.models import QuerySet

from northline.imports.models import ImportRun
from northline.orgs.access import Access, get_in_org


def imports_of(access: Access) -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.filter(organization=access.organization)
        .defer("content", "log")
        .select_related("started_by")
        .order_by("-created_at", "-id")
    )


def import_run(access: Access, run_id: int) -> ImportRun:
    """404 outside the organization; every member reads an import's log, as the history."""
    return get_in_org(access, ImportRun.objects.select_related("started_by"), run_id)
