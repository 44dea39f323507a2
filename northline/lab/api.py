"""API routes of the lab app (api)."""

from ninja import Router

router = Router(tags=["lab"])
