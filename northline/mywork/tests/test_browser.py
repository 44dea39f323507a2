"""My work in a real browser: signing in lands on it, and an item leads to where it is done.

The test leaves a screenshot in test-artifacts/screenshots/ (see the ``page`` fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.insights.models import Snapshot
from northline.mywork.tests.conftest import Work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lands_on_my_work_and_leads_to_the_check_in(page, work: Work) -> None:
    work.for_edith(2)
    today = timezone.localdate()
    Snapshot.objects.create(
        organization=work.cast.org, taken_on=today - dt.timedelta(days=7), index=55.0
    )
    Snapshot.objects.create(organization=work.cast.org, taken_on=today, index=62.0)

    sign_in(page, "edith")
    assert page.url.endswith("/me/")
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    acme = page.get_by_role("region", name="Acme Ministry")
    expect(acme.get_by_role("heading", name="Key results due a check-in")).to_be_visible()
    expect(acme.get_by_text("+7 over 7 days")).to_be_visible()
    expect(acme.locator(".mywork-item.late")).to_have_count(2)
    screenshot(page, "mywork_edith")

    acme.get_by_role(
        "link", name="Calls answered within a minute #1 · Answer people quickly"
    ).click()
    expect(page.get_by_role("heading", name="Calls answered within a minute #1")).to_be_visible()
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()


def test_she_chooses_a_weekly_digest_on_the_preferences_page(page, work: Work) -> None:
    from northline.orgs.selectors import preference_of

    sign_in(page, "edith")
    page.get_by_role("link", name="E-mail preferences").first.click()
    expect(page.get_by_role("heading", name="E-mail preferences", level=1)).to_be_visible()
    expect(page.get_by_label("Inbox, and an e-mail for each notification at once")).to_be_checked()
    page.get_by_label("Inbox, and one e-mail each Monday listing the week's news").check()
    page.get_by_label("E-mail me each Monday the key results I own").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(
        page.get_by_label("Inbox, and one e-mail each Monday listing the week's news")
    ).to_be_checked()
    screenshot(page, "mywork_preferences")
    preference = preference_of(work.cast.editor)
    assert (preference.delivery, preference.checkin_reminders) == ("weekly", False)
