"""Northline's settings, read from the environment (DESIGN §4).

Every knob is a ``NORTHLINE_*`` variable; nothing here needs editing to deploy.
"""

from __future__ import annotations

import os
from pathlib import Path

from northline.lib.config import (
    database_from_url,
    email_from_url,
    env_bool,
    env_list,
    load_or_create_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(os.environ.get("NORTHLINE_DATA_DIR", "./.northline")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("NORTHLINE_DEBUG", default=False)
SECRET_KEY = os.environ.get("NORTHLINE_SECRET_KEY") or load_or_create_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("NORTHLINE_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("NORTHLINE_CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": database_from_url(
        os.environ.get("NORTHLINE_DATABASE_URL", ""), default_sqlite=DATA_DIR / "northline.sqlite3"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "northline.orgs",
    "northline.measures",
    "northline.strategy",
    "northline.goals",
    "northline.portfolio",
    "northline.delivery",
    "northline.lab",
    "northline.insights",
    "northline.mywork",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security: it shapes every error below /api/, whoever answered it.
    "northline.lib.api_errors.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "northline.lib.context.ClientAddressMiddleware",
]

ROOT_URLCONF = "northline.urls"
WSGI_APPLICATION = "northline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "northline.orgs.context.navigation",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_work"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("NORTHLINE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the package when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Background work (DESIGN §5): the database queue, run by `northline worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("NORTHLINE_TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

MAILERS = {"default": email_from_url(os.environ.get("NORTHLINE_EMAIL_URL", ""))}
DEFAULT_FROM_EMAIL = os.environ.get("NORTHLINE_FROM_EMAIL", "northline@localhost")
# Where people reach this installation: e-mail is read away from any request, so its links back
# (to a record, the preference page, the unsubscribe link) are built on this.
NORTHLINE_BASE_URL = os.environ.get("NORTHLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security: secure by default, relaxed only where plain-HTTP local use needs it.
SECURE_HTTPS = env_bool("NORTHLINE_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("NORTHLINE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("NORTHLINE_BEHIND_PROXY") else None
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    # 'unsafe-inline' for styles only: the bundled Swagger UI sets inline styles.
    "style-src": ["'self'", "'unsafe-inline'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Webhooks refuse private, loopback and link-local targets unless this is on (DESIGN §3).
NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = env_bool("NORTHLINE_WEBHOOKS_ALLOW_PRIVATE", default=False)

# Client addresses come from REMOTE_ADDR unless a trusted proxy sets X-Forwarded-For.
NORTHLINE_TRUST_X_FORWARDED_FOR = env_bool("NORTHLINE_BEHIND_PROXY")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NORTHLINE_LOG_LEVEL", "WARNING")},
}

# --- Sign-in with OpenID Connect (issue 16; docs/security.md "Sign-in with OpenID Connect") ---
# Off unless NORTHLINE_OIDC_ISSUER is set. The provider's endpoints are read from its discovery
# document (<issuer>/.well-known/openid-configuration) at the first sign-in, not here, so a
# provider that is down never stops Northline from starting. northline.orgs.sso reads the rest.
NORTHLINE_OIDC_ISSUER = os.environ.get("NORTHLINE_OIDC_ISSUER", "").rstrip("/")
NORTHLINE_OIDC_NAME = os.environ.get("NORTHLINE_OIDC_NAME", "single sign-on")
NORTHLINE_OIDC_ALLOWED_DOMAINS = [
    domain.lower().lstrip("@") for domain in env_list("NORTHLINE_OIDC_ALLOWED_DOMAINS", default=[])
]
NORTHLINE_OIDC_GROUPS_CLAIM = os.environ.get("NORTHLINE_OIDC_GROUPS_CLAIM", "groups")
NORTHLINE_OIDC_GROUP_ROLES = os.environ.get("NORTHLINE_OIDC_GROUP_ROLES", "")
NORTHLINE_OIDC_REQUIRE_VERIFIED_EMAIL = env_bool(
    "NORTHLINE_OIDC_REQUIRE_VERIFIED_EMAIL", default=True
)
# Off: the password form is gone and no password signs anyone in (break-glass: turn it back on).
NORTHLINE_LOCAL_PASSWORDS = env_bool("NORTHLINE_LOCAL_PASSWORDS", default=True)
OIDC_RP_CLIENT_ID = os.environ.get("NORTHLINE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("NORTHLINE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("NORTHLINE_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/login/"
AUTHENTICATION_BACKENDS = [
    *(["django.contrib.auth.backends.ModelBackend"] if NORTHLINE_LOCAL_PASSWORDS else []),
    *(["northline.orgs.sso.OidcBackend"] if NORTHLINE_OIDC_ISSUER else []),
]
if not AUTHENTICATION_BACKENDS:
    # Neither way is on: keep passwords rather than lock everyone out (a system check warns).
    AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# --- end of OpenID Connect sign-in ---
