"""The weekly check-in reminder: one e-mail per key-result owner listing what is due, only to
owners who can and want to receive it, sent by the worker, which then queues next Monday's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from northline.goals import services, tasks
from northline.goals.models import KeyResult
from northline.goals.tests.conftest import Goals
from northline.orgs import services as org_services
from northline.orgs.models import Membership, Person
from northline.orgs.schedule import next_run_after
from northline.testing import Cast

BASE = "https://northline.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.NORTHLINE_BASE_URL = BASE


def edith(cast: Cast) -> Person:
    return Person.objects.get(organization=cast.org, user=cast.editor)


def owned_by(goals: Goals, person: Person | None) -> KeyResult:
    kr = goals.key_result
    KeyResult.objects.filter(pk=kr.pk).update(owner=person)
    kr.refresh_from_db()
    return kr


def test_an_owner_with_a_key_result_due_gets_one_mail_listing_it(cast: Cast, goals: Goals) -> None:
    kr = owned_by(goals, edith(cast))
    retired: dict[str, Any] = {
        "title": "Paper forms retired",
        "baseline": 0,
        "target": 10,
        "owner": edith(cast),
    }
    second = services.create_key_result(cast.owner_access, goals.child, **retired)
    services.record_check_in(
        cast.owner_access,
        second,
        value=2,
        recorded_at=timezone.now() - dt.timedelta(days=9),
    )
    assert tasks.send_checkin_reminders_at(timezone.now()) == 1
    (message,) = mail.outbox
    assert message.to == ["edith@example.org"]
    assert message.subject == "Northline: 2 key results due a check-in"
    # Never checked in first, then the longest waiting.
    assert message.body.startswith(
        "2 key results you own are due a check-in:\n\n"
        "Acme Ministry\n"
        "- Applications made online (Launch the online application): no check-in yet\n"
        f"  {BASE}/o/acme/goals/key-results/{kr.pk}/\n"
        "- Paper forms retired (Launch the online application): last check-in 9 days ago\n"
        f"  {BASE}/o/acme/goals/key-results/{second.pk}/\n\n"
    )
    assert message.body.endswith(f"{BASE}/me/preferences/")


def saved(record: Any, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=list(fields))


def assert_nobody_is_reminded() -> None:
    assert tasks.send_checkin_reminders_at(timezone.now()) == 0
    assert mail.outbox == []


def test_a_key_result_checked_in_within_its_cadence_is_not_due(cast: Cast, goals: Goals) -> None:
    kr = owned_by(goals, edith(cast))
    services.record_check_in(
        cast.owner_access, kr, value=120, recorded_at=timezone.now() - dt.timedelta(days=2)
    )
    assert_nobody_is_reminded()


def test_an_owner_who_turned_reminders_off_gets_nothing(cast: Cast, goals: Goals) -> None:
    owned_by(goals, edith(cast))
    org_services.set_preference(cast.editor, checkin_reminders=False)
    assert_nobody_is_reminded()


def test_a_digest_or_inbox_only_choice_leaves_the_reminder_on(cast: Cast, goals: Goals) -> None:
    owned_by(goals, edith(cast))
    org_services.set_preference(cast.editor, delivery="inbox")
    assert tasks.send_checkin_reminders_at(timezone.now()) == 1


def test_a_person_without_a_login_gets_nothing(cast: Cast, goals: Goals) -> None:
    signatory = org_services.create_person(
        cast.owner_access, name="Sam Signatory", email="sam@example.org"
    )
    owned_by(goals, signatory)
    assert_nobody_is_reminded()


def test_an_owner_without_an_address_or_inactive_gets_nothing(cast: Cast, goals: Goals) -> None:
    owned_by(goals, edith(cast))
    saved(cast.editor, email="")
    assert_nobody_is_reminded()
    saved(cast.editor, email="edith@example.org", is_active=False)
    assert_nobody_is_reminded()


def test_an_owner_removed_from_the_organization_gets_nothing(cast: Cast, goals: Goals) -> None:
    owned_by(goals, edith(cast))
    membership = Membership.objects.get(user=cast.editor, organization=cast.org)
    org_services.remove_member(cast.owner_access, membership)
    assert_nobody_is_reminded()


def test_a_closed_objective_asks_for_no_check_in(cast: Cast, goals: Goals) -> None:
    owned_by(goals, edith(cast))
    saved(goals.child, status="closed")
    assert_nobody_is_reminded()


# Scheduling and the worker ----------------------------------------------------------------


def test_it_runs_next_on_a_monday_at_seven_utc() -> None:
    utc = dt.UTC
    at, monday = tasks.REMIND_AT, 0
    # Saturday 5 December 2026 → Monday 7 December.
    assert next_run_after(dt.datetime(2026, 12, 5, 9, 0, tzinfo=utc), at, weekday=monday) == (
        dt.datetime(2026, 12, 7, 7, 0, tzinfo=utc)
    )
    # Monday before seven: that morning; at seven sharp: a week later.
    assert next_run_after(dt.datetime(2026, 12, 7, 6, 59, tzinfo=utc), at, weekday=monday) == (
        dt.datetime(2026, 12, 7, 7, 0, tzinfo=utc)
    )
    assert next_run_after(dt.datetime(2026, 12, 7, 7, 0, tzinfo=utc), at, weekday=monday) == (
        dt.datetime(2026, 12, 14, 7, 0, tzinfo=utc)
    )


# The worker closes the database connection when its batch ends: outside a test transaction
# (as in production) the next query simply connects again; PostgreSQL cannot inside one.
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_reminders_and_queues_next_monday(
    cast: Cast, goals: Goals, settings
) -> None:
    """The real task path: queued in the database, run by django-tasks-db's worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    owned_by(goals, edith(cast))
    tasks.send_checkin_reminders.enqueue()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [message.to for message in mail.outbox] == [["edith@example.org"]]
    runs = DBTaskResult.objects.filter(task_path=tasks.send_checkin_reminders.module_path)
    assert sorted(runs.values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]
    upcoming = runs.get(status="READY").run_after
    assert (upcoming.astimezone(dt.UTC).weekday(), upcoming.astimezone(dt.UTC).time()) == (
        0,
        dt.time(7, 0),
    )
    assert upcoming > timezone.now()
    # The worker starting again does not queue a second run for that Monday.
    assert tasks.schedule_checkin_reminders() is False
    assert runs.filter(status="READY").count() == 1
