"""Demo steps of the lab app (see northline/orgs/demo.py for how steps run)."""

from typing import Any

STEPS: list[tuple[str, Any]] = []
