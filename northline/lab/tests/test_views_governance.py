"""Every governance page and form: anonymous → sign-in, outsider → 404, viewer writing → 403,
a viewer reads every page; stale versions → 409 with nothing changed; the shared report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.agreements import services as agreement_services
from northline.lab.budget import services as budget_services
from northline.lab.experts import services as expert_services
from northline.lab.journey import services as journey_services
from northline.lab.models import AgreementSection, Engagement
from northline.lab.sessions import services as session_services
from northline.lab.tests.governance import make_signed, person_of, refreshed, signed_in
from northline.orgs.models import Event
from northline.testing import Cast


@pytest.fixture
def records(cast: Cast) -> dict[str, Any]:
    access = cast.owner_access
    signed = make_signed(cast)
    owner = person_of(cast.owner, cast.org)
    session = session_services.create_session(
        access,
        signed.engagement,
        title="Kick-off",
        starts_on=dt.date(2026, 2, 2),
        ends_on=dt.date(2026, 2, 3),
        attendees=[owner],
    )
    commitment = session_services.add_commitment(
        access, session, description="Book the room", owner=owner, due_on=dt.date(2026, 2, 9)
    )
    expense = budget_services.add_expense(
        access, signed.engagement, spent_on=dt.date(2026, 2, 4), amount="500", category="Room"
    )
    expert = expert_services.create_expert(access, person=owner, areas=["service design"])
    request = expert_services.create_request(
        access, signed.engagement, area="service design", description="Journey map"
    )
    link, raw = journey_services.create_report_link(access, label="Board")
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
        "session_id": session.pk,
        "commitment_id": commitment.pk,
        "expense_id": expense.pk,
        "expert_id": expert.pk,
        "request_id": request.pk,
        "link_id": link.pk,
        "raw": raw,
    }


READS = [
    ("lab_templates", []),
    ("lab_template", ["template_id"]),
    ("lab_engagement_agreements", ["engagement_id"]),
    ("lab_agreement", ["agreement_id"]),
    ("lab_agreement_print", ["agreement_id"]),
    ("lab_engagement_sessions", ["engagement_id"]),
    ("lab_session", ["session_id"]),
    ("lab_session_ics", ["session_id"]),
    ("lab_engagement_budget", ["engagement_id"]),
    ("lab_experts", []),
    ("lab_engagement_journey", ["engagement_id"]),
    ("lab_report", []),
]
WRITES = [
    ("lab_templates", []),
    ("lab_template", ["template_id"]),
    ("lab_template_delete", ["template_id"]),
    ("lab_template_section_new", ["template_id"]),
    ("lab_template_section", ["template_section_id"]),
    ("lab_template_section_delete", ["template_section_id"]),
    ("lab_engagement_agreements", ["engagement_id"]),
    ("lab_agreement_action", ["agreement_id"]),
    ("lab_agreement_section_new", ["agreement_id"]),
    ("lab_agreement_signatory_new", ["agreement_id"]),
    ("lab_agreement_section", ["section_id"]),
    ("lab_agreement_section_delete", ["section_id"]),
    ("lab_agreement_initial", ["section_id", "signatory_id"]),
    ("lab_agreement_signatory_delete", ["signatory_id"]),
    ("lab_engagement_sessions", ["engagement_id"]),
    ("lab_session", ["session_id"]),
    ("lab_session_delete", ["session_id"]),
    ("lab_commitment_new", ["session_id"]),
    ("lab_commitment", ["commitment_id"]),
    ("lab_engagement_budget", ["engagement_id"]),
    ("lab_expense_new", ["engagement_id"]),
    ("lab_expense_delete", ["expense_id"]),
    ("lab_experts", []),
    ("lab_expert_delete", ["expert_id"]),
    ("lab_expert_request_new", []),
    ("lab_expert_request", ["request_id"]),
    ("lab_report", []),
    ("lab_report_link_revoke", ["link_id"]),
]


def url(name: str, keys: list[str], records: dict[str, Any]) -> str:
    return reverse(name, args=["acme", *(records[key] for key in keys)])


def test_it_sends_the_anonymous_visitor_to_sign_in(client, records) -> None:
    for name, keys in READS + WRITES:
        target = url(name, keys, records)
        response = client.post(target) if (name, keys) in WRITES else client.get(target)
        assert response.status_code == 302, name
        assert (
            response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
        ), name


def test_it_answers_404_to_an_outsider_everywhere(cast: Cast, records) -> None:
    client = signed_in(cast.outsider)
    events = Event.objects.count()
    for name, keys in READS:
        assert client.get(url(name, keys, records)).status_code == 404, name
    for name, keys in WRITES:
        assert client.post(url(name, keys, records)).status_code == 404, name
    assert Event.objects.count() == events


def test_it_lets_a_viewer_read_every_page_and_write_none(cast: Cast, records) -> None:
    client = signed_in(cast.viewer)
    for name, keys in READS:
        assert client.get(url(name, keys, records)).status_code == 200, name
    events = Event.objects.count()
    for name, keys in WRITES:
        assert client.post(url(name, keys, records), {"version": 1}).status_code == 403, name
    assert Event.objects.count() == events


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
