"""The goals pages, for each user who may and who may not, and the inline check-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from northline.goals import services
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.tests.conftest import Goals
from northline.measures.models import Reading
from northline.orgs.models import Event
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


# Who may see what ------------------------------------------------------------------------
# Every page for the anonymous visitor, an outsider, a viewer's writes and each member's reads:
# the generated walk, northline/tests/test_views_walk.py.


def test_it_answers_404_for_records_of_another_organization(cast, goals):
    elsewhere = cast.access(cast.outsider, cast.other_org)
    period = services.create_period(
        elsewhere, name="Theirs", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    objective = services.create_objective(elsewhere, title="Theirs", period=period)
    owner = signed_in(cast.owner)
    assert owner.get(reverse("goals_objective", args=["acme", objective.pk])).status_code == 404
    assert owner.get(reverse("goals", args=["acme"]) + f"?period={period.pk}").status_code == 404


def test_it_answers_403_to_a_viewers_inline_check_in_and_changes_nothing(cast, goals):
    viewer = signed_in(cast.viewer)
    events_before = Event.objects.count()
    # The inline check-in is refused as the plain form is (the walk posts that one).
    response = viewer.post(
        reverse("goals_check_in", args=["acme", goals.key_result.pk]),
        {"value": 180},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 403
    assert Event.objects.count() == events_before
    assert KeyResult.objects.get(pk=goals.key_result.pk).title == "Applications made online"
    assert not Reading.objects.exists()


def test_it_hides_write_forms_from_viewers(cast, goals):
    page = signed_in(cast.viewer).get(
        reverse("goals_key_result", args=["acme", goals.key_result.pk])
    )
    assert b"Record check-in" not in page.content
    page = signed_in(cast.editor).get(
        reverse("goals_key_result", args=["acme", goals.key_result.pk])
    )
    assert b"Record check-in" in page.content


# The Goals page --------------------------------------------------------------------------


def test_it_tells_a_new_organization_where_to_start(cast):
    page = signed_in(cast.editor).get(reverse("goals", args=["acme"]))
    text = page.content.decode()
    assert "Create a period first" in text
    assert "starting with one team" in text
    assert reverse("goals_periods", args=["acme"]) in text


def test_it_suggests_the_first_objective_for_an_empty_period(cast):
    services.create_period(
        cast.owner_access,
        name="Q1",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    text = signed_in(cast.editor).get(reverse("goals", args=["acme"])).content.decode()
    assert "No objectives in Q1 yet" in text
    assert "Create the first objective" in text


def test_it_shows_the_tree_under_its_theme_with_the_team_objective_nested(cast, goals):
    text = signed_in(cast.viewer).get(reverse("goals", args=["acme"])).content.decode()
    assert 'aria-current="page">Goals<' in text
    theme_at = text.index("Faster permits")
    parent_at = text.index("Permits online end to end")
    child_at = text.index("Launch the online application")
    assert theme_at < parent_at < child_at
    nested = text[parent_at:]
    assert nested.index('<ul class="tree" aria-label="Aligned to Permits online end to end">') < (
        nested.index("Launch the online application")
    )


def test_it_filters_the_tree_by_team_and_status(cast, goals):
    viewer = signed_in(cast.viewer)
    url = reverse("goals", args=["acme"])
    org_only = viewer.get(url, {"team": "org"}).content.decode()
    assert "Permits online end to end" in org_only
    assert "Launch the online application" not in org_only
    by_team = viewer.get(url, {"team": goals.child.team_id}).content.decode()
    assert "Launch the online application" in by_team
    parent_link = f'class="node-title" href="/o/acme/goals/objectives/{goals.objective.pk}/"'
    assert parent_link not in by_team
    drafts = viewer.get(url, {"status": "draft"}).content.decode()
    assert "No objectives in This quarter match these filters." in drafts


def test_it_creates_a_period_then_an_objective_then_a_key_result(cast):
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("goals_periods", args=["acme"]),
        {"name": "Q1 2026", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
    )
    period = Period.objects.get(name="Q1 2026")
    assert response["Location"] == f"/o/acme/goals/objectives/new/?period={period.pk}"
    response = editor.post(
        reverse("goals_objective_new", args=["acme"]),
        {"title": "Fewer repeat calls", "period": period.pk, "status": "active"},
    )
    objective = Objective.objects.get(title="Fewer repeat calls")
    assert objective.team is None
    assert response["Location"] == f"/o/acme/goals/objectives/{objective.pk}/"
    editor.post(
        reverse("goals_key_result_new", args=["acme", objective.pk]),
        {
            "title": "Repeat calls per week",
            "weight": 2,
            "baseline": 400,
            "target": 250,
            "unit": "calls",
            "kind": "lagging",
        },
    )
    key_result = KeyResult.objects.get(title="Repeat calls per week")
    indicator = key_result.indicator
    assert (indicator.start_date, indicator.target_date) == (period.starts_on, period.ends_on)
    assert (indicator.direction, indicator.kind, key_result.weight) == ("decrease", "lagging", 2)


def test_it_shows_a_refused_period_next_to_its_fields(cast):
    response = signed_in(cast.editor).post(
        reverse("goals_periods", args=["acme"]),
        {"name": "Backwards", "starts_on": "2026-03-31", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 422
    assert b"A period must end after it starts." in response.content
    assert not Period.objects.filter(name="Backwards").exists()


def test_it_refuses_a_stale_objective_edit_on_the_page(cast, goals):
    editor = signed_in(cast.editor)
    services.update_objective(cast.owner_access, goals.child, version=1, title="Renamed first")
    response = editor.post(
        reverse("goals_objective", args=["acme", goals.child.pk]),
        {"title": "Mine", "period": goals.period.pk, "status": "active", "version": 1},
    )
    assert response.status_code == 409
    assert b"changed by someone else" in response.content
    assert Objective.objects.get(pk=goals.child.pk).title == "Renamed first"


# Check-ins -------------------------------------------------------------------------------


def test_it_moves_progress_pace_and_the_chart_with_each_check_in(cast, goals):
    """The period began 60 days ago and ends in 30, so by now between 60/90 and 61/90 of it
    has passed: expected ≈ 0.667–0.678. Baseline 100, target 200.

    * no check-in: progress 0, and more than 7 days after the start → not started;
    * 150: (150 − 100) / (200 − 100) = 0.5 → 50 %; 0.5 < 0.667 − 0.10 but ≥ 0.678 − 0.25
      → at risk. On the chart (y axis 100 to 200 in steps of 25, plotted 200 px tall from
      y=20) the point sits at 20 + (1 − 50/100) × 200 = 120.0;
    * 170: 0.7 → 70 %, ≥ 0.678 − 0.10 → on track; y = 20 + (1 − 70/100) × 200 = 80.0.
    """
    editor = signed_in(cast.editor)
    url = reverse("goals_key_result", args=["acme", goals.key_result.pk])
    check_in = reverse("goals_check_in", args=["acme", goals.key_result.pk])
    before = editor.get(url).content.decode()
    assert "<dd data-progress>0 %</dd>" in before
    assert "Not started" in before
    assert "<circle" not in before

    inline = editor.post(
        check_in,
        {"value": 150, "confidence": 60, "note": "Pilot went live"},
        headers={"X-Requested-With": "fetch"},
    )
    assert inline.status_code == 200
    fragment = inline.content.decode()
    assert fragment.startswith('<div id="kr-live"')
    assert "<dd data-progress>50 %</dd>" in fragment
    assert 'class="badge pace pace-at_risk">At risk<' in fragment
    assert re.search(r'<circle class="chart-point" cx="[\d.]+" cy="120.0"', fragment)
    assert "Pilot went live" in fragment

    plain = editor.post(check_in, {"value": 170, "confidence": 75, "note": ""})
    assert plain.status_code == 302
    assert plain["Location"] == url
    after = editor.get(url).content.decode()
    assert "<dd data-progress>70 %</dd>" in after
    assert 'class="badge pace pace-on_track">On track<' in after
    points = re.findall(r'<circle class="chart-point" cx="[\d.]+" cy="([\d.]+)"', after)
    assert points == ["120.0", "80.0"]
    reading = Reading.objects.order_by("-id")[0]
    assert (reading.value, reading.confidence, reading.author) == (170, 75, cast.editor)


def test_it_returns_a_refused_inline_check_in_with_the_reason_on_the_form(cast, goals):
    response = signed_in(cast.editor).post(
        reverse("goals_check_in", args=["acme", goals.key_result.pk]),
        {"value": "", "confidence": 140},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "This field is required." in text
    assert "Ensure this value is less than or equal to 100." in text
    assert not Reading.objects.exists()


def test_it_lists_three_equal_check_ins_under_needs_attention(cast, goals):
    """Three check-ins of one value make the key result stalled (DESIGN §2.2), which puts it in
    the Goals page's "needs attention" list; a moving, on-track one stays out of it."""
    access = cast.owner_access
    moving = services.create_key_result(
        access, goals.child, title="Permits issued within a week", baseline=0, target=10
    )
    now = timezone.now()
    for days_ago, value in [(3, 130), (2, 130), (1, 130)]:
        services.record_check_in(
            access, goals.key_result, value=value, recorded_at=now - dt.timedelta(days=days_ago)
        )
    for days_ago, value in [(3, 6), (1, 9)]:
        services.record_check_in(
            access, moving, value=value, recorded_at=now - dt.timedelta(days=days_ago)
        )
    text = signed_in(cast.viewer).get(reverse("goals", args=["acme"])).content.decode()
    attention = text[text.index('id="attention-heading"') :]
    assert "Applications made online" in attention
    assert "Not moving" in attention
    assert "Permits issued within a week" not in attention
    page = signed_in(cast.viewer).get(
        reverse("goals_key_result", args=["acme", goals.key_result.pk])
    )
    assert b"Adapt it, or pivot" in page.content


