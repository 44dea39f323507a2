"""The strategy pages, for each user who may and who may not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from northline.measures import services as measures
from northline.orgs import services as org_services
from northline.strategy import services
from northline.strategy.models import (
    IdentityRevision,
    Investment,
    SwotItem,
    Theme,
)
from northline.testing import assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


# A payload that would be valid for most of the strategy forms.
PAYLOAD = {
    "mission": "Changed",
    "based_on": 1,
    "kind": "strength",
    "statement": "Changed",
    "name": "Changed",
    "title": "Changed",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "status": "active",
    "version": 1,
    "baseline": 1,
    "target": 2,
    "amount": "1",
    "spent_on": "2026-02-02",
    "planned_amount": "5",
    "currency": "EUR",
    "period_start": "2026-01-01",
    "period_end": "2026-02-01",
    "topic": "strategy",
    "decided_on": "2026-01-01",
    "object_type": "strategy.theme",
    "object_id": "1",
    "label": "x",
}


# Who may see and do what -------------------------------------------------------------------
# Every page for the anonymous visitor, an outsider, a viewer's writes and each member's reads:
# the generated walk, northline/tests/test_views_walk.py.


def test_it_answers_404_for_a_record_of_another_organization(cast, strategy):
    elsewhere = services.create_theme(
        cast.access(cast.outsider, cast.other_org),
        name="Theirs",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 2, 1),
    )
    owner = signed_in(cast.owner)
    assert owner.get(reverse("strategy_theme", args=["acme", elsewhere.pk])).status_code == 404
    response = owner.post(reverse("strategy_theme", args=["acme", elsewhere.pk]), PAYLOAD)
    assert response.status_code == 404
    assert Theme.objects.get(pk=elsewhere.pk).name == "Theirs"


def test_it_hides_write_forms_from_viewers(cast, strategy):
    assert (
        b"Log a decision" not in signed_in(cast.viewer).get("/o/acme/strategy/decisions/").content
    )
    assert b"Log a decision" in signed_in(cast.editor).get("/o/acme/strategy/decisions/").content


# The home page -----------------------------------------------------------------------------


def test_it_shows_a_new_organization_where_to_start(cast):
    response = signed_in(cast.editor).get("/o/acme/strategy/")
    content = response.content.decode()
    assert "Start with your mission" in content
    assert 'href="/o/acme/strategy/" aria-current="page"' in content
    assert "No themes yet" in content


def test_it_flags_a_body_without_authority_on_the_page(cast, strategy):
    content = signed_in(cast.viewer).get("/o/acme/strategy/").content.decode()
    assert "Responsibility without authority" in content
    assert "It lacks: Change process." in content
    body_page = signed_in(cast.viewer).get(f"/o/acme/strategy/bodies/{strategy['body'].pk}/")
    assert "Responsibility without authority" in body_page.content.decode()
    services.update_body(
        cast.owner_access,
        strategy["body"],
        version=1,
        authorities=["fund_epics", "change_process"],
    )
    content = signed_in(cast.viewer).get("/o/acme/strategy/").content.decode()
    assert "Responsibility without authority" not in content
    assert "Empowered" in content


def test_it_shows_identity_swot_themes_and_money_on_the_home_page(cast, strategy):
    measures.record_reading(cast.owner_access, strategy["indicator"], value=50)
    content = signed_in(cast.viewer).get("/o/acme/strategy/").content.decode()
    assert "Issue permits." in content
    assert "Paper forms." in content  # the weakness quadrant
    assert "Share applied online" in content
    assert "50 %" in content  # (50 − 10) / (90 − 10)
    assert "Spent 250 of 1,000 EUR" in content
    assert "Pilot with one team" in content


def test_it_keeps_the_home_page_queries_constant(cast, strategy):
    owner = signed_in(cast.owner)
    access = cast.owner_access

    def grow() -> None:
        for number in range(3):
            theme = services.create_theme(
                access,
                name=f"Theme {number}",
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
            )
            indicator = services.add_theme_indicator(
                access, theme, name=f"Measure {number}", baseline=0, target=10
            )
            measures.record_reading(access, indicator, value=number)
            investment = services.create_investment(
                access,
                theme=theme,
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 12, 31),
                planned_amount=Decimal(100),
            )
            services.record_spend(
                access, investment, amount=Decimal(5), spent_on=dt.date(2026, 3, 1)
            )
            services.create_swot_item(access, kind="threat", statement=f"Threat {number}")
            stream = services.create_value_stream(access, name=f"Stream {number}")
            team = org_services.create_team(access, name=f"Team {number}", kind="product")
            services.update_value_stream(access, stream, version=1, teams=[team])
            body = services.create_body(access, name=f"Body {number}", kind="PMO")
            services.add_responsibility(access, body, kind="practice")
            services.log_decision(access, title=f"Decision {number}", topic="delivery")

    count = assert_queries_constant(lambda: owner.get("/o/acme/strategy/"), grow)
    assert count <= 25


# Forms -------------------------------------------------------------------------------------


def test_it_saves_a_new_identity_revision_and_shows_the_diff(cast, strategy):
    editor = signed_in(cast.editor)
    response = editor.post(
        "/o/acme/strategy/identity/",
        {
            "mission": "Decide permits <quickly>.",
            "vision": "",
            "values": "Openness: We publish.\nSpeed",
            "note": "",
            "based_on": 1,
        },
    )
    assert response.status_code == 302
    assert IdentityRevision.objects.count() == 2
    history = editor.get("/o/acme/strategy/identity/history/").content.decode()
    assert "Issue permits." in history  # the old revision stays visible
    diff = editor.get("/o/acme/strategy/identity/diff/?from=1&to=2").content.decode()
    assert "<del>Issue permits.</del><ins>Decide permits &lt;quickly&gt;.</ins>" in diff
    assert '<li class="added"><ins>Speed</ins></li>' in diff
    old = editor.get("/o/acme/strategy/identity/1/").content.decode()
    assert "superseded by revision 2" in old


def test_it_keeps_the_form_and_saves_nothing_when_the_revision_is_stale(cast, strategy):
    services.revise_identity(cast.owner_access, mission="Two.", based_on=1)
    response = signed_in(cast.editor).post(
        "/o/acme/strategy/identity/", {"mission": "Mine.", "values": "", "based_on": 1}
    )
    assert response.status_code == 409
    assert "Someone saved identity revision 2" in response.content.decode()
    assert IdentityRevision.objects.count() == 2


def test_it_refuses_a_stale_edit_form(cast, strategy):
    services.update_theme(cast.owner_access, strategy["theme"], version=1, status="achieved")
    response = signed_in(cast.editor).post(
        f"/o/acme/strategy/themes/{strategy['theme'].pk}/", {**PAYLOAD, "version": 1}
    )
    assert response.status_code == 409
    assert Theme.objects.get().name == "Online permits"


def test_it_creates_records_through_the_forms(cast, strategy):
    editor = signed_in(cast.editor)
    base = "/o/acme/strategy"
    assert (
        editor.post(f"{base}/swot/", {"kind": "threat", "statement": "Storms."}).status_code == 302
    )
    assert SwotItem.objects.filter(kind="threat", statement="Storms.").exists()
    response = editor.post(
        f"{base}/investments/",
        {
            "target": f"stream:{strategy['stream'].pk}",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "planned_amount": "900",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    assert Investment.objects.filter(value_stream=strategy["stream"]).count() == 1
    response = editor.post(
        f"{base}/bodies/{strategy['body'].pk}/responsibilities/add/", {"kind": "outcome"}
    )
    assert response.status_code == 422
    assert "An outcome responsibility names the theme it owns." in response.content.decode()
    response = editor.post(
        f"{base}/decisions/",
        {"title": "Publish the backlog", "topic": "strategy", "status": "proposed",
         "decided_on": "2026-04-01"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "Owners and admins were notified" in editor.get(response["Location"]).content.decode()


def test_it_sanitizes_markdown_on_the_decision_page(cast, strategy):
    decision = services.log_decision(
        cast.owner_access,
        title="Risky",
        context="**Why** <script>alert('x')</script> [click](javascript:alert(1))",
        decision="<img src=x onerror=alert(1)> Go.",
    )
    content = signed_in(cast.viewer).get(f"/o/acme/strategy/decisions/{decision.pk}/").content
    text = content.decode()
    assert "<strong>Why</strong>" in text
    assert "<script>alert" not in text
    assert "javascript:" not in text
    assert "onerror" not in text


def test_the_history_page_links_to_strategy_records(cast):
    from datetime import date

    from django.test import Client

    from northline.strategy import services as strategy_services

    theme = strategy_services.create_theme(
        cast.owner_access, name="Open data", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    client = Client()
    client.force_login(cast.viewer)
    html = client.get("/o/acme/history/").content.decode()
    assert f'href="/o/acme/strategy/themes/{theme.pk}/"' in html
