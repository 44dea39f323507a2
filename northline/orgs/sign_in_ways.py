"""Which ways of signing in this installation offers, read from settings at each call (so a
test or an operator's change of settings takes effect): single sign-on when an OpenID Connect
issuer is set, and passwords unless single sign-on is on and NORTHLINE_LOCAL_PASSWORDS is off.
Without a password sign-in there is no password sign-up on an invitation and no reset."""

from __future__ import annotations

from django.conf import settings


def single_sign_on() -> bool:
    return bool(getattr(settings, "NORTHLINE_OIDC_ISSUER", ""))


def passwords() -> bool:
    return bool(settings.NORTHLINE_LOCAL_PASSWORDS) or not single_sign_on()


def password_sign_up() -> bool:
    """An invitation's page offers a new account with a username and password."""
    return bool(settings.NORTHLINE_INVITATION_SIGNUP) and passwords()
