"""Forms for an engagement's budget and expenses; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from northline.lib.web import DateInput, DomainForm
from northline.orgs.forms import RecordForm

# Budget --------------------------------------------------------------------------------------


class BudgetForm(RecordForm):
    prefix = "budget"
    budget_low = forms.DecimalField(
        label="Planned budget, low", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    budget_high = forms.DecimalField(
        label="Planned budget, high", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    monthly_lab_cost = forms.DecimalField(
        label="Lab hosting cost per month",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    currency = forms.CharField(min_length=3, max_length=3, help_text="Three letters, e.g. EUR.")


class ExpenseForm(DomainForm):
    spent_on = forms.DateField(label="Spent on", widget=DateInput)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    category = forms.CharField(max_length=100, help_text="For example “Contractors”.")
    note = forms.CharField(max_length=300, required=False)
