"""API routes of the insights index."""

from ninja import Router

router = Router()
