"""The portfolio API: refused moves answer 409 naming each rule, versions, lists and the
board in a constant number of queries, recommendations and their answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from northline.measures.models import Indicator, Reading
from northline.orgs.models import Event
from northline.portfolio import selectors
from northline.portfolio.models import Epic, Recommendation, Story
from northline.portfolio.tests.conftest import Board, readings
from northline.strategy.models import Decision
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

BASE = "/orgs/acme"


def test_it_refuses_todo_without_a_lagging_indicator_naming_the_rule(
    cast: Cast, board: Board, api_as
):
    epic = board.epic("Mooring renewals", lagging=False)
    editor = api_as(cast.editor)
    events = Event.objects.count()
    response = editor.post(
        f"{BASE}/epics/{epic.pk}/move", {"state": "todo", "version": epic.version}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "move_refused"
    assert list(error["fields"]) == ["lagging_indicator"]
    assert "lagging_indicator" in error["message"]
    assert "at least one lagging indicator" in error["message"]
    fresh = Epic.objects.get(pk=epic.pk)
    assert (fresh.state, fresh.version, fresh.rank) == ("funnel", epic.version, epic.rank)
    assert Event.objects.count() == events


def test_it_creates_an_epic_adds_its_case_and_walks_it_to_doing(cast: Cast, board: Board, api_as):
    editor = api_as(cast.editor)
    created = editor.post(
        f"{BASE}/epics",
        {
            "title": "Harbour dues online",
            "what": "Dues paid by card.",
            "why": "No cheques to chase.",
            "business_value": 8,
            "time_criticality": 5,
            "risk_reduction": 3,
            "job_size": 8,
            "team_id": board.team.pk,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["state"], body["cost_of_delay"], body["wsjf"]) == ("funnel", 16, 2.0)
    epic_url = f"{BASE}/epics/{body['id']}"
    today = timezone.localdate()
    indicator = editor.post(
        f"{epic_url}/lagging-indicators",
        {
            "name": "Dues paid online",
            "unit": "%",
            "baseline": 0,
            "target": 80,
            "start_date": str(today),
            "target_date": str(today + dt.timedelta(days=90)),
        },
    )
    assert indicator.status_code == 201, indicator.content
    assert indicator.json()["kind"] == "lagging"
    todo = editor.post(f"{epic_url}/move", {"state": "todo", "version": body["version"]})
    assert todo.status_code == 200, todo.content
    refused = editor.post(f"{epic_url}/move", {"state": "doing", "version": todo.json()["version"]})
    assert refused.status_code == 409
    assert list(refused.json()["error"]["fields"]) == ["has_story"]
    story = editor.post(f"{BASE}/stories", {"epic_id": body["id"], "title": "Pay", "estimate": 3})
    assert story.status_code == 201, story.content
    moved = editor.post(f"{epic_url}/move", {"state": "doing", "version": todo.json()["version"]})
    assert moved.status_code == 200, moved.content
    detail = editor.get(epic_url).json()
    assert (detail["state"], detail["points_total"], detail["remaining_wsjf"]) == ("doing", 3, 2.0)
    assert detail["lagging"][0]["name"] == "Dues paid online"
    assert "done" in detail["next_moves"]


def test_it_answers_409_to_a_stale_version_and_changes_nothing(cast: Cast, board: Board, api_as):
    epic = board.epic("Versioned")
    editor = api_as(cast.editor)
    first = editor.patch(f"{BASE}/epics/{epic.pk}", {"version": epic.version, "title": "New"})
    assert first.status_code == 200
    second = editor.patch(f"{BASE}/epics/{epic.pk}", {"version": epic.version, "title": "Lost"})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "stale_version"
    move = editor.post(f"{BASE}/epics/{epic.pk}/move", {"state": "todo", "version": epic.version})
    assert move.status_code == 409
    fresh = Epic.objects.get(pk=epic.pk)
    assert (fresh.title, fresh.state, fresh.version) == ("New", "funnel", epic.version + 1)


@pytest.mark.parametrize(
    ("kind", "card_on"),
    [
        ("epics", lambda board: board.epic("Quay booking", state="todo")),
        ("stories", lambda board: board.epic("Quay booking").stories.get()),
    ],
    ids=["epic", "story"],
)
def test_it_refuses_a_move_without_a_version_naming_it(
    cast: Cast, board: Board, api_as, kind: str, card_on: Callable[[Board], Epic | Story]
):
    card = card_on(board)
    editor = api_as(cast.editor)
    events = Event.objects.count()
    response = editor.post(f"{BASE}/{kind}/{card.pk}/move", {"state": "doing"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["version"]
    fresh = type(card).objects.get(pk=card.pk)
    assert (fresh.state, fresh.version) == ("todo", card.version)
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("kind", "card_on", "first_move", "stale_move", "kept"),
    [
        (
            "epics",
            lambda board: board.epic("Quay booking", state="todo"),
            {"state": "doing"},
            {"state": "closed", "close_reason": "other", "close_note": "Not now."},
            {"state": "doing", "close_note": ""},
        ),
        (
            "stories",
            lambda board: board.epic("Quay booking").stories.get(),
            {"state": "done"},
            {"state": "doing"},
            {"state": "done"},
        ),
    ],
    ids=["epic", "story"],
)
def test_it_refuses_a_move_after_someone_else_moved_the_card_and_changes_nothing(
    cast: Cast,
    board: Board,
    api_as,
    kind: str,
    card_on: Callable[[Board], Epic | Story],
    first_move: dict[str, str],
    stale_move: dict[str, str],
    kept: dict[str, str],
):
    card = card_on(board)
    seen = card.version
    first = api_as(cast.owner).post(
        f"{BASE}/{kind}/{card.pk}/move", {**first_move, "version": seen}
    )
    assert first.status_code == 200, first.content
    editor = api_as(cast.editor)
    events = Event.objects.count()
    second = editor.post(f"{BASE}/{kind}/{card.pk}/move", {**stale_move, "version": seen})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "stale_version"
    assert list(second.json()["error"]["fields"]) == ["version"]
    fresh = type(card).objects.get(pk=card.pk)
    assert {field: getattr(fresh, field) for field in kept} == kept
    assert fresh.version == seen + 1
    assert Event.objects.count() == events


def test_it_moves_an_epic_with_the_current_version(cast: Cast, board: Board, api_as):
    epic = board.epic("Quay booking", state="todo")
    moves = Event.objects.filter(verb="moved", object_repr="Quay booking")
    before = moves.count()
    response = api_as(cast.editor).post(
        f"{BASE}/epics/{epic.pk}/move", {"state": "doing", "version": epic.version}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["version"]) == ("doing", epic.version + 1)
    assert moves.count() == before + 1


def test_it_resets_a_rank_only_with_the_current_version(cast: Cast, board: Board, api_as):
    top = board.epic("Top", wsjf=(20, 20, 20, 1))
    placed = board.epic("Placed", wsjf=(1, 1, 1, 20))
    editor = api_as(cast.editor)
    moved = editor.post(
        f"{BASE}/epics/{placed.pk}/move",
        {"state": "funnel", "after_id": top.pk, "version": placed.version},
    )
    assert moved.json()["rank_is_manual"] is True
    url = f"{BASE}/epics/{placed.pk}/reset-rank"
    assert editor.post(url, {}).status_code == 422
    stale = editor.post(url, {"version": placed.version})
    assert stale.status_code == 409
    assert Epic.objects.get(pk=placed.pk).rank_is_manual is True
    reset = editor.post(url, {"version": placed.version + 1})
    assert reset.status_code == 200, reset.content
    assert (reset.json()["rank_is_manual"], reset.json()["version"]) == (False, placed.version + 2)


def test_it_moves_a_story_with_the_current_version(cast: Cast, board: Board, api_as):
    story = board.epic("Quay booking").stories.get()
    response = api_as(cast.editor).post(
        f"{BASE}/stories/{story.pk}/move", {"state": "doing", "version": story.version}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["version"]) == ("doing", story.version + 1)


def test_it_places_a_card_between_two_others(cast: Cast, board: Board, api_as):
    top = board.epic("Top", wsjf=(20, 20, 20, 1))
    bottom = board.epic("Bottom", wsjf=(1, 1, 1, 20))
    middle = board.epic("Middle", wsjf=None)
    response = api_as(cast.editor).post(
        f"{BASE}/epics/{middle.pk}/move",
        {"state": "funnel", "before_id": top.pk, "after_id": bottom.pk, "version": middle.version},
    )
    assert response.status_code == 200
    assert response.json()["rank_is_manual"] is True
    listed = api_as(cast.viewer).get(f"{BASE}/epics", state="funnel").json()
    assert [item["title"] for item in listed["items"]] == ["Top", "Middle", "Bottom"]
    by_wsjf = api_as(cast.viewer).get(f"{BASE}/epics", order="wsjf").json()
    assert [item["title"] for item in by_wsjf["items"]] == ["Top", "Bottom", "Middle"]


def test_it_deletes_only_in_the_funnel(cast: Cast, board: Board, api_as):
    todo = board.epic("Planned", state="todo")
    response = api_as(cast.editor).delete(f"{BASE}/epics/{todo.pk}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "epic_not_in_funnel"


def test_it_links_and_unlinks_a_lagging_indicator(cast: Cast, board: Board, api_as):
    epic = board.epic("Linked", lagging=False)
    other = board.epic("Other")
    indicator = other.lagging_indicators.get()
    editor = api_as(cast.editor)
    url = f"{BASE}/epics/{epic.pk}/lagging-indicators/{indicator.pk}"
    assert editor.put(url).status_code == 204
    listed = editor.get(f"{BASE}/epics/{epic.pk}/lagging-indicators", total="true").json()
    assert ([i["id"] for i in listed["items"]], listed["count"]) == ([indicator.pk], 1)
    assert editor.delete(url).status_code == 204
    assert editor.delete(url).status_code == 404


def test_it_sets_wip_limits_for_admins_only(cast: Cast, api_as):
    assert api_as(cast.editor).put(f"{BASE}/portfolio/wip-limits", {"doing": 3}).status_code == 403
    response = api_as(cast.admin).put(f"{BASE}/portfolio/wip-limits", {"doing": 3, "todo": 10})
    assert response.status_code == 200
    assert response.json() == {"funnel": None, "todo": 10, "doing": 3, "done": None, "closed": None}
    cleared = api_as(cast.admin).put(f"{BASE}/portfolio/wip-limits", {"todo": None}).json()
    assert (cleared["todo"], cleared["doing"]) == (None, 3)


def test_it_reports_sprint_load_against_capacity(cast: Cast, board: Board, api_as):
    editor = api_as(cast.editor)
    sprint = editor.post(
        f"{BASE}/sprints",
        {
            "team_id": board.team.pk,
            "name": "Sprint 4",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-13",
            "capacity": 8,
        },
    ).json()
    epic = board.epic("Sprinted", stories=0)
    for title in ("Upload", "Pay"):
        editor.post(
            f"{BASE}/stories",
            {"epic_id": epic.pk, "title": title, "estimate": 5, "sprint_id": sprint["id"]},
        )
    loaded = editor.get(f"{BASE}/sprints/{sprint['id']}").json()
    # 5 + 5 = 10 planned against a capacity of 8
    assert (loaded["planned_points"], loaded["over_capacity"]) == (10, True)


def test_it_lists_recommendations_and_answers_one_into_the_decision_log(
    cast: Cast, board: Board, api_as
):
    epic = board.epic("Self-service renewals", state="doing")
    readings(board.access, epic.lagging_indicators.get(), 10, 10, 10)
    listed = api_as(cast.viewer).get(f"{BASE}/recommendations").json()
    assert [item["kind"] for item in listed["items"]] == ["pivot_outcome_not_moving"]
    recommendation_id = listed["items"][0]["id"]
    answered = api_as(cast.editor).post(
        f"{BASE}/recommendations/{recommendation_id}/answer",
        {"answer": "pivot", "pivot_title": "Renewals by text message", "note": "Try texts."},
    )
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["recommendation"]["status"] == "answered"
    assert Epic.objects.get(pk=body["pivot_epic_id"]).pivoted_from_id == epic.pk
    decision = Decision.objects.get(pk=body["decision_id"])
    assert decision.topic == "portfolio"
    # Made by the person who answered.
    assert decision.made_by_person is not None
    assert (decision.made_by_person.name, decision.made_by_person.user) == ("Edith", cast.editor)
    assert api_as(cast.viewer).get(f"{BASE}/recommendations").json()["items"] == []
    everything = api_as(cast.viewer).get(f"{BASE}/recommendations", status="all").json()
    assert [(item["status"], item["answer"]) for item in everything["items"]] == [
        ("answered", "pivot")
    ]


def many_cards(board: Board, count: int) -> None:
    """``count`` epics spread over the columns, each with a lagging indicator, two readings
    and a story: every part of a card has rows behind it."""
    organization = board.access.organization
    states = ["funnel", "todo", "doing", "done", "closed"]
    start = Epic.objects.count()
    epics = Epic.objects.bulk_create(
        Epic(
            organization=organization,
            title=f"Card {start + number}",
            state=states[number % 5],
            close_reason="other" if states[number % 5] == "closed" else "",
            business_value=8,
            time_criticality=5,
            risk_reduction=3,
            job_size=8,
            team=board.team,
            rank=f"{start + number:06d}1",
        )
        for number in range(count)
    )
    today = timezone.localdate()
    indicators = Indicator.objects.bulk_create(
        Indicator(
            organization=organization,
            name=f"KPI {epic.pk}",
            kind="lagging",
            baseline=0,
            target=10,
            start_date=today - dt.timedelta(days=30),
            target_date=today + dt.timedelta(days=30),
        )
        for epic in epics
    )
    through = Epic.lagging_indicators.through
    through.objects.bulk_create(
        through(epic_id=epic.pk, indicator_id=indicator.pk)
        for epic, indicator in zip(epics, indicators, strict=True)
    )
    now = timezone.now()
    Reading.objects.bulk_create(
        Reading(organization=organization, indicator=indicator, value=value, recorded_at=now)
        for indicator in indicators
        for value in (1, 2)
    )
    Story.objects.bulk_create(
        Story(organization=organization, epic=epic, title="Story", estimate=3, rank="5")
        for epic in epics
    )


def test_it_lists_epics_in_a_constant_number_of_queries(cast: Cast, board: Board, api_as):
    many_cards(board, 10)
    viewer = api_as(cast.viewer)
    count = assert_queries_constant(
        lambda: viewer.get(f"{BASE}/epics", limit=200), lambda: many_cards(board, 40)
    )
    assert len(viewer.get(f"{BASE}/epics", limit=200).json()["items"]) == 50
    # token, membership, the page with its ids (no COUNT without total=true)
    assert count == 3


def test_it_reads_the_board_in_a_constant_number_of_queries(cast: Cast, board: Board):
    access = cast.access(cast.viewer)
    many_cards(board, 20)
    count = assert_queries_constant(lambda: selectors.board(access), lambda: many_cards(board, 80))
    # counts, limits, first pages, story points, lagging indicators, readings
    assert count == 6
    columns = {column.state: column for column in selectors.board(access)}
    assert [columns[state].count for state in ("funnel", "todo", "doing")] == [20, 20, 20]
    card = columns["doing"].cards[0]
    # 2 of 10 → progress 0.2, and two readings: moving, not stalled
    assert (card.story_points_total, card.stalled, card.team_name) == (3, False, "Permits Online")


def test_it_pages_a_column_by_cursor(cast: Cast, board: Board):
    access = cast.access(cast.viewer)
    many_cards(board, 25)  # five per column
    columns = {column.state: column for column in selectors.board(access, per_column=2)}
    todo = columns["todo"]
    assert (todo.count, len(todo.cards)) == (5, 2)
    assert todo.next_cursor is not None
    seen = [card.epic.title for card in todo.cards]
    cursor: str | None = todo.next_cursor
    while cursor:
        cards, cursor = selectors.column_page(access, "todo", after=cursor, limit=2)
        seen += [card.epic.title for card in cards]
    assert seen == list(
        Epic.objects.filter(state="todo").order_by("rank", "id").values_list("title", flat=True)
    )
    assert Recommendation.objects.count() == 0
