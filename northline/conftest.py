"""Fixtures for every app's tests (see northline.testing for the helpers behind them)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from northline.testing import PASSWORD, ApiClient, Cast, make_cast


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


def only_the_tests_transactions(connection: Any) -> bool:
    """True when the connection is inside the test's own atomic blocks and no others."""
    return connection.in_atomic_block and all(
        block._from_testcase for block in connection.atomic_blocks
    )


def run_commit_hooks(connection: Any) -> None:
    """Run the on_commit callbacks waiting on ``connection``, as Django does after a commit."""
    if connection.needs_rollback or not only_the_tests_transactions(connection):
        return
    pending, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, robust in pending:
        if not robust:
            callback()
            continue
        try:
            callback()
        except Exception:
            logging.getLogger("django.db.backends.base").exception("on_commit callback failed")


@pytest.fixture(autouse=True)
def _commits_as_in_production(monkeypatch) -> None:
    """Side effects queued with ``transaction.on_commit`` run when the transaction of the code
    under test commits, as in production, instead of never.

    pytest-django wraps each test in atomic blocks that never commit, so a service's
    ``transaction.atomic`` is only a savepoint and its on_commit callbacks (the tasks it queues)
    would wait for a commit that never comes. Here the test's own blocks do not count: when the
    outermost block of the code under test exits without an error its callbacks run, a callback
    queued outside any such block runs at once (as in autocommit), and a block that rolls back
    drops its callbacks (Django does that). With the immediate task backend above, what a task
    does can then be asserted right after the call that queued it, and a refused change queues
    nothing. Tests on a real transaction (``transactional_db``, the live server) commit for real
    and this changes nothing for them.
    """
    exit_atomic = transaction.Atomic.__exit__
    on_commit = BaseDatabaseWrapper.on_commit

    def exit_then_commit(block: Any, exc_type: Any, exc_value: Any, traceback: Any) -> Any:
        result = exit_atomic(block, exc_type, exc_value, traceback)
        if exc_type is None and not block._from_testcase:
            run_commit_hooks(transaction.get_connection(block.using))
        return result

    def on_commit_then_commit(connection: Any, func: Any, robust: bool = False) -> None:
        on_commit(connection, func, robust)
        run_commit_hooks(connection)

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_then_commit)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit_then_commit)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # The production hasher is slow by design; tests hash a few dozen passwords each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _api_throttles_off(settings) -> None:
    # Tests write through the API as one user from one address, hundreds of times a minute in
    # the contract and fuzz tests. northline/orgs/tests/test_throttling.py turns the throttles
    # on and proves that they are on by default.
    settings.NORTHLINE_API_WRITE_RATE = None
    settings.NORTHLINE_API_TOKEN_FAILURE_RATE = None


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI nothing may be skipped: a skipped browser test is an untested page."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if in_ci() and skipped and exitstatus == 0 and reporter is not None:
        reporter.write_line(f"CI=true: {skipped} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1


# Browser tests (marker "browser"): Debian's Chromium driven by Playwright against live_server.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def _plain_http_live_server():
    # The live server builds its middleware once, when it starts (before the per-test
    # _plain_http runs), so it must already see plain HTTP; every test sees these values anyway.
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False
    ):
        yield


@pytest.fixture
def browser(_plain_http_live_server, monkeypatch):
    """Chromium for one test. Per test, not per session: Playwright's sync API runs an event
    loop in this thread while it is started, and Django refuses ORM calls from a thread with a
    running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set, which must not leak into other tests
    (or into the subprocesses they start)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(_plain_http_live_server, browser, live_server, request):
    """A fresh browser page (1280×800) against the live server; screenshots on teardown."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    yield browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person does, and wait for the page after it."""
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def screenshot(page, name: str) -> None:
    """A full-page screenshot in test-artifacts/screenshots/<name>.png, besides the one the
    ``page`` fixture takes at the end of every test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import Error

    try:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    except Error as error:
        # Chromium now and then answers "Unable to capture screenshot" under load (stop 25's
        # PostgreSQL run, on an unchanged page); a screenshot is evidence, not the assertion,
        # so try once more before failing the test.
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(500)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
