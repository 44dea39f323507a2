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

from django.urls import URLPattern, path, reverse

View = Callable[..., Any]


def record_paths(route: str, view: View | None, name: str, **buttons: View) -> list[URLPattern]:
    """The record's page ``view`` at ``route`` named ``name`` (none where ``view`` is None), then
    each button (or page of the record's, such as an engagement's ``agreements``) at ``route`` +
    the button's keyword with hyphens (``reset_rank`` → ``reset-rank/``) named ``name_<keyword>``:

    ``record_paths("epics/<int:epic_id>/", views.epic, "portfolio_epic", delete=views.epic_delete)``
    """
    page = [path(route, view, name=name)] if view is not None else []
    return page + [
        path(f"{route}{action.replace('_', '-')}/", button, name=f"{name}_{action}")
        for action, button in buttons.items()
    ]


# Buttons that make a child or link one act on the list of children; every other acts on one.
LIST_BUTTONS = frozenset({"add", "new", "link"})


def child_paths(route: str, param: str, name: str, **buttons: View) -> list[URLPattern]:
    """The buttons of a record's children, listed on the record's page at ``route``
    (``investments/<int:investment_id>/spends/``): ``add``, ``new`` and ``link`` at ``route``
    itself, every other one below the child's ``<int:param>/``, all named ``name_<keyword>``:

    ``child_paths("bodies/<int:body_id>/responsibilities/", "responsibility_id",
    "strategy_responsibility", add=views.responsibility_add, delete=views.responsibility_delete)``
    """
    on_list = {action: view for action, view in buttons.items() if action in LIST_BUTTONS}
    on_child = {action: view for action, view in buttons.items() if action not in LIST_BUTTONS}
    return record_paths(route, None, name, **on_list) + record_paths(
        f"{route}<int:{param}>/", None, name, **on_child
    )


# An id no record has: reversed in its place, then replaced by each record's.
SENTINEL = 987654321


def url_with_id(name: str, *, kwarg: str, **kwargs: Any) -> Callable[[int], str]:
    """``url_with_id("portfolio_epic", kwarg="epic_id", slug=slug)(12)`` is
    ``reverse("portfolio_epic", kwargs={"slug": slug, "epic_id": 12})``, reversed once: a page
    that links thousands of records (a board's cards, the map's nodes) pays one reversal, not
    one per record (about 25 µs each)."""
    before, _, after = reverse(name, kwargs={**kwargs, kwarg: SENTINEL}).rpartition(str(SENTINEL))
    return lambda pk: f"{before}{pk}{after}"
