"""The API's throttles (docs/security.md, "Throttling and lockout"), in Django's cache.

* Failed bearer tokens, per client address (NORTHLINE_API_TOKEN_FAILURE_RATE, 20/minute):
  once an address has sent that many tokens that open nothing, every bearer request from it
  answers 429 until the window ends, even with a valid token, so guessing cannot go on with a
  good one mixed in. Checked in ``BearerToken.authenticate`` (ninja's throttles run only after
  authentication succeeded, too late for this).
* Writes, per user (NORTHLINE_API_WRITE_RATE, 600/minute): ninja's throttle hook, after
  authentication. Reads are not throttled.

Both answer 429 ``throttled`` in the API's error shape with a Retry-After header, and log a line
on ``northline.security``.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from northline.lib import throttle
from northline.lib.context import address_of
from northline.orgs.signin import log_throttled

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenGuessing(Throttled):
    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.message = (
            "Too many requests with a token that is not valid came from your address; "
            f"retry after {wait} seconds."
        )


def token_failure_rate() -> throttle.Rate | None:
    return throttle.Rate.parse(settings.NORTHLINE_API_TOKEN_FAILURE_RATE)


def refuse_guessing_address(request: HttpRequest) -> None:
    """Raise 429 when the caller's address has used up its failed tokens for now."""
    wait = throttle.retry_after(
        "api_token_failure", address_of(request) or "-", token_failure_rate()
    )
    if wait is not None:
        log_throttled("bearer token", request, wait)
        raise TokenGuessing(wait)


def count_token_failure(request: HttpRequest) -> None:
    throttle.count("api_token_failure", address_of(request) or "-", token_failure_rate())


class WriteThrottle(BaseThrottle):
    """Unsafe methods per authenticated user; the wait is kept per thread for ninja's wait()."""

    def __init__(self) -> None:
        self.local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if request.method in SAFE_METHODS or user is None:
            return True
        rate = throttle.Rate.parse(settings.NORTHLINE_API_WRITE_RATE)
        wait = throttle.take("api_write", str(user.pk), rate)
        self.local.wait = wait
        if wait is None:
            return True
        log_throttled("API write", request, wait)
        return False

    def wait(self) -> float | None:
        return getattr(self.local, "wait", None)
