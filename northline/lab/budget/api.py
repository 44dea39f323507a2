"""API routes for an engagement's budget and expenses."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from northline.lab.access import access_engagement
from northline.lab.budget import selectors, services
from northline.lib.schemas import Id, Input, OrgSlug, VersionedInput, patch_of
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Names,
    record_routes,
    record_view,
    update_with_version,
    with_fields,
)

router = Router(tags=["lab governance"])


# Budget --------------------------------------------------------------------------------------


class ExpenseOut(Schema):
    id: int
    engagement_id: Id
    spent_on: dt.date
    amount: Decimal
    category: str
    note: str
    version: int


class ExpenseIn(Input):
    spent_on: dt.date
    amount: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    category: str = Field(..., min_length=1, max_length=100)
    note: str = Field("", max_length=300)


ExpensePatch = patch_of(ExpenseIn, "ExpensePatch")


class BudgetPatch(VersionedInput):
    """The engagement's version: the budget lives on the engagement."""

    budget_low: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_high: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    monthly_lab_cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)


class CategoryOut(Schema):
    category: str
    amount: Decimal


class BurnOut(Schema):
    on: dt.date
    cumulative: Decimal


class BudgetOut(Schema):
    engagement_id: Id
    engagement_version: int
    currency: str
    total: Decimal
    budget_low: Decimal | None
    budget_high: Decimal | None
    left_to_high: Decimal | None
    state: Literal["under", "within", "over"]
    monthly_lab_cost: Decimal | None
    months_in_residence: int
    lab_cost_to_date: Decimal | None
    by_category: list[CategoryOut]
    burn: list[BurnOut]


def budget_out(summary: selectors.BudgetSummary) -> dict[str, Any]:
    return {
        "engagement_id": summary.engagement.pk,
        "engagement_version": summary.engagement.version,
        "currency": summary.currency,
        "total": summary.total,
        "budget_low": summary.low,
        "budget_high": summary.high,
        "left_to_high": summary.left_to_high,
        "state": summary.state,
        "monthly_lab_cost": summary.monthly_lab_cost,
        "months_in_residence": summary.months_in_residence,
        "lab_cost_to_date": summary.lab_cost_to_date,
        "by_category": [{"category": c, "amount": a} for c, a in summary.by_category],
        "burn": [{"on": p.on, "cumulative": p.cumulative} for p in summary.burn],
    }


record_view(
    router,
    "/lab/engagements/{engagement_id}/budget",
    module=__name__,
    name="get_budget",
    find=access_engagement,
    show=lambda access, engagement: budget_out(selectors.budget_summary(access, engagement)),
    out=BudgetOut,
    summary="Budget summary: spend against the planned range, by category and over time",
)


@router.patch(
    "/lab/engagements/{engagement_id}/budget",
    response=BudgetOut,
    summary="Set the planned range, the monthly lab cost and the currency",
)
def set_budget(request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: BudgetPatch) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    updated = services.set_budget(access, engagement, version=payload.version, **payload.changes())
    return budget_out(selectors.budget_summary(access, updated))


record_routes(
    router,
    "/lab/expenses",
    "expense_id",
    module=__name__,
    names=Names("expense", "expenses"),
    out=ExpenseOut,
    find=selectors.access_expense,
    parent=("/lab/engagements/{engagement_id}/expenses", access_engagement),
    listing=(None, selectors.expenses),
    create=(ExpenseIn, with_fields(services.add_expense)),
    update=(ExpensePatch, update_with_version(services.update_expense)),
    delete=services.delete_expense,
    get=False,
    summaries={
        "list": "An engagement's expenses",
        "create": "Record an expense",
        "update": "Edit an expense",
        "delete": "Delete an expense",
    },
)
