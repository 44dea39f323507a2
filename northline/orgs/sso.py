"""Sign-in with OpenID Connect (issue 16; docs/security.md "Sign-in with OpenID Connect").

mozilla-django-oidc runs the authorization-code flow (state, nonce, PKCE, the token request,
the JWKS and userinfo fetches). This module adds what Northline decides on top of it:

* the provider's endpoints come from its discovery document, fetched at the first sign-in and
  kept per process, and its ``issuer`` must be the configured one;
* the ID token is checked in full (signature, issuer, audience and ``azp``, expiry, issue time,
  nonce): the library itself leaves the audience and issuer unchecked and lets an expired
  token escape as an error page;
* the claims are checked (a verified e-mail address in an allowed domain) before any account is
  looked up, and each refusal reaches the person as a sentence on the sign-in page, the log and
  the audit trail (``sign_in_refused``);
* the account and its memberships are written by :func:`services.sign_in_with_sso`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import LogoutView
from django.core import checks
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from northline.lib.errors import DomainError, Invalid
from northline.orgs import mfa, services, sign_in_ways
from northline.orgs.models import ROLE_RANK, Role

log = logging.getLogger("northline.sso")

# Clock difference tolerated between Northline and the provider, in seconds.
LEEWAY = 30
METHOD = "single sign-on"
SETTING = "NORTHLINE_OIDC_GROUP_ROLES"


class Refused(Exception):
    """A sign-in the checks refuse; its message is shown to the person as it is."""


# Configuration ------------------------------------------------------------------------------


def parse_group_roles(text: str) -> dict[str, dict[str, str]]:
    """``group=organization:role`` entries, separated by commas or new lines, as
    {group: {organization slug: role}}. A group may name several organizations; one group
    naming the same organization twice, with different roles, is refused."""
    mapping: dict[str, dict[str, str]] = {}
    for raw in text.replace("\n", ",").split(","):
        entry = raw.strip()
        if not entry:
            continue
        group, equals, target = entry.rpartition("=")
        slug, colon, role = target.partition(":")
        group, slug, role = group.strip(), slug.strip(), role.strip().lower()
        if not equals or not colon or not group or not slug:
            raise Invalid(
                f"{SETTING}: {entry!r} must look like group=organization:role.",
                fields={SETTING: f"{entry!r} must look like group=organization:role."},
            )
        if role not in Role.values:
            raise Invalid(
                f"{SETTING}: {entry!r} names role {role!r}; use owner, admin, editor or viewer.",
                fields={SETTING: f"Unknown role {role!r}."},
            )
        previous = mapping.setdefault(group, {}).get(slug)
        if previous is not None and previous != role:
            raise Invalid(
                f"{SETTING}: group {group!r} gives {slug!r} both {previous} and {role}.",
                fields={SETTING: f"Group {group!r} is mapped twice for {slug!r}."},
            )
        mapping[group][slug] = role
    return mapping


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    name: str
    allowed_domains: tuple[str, ...]
    groups_claim: str
    group_roles: dict[str, dict[str, str]]
    require_verified_email: bool

    @property
    def managed(self) -> set[str]:
        """The organizations the group mapping manages, by slug."""
        return {slug for targets in self.group_roles.values() for slug in targets}


# Authentication methods (RFC 8176 "amr") that mean more than a password was shown: several
# factors, a one-time code, a hardware key, a text message, a smart card.
SECOND_FACTOR_METHODS = frozenset({"mfa", "otp", "hwk", "sms", "sc"})


ID_TOKEN_SESSION_KEY = "northline_sso_id_token"


def enabled() -> bool:
    return sign_in_ways.single_sign_on()


def config() -> Config:
    return Config(
        issuer=settings.NORTHLINE_OIDC_ISSUER,
        client_id=settings.OIDC_RP_CLIENT_ID,
        name=settings.NORTHLINE_OIDC_NAME,
        allowed_domains=tuple(settings.NORTHLINE_OIDC_ALLOWED_DOMAINS),
        groups_claim=settings.NORTHLINE_OIDC_GROUPS_CLAIM,
        group_roles=parse_group_roles(settings.NORTHLINE_OIDC_GROUP_ROLES),
        require_verified_email=settings.NORTHLINE_OIDC_REQUIRE_VERIFIED_EMAIL,
    )


def login_context() -> dict[str, Any]:
    """What the sign-in page needs to know: which ways of signing in it offers."""
    return {
        "sso_name": settings.NORTHLINE_OIDC_NAME if enabled() else "",
        "local_passwords": sign_in_ways.passwords(),
    }


_discovered: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()


def discover(issuer: str) -> dict[str, Any]:
    """The provider's discovery document, fetched once per process (a failure is not kept)."""
    with _discovery_lock:
        if issuer not in _discovered:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
            )
            response.raise_for_status()
            document = response.json()
            if str(document.get("issuer", "")).rstrip("/") != issuer:
                raise Refused(
                    "The identity provider's discovery document names another issuer; "
                    "ask an administrator to check NORTHLINE_OIDC_ISSUER."
                )
            _discovered[issuer] = document
        return _discovered[issuer]


