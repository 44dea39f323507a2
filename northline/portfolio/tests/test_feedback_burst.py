"""A burst of moves shares one feedback recompute (issue 18): while a recompute waits in the
queue, further changes ride on it; one that has started does not absorb later changes."""

from __future__ import annotations

from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from northline.orgs import services as org_services
from northline.portfolio import services
from northline.portfolio.selectors import RECOMPUTE_FEEDBACK
from northline.portfolio.tests.conftest import Board
from northline.testing import Cast

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def waiting_recomputes() -> list[list[int]]:
    return [
        call["args"]
        for call in DBTaskResult.objects.filter(
            task_path=RECOMPUTE_FEEDBACK, status=TaskResultStatus.READY
        ).values_list("args_kwargs", flat=True)
    ]


def test_thirty_moves_in_a_row_queue_one_recompute(board: Board, settings) -> None:
    stories = [story for n in range(3) for story in board.epic(f"Card {n}").stories.all()]
    settings.TASKS = DATABASE_QUEUE
    DBTaskResult.objects.all().delete()
    for state in ["doing", "done", "todo"] * 3 + ["doing"]:
        for story in stories:
            story.refresh_from_db()
            with transaction.atomic():
                services.move_story(board.access, story, state=state, version=story.version)
    assert waiting_recomputes() == [[board.access.organization.pk]]


def test_a_recompute_already_running_does_not_absorb_a_later_change(cast: Cast, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    with transaction.atomic():
        services.schedule_feedback(cast.org)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)  # the worker took it
    with transaction.atomic():
        services.schedule_feedback(cast.org)
    with transaction.atomic():
        services.schedule_feedback(cast.org)
    assert waiting_recomputes() == [[cast.org.pk]]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1


def test_each_organization_gets_its_own_recompute(cast: Cast, settings) -> None:
    other = org_services.create_organization(cast.owner, name="Harbour Works", slug="harbour")
    settings.TASKS = DATABASE_QUEUE
    for org in (cast.org, other, cast.org, other):
        with transaction.atomic():
            services.schedule_feedback(org)
    assert sorted(waiting_recomputes()) == sorted([[cast.org.pk], [other.pk]])
