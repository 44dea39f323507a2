"""Background work of the portfolio: the feedback loop, run by `northline worker` (inline in
tests). Every epic and story service enqueues it, and so does every reading of an indicator an
epic or a story measures through (see ``PortfolioConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from northline.orgs.models import Organization


@task()
def recompute_feedback_task(organization_id: int) -> dict[str, int]:
    """Open, refresh and withdraw the organization's recommendations; returns the counts."""
    from northline.portfolio.services import recompute_feedback

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:  # deleted since the task was enqueued
        return {"opened": 0, "updated": 0, "withdrawn": 0}
    return recompute_feedback(organization)


def on_reading_recorded(sender: Any, reading: Any, indicator: Any, **kwargs: Any) -> None:
    """A reading moved an indicator: recompute if an epic or a story measures through it."""
    from northline.portfolio.models import Epic, Story
    from northline.portfolio.services import schedule_feedback

    measured = (
        Epic.lagging_indicators.through.objects.filter(indicator_id=indicator.pk).exists()
        or Story.leading_indicators.through.objects.filter(indicator_id=indicator.pk).exists()
    )
    if measured:
        schedule_feedback(indicator.organization_id)
