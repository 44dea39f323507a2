"""API routes of the insights map."""

from ninja import Router

router = Router()
