"""Investment vs themes: planned and spent per theme and value stream, shares of the portfolio
by currency, the period filter, the chart, and the CSV / XLSX rows, on a hand-built
organization whose numbers are written out below."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from northline.insights.reports import charts as charts_reports
from northline.insights.reports import exports as exports_reports
from northline.insights.reports import selectors as reports
from northline.insights.reports.selectors import Interval
from northline.lib.errors import Invalid
from northline.orgs.access import Access
from northline.strategy import services
from northline.strategy.models import Theme, ValueStream
from northline.strategy.selectors import planned_vs_actual
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
Y2027 = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


@dataclass
class Money:
    access: Access
    permits: Theme
    open_data: Theme
    licensing: ValueStream


def invest(
    access: Access,
    period: tuple[dt.date, dt.date],
    planned: int,
    *spent: int,
    currency: str = "EUR",
    **target: Theme | ValueStream,
) -> None:
    investment = services.create_investment(
        access,
        period_start=period[0],
        period_end=period[1],
        planned_amount=Decimal(planned),
        currency=currency,
        **target,  # type: ignore[arg-type]
    )
    for amount in spent:
        services.record_spend(
            access, investment, amount=Decimal(amount), spent_on=period[0] + dt.timedelta(days=40)
        )


def build_investments(access: Access, permits_name: str = "Faster permits") -> Money:
    """EUR: Faster permits 100,000 in 2026 (40,000 spent) and 50,000 in 2027 (none spent);
    Open data 60,000 in 2026 (66,000 spent: over); the Licensing value stream 40,000 in 2026
    (10,000 spent). GBP: Open data 20,000 in 2026 (5,000 spent)."""
    day = dt.date(2026, 1, 1)
    permits = services.create_theme(
        access, name=permits_name, starts_on=day, ends_on=dt.date(2027, 12, 31)
    )
    open_data = services.create_theme(
        access, name="Open data", starts_on=day, ends_on=dt.date(2027, 12, 31)
    )
    licensing = services.create_value_stream(access, name="Licensing")
    invest(access, Y2026, 100_000, 30_000, 10_000, theme=permits)
    invest(access, Y2027, 50_000, theme=permits)
    invest(access, Y2026, 60_000, 66_000, theme=open_data)
    invest(access, Y2026, 40_000, 10_000, value_stream=licensing)
    invest(access, Y2026, 20_000, 5_000, currency="GBP", theme=open_data)
    return Money(access, permits, open_data, licensing)


@pytest.fixture
def money(cast: Cast) -> Money:
    return build_investments(cast.owner_access)


def figures(target: reports.TargetMoney) -> tuple[str, Decimal, Decimal, float]:
    return (target.name, target.planned, target.actual, target.share_of_portfolio)


def test_it_reports_planned_and_spent_per_theme_and_value_stream_by_currency(
    money: Money,
) -> None:
    report = reports.investment(money.access)

    assert [portfolio.currency for portfolio in report.currencies] == ["EUR", "GBP"]
    eur, gbp = report.currencies
    assert (eur.planned, eur.actual) == (Decimal(250_000), Decimal(116_000))
    # Themes by planned money, most first; each share is over all 250,000 EUR planned.
    assert [figures(theme) for theme in eur.themes] == [
        ("Faster permits", Decimal(150_000), Decimal(40_000), 0.6),
        ("Open data", Decimal(60_000), Decimal(66_000), 0.24),
    ]
    assert [figures(stream) for stream in eur.value_streams] == [
        ("Licensing", Decimal(40_000), Decimal(10_000), 0.16)
    ]
    permits, open_data = eur.themes
    assert permits.spent_share == 0.2667
    assert permits.remaining == Decimal(110_000)
    assert open_data.spent_share == 1.1
    assert open_data.over and not permits.over
    assert eur.spent_share == 0.464
    assert [figures(theme) for theme in gbp.themes] == [
        ("Open data", Decimal(20_000), Decimal(5_000), 1.0)
    ]
    assert gbp.value_streams == []
    assert report.periods == [Interval(*Y2026), Interval(*Y2027)]
    assert len(report.rows) == 5


def test_it_groups_the_same_sums_as_the_strategy_report(money: Money) -> None:
    """Over every period the theme figures are planned_vs_actual's own theme shares."""
    strategy = planned_vs_actual(money.access)
    ours = reports.investment(money.access)
    expected = {
        (share.currency, share.name): (share.planned, share.actual, share.share_of_portfolio)
        for share in strategy.themes
    }
    assert {
        (portfolio.currency, theme.name): (theme.planned, theme.actual, theme.share_of_portfolio)
        for portfolio in ours.currencies
        for theme in portfolio.themes
    } == expected


