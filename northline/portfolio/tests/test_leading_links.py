"""Linking an existing leading indicator to a story, from the service and the story page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from northline.lib.errors import Invalid, NotFound
from northline.measures import services as measures
from northline.orgs.models import Event
from northline.portfolio import services
from northline.portfolio.tests.conftest import Board, indicator_fields
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def leading(access, name: str = "Forms started online"):
    return measures.create_indicator(access, kind="leading", **indicator_fields(name))


def story_page(story) -> str:
    return reverse("portfolio_story", args=["acme", story.pk])


def url(story, verb: str) -> str:
    return reverse(f"portfolio_story_indicator_{verb}", args=["acme", story.pk])


def test_the_service_links_once_and_unlinks_with_an_event_each(cast: Cast, board: Board):
    story = board.epic().stories.get()
    started = leading(board.access)
    events = Event.objects.count()

    services.link_leading_indicator(board.access, story, started)
    services.link_leading_indicator(board.access, story, started)

    assert list(story.leading_indicators.all()) == [started]
    assert Event.objects.count() == events + 1
    services.unlink_leading_indicator(board.access, story, started)
    assert list(story.leading_indicators.all()) == []
    last = Event.objects.latest("pk")
    assert (last.verb, last.changes) == (
        "unlinked",
        {"leading_indicators": {"removed": started.pk, "name": "Forms started online"}},
    )
    with pytest.raises(NotFound):
        services.unlink_leading_indicator(board.access, story, started)


def test_the_service_refuses_a_lagging_indicator_and_another_organizations(
    cast: Cast, board: Board
):
    epic = board.epic()
    story = epic.stories.get()
    with pytest.raises(Invalid):
        services.link_leading_indicator(board.access, story, epic.lagging_indicators.get())
    theirs = leading(cast.access(cast.outsider, cast.other_org), "Theirs")
    with pytest.raises(NotFound):
        services.link_leading_indicator(board.access, story, theirs)
    assert list(story.leading_indicators.all()) == []


def test_it_links_and_unlinks_from_the_story_page(cast: Cast, board: Board):
    story = board.epic().stories.get()
    started = leading(board.access)
    editor = signed_in(cast.editor)
    assert f'<option value="{started.pk}">' in editor.get(story_page(story)).content.decode()

    response = editor.post(url(story, "link"), {"indicator": started.pk})

    assert response.status_code == 302
    assert list(story.leading_indicators.all()) == [started]
    page = editor.get(story_page(story)).content.decode()
    assert "Unlink Forms started online" in page
    history = editor.get(reverse("object_history", args=["acme", "portfolio.story", story.pk]))
    assert "Forms started online" in history.content.decode()

    assert editor.post(url(story, "unlink"), {"indicator": started.pk}).status_code == 302
    assert list(story.leading_indicators.all()) == []
    assert Event.objects.latest("pk").verb == "unlinked"


def test_it_refuses_another_organizations_indicator_and_a_viewer(cast: Cast, board: Board):
    story = board.epic().stories.get()
    theirs = leading(cast.access(cast.outsider, cast.other_org), "Theirs")
    started = leading(board.access)
    events = Event.objects.count()

    response = signed_in(cast.editor).post(url(story, "link"), {"indicator": theirs.pk})
    assert response.status_code == 422
    viewer = signed_in(cast.viewer)
    response = viewer.post(url(story, "link"), {"indicator": started.pk})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert (
        "Link an existing leading indicator" not in viewer.get(story_page(story)).content.decode()
    )
    assert list(story.leading_indicators.all()) == []
    assert Event.objects.count() == events
