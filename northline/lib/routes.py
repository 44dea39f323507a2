"""URL patterns of a record and of the buttons that act on it, declared once.

A record's page lives at ``<things>/<int:thing_id>/`` and each of its buttons one segment
below (``…/delete/``, ``…/move/``, ``…/reset-rank/``), named after the page's URL name
(``portfolio_epic`` → ``portfolio_epic_delete``). :func:`record_paths` writes that convention
once instead of a ``path()`` per address in every app's ``urls.py``; addresses that do not
follow it stay explicit ``path()`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

View = Callable[..., Any]


def record_paths(route: str, view: View | None, name: str, **buttons: View) -> list[URLPattern]:
    """The record's page ``view`` at ``route`` named ``name`` (none where ``view`` is None), then
    each button at ``route`` + the button's keyword with hyphens (``reset_rank`` →
    ``reset-rank/``) named ``name_<keyword>``:

    ``record_paths("epics/<int:epic_id>/", views.epic, "portfolio_epic", delete=views.epic_delete)``
    """
    page = [path(route, view, name=name)] if view is not None else []
    return page + [
        path(f"{route}{action.replace('_', '-')}/", button, name=f"{name}_{action}")
        for action, button in buttons.items()
    ]
