"""Northline's settings, read from the environment (DESIGN §4).

Every knob is a ``NORTHLINE_*`` variable; nothing here needs editing to deploy.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from northline.lib.config import (
    cache_from_url,
    database_from_url,
    email_from_url,
    env_bool,
    env_int,
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
    "axes",  # sign-in lockout (see "Throttling and lockout" below)
    # Two-factor authentication (docs/security.md): TOTP authenticators and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "northline.orgs",
    "northline.measures",
    "northline.strategy",
    "northline.goals",
    "northline.portfolio",
    "northline.delivery",
    "northline.lab",
    "northline.insights",
    "northline.imports",
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
    # Two-factor authentication: marks request.user.is_verified() (django-otp's OTPMiddleware).
    "northline.orgs.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "northline.lib.context.ClientAddressMiddleware",
    # After authentication: signs out idle or too-old sessions (API tokens and sessions).
    "northline.orgs.sessions.SessionTimeoutMiddleware",
    # Last: turns a sign-in that axes refused into the locked-out page.
    "axes.middleware.AxesMiddleware",
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
# Selects write their options in Python (lib/renderer.py); every other widget uses its template.
FORM_RENDERER = "northline.lib.renderer.FormRenderer"

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

# Invitations (docs/security.md "Invitations and membership"): how long an invitation's link
# works, and whether its page offers a person without an account to create one with a password
# (turn off where everyone signs in through single sign-on).
NORTHLINE_INVITATION_DAYS = int(os.environ.get("NORTHLINE_INVITATION_DAYS", "14"))
NORTHLINE_INVITATION_SIGNUP = env_bool("NORTHLINE_INVITATION_SIGNUP", default=True)

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

# Two-factor authentication (docs/security.md "Two-factor authentication") ------------------
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = os.environ.get("NORTHLINE_TOTP_ISSUER", "Northline")
# Seconds a correct password waits for its second step before the sign-in starts over.
NORTHLINE_SECOND_FACTOR_TIMEOUT = int(os.environ.get("NORTHLINE_SECOND_FACTOR_TIMEOUT", "300"))
# ------------------------------------------------------------------------------------------

# Webhooks call only globally routable targets unless this is on (DESIGN §3; the rule is
# northline.delivery.webhooks.refusal, explained in docs/security.md "Webhooks").
NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = env_bool("NORTHLINE_WEBHOOKS_ALLOW_PRIVATE", default=False)

# Client addresses come from REMOTE_ADDR unless a trusted proxy sets X-Forwarded-For.
NORTHLINE_TRUST_X_FORWARDED_FOR = env_bool("NORTHLINE_BEHIND_PROXY")

# Throttling and lockout (docs/security.md). --------------------------------------------------
# Counters live in the default cache; the database cache (the default) is shared by every
# server process, a local-memory one is not (each process would count on its own).
CACHES = {"default": cache_from_url(os.environ.get("NORTHLINE_CACHE_URL", ""))}
# Sign-in: django-axes counts failures per username and address together, in its own tables;
# the sign-in after the limit is refused (even with the right password) until the cool-off
# has passed since the last counted failure, or `northline unlock USERNAME`. Its backend comes
# first in AUTHENTICATION_BACKENDS (set with single sign-on below).
AXES_FAILURE_LIMIT = int(os.environ.get("NORTHLINE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=float(os.environ.get("NORTHLINE_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Tries during the lockout do not push its end further: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The same address the audit trail records (NORTHLINE_BEHIND_PROXY decides, as there).
AXES_CLIENT_IP_CALLABLE = "northline.lib.context.address_of"
AXES_LOCKOUT_CALLABLE = "northline.orgs.signin.locked_out"
# Every failure is kept (AccessFailureLog, 1,000 a username); successful sign-ins are not.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The API: bearer tokens that fail, per client address (a right token is refused too once the
# limit is reached), and writes per user; reads are not throttled. "off" turns one off.
NORTHLINE_API_TOKEN_FAILURE_RATE = os.environ.get("NORTHLINE_API_TOKEN_FAILURE_RATE", "20/minute")
NORTHLINE_API_WRITE_RATE = os.environ.get("NORTHLINE_API_WRITE_RATE", "600/minute")
# Password reset requests, per e-mail address and per client address.
NORTHLINE_PASSWORD_RESET_RATE = os.environ.get("NORTHLINE_PASSWORD_RESET_RATE", "5/hour")
# -----------------------------------------------------------------------------------------------
# API tokens and sessions (docs/security.md). A new token lives 90 days unless its creator
# picks otherwise, and never longer than NORTHLINE_TOKEN_MAX_DAYS. A browser session ends after
# NORTHLINE_SESSION_IDLE_MINUTES without a request (0: never idle out) and, whatever the
# activity, NORTHLINE_SESSION_MAX_HOURS after signing in. Sessions are stored with their user,
# so that "sign out everywhere" can end them all.
NORTHLINE_TOKEN_DEFAULT_DAYS = 90
NORTHLINE_TOKEN_MAX_DAYS = env_int("NORTHLINE_TOKEN_MAX_DAYS", default=365)
NORTHLINE_SESSION_IDLE_MINUTES = env_int("NORTHLINE_SESSION_IDLE_MINUTES", default=480)
NORTHLINE_SESSION_MAX_HOURS = env_int("NORTHLINE_SESSION_MAX_HOURS", default=7 * 24)
SESSION_ENGINE = "northline.orgs.sessions"
SESSION_COOKIE_AGE = NORTHLINE_SESSION_MAX_HOURS * 3600

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
# On: signing out of Northline after a single sign-on also ends the session at the provider
# (OpenID Connect RP-initiated logout, when its discovery names an end_session_endpoint).
NORTHLINE_OIDC_LOGOUT = env_bool("NORTHLINE_OIDC_LOGOUT", default=False)
# Off: the password form is gone and no password signs anyone in (break-glass: turn it back on).
NORTHLINE_LOCAL_PASSWORDS = env_bool("NORTHLINE_LOCAL_PASSWORDS", default=True)
OIDC_RP_CLIENT_ID = os.environ.get("NORTHLINE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("NORTHLINE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("NORTHLINE_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/login/"
PASSWORD_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if not NORTHLINE_LOCAL_PASSWORDS and NORTHLINE_OIDC_ISSUER:
    PASSWORD_BACKENDS = []
# Without single sign-on, passwords stay on whatever NORTHLINE_LOCAL_PASSWORDS says, rather
# than lock everyone out (a system check warns).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    *PASSWORD_BACKENDS,
    *(["northline.orgs.sso.OidcBackend"] if NORTHLINE_OIDC_ISSUER else []),
]
# Without password sign-in, an invitation offers no password sign-up and nobody resets one
# (northline.orgs.sign_in_ways).
# --- end of OpenID Connect sign-in ---
