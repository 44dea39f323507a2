"""Experts in residence and requests: open → assigned → done / declined, and nothing else."""

from __future__ import annotations

import pytest

from northline.lab.experts import services as expert_services
from northline.lab.tests.governance import make_engagement, person_of
from northline.lib.errors import Conflict, Invalid
from northline.testing import Cast


def test_a_request_moves_open_assigned_done(cast: Cast) -> None:
    access = cast.access(cast.editor)
    expert = expert_services.create_expert(
        access, person=person_of(cast.admin, cast.org), areas="data, DevOps"
    )
    assert expert.areas == ["data", "DevOps"]
    request = expert_services.create_request(
        access, make_engagement(cast), area="data", description="A"
    )
    assert request.status == "open" and request.expert is None
    with pytest.raises(Conflict, match="open cannot become done; it can become assigned, declined"):
        expert_services.complete(access, request, version=request.version)
    with pytest.raises(Invalid, match="Choose the expert"):
        expert_services.move(access, request, to="assigned", version=request.version)
    request = expert_services.assign(access, request, expert=expert, version=request.version)
    assert (request.status, request.expert_id) == ("assigned", expert.pk)
    request = expert_services.move(access, request, to="open", version=request.version)
    assert (request.status, request.expert_id) == ("open", None)
    request = expert_services.assign(access, request, expert=expert, version=request.version)
    request = expert_services.complete(access, request, version=request.version)
    assert request.status == "done"
    with pytest.raises(Conflict, match="nothing \\(it is closed\\)"):
        expert_services.decline(access, request, version=request.version)


def test_declining_and_removing_an_expert_reopens_what_they_held(cast: Cast) -> None:
    access = cast.owner_access
    expert = expert_services.create_expert(
        access, person=person_of(cast.admin, cast.org), areas=["x"]
    )
    engagement = make_engagement(cast)
    declined = expert_services.create_request(access, engagement, area="x", description="A")
    declined = expert_services.decline(access, declined, version=declined.version)
    assert declined.status == "declined"
    held = expert_services.create_request(access, engagement, area="x", description="B")
    held = expert_services.assign(access, held, expert=expert, version=held.version)
    expert_services.delete_expert(access, expert)
    held.refresh_from_db()
    assert (held.status, held.expert_id) == ("open", None)


def test_the_api_moves_a_request_and_refuses_a_stale_move(cast: Cast, api_as) -> None:
    access = cast.owner_access
    expert = expert_services.create_expert(
        access, person=person_of(cast.admin, cast.org), areas=["x"]
    )
    request = expert_services.create_request(
        access, make_engagement(cast), area="x", description="A"
    )
    api = api_as(cast.editor)
    path = f"/orgs/acme/lab/expert-requests/{request.pk}/move"
    response = api.post(path, {"version": 1, "status": "assigned", "expert_id": expert.pk})
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    response = api.post(path, {"version": 1, "status": "done"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