# Checks --------------------------------------------------------------------------------------


def check_id_token(token: str, key: Any, *, cfg: Config, nonce: str | None) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
    name = cfg.name
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=cfg.client_id,
            issuer=cfg.issuer,
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise Refused(f"The answer from {name} has expired. Sign in again.") from error
    except jwt.InvalidAudienceError as error:
        raise Refused(
            f"The answer from {name} was meant for another application (wrong audience)."
        ) from error
    except jwt.InvalidIssuerError as error:
        raise Refused(f"The answer did not come from {name} (wrong issuer).") from error
    except jwt.ImmatureSignatureError as error:
        raise Refused(f"The answer from {name} is dated in the future.") from error
    except jwt.PyJWTError as error:
        raise Refused(f"The answer from {name} could not be verified ({error}).") from error
    audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
    if len(audiences) > 1 and payload.get("azp") != cfg.client_id:
        raise Refused(f"The answer from {name} was meant for another application (wrong audience).")
    if nonce is None or payload.get("nonce") != nonce:
        raise Refused(
            f"The answer from {name} does not belong to this sign-in (wrong nonce). Sign in again."
        )
    return payload


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def check_claims(claims: dict[str, Any], cfg: Config) -> str:
    """The e-mail address to sign in with, once it is present, verified (unless the setting
    says the provider does not say) and in an allowed domain."""
    email = str(claims.get("email") or "").strip()
    if "@" not in email:
        raise Refused(f"Your account at {cfg.name} has no e-mail address; Northline needs one.")
    verified = claims.get("email_verified")
    if cfg.require_verified_email and verified is not True and str(verified).lower() != "true":
        raise Refused(f"{cfg.name} has not verified your e-mail address {email}.")
    if cfg.allowed_domains and domain_of(email) not in cfg.allowed_domains:
        raise Refused(
            f"{email} may not sign in here: only addresses at {', '.join(cfg.allowed_domains)} may."
        )
    return email


def groups_of(claims: dict[str, Any], claim: str) -> list[str] | None:
    """The groups the claim lists; None when the provider sent no such claim."""
    value = claims.get(claim)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return None


def roles_for(groups: list[str], mapping: dict[str, dict[str, str]]) -> dict[str, str]:
    """{organization slug: role} the groups give; the highest role where several name one."""
    roles: dict[str, str] = {}
    for group in groups:
        for slug, role in mapping.get(group, {}).items():
            current = roles.get(slug)
            if current is None or ROLE_RANK[Role(role)] > ROLE_RANK[Role(current)]:
                roles[slug] = role
    return roles


# The backend and the two views -----------------------------------------------------------------


class OidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with Northline's checks, accounts and refusals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds backends for every sign-in, a password's too: the provider is only
        # asked (discovery) when this backend has a callback to handle.
        self.UserModel = get_user_model()
        self.claimed = ""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not request.GET.get("code"):
            return None
        cfg = config()
        try:
            document = discover(cfg.issuer)
            self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
            self.OIDC_OP_USER_ENDPOINT = document["userinfo_endpoint"]
            self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
            self.OIDC_RP_CLIENT_ID = cfg.client_id
            self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
            self.OIDC_RP_SIGN_ALGO = "RS256"
            self.OIDC_RP_IDP_SIGN_KEY = None
            self.cfg = cfg
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            reason = str(refusal)
        except DomainError as error:
            reason = error.message
        except (requests.RequestException, ValueError, KeyError, SuspiciousOperation) as error:
            log.warning("Single sign-on failed: %s", error)
            reason = (
                f"{cfg.name} could not be reached, or its answer could not be read. "
                "Try again later."
            )
        log.warning("Sign-in with %s refused for %r: %s", cfg.name, self.claimed, reason)
        services.record_sign_in_refused(self.claimed, method=METHOD, reason=reason)
        request.northline_sso_refusal = reason  # type: ignore[attr-defined]
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        key = self.retrieve_matching_jwk(token)
        return check_id_token(token, key, cfg=self.cfg, nonce=kwargs.get("nonce"))

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # Kept for signing out at the provider too (NORTHLINE_OIDC_LOGOUT): its id_token_hint.
        self.request.session[ID_TOKEN_SESSION_KEY] = id_token
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub", payload["sub"]) != payload["sub"]:
            raise Refused(f"{self.cfg.name} described another person than it signed in.")
        claims = {**payload, **userinfo}
        self.claimed = str(claims.get("email") or claims.get("sub") or "")
        email = check_claims(claims, self.cfg)
        groups = groups_of(claims, self.cfg.groups_claim)
        if groups is None:
            log.warning(
                "%s sent no %r claim for %s: memberships left as they are.",
                self.cfg.name,
                self.cfg.groups_claim,
                email,
            )
        user = services.sign_in_with_sso(
            issuer=self.cfg.issuer,
            subject=str(payload["sub"]),
            email=email,
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            may_create=bool(self.cfg.allowed_domains),
            roles=None if groups is None else roles_for(groups, self.cfg.group_roles),
            managed=self.cfg.managed,
        )
        # The provider asserts a second factor (RFC 8176 methods): the session counts as
        # verified where an organization requires one (northline.orgs.mfa).
        methods = claims.get("amr")
        asserted = isinstance(methods, list) and bool(
            SECOND_FACTOR_METHODS & {str(method) for method in methods}
        )
        user.second_factor_by_provider = asserted  # type: ignore[attr-defined]
        return user


