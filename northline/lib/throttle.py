"""Counting what one client does in a window of time, in Django's cache (docs/security.md,
"Throttling and lockout").

A rate such as ``20/minute`` allows that many counted events per client and scope in each
window; windows are fixed (they start on a multiple of their length), so across the turn of a
window a client can at most double its rate for a moment, and a refusal says exactly when the
window ends (``Retry-After``). The counters live in the default cache, which must be shared by
every server process for the limits to hold (the database cache is, a local-memory one is not).

Used by the API (failed bearer tokens per address, writes per user) and by the password reset
form (requests per e-mail address and per client address). Sign-in failures are counted by
django-axes in its own tables instead.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.core.cache import cache

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*$")
SHORT = {"s": "second", "sec": "second", "m": "minute", "min": "minute", "h": "hour", "d": "day"}


@dataclass(frozen=True)
class Rate:
    """``count`` events per ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str | None) -> Rate | None:
        """``"20/minute"`` → Rate(20, 60), ``"5/hour"``, ``"100/10s"``; empty or ``off`` → None
        (no limit). Anything else is a configuration mistake and raises ValueError."""
        if text is None or text.strip().lower() in {"", "off", "none"}:
            return None
        match = RATE.match(text.lower())
        if match is None or int(match.group(1)) < 1:
            raise ValueError(f"not a rate such as 20/minute: {text!r}")
        count, multiple, unit = match.groups()
        seconds = UNITS[SHORT.get(unit, unit)] * (int(multiple) if multiple else 1)
        return cls(int(count), seconds)


def window_key(scope: str, ident: str, rate: Rate, now: float) -> tuple[str, float]:
    """The cache key of the window ``now`` falls in, and the seconds until that window ends.
    The client's identity is hashed: keys stay short and carry no address or e-mail."""
    index = math.floor(now / rate.seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"northline:throttle:{scope}:{digest}:{index}", (index + 1) * rate.seconds - now


def wait_seconds(remaining: float) -> int:
    return max(1, math.ceil(remaining))


def retry_after(scope: str, ident: str, rate: Rate | None) -> int | None:
    """Seconds to wait when the client has used up its window, else None; counts nothing."""
    if rate is None:
        return None
    key, remaining = window_key(scope, ident, rate, time.time())
    if (cache.get(key) or 0) >= rate.count:
        return wait_seconds(remaining)
    return None


def count(scope: str, ident: str, rate: Rate | None) -> int:
    """Count one event in the client's current window; returns the window's count so far."""
    if rate is None:
        return 0
    key, remaining = window_key(scope, ident, rate, time.time())
    # add() then incr(): the first event of a window creates the counter with its expiry, and
    # incr() adds without a read-modify-write on caches that support it (Redis, Memcached).
    cache.add(key, 0, timeout=math.ceil(remaining) + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this event opens a new window
        cache.add(key, 1, timeout=math.ceil(remaining) + 1)
        return 1


def take(scope: str, ident: str, rate: Rate | None) -> int | None:
    """Count one event; when that goes over the rate, the seconds to wait, else None."""
    if rate is None:
        return None
    if count(scope, ident, rate) > rate.count:
        _, remaining = window_key(scope, ident, rate, time.time())
        return wait_seconds(remaining)
    return None
