"""Background work of the portfolio: the feedback loop, run by `northline worker` (inline in
tests). Every epic and story service enqueues it once its transaction commits, and so does every
reading of an indicator an epic or a story measures through (see ``PortfolioConfig.ready``).

The task is declared in northline.portfolio.services, next to the work it runs: this module
imports services, and services import no task module (no import cycle, DESIGN §5). It is also
reachable here, where tasks queued by earlier versions name it.
"""

from __future__ import annotations

from typing import Any

from northline.portfolio.models import Epic, Story
from northline.portfolio.services import recompute_feedback_task, schedule_feedback

__all__ = ["on_reading_recorded", "recompute_feedback_task"]


def on_reading_recorded(sender: Any, reading: Any, indicator: Any, **kwargs: Any) -> None:
    """A reading moved an indicator: recompute if an epic or a story measures through it."""
    measured = (
        Epic.lagging_indicators.through.objects.filter(indicator_id=indicator.pk).exists()
        or Story.leading_indicators.through.objects.filter(indicator_id=indicator.pk).exists()
    )
    if measured:
        schedule_feedback(indicator.organization_id)
