"""The reports on the generated organization of benchmarks/insights.py at two sizes: each
report and the reports home cost the same queries whether it holds 2 teams or 4, 162 key
results or 324. Its epics were bulk-created without an audit trail, so the cumulative flow
counts them from the day their rows were made (they all stand in today's column)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from northline.insights.reports import selectors as reports
from northline.insights.tests.generated import generate
from northline.insights.tests.test_scale import counts_at_two_sizes
from northline.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "report",
    [
        lambda access: reports.investment(access),
        lambda access: reports.cumulative_flow(access),
        lambda access: reports.key_result_progress(access),
        lambda access: reports.dependency_heat_map(access),
        lambda access: reports.overview(access),
    ],
    ids=["investment", "flow", "key-results", "dependencies", "overview"],
)
def test_each_report_reads_in_the_same_queries_at_two_sizes(report) -> None:
    small, large = counts_at_two_sizes(lambda made: report(made.access))
    assert small == large


def test_the_flow_counts_epics_that_have_no_history() -> None:
    made = generate(make_user("owner"), scale=0.04)
    latest = reports.cumulative_flow(made.access).latest
    # 20 epics in the generator's pattern of ten states, twice.
    assert latest.counts == {"funnel": 2, "todo": 6, "doing": 10, "done": 2, "closed": 0}


def test_the_key_result_page_reads_in_the_same_queries_at_two_sizes() -> None:
    def page(made) -> None:
        client = Client()
        client.force_login(made.access.user)
        url = reverse("insights_report_key_results", args=[made.organization.slug])
        assert client.get(url).status_code == 200

    small, large = counts_at_two_sizes(page)
    assert small == large
