"""API routes of the insights reports."""

from ninja import Router

router = Router()
