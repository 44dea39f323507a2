"""Who calls the HTTP API, and the organization gate: the API's half of orgs' access rules.

* a bearer token (``Authorization: Bearer nl_…``) or the browser session (with CSRF);
* under ``/orgs/{org}/`` the caller must be a member (else 404, as if it did not exist) and a
  viewer may not use unsafe methods (403), before the request body is even read;
* a token reaches only its organization (another answers 404, as to an outsider), and a
  read-only token uses no unsafe method anywhere (403 ``token_scope``).

The root API (``northline.api``) authenticates with these classes and every app's router reads
the result with :func:`caller` and :func:`caller_access`; they live in orgs, below every app, so
that no app imports the root API that mounts it (DESIGN §5).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from northline.lib.errors import Forbidden, NotFound
from northline.orgs.access import Access, access_organization, token_scope_refusal
from northline.orgs.api_throttle import count_token_failure, refuse_guessing_address
from northline.orgs.mfa import check_second_factor
from northline.orgs.models import ApiToken
from northline.orgs.services import token_for

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def enter_organization(request: HttpRequest, user: User, token: ApiToken | None = None) -> User:
    """Resolve ``{org}`` for routes below /orgs/{org}/ and refuse viewers' writes early; an
    organization that requires a second factor refuses callers without one (403)."""
    request.api_token = token  # type: ignore[attr-defined]
    if token is not None and token.scope != "write" and request.method not in SAFE_METHODS:
        raise token_scope_refusal(token.scope, "write")
    match = request.resolver_match
    slug = match.kwargs.get("org") if match else None
    if slug is not None:
        if token is not None and not token.is_legacy and token.organization.slug != slug:  # type: ignore[union-attr]
            # As for an outsider: the token does not reveal that the organization exists.
            raise NotFound(f"No organization named {slug!r}.")
        if token is not None and not token.is_legacy:
            # token_for read the owner's role in the token's organization with the token.
            role = getattr(token, "member_role", None)
            if role is None:
                raise NotFound(f"No organization named {slug!r}.")
            assert token.organization is not None
            access = Access(user=user, organization=token.organization, role=role)
        else:
            access = access_organization(user, slug)
        access = check_second_factor(access, by_token=token is not None)
        if token is not None:
            access = replace(access, token_scope=token.scope)
        if request.method not in SAFE_METHODS:
            access.require("write")
        request.access = access  # type: ignore[attr-defined]
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        refuse_guessing_address(request)  # 429 once the address has failed too often
        found = token_for(token)
        if found is None:
            count_token_failure(request)
            return None
        return enter_organization(request, found.user, found)


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


def caller_token(request: HttpRequest) -> ApiToken | None:
    """The API token the caller authenticated with, or None for the browser session."""
    return getattr(request, "api_token", None)


def refuse_tokens(request: HttpRequest, what: str) -> None:
    """Account-level operations a token must not do (it would outgrow its scope or expiry)."""
    if caller_token(request) is not None:
        raise Forbidden(
            f"{what} needs a signed-in browser session, not an API token.", code="token_scope"
        )
