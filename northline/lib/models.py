"""Model declarations that many apps' models make alike, each rule written once.

The constraint helpers return exactly the constraint the spelled-out declaration made (same
condition, name and message), so ``makemigrations`` sees no change; what they save is saying
"a value is one of its choices", "a name is unique in its organization" or "a span does not end
before it starts" in different words in every model. No model lives here and no app is
imported (lib sits below every app).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def lean(*relations: str, text: tuple[str, ...] = ()) -> list[str]:
    """The columns a page that reads many records never shows, to ``defer()``: every record's
    created and updated times (converting some 20,000 datetimes was a third of loading a large
    organization's alignment graph) and its long ``text`` columns, on the record and on each of
    ``relations`` read along with it (``lean("team", text=("description",))``). A deferred
    column read after all costs a query per row: the pages' pinned query counts would show it."""
    prefixes = ["", *(f"{relation}__" for relation in relations)]
    stamps = [f"{prefix}{name}" for prefix in prefixes for name in ("created_at", "updated_at")]
    return [*stamps, *text]


def one_of(
    field: str, choices: type[models.Choices], name: str, message: str
) -> models.CheckConstraint:
    """The stored value of ``field`` is one of ``choices`` (a form's select is not the only
    writer: the API, imports and the shell go straight to the table)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=name,
        violation_error_message=message,
    )


def unique_in_organization(field: str, name: str, message: str) -> models.UniqueConstraint:
    """No two records of one organization share ``field`` (another organization may)."""
    return models.UniqueConstraint(
        fields=["organization", field], name=name, violation_error_message=message
    )


def ordered(
    start: str, end: str, name: str, message: str, *, strictly: bool = False
) -> models.CheckConstraint:
    """``end`` is not before ``start`` (``strictly``: it is after it)."""
    lookup = "gt" if strictly else "gte"
    return models.CheckConstraint(
        condition=Q(**{f"{end}__{lookup}": models.F(start)}),
        name=name,
        violation_error_message=message,
    )
