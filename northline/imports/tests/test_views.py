"""The Imports page: a preview from an upload, its log row by row, applying it once, and the
refusals (a file that is not an export, a second apply, callers who may not import)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from northline.imports.models import ImportRun
from northline.imports.tests.test_taiga import FIXTURE
from northline.portfolio.models import Epic, Story
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "permit-portal-export.json") -> dict:
    return {"source": "taiga", "file": SimpleUploadedFile(name, content)}


def test_an_admin_previews_an_upload_then_applies_it(cast: Cast):
    client = signed_in(cast.admin)
    response = client.post(reverse("imports", args=["acme"]), upload(FIXTURE.read_bytes()))
    preview = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_run", args=["acme", preview.pk])
    assert not Epic.objects.exists()

    page = client.get(response["Location"]).content.decode()
    assert "Previewed (dry run)" in page
    assert "Apply the import" in page
    assert "user_stories[0] (ref 3)" in page
    assert "it stays in Funnel" in page
    assert "7 task(s): Northline plans at the level of stories, not tasks." in page

    applied = client.post(reverse("import_apply", args=["acme", preview.pk]))
    run = ImportRun.objects.get(status="applied")
    assert applied["Location"] == reverse("import_run", args=["acme", run.pk])
    assert Story.objects.filter(organization=cast.org).count() == 26
    preview.refresh_from_db()
    assert bytes(preview.content) == b""
    assert "Apply the import" not in client.get(applied["Location"]).content.decode()

    # The same preview cannot be applied twice: nothing more is written.
    again = client.post(reverse("import_apply", args=["acme", preview.pk]), follow=True)
    assert "was applied already" in again.content.decode()
    assert Story.objects.filter(organization=cast.org).count() == 26
    assert ImportRun.objects.count() == 2


def test_a_file_that_is_not_an_export_is_refused_on_the_form(cast: Cast):
    client = signed_in(cast.owner)
    response = client.post(
        reverse("imports", args=["acme"]), upload(b"Issue key,Summary\n", "x.csv")
    )
    assert response.status_code == 422
    assert "The file is not JSON (line 1, column 1" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_list_shows_every_import_to_members_and_the_upload_to_admins(cast: Cast):
    signed_in(cast.admin).post(reverse("imports", args=["acme"]), upload(FIXTURE.read_bytes()))
    viewer_page = signed_in(cast.viewer).get(reverse("imports", args=["acme"])).content.decode()
    assert "permit-portal-export.json" in viewer_page
    assert "Preview an export" not in viewer_page
    assert "Owners and admins import" in viewer_page
    admin_page = signed_in(cast.admin).get(reverse("imports", args=["acme"])).content.decode()
    assert "Preview an export" in admin_page


def test_an_empty_list_says_what_to_do(cast: Cast):
    page = signed_in(cast.owner).get(reverse("imports", args=["acme"])).content.decode()
    assert "No imports yet." in page


def test_callers_who_may_not_import_change_nothing(cast: Cast, client):
    preview_response = signed_in(cast.admin).post(
        reverse("imports", args=["acme"]), upload(FIXTURE.read_bytes())
    )
    preview = ImportRun.objects.get()
    assert preview_response.status_code == 302
    for user in (cast.viewer, cast.editor):
        caller = signed_in(user)
        assert (
            caller.post(reverse("imports", args=["acme"]), upload(FIXTURE.read_bytes())).status_code
            == 403
        )
        assert caller.post(reverse("import_apply", args=["acme", preview.pk])).status_code == 403
        assert caller.get(reverse("import_run", args=["acme", preview.pk])).status_code == 200
    outsider = signed_in(cast.outsider)
    assert outsider.get(reverse("imports", args=["acme"])).status_code == 404
    assert outsider.get(reverse("import_run", args=["acme", preview.pk])).status_code == 404
    assert outsider.post(reverse("import_apply", args=["acme", preview.pk])).status_code == 404
    anonymous = client.get(reverse("imports", args=["acme"]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert ImportRun.objects.count() == 1 and not Epic.objects.exists()