# Query budget ----------------------------------------------------------------------------


def add_objectives(cast: Cast, goals: Goals, count: int) -> None:
    """``count`` team objectives under the organization's, each with two measured results."""
    access = cast.owner_access
    for index in range(count):
        objective = services.create_objective(
            access,
            title=f"Objective {index}",
            period=goals.period,
            team=goals.child.team,
            parent=goals.objective,
            status="active",
        )
        for number in range(2):
            key_result = services.create_key_result(
                access, objective, title=f"Result {index}.{number}", baseline=0, target=10
            )
            services.record_check_in(access, key_result, value=number + 1)


def test_it_renders_the_goals_page_with_the_same_queries_for_n_and_5n_objectives(cast, goals):
    add_objectives(cast, goals, 3)
    viewer = signed_in(cast.viewer)
    url = reverse("goals", args=["acme"])
    count = assert_queries_constant(
        lambda: viewer.get(url), lambda: add_objectives(cast, goals, 12)
    )
    # Pinned, so a creeping count shows up here (session, user, membership, periods, the
    # current period, how many objectives it holds (FOLD_AT), objectives, their teams, key
    # results, readings, teams, the switcher, messages).
    assert count == 13
    assert viewer.get(url).content.decode().count('class="node-card"') == 2 + 15


def test_a_big_cascade_opens_on_the_organizations_objectives_and_all_shows_the_rest(
    cast, goals, monkeypatch
):
    from northline.goals import views

    viewer = signed_in(cast.viewer)
    url = reverse("goals", args=["acme"])
    monkeypatch.setattr(views, "FOLD_AT", 1)  # the fixture's period holds two objectives
    folded = viewer.get(url).content.decode()
    assert "Permits online end to end" in folded
    assert "Launch the online application" not in folded
    assert "This period holds 2 objectives, so the page opens on the organization" in folded
    assert f"?period={goals.objective.period_id}&amp;team=all" in folded
    assert '<option value="org" selected>' in folded
    whole = viewer.get(url, {"team": "all"}).content.decode()
    assert "Launch the online application" in whole
    assert "This period holds" not in whole
    assert "Clear filters" not in whole
    # A team chosen on a big cascade still shows that team's objectives.
    by_team = viewer.get(url, {"team": goals.child.team_id}).content.decode()
    assert "Launch the online application" in by_team
    monkeypatch.setattr(views, "FOLD_AT", 2)  # not more than it holds: no fold
    assert "Launch the online application" in viewer.get(url).content.decode()


