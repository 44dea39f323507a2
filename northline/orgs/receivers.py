"""Django's sign-in signals, written to the audit trail (issue 16).

Kept apart from ``orgs.signals``, which services import: receivers call services, and the two
in one module would be an import cycle.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from northline.orgs import services

log = logging.getLogger("northline.sso")


def in_a_request(request: HttpRequest | None) -> bool:
    """A person signs in and out through a request. A session made without one (the test
    client's ``force_login``, whose bare request has no method) is no sign-in."""
    return request is not None and "REQUEST_METHOD" in request.META


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if not in_a_request(request):
        return
    backend = getattr(user, "backend", "") or ""
    method = services.SSO_ACTOR if backend.endswith("OidcBackend") else services.PASSWORD
    services.record_signed_in(user, method=method)


def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if in_a_request(request) and user is not None and user.is_authenticated:
        services.record_signed_out(user)


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Single sign-on records its own refusals, with the reason; this is the password form's.
    if "username" not in credentials:
        return
    who = str(credentials.get("username") or "")
    if settings.NORTHLINE_LOCAL_PASSWORDS:
        reason = "Wrong username or password."
    else:
        reason = "Password sign-in is turned off."
    log.warning("Password sign-in refused for %r: %s", who, reason)
    services.record_sign_in_refused(who, method=services.PASSWORD, reason=reason)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(signed_in, dispatch_uid="northline.orgs.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="northline.orgs.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="northline.orgs.sign_in_failed")
