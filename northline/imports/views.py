"""The Imports page (issue 17): upload an export, read the preview row by row, apply it, and
come back later to any import's log. Every member reads the imports and their logs (as they
read the history); only owners and admins preview and apply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from northline.imports import forms, progress, selectors, services
from northline.lib.errors import Conflict
from northline.lib.web import made_by, org_view, post_only, render_org, status_of
from northline.orgs.access import Access
from northline.orgs.worker import queue_state


@org_view
def imports(request: HttpRequest, access: Access) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access.require("manage")
        run = made_by(
            form,
            lambda data: services.preview_upload(
                access, source=data["source"], filename=form.filename, content=data["file"]
            ),
        )
        if run is not None:
            return redirect("import_run", slug=access.organization.slug, run_id=run.pk)
    page = Paginator(selectors.imports_of(access), 25).get_page(request.GET.get("page"))
    return render_org(
        request,
        access,
        "imports/imports.html",
        {"page": page, "form": form},
        nav="settings",
        status=status_of(form),
    )


@org_view
def import_run(request: HttpRequest, access: Access, run_id: int) -> HttpResponse:
    run = selectors.import_run(access, run_id)
    return show_run(request, access, run)


def show_run(
    request: HttpRequest, access: Access, run: Any, form: forms.MappingForm | None = None
) -> HttpResponse:
    rows = [entry for entry in run.log if entry["action"] != "skipped"]
    skipped = [entry["messages"][0] for entry in run.log if entry["action"] == "skipped"]
    if form is None and run.source in services.MAPPINGS and run.can_apply and access.can_manage:
        form = forms.MappingForm(run.found, run.mapping)
    waiting = run.status == "queued"
    return render_org(
        request,
        access,
        "imports/run.html",
        {
            "run": run,
            "rows": rows,
            "skipped": skipped,
            "mapping_form": form,
            "progress": progress.progress_of(run) if waiting else None,
            "queue": queue_state() if waiting else None,
        },
        nav="settings",
        status=status_of(form) if form is not None else 200,
    )


@post_only
@org_view
def import_mapping(request: HttpRequest, access: Access, run_id: int) -> HttpResponse:
    """Preview the kept file again under the mapping the form states (and maybe save it)."""
    preview = selectors.import_run(access, run_id)
    access.require("manage")
    form = forms.MappingForm(preview.found, preview.mapping, request.POST)
    run = made_by(
        form,
        lambda data: services.remap_preview(
            access, preview, mapping=form.mapping(), save=data["save"]
        ),
    )
    if run is not None:
        if form.cleaned_data["save"]:
            messages.success(request, "Saved as this organization's Jira mapping.")
        return redirect("import_run", slug=access.organization.slug, run_id=run.pk)
    return show_run(request, access, preview, form)


@post_only
@org_view
def import_apply(request: HttpRequest, access: Access, run_id: int) -> HttpResponse:
    preview = selectors.import_run(access, run_id)
    try:
        run = services.apply_preview(access, preview)
    except Conflict as refusal:
        messages.error(request, refusal.message)
        return redirect("import_run", slug=access.organization.slug, run_id=preview.pk)
    if run.status == "applied":
        messages.success(request, f"Applied {run.filename}.")
    else:
        messages.error(request, "Nothing was written: rows were refused (see the log).")
    return redirect("import_run", slug=access.organization.slug, run_id=run.pk)
