"""Demo step (filled by its builder)."""

from __future__ import annotations

from typing import Any


def step(ctx: Any) -> None:
    pass
