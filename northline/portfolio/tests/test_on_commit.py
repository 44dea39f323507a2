"""The feedback loop is queued once the change that calls for it commits (DESIGN §5)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from northline.portfolio.services import schedule_feedback
from northline.testing import Cast

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Refused(Exception):
    pass


def test_it_queues_the_recompute_only_once_the_change_commits(cast: Cast, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    with transaction.atomic():
        schedule_feedback(cast.org)
        assert DBTaskResult.objects.count() == 0
    queued = DBTaskResult.objects.values_list("task_path", "args_kwargs")
    assert list(queued) == [
        (
            "northline.portfolio.services.recompute_feedback_task",
            {"args": [cast.org.pk], "kwargs": {}},
        )
    ]


def test_a_change_that_rolls_back_queues_no_recompute(cast: Cast, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    with pytest.raises(Refused), transaction.atomic():
        schedule_feedback(cast.org)
        raise Refused
    assert DBTaskResult.objects.count() == 0
