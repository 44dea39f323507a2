"""What the lab's routers share: ids in a body become the records the services take."""

from __future__ import annotations

from typing import Any


def references(fields: dict[str, Any]) -> dict[str, Any]:
    """``person_id`` → ``person``, ``team_id`` → ``team``: the services take records or ids by
    field name."""
    return {name.removesuffix("_id"): value for name, value in fields.items()}
