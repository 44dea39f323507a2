"""The alignment map's pages: the map, a focused branch, the branch fragments map.js loads, and
the downloads; who may see them, bad filters, empty states, escaping and query counts."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from northline.goals import services as goals
from northline.insights.map.exports import MapOut
from northline.insights.tests.test_map import MapOrg, readings
from northline.orgs import services as org_services
from northline.portfolio import services as portfolio
from northline.testing import Cast, assert_queries_constant, signed_in

PAGE = "/o/acme/insights/map/"
BRANCH = "/o/acme/insights/map/branch/"
EXPORT = "/o/acme/insights/map/export/"


def test_the_routes_are_where_the_subnav_and_the_benchmark_expect_them() -> None:
    assert reverse("insights_map", args=["acme"]) == PAGE
    assert reverse("insights_map_branch", args=["acme"]) == BRANCH
    assert reverse("insights_map_export", args=["acme"]) == EXPORT


# The page ------------------------------------------------------------------------------------


def test_it_draws_the_themes_open_and_their_objectives_collapsed(
    cast: Cast, map_org: MapOrg
) -> None:
    response = signed_in(cast.viewer).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Alignment map</h1>" in page
    assert 'href="/o/acme/insights/map/" aria-current="page">Map</a>' in page
    assert "This quarter" in page
    for label, figure in [
        ("Themes", 2),
        ("Objectives", 4),
        ("Key results", 4),
        ("Epics", 4),
        ("Orphan epics", 1),
        ("Unsupported objectives", 1),
    ]:
        assert f"<dt>{label}</dt><dd>{figure}</dd>" in page
    # Themes with their owner and health; top-level objectives; key results not yet.
    assert f'data-node="theme:{map_org.faster.pk}"' in page
    assert ">Portfolio board</a>" in page
    assert '<span class="health health-at_risk">at risk · 30 %</span>' in page
    assert f'data-node="objective:{map_org.online.pk}"' in page
    assert "Applications made online" not in page
    assert f'data-node="objective:{map_org.launch.pk}"' not in page
    # The highlights, with their words.
    assert "is-orphan" in page and "orphan work: traces to nothing" in page
    assert "is-unsupported" in page and "unsupported: no active work drives it" in page
    # Each collapsed branch loads from the branch view, or opens as a page without script.
    online = f"objective%3A{map_org.online.pk}"
    period = map_org.this_quarter.pk
    assert f'data-branch-url="{BRANCH}?team=&amp;period={period}&amp;node={online}"' in page
    assert (
        f'<a href="{PAGE}?team=&amp;period={period}&amp;focus={online}">Open this branch</a>'
        in (page)
    )
    assert 'src="/static/insights/map.js"' in page
    assert "No orphan work" not in page


def test_it_focuses_on_one_branch_all_the_way_down(cast: Cast, map_org: MapOrg) -> None:
    client = signed_in(cast.viewer)
    page = client.get(PAGE, {"focus": f"objective:{map_org.online.pk}"}).content.decode()
    assert "Showing one branch of the map" in page
    # The node the page starts from carries its health like any other.
    assert (
        '<span class="health health-on_track">on track · 70 %</span>'
        in page.split("Applications made online")[0]
    )
    for title in ("Applications made online", "Launch the online application"):
        assert title in page
    assert "Online payments working" in page
    assert "Online application form" in page
    assert "Form fields" not in page  # an epic opens onto its stories only when asked for
    epic = client.get(PAGE, {"focus": f"epic:{map_org.form.pk}"}).content.decode()
    assert "Form fields" in epic and "Save drafts" in epic
    # Focus on a node that is not on this map, or is not a node at all.
    assert client.get(PAGE, {"focus": f"objective:{map_org.old.pk}"}).status_code == 404
    refused = client.get(PAGE, {"focus": "objective:twelve"})
    assert refused.status_code == 422
    assert "is not a node of the map" in refused.content.decode()


def test_it_escapes_titles(cast: Cast, map_org: MapOrg) -> None:
    objective = map_org.online
    goals.update_objective(
        map_org.access,
        objective,
        version=objective.version,
        title='<script>alert("x")</script> & "quotes"',
    )
    page = signed_in(cast.viewer).get(PAGE).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page


def test_it_says_what_to_add_when_there_is_nothing_to_map(cast: Cast) -> None:
    page = signed_in(cast.viewer).get(PAGE).content.decode()
    assert "Nothing to map yet" in page
    for link in (
        'href="/o/acme/strategy/identity/"',
        'href="/o/acme/strategy/themes/"',
        'href="/o/acme/goals/"',
    ):
        assert link in page


def test_it_says_when_a_view_has_no_objectives(cast: Cast, map_org: MapOrg) -> None:
    quiet = org_services.create_team(map_org.access, name="Quiet team", kind="support")
    page = signed_in(cast.viewer).get(PAGE, {"team": quiet.pk}).content.decode()
    assert "No objectives of Quiet team in This quarter." in page
    assert 'href="/o/acme/goals/objectives/new/"' in page
    assert "No orphan work" in page


def test_it_filters_by_team_and_period(cast: Cast, map_org: MapOrg) -> None:
    client = signed_in(cast.viewer)
    permits = client.get(PAGE, {"team": map_org.permits.pk}).content.decode()
    assert f'data-node="objective:{map_org.launch.pk}"' in permits
    assert f'data-node="objective:{map_org.online.pk}"' not in permits
    assert f'<option value="{map_org.permits.pk}" selected>Permits</option>' in permits
    assert "Clear filters" in permits
    every = client.get(PAGE, {"period": "all"}).content.decode()
    assert '<option value="all" selected>All periods</option>' in every
    assert "Old objective" in every
    last = client.get(PAGE, {"period": map_org.last_quarter.pk}).content.decode()
    assert "Old objective" in last
    assert f'data-node="objective:{map_org.online.pk}"' not in last
    assert "Work serving objectives outside this view" in last


def test_it_refuses_filters_that_are_not_ids_with_a_message_by_the_field(
    cast: Cast, map_org: MapOrg
) -> None:
    client = signed_in(cast.viewer)
    response = client.get(PAGE, {"team": "permits"})
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "The team filter must be a team id (a whole number); &#x27;permits&#x27; is not one."
        in page
    )
    assert '<ul class="errorlist"><li>Choose a team from the list.</li></ul>' in page
    assert client.get(PAGE, {"period": "spring"}).status_code == 422
    assert client.get(PAGE, {"offset": "-3"}).status_code == 422
    assert client.get(EXPORT, {"team": "x"}).status_code == 422
    assert client.get(BRANCH, {"period": "x"}).status_code == 422


def test_another_organizations_team_or_period_is_not_found(cast: Cast, map_org: MapOrg) -> None:
    elsewhere = cast.access(cast.outsider, cast.other_org)
    team = org_services.create_team(elsewhere, name="Theirs", kind="product")
    period = goals.create_period(
        elsewhere, name="Their quarter", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    client = signed_in(cast.viewer)
    for url in (PAGE, BRANCH, EXPORT):
        assert client.get(url, {"team": team.pk}).status_code == 404, url
        assert client.get(url, {"period": period.pk}).status_code == 404, url


def test_it_hides_every_map_page_from_anonymous_callers_and_outsiders(
    cast: Cast, map_org: MapOrg
) -> None:
    anonymous = Client()
    outsider = signed_in(cast.outsider)
    for url in (PAGE, BRANCH, f"{BRANCH}?node=epic:{map_org.form.pk}", EXPORT):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
        assert outsider.get(url).status_code == 404, url


# Branches ------------------------------------------------------------------------------------


def test_a_branch_answers_with_the_children_as_list_items(cast: Cast, map_org: MapOrg) -> None:
    client = signed_in(cast.viewer)
    response = client.get(BRANCH, {"node": f"objective:{map_org.online.pk}"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.strip().startswith('<li class="map-node kind-key_result"')
    assert "<html" not in fragment
    assert fragment.count('<li class="map-node') == 2
    assert "Applications made online" in fragment and "Launch the online application" in fragment
    assert "on track · 70 %" in fragment and "off track · 10 %" in fragment
    # The branch keeps the page's filters in the links of its own children.
    period = map_org.this_quarter.pk
    assert (
        f"{BRANCH}?team=&amp;period={period}&amp;node=key_result%3A{map_org.applications.pk}"
        in (fragment)
    )
    undriven = client.get(BRANCH, {"node": f"objective:{map_org.statistics.pk}"}).content.decode()
    assert "not driven: no epic with active work drives it" in undriven
    assert "No epic drives this key result yet." in undriven
    assert client.get(BRANCH, {"node": f"objective:{map_org.old.pk}"}).status_code == 404
    assert client.get(BRANCH, {"node": "theme:x"}).status_code == 422
    assert client.get(BRANCH, {"node": "epic:999999"}).status_code == 404


def test_an_epics_stories_come_a_page_at_a_time(cast: Cast, map_org: MapOrg) -> None:
    for number in range(1, 56):
        portfolio.create_story(map_org.access, map_org.form, title=f"Slice {number}")
    client = signed_in(cast.viewer)
    node = f"epic:{map_org.form.pk}"
    first = client.get(BRANCH, {"node": node}).content.decode()
    assert first.count('<li class="map-node kind-story"') == 50
    assert 'Show 8 more <span class="muted">of 8 left</span>' in first
    assert f'data-more="{BRANCH}?team=&amp;period={map_org.this_quarter.pk}&amp;node=epic%3A' in (
        first
    )
    second = client.get(BRANCH, {"node": node, "offset": "50"}).content.decode()
    assert second.count('<li class="map-node kind-story"') == 8
    assert "Slice 55" in second and "map-more" not in second
    # Without script, "more" opens the epic's page of the map at that offset.
    page = client.get(PAGE, {"focus": node, "offset": "50"}).content.decode()
    assert "Slice 55" in page and "Form fields" not in page


# Downloads -----------------------------------------------------------------------------------


def test_it_downloads_each_format_with_its_name_and_type(cast: Cast, map_org: MapOrg) -> None:
    client = signed_in(cast.viewer)
    today = timezone.localdate()
    for file_format, extension, content_type in [
        ("json", "json", "application/json"),
        ("dot", "dot", "text/vnd.graphviz; charset=utf-8"),
        ("mermaid", "mmd", "text/plain; charset=utf-8"),
    ]:
        response = client.get(EXPORT, {"format": file_format})
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == (
            f'attachment; filename="acme-alignment-map-{today:%Y-%m-%d}.{extension}"'
        )
    document = MapOut.model_validate_json(client.get(EXPORT).content)  # JSON by default
    assert document.filters.stories is True
    plain = MapOut.model_validate_json(client.get(EXPORT, {"stories": "false"}).content)
    assert not any(node.kind == "story" for node in plain.nodes)
    team = MapOut.model_validate_json(client.get(EXPORT, {"team": map_org.contact.pk}).content)
    assert team.filters.team is not None and team.filters.team.name == "Contact Centre"
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 422
    assert client.get(EXPORT, {"stories": "maybe"}).status_code == 422


# Query counts --------------------------------------------------------------------------------


def grower(map_org: MapOrg):
    """Adds, each time: an objective with a child and two key results (checked in), an epic
    driving them with three stories, and an orphan epic with a story."""
    access = map_org.access
    numbers = itertools.count(1)

    def grow() -> None:
        n = next(numbers)
        parent = goals.create_objective(
            access,
            title=f"Grown {n}",
            period=map_org.this_quarter,
            theme=map_org.faster,
            status="active",
        )
        child = goals.create_objective(
            access,
            title=f"Grown child {n}",
            period=map_org.this_quarter,
            team=map_org.permits,
            parent=parent,
            status="active",
        )
        results = [
            goals.create_key_result(access, owner, title=f"Grown result {n}", baseline=0, target=10)
            for owner in (parent, child)
        ]
        readings(access, results[0].indicator, 3, 4)
        epic = portfolio.create_epic(
            access, title=f"Grown epic {n}", team=map_org.permits, key_results=results
        )
        for story in range(3):
            portfolio.create_story(access, epic, title=f"Grown story {n}.{story}", estimate=2)
        orphan = portfolio.create_epic(access, title=f"Grown orphan {n}")
        portfolio.create_story(access, orphan, title=f"Grown orphan story {n}")

    return grow


@pytest.mark.parametrize(
    "url, query",
    [
        (PAGE, {}),
        (PAGE, {"period": "all"}),
        (PAGE, {"team": "permits"}),
        (PAGE, {"focus": "theme:faster"}),
        (BRANCH, {"node": "theme:faster"}),
        (BRANCH, {"node": "objective:online"}),
        (BRANCH, {"node": "epic:form"}),
        (EXPORT, {"format": "json"}),
        (EXPORT, {"format": "dot", "stories": "true"}),
        (EXPORT, {"format": "mermaid"}),
    ],
)
def test_a_request_costs_the_same_queries_however_big_the_map(
    cast: Cast, map_org: MapOrg, url: str, query: dict[str, str]
) -> None:
    ids = {
        "faster": map_org.faster.pk,
        "online": map_org.online.pk,
        "form": map_org.form.pk,
        "permits": map_org.permits.pk,
    }
    resolved = {}
    for name, value in query.items():
        kind, _, key = value.partition(":")
        resolved[name] = f"{kind}:{ids[key]}" if key in ids else str(ids.get(value, value))
    client = signed_in(cast.viewer)

    def fetch() -> None:
        assert client.get(url, resolved).status_code == 200

    assert_queries_constant(fetch, grower(map_org))