def test_it_filters_by_a_period_that_overlaps_the_investments(money: Money) -> None:
    in_2026 = reports.investment(money.access, period=Interval(*Y2026))
    eur = in_2026.currencies[0]
    assert (eur.planned, eur.actual) == (Decimal(200_000), Decimal(116_000))
    assert [figures(theme) for theme in eur.themes] == [
        ("Faster permits", Decimal(100_000), Decimal(40_000), 0.5),
        ("Open data", Decimal(60_000), Decimal(66_000), 0.3),
    ]
    assert [figures(stream) for stream in eur.value_streams] == [
        ("Licensing", Decimal(40_000), Decimal(10_000), 0.2)
    ]
    # A month inside 2026 overlaps the 2026 investments only.
    june = reports.investment(money.access, period=reports.parse_interval("2026-06-01/2026-06-30"))
    assert june.currencies[0].planned == Decimal(200_000)
    # 2027 holds one investment, the whole of its portfolio.
    in_2027 = reports.investment(money.access, period=Interval(*Y2027))
    assert [portfolio.currency for portfolio in in_2027.currencies] == ["EUR"]
    assert [figures(theme) for theme in in_2027.currencies[0].themes] == [
        ("Faster permits", Decimal(50_000), Decimal(0), 1.0)
    ]
    # Every period stays offered as a choice, whatever is shown.
    assert in_2027.periods == [Interval(*Y2026), Interval(*Y2027)]
    assert reports.investment_periods(money.access) == [Interval(*Y2026), Interval(*Y2027)]
    # Nothing planned then: an empty report, not an error.
    assert not reports.investment(
        money.access, period=reports.parse_interval("2030-01-01/2030-12-31")
    ).has_data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026", "must be two dates as start/end"),
        ("2026-01-01..2026-12-31", "must be two dates as start/end"),
        ("2026-02-30/2026-03-31", "does not exist"),
        ("2026-12-31/2026-01-01", "ends before it starts"),
    ],
)
def test_it_refuses_a_period_it_cannot_read_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        reports.parse_interval(text)
    assert message in refused.value.message
    assert list(refused.value.fields) == ["period"]


def test_it_is_empty_without_investments(cast: Cast) -> None:
    report = reports.investment(cast.owner_access)
    assert not report.has_data
    assert report.currencies == [] and report.periods == []
    assert reports.investment_summary(report) == "No investments yet."


def test_it_sums_up_the_portfolio_in_one_line(money: Money) -> None:
    assert reports.investment_summary(reports.investment(money.access)) == (
        "250,000 EUR planned across 2 themes and 1 value stream, 46 % spent; "
        "20,000 GBP planned across 1 theme and 0 value streams, 25 % spent."
    )


def test_it_reads_the_report_in_a_constant_number_of_queries(cast: Cast, money: Money) -> None:
    def grow() -> None:
        invest(money.access, Y2027, 1_000, 10, 20, theme=money.open_data)
        invest(money.access, Y2027, 2_000, 30, value_stream=money.licensing)
        invest(money.access, Y2026, 3_000, 40, currency="USD", theme=money.permits)

    count = assert_queries_constant(lambda: reports.investment(money.access), grow)
    assert count == 1


def test_it_draws_planned_and_spent_bars_with_their_amounts(money: Money) -> None:
    eur = reports.investment(money.access).currencies[0]
    svg = str(charts_reports.investment_chart(eur, chart_id="eur"))
    assert svg.startswith('<svg class="chart" id="eur" role="img"')
    assert '<title id="eur-title">Planned vs spent by theme (EUR)</title>' in svg
    assert (
        "Faster permits: 150,000 planned, 40,000 spent; Open data: 60,000 planned, 66,000 "
        "spent; Licensing: 40,000 planned, 10,000 spent." in svg
    )
    assert svg.count('class="bar-planned"') == 3
    assert svg.count('class="bar-actual"') == 2
    assert svg.count('class="bar-actual bar-over"') == 1
    assert "66,000 spent (over plan)</text>" in svg
    assert ">Licensing (value stream)</tspan></text>" in svg


def test_it_escapes_names_in_the_chart(cast: Cast) -> None:
    money = build_investments(cast.owner_access, permits_name="<script>alert(1)</script>")
    svg = str(charts_reports.investment_chart(reports.investment(money.access).currencies[0]))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_it_exports_rows_with_formula_looking_names_kept_as_text(cast: Cast) -> None:
    money = build_investments(cast.owner_access, permits_name='=HYPERLINK("http://x")')
    rows = exports_reports.investment_rows(reports.investment(money.access))
    assert rows == [
        [
            "currency",
            "kind",
            "name",
            "planned",
            "spent",
            "remaining",
            "spent share",
            "share of portfolio",
            "period",
        ],
        [
            "EUR",
            "theme",
            '\'=HYPERLINK("http://x")',
            150000.0,
            40000.0,
            110000.0,
            0.2667,
            0.6,
            "all",
        ],
        ["EUR", "theme", "Open data", 60000.0, 66000.0, -6000.0, 1.1, 0.24, "all"],
        ["EUR", "value stream", "Licensing", 40000.0, 10000.0, 30000.0, 0.25, 0.16, "all"],
        ["GBP", "theme", "Open data", 20000.0, 5000.0, 15000.0, 0.25, 1.0, "all"],
    ]
    in_2026 = exports_reports.investment_rows(
        reports.investment(money.access, period=Interval(*Y2026))
    )
    assert in_2026[1][-1] == "2026-01-01/2026-12-31"
