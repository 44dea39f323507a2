"""Writes to an engagement's budget and its expenses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from northline.lab.models import Engagement, Expense
from northline.lib.errors import NotFound
from northline.orgs.access import Access
from northline.orgs.audit import create_audited, delete_audited, update_versioned
from northline.orgs.services import refuse_unknown

BUDGET_FIELDS = {"budget_low", "budget_high", "monthly_lab_cost", "currency"}
EXPENSE_FIELDS = {"spent_on", "amount", "category", "note"}


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
