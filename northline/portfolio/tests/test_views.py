"""The portfolio pages for each user who may and who may not; moves from the board's forms."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from northline.orgs.models import Event
from northline.portfolio import services
from northline.portfolio.models import Epic, Recommendation, Sprint, Story
from northline.portfolio.tests.conftest import Board, indicator_fields, readings
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture
def records(board: Board) -> dict:
    epic = board.epic("Mooring permits online", state="todo")
    story = epic.stories.get()
    sprint = board.sprint(capacity=20)
    indicator = epic.lagging_indicators.get()
    return {"epic": epic, "story": story, "sprint": sprint, "indicator": indicator}


# Who may see what --------------------------------------------------------------------------
# Every page for the anonymous visitor, an outsider, a viewer's writes and each member's reads:
# the generated walk, northline/tests/test_views_walk.py.


def test_it_answers_404_for_an_epic_of_another_organization(cast: Cast, records):
    elsewhere = cast.access(cast.outsider, cast.other_org)
    theirs = services.create_epic(elsewhere, title="Theirs")
    owner = signed_in(cast.owner)
    assert owner.get(reverse("portfolio_epic", args=["acme", theirs.pk])).status_code == 404
    response = owner.post(
        reverse("portfolio_epic_move", args=["acme", theirs.pk]), {"state": "todo"}
    )
    assert response.status_code == 404


def test_it_answers_403_to_a_viewers_drag_and_changes_nothing(cast: Cast, records):
    viewer = signed_in(cast.viewer)
    events_before = Event.objects.count()
    # The board's drag is refused as the plain move form is (the walk posts that one).
    response = viewer.post(
        reverse("portfolio_epic_move", args=["acme", records["epic"].pk]),
        {"state": "doing"},
        headers=FETCH,
    )
    assert response.status_code == 403
    assert Event.objects.count() == events_before
    assert Epic.objects.get(pk=records["epic"].pk).state == "todo"


def test_it_shows_the_viewer_no_move_controls(cast: Cast, records):
    page = signed_in(cast.viewer).get(reverse("portfolio", args=["acme"])).content.decode()
    assert "Mooring permits online" in page
    assert 'draggable="true"' not in page
    assert "data-move-form" not in page


def test_it_lets_only_admins_edit_the_wip_limits(cast: Cast, records):
    url = reverse("portfolio_wip_limits", args=["acme"])
    assert (
        "WIP limits"
        not in signed_in(cast.editor).get(reverse("portfolio", args=["acme"])).content.decode()
    )
    assert signed_in(cast.editor).post(url, {"doing": 2}).status_code == 403
    response = signed_in(cast.admin).post(url, {"doing": 2})
    assert response.status_code == 302
    page = signed_in(cast.admin).get(reverse("portfolio", args=["acme"])).content.decode()
    assert 'data-limit="2"' in page


# The board ---------------------------------------------------------------------------------


def test_it_flags_a_column_over_its_wip_limit(cast: Cast, board: Board):
    board.epic("One", state="doing")
    board.epic("Two", state="doing")
    # A limit set below what the column already holds: the column shows it is over.
    services.set_wip_limit(board.access, state="doing", limit=1)
    page = signed_in(cast.viewer).get(reverse("portfolio", args=["acme"])).content.decode()
    assert 'class="board-column over-limit"' in page
    assert 'data-column="doing" data-count="2" data-limit="1"' in page


def test_it_filters_the_board_by_team(cast: Cast, board: Board):
    from northline.orgs import services as org_services

    other = org_services.create_team(board.access, name="Harbour Ops", kind="product")
    board.epic("Ours")
    services.create_epic(board.access, title="Theirs", team=other)
    url = reverse("portfolio", args=["acme"])
    page = signed_in(cast.viewer).get(url, {"team": other.pk}).content.decode()
    assert "Theirs" in page
    assert "Ours" not in page
    assert "Clear filters" in page


def test_it_refuses_a_move_with_409_naming_every_rule_and_changes_nothing(cast: Cast, board: Board):
    epic = board.epic("No case yet", what="", why="", lagging=False, stories=0)
    events_before = Event.objects.count()
    response = signed_in(cast.editor).post(
        reverse("portfolio_epic_move", args=["acme", epic.pk]),
        {"state": "todo", "version": epic.version},
        headers=FETCH,
    )
    assert response.status_code == 409
    error = json.loads(response.content)["error"]
    assert error["code"] == "move_refused"
    assert set(error["fields"]) == {"business_case_what", "business_case_why", "lagging_indicator"}
    assert Epic.objects.get(pk=epic.pk).state == "funnel"
    assert Epic.objects.get(pk=epic.pk).version == epic.version
    assert Event.objects.count() == events_before


def test_it_moves_a_card_by_drag_and_answers_json(cast: Cast, board: Board):
    ready = board.epic("Ready to start", state="todo")
    first = board.epic("Already going", state="doing")
    response = signed_in(cast.editor).post(
        reverse("portfolio_epic_move", args=["acme", ready.pk]),
        {"state": "doing", "before_id": first.pk, "version": ready.version},
        headers=FETCH,
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert (answer["epic"]["state"], answer["epic"]["version"]) == ("doing", ready.version + 1)
    assert answer["epic"]["rank_is_manual"] is True
    moved = Epic.objects.get(pk=ready.pk)
    assert moved.state == "doing"
    assert moved.rank > Epic.objects.get(pk=first.pk).rank


def test_it_moves_with_the_plain_form_and_shows_refusals_as_a_message(cast: Cast, board: Board):
    ready = board.epic("Ready to start", state="todo")
    incomplete = board.epic("Half written", why="", lagging=False)
    editor = signed_in(cast.editor)
    url = reverse("portfolio", args=["acme"])
    response = editor.post(
        reverse("portfolio_epic_move", args=["acme", ready.pk]),
        {"state": "doing", "next": url, "version": ready.version},
        follow=True,
    )
    assert Epic.objects.get(pk=ready.pk).state == "doing"
    assert "Moved “Ready to start” to Doing." in response.content.decode()
    response = editor.post(
        reverse("portfolio_epic_move", args=["acme", incomplete.pk]),
        {"state": "todo", "next": url, "version": incomplete.version},
        follow=True,
    )
    page = response.content.decode()
    assert "“Half written” was not moved." in page
    assert "lagging indicator" in page
    assert Epic.objects.get(pk=incomplete.pk).state == "funnel"


def test_it_refuses_a_drag_from_a_stale_board_and_changes_nothing(cast: Cast, board: Board):
    card = board.epic("Ready to start", state="todo")
    seen = card.version
    services.move_epic(board.access, card, state="doing", version=seen)
    editor = signed_in(cast.editor)
    events_before = Event.objects.count()
    response = editor.post(
        reverse("portfolio_epic_move", args=["acme", card.pk]),
        {"state": "funnel", "version": seen},
        headers=FETCH,
    )
    assert response.status_code == 409
    error = json.loads(response.content)["error"]
    assert error["code"] == "stale_version"
    assert "changed by someone else" in error["message"]
    fresh = Epic.objects.get(pk=card.pk)
    assert (fresh.state, fresh.version) == ("doing", seen + 1)
    assert Event.objects.count() == events_before
    missing = editor.post(
        reverse("portfolio_epic_move", args=["acme", card.pk]), {"state": "todo"}, headers=FETCH
    )
    assert missing.status_code == 422
    assert list(json.loads(missing.content)["error"]["fields"]) == ["version"]
    assert Epic.objects.get(pk=card.pk).version == seen + 1


def test_it_refuses_a_story_state_from_a_stale_page(cast: Cast, records):
    story = records["story"]
    seen = story.version
    services.move_story(cast.owner_access, story, state="doing", version=seen)
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("portfolio_story_move", args=["acme", story.pk]),
        {"state": "done", "version": seen},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    fresh = Story.objects.get(pk=story.pk)
    assert (fresh.state, fresh.version) == ("doing", seen + 1)


def test_it_sends_the_version_with_every_move_control(cast: Cast, records):
    epic, story = records["epic"], records["story"]
    editor = signed_in(cast.editor)
    board_page = editor.get(reverse("portfolio", args=["acme"])).content.decode()
    assert f'<input type="hidden" name="version" value="{epic.version}">' in board_page
    epic_page = editor.get(reverse("portfolio_epic", args=["acme", epic.pk])).content.decode()
    assert f'<input type="hidden" name="version" value="{story.version}">' in epic_page
    story_page = editor.get(reverse("portfolio_story", args=["acme", story.pk])).content.decode()
    assert f'<input type="hidden" name="version" value="{story.version}">' in story_page


def test_it_reranks_one_step_up_and_down_with_the_keyboard_buttons(cast: Cast, board: Board):
    top = board.epic("Top", wsjf=(20, 20, 20, 1))
    middle = board.epic("Middle", wsjf=(8, 8, 8, 8))
    bottom = board.epic("Bottom", wsjf=(1, 1, 1, 20))
    editor = signed_in(cast.editor)

    def order() -> list[str]:
        return list(
            Epic.objects.filter(state="funnel")
            .order_by("rank", "id")
            .values_list("title", flat=True)
        )

    def step(epic: Epic, direction: str) -> int:
        """One press of the card's button, carrying the version the board shows."""
        version = Epic.objects.get(pk=epic.pk).version
        url = reverse("portfolio_epic_move", args=["acme", epic.pk])
        return editor.post(url, {"direction": direction, "version": version}).status_code

    assert order() == ["Top", "Middle", "Bottom"]
    assert step(bottom, "up") == 302
    assert order() == ["Top", "Bottom", "Middle"]
    step(bottom, "up")
    assert order() == ["Bottom", "Top", "Middle"]
    # Already first: nothing to do, nothing written.
    version = Epic.objects.get(pk=bottom.pk).version
    step(bottom, "up")
    assert Epic.objects.get(pk=bottom.pk).version == version
    step(top, "down")
    assert order() == ["Bottom", "Middle", "Top"]
    assert Epic.objects.get(pk=bottom.pk).rank_is_manual
    assert not Epic.objects.get(pk=middle.pk).rank_is_manual
    page = editor.get(
        reverse("portfolio_backlog", args=["acme"]), {"order": "rank"}
    ).content.decode()
    assert page.index(">Bottom</a>") < page.index(">Middle</a>") < page.index(">Top</a>")
    assert page.count(">manual<") == 2


