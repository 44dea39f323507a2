"""Daily snapshots: a day's rows for the organization and each team, a re-run that replaces
them, the reads behind the trend, and the daily task that schedules its own next run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from northline.goals import services as goals
from northline.insights import tasks
from northline.insights.index.selectors import snapshots
from northline.insights.index.services import reading_access, take_snapshots
from northline.insights.models import Snapshot
from northline.insights.tests.index_org import Org, story
from northline.lib.errors import Invalid
from northline.orgs.models import Event, Organization
from northline.portfolio import services as portfolio
from northline.testing import Cast, assert_queries_constant


def rows_of(organization: Organization, day: dt.date) -> dict[str | None, tuple]:
    return {
        (row.team.name if row.team else None): (row.index, row.components)
        for row in Snapshot.objects.filter(organization=organization, taken_on=day)
    }


def test_it_snapshots_the_organization_and_each_team(cast: Cast, org: Org) -> None:
    today = timezone.localdate()
    assert take_snapshots(cast.org, today) == 3
    rows = rows_of(cast.org, today)
    # The figures of test_index.py, counted by hand in index_org.py.
    assert rows[None] == (
        58.3,
        {
            "traceability": 56.5,
            "coverage": 50.0,
            "movement": 60.0,
            "governance": 66.7,
            "understanding": None,
        },
    )
    assert rows["Licensing"] == (
        29.5,
        {
            "traceability": 38.5,
            "coverage": 0.0,
            "movement": None,
            "governance": 50.0,
            "understanding": None,
        },
    )
    # Permits: 8 of 10 points, 2 of 2 items covered, 2 of 2 measures, 1 of 1 business case.
    # (80 + 100 + 100 + 100) / 4 = 95
    assert rows["Permits"][0] == 95.0
    assert not Snapshot.objects.filter(organization=cast.other_org).exists()


def test_it_replaces_a_days_rows_when_run_again(cast: Cast, org: Org) -> None:
    today = timezone.localdate()
    take_snapshots(cast.org, today)
    first_ids = set(Snapshot.objects.values_list("id", flat=True))
    # Two more untraced points on Archive scanning: 13 of 25 = 52.0.
    story(org.access, org.archive, "Label the boxes", 2)
    assert take_snapshots(cast.org, today) == 3
    assert Snapshot.objects.filter(organization=cast.org, taken_on=today).count() == 3
    assert rows_of(cast.org, today)[None][1]["traceability"] == 52.0
    assert not first_ids & set(Snapshot.objects.values_list("id", flat=True))
    events = Event.objects.filter(organization=cast.org, verb="snapshot taken")
    assert [event.changes["replaced"] for event in events.order_by("id")] == [0, 3]
    assert {event.actor_name for event in events} == {"daily snapshot"}


def test_it_keeps_other_days_when_a_day_is_replaced(cast: Cast, org: Org) -> None:
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    take_snapshots(cast.org, yesterday)
    take_snapshots(cast.org, today)
    take_snapshots(cast.org, today)
    assert Snapshot.objects.filter(organization=cast.org, taken_on=yesterday).count() == 3
    assert Snapshot.objects.filter(organization=cast.org, taken_on=today).count() == 3


def test_it_refuses_a_day_that_has_not_come(cast: Cast, org: Org) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Invalid) as refused:
        take_snapshots(cast.org, tomorrow)
    assert refused.value.fields == {"date": "Today or earlier."}
    assert not Snapshot.objects.exists()
    assert not Event.objects.filter(verb="snapshot taken").exists()


def test_it_judges_a_past_day_at_its_end(cast: Cast, org: Org) -> None:
    # The records are today's, the measures are judged at the end of that day: twelve days
    # ago about 39 % of the window had gone by. Median days read 40 (on track, one reading),
    # Appeals upheld 55 (its first reading: moving); Online share, the theme's indicator and
    # the form's indicator had no reading yet and were not started: 2 of 5.
    past = timezone.localdate() - dt.timedelta(days=12)
    take_snapshots(cast.org, past)
    assert rows_of(cast.org, past)[None][1]["movement"] == 40.0


def test_it_reads_the_organization_as_its_first_owner(cast: Cast) -> None:
    access = reading_access(cast.org)
    assert access is not None
    assert (access.user, access.role, access.organization) == (cast.owner, "owner", cast.org)


def test_it_reads_snapshots_in_a_range_for_one_team(cast: Cast, org: Org) -> None:
    today = timezone.localdate()
    for ago in (3, 2, 1, 0):
        take_snapshots(cast.org, today - dt.timedelta(days=ago))
    access = org.access
    days = [row.taken_on for row in snapshots(access, since=today - dt.timedelta(days=2))]
    assert days == [today - dt.timedelta(days=2), today - dt.timedelta(days=1), today]
    permits = snapshots(access, team=org.permits, until=today - dt.timedelta(days=2))
    assert [(row.team_id, row.taken_on) for row in permits] == [
        (org.permits.pk, today - dt.timedelta(days=3)),
        (org.permits.pk, today - dt.timedelta(days=2)),
    ]
    with pytest.raises(Invalid) as refused:
        snapshots(access, since=today, until=today - dt.timedelta(days=1))
    assert refused.value.fields == {"since": "On or before “until”."}


# The daily task -----------------------------------------------------------------------------


def test_it_snapshots_every_organization_from_the_task(cast: Cast, org: Org) -> None:
    result = tasks.take_daily_snapshots.enqueue()
    # Acme: itself and its two teams; Elsewhere: itself alone.
    assert result.return_value == 4
    today = timezone.localdate()
    assert Snapshot.objects.filter(taken_on=today, team=None).count() == 2
    # The immediate backend cannot defer: nothing else is queued.
    assert not DBTaskResult.objects.exists()


def test_it_schedules_the_next_run_once_after_midnight_utc(cast: Cast, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.take_daily_snapshots.call()
    tasks.take_daily_snapshots.call()  # a second run the same day
    assert tasks.schedule_daily_snapshots() is False  # and the worker starting up
    queued = DBTaskResult.objects.filter(task_path=tasks.take_daily_snapshots.module_path)
    assert queued.count() == 1
    expected = tasks.next_run_after(timezone.now())
    assert queued.get().run_after == expected
    assert expected.astimezone(dt.UTC).time() == dt.time(0, 5)
    assert expected > timezone.now()


def test_it_picks_the_first_five_past_midnight_after_now() -> None:
    utc = dt.UTC
    assert tasks.next_run_after(dt.datetime(2026, 3, 9, 0, 4, tzinfo=utc)) == dt.datetime(
        2026, 3, 9, 0, 5, tzinfo=utc
    )
    assert tasks.next_run_after(dt.datetime(2026, 3, 9, 0, 5, tzinfo=utc)) == dt.datetime(
        2026, 3, 10, 0, 5, tzinfo=utc
    )
    assert tasks.next_run_after(dt.datetime(2026, 12, 31, 23, 59, tzinfo=utc)) == dt.datetime(
        2027, 1, 1, 0, 5, tzinfo=utc
    )


def test_it_does_not_schedule_with_a_backend_that_cannot_defer(cast: Cast) -> None:
    assert tasks.schedule_daily_snapshots() is False


def test_it_skips_an_organization_without_an_active_owner(cast: Cast, org: Org) -> None:
    cast.owner.is_active = False
    cast.owner.save(update_fields=["is_active"])
    assert reading_access(cast.org) is None
    assert take_snapshots(cast.org, timezone.localdate()) == 0
    assert not Snapshot.objects.exists()


def test_it_takes_snapshots_in_queries_that_grow_with_teams_only(cast: Cast, org: Org) -> None:
    access = org.access
    today = timezone.localdate()

    def grow() -> None:
        for number in range(3):
            made = portfolio.create_epic(access, title=f"More work {number}", team=org.permits)
            story(access, made, f"More {number}", 3, team=org.licensing)
            goals.create_objective(
                access, title=f"More aims {number}", period=org.period, status="active"
            )

    assert_queries_constant(lambda: take_snapshots(cast.org, today), grow)
