"""Small parsers that turn ``NORTHLINE_*`` environment variables into Django settings."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def load_or_create_secret_key(data_dir: Path) -> str:
    """Return the key kept in the data dir, creating it (mode 600) on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_from_url(url: str, default_sqlite: Path) -> dict[str, Any]:
    """``postgres://user:pass@host:port/name`` or ``sqlite:///path``; empty means the data dir."""
    if not url:
        return sqlite_database(default_sqlite)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    if parts.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
            "TEST": {"NAME": options.pop("test_name", None)},
        }
    raise ValueError(f"NORTHLINE_DATABASE_URL: unsupported scheme {parts.scheme!r}")


def sqlite_database(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers run beside the single writer; IMMEDIATE makes a write
            # transaction take the lock up front instead of failing half way.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def email_from_url(url: str) -> dict[str, Any]:
    """The default mailer for ``console://`` (default), ``locmem://``, ``file:///dir`` or
    ``smtp[s]://user:password@host:port``."""
    backends = "django.core.mail.backends."
    if not url:
        return {"BACKEND": backends + "console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": backends + "console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": backends + "locmem.EmailBackend"}
    if parts.scheme == "file":
        return {
            "BACKEND": backends + "filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if parts.scheme in {"smtp", "smtps"}:
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "smtp" and parts.port != 25,
            },
        }
    raise ValueError(f"NORTHLINE_EMAIL_URL: unsupported scheme {parts.scheme!r}")


# The database cache's table (created by `northline migrate`, which runs createcachetable).
CACHE_TABLE = "northline_cache"


def cache_from_url(url: str) -> dict[str, Any]:
    """Django's default cache for ``db://`` (the default: a table in Northline's database,
    shared by every server process), ``locmem://`` (one process only), ``redis[s]://…`` or
    ``memcached://host:port`` (these two need their client package: redis, pymemcache)."""
    backends = "django.core.cache.backends."
    parts = urlsplit(url)
    if not url or parts.scheme == "db":
        # Throttle counters are small and short-lived; culling a third of them whenever the
        # table passes Django's default of 300 rows would forget counts under load.
        return {
            "BACKEND": backends + "db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if parts.scheme == "locmem":
        return {"BACKEND": backends + "locmem.LocMemCache"}
    if parts.scheme in {"redis", "rediss"}:
        return {"BACKEND": backends + "redis.RedisCache", "LOCATION": url}
    if parts.scheme == "memcached":
        return {"BACKEND": backends + "memcached.PyMemcacheCache", "LOCATION": parts.netloc}
    raise ValueError(f"NORTHLINE_CACHE_URL: unsupported scheme {parts.scheme!r}")