def test_it_asks_for_a_reason_before_closing_from_the_plain_board_form(cast: Cast, board: Board):
    epic = board.epic("To close")
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("portfolio_epic_move", args=["acme", epic.pk]),
        {"state": "closed", "version": epic.version},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/epics/{epic.pk}/#close-epic")
    assert Epic.objects.get(pk=epic.pk).state == "funnel"
    response = editor.post(
        reverse("portfolio_epic_close", args=["acme", epic.pk]),
        {
            "close_reason": "duplicate",
            "close_note": "Same as the harbour one.",
            "version": epic.version,
        },
    )
    assert response.status_code == 302
    closed = Epic.objects.get(pk=epic.pk)
    assert (closed.state, closed.close_reason) == ("closed", "duplicate")


def test_it_closes_through_the_board_dialog_with_reason_and_note(cast: Cast, board: Board):
    epic = board.epic("To close")
    response = signed_in(cast.editor).post(
        reverse("portfolio_epic_move", args=["acme", epic.pk]),
        {"state": "closed", "close_reason": "", "close_note": "", "version": epic.version},
        headers=FETCH,
    )
    assert response.status_code == 409
    assert set(json.loads(response.content)["error"]["fields"]) == {"close_reason", "close_note"}
    response = signed_in(cast.editor).post(
        reverse("portfolio_epic_move", args=["acme", epic.pk]),
        {
            "state": "closed",
            "close_reason": "other",
            "close_note": "Not needed.",
            "version": epic.version,
        },
        headers=FETCH,
    )
    assert response.status_code == 200
    assert Epic.objects.get(pk=epic.pk).close_note == "Not needed."


