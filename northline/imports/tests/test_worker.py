"""Big imports in the worker: from services.WORKER_BYTES on, a preview and an apply wait for
``northline worker`` (the database queue, as in production), the import's page says so and shows
the worker's progress, and what the worker cannot do is refused with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from northline.imports import progress, services
from northline.imports.models import ImportRun
from northline.imports.tests.test_jira import FIXTURE
from northline.orgs import services as org_services
from northline.orgs.models import Membership
from northline.portfolio.models import Story
from northline.testing import ApiClient, Cast, signed_in

pytestmark = pytest.mark.django_db

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fixture is 2 KB; any file counts as big here.
    monkeypatch.setattr(services, "WORKER_BYTES", 1)


def upload(client: Any, content: bytes = b"") -> Any:
    return client.post(
        reverse("imports", args=["acme"]),
        {"source": "jira", "file": SimpleUploadedFile("big.csv", content or FIXTURE.read_bytes())},
    )


def work() -> None:
    """What `northline worker` does with the queue: run each waiting import task."""
    for result in DBTaskResult.objects.filter(task_path=services.run_queued_import.module_path):
        if result.status == "READY":
            services.run_queued_import.call(*result.args_kwargs["args"])
            result.delete()


@override_settings(TASKS=QUEUE)
def test_a_big_file_is_previewed_and_applied_by_the_worker_with_progress(cast: Cast):
    client = signed_in(cast.admin)
    response = upload(client)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("import_run", args=["acme", run.pk])
    assert (run.status, run.queued_action, run.log) == ("queued", "preview", [])
    page = client.get(response["Location"]).content.decode()
    assert "Previewing in the background" in page
    assert "No worker has been seen lately" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "Apply the import" not in page

    # The worker's progress, as it writes it while the import runs.
    progress.progress_file(run.pk).parent.mkdir(parents=True, exist_ok=True)
    progress.progress_file(run.pk).write_text("101 14000")
    page = client.get(response["Location"]).content.decode()
    assert "Row 101 of 14000." in page
    progress.progress_file(run.pk).unlink()

    work()
    run.refresh_from_db()
    assert (run.status, run.queued_action, run.counts["created"]) == ("previewed", "", 12)
    assert run.can_apply and not Story.objects.exists()
    assert not progress.progress_file(run.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Apply the import" in page and "line 15 (PERM-5)" in page

    applied = client.post(reverse("import_apply", args=["acme", run.pk]))
    queued = ImportRun.objects.latest("id")
    assert applied["Location"] == reverse("import_run", args=["acme", queued.pk])
    assert (queued.status, queued.queued_action) == ("queued", "apply")
    run.refresh_from_db()
    assert not run.can_apply  # the preview let go of its file: it cannot be applied twice
    assert "Applying in the background" in client.get(applied["Location"]).content.decode()
    assert not Story.objects.exists()
    work()
    queued.refresh_from_db()
    assert (queued.status, queued.counts["created"], bytes(queued.content)) == ("applied", 12, b"")
    assert Story.objects.filter(organization=cast.org).count() == 6


@override_settings(TASKS=QUEUE)
def test_what_stops_the_worker_refuses_the_import_with_its_reason(cast: Cast):
    client = signed_in(cast.admin)
    upload(client)
    run = ImportRun.objects.get()
    # The admin is made an editor before the worker gets to it: the worker imports as them.
    membership = Membership.objects.get(user=cast.admin, organization=cast.org)
    org_services.change_role(
        cast.owner_access, membership, version=membership.version, role="editor"
    )
    work()
    run.refresh_from_db()
    assert (run.status, run.counts) == ("refused", {"refused": 1})
    assert run.log[0]["location"] == "big.csv"
    assert run.log[0]["messages"] == [
        "Your role in Acme Ministry is editor; this needs admin or above."
    ]
    assert not Story.objects.exists() and bytes(run.content) == b""


def test_a_big_file_that_is_not_an_export_is_refused_at_upload(cast: Cast):
    response = upload(signed_in(cast.admin), b"just,some,csv\n1,2,3\n")
    assert response.status_code == 422
    assert "The file is not a Jira CSV export" in response.content.decode()
    assert not ImportRun.objects.exists()


@override_settings(TASKS=QUEUE)
def test_the_api_answers_a_big_upload_with_the_queued_import(cast: Cast):
    api = ApiClient(cast.admin)
    response = api.client.post(
        "/api/v1/orgs/acme/imports",
        {"source": "jira", "file": SimpleUploadedFile("big.csv", FIXTURE.read_bytes())},
        headers=api.headers,
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["can_apply"]) == ("queued", False)
    work()
    polled = api.get(f"/orgs/acme/imports/{response.json()['id']}").json()
    assert (polled["status"], polled["can_apply"]) == ("previewed", True)
