"""Demo data of insights: a completed pulse survey and 60 days of index snapshots, for the
ministry (DESIGN §2.8). Runs after every other app's demo steps, so it sees their records."""

from __future__ import annotations

from northline.insights.index import demo as demo_snapshots
from northline.insights.surveys import demo as demo_surveys

STEPS = [
    ("Insights: a completed purpose pulse survey", demo_surveys.step),
    ("Insights: 60 days of alignment index snapshots", demo_snapshots.step),
]