# Epics, stories, sprints -------------------------------------------------------------------


def test_it_creates_an_epic_and_shows_its_business_case(cast: Cast, board: Board):
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("portfolio_epic_new", args=["acme"]),
        {"title": "Harbour dues online", "what": "Pay **dues** online.", "business_value": "8"},
    )
    epic = Epic.objects.get(title="Harbour dues online")
    assert response["Location"] == reverse("portfolio_epic", args=["acme", epic.pk])
    assert epic.business_value == 8
    page = editor.get(response["Location"]).content.decode()
    assert "<strong>dues</strong>" in page
    assert "Not written yet" in page  # why
    assert reverse("object_history", args=["acme", "portfolio.epic", epic.pk]) in page


def test_it_refuses_a_stale_edit_and_saves_nothing(cast: Cast, records):
    epic = records["epic"]
    editor = signed_in(cast.editor)
    url = reverse("portfolio_epic", args=["acme", epic.pk])
    seen = epic.version
    services.update_epic(cast.owner_access, epic, version=seen, title="Changed meanwhile")
    response = editor.post(url, {"title": "My title", "version": seen})
    assert response.status_code == 409
    assert "changed" in response.content.decode().lower()
    assert Epic.objects.get(pk=epic.pk).title == "Changed meanwhile"


