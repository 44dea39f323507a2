"""Property-based testing of every API operation against its published schema (issue 12).

Schemathesis reads the live schema from the WSGI application and generates requests for each
operation, valid ones and, for an editor, invalid ones too. Every answer must be no server
error, a status the operation documents, the JSON content type, and a body that matches the
schema documented for that status (errors included). Path parameters are real records of the
walk's organization (northline/*/tests/walk.py), so requests reach the routes' code instead of
stopping at 404; every case runs inside a transaction that is rolled back, so a delete in one
case does not empty the next one.

The number of examples per operation is bounded (NORTHLINE_FUZZ_EXAMPLES, default 6 in CI:
about 300 operations × 2 modes × 6 for an editor, plus the anonymous caller, in a minute or two).
Raise it locally for a deeper run, e.g. ``NORTHLINE_FUZZ_EXAMPLES=50 pytest -k fuzz``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from northline.orgs import services
from northline.orgs.models import Organization
from northline.testing import Cast
from northline.tests.test_openapi_walk import build_path_values

EXAMPLES = int(os.environ.get("NORTHLINE_FUZZ_EXAMPLES", "6"))
TAGS = [
    "account",
    "organization",
    "measures",
    "strategy",
    "goals",
    "portfolio",
    "delivery",
    "lab",
    "lab governance",
    "insights",
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class RolledBack(Exception):
    """Raised to leave the transaction around one case, so that nothing it wrote stays."""


@pytest.fixture
def api_schema(cast: Cast, settings: Any) -> Iterator[Any]:
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from northline.wsgi import application

    # As Django's test client does: a request must not close the test's connection (with
    # conn_max_age=0 on PostgreSQL it would, and the test's transaction with it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_operation(
    operation: Any, mode: GenerationMode, path_values: dict[str, Any], headers: dict[str, str]
) -> str | None:
    """Generate cases for one operation; the first failure, described, or None."""
    fixed = {name: path_values[name] for name in re.findall(r"{(\w+)}", operation.path)}
    strategy = operation.as_strategy(mode, path_parameters=fixed, headers=headers)
    failure: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, _=st.just(None))
    def exercise(case: Any, _: None) -> None:
        if failure:
            return
        try:
            with transaction.atomic():
                response = case.call()
                try:
                    case.validate_response(response, checks=CHECKS)
                except Exception as problem:
                    failure.append(f"{case.method} {case.formatted_path}: {problem}")
                raise RolledBack
        except RolledBack:
            pass

    try:
        exercise()
    except Unsatisfiable:
        # Nothing to vary: e.g. no invalid request exists for a list with fixed path values.
        return None
    return failure[0] if failure else None


def operations_tagged(api_schema: Any, tag: str) -> list[Any]:
    found = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if tag in (operation.definition.raw.get("tags") or []):
            found.append(operation)
    return found


def bearer(user: User, organization: Organization) -> dict[str, str]:
    _, raw = services.create_token(user, name="fuzz", organization=organization, scope="write")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("tag", TAGS)
def test_it_answers_every_generated_request_as_documented(
    tag: str, cast: Cast, api_schema: Any
) -> None:
    path_values = build_path_values(cast)
    operations = operations_tagged(api_schema, tag)
    assert operations, f"no operation is tagged {tag}"
    headers = bearer(cast.editor, cast.org)
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problem = run_operation(operation, mode, path_values, headers)
            if problem:
                failures.append(f"[{mode.value}] {problem}")
    assert not failures, f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)


def test_it_answers_the_anonymous_caller_as_documented(cast: Cast, api_schema: Any) -> None:
    path_values = build_path_values(cast)
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        problem = run_operation(operation, GenerationMode.POSITIVE, path_values, {})
        if problem:
            failures.append(problem)
    assert not failures, f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)
