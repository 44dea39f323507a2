"""API routes of the delivery app."""

from ninja import Router

router = Router(tags=["delivery"])
