"""Who calls the HTTP API, and the organization gate: the API's half of orgs' access rules.

* a bearer token (``Authorization: Bearer nl_…``) or the browser session (with CSRF);
* under ``/orgs/{org}/`` the caller must be a member (else 404, as if it did not exist) and a
  viewer may not use unsafe methods (403), before the request body is even read.

The root API (``northline.api``) authenticates with these classes and every app's router reads
the result with :func:`caller` and :func:`caller_access`; they live in orgs, below every app, so
that no app imports the root API that mounts it (DESIGN §5).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from northline.orgs.access import Access, access_organization
from northline.orgs.mfa import check_second_factor
from northline.orgs.services import user_for_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def enter_organization(request: HttpRequest, user: User, *, by_token: bool = False) -> User:
    """Resolve ``{org}`` for routes below /orgs/{org}/ and refuse viewers' writes early; an
    organization that requires a second factor refuses callers without one (403)."""
    match = request.resolver_match
    slug = match.kwargs.get("org") if match else None
    if slug is not None:
        access = check_second_factor(access_organization(user, slug), by_token=by_token)
        if request.method not in SAFE_METHODS:
            access.require("write")
        request.access = access  # type: ignore[attr-defined]
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is None:
            return None
        return enter_organization(request, user, by_token=True)


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
