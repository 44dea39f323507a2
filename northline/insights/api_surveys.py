"""API routes of the insights surveys."""

from ninja import Router

router = Router()
