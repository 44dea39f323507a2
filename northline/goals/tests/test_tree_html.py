"""The cascade's objectives and the progress bar as ``tree_html`` writes them: escaped, nested
as the cascade nests them, and saying what a measure's pace and "not moving" mean."""

from __future__ import annotations

from django.urls import reverse

from northline.goals import services
from northline.goals.tests.conftest import Goals
from northline.goals.tree_html import progress_html
from northline.measures.rules import AWAITING_LABEL, Pace, awaiting_rule, stalled_rule
from northline.testing import Cast, signed_in

HOSTILE = '<img src=x onerror="alert(1)"> & “Quay”'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; “Quay”"


def goals_page(cast: Cast) -> str:
    return signed_in(cast.viewer).get(reverse("goals", args=["acme"])).content.decode()


def test_it_escapes_objective_and_key_result_titles_everywhere(cast: Cast, goals: Goals):
    services.update_objective(
        cast.owner_access, goals.child, version=goals.child.version, title=HOSTILE
    )
    services.update_key_result(
        cast.owner_access, goals.key_result, version=goals.key_result.version, title=HOSTILE
    )
    page = goals_page(cast)
    assert "<img src=x" not in page
    child = goals.child.pk
    assert f'href="/o/acme/goals/objectives/{child}/">{ESCAPED}</a>' in page
    assert f'aria-label="Progress of {ESCAPED}"' in page
    assert f'href="/o/acme/goals/key-results/{goals.key_result.pk}/">{ESCAPED}</a>' in page


def test_the_tree_nests_children_under_their_objective_with_owner_and_status(
    cast: Cast, goals: Goals
):
    services.create_objective(
        cast.owner_access,
        title="Count the moorings",
        period=goals.period,
        parent=goals.objective,
        status="draft",
    )
    page = goals_page(cast)
    parent = page.index(f'id="objective-{goals.objective.pk}"')
    nested = page.index('<ul class="tree" aria-label="Aligned to Permits online end to end">')
    child = page.index(f'id="objective-{goals.child.pk}"')
    assert parent < nested < child
    assert '<span class="badge owner org-level">Organization</span>' in page
    assert '<span class="badge owner">Permits</span>' in page
    assert '<span class="badge status-draft">Draft</span>' in page
    # The draft has neither key results nor children: it says so. The organization objective
    # has no key result of its own but a child, so it does not.
    assert page.count('<p class="muted small">No key results yet.</p>') == 1
    assert 'class="kr-percent">0 %</span>' in page  # the key result without a reading yet


def test_the_bar_reads_pace_and_not_moving_as_one_statement() -> None:
    html = progress_html(0.426, Pace.AT_RISK, "Progress of <b>", stalled=True)
    assert '<div class="goal-progress pace-at_risk">' in html
    assert (
        '<progress max="100" value="43" aria-label="Progress of &lt;b&gt;">43 %</progress>' in html
    )
    assert f'title="At risk: {Pace.AT_RISK.rule}">At risk</span>' in html
    assert f'<span class="badge stalled" title="Not moving: {stalled_rule()}">' in html
    assert f"At risk for the period, but the value is not moving: {stalled_rule()}." in html
    moving = progress_html(1.0, "on_track", "Progress of X")
    assert 'value="100"' in moving
    assert "stalled" not in moving


def test_a_measure_without_readings_says_so_instead_of_a_pace() -> None:
    html = progress_html(None, Pace.ON_TRACK, "Progress of X", awaiting=True)
    assert 'value="0"' in html
    assert (
        f'<span class="badge pace pace-awaiting" title="{AWAITING_LABEL}: {awaiting_rule()}">'
        f"{AWAITING_LABEL}</span>"
    ) in html
    assert "On track" not in html
