"""Receivers of Django's own signals that lead to a write of orgs (through its services):
tokens revoked on a new password, and signing in, out and refused in the audit trail.

Kept apart from ``orgs.signals``, which services import: receivers call services, and the two
in one module would be an import cycle.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from northline.orgs import services


@receiver(post_save, sender=User, dispatch_uid="northline-revoke-tokens-on-new-password")
def revoke_tokens_on_new_password(
    sender: type[User], instance: User, created: bool, **_: object
) -> None:
    """A new password revokes every API token of its user, whichever path set it.

    ``set_password`` keeps the new raw password in ``_password`` until ``save`` has stored it,
    and every path that changes a password goes through it: the password change page, reset by
    e-mail (SetPasswordForm), ``manage.py changepassword``, the admin. Django's own rehash of a
    stored password at sign-in (a stronger hasher) clears ``_password`` before saving, so an
    upgraded hash is not taken for a new password.
    """
    if not created and getattr(instance, "_password", None) is not None:
        services.revoke_tokens_of(instance, reason="password changed")


# Signing in and out ----------------------------------------------------------------------

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
    locked = getattr(request, "axes_locked_out", False)  # this failure reached the limit
    if sender == "northline.orgs.mfa_views":
        reason = "Wrong two-factor code" + (
            "; locked out after too many failed sign-ins." if locked else "."
        )
    elif locked:
        reason = "Locked out after too many failed sign-ins."
    elif settings.NORTHLINE_LOCAL_PASSWORDS:
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
