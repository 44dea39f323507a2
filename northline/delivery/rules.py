"""The delivery rules, pure functions of plain values (DESIGN §2.6).

* Lead time: the days of notice a team needs; an impact may ask for its own, otherwise the
  team's default applies.
* Late: a notice is late when the days left until the release are fewer than the lead time.
  Exactly the lead time left is still on time.
* Ready: a release is ready when every impactee of its features has acknowledged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

# The lead time of a team that has not set its own.
DEFAULT_LEAD_TIME_DAYS = 14


class HasLeadTime(Protocol):
    @property
    def lead_time_days(self) -> int | None: ...


class Acknowledgeable(Protocol):
    role: str
    acknowledged_at: dt.datetime | None


def lead_time(impact: HasLeadTime, team_default: int | None) -> int:
    """The impact's own lead time if it has one, else the team's default (else the global one)."""
    if impact.lead_time_days is not None:
        return impact.lead_time_days
    return DEFAULT_LEAD_TIME_DAYS if team_default is None else team_default


def days_left(today: dt.date, release_date: dt.date) -> int:
    return (release_date - today).days


def is_late(sent_on: dt.date, release_date: dt.date, lead_time_days: int) -> bool:
    """Late when release_date − sent_on < lead time; exactly the lead time left is on time."""
    return days_left(sent_on, release_date) < lead_time_days


def waiting_for[A: Acknowledgeable](impacts: Iterable[A]) -> list[A]:
    """The impacts a release still waits for: impactees that have not acknowledged (impactors
    do not acknowledge)."""
    return [
        impact for impact in impacts if impact.role == "impactee" and impact.acknowledged_at is None
    ]


def is_ready(impacts: Iterable[Acknowledgeable]) -> bool:
    """Ready when it waits for no impact: every impactee has acknowledged (none at all is
    ready)."""
    return not waiting_for(impacts)


def risk(
    *,
    role: str,
    acknowledged: bool,
    notice_late: bool,
    today: dt.date,
    release_date: dt.date | None,
    lead_time_days: int,
) -> str:
    """A matrix cell's colour: "ok", "late", "at_risk" or "unacknowledged".

    * late: the team's latest notice came with less than its lead time left;
    * at_risk: not acknowledged, and the release is now closer than the lead time;
    * unacknowledged: told in time, not yet acknowledged, and there is still time;
    * ok: an impactor, or an impactee told in time who acknowledged.
    """
    if role != "impactee":
        return "ok"
    if notice_late:
        return "late"
    if acknowledged:
        return "ok"
    if release_date is not None and is_late(today, release_date, lead_time_days):
        return "at_risk"
    return "unacknowledged"
