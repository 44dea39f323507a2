"""The Insights home and the drill-down pages: who may look, what they show, the team filter,
pagination, the trend's empty state and chart, escaping, and the page's query count."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from northline.goals import services as goals
from northline.insights.index.services import take_snapshots
from northline.insights.models import Snapshot
from northline.insights.surveys import services
from northline.insights.tests.index_org import Org, story
from northline.orgs import services as orgs
from northline.portfolio import services as portfolio
from northline.testing import Cast, assert_queries_constant, signed_in


def home(cast: Cast) -> str:
    return reverse("insights", args=[cast.org.slug])


def drill(cast: Cast, key: str) -> str:
    return reverse("insights_component", args=[cast.org.slug, key])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_is_the_page_the_insights_navigation_opens(cast: Cast) -> None:
    response = signed_in(cast.viewer).get(home(cast))
    assert f'<a href="{home(cast)}" aria-current="page">Insights</a>' in text(response)
    assert response.status_code == 200
    assert response.templates[0].name == "insights/index/index.html"
    assert 'aria-current="page">Alignment index</a>' in text(response)


def test_it_sends_the_anonymous_caller_to_sign_in(cast: Cast) -> None:
    for url in (home(cast), drill(cast, "coverage")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_hides_the_pages_from_outsiders(cast: Cast) -> None:
    outsider = signed_in(cast.outsider)
    for url in (home(cast), drill(cast, "coverage")):
        assert outsider.get(url).status_code == 404


def test_it_refuses_a_team_of_another_organization_or_no_team(cast: Cast, org: Org) -> None:
    stranger = orgs.create_team(
        cast.access(cast.outsider, cast.other_org), name="Theirs", kind="product"
    )
    viewer = signed_in(cast.viewer)
    for url in (home(cast), drill(cast, "traceability")):
        assert viewer.get(url, {"team": stranger.pk}).status_code == 404
        assert viewer.get(url, {"team": "permits"}).status_code == 404
        assert viewer.get(url, {"team": 999999}).status_code == 404
        assert viewer.get(url, {"team": org.permits.pk}).status_code == 200


def test_it_refuses_posts_to_pages_that_only_read(cast: Cast) -> None:
    viewer = signed_in(cast.viewer)
    assert viewer.post(home(cast)).status_code == 405
    assert signed_in(cast.editor).post(drill(cast, "coverage")).status_code == 405


def test_it_shows_the_index_its_sum_and_each_component(cast: Cast, org: Org) -> None:
    page = text(signed_in(cast.viewer).get(home(cast)))
    assert '<span class="index-number">58.3</span>' in page
    assert "The mean of the 4 components with data: (56.5 + 50 + 60 + 66.7) / 4 = 58.3." in page
    assert (
        '<p class="index-partial" id="index-partial">Partial: from 4 of 5 components — shared '
        "understanding has no data yet.</p>" in page
    )
    assert "A component without data is left out of the mean, never counted as zero" in page
    assert '<span class="health health-off_track">Weak</span>' in page
    for key, value in [
        ("traceability", "56.5"),
        ("coverage", "50.0"),
        ("movement", "60.0"),
        ("governance", "66.7"),
    ]:
        card = page.split(f'id="component-{key}"')[1].split("</li> <li")[0]
        assert f'<span class="component-value">{value}</span>' in card
    understanding = page.split('id="component-understanding"')[1]
    assert '<span class="component-value">No data</span>' in understanding
    assert "No data: there is nothing to count yet." in understanding
    # Parts, and the records that lower a component with a link to each.
    coverage = page.split('id="component-coverage"')[1].split('id="component-movement"')[0]
    assert "<dt>Objectives</dt><dd>2 of 3</dd>" in coverage
    assert "<dt>Key results</dt><dd>1 of 3</dd>" in coverage
    renew = reverse("goals_objective", args=[cast.org.slug, org.renew.pk])
    assert f'<a href="{renew}">Renew by phone</a>' in coverage
    assert "No active work drives this objective" in coverage
    assert f'href="{drill(cast, "coverage")}">See all 3 records that lower coverage</a>' in (
        coverage
    )


def test_it_shows_the_first_five_records_and_links_to_all(cast: Cast, org: Org) -> None:
    access = org.access
    for number in range(1, 8):
        goals.create_objective(
            access, title=f"Unloved {number}", period=org.period, status="active"
        )
    page = text(signed_in(cast.viewer).get(home(cast)))
    coverage = page.split('id="component-coverage"')[1].split('id="component-movement"')[0]
    assert coverage.count("<li>") == 5
    assert "See all 10 records that lower coverage" in coverage


def test_it_shows_a_teams_index_from_the_selector(cast: Cast, org: Org) -> None:
    response = signed_in(cast.viewer).get(home(cast), {"team": org.licensing.pk})
    page = text(response)
    assert "Alignment index of Licensing" in page
    assert "(38.5 + 0 + 50) / 3 = 29.5" in page
    assert f'<option value="{org.licensing.pk}" selected>Licensing</option>' in page
    link = drill(cast, "traceability") + f"?team={org.licensing.pk}"
    assert f'href="{link}"' in page
    assert "A team&#x27;s view leaves out the coalition&#x27;s authority" in page


def test_it_lists_every_record_of_a_component_on_its_page(cast: Cast, org: Org) -> None:
    response = signed_in(cast.viewer).get(drill(cast, "coverage"))
    page = text(response)
    assert "<h1>Coverage</h1>" in page
    assert "Records that lower it (3)" in page
    median = reverse("goals_key_result", args=[cast.org.slug, org.median.pk])
    assert f'<td><a href="{median}">Median days</a></td> <td class="nowrap">Key result</td>' in (
        page
    )
    assert "No epic with active work drives it (objective: Decide permits faster)" in page


def test_it_pages_a_long_drill_down_by_fifty(cast: Cast, org: Org) -> None:
    access = org.access
    for number in range(1, 59):
        goals.create_objective(
            access, title=f"Unloved {number:02}", period=org.period, status="active"
        )
    viewer = signed_in(cast.viewer)
    first = text(viewer.get(drill(cast, "coverage"), {"team": ""}))
    # 3 before, 58 more: 61 records, 50 on the first page and 11 on the second.
    assert "Records that lower it (61)" in first
    assert first.count("<tr>") == 1 + 50
    assert "Page 1 of 2" in first
    assert 'href="?page=2" rel="next"' in first
    second = text(viewer.get(drill(cast, "coverage"), {"page": 2}))
    assert second.count("<tr>") == 1 + 11
    assert 'href="?page=1" rel="prev"' in second


def test_it_keeps_the_team_when_paging(cast: Cast, org: Org) -> None:
    access = org.access
    for number in range(1, 53):
        goals.create_objective(
            access,
            title=f"Licensing aim {number}",
            period=org.period,
            team=org.licensing,
            status="active",
        )
    page = text(signed_in(cast.viewer).get(drill(cast, "coverage"), {"team": org.licensing.pk}))
    assert "Records that lower it (53)" in page
    assert f'href="?team={org.licensing.pk}&amp;page=2" rel="next"' in page


def test_it_says_when_nothing_lowers_a_component_or_it_has_no_data(cast: Cast, org: Org) -> None:
    viewer = signed_in(cast.viewer)
    permits = text(viewer.get(drill(cast, "movement"), {"team": org.permits.pk}))
    assert "Nothing lowers movement: every item passes." in permits
    licensing = text(viewer.get(drill(cast, "movement"), {"team": org.licensing.pk}))
    assert "No data: there is nothing to count for movement yet in Licensing" in licensing


def test_it_answers_404_for_an_unknown_component(cast: Cast) -> None:
    assert signed_in(cast.viewer).get(drill(cast, "happiness")).status_code == 404


def test_it_escapes_record_names(cast: Cast, org: Org) -> None:
    hostile = portfolio.create_epic(org.access, title="<script>alert('x')</script>")
    story(org.access, hostile, "<img src=x onerror=alert(1)>", 3)
    for url in (home(cast), drill(cast, "traceability")):
        page = signed_in(cast.viewer).get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_it_shows_the_empty_trend_in_words_without_commands(cast: Cast, org: Org) -> None:
    page = text(signed_in(cast.viewer).get(home(cast)))
    trend = page.split('id="trend-heading"')[1]
    assert (
        "No readings yet. The first reading appears after the nightly snapshot; it runs on its "
        "own while Northline runs." in trend
    )
    assert "<code>" not in trend
    assert "northline worker" not in page and "northline snapshot" not in page
    assert "<svg" not in page


def test_it_draws_the_trend_from_snapshots_with_a_table(cast: Cast, org: Org) -> None:
    today = timezone.localdate()
    take_snapshots(cast.org, today - dt.timedelta(days=1))
    take_snapshots(cast.org, today)
    # An old one, outside the default 90 days.
    Snapshot.objects.create(
        organization=cast.org, taken_on=today - dt.timedelta(days=120), index=12.5, components={}
    )
    page = text(signed_in(cast.viewer).get(home(cast)))
    assert '<svg class="chart trend-chart" id="index-trend" role="img"' in page
    assert "Alignment index of Acme Ministry, last 90 days" in page
    assert page.count('<circle class="trend-point') == 2
    assert "2 snapshots since" in page
    row = f'<th scope="row"><time datetime="{today:%Y-%m-%d}">{today:%Y-%m-%d}</time></th>'
    assert row in page
    assert '<td class="num">58.3</td> <td class="num">56.5</td>' in page
    assert "12.5" not in page
    longer = text(signed_in(cast.viewer).get(home(cast), {"days": 365}))
    assert "3 snapshots since" in longer
    team = text(signed_in(cast.viewer).get(home(cast), {"team": org.permits.pk}))
    assert "Alignment index of Permits, last 90 days" in team
    assert '<td class="num">95.0</td>' in team


def test_it_reads_the_home_page_in_constant_queries(cast: Cast, org: Org) -> None:
    access = org.access
    viewer = signed_in(cast.viewer)
    count = {"n": 0}
    take_snapshots(cast.org, timezone.localdate())

    def grow() -> None:
        for _ in range(3):
            count["n"] += 1
            n = count["n"]
            objective = goals.create_objective(
                access, title=f"Grown {n}", period=org.period, status="active"
            )
            goals.create_key_result(access, objective, title=f"Result {n}", baseline=0, target=1)
            made = portfolio.create_epic(access, title=f"Grown epic {n}")
            story(access, made, f"Grown story {n}", 2)
            Snapshot.objects.create(
                organization=cast.org,
                taken_on=timezone.localdate() - dt.timedelta(days=n),
                index=50.0,
                components={},
            )

    assert_queries_constant(lambda: viewer.get(home(cast)), grow)
    assert_queries_constant(lambda: viewer.get(drill(cast, "coverage")), grow)


def test_it_shows_shared_understanding_from_the_surveys(cast: Cast, org: Org) -> None:
    survey = services.create_survey(org.access, title="What is your work for?")
    services.answer_survey(
        org.access, survey, purpose="Zorbling quuxes", objective=org.apply, team=org.permits
    )
    services.answer_survey(cast.access(cast.editor), survey, purpose="Plonking", team=org.permits)
    viewer = signed_in(cast.viewer)
    page = text(viewer.get(home(cast)))
    card = page.split('id="component-understanding"')[1]
    # 1 of 2 answers in its own chain, none echoing the strategy: 1 of 4 = 25.0.
    assert '<span class="component-value">25.0</span>' in card
    assert "<dt>Own chain</dt><dd>1 of 2</dd>" in card
    results = reverse("insights_survey", args=[cast.org.slug, survey.pk])
    assert f'<a href="{results}">An answer to “What is your work for?”</a>' in card
    assert "(56.5 + 50 + 60 + 66.7 + 25) / 5 = 51.6" in page
    drill_page = text(viewer.get(drill(cast, "understanding")))
    assert "Records that lower it (3)" in drill_page
    assert '<td class="nowrap">Survey answer</td>' in drill_page
