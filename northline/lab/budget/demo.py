"""The demo's budgets (see ``lab.demo``): a planned budget with a year of expenses in
``building``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from northline.lab.budget import services
from northline.lab.engagements.demo import days_ago, engagements_of
from northline.orgs.demo import LAB_SLUG, DemoContext

# The planned budget of each engagement the demo budgets, and its expenses, each played at
# ``at`` on its day: (days ago, amount, category, note).
BUDGETS: dict[str, dict[str, object]] = {
    "building": {
        "budget_low": Decimal("450000"),
        "budget_high": Decimal("700000"),
        "monthly_lab_cost": Decimal("55000"),
        "currency": "EUR",
    },
    "aligning": {
        "budget_low": Decimal("600000"),
        "budget_high": Decimal("900000"),
        "monthly_lab_cost": Decimal("55000"),
    },
}
EXPENSES: dict[str, tuple[dt.time, list[tuple[int, str, str, str]]]] = {
    "building": (
        dt.time(17, 0),
        [
            (150, "42000", "Team salaries", "First month of the seconded staff"),
            (148, "6500", "Training", "Agile fundamentals for the whole team"),
            (120, "42000", "Team salaries", ""),
            (118, "38000", "Contractors", "User research partner"),
            (95, "3200", "Equipment", "Test devices: two phones and a tablet"),
            (90, "42000", "Team salaries", ""),
            (88, "38000", "Contractors", "User research partner"),
            (60, "42000", "Team salaries", ""),
            (58, "24000", "Contractors", "Accessibility audit"),
            (30, "42000", "Team salaries", ""),
            (25, "1800", "Software", "Payment sandbox subscription"),
        ],
    ),
    "aligning": (dt.time(10, 0), [(20, "4800", "Training", "Agile fundamentals seats")]),
}


def create_budgets(ctx: DemoContext) -> None:
    """The moorings budget on the engagement's first day, each expense on the day it was
    spent (those before the history on its first day); the permits budget once it aligns."""
    ctx.on(-89, "lab: moorings budget", lambda: set_budgets(ctx, "building"), at=dt.time(16, 30))
    ctx.on(-55, "lab: permits budget", lambda: set_budgets(ctx, "aligning"))


def set_budgets(ctx: DemoContext, key: str) -> None:
    """Engagement ``key``'s planned budget now, and each of its expenses on its day."""
    engagement = engagements_of(ctx).get(key)
    lab = ctx.access(LAB_SLUG)
    if engagement is None:
        return
    engagement.refresh_from_db()
    services.set_budget(lab, engagement, version=engagement.version, **BUDGETS[key])
    at, expenses = EXPENSES[key]
    for days, amount, category, note in expenses:
        ctx.on(
            -days,
            f"lab: expense {category}",
            partial(
                services.add_expense,
                lab,
                engagement,
                spent_on=days_ago(days),
                amount=amount,
                category=category,
                note=note,
            ),
            at=at,
        )
