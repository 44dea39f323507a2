"""The API's error shape for what never reaches a route: unknown paths, wrong methods, faults.

Below ``/api/`` every 4xx and 5xx answers ``{"error": {"code", "message", "fields"}}``
The routes' own errors are shaped by the exception handlers in ``northline.api``; this module
shapes the rest (Django's resolver 404, the 405 of a route that exists with other methods,
and a server fault, which also gets a request id that the log shows beside the traceback).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from northline.lib.errors import ErrorCode

logger = logging.getLogger("northline.api")

API_PREFIX = "/api/"
# The longest path and query string taken, as gunicorn's own default would allow twice over.
MAX_URL_LENGTH = 8190


def error_response(
    status: int, code: ErrorCode, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    body = {"error": {"code": str(code), "message": message, "fields": fields or {}}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def server_error(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """A fault of ours: logged with a request id that the answer repeats."""
    request_id = uuid.uuid4().hex[:16]
    logger.error(
        "API request %s failed: %s %s",
        request_id,
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    response = error_response(
        500,
        ErrorCode.SERVER_ERROR,
        f"Something went wrong on our side; nothing you sent was saved. Request id {request_id}.",
    )
    response["X-Request-ID"] = request_id
    return response


def is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorShapeMiddleware:
    """Gives the answers Django or ninja make outside a route the API's error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            if not request.path.startswith(API_PREFIX):
                return HttpResponse(
                    "The address is too long.", status=414, content_type="text/plain"
                )
            return error_response(
                414,
                ErrorCode.URI_TOO_LONG,
                f"The address is longer than the {MAX_URL_LENGTH} characters this server takes.",
            )
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if is_json(response) or response.status_code == 500:
            return response
        if response.status_code == 404:
            return error_response(
                404, ErrorCode.NOT_FOUND, f"There is no API route {request.path}."
            )
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            shaped = error_response(
                405,
                ErrorCode.METHOD_NOT_ALLOWED,
                f"{request.method} is not allowed on {request.path}; allowed: {allowed}.",
            )
            if allowed:
                shaped["Allow"] = allowed
            return shaped
        if response.status_code == 400:
            return error_response(400, ErrorCode.MALFORMED, "The request could not be read.")
        if response.status_code == 403:
            return error_response(403, ErrorCode.FORBIDDEN, "Forbidden.")
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        return server_error(request, exc)
