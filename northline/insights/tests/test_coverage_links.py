"""From the coverage drill-down, an editor links an open epic to a key result no epic drives: the
row goes and coverage rises (index_org: coverage 3 of 6 = 50.0 before)."""

from __future__ import annotations

import re

from django.urls import reverse

from northline.insights.tests.index_org import Org
from northline.orgs.models import Event
from northline.portfolio import services as portfolio
from northline.testing import Cast, signed_in


def drill(cast: Cast) -> str:
    return reverse("insights_component", args=[cast.org.slug, "coverage"])


def link_url(cast: Cast) -> str:
    return reverse("portfolio_key_result_epic_link", args=[cast.org.slug])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_links_an_epic_and_the_row_goes_and_coverage_rises(cast: Cast, org: Org) -> None:
    editor = signed_in(cast.editor)
    page = text(editor.get(drill(cast)))
    assert '<span class="index-number">50.0</span>' in page
    assert "Records that lower it (3)" in page
    assert f'<input type="hidden" name="key_result" value="{org.median.pk}">' in page
    # Open epics only: Inspection booking (todo), Online permit form (doing), Archive scanning.
    assert f'<option value="{org.booking.pk}">Inspection booking</option>' in page
    assert f'<option value="{org.portal.pk}">' not in page

    response = editor.post(
        link_url(cast), {"key_result": org.median.pk, "epic": org.booking.pk, "next": drill(cast)}
    )

    assert response.status_code == 302
    assert response["Location"] == drill(cast)
    page = text(editor.get(response["Location"]))
    assert "now drives the key result" in page
    # Inspection booking has 5 points To do: Median days is now driven, 2 of 3 key results.
    assert "<dt>Key results</dt><dd>2 of 3</dd>" in page
    assert '<span class="index-number">66.7</span>' in page
    assert "Records that lower it (2)" in page
    assert f'<input type="hidden" name="key_result" value="{org.median.pk}">' not in page
    event = Event.objects.filter(
        object_type="portfolio.epic", object_id=str(org.booking.pk)
    ).latest("pk")
    assert event.changes == {"key_results": [[], [org.median.pk]]}


def test_it_refuses_a_viewer_and_shows_them_no_link_forms(cast: Cast, org: Org) -> None:
    viewer = signed_in(cast.viewer)
    assert "Link an epic" not in text(viewer.get(drill(cast)))
    events = Event.objects.count()

    response = viewer.post(link_url(cast), {"key_result": org.median.pk, "epic": org.booking.pk})

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert Event.objects.count() == events
    assert list(org.booking.key_results.all()) == []


def test_it_refuses_records_of_another_organization_and_changes_nothing(
    cast: Cast, org: Org
) -> None:
    theirs = portfolio.create_epic(cast.access(cast.outsider, cast.other_org), title="Theirs")
    editor = signed_in(cast.editor)
    events = Event.objects.count()

    assert (
        editor.post(link_url(cast), {"key_result": org.median.pk, "epic": theirs.pk}).status_code
        == 404
    )
    assert (
        signed_in(cast.outsider)
        .post(link_url(cast), {"key_result": org.median.pk, "epic": org.booking.pk})
        .status_code
        == 404
    )
    assert Event.objects.count() == events
    assert list(org.booking.key_results.all()) == []
