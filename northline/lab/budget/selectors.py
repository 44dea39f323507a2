"""Reads of an engagement's expenses and its burn: spent against planned, month by month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from northline.lab.models import Engagement, Expense
from northline.orgs.access import Access
from northline.orgs.record_access import RecordAccess

access_expense = RecordAccess(Expense.objects.select_related("engagement"))


def expenses(access: Access, engagement: Engagement) -> QuerySet[Expense]:
    return Expense.objects.filter(organization=access.organization, engagement=engagement)


# Figures -------------------------------------------------------------------------------------


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``: 15 Jan → 14 Mar is 1, → 15 Mar is 2."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


@dataclass
class BurnPoint:
    on: dt.date
    cumulative: Decimal


@dataclass
class BudgetSummary:
    """What an engagement has spent, against what it planned."""

    engagement: Engagement
    currency: str
    total: Decimal
    by_category: list[tuple[str, Decimal]]
    burn: list[BurnPoint]
    low: Decimal | None
    high: Decimal | None
    monthly_lab_cost: Decimal | None
    months_in_residence: int
    lab_cost_to_date: Decimal | None
    today: dt.date
    expense_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def left_to_high(self) -> Decimal | None:
        return None if self.high is None else self.high - self.total

    @property
    def share_of_high(self) -> int | None:
        """Spent as a whole percentage of the top of the range."""
        if not self.high:
            return None
        return int((self.total * 100 / self.high).to_integral_value())

    @property
    def state(self) -> str:
        """ "over" past the top of the range, "within" inside it, "under" below its bottom."""
        if self.high is not None and self.total > self.high:
            return "over"
        if self.low is not None and self.total >= self.low:
            return "within"
        return "under"


def budget_summary(
    access: Access, engagement: Engagement, *, today: dt.date | None = None
) -> BudgetSummary:
    """One query for the expenses; everything else is arithmetic on them."""
    today = today or timezone.localdate()
    rows = list(expenses(access, engagement).order_by("spent_on", "id"))
    total = Decimal("0")
    categories: dict[str, Decimal] = {}
    burn: list[BurnPoint] = []
    for expense in rows:
        total += expense.amount
        categories[expense.category] = categories.get(expense.category, Decimal("0")) + (
            expense.amount
        )
        if burn and burn[-1].on == expense.spent_on:
            burn[-1].cumulative = total
        else:
            burn.append(BurnPoint(expense.spent_on, total))
    months = whole_months(engagement.start_date, today) if engagement.start_date else 0
    monthly = engagement.monthly_lab_cost
    return BudgetSummary(
        engagement=engagement,
        currency=engagement.currency,
        total=total,
        by_category=sorted(categories.items(), key=lambda item: (-item[1], item[0])),
        burn=burn,
        low=engagement.budget_low,
        high=engagement.budget_high,
        monthly_lab_cost=monthly,
        months_in_residence=months,
        lab_cost_to_date=None if monthly is None else monthly * months,
        today=today,
        expense_count=len(rows),
    )
