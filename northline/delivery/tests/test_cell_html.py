"""The matrix's cells and the acknowledge block as ``cell_html`` writes them: every text escaped,
the risk in words, and the button only for those who may acknowledge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from northline.delivery import services
from northline.delivery.models import Impact
from northline.delivery.tests.conftest import Plan
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)"> & “permits”'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; “permits”"


def matrix_of(user, query: str = "") -> str:
    return signed_in(user).get(reverse("delivery", args=["acme"]) + query).content.decode()


def test_a_cell_escapes_the_feature_and_what_the_impact_says(cast: Cast, plan: Plan):
    feature = plan.feature(plan.release(30), HOSTILE)
    impact = services.add_impact(
        plan.access,
        feature,
        team=plan.contact,
        role="impactee",
        what_changes="<script>alert(2)</script> calls",
        what_is_needed="Scripts & training",
    )
    page = matrix_of(cast.editor)
    assert "<img src=x" not in page
    assert "<script>alert(2)" not in page
    assert f'<div class="pop" role="group" aria-label="{ESCAPED} and Contact Centre">' in page
    assert f'<p class="pop-title"><strong>{ESCAPED}</strong> → Contact Centre</p>' in page
    assert "What changes:</span> &lt;script&gt;alert(2)&lt;/script&gt; calls</p>" in page
    assert "Needs:</span> Scripts &amp; training</p>" in page
    assert f"“{ESCAPED}” for Contact Centre</span></button>" in page
    assert f'href="/o/acme/delivery/features/{feature.pk}/#impact-{impact.pk}">The impact</a>' in (
        page
    )


def test_a_waiting_cell_offers_acknowledge_to_the_teams_member_only(cast: Cast, plan: Plan):
    impact = services.add_impact(
        plan.access, plan.feature(plan.release(30)), team=plan.contact, role="impactee"
    )
    member = matrix_of(cast.editor)  # Edith is on the Contact Centre
    assert '<summary class="cell cell-unacknowledged"><span aria-hidden="true">Waiting</span>' in (
        member
    )
    assert '<span class="risk-text">not acknowledged yet</span>' in member
    assert f'<form method="post" action="/o/acme/delivery/impacts/{impact.pk}/acknowledge/">' in (
        member
    )
    assert f'<input type="hidden" name="version" value="{impact.version}">' in member
    assert '<input type="hidden" name="next" value="/o/acme/delivery/">' in member
    assert 'name="csrfmiddlewaretoken"' in member
    assert "30 days left; lead time 10 days." in member

    viewer = matrix_of(cast.viewer)  # Victor is on Training, not the Contact Centre
    assert "/acknowledge/" not in viewer
    assert "Not acknowledged yet. A member of Contact Centre (or an admin) acknowledges." in viewer


def test_an_acknowledged_cell_names_who_and_says_so_once_after_the_click(cast: Cast, plan: Plan):
    impact = services.add_impact(
        plan.access, plan.feature(plan.release(30)), team=plan.contact, role="impactee"
    )
    cast.editor.first_name, cast.editor.last_name = "Edith", "<Bold>"
    cast.editor.save(update_fields=["first_name", "last_name"])
    services.acknowledge(cast.access(cast.editor), impact)
    page = matrix_of(cast.viewer)
    assert "<Bold>" not in page
    assert "Acknowledged by Edith &lt;Bold&gt; on " in page
    assert '<summary class="cell cell-ok"><span aria-hidden="true">Impactee ✓</span>' in page
    assert "Acknowledged in time." not in page

    page = matrix_of(cast.editor, f"?acknowledged={impact.pk}")
    assert f'<details class="cell-pop" data-cell id="impact-{impact.pk}" open>' in page
    assert "</span> Acknowledged in time.</p>" in page


def test_an_impactor_cell_says_it_causes_the_change(cast: Cast, plan: Plan):
    services.add_impact(
        plan.access, plan.feature(plan.release(30)), team=plan.builders, role="impactor"
    )
    page = matrix_of(cast.viewer)
    assert '<summary class="cell cell-impactor"><span aria-hidden="true">Impactor</span>' in page
    assert '<span class="risk-text">causes the change</span>' in page
    assert "data-ack" not in page
    assert Impact.objects.filter(role="impactor").count() == 1
