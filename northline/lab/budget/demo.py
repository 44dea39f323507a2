"""The demo's budgets (see ``lab.demo``): a planned budget with a year of expenses in
``building``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from northline.lab.budget import services
from northline.lab.engagements.demo import days_ago, engagements_of
from northline.orgs.demo import LAB_SLUG, DemoContext

# (days ago, amount, category, note)
BUILDING_EXPENSES = [
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
]


def create_budgets(ctx: DemoContext) -> None:
    """The moorings budget on the engagement's first day, each expense on the day it was
    spent (those before the history on its first day); the permits budget once it aligns."""
    ctx.on(-89, "lab: moorings budget", lambda: set_budgets(ctx, "building"), at=dt.time(16, 30))
    ctx.on(-55, "lab: permits budget", lambda: set_budgets(ctx, "aligning"))


def set_budgets(ctx: DemoContext, key: str) -> None:
    engagements = {k: e for k, e in engagements_of(ctx).items() if k == key}
    lab = ctx.access(LAB_SLUG)
    if (building := engagements.get("building")) is not None:
        building.refresh_from_db()
        services.set_budget(
            lab,
            building,
            version=building.version,
            budget_low=Decimal("450000"),
            budget_high=Decimal("700000"),
            monthly_lab_cost=Decimal("55000"),
            currency="EUR",
        )
        for days, amount, category, note in BUILDING_EXPENSES:
            ctx.on(
                -days,
                f"lab: expense {category}",
                partial(
                    services.add_expense,
                    lab,
                    building,
                    spent_on=days_ago(days),
                    amount=amount,
                    category=category,
                    note=note,
                ),
                at=dt.time(17, 0),
            )
    if (aligning := engagements.get("aligning")) is not None:
        aligning.refresh_from_db()
        services.set_budget(
            lab,
            aligning,
            version=aligning.version,
            budget_low=Decimal("600000"),
            budget_high=Decimal("900000"),
            monthly_lab_cost=Decimal("55000"),
        )
        ctx.on(
            -20,
            "lab: expense Training",
            partial(
                services.add_expense,
                lab,
                aligning,
                spent_on=days_ago(20),
                amount="4800",
                category="Training",
                note="Agile fundamentals seats",
            ),
        )
