"""An engagement's budget (DESIGN §2.7): the planned range for the team, the lab's hosting cost
per month, expenses by category, and a burn chart of cumulative spend against the range.

The figures (:func:`budget_summary`) are plain sums of the recorded expenses; the lab's hosting
cost to date is the monthly cost times the whole months since the engagement started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from northline.lab.models import Engagement, Expense
from northline.lib.charts import nice_scale, number
from northline.lib.errors import NotFound
from northline.orgs.access import Access, get_in_org
from northline.orgs.audit import create_audited, delete_audited, update_versioned
from northline.orgs.services import refuse_unknown

BUDGET_FIELDS = {"budget_low", "budget_high", "monthly_lab_cost", "currency"}
EXPENSE_FIELDS = {"spent_on", "amount", "category", "note"}


def access_expense(access: Access, expense_id: int, action: str = "read") -> Expense:
    return get_in_org(
        access, Expense.objects.select_related("engagement"), expense_id, action, label="expense"
    )


def expenses(access: Access, engagement: Engagement) -> QuerySet[Expense]:
    return Expense.objects.filter(organization=access.organization, engagement=engagement)


# Writes --------------------------------------------------------------------------------------


@transaction.atomic
def set_budget(
    access: Access, engagement: Engagement, *, version: int, **changes: Any
) -> Engagement:
    """The planned range (low ≤ high, checked by the database), the monthly lab cost and the
    currency of an engagement."""
    access.require("write")
    refuse_unknown(changes, BUDGET_FIELDS)
    if "currency" in changes:
        changes["currency"] = str(changes["currency"]).upper()
    return update_versioned(
        access.user, access.organization, engagement, version=version, changes=changes
    )


@transaction.atomic
def add_expense(
    access: Access,
    engagement: Engagement,
    *,
    spent_on: dt.date,
    amount: Decimal | int | str,
    category: str,
    note: str = "",
) -> Expense:
    access.require("write")
    if engagement.organization_id != access.organization.pk:
        raise NotFound("No such engagement in this organization.")
    return create_audited(
        access.user,
        access.organization,
        Expense(
            organization=access.organization,
            engagement=engagement,
            spent_on=spent_on,
            amount=Decimal(str(amount)),
            category=category.strip(),
            note=note,
        ),
    )


@transaction.atomic
def update_expense(access: Access, expense: Expense, /, *, version: int, **changes: Any) -> Expense:
    access.require("write")
    refuse_unknown(changes, EXPENSE_FIELDS)
    if "amount" in changes:
        changes["amount"] = Decimal(str(changes["amount"]))
    return update_versioned(
        access.user, access.organization, expense, version=version, changes=changes
    )


@transaction.atomic
def delete_expense(access: Access, expense: Expense) -> None:
    access.require("write")
    delete_audited(access.user, access.organization, expense)


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


# The burn chart ------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 20, 40


def burn_chart(summary: BudgetSummary, *, chart_id: str = "burn") -> SafeString:
    """Cumulative spend (a step line) over time against the planned range (a shaded band),
    as an ``<svg role="img">`` with a title and a description; the page shows the figures in a
    table too."""
    start = summary.engagement.start_date or (summary.burn[0].on if summary.burn else summary.today)
    end = max([summary.today, *(point.on for point in summary.burn)])
    if end <= start:
        end = start + dt.timedelta(days=1)
    span = (end - start).days
    values = [0.0, float(summary.total)]
    for bound in (summary.low, summary.high):
        if bound is not None:
            values.append(float(bound))
    low, high, step = nice_scale(min(values), max(values))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        share = (day - start).days / span
        return LEFT + min(max(share, 0.0), 1.0) * plot_w

    def y(value: float) -> float:
        return TOP + (1 - (value - low) / (high - low)) * plot_h

    currency = summary.currency
    planned = (
        f"The planned range is {number(float(summary.low))} to {number(float(summary.high))} "
        f"{currency}. "
        if summary.low is not None and summary.high is not None
        else "No planned range is set. "
    )
    description = (
        f"Cumulative spend from {start:%Y-%m-%d} to {end:%Y-%m-%d}: "
        f"{number(float(summary.total))} {currency} over {summary.expense_count} expense"
        f"{'s' if summary.expense_count != 1 else ''}. {planned}"
    )
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="chart burn-chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{title_id} {desc_id}" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">Budget burn: {escape(summary.engagement.title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if summary.low is not None and summary.high is not None:
        top, bottom = y(float(summary.high)), y(float(summary.low))
        parts.append(
            f'<rect class="burn-range" x="{LEFT}" y="{top:.1f}" width="{plot_w}" '
            f'height="{max(bottom - top, 1):.1f}"><title>Planned range</title></rect>'
        )
    for index in range(round((high - low) / step) + 1):
        value = low + step * index
        gy = y(value)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" '
            f'y2="{gy:.1f}"/><text class="chart-label" x="{LEFT - 6}" y="{gy + 4:.1f}" '
            f'text-anchor="end">{escape(number(value))}</text>'
        )
    for label, bound in (("low", summary.low), ("high", summary.high)):
        if bound is not None:
            by = y(float(bound))
            parts.append(
                f'<line class="burn-bound" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{by:.1f}" '
                f'y2="{by:.1f}"/><text class="chart-label burn-bound-label" '
                f'x="{WIDTH - RIGHT - 4}" y="{by - 4:.1f}" text-anchor="end">planned {label}</text>'
            )
    baseline = HEIGHT - BOTTOM
    parts.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{baseline}" '
        f'y2="{baseline}"/><text class="chart-label" x="{LEFT}" y="{baseline + 18}" '
        f'text-anchor="start">{start:%d %b %Y}</text><text class="chart-label" '
        f'x="{WIDTH - RIGHT}" y="{baseline + 18}" text-anchor="end">{end:%d %b %Y}</text>'
    )
    # A step line: spend stays flat until the next expense, then jumps.
    points = [(x(start), y(0.0))]
    previous = 0.0
    for point in summary.burn:
        px = x(point.on)
        points.append((px, y(previous)))
        previous = float(point.cumulative)
        points.append((px, y(previous)))
    points.append((x(end), y(previous)))
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(f'<polyline class="burn-line" points="{line}"/>')
    for point in summary.burn:
        parts.append(
            f'<circle class="chart-point" cx="{x(point.on):.1f}" '
            f'cy="{y(float(point.cumulative)):.1f}" r="3.5"><title>'
            f"{escape(number(float(point.cumulative)))} {escape(currency)} by "
            f"{point.on:%Y-%m-%d}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