def test_it_shows_the_wsjf_breakdown(cast: Cast, board: Board):
    epic = board.epic("Scored", wsjf=(8, 5, 3, 8))
    page = (
        signed_in(cast.viewer)
        .get(reverse("portfolio_epic", args=["acme", epic.pk]))
        .content.decode()
    )
    # 8 + 5 + 3 = 16; 16 / 8 = 2
    assert (
        '<tr class="total"><th scope="row">Cost of delay</th><td class="num">16</td></tr>' in page
    )
    assert '<tr class="total"><th scope="row">WSJF</th><td class="num">2</td></tr>' in page


def test_it_adds_edits_and_moves_a_story(cast: Cast, records):
    epic = records["epic"]
    editor = signed_in(cast.editor)
    response = editor.post(
        reverse("portfolio_story_new", args=["acme", epic.pk]),
        {"title": "Upload the hull papers", "estimate": 3, "sprint": records["sprint"].pk},
    )
    assert response.status_code == 302
    story = epic.stories.get(title="Upload the hull papers")
    response = editor.post(
        reverse("portfolio_story", args=["acme", story.pk]),
        {
            f"s{story.pk}-title": "Upload hull papers",
            f"s{story.pk}-estimate": 5,
            f"s{story.pk}-version": story.version,
        },
    )
    assert response.status_code == 302
    story.refresh_from_db()
    editor.post(
        reverse("portfolio_story_move", args=["acme", story.pk]),
        {"state": "done", "version": story.version},
    )
    story.refresh_from_db()
    assert (story.title, story.estimate, story.state) == ("Upload hull papers", 5, "done")


def test_it_warns_when_a_sprint_is_planned_over_capacity(cast: Cast, records, board: Board):
    sprint: Sprint = records["sprint"]
    for number in range(5):
        services.create_story(
            board.access, records["epic"], title=f"S{number}", estimate=5, sprint=sprint
        )
    page = (
        signed_in(cast.viewer)
        .get(reverse("portfolio_sprint", args=["acme", sprint.pk]))
        .content.decode()
    )
    assert "25 / 20 points planned" in page
    assert "exceed the capacity" in page
    listing = (
        signed_in(cast.viewer).get(reverse("portfolio_sprints", args=["acme"])).content.decode()
    )
    assert "Over capacity" in listing


def test_it_creates_a_sprint(cast: Cast, board: Board):
    response = signed_in(cast.editor).post(
        reverse("portfolio_sprints", args=["acme"]),
        {
            "team": board.team.pk,
            "name": "Sprint 9",
            "starts_on": "2026-04-01",
            "ends_on": "2026-03-01",
            "capacity": 10,
        },
    )
    assert response.status_code == 422
    assert not Sprint.objects.filter(name="Sprint 9").exists()


# Feedback ----------------------------------------------------------------------------------


