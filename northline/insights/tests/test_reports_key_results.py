"""Key-result progress: a period's objectives and key results as the goals cascade judges
them, with the latest confidence, the team filter, and each period's mean score.

The period runs 100 days from 1 Jan 2026 (to 11 Apr) and the report is read on 20 Feb 2026
at midnight, 50 days in: the expected share is exactly one half.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from northline.goals import services
from northline.goals.models import KeyResult, Objective, Period
from northline.insights.reports import charts as charts_reports
from northline.insights.reports import exports as exports_reports
from northline.insights.reports import selectors as reports
from northline.lib.errors import Invalid
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 2, 20, tzinfo=dt.UTC)


def moment(month: int, day: int, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


@dataclass
class Okrs:
    access: Access
    q1: Period
    q4: Period
    q2: Period
    team: Team
    permits: Objective
    counter: Objective
    online: KeyResult  # 45 % of the way, on track, confidence 70
    days: KeyResult  # 10 %, weight 2, off track and not moving, confidence 40
    visits: KeyResult  # no check-in: not started


def check_in(access: Access, result: KeyResult, *points: tuple[dt.datetime, float, int | None]):
    for at, value, confidence in points:
        services.record_check_in(access, result, value=value, confidence=confidence, recorded_at=at)


def build_okrs(access: Access, title: str = "Applications made online") -> Okrs:
    q1 = services.create_period(
        access, name="Q1 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 4, 11)
    )
    q4 = services.create_period(
        access, name="Q4 2025", starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2025, 12, 31)
    )
    q2 = services.create_period(
        access, name="Q2 2026", starts_on=dt.date(2026, 4, 12), ends_on=dt.date(2026, 6, 30)
    )
    team = org_services.create_team(access, name="Permits", kind="product")
    permits = services.create_objective(
        access, title="Permits online end to end", period=q1, status="active"
    )
    counter = services.create_objective(
        access, title="Fewer counter visits", period=q1, team=team, parent=permits, status="active"
    )
    online = services.create_key_result(access, permits, title=title, baseline=0, target=100)
    days = services.create_key_result(
        access, permits, title="Days to decide", baseline=30, target=10, weight=2
    )
    visits = services.create_key_result(
        access, counter, title="Counter visits a week", baseline=1000, target=500
    )
    check_in(
        access,
        online,
        (moment(1, 10), 20, 60),
        (moment(2, 1), 45, 70),
        (moment(2, 19), 45, None),
        # After the report's moment: not seen.
        (moment(2, 25), 90, 95),
    )
    check_in(
        access, days, (moment(1, 5), 28, None), (moment(1, 20), 28, None), (moment(2, 5), 28, 40)
    )
    # Last quarter: one key result half-way at the period's end (a later check-in does not
    # count for its score), one never checked in.
    old = services.create_objective(
        access, title="Pilot the online form", period=q4, status="active"
    )
    half = services.create_key_result(access, old, title="Forms sent online", baseline=0, target=10)
    services.create_key_result(access, old, title="Pilot teams", baseline=0, target=4)
    check_in(access, half, (moment(12, 15, 2025), 5, 50), (moment(1, 5), 8, 80))
    return Okrs(access, q1, q4, q2, team, permits, counter, online, days, visits)


@pytest.fixture
def okrs(cast: Cast) -> Okrs:
    return build_okrs(cast.owner_access)


def lines(report: reports.KeyResultReport) -> list[tuple]:
    return [
        (
            line.key_result.title,
            round(line.progress, 4),
            round(line.expected, 4),
            line.pace.value,
            line.stalled,
            line.confidence,
            round(line.score, 4),
        )
        for line in report.key_results
    ]


def test_it_reports_each_key_result_of_the_current_period(okrs: Okrs) -> None:
    report = reports.key_result_progress(okrs.access, at=AT)

    assert report.period == okrs.q1  # the period holding 20 Feb
    assert report.final is False
    assert [(line.objective.title, line.depth) for line in report.objectives] == [
        ("Permits online end to end", 0),
        ("Fewer counter visits", 1),
    ]
    # title, progress, expected, pace, not moving, confidence, score (so far)
    assert lines(report) == [
        ("Applications made online", 0.45, 0.5, "on_track", False, 70, 0.45),
        ("Days to decide", 0.1, 0.5, "off_track", True, 40, 0.1),
        ("Counter visits a week", 0.0, 0.5, "not_started", False, None, 0.0),
    ]
    permits, counter = report.objectives
    # (0.45 × 1 + 0.1 × 2) / 3
    assert round(permits.node.progress, 4) == 0.2167
    assert permits.node.pace.value == "off_track"
    assert counter.node.pace.value == "not_started"
    assert report.pace_counts() == {"on_track": 1, "at_risk": 0, "off_track": 1, "not_started": 1}
    assert report.stalled_count == 1
    assert round(report.mean_score or 0, 4) == 0.1833  # (0.45 + 0.1 + 0) / 3


def test_it_shows_one_team_and_keeps_its_objectives_when_the_parent_is_not_theirs(
    okrs: Okrs,
) -> None:
    report = reports.key_result_progress(okrs.access, team=okrs.team, at=AT)
    assert [(line.objective.title, line.depth) for line in report.objectives] == [
        ("Fewer counter visits", 0)
    ]
    assert lines(report) == [("Counter visits a week", 0.0, 0.5, "not_started", False, None, 0.0)]
    assert [
        (score.period.name, score.key_results, score.mean_score) for score in report.across
    ] == [
        ("Q2 2026", 0, None),
        ("Q1 2026", 1, 0.0),
        ("Q4 2025", 0, None),
    ]


def test_it_gives_each_periods_mean_key_result_score(okrs: Okrs) -> None:
    report = reports.key_result_progress(okrs.access, at=AT)
    assert [
        (
            score.period.name,
            score.key_results,
            score.mean_score and round(score.mean_score, 4),
            score.final,
        )
        for score in report.across
    ] == [
        ("Q2 2026", 0, None, False),
        ("Q1 2026", 3, 0.1833, False),
        # 5 of 10 at the end of 31 Dec (the 8 of 5 Jan came after), and 0 of 4: (0.5 + 0) / 2.
        ("Q4 2025", 2, 0.25, True),
    ]


def test_it_reports_an_ended_period_with_final_scores(okrs: Okrs) -> None:
    report = reports.key_result_progress(okrs.access, period=okrs.q4, at=AT)
    assert report.final is True
    assert lines(report) == [
        # Unchanged since 5 Jan, 46 days before the report: not moving.
        ("Forms sent online", 0.8, 1.0, "at_risk", True, 80, 0.5),
        ("Pilot teams", 0.0, 1.0, "not_started", False, None, 0.0),
    ]


def test_it_matches_the_cascade_of_the_goals_pages(okrs: Okrs) -> None:
    from northline.goals.selectors import cascade

    tree = cascade(okrs.access, okrs.q1, at=AT)
    report = reports.key_result_progress(okrs.access, period=okrs.q1, at=AT)
    by_id = {
        result.key_result.pk: (result.progress, result.pace, result.score)
        for node in tree.nodes.values()
        for result in node.key_results
    }
    assert {
        line.key_result.pk: (line.progress, line.pace, line.score) for line in report.key_results
    } == by_id
    q1 = next(score for score in report.across if score.period == okrs.q1)
    assert q1.mean_score == pytest.approx(sum(score for _, _, score in by_id.values()) / 3)


def test_it_is_empty_without_periods_or_objectives(cast: Cast) -> None:
    access = cast.owner_access
    report = reports.key_result_progress(access, at=AT)
    assert report.period is None and not report.has_data and report.across == []
    assert reports.key_result_summary(report) == "No periods yet."
    services.create_period(
        access, name="Q1 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 4, 11)
    )
    report = reports.key_result_progress(access, at=AT)
    assert report.period is not None and report.objectives == []
    assert reports.key_result_summary(report) == "Q1 2026: no key results yet."


def test_it_sums_up_the_period_in_one_line(okrs: Okrs) -> None:
    assert reports.key_result_summary(reports.key_result_progress(okrs.access, at=AT)) == (
        "Q1 2026: 3 key results, 1 on track, 0 at risk, 1 off track, 1 not started; "
        "mean score 0.18."
    )


def test_it_refuses_a_period_or_team_of_another_organization(cast: Cast, okrs: Okrs) -> None:
    outsider = cast.access(cast.outsider, cast.other_org)
    theirs = services.create_period(
        outsider, name="Theirs", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 1)
    )
    their_team = org_services.create_team(outsider, name="Theirs", kind="product")
    with pytest.raises(Invalid) as refused:
        reports.period_in_org(okrs.access, theirs.pk)
    assert refused.value.fields == {"period": "Not a period of this organization."}
    with pytest.raises(Invalid) as refused:
        reports.team_in_org(okrs.access, their_team.pk)
    assert refused.value.fields == {"team": "Not a team of this organization."}
    assert reports.period_in_org(okrs.access, okrs.q1.pk) == okrs.q1
    assert reports.team_in_org(okrs.access, None) is None


def test_it_reads_in_a_constant_number_of_queries(okrs: Okrs) -> None:
    def grow() -> None:
        for number in range(4):
            objective = services.create_objective(
                okrs.access, title=f"More {number}", period=okrs.q1, status="active"
            )
            result = services.create_key_result(
                okrs.access, objective, title=f"Measure {number}", baseline=0, target=10
            )
            check_in(okrs.access, result, (moment(1, 10), 2, 50), (moment(2, 10), 4, 60))

    count = assert_queries_constant(lambda: reports.key_result_progress(okrs.access, at=AT), grow)
    assert count == 9  # the cascade reads the organization's teams once (goals.selectors)


def test_it_draws_a_bar_per_key_result_with_the_expected_share_marked(okrs: Okrs) -> None:
    report = reports.key_result_progress(okrs.access, at=AT)
    svg = str(charts_reports.key_result_chart(report.key_results, chart_id="krs"))
    assert '<title id="krs-title">Key-result progress</title>' in svg
    assert (
        "Applications made online: 45 % of an expected 50 %, on track; Days to decide: 10 % of "
        "an expected 50 %, off track, not moving; Counter visits a week: 0 % of an expected "
        "50 %, not started." in svg
    )
    assert svg.count('class="kr-expected"') == 3
    assert "45 % · on track</text>" in svg
    assert "10 % · off track, not moving</text>" in svg
    assert 'class="kr-fill kr-off_track"' in svg


def test_it_exports_a_row_per_key_result_with_formulas_kept_as_text(cast: Cast) -> None:
    okrs = build_okrs(cast.owner_access, title="@SUM(A1:A9)")
    rows = exports_reports.key_result_rows(reports.key_result_progress(okrs.access, at=AT))
    assert rows[0] == [
        "period",
        "objective",
        "team",
        "key result",
        "weight",
        "progress",
        "expected",
        "pace",
        "not moving",
        "confidence",
        "score",
        "score final",
    ]
    assert rows[1:] == [
        [
            "Q1 2026",
            "Permits online end to end",
            "organization",
            "'@SUM(A1:A9)",
            1.0,
            0.45,
            0.5,
            "on track",
            False,
            70,
            0.45,
            False,
        ],
        [
            "Q1 2026",
            "Permits online end to end",
            "organization",
            "Days to decide",
            2.0,
            0.1,
            0.5,
            "off track",
            True,
            40,
            0.1,
            False,
        ],
        [
            "Q1 2026",
            "Fewer counter visits",
            "Permits",
            "Counter visits a week",
            1.0,
            0.0,
            0.5,
            "not started",
            False,
            None,
            0.0,
            False,
        ],
    ]
