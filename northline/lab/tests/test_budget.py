"""Budget figures worked out by hand, the burn chart, and the budget form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from northline.lab.budget import charts as budget_charts
from northline.lab.budget import selectors as budget_selectors
from northline.lab.budget import services as budget_services
from northline.lab.tests.governance import make_engagement
from northline.testing import Cast, signed_in


def test_it_sums_spend_by_category_and_over_time(cast: Cast) -> None:
    access = cast.owner_access
    # Planned 800,000 to 1,300,000 EUR; the lab costs 60,000 a month; started 15 Jan 2026.
    engagement = make_engagement(cast)
    for day, amount, category in [
        (dt.date(2026, 1, 20), "300000", "Salaries"),
        (dt.date(2026, 2, 10), "150000.50", "Contractors"),
        (dt.date(2026, 2, 10), "49999.50", "Training"),
        (dt.date(2026, 3, 1), "350000", "Salaries"),
    ]:
        budget_services.add_expense(
            access, engagement, spent_on=day, amount=amount, category=category
        )
    summary = budget_selectors.budget_summary(access, engagement, today=dt.date(2026, 4, 14))
    assert summary.total == Decimal("850000.00")
    assert summary.by_category == [
        ("Salaries", Decimal("650000.00")),
        ("Contractors", Decimal("150000.50")),
        ("Training", Decimal("49999.50")),
    ]
    # Two expenses on 10 Feb make one step.
    assert [(p.on, p.cumulative) for p in summary.burn] == [
        (dt.date(2026, 1, 20), Decimal("300000.00")),
        (dt.date(2026, 2, 10), Decimal("500000.00")),
        (dt.date(2026, 3, 1), Decimal("850000.00")),
    ]
    assert summary.state == "within"
    assert summary.left_to_high == Decimal("450000.00")
    assert summary.share_of_high == 65  # 850,000 / 1,300,000 = 65.4 %
    # 15 Jan → 14 Apr is two whole months (the third completes on 15 Apr).
    assert summary.months_in_residence == 2
    assert summary.lab_cost_to_date == Decimal("120000.00")
    assert (
        budget_selectors.budget_summary(
            access, engagement, today=dt.date(2026, 4, 15)
        ).months_in_residence
        == 3
    )


def test_whole_months() -> None:
    assert budget_selectors.whole_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert budget_selectors.whole_months(dt.date(2026, 1, 15), dt.date(2026, 3, 15)) == 2
    assert budget_selectors.whole_months(dt.date(2026, 5, 1), dt.date(2026, 4, 1)) == 0


def test_over_and_under_the_range(cast: Cast) -> None:
    access = cast.owner_access
    engagement = make_engagement(cast, budget_low=Decimal("100"), budget_high=Decimal("200"))
    assert budget_selectors.budget_summary(access, engagement).state == "under"
    budget_services.add_expense(
        access, engagement, spent_on=dt.date(2026, 2, 1), amount=250, category="X"
    )
    assert budget_selectors.budget_summary(access, engagement).state == "over"


def test_the_burn_chart_draws_the_range_and_the_steps(cast: Cast) -> None:
    access = cast.owner_access
    engagement = make_engagement(cast)
    budget_services.add_expense(
        access, engagement, spent_on=dt.date(2026, 2, 1), amount=400000, category="S"
    )
    svg = str(
        budget_charts.burn_chart(
            budget_selectors.budget_summary(access, engagement, today=dt.date(2026, 3, 1))
        )
    )
    assert svg.startswith('<svg class="chart burn-chart"')
    assert 'class="burn-range"' in svg and svg.count('class="burn-bound"') == 2
    assert "Cumulative spend from 2026-01-15 to 2026-03-01: 400,000 EUR over 1 expense." in svg
    assert "400,000 EUR by 2026-02-01" in svg


def test_the_budget_page_sets_the_range_and_refuses_a_reversed_one(cast: Cast) -> None:
    engagement = make_engagement(cast)
    client = signed_in(cast.editor)
    url = f"/o/acme/lab/engagements/{engagement.pk}/budget/"
    response = client.post(
        url,
        {
            "budget-budget_low": "900",
            "budget-budget_high": "100",
            "budget-currency": "eur",
            "budget-version": engagement.version,
        },
    )
    assert response.status_code == 422
    assert "The top of the budget range is below its bottom." in response.content.decode()
    response = client.post(
        url,
        {
            "budget-budget_low": "100",
            "budget-budget_high": "900",
            "budget-monthly_lab_cost": "50",
            "budget-currency": "eur",
            "budget-version": engagement.version,
        },
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert (engagement.budget_low, engagement.budget_high, engagement.currency) == (
        Decimal("100.00"),
        Decimal("900.00"),
        "EUR",
    )
    page = client.get(url).content.decode()
    assert '<svg class="chart burn-chart"' in page
