"""Notices: who hears about a change, through which channels, and when a notice is late."""

from __future__ import annotations

import datetime as dt
import json

from django.core import mail
from django.utils import timezone

from northline.delivery import services
from northline.delivery.models import Notice, WebhookDelivery
from northline.orgs.models import Notification
from northline.testing import Cast


def test_it_tells_every_member_with_a_login_through_every_channel(
    cast: Cast, plan, receiver, allow_private
) -> None:
    hook = services.create_webhook(plan.access, url=receiver.url(), events=["notice.sent"])
    release = plan.release(30)
    feature = plan.feature(release)
    mail.outbox.clear()

    services.add_impact(
        plan.access, feature, team=plan.contact, role="impactee", what_is_needed="A call script."
    )

    notice = Notice.objects.get()
    assert (notice.reason, notice.days_left, notice.lead_time_days, notice.late) == (
        "impact_added",
        30,
        10,
        False,
    )
    assert notice.release_date == timezone.localdate() + dt.timedelta(days=30)
    # Edith has a login on the Contact Centre; Owen, also on it, has none.
    inbox = Notification.objects.filter(kind="delivery.notice")
    assert [item.recipient.username for item in inbox] == ["edith"]
    assert inbox.get().title == "Notice: Plain status page (impact added)"
    assert [message.to for message in mail.outbox] == [["edith@example.org"]]
    assert "A call script." in mail.outbox[0].body
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert (delivery.event, delivery.status, delivery.attempts) == ("notice.sent", "succeeded", 1)
    sent = json.loads(receiver.requests[0].body)
    assert sent["event"] == "notice.sent"
    assert sent["data"]["team"] == {"id": plan.contact.pk, "name": "Contact Centre"}
    assert sent["data"]["late"] is False


def test_it_sends_no_notice_to_an_impactor(plan) -> None:
    feature = plan.feature(plan.release(30))
    services.add_impact(plan.access, feature, team=plan.builders, role="impactor")
    assert not Notice.objects.exists()
    assert not Notification.objects.filter(kind="delivery.notice").exists()


def test_it_marks_a_notice_late_one_day_inside_the_lead_time(plan) -> None:
    on_time = plan.feature(plan.release(10, "Ten days out"), title="On time")
    late = plan.feature(plan.release(9, "Nine days out"), title="Late")
    services.add_impact(plan.access, on_time, team=plan.contact, role="impactee")
    services.add_impact(plan.access, late, team=plan.contact, role="impactee")
    assert Notice.objects.get(impact__feature=on_time).late is False
    notice = Notice.objects.get(impact__feature=late)
    assert (notice.days_left, notice.late) == (9, True)
    assert Notification.objects.filter(title="Late notice: Late (impact added)").count() == 1


def test_it_sends_a_fresh_late_notice_when_a_release_moves_closer(cast: Cast, plan) -> None:
    release = plan.release(30)
    feature = plan.feature(release)
    services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    services.add_impact(plan.access, feature, team=plan.training, role="impactee")
    assert list(Notice.objects.values_list("late", flat=True)) == [False, False]
    mail.outbox.clear()

    services.update_release(
        plan.access,
        release,
        version=release.version,
        planned_date=timezone.localdate() + dt.timedelta(days=15),
    )

    moved = {n.impact.team.name: n for n in Notice.objects.filter(reason="moved")}
    # 15 days left: enough for the Contact Centre (10), too few for Training (21).
    assert (moved["Contact Centre"].days_left, moved["Contact Centre"].late) == (15, False)
    assert (moved["Training"].days_left, moved["Training"].late) == (15, True)
    assert Notice.objects.count() == 4
    assert sorted(message.to[0] for message in mail.outbox) == [
        "edith@example.org",
        "victor@example.org",
    ]
    victor_inbox = Notification.objects.filter(recipient=cast.viewer).order_by("-id")
    assert victor_inbox[0].title == "Late notice: Plain status page (moved)"