def test_a_filtered_cascade_reads_only_what_its_objectives_need_with_the_same_progress(cast, goals):
    from northline.goals import selectors

    access = cast.owner_access
    add_objectives(cast, goals, 3)  # three team objectives at 15 % under the organization's
    other = services.create_objective(
        access, title="Fewer calls", period=goals.period, theme=goals.theme, status="active"
    )
    measured = services.create_key_result(access, other, title="Calls", baseline=0, target=10)
    services.record_check_in(access, measured, value=4)
    unread = services.create_objective(
        access, title="Call scripts", period=goals.period, team=goals.child.team, parent=other
    )
    services.create_key_result(access, unread, title="Scripts", baseline=0, target=10)

    def org_level(objective: Objective) -> bool:
        return objective.team_id is None

    whole = selectors.cascade(access, goals.period)
    part = selectors.cascade(access, goals.period, keep=org_level)
    # The organization's first objective has no key results: its progress is its four
    # children's mean (0, 15, 15, 15 %), so they are read; "Fewer calls" has its own (40 %),
    # so its child is not.
    assert part.nodes[goals.objective.pk].progress == pytest.approx(0.1125)
    assert part.nodes[other.pk].progress == pytest.approx(0.4)
    for pk in (goals.objective.pk, other.pk):
        assert part.nodes[pk].progress == whole.nodes[pk].progress
        assert part.nodes[pk].score == whole.nodes[pk].score
        assert part.nodes[pk].pace == whole.nodes[pk].pace
    assert unread.pk in whole.nodes and unread.pk not in part.nodes
    assert goals.child.pk in part.nodes
    assert len(part) == len(whole) == 7
    shown = selectors.filtered(part, org_level)
    assert [node.objective.title for node in shown.roots] == [
        "Fewer calls",
        "Permits online end to end",
    ]


