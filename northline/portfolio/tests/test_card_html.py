"""The board's cards as ``card_html`` writes them: escaped, and with a move form only for those
who may move."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from northline.portfolio import services
from northline.portfolio.tests.conftest import Board, indicator_fields, readings
from northline.testing import Cast, signed_in

HOSTILE = '<img src=x onerror="alert(1)"> & “Mooring”'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; “Mooring”"


def board_page(user) -> str:
    return signed_in(user).get(reverse("portfolio", args=["acme"])).content.decode()


def test_it_escapes_the_title_everywhere_a_card_writes_it(cast: Cast, board: Board):
    epic = board.epic(HOSTILE, state="todo")
    page = board_page(cast.editor)
    assert "<img src=x" not in page
    assert f'data-title="{ESCAPED}"' in page
    assert f'<a class="epic-title" href="/o/acme/portfolio/epics/{epic.pk}/">{ESCAPED}</a>' in page
    assert f'<span class="visually-hidden"> “{ESCAPED}”</span>' in page
    assert f'<label for="move-{epic.pk}" class="visually-hidden">Column for “{ESCAPED}”' in page
    assert f'aria-label="Up: rank “{ESCAPED}” higher"' in page
    assert f'aria-label="Down: rank “{ESCAPED}” lower"' in page


def test_a_writer_gets_the_move_form_with_the_cards_column_chosen(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online", state="doing")
    page = board_page(cast.editor)
    assert f'id="epic-{epic.pk}" data-epic-id="{epic.pk}" data-rank="{epic.rank}"' in page
    assert f'data-version="{epic.version}" data-state="doing"' in page
    assert 'draggable="true"' in page
    assert f'action="/o/acme/portfolio/epics/{epic.pk}/move/" data-move-form' in page
    assert f'<input type="hidden" name="version" value="{epic.version}">' in page
    assert 'name="csrfmiddlewaretoken" value="' in page
    assert '<input type="hidden" name="next" value="/o/acme/portfolio/">' in page
    assert (
        f'<select id="move-{epic.pk}" name="state"><option value="funnel">Funnel</option>'
        '<option value="todo">To do</option><option value="doing" selected>Doing</option>'
    ) in page


def test_a_viewer_sees_the_card_without_a_way_to_move_it(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online", state="doing")
    page = board_page(cast.viewer)
    assert f'<a class="epic-title" href="/o/acme/portfolio/epics/{epic.pk}/">' in page
    assert 'draggable="true"' not in page
    assert "/move/" not in page
    assert 'class="card-move"' not in page


def test_a_card_shows_its_wsjf_pace_and_points(cast: Cast, board: Board):
    # WSJF (8 + 5 + 3) / 13 = 1.23…, shown to one decimal. Its indicator's window opened 100
    # days ago and has no reading yet: not started.
    late = board.epic("Berth booking", state="todo", wsjf=(8, 5, 3, 13), stories=2)
    # An indicator whose window opens today waits for its first reading without being late.
    fresh = board.epic("Harbour dues", state="funnel", wsjf=None, stories=0, lagging=False)
    services.add_lagging_indicator(
        board.access, fresh, **indicator_fields("Dues paid online", start_date=timezone.localdate())
    )
    page = board_page(cast.viewer)
    assert "WSJF <strong>1.2</strong>" in page
    assert "WSJF <strong>—</strong>" in page
    assert (
        '<span class="badge pace pace-not_started" title="Lagging indicators">Not started</span>'
        in page
    )
    assert '<span class="badge pace pace-awaiting" title="Lagging indicators: ' in page
    assert ">No readings yet</span>" in page
    assert '<progress max="10" value="0" aria-label="Story points done">0 of 10</progress>' in page
    assert "<span>0/10 pts</span>" in page
    assert '<div class="story-progress muted">No stories</div>' in page
    assert '<span class="epic-team">Permits Online</span>' in page

    # Half the window gone and half the way there: on track.
    readings(board.access, late.lagging_indicators.get(), 50)
    page = board_page(cast.viewer)
    assert (
        '<span class="badge pace pace-on_track" title="Lagging indicators">On track</span>' in page
    )
    assert "pace-not_started" not in page
