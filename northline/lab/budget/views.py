"""Web pages for an engagement's budget and expenses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from northline.lab.access import access_engagement
from northline.lab.budget import charts, forms, selectors, services
from northline.lab.models import Engagement
from northline.lab.pages import NAV, engagement_context
from northline.lib.web import (
    RecordPage,
    delete_view,
    render_org,
    status_of,
    to,
)
from northline.orgs.access import Access

# Budget --------------------------------------------------------------------------------------


def render_budget(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    *,
    edit_form: forms.BudgetForm | None = None,
    expense_form: forms.ExpenseForm | None = None,
) -> HttpResponse:
    summary = selectors.budget_summary(access, engagement)
    budget_form = edit_form or forms.BudgetForm.of(engagement)
    expense_form = expense_form or forms.ExpenseForm()
    return render_org(
        request,
        access,
        "lab/governance/budget.html",
        {
            **engagement_context(access, engagement, "budget"),
            "summary": summary,
            "chart": charts.burn_chart(summary),
            "expenses": selectors.expenses(access, engagement).order_by("-spent_on", "-id"),
            "budget_form": budget_form,
            "expense_form": expense_form,
        },
        nav=NAV,
        status=status_of(budget_form, expense_form),
    )


to_budget = to("lab_engagement_budget", "engagement_id")
budget_page = RecordPage(access_engagement, render_budget, back=to_budget)
engagement_budget = budget_page.edit(
    forms.BudgetForm, services.set_budget, said="Saved the budget."
)
expense_new = budget_page.form(
    forms.ExpenseForm, services.add_expense, "expense_form", said="Recorded the expense."
)
expense_delete = delete_view(
    selectors.access_expense,
    services.delete_expense,
    said="Deleted the expense.",
    back=lambda access, expense: redirect(
        "lab_engagement_budget", slug=access.organization.slug, engagement_id=expense.engagement_id
    ),
)
