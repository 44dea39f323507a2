"""Shared pieces of the API's request and response models.

The rules every request obeys live here once, in :class:`Input` (bodies) and :class:`Filters`
(query strings), so no route can forget them:

* no unknown fields in a body (422, never silently dropped);
* text without control characters (they break CSV/XLSX downloads and terminals);
* date-times with a time zone (a naive one is ambiguous; docs/api.md);
* whole numbers within the database's 64-bit range, and finite real numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import (
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)

from northline.lib.text import control_character_problem

# The range of the database's integer columns (SQLite and PostgreSQL bigint alike).
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


# A record's id: positive and within the database's range, so an absurd id is a 422 naming the
# parameter instead of an overflow deep in the database driver.
Id = Annotated[int, Field(ge=1, le=INT_MAX)]


# A day inside each end of the calendar, so every moment converts to UTC and the local zone.
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)

PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Every DELETE route's description: why it takes no version.
DELETE_NEEDS_NO_VERSION = (
    "Needs no version: a deletion overwrites no one's change, and the audit log keeps the "
    "record as it was."
)
LINK_NEEDS_NO_VERSION = (
    "Needs no version: linking is idempotent (a link that exists stays), so two people doing "
    "it at once cannot undo each other."
)
UNLINK_NEEDS_NO_VERSION = (
    "Needs no version: unlinking is idempotent (a link that is gone stays gone), and history "
    "keeps who did it."
)


def username_of(user: AbstractBaseUser | None) -> str | None:
    """Who did something, as a response names them: the username, or null where the record
    keeps no user (none was recorded, or the user was deleted since)."""
    return user.get_username() if user is not None else None


def end_of_day(value: Any) -> Any:
    """``?at=2026-10-25`` means as of the end of that day, in the installation's time zone
    (NORTHLINE_TIME_ZONE, UTC by default: the zone ``timezone.localdate()`` calls today in), so
    a day's last check-in counts. A date-time keeps its own zone; one without a zone stays
    naive and ``check_value`` refuses it with 422, never guessing."""
    if isinstance(value, str) and PLAIN_DATE.fullmatch(value):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return timezone.make_aware(dt.datetime.combine(value, dt.time.max))
    return value


AS_OF_DESCRIPTION = (
    "Judge as of then (default now): a date-time with a time zone, or a plain date meaning the "
    "end of that day in the installation's time zone (UTC unless NORTHLINE_TIME_ZONE says "
    "otherwise). A date-time without a time zone is refused (422)."
)

# ``?at=`` on every route that judges measures: a moment, or a plain date read as its end.
AsOf = Annotated[
    dt.datetime,
    BeforeValidator(end_of_day),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        }
    ),
]


def check_value(value: Any) -> Any:
    """Refuse what the database, the exports or the clock cannot take; see the module docstring."""
    if isinstance(value, str):
        problem = control_character_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise ValueError(f"Must be between {INT_MIN} and {INT_MAX}.")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("Must be a finite number.")
    elif isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "Give a time zone, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00."
            )
        if not EARLIEST <= value <= LATEST:
            # At the very edge of the calendar, converting to UTC or the local zone overflows.
            raise ValueError("Choose a moment between 0001-01-02 and 9999-12-30.")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            check_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key)
            check_value(item)
    return value


def bound_integers(schema: dict[str, Any]) -> None:
    """Publish the 64-bit range on every integer the schema leaves unbounded, nested ones too."""
    if schema.get("type") == "integer":
        schema.setdefault("maximum", INT_MAX)
        schema.setdefault("minimum", INT_MIN)
    for key in ("properties", "$defs"):
        for child in schema.get(key, {}).values():
            if isinstance(child, dict):
                bound_integers(child)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            bound_integers(schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        for child in schema.get(key, []):
            if isinstance(child, dict):
                bound_integers(child)


def publish_bounds(schema: dict[str, Any], model: type) -> None:
    bound_integers(schema)
    clearable = getattr(model, "clearable", None)
    if clearable is None:
        return
    for name, prop in schema.get("properties", {}).items():
        if name not in clearable and "anyOf" in prop:
            branches = [b for b in prop["anyOf"] if b != {"type": "null"}]
            if len(branches) == 1:
                prop.update(branches[0])
                del prop["anyOf"]
            else:
                prop["anyOf"] = branches
            if prop.get("default", 0) is None:
                del prop["default"]


class Checked(Schema):
    """The value rules of the module docstring, for bodies and query strings alike."""

    model_config = ConfigDict(allow_inf_nan=False, json_schema_extra=publish_bounds)

    @field_validator("*", mode="after")
    @classmethod
    def _check(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            clearable = getattr(cls, "clearable", None)
            if clearable is not None and info.field_name not in clearable:
                raise ValueError("Cannot be null: leave the field out to keep its value.")
        return check_value(value)


class Input(Checked):
    """A strict request body: unknown fields are refused (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Filters(Checked):
    """The query parameters of a list or a report."""


class VersionedInput(Input):
    """A partial update; ``version`` is the one the caller read (stale → 409, nothing changed).

    A field left out keeps its value. ``null`` clears a field only where the record itself
    can show null (``clearable``, which ``northline.api`` derives from each PATCH route's
    response model); anywhere else ``null`` is refused with 422 naming the field, and the
    published schema does not offer it.
    """

    clearable: ClassVar[frozenset[str] | None] = None  # None: not derived yet, allow all

    version: int = Field(
        ..., ge=1, le=INT_MAX, description="The version you read; a stale one answers 409."
    )

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version"})


def patch_of(
    model: type[Input],
    name: str,
    *,
    leave_out: tuple[str, ...] = (),
    descriptions: bool = True,
) -> type[VersionedInput]:
    """The PATCH body of a record whose POST body is ``model``: each of its fields (but those
    left out) with the same rules and description, optional (left out: kept), plus the
    version. The rules of a field are then written once, for creating and editing alike.

    ``descriptions=False`` leaves the fields' descriptions out: the published PATCH bodies
    written by hand before this function existed have none, and the schema stays as published.
    """
    copied: tuple[str, ...] = ("alias", "description", "examples", "json_schema_extra")
    if not descriptions:
        copied = ("alias", "examples", "json_schema_extra")
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        if field_name in leave_out:
            continue
        kept = {
            attribute: getattr(info, attribute)
            for attribute in copied
            if getattr(info, attribute) is not None
        }
        # The field's rules (min_length, ge…) stay on its type, so that null passes them by.
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[field_name] = (annotation | None, Field(None, **kept))
    return create_model(name, __base__=VersionedInput, __module__=model.__module__, **fields)


class VersionIn(Input):
    """A state change that carries nothing but the version the caller read."""

    version: int = Field(
        ..., ge=1, le=INT_MAX, description="The version you read; a stale one answers 409."
    )


class Page(LimitOffsetPagination):
    """``?limit=&offset=`` pages: items, count, and the offset of the next page (or null).

    Only the alignment map's branch still uses it (a computed tree, not a table); every list
    that can grow pages by cursor with :class:`northline.lib.pagination.CursorPage`."""

    class Input(Filters):
        limit: int = Field(50, ge=1, le=200, description="Items per page (at most 200).")
        offset: int = Field(0, ge=0, le=INT_MAX)

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int
        next_offset: int | None

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, pagination.limit
        count = self._items_count(queryset)
        # Past the end there is nothing to read (and an offset near 2**63 would overflow the
        # database's LIMIT/OFFSET arithmetic). The first page always queries, so a page's
        # query count does not depend on whether there are rows.
        past_the_end = offset > 0 and offset >= count
        items = [] if past_the_end else queryset[offset : offset + limit]
        return {
            "items": items,
            "count": count,
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if offset + limit < count else None,
        }


def references(fields: dict[str, Any]) -> dict[str, Any]:
    """A body's ``team_id``, ``owner_id``… as ``team``, ``owner``…: the services take records or
    ids by field name."""
    return {name.removesuffix("_id"): value for name, value in fields.items()}


# The ``{org}`` of every route below /orgs/{org}/: a router prefix, so name it a path parameter.
OrgSlug = Annotated[str, Path(description="The organization's slug.")]
