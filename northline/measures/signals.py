"""Signals other apps listen to; measures imports none of them (DESIGN §5 layering)."""

from django.dispatch import Signal

# Sent inside the recording transaction with ``reading`` and ``indicator``; the portfolio's
# feedback loop listens to recompute recommendations (through the task framework).
reading_recorded = Signal()
