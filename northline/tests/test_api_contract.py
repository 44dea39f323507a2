"""The published schema tells the truth, and every error has the one shape (issue 12)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pydantic
import pytest
from django.test import Client
from openapi_spec_validator import validate

from northline.lib.errors import MEANINGS, DomainError, ErrorCode
from northline.orgs.models import Event
from northline.portfolio.models import Epic, Story
from northline.testing import ApiClient, Cast

DOCS = Path(__file__).resolve().parents[2] / "docs"
INDICATOR = {
    "name": "Permits issued",
    "kind": "lagging",
    "baseline": 0,
    "target": 100,
    "start_date": "2026-10-01",
    "target_date": "2027-03-31",
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()


def northline_models() -> dict[str, set[str]]:
    """Every pydantic model in Northline's code, by the name it would publish under."""
    import northline.api  # noqa: F401  (imports every router, so every model exists)

    by_name: dict[str, set[str]] = defaultdict(set)

    def walk(cls: type) -> None:
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            # Nested classes (a paginator's Input) are flattened into parameters, not published.
            if (
                sub.__module__.startswith("northline.")
                and ".tests." not in sub.__module__
                and "." not in sub.__qualname__
            ):
                by_name[sub.__name__].add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(pydantic.BaseModel)
    return by_name


def test_it_gives_every_model_its_own_name() -> None:
    shared = {name: paths for name, paths in northline_models().items() if len(paths) > 1}
    assert shared == {}, (
        "Two models would publish the same component name, so the schema would show one "
        f"model's fields for the other's operations: {shared}"
    )


