"""Which page shows a record of a given audit type, so history rows can link to it.

The orgs app cannot import the apps above it (DESIGN §5), so each app registers its own record
pages from its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from northline.lib.routes import url_with_id
from northline.orgs.access import Access


@dataclass(frozen=True)
class RecordPage:
    url_name: str
    kwarg: str  # the URL's keyword for the record's id; ``slug`` is always given too


RECORD_PAGES: dict[str, RecordPage] = {}


def register_record_page(object_type: str, url_name: str, kwarg: str) -> None:
    """``register_record_page("strategy.theme", "strategy_theme", "theme_id")``."""
    RECORD_PAGES[object_type] = RecordPage(url_name=url_name, kwarg=kwarg)


def model_of(object_type: str) -> type[models.Model]:
    app_label, _, model_name = object_type.partition(".")
    return apps.get_model(app_label, model_name)


def record_url(slug: str, object_type: str, pk: int | str) -> str:
    """The page of one record of a registered type, or "" for a type without a page."""
    page = RECORD_PAGES.get(object_type)
    if page is None:
        return ""
    return reverse(page.url_name, kwargs={"slug": slug, page.kwarg: int(pk)})


class RecordUrls:
    """Record pages by type, reversed once per type (a map can hold thousands of records)."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self._makers: dict[str, Callable[[int], str]] = {}

    def __call__(self, object_type: str, pk: int) -> str:
        maker = self._makers.get(object_type)
        if maker is None:
            page = RECORD_PAGES.get(object_type)
            if page is None:
                return ""
            maker = self._makers[object_type] = url_with_id(
                page.url_name, kwarg=page.kwarg, slug=self.slug
            )
        return maker(pk)


# Panels: what an app above shows on another app's record page --------------------------------

# A record page of a lower app cannot know what the apps above it link to the record (the key
# result's page cannot import the portfolio's epics), so an upper app registers a panel for the
# record type from its ``AppConfig.ready``: ``panel(request, access, record)`` returns the HTML
# it adds to the page (rendered from its own template, so escaped), or "" to add nothing.
RecordPanel = Callable[[HttpRequest, Access, Any], str]
RECORD_PANELS: dict[str, list[RecordPanel]] = {}


def register_record_panel(object_type: str, panel: RecordPanel) -> None:
    """``register_record_panel("goals.keyresult", key_result_epics_panel)``."""
    panels = RECORD_PANELS.setdefault(object_type, [])
    if panel not in panels:
        panels.append(panel)


def record_panels(
    request: HttpRequest, access: Access, object_type: str, record: models.Model
) -> list[str]:
    """The registered panels' HTML for one record's page, in registration order."""
    return [
        html
        for panel in RECORD_PANELS.get(object_type, [])
        if (html := panel(request, access, record))
    ]
