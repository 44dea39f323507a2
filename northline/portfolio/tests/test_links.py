"""Linking an epic to the key results it drives from the epic page, and the choosers' endpoints."""

from __future__ import annotations

import pytest
from django.urls import reverse

from northline.goals import services as goals
from northline.goals.models import KeyResult
from northline.goals.tests.factories import period_around_today
from northline.orgs.access import Access
from northline.orgs.models import Event
from northline.portfolio import services
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


def key_results(access: Access, *titles: str, objective_title: str = "Decide faster") -> list:
    period = period_around_today(
        access, elapsed=50, remaining=50, name=f"Half of {objective_title}"
    )
    objective = goals.create_objective(access, title=objective_title, period=period)
    return [
        goals.create_key_result(access, objective, title=title, baseline=0, target=100)
        for title in titles
    ]


def epic_page(epic: Epic) -> str:
    return reverse("portfolio_epic", args=["acme", epic.pk])


def link_url(epic: Epic, verb: str = "link") -> str:
    return reverse(f"portfolio_key_result_{verb}", args=["acme", epic.pk])


def test_it_links_and_unlinks_a_key_result_from_the_epic_page(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    median, share = key_results(board.access, "Median days to decide", "Online share")
    editor = signed_in(cast.editor)
    page = editor.get(epic_page(epic)).content.decode()
    assert "Key results this epic drives" in page
    assert f'<option value="{median.pk}">Median days to decide (Decide faster)</option>' in page

    response = editor.post(link_url(epic), {"key_result": median.pk, "version": epic.version})

    assert response.status_code == 302
    assert response["Location"] == epic_page(epic) + "#key-results"
    assert list(epic.key_results.all()) == [median]
    event = Event.objects.filter(object_type="portfolio.epic", object_id=str(epic.pk)).latest("pk")
    assert event.changes == {"key_results": [[], [median.pk]]}
    page = editor.get(epic_page(epic)).content.decode()
    key_result_url = reverse("goals_key_result", args=["acme", median.pk])
    assert f'<a href="{key_result_url}">Median days to decide</a>' in page
    history = editor.get(reverse("object_history", args=["acme", "portfolio.epic", epic.pk]))
    assert "set the key results of epic" in history.content.decode()

    response = editor.post(
        link_url(epic, "unlink"), {"key_result": median.pk, "version": epic.version}
    )

    assert response.status_code == 302
    assert list(epic.key_results.all()) == []
    event = Event.objects.filter(object_type="portfolio.epic", object_id=str(epic.pk)).latest("pk")
    assert event.changes == {"key_results": [[median.pk], []]}
    assert share not in epic.key_results.all()


def test_it_refuses_a_key_result_of_another_organization_and_changes_nothing(
    cast: Cast, board: Board
):
    epic = board.epic("Mooring permits online")
    (theirs,) = key_results(cast.access(cast.outsider, cast.other_org), "Theirs")
    events = Event.objects.count()

    response = signed_in(cast.editor).post(
        link_url(epic), {"key_result": theirs.pk, "version": epic.version}
    )

    assert response.status_code == 404
    assert list(epic.key_results.all()) == []
    assert Event.objects.count() == events


def test_it_refuses_a_viewer_with_403(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")
    viewer = signed_in(cast.viewer)

    response = viewer.post(link_url(epic), {"key_result": median.pk, "version": epic.version})

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert list(epic.key_results.all()) == []
    assert "Link a key result" not in viewer.get(epic_page(epic)).content.decode()


def test_it_refuses_a_link_from_a_stale_page(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")

    response = signed_in(cast.editor).post(
        link_url(epic), {"key_result": median.pk, "version": epic.version - 1 or 99}
    )

    assert response.status_code == 409
    assert list(epic.key_results.all()) == []


def chooser_of(page: str) -> str:
    return page.split('id="link-key-result-choice"')[1].split("</select>")[0]


def test_it_asks_for_a_search_past_a_hundred_key_results(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    key_results(board.access, *(f"Result {number:03}" for number in range(101)))
    editor = signed_in(cast.editor)

    page = editor.get(epic_page(epic)).content.decode()
    assert chooser_of(page).count("<option value=") == 50
    assert "Too many to list" in page

    page = editor.get(epic_page(epic), {"q": "result 00"}).content.decode()
    assert chooser_of(page).count("<option value=") == 10  # Result 000 to Result 009
    assert "Result 009 (Decide faster)" in chooser_of(page)
    assert "Showing up to 50 matches of “result 00”" in page


def test_the_key_result_chooser_answers_twenty_matches_in_constant_queries(
    cast: Cast, board: Board
):
    key_results(board.access, *(f"Median {number:03}" for number in range(25)))
    viewer = signed_in(cast.viewer)
    url = reverse("portfolio_choose_key_results", args=["acme"])

    def ask() -> None:
        response = viewer.get(url, {"q": "median"})
        assert response.status_code == 200
        assert len(response.json()["matches"]) == 20

    assert_queries_constant(
        ask,
        lambda: key_results(
            board.access, *(f"Median {number}" for number in range(200, 260)), objective_title="B"
        ),
    )
    first = viewer.get(url, {"q": "median 00"}).json()["matches"][0]
    assert first == {
        "id": KeyResult.objects.get(title="Median 000").pk,
        "label": "Median 000 (Decide faster)",
    }
    assert signed_in(cast.outsider).get(url).status_code == 404


def test_the_epic_chooser_offers_open_epics_only(cast: Cast, board: Board):
    board.epic("Mooring permits online", state="todo")
    closed = board.epic("Fax gateway")
    services.move_epic(
        board.access,
        closed,
        state="closed",
        close_reason="duplicate",
        close_note="Same as another.",
    )
    url = reverse("portfolio_choose_epics", args=["acme"])
    labels = [match["label"] for match in signed_in(cast.viewer).get(url).json()["matches"]]
    assert labels == ["Mooring permits online"]
