"""Demo data of insights: a completed pulse survey and index snapshots taken every third day of
the demo's 90, for the ministry (DESIGN §2.8). Runs after every other app's demo steps, so it
sees their records."""

from __future__ import annotations

from northline.insights.index import demo as index_demo
from northline.insights.surveys import demo as surveys_demo
from northline.insights.tasks import schedule_daily_snapshots
from northline.orgs.demo import DemoContext


def snapshots_step(ctx: DemoContext) -> None:
    index_demo.step(ctx)
    # With the database queue, `northline worker` then keeps taking one a day (a no-op with a
    # backend that cannot defer, such as the tests' immediate one). Scheduled here rather than
    # in the index's demo: the daily task (insights.tasks) imports the index's services, so
    # the index package importing the task back would make a cycle.
    schedule_daily_snapshots()


STEPS = [
    ("Insights: a completed purpose pulse survey", surveys_demo.step),
    ("Insights: the alignment index, snapshotted every third day", snapshots_step),
]
