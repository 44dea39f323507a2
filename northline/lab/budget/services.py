"""Writes to an engagement's budget and its expenses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from northline.lab.models import Engagement, Expense
from northline.orgs.access import Access
from northline.orgs.services import RecordWrites, add_record, check_own, update_record

BUDGET_FIELDS = {"budget_low", "budget_high", "monthly_lab_cost", "currency"}
EXPENSE_FIELDS = {"spent_on", "amount", "category", "note"}


# Writes --------------------------------------------------------------------------------------


def set_budget(
    access: Access, engagement: Engagement, *, version: int, **changes: Any
) -> Engagement:
    """The planned range (low ≤ high, checked by the database), the monthly lab cost and the
    currency of an engagement."""
    return update_record(
        access,
        engagement,
        version=version,
        changes=changes,
        editable=BUDGET_FIELDS,
        clean={"currency": lambda value: str(value).upper()},
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
    check_own(access, engagement, "engagement")
    return add_record(
        access,
        Expense(
            organization=access.organization,
            engagement=engagement,
            spent_on=spent_on,
            amount=Decimal(str(amount)),
            category=category.strip(),
            note=note,
        ),
    )


EXPENSES = RecordWrites[Expense](
    editable=EXPENSE_FIELDS, clean={"amount": lambda value: Decimal(str(value))}
)
update_expense = EXPENSES.update
delete_expense = EXPENSES.delete
