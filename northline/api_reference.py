"""The API reference at /api/v1/docs: the OpenAPI schema rendered on the server, as one page.

Swagger UI (which django-ninja serves) builds its page in the browser from the whole schema:
with Northline's 300 operations that took 15 to 25 seconds on a 2-CPU machine before anything
showed (docs/benchmarks.md, "API reference"). Here the same schema becomes plain HTML once per
process: each tag a section, each operation a closed ``<details>`` with its parameters, body
and answers, each schema a table its operations link to. No script, nothing from another host.
The schema itself stays at /api/v1/openapi.json for tools and clients.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass
class Answer:
    status: str
    description: str
    schema: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Parameter] = field(default_factory=list)
    body: str = ""
    answers: list[Answer] = field(default_factory=list)


@dataclass
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Model:
    name: str
    description: str
    properties: list[Property]


def ref_name(ref: str) -> str:
    return ref.removeprefix(REF_PREFIX)


def type_of(schema: dict[str, Any]) -> str:
    """A JSON schema in a few words: "integer", "list of KeyResultOut", "string or null"."""
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    for combiner in ("anyOf", "oneOf", "allOf"):
        if combiner in schema:
            return " or ".join(dict.fromkeys(type_of(part) for part in schema[combiner]))
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(value) for value in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return "list of " + type_of(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return "map to " + type_of(schema["additionalProperties"])
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def content_schema(entry: dict[str, Any]) -> str:
    for media in entry.get("content", {}).values():
        return type_of(media.get("schema", {}))
    return ""


def operations_by_tag(schema: dict[str, Any]) -> dict[str, list[Operation]]:
    tags: dict[str, list[Operation]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            details = item[method]
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=details.get("summary", ""),
                description=details.get("description", ""),
                anchor=details.get("operationId", f"{method}-{path}"),
                parameters=[
                    Parameter(
                        name=parameter["name"],
                        where=parameter["in"],
                        required=parameter.get("required", False),
                        type=type_of(parameter.get("schema", {})),
                        description=parameter.get("description", ""),
                    )
                    for parameter in details.get("parameters", [])
                ],
                body=content_schema(details.get("requestBody", {})),
                answers=[
                    Answer(str(status), answer.get("description", ""), content_schema(answer))
                    for status, answer in sorted(details.get("responses", {}).items())
                ],
            )
            # Listed under its first tag only: one place, one anchor, per operation.
            tag = (details.get("tags") or ["other"])[0]
            tags.setdefault(tag, []).append(operation)
    return tags


def models(schema: dict[str, Any]) -> list[Model]:
    found = []
    for name, model in sorted(schema["components"]["schemas"].items()):
        required = set(model.get("required", []))
        found.append(
            Model(
                name=name,
                description=model.get("description", ""),
                properties=[
                    Property(
                        name=key,
                        type=type_of(value),
                        required=key in required,
                        description=value.get("description", ""),
                    )
                    for key, value in model.get("properties", {}).items()
                ],
            )
        )
    return found


class ReferenceDocs(DocsBase):
    """Ninja's docs hook, answering a server-rendered page built once per process."""

    template = "api_reference.html"

    def __init__(self) -> None:
        self._pages: dict[str, str] = {}
        # A request that arrives while warm() builds the page waits for it instead of
        # building a second copy.
        self._lock = threading.Lock()

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return HttpResponse(self.page(api, kwargs))

    def page(self, api: NinjaAPI, path_params: dict[str, Any]) -> str:
        schema_url = self.get_openapi_url(api, path_params)
        with self._lock:
            html = self._pages.get(schema_url)
            if html is None:
                schema = api.get_openapi_schema(path_params=path_params)
                html = render_to_string(
                    self.template,
                    {
                        "info": schema["info"],
                        "tags": sorted(operations_by_tag(schema).items()),
                        "models": models(schema),
                        "schema_url": schema_url,
                    },
                )
                self._pages[schema_url] = html
        return html


def warm(api: NinjaAPI) -> None:
    """Build the schema and the reference page before anyone asks for them: a server worker
    calls this in a thread once it starts, so the first visit to /api/v1/docs is as quick as
    the next (building them takes seconds)."""
    if isinstance(api.docs, ReferenceDocs):
        api.docs.page(api, {})


def etag_of(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def cached_by_clients(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its reference page change only with the code: answer with an ETag (a
    client that has them gets 304) and let a browser keep them for a while without asking."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        tag = etag_of(response.content)
        patch_cache_control(response, public=True, max_age=300)
        response["ETag"] = tag
        if tag in request.headers.get("If-None-Match", ""):
            not_modified = HttpResponse(status=304)
            for header in ("ETag", "Cache-Control"):
                not_modified[header] = response[header]
            return not_modified
        return response

    return answer
