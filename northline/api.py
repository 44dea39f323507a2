"""The HTTP API at /api/v1/ (DESIGN §4): one NinjaAPI that mounts each app's router.

Authentication and the organization gate (defined in northline.orgs.api_auth) apply to every
route here, and so does the error shape:

* a bearer token (``Authorization: Bearer nl_…``) or the browser session (with CSRF);
* under ``/orgs/{org}/`` the caller must be a member (else 404, as if it did not exist) and a
  viewer may not use unsafe methods (403), before the request body is even read;
* every 4xx answers ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

import json
import math
import typing
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from northline.api_reference import ReferenceDocs, cached_by_clients
from northline.lib.api_errors import server_error
from northline.lib.errors import MEANINGS, DomainError, ErrorCode, NotAuthenticated
from northline.lib.schemas import DELETE_NEEDS_NO_VERSION, VersionedInput
from northline.orgs.api_auth import BearerToken, BrowserSession
from northline.orgs.api_throttle import WriteThrottle


class NorthlineAPI(NinjaAPI):
    """The API, whose published schema also documents every error an operation can answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        # Built once per process: it is large, and nothing in it changes while the server runs.
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cached = self._schemas.get(key)
        if cached is None:
            cached = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            document_errors(cached)
            self._schemas[key] = cached
        return cached

    @cached_property
    def _schemas(self) -> dict[Any, Any]:
        return {}


def codes_table() -> str:
    rows = "\n".join(
        f"| {status} | `{code}` | {meaning} |" for code, (status, meaning) in MEANINGS.items()
    )
    return "| status | code | meaning |\n| --- | --- | --- |\n" + rows


api = NorthlineAPI(
    title="Northline API",
    version="1",
    description=(
        "Strategy, goals, portfolio, delivery, lab governance and insights. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `northline token create` or on the "
        "API tokens page, /account/tokens/) or with the browser session plus the CSRF header.\n\n"
        'Every 4xx and 5xx answers `{"error": {"code", "message", "fields"}}` (the `ErrorOut` '
        "schema); `fields` names each offending field as the request names it. Date-times must "
        "carry a time zone; ids are positive 64-bit integers; numbers are finite; text holds no "
        "control characters. Writes that change a versioned record need the `version` you read "
        "(a stale one answers 409 `stale_version`).\n\nThe error codes:\n\n" + codes_table()
    ),
    auth=[BearerToken(), BrowserSession()],
    throttle=[WriteThrottle()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Rendered on the server once per process: Swagger UI took seconds to draw 300 operations.
    docs=ReferenceDocs(),
    docs_decorator=cached_by_clients,
)


class ErrorBody(Schema):
    code: ErrorCode = Field(..., description="One of the codes listed in the API description.")
    message: str = Field(..., description="For people: what went wrong and what to do.")
    fields: dict[str, str] = Field(
        ..., description="Each offending field or parameter, named as the request names it."
    )


class ErrorOut(Schema):
    """The one error shape of the API."""

    error: ErrorBody


UNSAFE_METHODS = {"post", "put", "patch", "delete"}
CREATES_NEED_NO_VERSION = "Needs no version: it adds a new record and changes none."
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def document_errors(schema: dict[str, Any]) -> None:
    """Add to each operation the errors it can answer, all in the ErrorOut shape.

    Every operation needs authentication (401) and may refuse a role (403); one with path
    parameters may find nothing (404); one with parameters or a body may refuse them (422); a
    write may be refused by a rule or a stale version (409); a body may be unreadable (400) or
    too large (413); any may be throttled (429, with Retry-After), a write per user and any
    bearer request from an address that sent too many bad tokens.
    """
    from ninja.openapi.schema import REF_TEMPLATE

    definitions = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
    schema["components"]["schemas"].update(definitions.pop("$defs", {}))
    schema["components"]["schemas"]["ErrorOut"] = definitions
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            statuses = {401: "Not signed in", 403: "Not allowed for your role"}
            if "{" in path:
                statuses[404] = "Not found (or not yours to see)"
            if operation.get("parameters") or "requestBody" in operation:
                statuses[422] = "A field or parameter is not valid"
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                statuses[414] = "The address is too long"
            if method in UNSAFE_METHODS:
                statuses[409] = "Refused by a rule, or a stale version; nothing was changed"
                statuses[429] = "Too many writes, or too many failed tokens; see Retry-After"
            else:
                statuses[429] = "Too many failed tokens from your address; see Retry-After"
            if "requestBody" in operation:
                statuses[400] = "The body is not valid JSON"
                statuses[413] = "The body is too large"
            if method == "delete":
                operation.setdefault("description", DELETE_NEEDS_NO_VERSION)
            elif method == "post" and "201" in map(str, operation.get("responses", {})):
                text = operation.get("description", "")
                if "version" not in text.lower():
                    operation["description"] = (text + "\n\n" + CREATES_NEED_NO_VERSION).strip()
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                        **({"headers": RETRY_AFTER} if status == 429 else {}),
                    },
                )


