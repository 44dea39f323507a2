"""Which page shows a record of a given audit type, so history rows can link to it.

The orgs app cannot import the apps above it (DESIGN §5), so each app registers its own record
pages from its ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models


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
