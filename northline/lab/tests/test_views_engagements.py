"""The lab's pages: what a viewer is not offered, and the gate and waiver through the UI. Who
may open and post to each page is walked by northline/tests/test_views_walk.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from northline.lab.engagements import services
from northline.lab.models import ChecklistItem, Engagement
from northline.lab.tests.conftest import Lab, fresh, qualify
from northline.strategy.models import Decision
from northline.testing import Cast, signed_in


def page_urls(cast: Cast, lab: Lab) -> list[str]:
    slug = cast.org.slug
    e = lab.engagement.pk
    return [
        reverse("lab", args=[slug]),
        reverse("lab_engagement", args=[slug, e]),
        reverse("lab_engagement_readiness", args=[slug, e]),
        reverse("lab_playbook", args=[slug]),
        reverse("lab_training", args=[slug]),
    ]


def test_it_shows_every_page_to_a_viewer(cast: Cast, lab: Lab) -> None:
    client = signed_in(cast.viewer)
    for url in page_urls(cast, lab):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Waive as" not in response.content


def test_it_shows_the_empty_state_on_the_lab_home(cast: Cast) -> None:
    response = signed_in(cast.editor).get(reverse("lab", args=[cast.org.slug]))
    assert b"No engagements yet" in response.content


def test_it_creates_an_engagement_from_the_form(cast: Cast, lab: Lab) -> None:
    response = signed_in(cast.editor).post(
        reverse("lab", args=[cast.org.slug]),
        {
            "title": "Harbour moorings",
            "partner_organization": "Port authority",
            "team": lab.team.pk,
        },
    )
    created = Engagement.objects.get(title="Harbour moorings")
    assert response.status_code == 302
    assert response["Location"] == reverse("lab_engagement", args=[cast.org.slug, created.pk])
    assert created.current_phase.key == "qualify"


def test_it_shows_a_closed_gate_naming_each_unmet_precondition(cast: Cast, lab: Lab) -> None:
    url = reverse("lab_engagement_advance", args=[cast.org.slug, lab.engagement.pk])
    response = signed_in(cast.editor).post(url, {"version": lab.engagement.version})
    assert response.status_code == 409
    text = response.content.decode()
    assert "cannot enter Align" in text
    assert "All five qualification criteria are met." in text
    assert "A product owner is named and has finished the training their role requires." in text
    # One sentence after another, as prose: never "…are met.; A product…".
    assert (
        "3 pre-conditions are neither met nor waived: All five qualification criteria are met. "
        "A product owner is named"
    ) in text
    assert ".;" not in text
    assert fresh(lab.engagement).current_phase.key == "qualify"


def test_it_heads_each_kind_of_line_with_its_plural(cast: Cast, lab: Lab) -> None:
    client = signed_in(cast.viewer)
    for url in (
        reverse("lab_engagement", args=[cast.org.slug, lab.engagement.pk]),
        reverse("lab_playbook", args=[cast.org.slug]),
    ):
        text = client.get(url).content.decode()
        headings = [
            line.split(">")[1].split("<")[0]
            for line in text.splitlines()
            if '<h3 class="kind-head">' in line
        ]
        # Pre-conditions first, in the playbook's order; English plurals.
        assert headings[:5] == [
            "Pre-conditions",
            "Success criteria",
            "Standards",
            "Activities",
            "Resources",
        ], url
        assert "criterions" not in text.lower() and "activitys" not in text.lower()


def test_it_refuses_a_waiver_through_the_ui_without_waive_gates(cast: Cast, lab: Lab) -> None:
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    url = reverse("lab_item_waive", args=[cast.org.slug, item.pk])
    response = signed_in(cast.editor).post(
        url, {f"w{item.pk}-reason": "Trust me.", f"w{item.pk}-version": item.version}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == "open"


def test_it_waives_through_the_ui_and_the_waiver_shows_in_the_decision_log(
    cast: Cast, lab: Lab
) -> None:
    qualify(cast, lab.engagement)
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="product_owner_trained")
    client = signed_in(cast.owner)
    response = client.post(
        reverse("lab_item_waive", args=[cast.org.slug, item.pk]),
        {f"w{item.pk}-reason": "Pat is booked on the next course.", f"w{item.pk}-version": 1},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(topic="lab")
    log = client.get(reverse("strategy_decisions", args=[cast.org.slug])).content.decode()
    assert decision.title in log
    page = client.get(reverse("lab_engagement", args=[cast.org.slug, lab.engagement.pk]))
    assert "Pat is booked on the next course." in page.content.decode()


def test_it_refuses_a_waiver_without_a_reason_in_place(cast: Cast, lab: Lab) -> None:
    item = ChecklistItem.objects.get(engagement=lab.engagement, check_key="qualified")
    response = signed_in(cast.owner).post(
        reverse("lab_item_waive", args=[cast.org.slug, item.pk]),
        {f"w{item.pk}-reason": "", f"w{item.pk}-version": 1},
    )
    assert response.status_code == 422
    assert ChecklistItem.objects.get(pk=item.pk).state == "open"


def test_it_refuses_a_stale_item_update_and_changes_nothing(cast: Cast, lab: Lab) -> None:
    item = ChecklistItem.objects.filter(
        engagement=lab.engagement, check_key="", kind="precondition"
    ).first()
    client = signed_in(cast.editor)
    url = reverse("lab_item_state", args=[cast.org.slug, item.pk])
    first = client.post(
        url, {f"s{item.pk}-state": "met", f"s{item.pk}-evidence": "A", f"s{item.pk}-version": 1}
    )
    assert first.status_code == 302
    second = client.post(
        url, {f"s{item.pk}-state": "open", f"s{item.pk}-evidence": "B", f"s{item.pk}-version": 1}
    )
    assert second.status_code == 409
    item.refresh_from_db()
    assert (item.state, item.evidence, item.version) == ("met", "A", 2)


@pytest.mark.parametrize(
    "prefix,url_name", [("g", "lab_engagement_graduate"), ("p", "lab_engagement_pivot")]
)
def test_it_needs_a_reason_to_close(cast: Cast, lab: Lab, prefix: str, url_name: str) -> None:
    response = signed_in(cast.editor).post(
        reverse(url_name, args=[cast.org.slug, lab.engagement.pk]),
        {f"{prefix}-reason": "", f"{prefix}-version": lab.engagement.version},
    )
    assert response.status_code == 422
    assert fresh(lab.engagement).status == "candidate"


def test_it_refuses_to_pivot_away_from_a_stale_page_and_logs_nothing(cast: Cast, lab: Lab) -> None:
    seen = lab.engagement.version
    client = signed_in(cast.owner)
    page = client.get(reverse("lab_engagement", args=[cast.org.slug, lab.engagement.pk]))
    assert f'name="p-version" value="{seen}"' in page.content.decode()
    services.update_engagement(
        cast.owner_access, fresh(lab.engagement), version=seen, product="Harbour permits"
    )
    decisions = Decision.objects.count()
    response = client.post(
        reverse("lab_engagement_pivot", args=[cast.org.slug, lab.engagement.pk]),
        {"p-reason": "Outsourced.", "p-version": seen},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    after = fresh(lab.engagement)
    assert (after.status, after.version) == ("candidate", seen + 1)
    assert Decision.objects.count() == decisions


def test_the_lab_report_button_is_named_as_the_page_it_opens(cast: Cast, lab: Lab) -> None:
    client = signed_in(cast.viewer)
    home = client.get(reverse("lab", args=[cast.org.slug])).content.decode()
    report = reverse("lab_report", args=[cast.org.slug])
    assert f'<a class="button small" href="{report}">Lab report</a>' in home
    assert "<h1>Lab report</h1>" in client.get(report).content.decode()
