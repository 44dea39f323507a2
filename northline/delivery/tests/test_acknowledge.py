"""Acknowledging from every page that shows an impact (the team's "what is coming", the
matrix cell, the feature page, the team page's section): one view, back to the page it came
from with the outcome beside the impact; the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from northline.delivery import services
from northline.delivery.models import Impact
from northline.delivery.tests.conftest import Plan
from northline.goals import services as goal_services
from northline.goals.models import Objective
from northline.orgs.models import Event
from northline.portfolio import services as portfolio_services
from northline.portfolio.models import Epic, Story
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def impact(plan: Plan) -> Impact:
    """The Contact Centre (Edith's team, lead time 10) must adapt to a change 30 days away."""
    feature = plan.feature(plan.release(30), "Online mooring permits")
    return services.add_impact(
        plan.access, feature, team=plan.contact, role="impactee", what_changes="New calls."
    )


def acknowledge_url(impact: Impact) -> str:
    return reverse("delivery_acknowledge", args=["acme", impact.pk])


def stored(impact: Impact) -> tuple:
    row = Impact.objects.get(pk=impact.pk)
    return row.acknowledged_by_id, row.acknowledged_at, row.version


def test_it_acknowledges_from_the_matrix_and_opens_the_cell_with_its_new_state(
    cast: Cast, plan: Plan, impact: Impact
):
    editor = signed_in(cast.editor)
    matrix = reverse("delivery", args=["acme"]) + f"?team={plan.contact.pk}"
    page = editor.get(matrix).content.decode()
    assert f'action="{acknowledge_url(impact)}"' in page
    response = editor.post(acknowledge_url(impact), {"next": matrix, "version": impact.version})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/o/acme/delivery/?team={plan.contact.pk}&acknowledged={impact.pk}#impact-{impact.pk}"
    )
    page = editor.get(response["Location"]).content.decode()
    assert f'id="impact-{impact.pk}" open' in page
    assert "Acknowledged in time." in page
    assert "Contact Centre acknowledged “Online mooring permits”. Thank you." in page
    assert stored(impact)[0] == cast.editor.pk


def test_it_acknowledges_from_the_feature_page_and_says_when_it_was_late(cast: Cast, plan: Plan):
    # Five days away with a ten-day lead time: the notice itself came late.
    feature = plan.feature(plan.release(5, "Hotfix"), "Fee table correction")
    late = services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    editor = signed_in(cast.editor)
    here = reverse("delivery_feature", args=["acme", feature.pk])
    assert "Acknowledge<span" in editor.get(here).content.decode()
    response = editor.post(acknowledge_url(late), {"next": here, "version": late.version})
    assert response["Location"] == f"{here}?acknowledged={late.pk}#impact-{late.pk}"
    page = editor.get(response["Location"]).content.decode()
    assert (
        "Acknowledged, but late: the notice came with fewer days left than the 10 days "
        "Contact Centre needs." in page
    )
    assert "Acknowledged by Edith on" in page
    assert stored(late)[0] == cast.editor.pk


def test_the_matrix_and_the_feature_page_offer_acknowledge_only_for_ones_own_teams(
    cast: Cast, plan: Plan, impact: Impact
):
    theirs = services.add_impact(plan.access, impact.feature, team=plan.training, role="impactee")
    pages = [
        reverse("delivery", args=["acme"]),
        reverse("delivery_feature", args=["acme", impact.feature.pk]),
    ]
    for url in pages:
        page = signed_in(cast.editor).get(url).content.decode()  # on the Contact Centre only
        assert f'action="{acknowledge_url(impact)}"' in page, url
        assert f'action="{acknowledge_url(theirs)}"' not in page, url
        assert "A member of Training (or an admin) acknowledges." in page, url
        admin = signed_in(cast.admin).get(url).content.decode()
        assert f'action="{acknowledge_url(theirs)}"' in admin, url
        viewer = signed_in(cast.viewer).get(url)
        assert "/acknowledge/" not in viewer.content.decode(), url


def test_a_viewer_on_the_team_is_refused_and_nothing_changes(cast: Cast, plan: Plan):
    feature = plan.feature(plan.release(30))
    training = services.add_impact(plan.access, feature, team=plan.training, role="impactee")
    before = stored(training), Event.objects.count()
    response = signed_in(cast.viewer).post(  # Victor is on Training, as a viewer
        acknowledge_url(training), {"version": training.version}
    )
    assert response.status_code == 403
    assert (stored(training), Event.objects.count()) == before


def test_an_outsider_gets_404_and_the_anonymous_the_sign_in(cast: Cast, impact: Impact):
    before = stored(impact), Event.objects.count()
    outsider = signed_in(cast.outsider).post(acknowledge_url(impact), {"version": impact.version})
    assert outsider.status_code == 404
    anonymous = Client().post(acknowledge_url(impact), {"version": impact.version})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert (stored(impact), Event.objects.count()) == before


