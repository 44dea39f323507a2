"""An import in a real browser: upload a Jira CSV, read the preview, change the mapping (a
status's column, a sprint's dates), save it, apply, and read the applied log. The screenshots
land in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.imports.models import ImportMapping, ImportRun
from northline.imports.tests.test_jira import FIXTURE
from northline.portfolio.models import Sprint, Story
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload_as_admin(page) -> None:
    """Sign in as an admin and upload the Jira fixture from the Imports page."""
    sign_in(page, "adam")
    page.goto("/o/acme/imports/")
    page.get_by_label("Source").select_option("jira")
    page.get_by_label("File").set_input_files(str(FIXTURE))
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()


def test_upload_preview_map_and_apply_a_jira_export(page, cast: Cast):
    upload_as_admin(page)
    expect(page.get_by_role("heading", name="permit-portal.csv")).to_be_visible()
    expect(page.get_by_text("Previewed (dry run)")).to_be_visible()
    expect(page.get_by_text("line 15 (PERM-5)")).to_be_visible()
    screenshot(page, "import_jira_preview")

    page.get_by_label("Waiting for Legal").select_option("doing")
    page.get_by_label("PERM Sprint 2: starts").fill("2026-03-02")
    page.get_by_label("PERM Sprint 2: ends").fill("2026-03-15")
    page.get_by_label("Save as this organization's Jira mapping").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Preview with this mapping").click()
    expect(page.get_by_text("Saved as this organization's Jira mapping.")).to_be_visible()
    # The new preview reads the status as mapped: its row no longer says it is unknown.
    assert page.get_by_text("“Waiting for Legal” is not one Northline knows").count() == 0
    assert page.get_by_label("Waiting for Legal").input_value() == "doing"
    assert Story.objects.count() == 0

    with page.expect_navigation():
        page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_text("Applied permit-portal.csv.")).to_be_visible()
    expect(page.locator(".badge.status-applied").first).to_be_visible()
    screenshot(page, "import_jira_applied")
    assert ImportRun.objects.filter(status="applied").count() == 1
    assert Story.objects.get(title="Book an inspection slot").state == "doing"
    assert Sprint.objects.get().name == "PERM Sprint 2"
    assert ImportMapping.objects.get().mapping["statuses"] == {"Waiting for Legal": "doing"}


def test_a_big_file_waits_for_the_worker_and_its_page_follows_it(
    page, cast: Cast, monkeypatch: pytest.MonkeyPatch
):
    from django.test import override_settings

    from northline.imports import progress, services

    monkeypatch.setattr(services, "WORKER_BYTES", 1)  # the 2 KB fixture counts as big
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        upload_as_admin(page)
        expect(page.get_by_role("heading", name="Previewing in the background")).to_be_visible()
        expect(page.get_by_text("No worker has been seen lately")).to_be_visible()
        run = ImportRun.objects.get()
        progress.progress_file(run.pk).parent.mkdir(parents=True, exist_ok=True)
        progress.progress_file(run.pk).write_text("7 14")
        # The page refreshes itself and shows the worker's count.
        page.get_by_text("Row 7 of 14.").wait_for(timeout=15_000)
        screenshot(page, "import_queued")
        progress.progress_file(run.pk).unlink()
        services.run_queued_import.call(run.pk)
        page.get_by_role("button", name="Apply the import").wait_for(timeout=15_000)
        expect(page.get_by_text("Previewed (dry run)").first).to_be_visible()
