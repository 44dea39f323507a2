"""Moves, ranks, versions and the writes behind them, through the services."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northline.lib.errors import Conflict, Forbidden, StaleVersion
from northline.orgs.models import Event
from northline.portfolio import services
from northline.portfolio.models import Epic, Story
from northline.portfolio.tests.conftest import Board
from northline.testing import Cast

pytestmark = pytest.mark.django_db


def refused(action) -> dict[str, str]:
    with pytest.raises(Conflict) as refusal:
        action()
    assert refusal.value.code == "move_refused"
    return refusal.value.fields


def unchanged(epic: Epic) -> None:
    fresh = Epic.objects.get(pk=epic.pk)
    assert (fresh.state, fresh.version, fresh.rank) == (epic.state, epic.version, epic.rank)


def test_it_moves_a_complete_epic_from_funnel_to_done(board: Board):
    epic = board.epic("Pay the permit fee online")
    for state in ("todo", "doing", "done"):
        epic = services.move_epic(board.access, epic, state=state)
        assert Epic.objects.get(pk=epic.pk).state == state
    assert Event.objects.filter(object_id=str(epic.pk), verb="moved").count() == 3


def test_it_refuses_todo_without_a_lagging_indicator_and_changes_nothing(board: Board):
    epic = board.epic("Mooring renewals", lagging=False)
    events = Event.objects.count()
    fields = refused(lambda: services.move_epic(board.access, epic, state="todo"))
    assert list(fields) == ["lagging_indicator"]
    unchanged(epic)
    assert Event.objects.count() == events


def test_it_refuses_todo_without_what_and_why(board: Board):
    epic = board.epic("Blank case", what="", why="")
    assert list(refused(lambda: services.move_epic(board.access, epic, state="todo"))) == [
        "business_case_what",
        "business_case_why",
    ]
    unchanged(epic)


def test_it_refuses_doing_without_wsjf_inputs_or_a_story(board: Board):
    epic = board.epic("Unscored", state="todo", wsjf=None, stories=0)
    fields = refused(lambda: services.move_epic(board.access, epic, state="doing"))
    assert list(fields) == ["wsjf_inputs", "has_story"]
    unchanged(epic)


def test_it_refuses_skipping_a_column_by_the_transition_rule(board: Board):
    epic = board.epic("Skipper")
    assert list(refused(lambda: services.move_epic(board.access, epic, state="doing"))) == [
        "transition"
    ]
    done = board.epic("Finished", state="done")
    assert "transition" in refused(
        lambda: services.move_epic(
            board.access, done, state="closed", close_reason="other", close_note="Late."
        )
    )
    unchanged(done)


def test_it_keeps_the_doing_wip_limit_counting_only_the_others(board: Board, cast: Cast):
    services.set_wip_limit(cast.owner_access, state="doing", limit=2)
    first = board.epic("First", state="doing")
    second = board.epic("Second", state="doing")
    third = board.epic("Third", state="todo")
    assert list(refused(lambda: services.move_epic(board.access, third, state="doing"))) == [
        "wip_limit"
    ]
    unchanged(third)
    # Re-ranking inside the full column is not a second entry.
    services.move_epic(board.access, second, state="doing", after_id=first.pk)
    # Room again once one leaves.
    services.move_epic(board.access, first, state="done")
    services.move_epic(board.access, third, state="doing")
    assert Epic.objects.filter(state="doing").count() == 2


def test_it_closes_only_with_a_reason_and_a_note(board: Board):
    epic = board.epic("Harbour kiosk", state="doing")
    assert list(refused(lambda: services.move_epic(board.access, epic, state="closed"))) == [
        "close_reason",
        "close_note",
    ]
    closed = services.move_epic(
        board.access,
        epic,
        state="closed",
        close_reason="outcome_not_achieved",
        close_note="Nobody used the kiosk.",
    )
    assert (closed.state, closed.close_reason) == ("closed", "outcome_not_achieved")


def test_it_refuses_a_stale_version_and_changes_nothing(board: Board):
    epic = board.epic("Versioned")
    read = epic.version
    services.update_epic(board.access, epic, version=read, title="Versioned twice")
    stale_copy = Epic.objects.get(pk=epic.pk)
    with pytest.raises(StaleVersion):
        services.move_epic(board.access, stale_copy, state="todo", version=read)
    with pytest.raises(StaleVersion):
        services.update_epic(board.access, stale_copy, version=read, title="Lost update")
    fresh = Epic.objects.get(pk=epic.pk)
    assert (fresh.title, fresh.state) == ("Versioned twice", "funnel")


def test_it_ranks_by_wsjf_until_placed_by_hand(board: Board):
    low = board.epic("Low", wsjf=(1, 1, 1, 3))  # 3 / 3 = 1.0
    high = board.epic("High", wsjf=(20, 20, 20, 3))  # 60 / 3 = 20.0
    unscored = board.epic("Unscored", wsjf=None)

    def order() -> list[str]:
        return list(Epic.objects.filter(state="funnel").values_list("title", flat=True))

    assert order() == ["High", "Low", "Unscored"]
    placed = services.move_epic(board.access, unscored, state="funnel", after_id=high.pk)
    assert placed.rank_is_manual
    assert order() == ["Unscored", "High", "Low"]
    # New WSJF inputs move a WSJF-ranked card, not a hand-placed one.
    low = services.update_epic(board.access, low, version=low.version, business_value=20)
    placed = services.update_epic(
        board.access,
        placed,
        version=placed.version,
        business_value=1,
        time_criticality=1,
        risk_reduction=1,
        job_size=20,
    )
    # Low is now (20 + 1 + 1) / 3 = 7.33, still below High; Unscored stays where it was put.
    assert order() == ["Unscored", "High", "Low"]
    services.reset_rank(board.access, Epic.objects.get(pk=placed.pk))
    assert order()[-1] == "Unscored"  # 3 / 20 = 0.15, the lowest


@pytest.mark.parametrize("size", [10, 50])
def test_it_re_ranks_one_card_with_one_update_whatever_the_column(board: Board, size: int):
    for number in range(size):
        Epic.objects.create(
            organization=board.access.organization,
            title=f"Card {number}",
            rank=f"{number + 1:03d}1",
        )
    cards = list(Epic.objects.order_by("rank", "id"))
    bottom = cards[-1]
    with CaptureQueriesContext(connection) as captured:
        services.move_epic(
            board.access, bottom, state="funnel", before_id=cards[0].pk, after_id=cards[1].pk
        )
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    # One UPDATE of the moved epic, one INSERT of its audit event, for 10 cards as for 50.
    assert len(updates) == 1 and '"portfolio_epic"' in updates[0]
    assert len(inserts) == 1 and '"orgs_event"' in inserts[0]
    titles = list(Epic.objects.values_list("title", flat=True)[:3])
    assert titles == ["Card 0", f"Card {size - 1}", "Card 1"]


def test_it_refuses_a_neighbour_from_another_column(board: Board):
    epic = board.epic("Mover")
    elsewhere = board.epic("Elsewhere", state="todo")
    with pytest.raises(Conflict) as refusal:
        services.move_epic(board.access, epic, state="funnel", before_id=elsewhere.pk)
    assert refusal.value.code == "stale_position"
    unchanged(epic)


def test_it_deletes_only_funnel_epics(board: Board):
    funnel = board.epic("Idea")
    services.delete_epic(board.access, funnel)
    assert not Epic.objects.filter(pk=funnel.pk).exists()
    todo = board.epic("Planned", state="todo")
    with pytest.raises(Conflict) as refusal:
        services.delete_epic(board.access, todo)
    assert refusal.value.code == "epic_not_in_funnel"


def test_it_lets_only_admins_set_wip_limits(cast: Cast):
    with pytest.raises(Forbidden):
        services.set_wip_limit(cast.access(cast.editor), state="doing", limit=3)
    limit = services.set_wip_limit(cast.access(cast.admin), state="doing", limit=3)
    assert limit is not None and limit.limit == 3
    assert services.set_wip_limit(cast.access(cast.admin), state="doing", limit=None) is None


def test_it_puts_stories_at_the_bottom_and_in_their_sprint_team(board: Board):
    epic = board.epic("Stories", stories=0)
    sprint = board.sprint(capacity=8)
    first = services.create_story(board.access, epic, title="Upload plans", estimate=5)
    second = services.create_story(board.access, epic, title="Pay", estimate=5, sprint=sprint)
    assert first.rank < second.rank
    assert second.team_id == board.team.pk
    from northline.portfolio.selectors import sprint_load

    load = sprint_load(board.access, sprint)
    assert (load.planned, load.capacity, load.over_capacity) == (5, 8, False)
    services.update_story(board.access, first, version=first.version, sprint=sprint.pk)
    load = sprint_load(board.access, sprint)
    # 5 + 5 = 10 planned against 8: a warning, not a refusal.
    assert (load.planned, load.over_capacity) == (10, True)
    moved = services.move_story(board.access, Story.objects.get(pk=first.pk), state="done")
    assert moved.state == "done"


def test_a_card_placed_where_another_already_sits_gets_its_own_rank(board: Board):
    # Three cards dropped one after another "at the top, above Last", each from a board that
    # does not show the cards placed there before it (a stale or filtered board; through two
    # servers at the same moment it is the same race): each would get the one key between
    # the start of the column and Last's rank.
    last = board.epic("Last")
    Epic.objects.filter(pk=last.pk).update(rank="5")
    movers = [board.epic(f"Mover {number}") for number in range(3)]
    for mover in movers:
        services.move_epic(board.access, mover, state="funnel", after_id=last.pk)

    ranks = dict(Epic.objects.values_list("title", "rank"))
    assert ranks["Mover 0"] == "2"  # key_between(None, "5"): the first one gets it as before
    assert len(set(ranks.values())) == len(ranks)
    # Each later one goes on top, as asked: above the card placed there before it.
    assert ranks["Mover 2"] < ranks["Mover 1"] < ranks["Mover 0"] < ranks["Last"]
