"""The delivery pages for each user who may and who may not: the matrix, releases, features,
a team's "what is coming at us", and the settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from northline.delivery import services
from northline.delivery.models import (
    CalendarFeed,
    Feature,
    Impact,
    Release,
    TeamLeadTime,
    Webhook,
)
from northline.delivery.tests.conftest import Plan, Receiver
from northline.delivery.tests.generated import big_matrix
from northline.orgs import services as org_services
from northline.orgs.models import Event
from northline.strategy.models import Decision
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(plan: Plan, receiver: Receiver) -> dict:
    release = plan.release(30)
    feature = plan.feature(release, "Online mooring permits")
    impact = services.add_impact(
        plan.access, feature, team=plan.contact, role="impactee", what_changes="New calls."
    )
    services.add_impact(plan.access, feature, team=plan.builders, role="impactor")
    feed, _ = services.create_calendar_feed(plan.access, label="Ministry releases")
    with override_settings(NORTHLINE_WEBHOOKS_ALLOW_PRIVATE=True):
        # A receiver on 127.0.0.1: the tests resolve no public names.
        webhook = services.create_webhook(
            plan.access, url=receiver.url("/northline"), events=["notice.sent"]
        )
    return {
        "release": release,
        "feature": feature,
        "impact": impact,
        "team": plan.contact,
        "feed": feed,
        "webhook": webhook,
    }


def get_urls(records: dict) -> list[str]:
    return [
        reverse("delivery", args=["acme"]),
        reverse("delivery_releases", args=["acme"]),
        reverse("delivery_release", args=["acme", records["release"].pk]),
        reverse("delivery_feature", args=["acme", records["feature"].pk]),
        reverse("delivery_team", args=["acme", records["team"].pk]),
        reverse("delivery_settings", args=["acme"]),
    ]


def snapshot() -> tuple:
    """Everything the delivery pages can change, to compare before and after."""
    return (
        Event.objects.count(),
        list(Release.objects.values_list("name", "status", "planned_date", "version")),
        list(Feature.objects.values_list("title", "version")),
        list(Impact.objects.values_list("role", "acknowledged_at", "version")),
        list(TeamLeadTime.objects.values_list("days", "version")),
        list(Webhook.objects.values_list("url", "version")),
        list(CalendarFeed.objects.values_list("label", "revoked_at")),
    )


# Who may see what --------------------------------------------------------------------------
# Every page for the anonymous visitor, an outsider, a viewer's writes and each member's reads:
# the generated walk, northline/tests/test_views_walk.py.


def test_it_answers_404_for_a_release_of_another_organization(cast: Cast, records):
    elsewhere = cast.access(cast.outsider, cast.other_org)
    theirs = services.create_release(elsewhere, name="Theirs", planned_date=dt.date(2030, 1, 1))
    owner = signed_in(cast.owner)
    assert owner.get(reverse("delivery_release", args=["acme", theirs.pk])).status_code == 404
    response = owner.post(
        reverse("delivery_release_decide", args=["acme", theirs.pk]),
        {"version": 1, "override_reason": "Mine now."},
    )
    assert response.status_code == 404
    assert Release.objects.get(pk=theirs.pk).status == "planned"


def test_it_shows_the_viewer_no_write_forms(cast: Cast, records):
    viewer = signed_in(cast.viewer)
    for url in get_urls(records):
        page = viewer.get(url).content.decode()
        # The one POST form is the header's sign-out.
        assert page.count('method="post"') == 1, url
        assert "delivery_acknowledge" not in page and "/acknowledge/" not in page, url


def test_it_lets_only_admins_manage_webhooks(cast: Cast, records):
    editor = signed_in(cast.editor)
    url = reverse("delivery_webhook_new", args=["acme"])
    assert (
        editor.post(url, {"url": "https://a.example.org/", "events": ["notice.sent"]}).status_code
        == 403
    )
    assert (
        "Add a webhook"
        not in editor.get(reverse("delivery_settings", args=["acme"])).content.decode()
    )
    assert Webhook.objects.count() == 1


# The matrix --------------------------------------------------------------------------------


def test_the_matrix_shows_each_state_in_colour_and_words_with_a_legend(cast: Cast, plan: Plan):
    release = plan.release(5, "Soon")
    feature = plan.feature(release, "A/B test of the permit form", kind="experiment")
    # Contact Centre needs 10 days and is told with 5 left: late.
    services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    services.add_impact(plan.access, feature, team=plan.builders, role="impactor")
    page = signed_in(cast.viewer).get(reverse("delivery", args=["acme"])).content.decode()
    assert "Legend" in page
    assert 'class="cell cell-late"' in page
    assert 'Contact Centre: <span class="risk-text">late notice</span>' in page
    assert 'class="cell cell-impactor"' in page
    assert "A/B test of the permit form" in page
    assert "/api/v1/orgs/acme/delivery/matrix.csv" in page
    assert "/api/v1/orgs/acme/delivery/matrix.xlsx" in page


def test_the_matrix_filters_by_team_and_release(cast: Cast, plan: Plan):
    first = plan.release(40, "First")
    second = plan.release(60, "Second")
    services.add_impact(
        plan.access, plan.feature(first, "Phone scripts"), team=plan.contact, role="impactee"
    )
    services.add_impact(
        plan.access, plan.feature(second, "Course update"), team=plan.training, role="impactee"
    )
    viewer = signed_in(cast.viewer)
    url = reverse("delivery", args=["acme"])
    page = viewer.get(url, {"release": second.pk}).content.decode()
    assert "Course update" in page and "Phone scripts" not in page
    assert f"matrix.csv?release={second.pk}" in page
    page = viewer.get(url, {"team": plan.contact.pk}).content.decode()
    assert "<span>Contact Centre</span>" in page and "<span>Training</span>" not in page
    assert "Clear filters" in page


def grow_matrix(plan: Plan, features: int, teams: int, start: int = 0) -> None:
    release = plan.release(90, f"Release {start}")
    made = [
        org_services.create_team(plan.access, name=f"Team {start + number}", kind="support")
        for number in range(teams)
    ]
    for number in range(features):
        feature = plan.feature(release, f"Feature {start + number}")
        for index, team in enumerate(made):
            services.add_impact(
                plan.access, feature, team=team, role="impactee" if index % 2 else "impactor"
            )


def test_the_matrix_query_count_stays_constant_in_features_and_teams(cast: Cast, plan: Plan):
    grow_matrix(plan, features=3, teams=2)
    owner = signed_in(cast.owner)
    url = reverse("delivery", args=["acme"])

    def view() -> None:
        assert owner.get(url).status_code == 200

    # N×M → 5N×2M: 3 features × 2 teams, then 15 features × 4 teams.
    count = assert_queries_constant(view, lambda: grow_matrix(plan, 12, 2, start=100))
    assert count <= 16


def test_the_matrix_renders_60_teams_by_200_features(cast: Cast):
    big_matrix(cast.owner_access)
    viewer = signed_in(cast.viewer)
    url = reverse("delivery", args=["acme"])
    pages = []
    for number in range(1, 9):  # 200 features, 25 a page
        response = viewer.get(url, {"page": number})
        assert response.status_code == 200
        pages.append(response.content.decode())
        assert f"page {number} of 8" in pages[-1]
        # A page's size does not grow with the features on the others (1.3 MB unpaged).
        assert len(response.content) < 300_000
    for page in pages:
        assert page.count('class="team-head"') == 60
    assert sum(page.count('class="feature-head"') for page in pages) == 200
    assert sum(page.count('<details class="cell-pop"') for page in pages) == 1200
    whole = "".join(pages)
    for state in ("impactor", "ok", "unacknowledged", "at_risk", "late"):
        assert f'class="cell cell-{state}"' in whole, state


def test_the_matrix_pages_features_and_warns_about_every_team_on_every_page(cast: Cast, plan: Plan):
    soon = plan.release(5, "Soon")
    made = [plan.feature(soon, f"Feature {number:02d}") for number in range(30)]
    services.add_impact(plan.access, made[0], team=plan.builders, role="impactor")
    # Told with 5 days left: late for Contact Centre (10 days) and Training (21 days).
    services.add_impact(plan.access, made[3], team=plan.contact, role="impactee")
    services.add_impact(plan.access, made[28], team=plan.training, role="impactee")
    viewer = signed_in(cast.viewer)
    url = reverse("delivery", args=["acme"])

    first = viewer.get(url).content.decode()
    assert "Features 1–25 of 30 · page 1 of 2, 25 features a page." in first
    assert ">Feature 24</a>" in first and ">Feature 25</a>" not in first
    assert f'href="{url}?page=2" rel="next">Next →</a>' in first
    # Training's warning is on page 2, and page 1 says so, with the way there.
    warnings = first[first.index('class="matrix-warnings"') : first.index("</section>")]
    assert "across all 2 pages of the matrix" in warnings
    assert ">Contact Centre</a>:" in warnings and ">Training</a>:" in warnings
    assert warnings.count('<span class="badge cell-late">1 late</span>') == 2
    assert "on page 2</span>" not in warnings  # a link, not text
    assert f'on page <a href="{url}?page=2">2</a>' in warnings
    assert "on page 1</span>" in warnings  # Contact Centre's, on this page
    assert "Permits Online</a>:" not in warnings  # an impactor is warned about nothing

    second = viewer.get(url, {"page": 2}).content.decode()
    assert "Features 26–30 of 30 · page 2 of 2, 25 features a page." in second
    assert ">Feature 28</a>" in second and ">Feature 03</a>" not in second
    assert 'Training: <span class="risk-text">late notice</span>' in second
    assert ">Training</a>:" in second[second.index('class="matrix-warnings"') :]
    assert f'href="{url}?page=1" rel="prev">← Previous</a>' in second
    # Past the last page: the last; not a number: the first.
    assert "page 2 of 2" in viewer.get(url, {"page": 9}).content.decode()
    assert "page 1 of 2" in viewer.get(url, {"page": "x"}).content.decode()


def test_the_matrix_page_keeps_the_filters_in_its_page_links(cast: Cast, plan: Plan):
    soon = plan.release(40, "Soon")
    for number in range(26):
        feature = plan.feature(soon, f"Feature {number:02d}")
        services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    url = reverse("delivery", args=["acme"])
    page = signed_in(cast.viewer).get(url, {"release": soon.pk}).content.decode()
    assert f'href="{url}?release={soon.pk}&amp;page=2" rel="next"' in page


def test_acknowledging_on_a_later_page_of_the_matrix_comes_back_to_it(cast: Cast, plan: Plan):
    soon = plan.release(40, "Soon")
    made = [plan.feature(soon, f"Feature {number:02d}") for number in range(26)]
    impact = services.add_impact(plan.access, made[25], team=plan.contact, role="impactee")
    editor = signed_in(cast.editor)  # on the Contact Centre
    url = reverse("delivery", args=["acme"])
    page = editor.get(url, {"page": 2}).content.decode()
    assert f'<input type="hidden" name="next" value="{url}?page=2">' in page
    response = editor.post(
        reverse("delivery_acknowledge", args=["acme", impact.pk]),
        {"next": f"{url}?page=2", "version": impact.version},
    )
    assert response["Location"] == f"{url}?page=2&acknowledged={impact.pk}#impact-{impact.pk}"
    back = editor.get(f"{url}?page=2&acknowledged={impact.pk}").content.decode()
    assert "page 2 of 2" in back
    assert "Acknowledged in time." in back


def test_one_matrix_page_costs_the_same_queries_however_many_pages(cast: Cast, plan: Plan):
    grow_matrix(plan, features=3, teams=2)
    owner = signed_in(cast.owner)
    url = reverse("delivery", args=["acme"])

    def view() -> None:
        response = owner.get(url)
        assert response.status_code == 200

    # One page of 3 features × 2 teams, then three pages of 63 features × 4 teams.
    count = assert_queries_constant(view, lambda: grow_matrix(plan, 60, 2, start=100))
    assert count == 15
    page = owner.get(url).content.decode()
    assert "page 1 of 3" in page and page.count('class="feature-head"') == 25


# Releases ----------------------------------------------------------------------------------


def test_deciding_an_unready_release_shows_the_refusal_naming_the_teams(cast: Cast, records):
    release = records["release"]
    events_before = Event.objects.count()
    response = signed_in(cast.editor).post(
        reverse("delivery_release_decide", args=["acme", release.pk]),
        {"version": release.version},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not ready: Contact Centre has not acknowledged." in page
    assert "Override reason" in page
    assert Release.objects.get(pk=release.pk).status == "planned"
    assert Event.objects.count() == events_before


def test_deciding_with_an_override_reason_decides_and_logs_the_decision(cast: Cast, records):
    release = records["release"]
    response = signed_in(cast.editor).post(
        reverse("delivery_release_decide", args=["acme", release.pk]),
        {"version": release.version, "override_reason": "The minister announced the date."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Decided" in response.content.decode()
    decided = Release.objects.get(pk=release.pk)
    assert decided.status == "decided"
    assert decided.override_reason == "The minister announced the date."
    assert Decision.objects.filter(decision="The minister announced the date.").exists()


def test_the_release_page_asks_for_no_reason_once_everyone_acknowledged(cast: Cast, records):
    services.acknowledge(records["release"] and cast.access(cast.editor), records["impact"])
    url = reverse("delivery_release", args=["acme", records["release"].pk])
    page = signed_in(cast.editor).get(url).content.decode()
    assert "Every impacted team has acknowledged" in page
    assert "Override reason" not in page
    response = signed_in(cast.editor).post(
        reverse("delivery_release_decide", args=["acme", records["release"].pk]),
        {"version": records["release"].version},
    )
    assert response.status_code == 302
    assert Release.objects.get(pk=records["release"].pk).status == "decided"


def test_a_stale_release_edit_shows_the_message_and_changes_nothing(cast: Cast, records):
    release = records["release"]
    services.update_release(cast.owner_access, release, version=1, name="Renamed meanwhile")
    before = snapshot()
    response = signed_in(cast.editor).post(
        reverse("delivery_release", args=["acme", release.pk]),
        {"name": "Mine", "planned_date": "2030-01-01", "version": 1},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'class="form-error"' in page
    assert "changed" in page.lower()
    assert snapshot() == before
    assert Release.objects.get(pk=release.pk).name == "Renamed meanwhile"


def test_moving_the_release_date_from_the_page_sends_fresh_notices(cast: Cast, records):
    release = records["release"]
    sent_before = records["impact"].notices.count()
    response = signed_in(cast.editor).post(
        reverse("delivery_release", args=["acme", release.pk]),
        {
            "name": release.name,
            "planned_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "version": release.version,
        },
    )
    assert response.status_code == 302
    assert records["impact"].notices.count() == sent_before + 1
    assert records["impact"].notices.first().late is True


def test_it_plans_a_release_adds_a_feature_and_an_impact(cast: Cast, plan: Plan):
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("delivery_releases", args=["acme"]),
        {"name": "Autumn", "planned_date": "2030-10-01"},
    )
    release = Release.objects.get(name="Autumn")
    assert response["Location"] == reverse("delivery_release", args=["acme", release.pk])
    response = editor.post(
        reverse("delivery_feature_new", args=["acme"]),
        {"title": "Chatbot", "kind": "experiment", "release": release.pk, "from": "release"},
    )
    feature = Feature.objects.get(title="Chatbot")
    assert feature.release == release
    response = editor.post(
        reverse("delivery_impact_new", args=["acme", feature.pk]),
        {"team": plan.training.pk, "role": "impactee", "what_is_needed": "A course."},
        follow=True,
    )
    assert "Added the impact on Training. It has been sent a notice." in response.content.decode()
    assert feature.impacts.get().notices.count() == 1


def test_a_refused_impact_stays_on_the_form(cast: Cast, records):
    response = signed_in(cast.editor).post(
        reverse("delivery_impact_new", args=["acme", records["feature"].pk]),
        {"team": records["team"].pk, "role": "impactee"},
    )
    assert response.status_code in (409, 422)
    page = response.content.decode()
    assert "“Online mooring permits” already has an impact on Contact Centre." in page
    assert "Already impacted; edit that impact instead." in page
    assert Impact.objects.count() == 2


def test_mark_released_and_cancel(cast: Cast, records):
    release = records["release"]
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("delivery_release_released", args=["acme", release.pk]),
        {"version": release.version},
        follow=True,
    )
    assert "was not changed" in response.content.decode()
    assert Release.objects.get(pk=release.pk).status == "planned"
    editor.post(
        reverse("delivery_release_cancel", args=["acme", release.pk]), {"version": release.version}
    )
    assert Release.objects.get(pk=release.pk).status == "cancelled"


# A team's page -----------------------------------------------------------------------------


def test_acknowledging_from_the_team_page_records_who_and_when(cast: Cast, records):
    impact, team = records["impact"], records["team"]
    editor = signed_in(cast.editor)  # Edith is on the Contact Centre
    team_url = reverse("delivery_team", args=["acme", team.pk])
    page = editor.get(team_url).content.decode()
    assert "Online mooring permits" in page
    assert "30 days left" in page
    assert "Acknowledge" in page
    response = editor.post(
        reverse("delivery_acknowledge", args=["acme", impact.pk]),
        {"next": team_url, "version": impact.version},
        follow=True,
    )
    page = response.content.decode()
    assert "Contact Centre acknowledged “Online mooring permits”." in page
    assert "Acknowledged by Edith on" in page
    stored = Impact.objects.get(pk=impact.pk)
    assert stored.acknowledged_by == cast.editor
    assert stored.acknowledged_at is not None
    assert timezone.now() - stored.acknowledged_at < dt.timedelta(minutes=1)


def test_a_writer_not_on_the_team_sees_no_acknowledge_button(cast: Cast, plan: Plan, records):
    page = (
        signed_in(cast.editor)
        .get(reverse("delivery_team", args=["acme", plan.training.pk]))
        .content.decode()
    )
    assert "Nothing is coming at Training" in page
    impact = services.add_impact(
        plan.access, records["feature"], team=plan.training, role="impactee"
    )
    page = (
        signed_in(cast.editor)
        .get(reverse("delivery_team", args=["acme", plan.training.pk]))
        .content.decode()
    )
    assert "A member of Training (or an admin) acknowledges." in page
    response = signed_in(cast.editor).post(
        reverse("delivery_acknowledge", args=["acme", impact.pk]), {"version": impact.version}
    )
    assert response.status_code == 403
    assert Impact.objects.get(pk=impact.pk).acknowledged_at is None


def test_the_team_page_sets_the_lead_time_and_shows_a_feed_address_once(cast: Cast, records):
    team = records["team"]
    editor = signed_in(cast.editor)
    editor.post(reverse("delivery_team_lead_time", args=["acme", team.pk]), {"days": 12})
    assert TeamLeadTime.objects.get(team=team).days == 12
    response = editor.post(
        reverse("delivery_team_feed", args=["acme", team.pk]), {"label": "Our calendar"}
    )
    page = response.content.decode()
    assert "http://testserver/calendar/" in page
    assert CalendarFeed.objects.get(label="Our calendar").team == team
    assert (
        "http://testserver/calendar/"
        not in editor.get(reverse("delivery_team", args=["acme", team.pk])).content.decode()
    )


# Settings ----------------------------------------------------------------------------------


def test_the_settings_create_a_webhook_showing_its_secret_once(
    cast: Cast, records, receiver: Receiver, allow_private
):
    admin = signed_in(cast.admin)
    response = admin.post(
        reverse("delivery_webhook_new", args=["acme"]),
        {"url": receiver.url("/second"), "events": ["notice.sent", "release.decided"]},
    )
    hook = Webhook.objects.get(url=receiver.url("/second"))
    assert hook.events == ["notice.sent", "release.decided"]
    assert hook.secret in response.content.decode()
    assert (
        hook.secret not in admin.get(reverse("delivery_settings", args=["acme"])).content.decode()
    )


def test_the_settings_refuse_a_loopback_webhook_next_to_the_field(cast: Cast, records):
    response = signed_in(cast.admin).post(
        reverse("delivery_webhook_new", args=["acme"]),
        {"url": "http://127.0.0.1:8000/hook", "events": ["notice.sent"]},
    )
    assert response.status_code == 422
    assert Webhook.objects.count() == 1


def test_the_settings_revoke_a_feed_and_save_lead_times(cast: Cast, plan: Plan, records):
    editor = signed_in(cast.editor)
    editor.post(reverse("delivery_feed_revoke", args=["acme", records["feed"].pk]))
    assert CalendarFeed.objects.get(pk=records["feed"].pk).revoked_at is not None
    response = editor.post(
        reverse("delivery_lead_times", args=["acme"]),
        {
            f"team_{plan.contact.pk}": 10,
            f"team_{plan.training.pk}": 30,
            f"team_{plan.builders.pk}": 14,
        },
    )
    assert response.status_code == 302
    assert TeamLeadTime.objects.get(team=plan.training).days == 30
    # Unchanged teams are left alone: no default written for the builders.
    assert not TeamLeadTime.objects.filter(team=plan.builders).exists()
