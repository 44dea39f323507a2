"""The initials grid and the journey report in a real browser, with screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.lab.agreements import services as agreement_services
from northline.lab.budget import services as budget_services
from northline.lab.models import Initial
from northline.lab.sessions import services as session_services
from northline.lab.tests.governance import make_signed, person_of, refreshed
from northline.testing import Cast

pytestmark = pytest.mark.browser


def test_a_signatory_initials_their_cell_in_the_grid(cast: Cast, page) -> None:
    signed = make_signed(cast)
    owner = cast.owner_access
    for section in (signed.first, signed.second):
        agreement_services.initial_section(owner, section, signed.lab)
    agreement_services.initial_section(cast.access(cast.editor), signed.first, signed.partner)

    sign_in(page, cast.editor.username)
    page.goto(f"/o/acme/lab/agreements/{signed.agreement.pk}/")
    mine = page.locator(f"#cell-{signed.second.pk}-{signed.partner.pk}")
    theirs = page.locator(f"#cell-{signed.second.pk}-{signed.lab.pk}")
    assert "Not initialed" in mine.inner_text()
    # Only the editor's own cell has a button; the owner's cells have none for her.
    assert page.get_by_role("button", name="Initial").count() == 1
    assert theirs.get_by_role("button").count() == 0
    screenshot(page, "governance_grid_before")
    mine.get_by_role("button", name="Initial").click()
    assert "You initialed “Openness”." in page.content()
    assert "Initialed" in page.locator(f"#cell-{signed.second.pk}-{signed.partner.pk}").inner_text()
    assert page.locator("#agreement-status [data-status]").first.inner_text() == "Executed"
    assert Initial.objects.filter(signatory=signed.partner).count() == 2

    # The owner rewords a section: its initials are voided and the agreement is amended.
    section = refreshed(signed).first
    agreement_services.update_section(
        owner, section, version=section.version, body="The team works side by side, mostly."
    )
    page.reload()
    assert page.locator("#agreement-status [data-status]").first.inner_text() == "Amended"
    assert "Amended: not executed any more." in page.locator("#agreement-summary").inner_text()
    assert page.locator('[data-state="voided"]').count() == 2
    screenshot(page, "governance_grid_voided")


def test_the_print_view_has_the_sections_the_grid_and_the_signature_block(cast: Cast, page) -> None:
    signed = make_signed(cast)
    agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    sign_in(page, cast.viewer.username)
    page.goto(f"/o/acme/lab/agreements/{signed.agreement.pk}/print/")
    page.emulate_media(media="print")
    expect(page.locator(".no-print").first).to_be_hidden()
    expect(page.get_by_role("heading", name="1. Co-location")).to_be_visible()
    expect(page.get_by_role("heading", name="Initials grid")).to_be_visible()
    expect(page.get_by_role("heading", name="Signatures")).to_be_visible()
    screenshot(page, "governance_print")


def test_the_journey_report_reads_as_a_story(cast: Cast, page) -> None:
    signed = make_signed(cast)
    owner = cast.owner_access
    agreement_services.initial_section(owner, signed.first, signed.lab)
    for days, amount, category in [(50, 250000, "Salaries"), (20, 300000, "Salaries")]:
        budget_services.add_expense(
            owner,
            signed.engagement,
            spent_on=dt.date.today() - dt.timedelta(days=days),
            amount=amount,
            category=category,
        )
    session_services.create_session(
        owner,
        signed.engagement,
        title="Kick-off",
        starts_on=dt.date.today(),
        ends_on=dt.date.today(),
        attendees=[person_of(cast.editor, cast.org)],
    )
    sign_in(page, cast.viewer.username)
    page.goto(f"/o/acme/lab/engagements/{signed.engagement.pk}/journey/")
    expect(
        page.get_by_role("heading", name="Journey report: Coastal permits online")
    ).to_be_visible()
    assert "1 of 4 cells initialed" in page.content()
    timeline = page.locator(".timeline-entry")
    assert timeline.count() >= 8
    # Newest first: the session's invitations.
    assert "sent the invitations of alignment session" in timeline.first.inner_text()
    assert page.locator('.timeline-entry[data-kind="initial"]').count() == 1
    screenshot(page, "governance_journey")
    page.goto(f"/o/acme/lab/engagements/{signed.engagement.pk}/budget/")
    expect(page.locator("svg.burn-chart")).to_be_visible()
    screenshot(page, "governance_budget")
