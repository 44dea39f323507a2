"""Fixtures for every app's tests (see northline.testing for the helpers behind them)."""

from __future__ import annotations

import os

import pytest

from northline.testing import ApiClient, Cast, make_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture
def api_as(cast: Cast):
    """``api_as(cast.editor)`` → an ApiClient with that user's bearer token; None → anonymous."""

    def build(user=None) -> ApiClient:
        return ApiClient(user)

    return build


@pytest.fixture(autouse=True)
def _immediate_tasks(settings) -> None:
    # Background tasks run inline in tests so their effects can be asserted at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # The production hasher is slow by design; tests hash a few dozen passwords each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_http(settings) -> None:
    # Tests talk plain HTTP to the test client and the live server.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # No collectstatic in tests: serve and name static files straight from the package.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
