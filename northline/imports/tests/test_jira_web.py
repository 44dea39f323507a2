"""A Jira import on the Imports page and through the API: the preview shows how the file was
read, the mapping form changes it (and saves it), apply writes what the last preview said; the
mapping routes and who may use them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from northline.delivery.models import Release
from northline.imports.models import ImportMapping, ImportRun
from northline.imports.tests.test_jira import FIXTURE
from northline.portfolio.models import Epic, Sprint, Story
from northline.testing import ApiClient, Cast, signed_in

pytestmark = pytest.mark.django_db


def form_of(preview: ImportRun) -> dict[str, Any]:
    """The mapping form's fields, named as the page names them, by what they stand for."""
    return {
        "statuses": {status: f"status_{i}" for i, status in enumerate(preview.found["statuses"])},
        "sprints": {name: i for i, name in enumerate(preview.found["sprints"])},
        "versions": {name: f"release_{i}" for i, name in enumerate(preview.found["versions"])},
    }


def test_an_admin_maps_a_jira_preview_saves_the_mapping_and_applies_it(cast: Cast):
    client = signed_in(cast.admin)
    response = client.post(
        reverse("imports", args=["acme"]),
        {"source": "jira", "file": SimpleUploadedFile("permit-portal.csv", FIXTURE.read_bytes())},
    )
    preview = ImportRun.objects.get()
    assert response["Location"] == reverse("import_run", args=["acme", preview.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Jira status → column" in page
    assert "Waiting for Legal" in page and "PERM Sprint 2: starts" in page
    assert "2.0: release date" in page

    names = form_of(preview)
    sprint = names["sprints"]["PERM Sprint 2"]
    data = {
        names["statuses"]["Waiting for Legal"]: "doing",
        "team_field": "Component/s",
        f"sprint_start_{sprint}": "2026-03-02",
        f"sprint_end_{sprint}": "2026-03-15",
        names["versions"]["2.0"]: "2026-05-01",
        "save": "on",
    }
    remapped = client.post(reverse("import_mapping", args=["acme", preview.pk]), data)
    second = ImportRun.objects.latest("id")
    assert remapped["Location"] == reverse("import_run", args=["acme", second.pk])
    assert second.mapping["statuses"] == {"Waiting for Legal": "doing"}
    assert ImportMapping.objects.get(organization=cast.org).mapping == second.mapping
    # The first preview let go of its file: only the new one can be applied.
    preview.refresh_from_db()
    assert not preview.can_apply and second.can_apply
    assert not Story.objects.exists()

    client.post(reverse("import_apply", args=["acme", second.pk]))
    assert ImportRun.objects.latest("id").status == "applied"
    assert Story.objects.get(title="Book an inspection slot").state == "doing"
    assert Sprint.objects.get(organization=cast.org).name == "PERM Sprint 2"
    assert Release.objects.get(organization=cast.org).name == "2.0"

    # The next upload starts from the saved mapping.
    client.post(
        reverse("imports", args=["acme"]),
        {"source": "jira", "file": SimpleUploadedFile("again.csv", FIXTURE.read_bytes())},
    )
    assert ImportRun.objects.latest("id").mapping == second.mapping


def test_a_mapping_form_that_does_not_hold_shows_its_errors_and_writes_nothing(cast: Cast):
    client = signed_in(cast.admin)
    client.post(
        reverse("imports", args=["acme"]),
        {"source": "jira", "file": SimpleUploadedFile("p.csv", FIXTURE.read_bytes())},
    )
    preview = ImportRun.objects.get()
    sprint = form_of(preview)["sprints"]["PERM Sprint 1"]
    response = client.post(
        reverse("import_mapping", args=["acme", preview.pk]),
        {f"sprint_start_{sprint}": "2026-03-02", "team_field": "Component/s"},
    )
    assert response.status_code == 422
    assert "Give both dates of PERM Sprint 1, or neither to leave it out." in (
        response.content.decode()
    )
    response = client.post(
        reverse("import_mapping", args=["acme", preview.pk]),
        {f"sprint_start_{sprint}": "2026-03-20", f"sprint_end_{sprint}": "2026-03-02"},
    )
    assert response.status_code == 422
    assert "The sprint “PERM Sprint 1” ends before it starts." in response.content.decode()
    assert ImportRun.objects.count() == 1 and not ImportMapping.objects.exists()


def test_who_may_map_a_preview(cast: Cast, client):
    signed_in(cast.admin).post(
        reverse("imports", args=["acme"]),
        {"source": "jira", "file": SimpleUploadedFile("p.csv", FIXTURE.read_bytes())},
    )
    preview = ImportRun.objects.get()
    url = reverse("import_mapping", args=["acme", preview.pk])
    for user in (cast.viewer, cast.editor):
        caller = signed_in(user)
        assert (
            "Jira status → column"
            not in caller.get(reverse("import_run", args=["acme", preview.pk])).content.decode()
        )
        assert caller.post(url, {"save": "on"}).status_code == 403
    assert signed_in(cast.outsider).post(url, {"save": "on"}).status_code == 404
    anonymous = client.post(url, {"save": "on"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    # A GET of the form's address goes back to the preview.
    assert signed_in(cast.admin).get(url)["Location"] == reverse(
        "import_run", args=["acme", preview.pk]
    )
    assert ImportRun.objects.count() == 1 and not ImportMapping.objects.exists()


def upload(api: ApiClient, **fields: object):
    return api.client.post(
        "/api/v1/orgs/acme/imports",
        {"source": "jira", "file": SimpleUploadedFile("p.csv", FIXTURE.read_bytes()), **fields},
        headers=api.headers,
    )


def test_a_jira_preview_and_apply_through_the_api_with_a_mapping(cast: Cast):
    api = ApiClient(cast.admin)
    mapping = {"releases": {"2.0": "2026-05-01"}, "statuses": {"Waiting for Legal": "done"}}
    response = upload(api, mapping=json.dumps(mapping), save_mapping="true")
    assert response.status_code == 201, response.content
    preview = response.json()
    assert preview["source"] == "jira"
    assert preview["mapping"]["releases"] == {"2.0": "2026-05-01"}
    assert preview["found"]["versions"] == ["2.0", "2.1"]
    assert api.get("/orgs/acme/imports/mappings/jira").json()["mapping"] == preview["mapping"]
    applied = api.post(f"/orgs/acme/imports/{preview['id']}/apply")
    assert applied.status_code == 201
    assert applied.json()["counts"] == preview["counts"]
    assert Release.objects.get().name == "2.0"
    assert Story.objects.get(title="Book an inspection slot").state == "done"


def test_a_bad_mapping_through_the_api_is_a_422_naming_its_place(cast: Cast):
    api = ApiClient(cast.admin)
    response = upload(api, mapping="{not json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"mapping": "Not JSON."}
    response = upload(api, mapping=json.dumps({"statuses": {"Done": "shipped"}}))
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"mapping.statuses.Done": "Not a column."}
    response = api.call(
        "put", "/orgs/acme/imports/mappings/jira", {"mapping": {"team_field": 3}, "version": 0}
    )
    assert response.status_code == 422
    assert "mapping.team_field" in response.json()["error"]["fields"]
    assert not ImportRun.objects.exists() and not ImportMapping.objects.exists()


def test_who_may_read_and_save_the_mapping_through_the_api(cast: Cast):
    admin = ApiClient(cast.admin)
    assert admin.get("/orgs/acme/imports/mappings/jira").json()["version"] == 0
    body = {"mapping": {"statuses": {"Blocked": "doing"}}, "version": 0}
    saved = admin.call("put", "/orgs/acme/imports/mappings/jira", body)
    assert saved.status_code == 200
    assert saved.json()["mapping"]["statuses"] == {"Blocked": "doing"}
    assert saved.json()["version"] == 1
    # Saving over a mapping someone else saved since is refused, naming the version.
    stale = admin.call("put", "/orgs/acme/imports/mappings/jira", {"mapping": {}, "version": 0})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    body["version"] = 1
    for user in (cast.viewer, cast.editor):
        api = ApiClient(user)
        assert api.get("/orgs/acme/imports/mappings/jira").status_code == 200
        assert api.call("put", "/orgs/acme/imports/mappings/jira", body).status_code == 403
        assert upload(api).status_code == 403
    outsider = ApiClient(cast.outsider)
    assert outsider.get("/orgs/acme/imports/mappings/jira").status_code == 404
    assert outsider.call("put", "/orgs/acme/imports/mappings/jira", body).status_code == 404
    anonymous = ApiClient()
    assert anonymous.get("/orgs/acme/imports/mappings/jira").status_code == 401
    assert anonymous.call("put", "/orgs/acme/imports/mappings/jira", body).status_code == 401
    assert ApiClient(cast.admin).get("/orgs/acme/imports/mappings/taiga").status_code == 422
    assert ImportMapping.objects.get().version == 1 and not Epic.objects.exists()