class SignInStart(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; 404 while single sign-on is not configured."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            document = discover(settings.NORTHLINE_OIDC_ISSUER)
        except (requests.RequestException, ValueError, Refused) as error:
            log.warning("Single sign-on discovery failed: %s", error)
            messages.error(
                request,
                f"{settings.NORTHLINE_OIDC_NAME} could not be reached. Try again later.",
            )
            return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response


class SignInCallback(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; a refusal is said on the sign-in page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        if request.GET.get("error"):
            reason = f"{settings.NORTHLINE_OIDC_NAME} did not sign you in ({request.GET['error']})."
            services.record_sign_in_refused("", method=METHOD, reason=reason)
            request.northline_sso_refusal = reason  # type: ignore[attr-defined]
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation:
            # A callback whose state this browser did not start (replayed, or another tab's).
            request.northline_sso_refusal = "This sign-in link was already used. Sign in again."  # type: ignore[attr-defined]
            response = self.login_failure()
        return response

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        if getattr(self.user, "second_factor_by_provider", False):
            mfa.mark_verified_by_provider(self.request)
        return response

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "northline_sso_refusal", "Single sign-on did not succeed.")
        messages.error(self.request, reason)
        response: HttpResponse = super().login_failure()
        return response


class SignOut(LogoutView):
    """Django's sign-out; with NORTHLINE_OIDC_LOGOUT on, a person who signed in through the
    provider is then sent to the provider's end-session endpoint (OpenID Connect RP-initiated
    logout) to end their session there too, and comes back to the sign-in page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get(ID_TOKEN_SESSION_KEY)
        response: HttpResponse = super().post(request, *args, **kwargs)
        if not (id_token and enabled() and settings.NORTHLINE_OIDC_LOGOUT):
            return response
        try:
            endpoint = discover(settings.NORTHLINE_OIDC_ISSUER).get("end_session_endpoint")
        except (requests.RequestException, ValueError, Refused) as error:
            log.warning("Single sign-on discovery failed at sign-out: %s", error)
            endpoint = None
        if not endpoint:
            messages.info(
                request,
                f"Signed out of Northline; {settings.NORTHLINE_OIDC_NAME} may still be open.",
            )
            return response
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            }
        )
        # A page that moves on by itself, not a redirect: the sign-out is a form's POST, and the
        # content security policy lets a form lead to this site only (form-action 'self').
        return render(
            request,
            "registration/signed_out_provider.html",
            {"end_session_url": f"{endpoint}?{query}", "provider": settings.NORTHLINE_OIDC_NAME},
        )


def check_configuration(**kwargs: Any) -> list[checks.CheckMessage]:
    """``northline manage check`` (and every start): a mistyped setting is said at once, not
    at the first person's sign-in."""
    if not enabled():
        return []
    found: list[checks.CheckMessage] = []
    if not settings.OIDC_RP_CLIENT_ID or not settings.OIDC_RP_CLIENT_SECRET:
        found.append(
            checks.Error(
                "NORTHLINE_OIDC_ISSUER is set without NORTHLINE_OIDC_CLIENT_ID and "
                "NORTHLINE_OIDC_CLIENT_SECRET.",
                id="northline.E101",
            )
        )
    try:
        parse_group_roles(settings.NORTHLINE_OIDC_GROUP_ROLES)
    except Invalid as error:
        found.append(checks.Error(error.message, id="northline.E102"))
    if not settings.NORTHLINE_OIDC_ALLOWED_DOMAINS:
        found.append(
            checks.Warning(
                "NORTHLINE_OIDC_ALLOWED_DOMAINS is empty: single sign-on signs in existing "
                "accounts only and creates none.",
                id="northline.W101",
            )
        )
    return found