def test_it_publishes_a_valid_openapi_document(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.1")
    validate(schema)


def test_it_documents_the_errors_of_every_operation(schema: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            expected = {"401", "403"}
            if "{" in path:
                expected.add("404")
            if method in {"post", "put", "patch", "delete"}:
                expected.add("409")
            if "requestBody" in operation:
                expected |= {"400", "413", "422"}
            assert expected <= set(responses), f"{where} documents only {sorted(responses)}"
            for status in expected:
                body = responses[status]["content"]["application/json"]["schema"]
                assert body == error_ref, f"{where} {status}"


def body_model(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    body = operation.get("requestBody")
    if body is None:
        return {}
    # JSON everywhere, but an upload (multipart/form-data: an import's file).
    content = body["content"]
    model = (content.get("application/json") or content["multipart/form-data"])["schema"]
    if "$ref" in model:
        model = schema["components"]["schemas"][model["$ref"].rsplit("/", 1)[-1]]
    return model


def test_it_requires_the_version_on_every_write_or_says_why_not(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"post", "put", "patch", "delete"}:
                continue
            model = body_model(schema, operation)
            checked = {"version", "based_on"} & set(model.get("properties", {}))
            if checked:
                optional = checked - set(model.get("required", []))
                assert not optional, f"{method.upper()} {path}: {optional} is optional"
                continue
            description = operation.get("description", "")
            assert "version" in description.lower(), (
                f"{method.upper()} {path} takes no version and does not say why"
            )


def test_it_lists_every_error_code_in_the_schema_and_the_guide(schema: dict[str, Any]) -> None:
    guide = (DOCS / "api.md").read_text()
    assert set(MEANINGS) == set(ErrorCode)
    listed = schema["components"]["schemas"]["ErrorBody"]["properties"]["code"]
    for code in ErrorCode:
        assert f"`{code}`" in schema["info"]["description"], code
        assert f"`{code}`" in guide, f"docs/api.md does not list {code}"
    assert listed


def test_it_refuses_an_error_code_nobody_registered() -> None:
    with pytest.raises(ValueError):
        DomainError("Nope.", code="made_up_code")


# One error shape under /api/, whoever answers ------------------------------------------------


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert error["message"]
    return error


def test_it_answers_an_unknown_api_route_in_the_error_shape(cast: Cast) -> None:
    response = ApiClient(cast.editor).get("/api/v1/no/such/route")
    assert_error(response, 404, "not_found")


def test_it_answers_a_wrong_method_in_the_error_shape(cast: Cast) -> None:
    response = ApiClient(cast.editor).call("put", "/api/v1/me", {})
    error = assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert "PUT" in error["message"]


def test_it_answers_malformed_json_in_the_error_shape(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    response = client.client.post(
        "/api/v1/orgs/acme/teams",
        data=b'{"name": "Broken',
        content_type="application/json",
        headers=client.headers,
    )
    assert_error(response, 400, "malformed")


def test_it_answers_a_body_too_large_in_the_error_shape(cast: Cast, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = ApiClient(cast.editor)
    response = client.client.post(
        "/api/v1/orgs/acme/teams",
        data=json.dumps({"name": "x" * 2000}),
        content_type="application/json",
        headers=client.headers,
    )
    error = assert_error(response, 413, "payload_too_large")
    assert "1000 bytes" in error["message"]


def test_it_answers_a_server_fault_in_the_error_shape_with_a_request_id(
    cast: Cast, monkeypatch: Any, caplog: Any
) -> None:
    from django.db.models import QuerySet

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug of ours")

    # A list's page counts its rows when asked for the total: make that fail as a bug would.
    monkeypatch.setattr(QuerySet, "count", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.editor)
    response = client.get("/api/v1/orgs?total=true")
    error = assert_error(response, 500, "server_error")
    request_id = response["X-Request-ID"]
    assert request_id in error["message"]
    assert any(request_id in record.getMessage() for record in caplog.records)


# Values the database, the exports or the clock cannot take ----------------------------------


def test_it_refuses_a_date_time_without_a_time_zone_naming_the_field(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    indicator = client.post(
        "/api/v1/orgs/acme/indicators",
        INDICATOR,
    ).json()
    response = client.post(
        f"/api/v1/orgs/acme/indicators/{indicator['id']}/readings",
        {"value": 5, "recorded_at": "2026-12-01T00:00:00"},
    )
    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {"recorded_at"}
    assert "time zone" in error["fields"]["recorded_at"]
    accepted = client.post(
        f"/api/v1/orgs/acme/indicators/{indicator['id']}/readings",
        {"value": 5, "recorded_at": "2026-12-01T00:00:00+01:00"},
    )
    assert accepted.status_code == 201, accepted.content


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_it_refuses_a_number_that_is_not_finite(cast: Cast, value: str) -> None:
    client = ApiClient(cast.editor)
    indicator = client.post(
        "/api/v1/orgs/acme/indicators",
        INDICATOR,
    ).json()
    response = client.client.post(
        f"/api/v1/orgs/acme/indicators/{indicator['id']}/readings",
        data='{"value": ' + value + "}",
        content_type="application/json",
        headers=client.headers,
    )
    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {"value"}


def test_it_refuses_ids_beyond_the_database_range(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    huge = 2**64
    listing = client.get(f"/api/v1/orgs/acme/epics?theme={huge}")
    assert set(assert_error(listing, 422, "invalid")["fields"]) == {"theme"}
    record = client.get(f"/api/v1/orgs/acme/teams/{huge}")
    assert record.status_code in (404, 422)
    assert record.json()["error"]["code"] in ("not_found", "invalid")
    body = client.post("/api/v1/orgs/acme/epics", {"title": "Far", "key_result_ids": [huge]})
    assert set(assert_error(body, 422, "invalid")["fields"]) == {"key_result_ids.0"}


def test_it_answers_an_offset_past_the_end_with_an_empty_page(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    page = client.get(f"/api/v1/orgs/acme/teams?offset={2**63 - 1}")
    assert page.status_code == 200, page.content
    assert page.json()["items"] == []
    too_far = client.get(f"/api/v1/orgs/acme/teams?offset={2**63}")
    assert set(assert_error(too_far, 422, "invalid")["fields"]) == {"offset"}


def test_it_refuses_control_characters_naming_the_field(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    events = Event.objects.count()
    response = client.post("/api/v1/orgs/acme/epics", {"title": "Permit\x0btracker"})
    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {"title"}
    assert "U+000B" in error["fields"]["title"]
    assert Epic.objects.count() == 0
    assert Event.objects.count() == events
    # Line breaks and tabs are text, not control characters.
    kept = client.post("/api/v1/orgs/acme/epics", {"title": "Permit", "what": "a\n\tb\r\n"})
    assert kept.status_code == 201, kept.content


def test_it_refuses_null_where_the_record_cannot_be_null(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    epic = client.post("/api/v1/orgs/acme/epics", {"title": "Permit tracker"}).json()
    refused = client.patch(
        f"/api/v1/orgs/acme/epics/{epic['id']}", {"version": epic["version"], "title": None}
    )
    assert set(assert_error(refused, 422, "invalid")["fields"]) == {"title"}
    cleared = client.patch(
        f"/api/v1/orgs/acme/epics/{epic['id']}",
        {"version": epic["version"], "target_date": None},
    )
    assert cleared.status_code == 200, cleared.content


def test_it_names_a_reference_as_the_body_names_it(cast: Cast) -> None:
    from northline.portfolio import services as portfolio

    theirs = portfolio.create_epic(cast.access(cast.outsider, cast.other_org), title="Theirs")
    client = ApiClient(cast.editor)
    story = client.post("/api/v1/orgs/acme/stories", {"epic_id": theirs.pk, "title": "Form"})
    assert list(assert_error(story, 404, "not_found")["fields"]) == ["epic_id"]
    epic = client.post("/api/v1/orgs/acme/epics", {"title": "E", "key_result_ids": [999]})
    assert assert_error(epic, 404, "not_found")["fields"] == {"key_result_ids": "Not found."}
    assert Story.objects.count() == 0
    assert Epic.objects.filter(organization=cast.org).count() == 0


def test_it_keeps_downloads_working_when_a_stored_value_holds_a_control_character(
    cast: Cast,
) -> None:
    """Older records (or another way in) may hold one: the files drop it instead of failing."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from northline.delivery import services as delivery
    from northline.orgs.models import Team
    from northline.portfolio import services as portfolio

    access = cast.access(cast.editor)
    portfolio.create_epic(access, title="Permit\x0btracker")
    release = delivery.create_release(access, name="R1", planned_date=dt.date(2027, 3, 1))
    team = Team.objects.create(organization=cast.org, name="Contact\x07 Centre")
    feature = delivery.create_feature(access, title="Online\x1b permits", release=release)
    delivery.add_impact(access, feature, team=team, role="impactee")
    client = ApiClient(cast.viewer)

    backlog = client.get("/api/v1/orgs/acme/epics/export.xlsx")
    assert backlog.status_code == 200, backlog.content
    sheet = load_workbook(io.BytesIO(backlog.content)).active
    assert sheet["B2"].value == "Permittracker"
    assert "Permittracker" in client.get("/api/v1/orgs/acme/epics/export.csv").content.decode()

    matrix = client.get("/api/v1/orgs/acme/delivery/matrix.xlsx")
    assert matrix.status_code == 200, matrix.content
    cells = [c.value for row in load_workbook(io.BytesIO(matrix.content)).active for c in row]
    assert "Online permits" in cells
    assert any(isinstance(value, str) and "Contact Centre" in value for value in cells)


def test_it_takes_a_body_field_named_like_the_record_it_changes(cast: Cast) -> None:
    """A decision has a ``decision`` (its text): the update service takes the record itself
    positionally, so the field cannot collide with it (found by the fuzzing above)."""
    client = ApiClient(cast.editor)
    decision = client.post("/api/v1/orgs/acme/decisions", {"title": "Pilot with one team"})
    assert decision.status_code == 201, decision.content
    changed = client.patch(
        f"/api/v1/orgs/acme/decisions/{decision.json()['id']}",
        {"version": decision.json()["version"], "decision": "Start with Permits."},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["decision"] == "Start with Permits."


def test_it_judges_an_indicator_as_of_a_plain_date_and_refuses_the_calendar_edge(
    cast: Cast,
) -> None:
    client = ApiClient(cast.editor)
    indicator = client.post("/api/v1/orgs/acme/indicators", INDICATOR).json()
    base = f"/api/v1/orgs/acme/indicators/{indicator['id']}"
    assert (
        client.post(
            f"{base}/readings", {"value": 50, "recorded_at": "2026-11-01T12:00:00Z"}
        ).status_code
        == 201
    )
    as_of_day = client.get(f"{base}/health?at=2026-11-01")
    assert as_of_day.status_code == 200, as_of_day.content
    assert (as_of_day.json()["readings"], as_of_day.json()["progress"]) == (1, 0.5)
    before = client.get(f"{base}/health?at=2026-10-31")
    assert (before.json()["readings"], before.json()["progress"]) == (0, 0.0)
    naive = client.get(f"{base}/health?at=2026-10-25T10:00:00")
    assert set(assert_error(naive, 422, "invalid")["fields"]) == {"at"}
    edge = client.get(f"{base}/health?at=0001-01-01T00:00:00%2B01:00")
    assert set(assert_error(edge, 422, "invalid")["fields"]) == {"at"}
    reading = client.post(
        f"{base}/readings", {"value": 5, "recorded_at": "0001-01-01T00:00:00+01:00"}
    )
    assert set(assert_error(reading, 422, "invalid")["fields"]) == {"recorded_at"}


def test_it_answers_an_address_too_long_in_the_error_shape(cast: Cast) -> None:
    client = ApiClient(cast.editor)
    response = client.get("/api/v1/orgs/acme/epics?owner=" + "9" * 9000)
    assert_error(response, 414, "uri_too_long")


def test_it_refuses_an_update_that_breaks_a_check_spanning_a_field_left_alone(
    cast: Cast,
) -> None:
    """A period's end must follow its start: moving only the start past the end is a 422
    naming the fields, not a database error (found by a schemathesis run)."""
    client = ApiClient(cast.editor)
    period = client.post(
        "/api/v1/orgs/acme/periods",
        {"name": "2027 Q1", "starts_on": "2027-01-01", "ends_on": "2027-03-31"},
    ).json()
    response = client.patch(
        f"/api/v1/orgs/acme/periods/{period['id']}",
        {"version": period["version"], "starts_on": "2027-06-01"},
    )
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"starts_on": "A period must end after it starts."}
    unchanged = client.get(f"/api/v1/orgs/acme/periods/{period['id']}").json()
    assert (unchanged["starts_on"], unchanged["version"]) == ("2027-01-01", period["version"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orgs/acme/sprints?team={huge}",
        "/api/v1/orgs/acme/key-results?objective={huge}",
        "/api/v1/orgs/acme/lab/expert-requests?engagement={huge}",
        "/api/v1/orgs/acme/identity/diff?to={huge}",
        "/api/v1/orgs/acme/identity/revisions/{huge}",
    ],
)
def test_it_refuses_an_id_beyond_the_database_in_every_loose_parameter(
    cast: Cast, path: str
) -> None:
    response = ApiClient(cast.editor).get(path.format(huge=2**70))
    assert_error(response, 422, "invalid")
