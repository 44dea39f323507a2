"""An invitation in a real browser: an admin invites by e-mail, the invitee opens the link from
the captured e-mail, creates an account on the invitation's page and lands in the organization."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.orgs.models import Membership, Role
from northline.testing import PASSWORD, Cast, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_cast(transactional_db) -> Cast:
    return make_cast()


def test_invite_open_the_link_sign_up_and_land_in_the_organization(
    page, browser_cast: Cast, live_server, settings
) -> None:
    settings.NORTHLINE_BASE_URL = live_server.url
    sign_in(page, "adam")
    page.goto("/o/acme/settings/")
    page.get_by_label("E-mail", exact=True).fill("nina@example.org")
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nina@example.org.")).to_be_visible()
    pending = page.get_by_role("table").filter(has_text="Invited by")
    expect(pending).to_contain_text("nina@example.org")
    screenshot(page, "invitation-sent")

    [message] = mail.outbox
    link = re.search(r"https?://\S+/invitations/[0-9a-f]{64}/", str(message.body))
    assert link, message.body
    page.context.clear_cookies()
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Join Acme Ministry")).to_be_visible()
    expect(page.get_by_text("nina@example.org").first).to_be_visible()
    screenshot(page, "invitation-page")

    page.get_by_label("Username").fill("nina")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Novak")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password, again").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create account and join").click()
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    expect(page.get_by_text("Welcome to Acme Ministry.")).to_be_visible()
    screenshot(page, "invitation-accepted")
    membership = Membership.objects.get(organization=browser_cast.org, user__username="nina")
    assert membership.role == Role.EDITOR

    # As an editor, Nina sees names on the people page, not addresses.
    page.goto("/o/acme/people/")
    expect(page.get_by_role("link", name="Olivia Owner")).to_be_visible()
    expect(page.get_by_text("olivia@example.org")).to_have_count(0)
    screenshot(page, "invitation-people-as-editor")