def test_a_guardrail_key_result_is_made_on_the_page_and_judged_by_its_line(cast, goals):
    editor = signed_in(cast.editor)
    objective = goals.child
    editor.post(
        reverse("goals_key_result_new", args=["acme", objective.pk]),
        {
            "title": "Portal uptime",
            "weight": 1,
            "baseline": 99.9,
            "target": 99.5,
            "unit": "%",
            "kind": "lagging",
            "direction": "stay_above",
        },
    )
    key_result = KeyResult.objects.get(title="Portal uptime")
    assert key_result.indicator.direction == "stay_above"
    # Breached: 99.4 is below the line, so off track with progress 0.
    services.record_check_in(cast.owner_access, key_result, value=99.4)
    page = editor.get(reverse("goals_key_result", args=["acme", key_result.pk])).content.decode()
    assert "Stay above 99.5" in page and "Off track" in page
    assert editor.get(reverse("goals_objective", args=["acme", objective.pk])).status_code == 200
    assert editor.get(reverse("goals", args=["acme"])).status_code == 200
    # An edit of its bounds keeps it a guardrail.
    services.update_key_result(
        cast.owner_access, key_result, version=key_result.version, baseline=99.8, target=99.0
    )
    key_result.indicator.refresh_from_db()
    assert key_result.indicator.direction == "stay_above"
