"""The engagement page in a real browser: a closed gate, a waiver by the lab's leadership, and
the engagement entering Align."""

from __future__ import annotations

import pytest

from northline.conftest import sign_in
from northline.lab.models import ChecklistItem
from northline.lab.tests.conftest import Lab, fresh, qualify
from northline.testing import Cast

pytestmark = pytest.mark.browser


def test_it_waives_the_training_gate_and_enters_align(cast: Cast, lab: Lab, page) -> None:
    qualify(cast, lab.engagement)
    sponsor = ChecklistItem.objects.get(
        engagement=lab.engagement, text__startswith="An executive sponsor"
    )
    from northline.lab.engagements import services

    services.set_item_state(
        cast.owner_access, sponsor, version=sponsor.version, state="met", evidence="Minutes."
    )
    sign_in(page, cast.owner.username)
    page.goto(f"/o/{cast.org.slug}/lab/engagements/{lab.engagement.pk}/")
    page.get_by_role("button", name="Enter Align").click()
    alert = page.get_by_role("alert").first
    assert "cannot enter Align" in alert.inner_text()
    assert "finished the training their role requires" in alert.inner_text()

    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    row = page.locator(f"#item-{item.pk}")
    row.locator("summary", has_text="Waive").click()
    row.get_by_label("Reason").fill("Pat starts the course on Monday; the sponsor vouches.")
    row.get_by_role("button", name="Waive as Lab leadership").click()
    assert "Waived" in page.locator(f"#item-{item.pk}").inner_text()

    page.get_by_role("button", name="Enter Align").click()
    assert "entered its next phase" in page.content()
    assert fresh(lab.engagement).status == "aligning"
    page.goto(f"/o/{cast.org.slug}/lab/engagements/{lab.engagement.pk}/")
