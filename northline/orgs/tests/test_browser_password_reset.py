"""Password reset and the locked-out page in a real browser, with screenshots to look at."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.testing import PASSWORD, Cast, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-new-and-long-passphrase-41"


@pytest.fixture
def browser_cast(_plain_http_live_server, transactional_db, settings, live_server) -> Cast:
    # The live server must start after plain HTTP is set (conftest), as the page fixture does.
    settings.NORTHLINE_BASE_URL = live_server.url
    return make_cast()


def test_a_person_resets_a_forgotten_password(browser_cast, page):
    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill("edith@example.org")
    screenshot(page, "password-reset-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshot(page, "password-reset-sent")

    (message,) = mail.outbox
    (link,) = re.findall(r"http://\S+", str(message.body))
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation:").fill(NEW_PASSWORD)
    screenshot(page, "password-reset-choose")
    with page.expect_navigation():
        page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    screenshot(page, "password-reset-complete")

    sign_in(page, "edith", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Sign in to Northline")).to_have_count(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    screenshot(page, "password-reset-used-link")


def test_a_locked_out_person_sees_when_to_try_again(browser_cast, page):
    for _ in range(5):
        sign_in(page, "edith", "wrong")
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    screenshot(page, "sign-in-locked-out")

    sign_in(page, "edith", PASSWORD)

    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
