"""Linking an existing lagging indicator to a theme from the theme page, and unlinking it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from northline.measures import services as measures
from northline.orgs.models import Event
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def theme_page(theme) -> str:
    return reverse("strategy_theme", args=["acme", theme.pk])


def link_url(theme) -> str:
    return reverse("strategy_theme_indicator_link", args=["acme", theme.pk])


def window() -> dict:
    today = timezone.localdate()
    return {
        "start_date": today - dt.timedelta(days=30),
        "target_date": today + dt.timedelta(days=30),
    }


def lagging(access, name: str):
    return measures.create_indicator(
        access, name=name, kind="lagging", baseline=0, target=10, **window()
    )


def test_it_links_and_unlinks_an_existing_indicator(cast: Cast, strategy):
    theme = strategy["theme"]
    decided = lagging(cast.owner_access, "Permits decided in 30 days")
    editor = signed_in(cast.editor)
    page = editor.get(theme_page(theme)).content.decode()
    assert f'<option value="{decided.pk}">' in page
    # Already measuring it: not offered again.
    assert f'<option value="{strategy["indicator"].pk}">' not in page

    response = editor.post(link_url(theme), {"indicator": decided.pk})

    assert response.status_code == 302
    assert set(theme.indicators.all()) == {strategy["indicator"], decided}
    event = Event.objects.filter(object_type="strategy.theme", object_id=str(theme.pk)).latest("pk")
    assert (event.verb, event.changes) == (
        "linked",
        {"indicator": decided.pk, "indicator_name": "Permits decided in 30 days"},
    )
    history = editor.get(reverse("object_history", args=["acme", "strategy.theme", theme.pk]))
    assert "Permits decided in 30 days" in history.content.decode()

    unlink = reverse("strategy_theme_indicator_unlink", args=["acme", theme.pk, decided.pk])
    assert editor.post(unlink).status_code == 302
    assert list(theme.indicators.all()) == [strategy["indicator"]]
    assert Event.objects.latest("pk").verb == "unlinked"


def test_it_refuses_an_indicator_of_another_organization_and_changes_nothing(cast: Cast, strategy):
    theme = strategy["theme"]
    theirs = lagging(cast.access(cast.outsider, cast.other_org), "Theirs")
    events = Event.objects.count()

    response = signed_in(cast.editor).post(link_url(theme), {"indicator": theirs.pk})

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert list(theme.indicators.all()) == [strategy["indicator"]]
    assert Event.objects.count() == events


def test_it_refuses_a_leading_indicator(cast: Cast, strategy):
    theme = strategy["theme"]
    leading = measures.create_indicator(
        cast.owner_access, name="Forms started", kind="leading", baseline=0, target=10, **window()
    )
    response = signed_in(cast.editor).post(link_url(theme), {"indicator": leading.pk})
    assert response.status_code == 422
    assert list(theme.indicators.all()) == [strategy["indicator"]]


def test_it_refuses_a_viewer_with_403(cast: Cast, strategy):
    theme = strategy["theme"]
    decided = lagging(cast.owner_access, "Permits decided in 30 days")
    viewer = signed_in(cast.viewer)
    assert "Link an existing indicator" not in viewer.get(theme_page(theme)).content.decode()

    response = viewer.post(link_url(theme), {"indicator": decided.pk})

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert list(theme.indicators.all()) == [strategy["indicator"]]
