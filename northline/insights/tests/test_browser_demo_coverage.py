"""On the demo, as its ministry owner would: the coverage drill-down lists key results no epic
with active work drives; linking one to an epic under way from its row takes the row away and
raises coverage (and the key result's own page then names the epic under "Driven by")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.goals.models import KeyResult
from northline.orgs.demo import DEMO_PASSWORD, load_demo
from northline.portfolio.models import Epic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEDIAN = "Median days from application to decision"
DOCK = "Dock extension applications online"  # in Doing, stories under way, drives nothing


def test_linking_an_epic_from_the_coverage_drill_down_raises_coverage(page, transactional_db):
    load_demo()
    sign_in(page, "amara", DEMO_PASSWORD)
    page.goto("/o/ministry-of-coast/insights/components/coverage/")
    before = float(page.locator(".index-number").first.inner_text())
    rows = page.locator("table tbody tr")
    count = rows.count()
    row = rows.filter(has=page.get_by_role("link", name=MEDIAN, exact=True))
    epic = Epic.objects.get(organization__slug="ministry-of-coast", title=DOCK)
    row.get_by_label(f"Epic for {MEDIAN}").select_option(str(epic.pk))
    with page.expect_navigation():
        row.get_by_role("button", name="Link an epic").click()

    expect(page.get_by_text(f"“{DOCK}” now drives the key result.")).to_be_visible()
    after = float(page.locator(".index-number").first.inner_text())
    assert after > before
    assert page.locator("table tbody tr").count() == count - 1
    assert page.get_by_role("link", name=MEDIAN, exact=True).count() == 0
    screenshot(page, "demo_coverage_linked")

    median = KeyResult.objects.get(organization__slug="ministry-of-coast", title=MEDIAN)
    page.goto(f"/o/ministry-of-coast/goals/key-results/{median.pk}/")
    driven_by = page.locator("section", has=page.locator("#driven-by"))
    expect(driven_by.get_by_role("link", name=DOCK)).to_be_visible()
