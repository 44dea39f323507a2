"""Web pages of the insights reports (DESIGN §2.8): the reports home and one page per report,
each with its chart, its table, its filters and CSV / XLSX downloads.

Thin views (STYLE §1): a GET form parses the filters, ``insights.reports`` computes, the
template renders. A refused filter (a window longer than a year, a period of another
organization) answers 422 with its message next to the field, and draws no report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse

from northline.delivery.models import ReleaseStatus
from northline.goals.models import Period
from northline.insights.reports import charts, exports
from northline.insights.reports import selectors as reports
from northline.lib.errors import Invalid
from northline.lib.exports import Cell
from northline.lib.web import DateInput, View, org_view, render_org
from northline.orgs.access import Access
from northline.orgs.models import Team

NAV = "insights"


# The filters -------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """A report's GET filters. Not a DomainForm: the heat map's filter is named ``status``,
    which DomainForm keeps for the HTTP status."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def refuse(self, error: Invalid) -> None:
        """The selector's refusal: its message on top, each field's next to the field."""
        self.add_error(None, error.message)
        for name, message in error.fields.items():
            if name in self.fields:
                self.add_error(name, message)


class InvestmentFilterForm(FilterForm):
    period = forms.CharField(
        required=False,
        label="Period",
        help_text="Investments whose period overlaps this one.",
    )

    def __init__(self, *args: Any, periods: list[reports.Interval], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Every period"), *((period.key, str(period)) for period in periods)]
        asked = self.data.get("period", "") if self.is_bound else ""
        if asked and asked not in dict(choices):
            # A period typed into the address: keep it chosen (it is checked on submit).
            choices.append((asked, asked))
        self.fields["period"].widget = forms.Select(choices=choices)


class FlowFilterForm(FilterForm):
    days = forms.IntegerField(
        required=False,
        min_value=reports.MIN_DAYS,
        max_value=reports.MAX_DAYS,
        label="Days",
        help_text=f"{reports.MIN_DAYS} to {reports.MAX_DAYS}, ending on the last day.",
        widget=forms.NumberInput(attrs={"placeholder": str(reports.DEFAULT_DAYS)}),
    )
    start = forms.DateField(required=False, label="From", widget=DateInput)
    end = forms.DateField(
        required=False, label="To", widget=DateInput, help_text="Today at the latest."
    )


class KeyResultFilterForm(FilterForm):
    period = forms.ModelChoiceField(
        queryset=Period.objects.none(), required=False, empty_label="The current period"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Every team and the organization",
        help_text="Only that team's objectives.",
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = access.organization
        period_field = self.fields["period"]
        team_field = self.fields["team"]
        assert isinstance(period_field, forms.ModelChoiceField)
        assert isinstance(team_field, forms.ModelChoiceField)
        period_field.queryset = Period.objects.filter(organization=org)
        team_field.queryset = Team.objects.filter(organization=org).order_by("name", "id")


class HeatFilterForm(FilterForm):
    status = forms.MultipleChoiceField(
        choices=ReleaseStatus.choices,
        required=False,
        label="Releases that are",
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every release but the cancelled ones.",
    )


# Building each report from the request -------------------------------------------------------


@dataclass
class Built:
    """A report's filter form and, unless the filters were refused, its data."""

    form: FilterForm
    data: Any = None
    query: str = ""  # the filters as a query string, for the download links
    status: int = 200

    @property
    def refused(self) -> bool:
        return self.data is None


def query_of(form: FilterForm, names: list[str]) -> str:
    pairs: list[tuple[str, str]] = []
    for name in names:
        for value in form.data.getlist(name) if hasattr(form.data, "getlist") else []:
            if value != "":
                pairs.append((name, value))
    return urlencode(pairs)


def attempt(form: FilterForm, compute: Callable[[dict[str, Any]], Any], names: list[str]) -> Built:
    """Validate the GET form and compute; a refusal stays on the form (status 422)."""
    if not form.is_valid():
        return Built(form, status=422)
    try:
        data = compute(form.cleaned_data)
    except Invalid as error:
        form.refuse(error)
        return Built(form, status=422)
    return Built(form, data, query_of(form, names))


def build_investment(request: HttpRequest, access: Access) -> Built:
    def compute(data: dict[str, Any]) -> reports.InvestmentReport:
        text = data.get("period") or ""
        return reports.investment(access, period=reports.parse_interval(text) if text else None)

    form = InvestmentFilterForm(request.GET, periods=reports.investment_periods(access))
    return attempt(form, compute, ["period"])


def build_flow(request: HttpRequest, access: Access) -> Built:
    def compute(data: dict[str, Any]) -> reports.FlowReport:
        return reports.cumulative_flow(
            access, days=data.get("days"), start=data.get("start"), end=data.get("end")
        )

    return attempt(FlowFilterForm(request.GET), compute, ["days", "start", "end"])


def build_key_results(request: HttpRequest, access: Access) -> Built:
    def compute(data: dict[str, Any]) -> reports.KeyResultReport:
        return reports.key_result_progress(access, period=data.get("period"), team=data.get("team"))

    return attempt(KeyResultFilterForm(request.GET, access=access), compute, ["period", "team"])


def build_dependencies(request: HttpRequest, access: Access) -> Built:
    def compute(data: dict[str, Any]) -> reports.HeatMap:
        return reports.dependency_heat_map(access, statuses=data.get("status"))

    if "status" not in request.GET:
        # No choice made: show the default statuses ticked.
        form = HeatFilterForm(initial={"status": list(reports.DEFAULT_RELEASE_STATUSES)})
        return Built(form, compute({}))
    return attempt(HeatFilterForm(request.GET), compute, ["status"])


BUILDERS: dict[str, Callable[[HttpRequest, Access], Built]] = {
    "investment": build_investment,
    "flow": build_flow,
    "key-results": build_key_results,
    "dependencies": build_dependencies,
}
ROWS: dict[str, Callable[[Any], list[list[Cell]]]] = {
    "investment": exports.investment_rows,
    "flow": exports.flow_rows,
    "key-results": exports.key_result_rows,
    "dependencies": exports.dependency_rows,
}
TEMPLATES = {
    "investment": "insights/reports/investment.html",
    "flow": "insights/reports/flow.html",
    "key-results": "insights/reports/key_results.html",
    "dependencies": "insights/reports/dependencies.html",
}


def charts_of(report: str, data: Any) -> dict[str, Any]:
    """The page's SVG charts, drawn only for a report that has something to show."""
    if data is None or not data.has_data:
        return {}
    if report == "investment":
        return {
            "charts": [
                (portfolio, charts.investment_chart(portfolio, chart_id=f"investment-{index}"))
                for index, portfolio in enumerate(data.currencies)
            ]
        }
    if report == "flow":
        return {"chart": charts.flow_chart(data)}
    if report == "key-results":
        return {"chart": charts.key_result_chart(data.key_results)} if data.key_results else {}
    return {
        "chart": charts.heat_map_chart(data),
        "legend": charts.heat_legend(data.busiest),
        "marks": charts.mark_legend(),
    }


def render_report(request: HttpRequest, access: Access, report: str) -> HttpResponse:
    built = BUILDERS[report](request, access)
    suffix = f"?{built.query}" if built.query else ""
    return render_org(
        request,
        access,
        TEMPLATES[report],
        {
            "subnav": "reports",
            "report_key": report,
            "report_title": reports.REPORT_TITLES[report],
            "form": built.form,
            "report": built.data,
            "refused": built.refused,
            "filtering": bool(built.query),
            "query": suffix,
            "flow_states": reports.FLOW_STATES,
            **charts_of(report, built.data),
        },
        nav=NAV,
        status=built.status,
    )


# The pages -----------------------------------------------------------------------------------


@org_view
def reports_home(request: HttpRequest, access: Access) -> HttpResponse:
    return render_org(
        request,
        access,
        "insights/reports/home.html",
        {"subnav": "reports", "cards": reports.overview(access)},
        nav=NAV,
    )


def report_page(report: str) -> View:
    """The page of one report, its filters read from the query string."""

    @org_view
    def page(request: HttpRequest, access: Access) -> HttpResponse:
        return render_report(request, access, report)

    return page


investment = report_page("investment")
flow = report_page("flow")
key_results = report_page("key-results")
dependencies = report_page("dependencies")


@org_view
def export(request: HttpRequest, access: Access, report: str, fmt: str) -> HttpResponse:
    """A report's table as a CSV or XLSX download, with the page's filters; refused filters
    show the report's page with their message instead (422)."""
    if report not in BUILDERS or fmt not in ("csv", "xlsx"):
        raise Http404("No such report.")
    built = BUILDERS[report](request, access)
    if built.refused:
        return render_report(request, access, report)
    return exports.attachment(access.organization, report, ROWS[report](built.data), fmt)
