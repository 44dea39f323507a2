"""The HTTP API at /api/v1/ (DESIGN §4): one NinjaAPI that mounts each app's router.

Authentication, the organization gate and the error shape live here once:

* a bearer token (``Authorization: Bearer nl_…``) or the browser session (with CSRF);
* under ``/orgs/{org}/`` the caller must be a member (else 404, as if it did not exist) and a
  viewer may not use unsafe methods (403), before the request body is even read;
* every 4xx answers ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from northline.lib.errors import DomainError, NotAuthenticated
from northline.orgs.access import Access, access_organization
from northline.orgs.services import user_for_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def enter_organization(request: HttpRequest, user: User) -> User:
    """Resolve ``{org}`` for routes below /orgs/{org}/ and refuse viewers' writes early."""
    match = request.resolver_match
    slug = match.kwargs.get("org") if match else None
    if slug is not None:
        access = access_organization(user, slug)
        if request.method not in SAFE_METHODS:
            access.require("write")
        request.access = access  # type: ignore[attr-defined]
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is None:
            return None
        return enter_organization(request, user)


class BrowserSession(APIKeyCookie):
    """Django's session; unsafe methods need the CSRF token, as in the web UI."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session this method does not apply: fall through to 401 rather
        # than failing the CSRF check with 403. With one, the parent enforces CSRF.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if key is None:
            return None
        return enter_organization(request, request.user)  # type: ignore[arg-type]


def caller(request: HttpRequest) -> User:
    """The user the authentication above identified."""
    return request.auth  # type: ignore[attr-defined]


def caller_access(request: HttpRequest) -> Access:
    """The Access that the organization gate resolved for this request."""
    return request.access  # type: ignore[attr-defined]


api = NinjaAPI(
    title="Northline API",
    version="1",
    description=(
        "Strategy, goals, portfolio, delivery, lab governance and insights. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `northline token create` or on your "
        "profile page) or with the browser session plus the CSRF header. Errors always answer "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def error_response(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, payload, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.as_payload())


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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {
        400: "bad_request",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "throttled",
    }.get(exc.status_code, "error")
    return error_response(
        request, exc.status_code, {"error": {"code": code, "message": str(exc), "fields": {}}}
    )


def mount_routers() -> None:
    from northline.delivery.api import router as delivery
    from northline.goals.api import router as goals
    from northline.insights.api import router as insights
    from northline.lab.api import router as lab
    from northline.lab.api_governance import router as lab_governance
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
        lab_governance,
        insights,
    ):
        api.add_router("/orgs/{org}/", app_router)


mount_routers()
