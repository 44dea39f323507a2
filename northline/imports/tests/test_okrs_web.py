"""OKR spreadsheets through the Imports page and the API: source ``okrs``, a preview then its
apply, a refusal that names the row and column, and who may do it (anonymous 401 / sign-in,
outsiders 404, viewers and editors 403)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from northline.goals.models import KeyResult, Objective
from northline.imports.models import ImportRun
from northline.imports.tests.test_okrs import ROWS, csv_file
from northline.orgs import services as org_services
from northline.testing import ApiClient, Cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def olga(cast: Cast):
    return org_services.create_person(
        cast.owner_access, name="Olga Okafor", email="olga@acme.example"
    )


def upload(api: ApiClient, content: bytes, name: str = "okrs.csv"):
    return api.client.post(
        "/api/v1/orgs/acme/imports",
        {"source": "okrs", "file": SimpleUploadedFile(name, content)},
        headers=api.headers,
    )


def test_a_preview_then_its_apply_through_the_api(cast: Cast):
    api = ApiClient(cast.admin)
    response = upload(api, csv_file(*ROWS))
    assert response.status_code == 201, response.content
    preview = response.json()
    assert (preview["source"], preview["status"], preview["counts"]["created"]) == (
        "okrs",
        "previewed",
        11,
    )
    first_checkin = next(row for row in preview["log"] if row["kind"] == "checkin")
    assert first_checkin == {
        "action": "created",
        "kind": "checkin",
        "key": "OKRS:fy 2025/launch the online application/applications made online@2025-02-03",
        "location": "row 5",
        "title": "Applications made online: 150 on 2025-02-03",
        "adjusted": False,
        "messages": [],
        "id": None,
    }
    assert not Objective.objects.exists()
    applied = api.post(f"/orgs/acme/imports/{preview['id']}/apply")
    assert applied.status_code == 201
    assert applied.json()["status"] == "applied"
    assert KeyResult.objects.filter(organization=cast.org).count() == 3


def test_a_bad_file_is_a_422_naming_the_row_and_column(cast: Cast):
    response = upload(ApiClient(cast.owner), csv_file(*ROWS, "FY 2025,,,O,,,,K,,1,x,,,,,,"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["fields"] == {"file": "Row 9, column “Target”: “x” is not a number."}
    assert not ImportRun.objects.exists()


def test_who_may_import_okrs_through_the_api(cast: Cast):
    content = csv_file(*ROWS)
    for user in (cast.viewer, cast.editor):
        assert upload(ApiClient(user), content).status_code == 403
    assert upload(ApiClient(cast.outsider), content).status_code == 404
    assert upload(ApiClient(), content).status_code == 401
    assert not ImportRun.objects.exists() and not Objective.objects.exists()


def test_the_imports_page_previews_and_applies_a_spreadsheet(cast: Cast):
    client = signed_in(cast.owner)
    page = client.get(reverse("imports", args=["acme"])).content.decode()
    assert "OKR spreadsheet (CSV or XLSX)" in page
    response = client.post(
        reverse("imports", args=["acme"]),
        {"source": "okrs", "file": SimpleUploadedFile("okrs.csv", csv_file(*ROWS))},
    )
    preview = ImportRun.objects.get()
    assert response["Location"] == reverse("import_run", args=["acme", preview.pk])
    shown = client.get(response["Location"]).content.decode()
    assert "Applications made online: 150 on 2025-02-03" in shown
    client.post(reverse("import_apply", args=["acme", preview.pk]))
    assert Objective.objects.filter(organization=cast.org).count() == 2


def test_the_imports_page_refuses_viewers_and_outsiders(cast: Cast):
    content = csv_file(*ROWS)
    for user, status in ((cast.viewer, 403), (cast.outsider, 404)):
        response = signed_in(user).post(
            reverse("imports", args=["acme"]),
            {"source": "okrs", "file": SimpleUploadedFile("okrs.csv", content)},
        )
        assert response.status_code == status
    assert not ImportRun.objects.exists()


def test_a_bad_file_on_the_page_shows_where(cast: Cast):
    response = signed_in(cast.admin).post(
        reverse("imports", args=["acme"]),
        {
            "source": "okrs",
            "file": SimpleUploadedFile("okrs.csv", csv_file("FY 2025,,,@x,,,,,,,,,,,,,")),
        },
    )
    assert response.status_code == 422
    assert "Row 2, column “Objective”" in response.content.decode()
