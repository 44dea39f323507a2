"""Side effects wait for the commit: the e-mails of a notification are queued once the change
that caused them commits, and never for a change that rolls back (DESIGN §5)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from northline.orgs import services
from northline.orgs.models import Notification
from northline.testing import Cast

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Refused(Exception):
    pass


def notify_the_owner(cast: Cast) -> None:
    services.notify(cast.org, [cast.owner], kind="decision", title="Proposed: a new mission")


def test_it_queues_the_emails_only_once_the_change_commits(cast: Cast, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    with transaction.atomic():
        notify_the_owner(cast)
        assert DBTaskResult.objects.count() == 0
    queued = DBTaskResult.objects.values_list("task_path", flat=True)
    assert list(queued) == ["northline.orgs.tasks.email_notifications"]


def test_a_change_that_rolls_back_sends_no_email(cast: Cast) -> None:
    with pytest.raises(Refused), transaction.atomic():
        notify_the_owner(cast)
        raise Refused
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_committed_change_sends_its_email(cast: Cast) -> None:
    with transaction.atomic():
        notify_the_owner(cast)
        assert mail.outbox == []
    assert [message.to for message in mail.outbox] == [["olivia@example.org"]]
