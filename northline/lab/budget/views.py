"""Web pages for an engagement's budget and expenses."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from northline.lab.access import access_engagement
from northline.lab.budget import charts, forms, selectors, services
from northline.lab.models import Engagement
from northline.lab.pages import NAV, engagement_context
from northline.lib.web import delete_view, org_view, post_only, render_org, status_of, submit
from northline.orgs.access import Access

# Budget --------------------------------------------------------------------------------------


def render_budget(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    *,
    budget_form: forms.BudgetForm | None = None,
    expense_form: forms.ExpenseForm | None = None,
) -> HttpResponse:
    summary = selectors.budget_summary(access, engagement)
    budget_form = budget_form or forms.BudgetForm.of(engagement)
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


@org_view
def engagement_budget(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    if request.method != "POST":
        return render_budget(request, access, access_engagement(access, engagement_id))
    engagement = access_engagement(access, engagement_id, "write")
    form = forms.BudgetForm(request.POST, prefix="budget")
    if submit(
        form,
        lambda data: services.set_budget(
            access, engagement, version=data["version"], **form.changes()
        ),
    ):
        messages.success(request, "Saved the budget.")
        return redirect(
            "lab_engagement_budget", slug=access.organization.slug, engagement_id=engagement.pk
        )
    engagement.refresh_from_db()
    return render_budget(request, access, engagement, budget_form=form)


@post_only
@org_view
def expense_new(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    engagement = access_engagement(access, engagement_id, "write")
    form = forms.ExpenseForm(request.POST)
    if submit(form, lambda data: services.add_expense(access, engagement, **data)):
        messages.success(request, "Recorded the expense.")
        return redirect(
            "lab_engagement_budget", slug=access.organization.slug, engagement_id=engagement.pk
        )
    return render_budget(request, access, engagement, expense_form=form)


expense_delete = delete_view(
    selectors.access_expense,
    services.delete_expense,
    said="Deleted the expense.",
    back=lambda access, expense: redirect(
        "lab_engagement_budget", slug=access.organization.slug, engagement_id=expense.engagement_id
    ),
)
