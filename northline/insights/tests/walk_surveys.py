"""Records for the OpenAPI walk's paths of the pulse surveys: an open organization-wide survey
with one link (``survey_id``, ``survey_link_id``). The walk's writes are all refused, so the
survey stays open and the link active."""

from __future__ import annotations

from typing import Any

from northline.insights.surveys import services
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    survey = services.create_survey(access, title="Walk pulse")
    link, _ = services.create_link(access, survey, label="Walk respondent")
    values.update(survey_id=survey.pk, survey_link_id=link.pk)
