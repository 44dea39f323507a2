"""Records for the permission walks: a preview of the Taiga fixture (its file kept, so the
apply button's target has something to refuse to a viewer)."""

from __future__ import annotations

from typing import Any

from northline.imports import services
from northline.imports.tests.test_taiga import FIXTURE
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    run = services.preview_upload(
        cast.owner_access, source="taiga", filename="walk.json", content=FIXTURE.read_bytes()
    )
    values["run_id"] = run.pk
    values["import_id"] = run.pk
    values["source"] = "jira"