def test_it_answers_a_close_recommendation_into_the_decision_log(cast: Cast, board: Board):
    # A doing epic mostly done, against a fresh candidate with a higher WSJF waiting in todo.
    going = board.epic("Going slowly", state="doing", wsjf=(1, 1, 1, 13))
    board.epic("Better next", state="todo", wsjf=(20, 20, 20, 1))
    recommendation = Recommendation.objects.get(epic=going, status="open")
    editor = signed_in(cast.editor)
    page = editor.get(reverse("portfolio_feedback", args=["acme"])).content.decode()
    assert "Better next" in page
    page = editor.get(reverse("portfolio_epic", args=["acme", going.pk])).content.decode()
    assert "Remaining WSJF of this epic" in page
    prefix = f"r{recommendation.pk}"
    response = editor.post(
        reverse("portfolio_answer", args=["acme", recommendation.pk]),
        {
            f"{prefix}-answer": "close",
            f"{prefix}-note": "Better next wins.",
            f"{prefix}-close_reason": "lower_return",
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == "answered"
    assert Epic.objects.get(pk=going.pk).state == "closed"
    page = editor.get(reverse("portfolio_feedback", args=["acme"])).content.decode()
    assert reverse("strategy_decision", args=["acme", recommendation.decision_id]) in page


def test_it_keeps_the_answer_form_with_the_reason_when_keep_has_no_note(cast: Cast, board: Board):
    going = board.epic("Going slowly", state="doing", wsjf=(1, 1, 1, 13))
    board.epic("Better next", state="todo", wsjf=(20, 20, 20, 1))
    recommendation = Recommendation.objects.get(epic=going, status="open")
    response = signed_in(cast.editor).post(
        reverse("portfolio_answer", args=["acme", recommendation.pk]),
        {f"r{recommendation.pk}-answer": "keep"},
    )
    assert response.status_code == 422
    assert "needs a note" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == "open"


def test_it_puts_a_card_back_in_wsjf_order_only_from_a_current_page(cast: Cast, board: Board):
    top = board.epic("Top", wsjf=(20, 20, 20, 1))
    placed = board.epic("Placed", wsjf=(1, 1, 1, 20))
    placed = services.move_epic(
        board.access, placed, state="funnel", after_id=top.pk, version=placed.version
    )
    editor = signed_in(cast.editor)
    page = editor.get(reverse("portfolio_epic", args=["acme", placed.pk])).content.decode()
    assert f'<input type="hidden" name="version" value="{placed.version}"><button' in page
    url = reverse("portfolio_epic_reset_rank", args=["acme", placed.pk])
    stale = editor.post(url, {"version": placed.version - 1}, follow=True)
    assert "changed by someone else" in stale.content.decode()
    assert Epic.objects.get(pk=placed.pk).rank_is_manual is True
    editor.post(url, {"version": placed.version})
    fresh = Epic.objects.get(pk=placed.pk)
    assert (fresh.rank_is_manual, fresh.version) == (False, placed.version + 1)


# A new epic's measures --------------------------------------------------------------------


def test_a_new_epic_says_no_readings_yet_until_its_first_reading(cast: Cast, board: Board):
    """DESIGN §2.2 calls a measure with no reading on track for its first week (nothing is late
    yet); the pages say "No readings yet" instead of a pace nobody measured."""
    epic = board.epic("Harbour dues online", lagging=False)
    today = timezone.localdate()
    indicator = services.add_lagging_indicator(
        board.access,
        epic,
        **indicator_fields(
            "Dues paid online",
            start_date=today,
            target_date=today + dt.timedelta(days=90),
        ),
    )
    viewer = signed_in(cast.viewer)
    epic_url = reverse("portfolio_epic", args=["acme", epic.pk])
    board_url = reverse("portfolio", args=["acme"])

    def card(page: str) -> str:
        start = page.index(f'id="epic-{epic.pk}"')
        return page[start : page.index("</li>", start)]

    page = viewer.get(epic_url).content.decode()
    assert 'class="badge pace pace-awaiting"' in page
    assert ">No readings yet<" in page
    assert ">On track<" not in page
    on_board = card(viewer.get(board_url).content.decode())
    assert ">No readings yet<" in on_board and "On track" not in on_board

    readings(board.access, indicator, 5)
    page = viewer.get(epic_url).content.decode()
    assert ">No readings yet<" not in page
    assert 'class="badge pace pace-on_track"' in page
    on_board = card(viewer.get(board_url).content.decode())
    assert ">On track<" in on_board and "No readings yet" not in on_board