def test_it_sends_no_notice_when_the_date_stays(plan) -> None:
    release = plan.release(30)
    services.add_impact(plan.access, plan.feature(release), team=plan.contact, role="impactee")
    services.update_release(plan.access, release, version=release.version, name="Renamed")
    assert Notice.objects.count() == 1


def test_it_tells_the_impactees_when_a_feature_is_planned_into_a_release(plan) -> None:
    feature = plan.feature(None)
    services.add_impact(plan.access, feature, team=plan.training, role="impactee")
    undated = Notice.objects.get()
    assert (undated.release_date, undated.days_left, undated.late) == (None, None, False)

    release = plan.release(20)
    services.update_feature(plan.access, feature, version=feature.version, release=release.pk)

    planned = Notice.objects.get(reason="planned")
    assert (planned.release_id, planned.days_left, planned.late) == (release.pk, 20, True)


def test_it_tells_the_impactees_when_the_release_is_decided(plan) -> None:
    release = plan.release(30)
    impact = services.add_impact(
        plan.access, plan.feature(release), team=plan.contact, role="impactee"
    )
    services.acknowledge(plan.access, impact)
    release.refresh_from_db()
    services.decide_release(plan.access, release, version=release.version)
    assert Notice.objects.filter(reason="decided").count() == 1


def test_a_release_page_knows_which_teams_notices_still_wait_for_the_worker(cast: Cast, plan):
    """The page says "notices to N teams are being sent" while their delivery task is queued
    or running, and stops saying it once the worker has finished it."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    from northline.delivery.selectors import DELIVER_NOTICES, teams_being_told

    release = plan.release(30)
    feature = plan.feature(release)
    for team in (plan.contact, plan.training):
        services.add_impact(plan.access, feature, team=team, role="impactee")
    other = plan.release(40, name="Summer update")
    services.add_impact(
        plan.access, plan.feature(other, "Other"), team=plan.contact, role="impactee"
    )
    ours = sorted(Notice.objects.filter(release=release).values_list("pk", flat=True))
    theirs = list(Notice.objects.filter(release=other).values_list("pk", flat=True))
    assert len(ours) == 2 and len(theirs) == 1
    # The test settings run tasks at once; here the queue is what the database backend keeps.
    assert teams_being_told(release) == 0

    def queue(notice_ids: list[int], status: str) -> DBTaskResult:
        return DBTaskResult.objects.create(
            args_kwargs={"args": [notice_ids], "kwargs": {}},
            task_path=DELIVER_NOTICES,
            backend_name="default",
            run_after=get_date_max(),
            status=status,
        )

    waiting = queue(ours, "READY")
    queue(theirs, "RUNNING")
    queue(ours, "SUCCESSFUL")
    assert teams_being_told(release) == 2
    assert teams_being_told(other) == 1
    DBTaskResult.objects.filter(pk=waiting.pk).update(status="RUNNING")
    assert teams_being_told(release) == 2
    DBTaskResult.objects.filter(pk=waiting.pk).update(status="SUCCESSFUL")
    assert teams_being_told(release) == 0


def test_the_release_page_says_notices_are_being_sent_until_they_are(cast: Cast, plan, client):
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult, get_date_max

    from northline.delivery.selectors import DELIVER_NOTICES

    release = plan.release(30)
    feature = plan.feature(release)
    for team in (plan.contact, plan.training):
        services.add_impact(plan.access, feature, team=team, role="impactee")
    client.force_login(cast.viewer)
    url = reverse("delivery_release", args=[cast.org.slug, release.pk])
    assert "being sent" not in client.get(url).content.decode()
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [list(Notice.objects.values_list("pk", flat=True))], "kwargs": {}},
        task_path=DELIVER_NOTICES,
        backend_name="default",
        run_after=get_date_max(),
    )
    page = client.get(url).content.decode()
    assert "Notices to 2 teams are being sent" in page
    DBTaskResult.objects.filter(pk=task.pk).update(status="SUCCESSFUL")
    assert "being sent" not in client.get(url).content.decode()