def test_an_off_site_next_is_ignored(cast: Cast, plan: Plan, impact: Impact):
    response = signed_in(cast.editor).post(
        acknowledge_url(impact), {"next": "https://evil.example/phish", "version": impact.version}
    )
    team_page = reverse("delivery_team", args=["acme", plan.contact.pk])
    assert response["Location"] == f"{team_page}?acknowledged={impact.pk}#impact-{impact.pk}"
    assert stored(impact)[0] == cast.editor.pk


def test_a_stale_version_is_refused_beside_the_impact_and_nothing_changes(
    cast: Cast, plan: Plan, impact: Impact
):
    read = impact.version
    # Someone changes what the impact asks while Edith has the page open.
    services.update_impact(plan.access, impact, version=read, what_is_needed="Two scripts.")
    before = stored(impact), Event.objects.count()
    here = reverse("delivery_feature", args=["acme", impact.feature.pk])
    editor = signed_in(cast.editor)
    response = editor.post(acknowledge_url(impact), {"next": here, "version": read})
    assert response["Location"] == f"{here}?changed={impact.pk}#impact-{impact.pk}"
    assert (stored(impact), Event.objects.count()) == before
    page = editor.get(response["Location"]).content.decode()
    assert "Not acknowledged: this impact changed since the page was opened." in page
    assert f"(you had version {read}, it is now {read + 1})" in page
    assert "Two scripts." in page
    # No version at all is refused the same way.
    response = editor.post(acknowledge_url(impact), {"next": here})
    assert response["Location"] == f"{here}?changed={impact.pk}#impact-{impact.pk}"
    assert (stored(impact), Event.objects.count()) == before


# The team page's sections --------------------------------------------------------------------


def test_the_team_page_lists_its_objectives_epics_stories_and_incoming_impacts(
    cast: Cast, plan: Plan, impact: Impact
):
    access = plan.access
    team = plan.contact
    url = reverse("team", args=["acme", team.pk])
    page = signed_in(cast.viewer).get(url).content.decode()
    assert "Contact Centre has no objectives yet." in page
    assert "No epic names Contact Centre as its team yet." in page
    assert "No story is assigned to Contact Centre yet." in page

    period = goal_services.create_period(
        access, name="Q1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    objective = goal_services.create_objective(
        access, title="Answer calls in a minute", period=period, team=team
    )
    epic = portfolio_services.create_epic(access, title="Callback queue", team=team)
    story = portfolio_services.create_story(access, epic, title="Queue screen", team=team)
    acknowledged = services.add_impact(
        access, plan.feature(plan.release(10, "Sooner"), "Fee table"), team=team, role="impactee"
    )
    services.acknowledge(cast.owner_access, acknowledged)

    page = signed_in(cast.editor).get(url).content.decode()
    assert f'href="/o/acme/goals/objectives/{objective.pk}/"' in page
    assert f'href="/o/acme/goals/periods/{period.pk}/"' in page
    assert f'href="/o/acme/portfolio/epics/{epic.pk}/"' in page
    assert f'href="/o/acme/portfolio/stories/{story.pk}/"' in page
    assert "Funnel" in page and "To do" in page
    assert "1 waiting for its acknowledgement" in page
    # Waiting first, although the acknowledged one is sooner; Edith may acknowledge it here.
    assert page.index("Online mooring permits") < page.index("Fee table")
    assert f'action="{acknowledge_url(impact)}"' in page
    assert f'name="next" value="{url}"' in page


def test_acknowledging_from_the_team_page_comes_back_to_it(cast: Cast, plan: Plan, impact):
    url = reverse("team", args=["acme", plan.contact.pk])
    editor = signed_in(cast.editor)
    response = editor.post(acknowledge_url(impact), {"next": url, "version": impact.version})
    assert response["Location"] == f"{url}?acknowledged={impact.pk}#impact-{impact.pk}"
    page = editor.get(response["Location"]).content.decode()
    assert "Acknowledged in time." in page
    assert "0 waiting for its acknowledgement" in page


def test_the_team_page_query_count_does_not_grow_with_its_records(cast: Cast, plan: Plan):
    access, team = plan.access, plan.contact
    client = signed_in(cast.editor)
    url = reverse("team", args=["acme", team.pk])
    period = goal_services.create_period(
        access, name="Q1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    rows = {"n": 0}

    def grow() -> None:
        org = access.organization
        start = rows["n"]
        rows["n"] += 30
        Objective.objects.bulk_create(
            Objective(organization=org, title=f"Objective {n}", period=period, team=team)
            for n in range(start, rows["n"])
        )
        epics = Epic.objects.bulk_create(
            Epic(organization=org, title=f"Epic {n}", team=team, rank=f"{n:04d}")
            for n in range(start, rows["n"])
        )
        Story.objects.bulk_create(
            Story(organization=org, epic=epic, title=f"Story {n}", team=team, rank="a")
            for n, epic in enumerate(epics)
        )
        release = plan.release(20 + start, f"Release {start}")
        for n in range(3):
            feature = plan.feature(release, f"Change {start}-{n}")
            services.add_impact(access, feature, team=team, role="impactee")

    grow()

    def load() -> None:
        assert client.get(url).status_code == 200

    assert_queries_constant(load, grow)
    page = client.get(url).content.decode()
    assert "Showing 25 of 60" in page