def error_response(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, payload, status=status)


def named_as_sent(request: HttpRequest, fields: dict[str, str]) -> dict[str, str]:
    """Services name a reference by its field (``team``); the body names it ``team_id``."""
    if not fields:
        return fields
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, RawPostDataException):
        return fields
    if not isinstance(body, dict):
        return fields
    named: dict[str, str] = {}
    for name, message in fields.items():
        if name not in body:
            # "key_results" → "key_result_ids", "team" → "team_id".
            for candidate in (f"{name}_id", f"{name}_ids", f"{name.removesuffix('s')}_ids"):
                if candidate in body:
                    name = candidate
                    break
        named[name] = message
    return named


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    payload = exc.as_payload()
    payload["error"]["fields"] = named_as_sent(request, exc.fields)  # type: ignore[index]
    return error_response(request, exc.status, payload)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    problem = NotAuthenticated("Sign in or send a valid bearer token.")
    response = error_response(request, 401, problem.as_payload())
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        if location[:1] in (["query"], ["path"]):
            # Query and path parameters are flat: name the parameter itself. For a list
            # parameter of a query schema ninja reports "filters.release.0".
            named = [part for part in location[1:] if not part.isdigit()]
            name = named[-1] if named else ""
        else:
            name = ".".join(location)
        fields.setdefault(name or "body", error.get("msg", "Invalid value."))
    message = "The request is not valid: " + "; ".join(
        f"{name}: {text}" for name, text in fields.items()
    )
    return error_response(
        request, 422, {"error": {"code": "invalid", "message": message, "fields": fields}}
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(
        request,
        404,
        {"error": {"code": "not_found", "message": str(exc) or "Not found.", "fields": {}}},
    )


HTTP_ERROR_CODES = {
    400: ErrorCode.MALFORMED,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    429: ErrorCode.THROTTLED,
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, ErrorCode.INVALID)
    message = str(exc)
    if code is ErrorCode.MALFORMED:
        message = "The body is not valid JSON: send one JSON object."
    wait = math.ceil(exc.wait) if isinstance(exc, Throttled) and exc.wait else None
    if wait is not None and message == "Too many requests.":
        message = f"Too many requests; retry after {wait} seconds."
    response = error_response(
        request, exc.status_code, {"error": {"code": code, "message": message, "fields": {}}}
    )
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The body is larger than the {limit} bytes this server accepts."
    return error_response(
        request,
        413,
        {"error": {"code": ErrorCode.PAYLOAD_TOO_LARGE, "message": message, "fields": {}}},
    )


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return server_error(request, exc)


def mount_routers() -> None:
    from northline.delivery.api import router as delivery
    from northline.goals.api import router as goals
    from northline.imports.api import router as imports
    from northline.insights.api import router as insights
    from northline.lab.api import router as lab
    from northline.measures.api import router as measures
    from northline.orgs.api import org_router, router
    from northline.portfolio.api import router as portfolio
    from northline.strategy.api import router as strategy

    api.add_router("/", router)
    for app_router in (
        org_router,
        measures,
        strategy,
        goals,
        portfolio,
        delivery,
        lab,
        insights,
        imports,
    ):
        api.add_router("/orgs/{org}/", app_router)


def nullable(annotation: Any) -> bool:
    return annotation is None or type(None) in typing.get_args(annotation)


def derive_clearable_fields() -> None:
    """Each partial update may clear (send null for) exactly the fields its record can show as
    null: read off the response model of the routes that take it (see VersionedInput)."""
    found: dict[type[VersionedInput], set[str]] = {}
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                body = typing.get_type_hints(operation.view_func).get("payload")
                if not (isinstance(body, type) and issubclass(body, VersionedInput)):
                    continue
                wrapper = operation.response_models.get(200)
                response = getattr(wrapper, "model_fields", {}).get("response")
                if response is None or not isinstance(response.annotation, type):
                    continue
                shown = getattr(response.annotation, "model_fields", {})
                clearable = {
                    name
                    for name in body.model_fields
                    if name in shown and nullable(shown[name].annotation)
                }
                found.setdefault(body, set()).update(clearable)
    for body, clearable in found.items():
        body.clearable = frozenset(clearable)


mount_routers()
derive_clearable_fields()
