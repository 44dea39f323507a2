"""The board's cards, written in Python rather than through a template per card.

A large organization's board draws some 200 cards. Through Django's template engine each card
took about half a millisecond (some 30 variable lookups, its move form's options, two URL
reversals): three quarters of the board's time, and the largest share of the load profile's CPU
(docs/benchmarks.md). Here a card is one f-string: every text is escaped as the template escaped
it (``lib.renderer.escaped``), the column options are written once per board, and the two links
are reversed once per board (:func:`northline.lib.routes.url_with_id`).
``tests/test_card_html.py`` holds the markup: escaping, the move form only for those who may
write, the selected column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from northline.lib.renderer import escaped as esc
from northline.lib.routes import url_with_id
from northline.measures.rules import AWAITING_LABEL, awaiting_rule
from northline.measures.templatetags.measures import pace_label
from northline.portfolio.selectors import Card


class CardWriter:
    """What every card of one board shares: its links, its column options and its move form's
    hidden fields, made once."""

    def __init__(
        self,
        *,
        slug: str,
        can_write: bool,
        here: str,
        csrf_input: str,
        states: Sequence[tuple[str, str]],
    ) -> None:
        self.page_url = url_with_id("portfolio_epic", kwarg="epic_id", slug=slug)
        self.move_url = url_with_id("portfolio_epic_move", kwarg="epic_id", slug=slug)
        self.can_write = can_write
        self.draggable = ' draggable="true"' if can_write else ""
        self.hidden = f'{csrf_input}<input type="hidden" name="next" value="{esc(here)}">'
        self.options = {
            chosen: "".join(
                f'<option value="{esc(value)}"{" selected" if value == chosen else ""}>'
                f"{esc(label)}</option>"
                for value, label in states
            )
            for chosen, _ in states
        }
        self.awaiting = (
            '<span class="badge pace pace-awaiting" title="Lagging indicators: '
            f'{esc(awaiting_rule())}">{esc(AWAITING_LABEL)}</span>'
        )

    def cards(self, cards: Iterable[Card]) -> SafeString:
        return mark_safe("".join(self.card(card) for card in cards))  # noqa: S308 - escaped

    def card(self, card: Card) -> str:
        epic = card.epic
        pk = epic.pk
        title = esc(epic.title)
        wsjf = "—" if card.wsjf is None else esc(str(floatformat(card.wsjf, "-1")))
        manual = (
            '<span class="badge manual" title="Placed by hand, not in WSJF order">manual</span>'
            if epic.rank_is_manual
            else ""
        )
        if card.indicator_pace:
            pace = (
                f'<span class="badge pace pace-{esc(card.indicator_pace)}" '
                f'title="Lagging indicators">{esc(pace_label(card.indicator_pace))}</span>'
            )
        else:
            pace = self.awaiting if card.awaiting_readings else ""
        stalled = (
            '<span class="badge stalled" title="A lagging indicator has not moved">'
            "Not moving</span>"
            if card.stalled
            else ""
        )
        done, total = card.story_points_done, card.story_points_total
        if total:
            progress = (
                '\n  <div class="story-progress" title="Story points done of all">\n'
                f'    <progress max="{total}" value="{done}" aria-label="Story points done">'
                f"{done} of {total}</progress>\n"
                f"    <span>{done}/{total} pts</span>\n"
                "  </div>\n  "
            )
        else:
            progress = '\n  <div class="story-progress muted">No stories</div>'
        team = f'<span class="epic-team">{esc(card.team_name)}</span>' if card.team_name else ""
        return (
            f'<li class="epic-card" id="epic-{pk}" data-epic-id="{pk}" '
            f'data-rank="{esc(epic.rank)}" data-version="{epic.version}" '
            f'data-state="{esc(epic.state)}" data-title="{title}"'
            f"{self.draggable}>\n"
            f'  <a class="epic-title" href="{self.page_url(pk)}">{title}</a>\n'
            '  <div class="epic-meta">\n'
            '    <span class="wsjf" title="Weighted shortest job first">WSJF '
            f"<strong>{wsjf}</strong></span>\n"
            f"    {manual}\n"
            f"    {pace}\n"
            f"    {stalled}\n"
            f"  </div>\n  {progress}\n"
            f"  {team}\n"
            f"  {self.move_form(card, title) if self.can_write else ''}\n"
            "</li>\n"
        )

    def move_form(self, card: Card, title: str) -> str:
        epic = card.epic
        pk = epic.pk
        return (
            '\n  <details class="card-move">\n'
            f'    <summary>Move<span class="visually-hidden"> “{title}”</span></summary>\n'
            f'    <form method="post" action="{self.move_url(pk)}" data-move-form>\n'
            f'      {self.hidden}<input type="hidden" name="version" value="{epic.version}">\n'
            f'      <label for="move-{pk}" class="visually-hidden">Column for “{title}”</label>\n'
            f'      <select id="move-{pk}" name="state">{self.options.get(epic.state, "")}'
            "</select>\n"
            '      <button type="submit" class="button small">Move</button>\n'
            '      <button type="submit" class="button small" name="direction" value="up" '
            f'aria-label="Up: rank “{title}” higher">↑ Up</button>\n'
            '      <button type="submit" class="button small" name="direction" value="down" '
            f'aria-label="Down: rank “{title}” lower">↓ Down</button>\n'
            "    </form>\n"
            "  </details>\n  "
        )
