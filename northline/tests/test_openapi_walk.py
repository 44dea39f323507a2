"""Every operation in the OpenAPI schema fails closed (Foundation issue, "Will be checked").

The walk reads the live schema, so a route added by any app is covered without being listed
here. What it needs from a new app is a real record for each new path parameter, made by the
app's ``tests/walk.py`` (the walk fails and names the parameter until there is one).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps

from northline.orgs.models import Event
from northline.testing import ApiClient, Cast

UNSAFE = {"post", "put", "patch", "delete"}
PathValues = dict[str, Any]


def build_path_values(cast: Cast) -> PathValues:
    """Each app with routes keeps ``tests/walk.py`` with ``build(cast, values)``; they run in
    the order of INSTALLED_APPS, so an app can use the records of the apps below it."""
    values: PathValues = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("northline."):
            continue
        try:
            walk_module = importlib.import_module(f"{config.name}.tests.walk")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tests.walk":
                raise
            continue
        walk_module.build(cast, values)
    return values


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def fill(path: str, values: PathValues) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, (
            f"No record for path parameter {{{name}}} in {path}: set it in the "
            "tests/walk.py of the app that owns the route"
        )
        return str(values[name])

    return re.sub(r"{(\w+)}", value, path)


def assert_error_shape(response: Any, status: int, where: str) -> None:
    assert response.status_code == status, f"{where}: {response.status_code} {response.content!r}"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}, where
    assert error["message"], where


@pytest.fixture
def walk(cast: Cast, client: Any) -> tuple[list[tuple[str, str, dict[str, Any]]], PathValues]:
    values = build_path_values(cast)
    schema = client.get("/api/v1/openapi.json").json()
    return operations(schema), values


def test_it_refuses_the_anonymous_caller_everywhere(walk: Any) -> None:
    ops, values = walk
    anonymous = ApiClient()
    for method, path, _ in ops:
        url = fill(path, values)
        response = anonymous.call(method, url, {})
        assert_error_shape(response, 401, f"anonymous {method.upper()} {path}")


def assert_refused_writing_nothing(
    client: ApiClient, ops: list[tuple[str, str]], values: Any, status: int, who: str, cast: Cast
) -> None:
    """Each operation answers ``status`` in the one error shape, and none writes an event."""
    events_before = Event.objects.filter(organization=cast.org).count()
    for method, path in ops:
        response = client.call(method, fill(path, values), {})
        assert_error_shape(response, status, f"{who} {method.upper()} {path}")
    assert Event.objects.filter(organization=cast.org).count() == events_before


def test_it_hides_every_organization_route_from_outsiders(walk: Any, cast: Cast) -> None:
    ops, values = walk
    org_ops = [(m, p) for m, p, _ in ops if "{org}" in p]
    assert len(org_ops) >= 20
    assert_refused_writing_nothing(ApiClient(cast.outsider), org_ops, values, 404, "outsider", cast)


def test_it_refuses_every_write_by_a_viewer(walk: Any, cast: Cast) -> None:
    ops, values = walk
    writes = [(m, p) for m, p, _ in ops if "{org}" in p and m in UNSAFE]
    assert len(writes) >= 10
    assert_refused_writing_nothing(ApiClient(cast.viewer), writes, values, 403, "viewer", cast)


# Reads for owners and admins alone: the invitations name addresses, which editors and viewers
# do not see (docs/security.md "Invitations and membership").
MANAGER_READS = {"/api/v1/orgs/{org}/invitations"}


def test_it_lets_a_viewer_read_every_organization_route(walk: Any, cast: Cast) -> None:
    """The outsider's 404s above mean something only if the same URLs exist for a member; the
    reads kept for managers answer a viewer 403 and an admin 200."""
    ops, values = walk
    viewer = ApiClient(cast.viewer)
    admin = ApiClient(cast.admin)
    for method, path, _ in ops:
        if "{org}" in path and method == "get":
            response = viewer.get(fill(path, values))
            if path in MANAGER_READS:
                assert response.status_code == 403, f"viewer GET {path}: {response.status_code}"
                response = admin.get(fill(path, values))
            assert response.status_code == 200, f"viewer GET {path}: {response.content!r}"


def test_it_documents_every_operation(walk: Any) -> None:
    ops, _ = walk
    for method, path, operation in ops:
        assert operation.get("summary"), f"{method.upper()} {path} has no summary"
        assert operation.get("security"), f"{method.upper()} {path} is not authenticated"
