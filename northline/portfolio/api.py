"""API routes of the portfolio app."""

from ninja import Router

router = Router(tags=["portfolio"])
