"""Signing in safely: the page a locked-out person sees, and the security log of refusals.

django-axes counts failed sign-ins per username and client address together (settings.py,
"Throttling and lockout"); once a pair reaches the limit, its sign-ins are refused, even with
the right password, until the cool-off has passed since the last counted failure or an
administrator runs ``northline unlock USERNAME`` (services.unlock_sign_in). Every refusal,
lockout and throttled request is logged on ``northline.security`` with the client's address.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from northline.lib.context import address_of

security_log = logging.getLogger("northline.security")


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    username = (credentials or {}).get("username")
    if username is None and request.method == "POST":
        username = request.POST.get("username")
    return str(username or "")


def lockout_ends(username: str, address: str | None) -> dt.datetime:
    """When the pair may sign in again: the cool-off after its last counted failure."""
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    cool_off = get_cool_off() or dt.timedelta(0)
    return (last or timezone.now()) + cool_off


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The answer to a sign-in that axes refused (AXES_LOCKOUT_CALLABLE): 429, in our page."""
    username = username_of(request, credentials)
    ends = lockout_ends(username, address_of(request))
    # Rendered now: axes' middleware returns it after the view's response was rendered.
    response = render(
        request,
        "registration/locked_out.html",
        {"username": username, "ends": ends, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(max(1, int((ends - timezone.now()).total_seconds())))
    return response


@receiver(user_login_failed, dispatch_uid="northline.security.sign_in_refused")
def log_refused_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``.
    security_log.warning(
        "sign-in refused: username=%r address=%s",
        (credentials or {}).get("username", ""),
        address_of(request) if request is not None else "-",
    )


@receiver(user_locked_out, dispatch_uid="northline.security.locked_out")
def log_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str | None, **kwargs: Any
) -> None:
    security_log.warning("sign-in locked out: username=%r address=%s", username, ip_address)


def log_throttled(what: str, request: HttpRequest, wait: int) -> None:
    security_log.warning(
        "throttled %s: %s %s address=%s retry_after=%ss",
        what,
        request.method,
        request.path,
        address_of(request),
        wait,
    )
