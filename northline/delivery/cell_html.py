"""The dependency matrix's cells, an impact's risk in words and its acknowledge block, written
in Python rather than through a template include each.

A page of the matrix holds some 150 cells, each with its details, its risk in words twice and,
for an impactee, the acknowledge block: through three nested includes that was about half a
millisecond a cell, most of the matrix's rendering. Every text is escaped (``lib.renderer``) as the
templates escaped it and dates are formatted by Django's ``date`` filter in the current time
zone, as the templates formatted them. The feature's and a team's pages draw the same risk and
acknowledge block (``delivery/_risk.html`` and ``delivery/_ack.html`` call these), so each is
written once. ``tests/test_cell_html.py`` holds the markup.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any, Protocol

from django.template.defaultfilters import truncatewords
from django.utils.safestring import SafeString, mark_safe

from northline.delivery.models import Feature, Impact
from northline.delivery.selectors import Cell
from northline.lib.renderer import csrf_field
from northline.lib.renderer import escaped as esc
from northline.lib.routes import url_with_id
from northline.lib.text import in_local_time


class Judged(Protocol):
    """An impact with its risk: a matrix cell, or a row of a team's or a feature's page."""

    @property
    def impact(self) -> Impact: ...
    @property
    def risk(self) -> str: ...
    @property
    def acknowledged(self) -> bool: ...
    @property
    def lead_time(self) -> int: ...


def risk_words(cell: Judged) -> tuple[str, str]:
    """An impact's risk as its cell's short label and in words."""
    if cell.impact.role == "impactor":
        return "Impactor", "causes the change"
    if cell.risk == "late":
        if cell.acknowledged:
            return "Late ✓", "late notice, acknowledged"
        return "Late", "late notice"
    if cell.risk == "at_risk":
        return "At risk", "at risk: not acknowledged, lead time run out"
    if cell.risk == "unacknowledged":
        return "Waiting", "not acknowledged yet"
    return "Impactee ✓", "acknowledged"


def risk_html(cell: Judged) -> str:
    """The risk of an impact in words."""
    return f'<span class="risk-text">{risk_words(cell)[1]}</span>'


class CellWriter:
    """What every cell and acknowledge block of one page shares, made once: the links, the
    teams the caller may acknowledge for, the page to come back to, the outcome of the last
    acknowledgement (``views.ack_context``) and the form's CSRF field."""

    def __init__(self, context: Any) -> None:
        slug = context["org"].slug
        self.feature_url = url_with_id("delivery_feature", kwarg="feature_id", slug=slug)
        self.team_url = url_with_id("delivery_team", kwarg="team_id", slug=slug)
        self.acknowledge_url = url_with_id("delivery_acknowledge", kwarg="impact_id", slug=slug)
        self.ack_teams: Container[int] = context.get("ack_teams") or ()
        self.ack_next = esc(context.get("ack_next", ""))
        self.just_acknowledged = context.get("just_acknowledged")
        self.just_changed = context.get("just_changed")
        self.csrf_input = csrf_field(context)

    def ack(self, cell: Judged, *, small: bool = False) -> str:
        """An impactee's acknowledgement: who and when, or the button for those who may, and
        the outcome of the last try beside it."""
        impact = cell.impact
        parts = ['<div class="ack" data-ack>']
        if self.just_acknowledged == impact.pk and cell.acknowledged:
            if cell.risk == "late":
                outcome = (
                    ", but late: the notice came with fewer days left than the "
                    f"{cell.lead_time} days {esc(impact.team.name)} needs."
                )
            else:
                outcome = " in time."
            parts.append(
                '<p class="ack-done" role="status" tabindex="-1" data-ack-outcome>'
                f'<span aria-hidden="true">✓</span> Acknowledged{outcome}</p>'
            )
        if cell.acknowledged:
            person = impact.acknowledged_by
            name = (person.get_full_name() or person.get_username()) if person else ""
            parts.append(
                '<p class="acknowledged"><span aria-hidden="true">✓</span> Acknowledged by '
                f"{esc(name)} on {esc(in_local_time(impact.acknowledged_at, 'j M Y, H:i'))}</p>"
            )
        elif impact.team_id in self.ack_teams:
            if self.just_changed == impact.pk:
                parts.append(
                    '<p class="ack-refused" role="alert" tabindex="-1" data-ack-outcome>'
                    "Not acknowledged: this impact changed since the page was opened. Read it "
                    "again, then acknowledge.</p>"
                )
            parts.append(
                f'<form method="post" action="{self.acknowledge_url(impact.pk)}">'
                f"{self.csrf_input}"
                f'<input type="hidden" name="next" value="{self.ack_next}">'
                f'<input type="hidden" name="version" value="{impact.version}">'
                f'<button type="submit" class="button primary{" small" if small else ""}">'
                'Acknowledge<span class="visually-hidden"> '
                f"“{esc(impact.feature.title)}” for {esc(impact.team.name)}</span></button>"
                ' <span class="muted small">We have read it and will be ready.</span></form>'
            )
        else:
            parts.append(
                '<p class="muted small">Not acknowledged yet. A member of '
                f"{esc(impact.team.name)} (or an admin) acknowledges.</p>"
            )
        parts.append("</div>")
        return "\n".join(parts)

    def row(self, feature: Feature, cells: Sequence[Cell | None]) -> SafeString:
        """A feature's cells, one ``<td>`` per team column (empty where it has no impact)."""
        return mark_safe(  # noqa: S308 - every text in the cells is escaped
            "".join(f"<td>{self.cell(cell, feature) if cell else ''}</td>" for cell in cells)
        )

    def cell(self, cell: Cell, feature: Feature) -> str:
        """One matrix cell: a short label in colour and words; the details open without
        JavaScript."""
        impact = cell.impact
        team = impact.team
        team_name = esc(team.name)
        title = esc(feature.title)
        tone = "impactor" if cell.role == "impactor" else esc(cell.risk)
        label = risk_words(cell)[0]
        risk = risk_html(cell)
        opened = impact.pk in (self.just_acknowledged, self.just_changed)
        parts = [
            f'<details class="cell-pop" data-cell id="impact-{impact.pk}"'
            f"{' open' if opened else ''}>",
            f'<summary class="cell cell-{tone}"><span aria-hidden="true">{label}</span>'
            f'<span class="visually-hidden">{team_name}: {risk}</span></summary>',
            f'<div class="pop" role="group" aria-label="{title} and {team_name}">',
            f'<p class="pop-title"><strong>{title}</strong> → {team_name}</p>',
            f'<p class="badge cell-{tone}">{esc(impact.get_role_display())} · {risk}</p>',
        ]
        if impact.what_changes:
            parts.append(
                '<p><span class="muted">What changes:</span> '
                f"{esc(truncatewords(impact.what_changes, 30))}</p>"
            )
        if impact.what_is_needed:
            parts.append(
                '<p><span class="muted">Needs:</span> '
                f"{esc(truncatewords(impact.what_is_needed, 30))}</p>"
            )
        if cell.role == "impactee":
            left = f"{cell.days_left} days left; " if cell.days_left is not None else ""
            parts.append(f"<p>{left}lead time {cell.lead_time} days.</p>")
            notice = cell.latest_notice
            if notice:
                sent = esc(in_local_time(notice.sent_at, "j M"))
                late = " (late)" if notice.late else ""
                parts.append(f"<p>Last notice {sent}{late}.</p>")
            else:
                parts.append("<p>No notice sent yet.</p>")
            parts.append(self.ack(cell, small=True))
        parts.append(
            f'<p class="pop-links"><a href="{self.feature_url(feature.pk)}#impact-{impact.pk}">'
            f'The impact</a> · <a href="{self.team_url(team.pk)}">{team_name}’s page</a></p>'
        )
        parts.append("</div>\n</details>")
        return "\n".join(parts)
