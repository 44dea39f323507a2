"""API routes of the lab app (api_governance)."""

from ninja import Router

router = Router(tags=["lab"])
