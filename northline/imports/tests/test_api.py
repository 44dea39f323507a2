"""The imports API: upload for a preview, read it, apply it once, list; the refusals in the
API's error shape, and who may do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from northline.imports.models import ImportRun
from northline.imports.tests.test_taiga import FIXTURE, PREFIX
from northline.portfolio.models import Epic, Story
from northline.testing import ApiClient, Cast

pytestmark = pytest.mark.django_db


def upload(api: ApiClient, content: bytes, name: str = "permit-portal.json", source="taiga"):
    return api.client.post(
        "/api/v1/orgs/acme/imports",
        {"source": source, "file": SimpleUploadedFile(name, content)},
        headers=api.headers,
    )


def test_a_preview_then_its_apply_through_the_api(cast: Cast):
    api = ApiClient(cast.admin)
    response = upload(api, FIXTURE.read_bytes())
    assert response.status_code == 201, response.content
    preview = response.json()
    assert (preview["status"], preview["can_apply"], preview["started_by"]) == (
        "previewed",
        True,
        "adam",
    )
    assert preview["counts"]["created"] == 33
    first_story = next(row for row in preview["log"] if row["key"] == f"{PREFIX}/us/3")
    assert first_story == {
        "action": "created",
        "kind": "story",
        "key": f"{PREFIX}/us/3",
        "location": "user_stories[0] (ref 3)",
        "title": "Resident registers an account and confirms their e-mail address",
        "adjusted": False,
        "messages": [],
        "id": None,
    }
    assert preview["log"][-2] == {
        "action": "skipped",
        "kind": "skipped",
        "key": None,
        "location": None,
        "title": None,
        "adjusted": False,
        "messages": ["3 comment(s): Northline keeps no comments on epics or stories."],
        "id": None,
    }
    assert not Story.objects.exists()

    applied = api.post(f"/orgs/acme/imports/{preview['id']}/apply")
    assert applied.status_code == 201
    assert applied.json()["status"] == "applied"
    assert Story.objects.filter(organization=cast.org).count() == 26
    assert api.get(f"/orgs/acme/imports/{preview['id']}").json()["can_apply"] is False

    again = api.post(f"/orgs/acme/imports/{preview['id']}/apply")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "import_not_applicable"
    assert Story.objects.filter(organization=cast.org).count() == 26

    listed = api.get("/orgs/acme/imports", total="true").json()
    assert [item["status"] for item in listed["items"]] == ["applied", "previewed"]
    assert "log" not in listed["items"][0]


def test_a_file_that_is_not_an_export_is_a_422_naming_the_file(cast: Cast):
    response = upload(ApiClient(cast.owner), b"Issue key,Summary\nPERM-1,Hi\n", "jira.csv")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"file": "Not JSON."}
    assert not ImportRun.objects.exists()


def test_an_unknown_source_is_a_422(cast: Cast):
    response = upload(ApiClient(cast.owner), FIXTURE.read_bytes(), source="asana")
    assert response.status_code == 422
    assert not ImportRun.objects.exists()


def test_who_may_import_through_the_api(cast: Cast):
    preview = upload(ApiClient(cast.admin), FIXTURE.read_bytes()).json()
    for user in (cast.viewer, cast.editor):
        api = ApiClient(user)
        assert upload(api, FIXTURE.read_bytes()).status_code == 403
        assert api.post(f"/orgs/acme/imports/{preview['id']}/apply").status_code == 403
        assert api.get(f"/orgs/acme/imports/{preview['id']}").status_code == 200
    outsider = ApiClient(cast.outsider)
    assert outsider.get("/orgs/acme/imports").status_code == 404
    assert outsider.get(f"/orgs/acme/imports/{preview['id']}").status_code == 404
    assert upload(outsider, FIXTURE.read_bytes()).status_code == 404
    anonymous = ApiClient()
    assert anonymous.get("/orgs/acme/imports").status_code == 401
    assert upload(anonymous, FIXTURE.read_bytes()).status_code == 401
    assert ImportRun.objects.count() == 1 and not Epic.objects.exists()
