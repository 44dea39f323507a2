"""The governance pages' forms: stale versions → 409 with nothing changed; share links and the
shared report. Who may open and post to each page (anonymous → sign-in, outsider → 404, viewer
writing → 403) is walked over every URL pattern by northline/tests/test_views_walk.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.agreements import services as agreement_services
from northline.lab.models import AgreementSection, Engagement
from northline.lab.tests.governance import engagement_records, make_signed, refreshed
from northline.testing import Cast, signed_in


@pytest.fixture
def records(cast: Cast) -> dict[str, Any]:
    access = cast.owner_access
    signed = make_signed(cast)
    template = agreement_selectors.templates(access).first()
    assert template is not None
    return {
        "signed": signed,
        "template_id": template.pk,
        "template_section_id": template.sections.first().pk,
        "engagement_id": signed.engagement.pk,
        "agreement_id": signed.agreement.pk,
        "section_id": signed.first.pk,
        "signatory_id": signed.partner.pk,
        **engagement_records(cast, signed.engagement),
    }


def test_an_editor_cannot_create_share_links(cast: Cast, records) -> None:
    response = signed_in(cast.editor).post(reverse("lab_report", args=["acme"]), {"label": "x"})
    assert response.status_code == 403


def test_editing_a_section_on_the_page_voids_its_initials_visibly(cast: Cast, records) -> None:
    signed = records["signed"]
    owner, editor = cast.owner_access, cast.access(cast.editor)
    for section in (signed.first, signed.second):
        agreement_services.initial_section(owner, section, signed.lab)
        agreement_services.initial_section(editor, section, signed.partner)
    client = signed_in(cast.editor)
    page = reverse("lab_agreement", args=["acme", signed.agreement.pk])
    assert 'data-status="executed"' in client.get(page).content.decode()
    section = refreshed(signed).first
    response = client.post(
        reverse("lab_agreement_section", args=["acme", section.pk]),
        {
            f"s{section.pk}-title": section.title,
            f"s{section.pk}-body": "The team works side by side, four days a week.",
            f"s{section.pk}-needs_initials": "on",
            f"s{section.pk}-position": section.position,
            f"s{section.pk}-version": section.version,
        },
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert 'data-status="amended"' in html
    assert 'data-status="executed"' not in html
    assert "Amended: not executed any more." in html
    assert html.count('data-state="voided"') == 2
    assert "Voided by an edit" in html


def test_a_stale_section_edit_is_refused_with_409_and_changes_nothing(cast: Cast, records) -> None:
    section = records["signed"].first
    client = signed_in(cast.editor)
    data = {
        f"s{section.pk}-title": "New title",
        f"s{section.pk}-body": "New body",
        f"s{section.pk}-position": 1,
        f"s{section.pk}-version": section.version,
    }
    assert (
        client.post(reverse("lab_agreement_section", args=["acme", section.pk]), data).status_code
        == 302
    )
    data[f"s{section.pk}-title"] = "Another title"
    response = client.post(reverse("lab_agreement_section", args=["acme", section.pk]), data)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert AgreementSection.objects.get(pk=section.pk).title == "New title"


def test_a_stale_budget_edit_is_refused_with_409(cast: Cast, records) -> None:
    engagement = Engagement.objects.get(pk=records["engagement_id"])
    client = signed_in(cast.editor)
    response = client.post(
        reverse("lab_engagement_budget", args=["acme", engagement.pk]),
        {
            "budget-budget_low": "100",
            "budget-budget_high": "200",
            "budget-currency": "EUR",
            "budget-version": engagement.version - 1 if engagement.version > 1 else 99,
        },
    )
    assert response.status_code == 409
    engagement.refresh_from_db()
    assert engagement.budget_low == 800000


def test_the_api_refuses_a_stale_version_with_409(cast: Cast, records, api_as) -> None:
    section = records["signed"].first
    path = f"/orgs/acme/lab/agreements/{records['agreement_id']}/sections/{section.pk}"
    api = api_as(cast.editor)
    assert api.patch(path, {"version": section.version, "title": "One"}).status_code == 200
    response = api.patch(path, {"version": section.version, "title": "Two"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"


def test_the_shared_report_opens_signed_out_and_404s_after_revoke(
    client, cast: Cast, records
) -> None:
    shared = reverse("lab_shared_report", args=["acme", records["raw"]])
    response = client.get(shared)
    assert response.status_code == 200
    assert "Lab report: Acme Ministry" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(reverse("lab_shared_report", args=["acme", "nlr_guess"])).status_code == 404
    # Another organization's slug with this secret does not open it either.
    assert (
        client.get(reverse("lab_shared_report", args=["elsewhere", records["raw"]])).status_code
        == 404
    )
    owner = signed_in(cast.owner)
    owner.post(reverse("lab_report_link_revoke", args=["acme", records["link_id"]]))
    assert client.get(shared).status_code == 404


def test_a_new_share_link_shows_its_secret_once(cast: Cast, records) -> None:
    client = signed_in(cast.admin)
    response = client.post(reverse("lab_report", args=["acme"]), {"label": "Ministry board"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "shown only this once" in html
    assert "/o/acme/lab/shared/nlr_" in html
    assert (
        "shown only this once"
        not in client.get(reverse("lab_report", args=["acme"])).content.decode()
    )
