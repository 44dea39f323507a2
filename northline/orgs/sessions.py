"""Browser sessions: stored with their user (for "sign out everywhere"), ended after a spell
without activity or an absolute lifetime, whichever comes first (docs/security.md).

``SESSION_ENGINE`` names this module; :class:`SessionTimeoutMiddleware` runs after Django's
authentication middleware.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from northline.orgs.models import UserSession

SIGNED_IN_AT = "northline_signed_in_at"
LAST_SEEN_AT = "northline_last_seen_at"
# Stamping the last activity on every request would make every page a session write.
LAST_SEEN_PRECISION = 60


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, with the signed-in user's id in a column of its own."""

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, object]) -> UserSession:
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if isinstance(user_id, (int, str)) else None  # type: ignore[attr-defined]
        return session  # type: ignore[return-value]


@receiver(user_logged_in, dispatch_uid="northline-session-stamps")
def stamp_sign_in(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **_: object
) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def ended_because(session: object, now: int) -> str | None:
    """Why a signed-in session has run out, or None while it is still good."""
    signed_in_at = session.get(SIGNED_IN_AT)  # type: ignore[attr-defined]
    last_seen_at = session.get(LAST_SEEN_AT)  # type: ignore[attr-defined]
    idle = settings.NORTHLINE_SESSION_IDLE_MINUTES * 60
    lifetime = settings.NORTHLINE_SESSION_MAX_HOURS * 3600
    if isinstance(last_seen_at, int) and idle and now - last_seen_at > idle:
        return f"You were signed out after {describe(idle)} without activity."
    if isinstance(signed_in_at, int) and now - signed_in_at > lifetime:
        return f"You were signed out {describe(lifetime)} after signing in; please sign in again."
    return None


def describe(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        if hours % 24 == 0 and hours >= 48:
            return f"{hours // 24} days"
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class SessionTimeoutMiddleware:
    """Signs out a session idle for too long or older than its absolute lifetime.

    It reads the session only when it holds a signed-in user, so anonymous requests stay
    query-free, and writes the last activity at most once a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            reason = ended_because(session, now)
            if reason is not None:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, reason)
            else:
                if SIGNED_IN_AT not in session:
                    # A session from before these stamps: its lifetime counts from now.
                    session[SIGNED_IN_AT] = now
                last_seen_at = session.get(LAST_SEEN_AT)
                if not isinstance(last_seen_at, int) or now - last_seen_at >= LAST_SEEN_PRECISION:
                    session[LAST_SEEN_AT] = now
        return self.get_response(request)
