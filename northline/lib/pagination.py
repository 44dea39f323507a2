"""Keyset (cursor) pages for every API list that can grow.

A page reads ``limit + 1`` rows *after* the last row of the previous page in the queryset's own
order, so a deep page costs what the first one does (no OFFSET to skip, no COUNT unless
``?total=true``), and rows inserted or deleted between two pages never repeat a row or skip
one that was there all along.

The keyset condition is derived from the queryset's ``order_by``: plain fields, related
fields, annotations (the WSJF sort) and expressions, ascending or descending, mixed. The
order must end in a unique column (``id``); :func:`keyset_terms` appends ``pk`` when it is
missing, so equal sort keys (ties) still page without duplicates. A NULL in a sort key pages
correctly: where the order says ``nulls_first``/``nulls_last`` that place is kept, otherwise
the database's own default (PostgreSQL sorts NULL as the largest value, SQLite as the
smallest) is made explicit in the page's ORDER BY and in the keyset condition.

The cursor is opaque: the last row's sort keys and a fingerprint of the order, signed with
the installation's secret (``django.core.signing``), so a tampered, truncated or foreign
cursor (another order, another list) answers 422 naming ``cursor``.

``offset`` stays as a compatibility path for clients written against the old
``?limit=&offset=`` pages: it positions the first page (one OFFSET query, no COUNT) and the
answer carries a ``next`` cursor to continue with; it cannot be combined with a cursor.
Lists computed in memory (not a queryset) page by position with the same opaque cursor.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Expression, F, OrderBy, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

from northline.lib.schemas import INT_MAX, Filters

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
SALT = "northline.lib.pagination"
# Keys of the annotations that carry each row's sort keys (read back to build ``next``).
KEY_PREFIX = "_keyset_"


class CursorProblem(Exception):
    """A cursor this list did not make (tampered, truncated, from another order)."""


def refuse(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


# Encoding the sort keys --------------------------------------------------------------------


def encode_value(value: Any) -> Any:
    """JSON keeps str, int, float, bool and None; the rest is tagged so it comes back typed."""
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, dt.timedelta):
        return {"s": value.total_seconds()}
    return value


def decode_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    [(tag, text)] = value.items()
    decoders: dict[str, Callable[[Any], Any]] = {
        "t": dt.datetime.fromisoformat,
        "d": dt.date.fromisoformat,
        "n": decimal.Decimal,
        "u": uuid.UUID,
        "s": lambda seconds: dt.timedelta(seconds=seconds),
    }
    return decoders[tag](text)


def make_cursor(fingerprint: str, values: Sequence[Any]) -> str:
    return signing.dumps(
        {"o": fingerprint, "k": [encode_value(v) for v in values]}, salt=SALT, compress=True
    )


def read_cursor(cursor: str, fingerprint: str, width: int) -> list[Any]:
    try:
        data = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise CursorProblem("Not a cursor this list gave out: start again without one.") from exc
    if not isinstance(data, dict) or data.get("o") != fingerprint:
        raise CursorProblem(
            "This cursor belongs to another list or order: start again without one."
        )
    keys = data.get("k")
    if not isinstance(keys, list) or len(keys) != width:
        raise CursorProblem("Not a cursor this list gave out: start again without one.")
    try:
        return [decode_value(v) for v in keys]
    except (ValueError, TypeError, KeyError, decimal.InvalidOperation) as exc:
        raise CursorProblem("Not a cursor this list gave out: start again without one.") from exc


# The keyset condition ----------------------------------------------------------------------


class KeysetRefused(Exception):
    """The queryset's order cannot be paged by keyset; the message says why."""


def nullable(queryset: QuerySet, expression: Any) -> bool:
    """Whether the sort key can be NULL. A model field knows; an annotation or expression is
    assumed nullable (harmless: the NULL branch of the condition then matches nothing)."""
    if isinstance(expression, F):
        name: str = getattr(expression, "name")  # noqa: B009 (django-stubs leaves it out)
        if name in queryset.query.annotations:
            return True
        model = queryset.model
        parts = name.split("__")
        for i, part in enumerate(parts):
            if part == "pk":
                return False
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return True
            if field.null:
                return True
            if i < len(parts) - 1:
                if field.related_model is None:
                    return True
                model = field.related_model
        return False
    return True


def keyset_terms(queryset: QuerySet) -> list[tuple[Any, bool, bool | None]]:
    """The queryset's order as (expression, descending, nulls_last) ending in ``pk``."""
    ordering = list(queryset.query.order_by)
    if not ordering and queryset.query.default_ordering:
        ordering = list(queryset.model._meta.ordering)
    terms: list[tuple[Any, bool, bool | None]] = []
    for item in ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            name = item.lstrip("-+")
            if name == "?":
                raise KeysetRefused("A random order cannot be paged.")
            expression: Any = F(name)
            nulls_last: bool | None = None
        elif isinstance(item, OrderBy):
            descending = item.descending
            expression = item.expression
            nulls_last = True if item.nulls_last else False if item.nulls_first else None
        elif isinstance(item, Expression | F):
            descending, expression, nulls_last = False, item, None
        else:
            raise KeysetRefused(f"Cannot page by {item!r}.")
        if nulls_last is None and nullable(queryset, expression):
            # Where this database puts NULLs by default (PostgreSQL: as the largest value,
            # SQLite: as the smallest); the page's own ORDER BY then says so explicitly.
            largest = connections[queryset.db].features.nulls_order_largest
            nulls_last = largest != descending
        terms.append((expression, descending, nulls_last))
    unique = {"pk", "id", queryset.model._meta.pk.name}
    if not any(isinstance(e, F) and getattr(e, "name") in unique for e, _, _ in terms):  # noqa: B009
        terms.append((F("pk"), False, None))
    return terms


def after(alias: str, value: Any, descending: bool, nulls_last: bool | None) -> Q:
    """Rows strictly after ``value`` in this key's order."""
    nothing = Q(pk__in=[])
    if value is None:
        # Only a nullable key holds NULL; after the NULLs come the values iff NULLs go first.
        return Q(**{f"{alias}__isnull": False}) if nulls_last is False else nothing
    beyond = Q(**{f"{alias}__lt" if descending else f"{alias}__gt": value})
    if nulls_last:
        beyond |= Q(**{f"{alias}__isnull": True})
    return beyond


def equal(alias: str, value: Any) -> Q:
    return Q(**{f"{alias}__isnull": True}) if value is None else Q(**{alias: value})


def keyset_condition(aliases: list[str], terms: list[Any], values: list[Any]) -> Q:
    """(k1, k2, …) after (v1, v2, …): k1 after v1, or k1 = v1 and (k2 after v2, or …)."""
    condition: Q | None = None
    for i in reversed(range(len(terms))):
        _, descending, nulls_last = terms[i]
        step = after(aliases[i], values[i], descending, nulls_last)
        if condition is not None:
            step |= equal(aliases[i], values[i]) & condition
        condition = step
    assert condition is not None
    return condition


@dataclass
class Keyset:
    """A queryset prepared for keyset pages: its sort keys annotated, its order fingerprinted."""

    queryset: QuerySet
    aliases: list[str]
    terms: list[Any]
    fingerprint: str

    @classmethod
    def of(cls, queryset: QuerySet) -> Keyset:
        terms = keyset_terms(queryset)
        aliases = [f"{KEY_PREFIX}{i}" for i in range(len(terms))]
        annotated = queryset.annotate(
            **{alias: expr for alias, (expr, _, _) in zip(aliases, terms, strict=True)}
        )
        ordering = [
            OrderBy(
                F(alias),
                descending=descending,
                nulls_first=nulls_last is False or None,
                nulls_last=nulls_last or None,
            )
            for alias, (_, descending, nulls_last) in zip(aliases, terms, strict=True)
        ]
        described = repr([(repr(e), d, n) for e, d, n in terms]) + queryset.model._meta.label
        fingerprint = hashlib.sha256(described.encode()).hexdigest()[:12]
        return cls(annotated.order_by(*ordering), aliases, terms, fingerprint)

    def after(self, cursor: str) -> QuerySet:
        values = read_cursor(cursor, self.fingerprint, len(self.terms))
        return self.queryset.filter(keyset_condition(self.aliases, self.terms, values))

    def cursor_of(self, row: Any) -> str:
        if isinstance(row, tuple):  # a values_list projection: the sort keys end the row
            keys = list(row[len(row) - len(self.aliases) :])
        else:
            get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
            keys = [get(alias) for alias in self.aliases]
        return make_cursor(self.fingerprint, keys)


class Presented:
    """A queryset whose rows are shown through ``present`` (the page is read, then mapped)."""

    def __init__(self, queryset: QuerySet, present: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.present = present


# The paginator -----------------------------------------------------------------------------


class CursorPage(PaginationBase):
    """``?cursor=&limit=&total=`` pages: ``items``, ``next`` (a cursor, or null on the last
    page), ``limit`` and ``count`` (null unless ``total=true``). See the module docstring."""

    class Input(Filters):
        cursor: str | None = Field(
            None,
            max_length=2000,
            description=(
                "Where to continue: the `next` of the previous page, as it was given. Leave it "
                "out for the first page."
            ),
        )
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT})."
        )
        total: bool = Field(
            False, description="Also count every item of the list (one more query): `count`."
        )
        offset: int | None = Field(
            None,
            ge=0,
            le=INT_MAX,
            description=(
                "Deprecated, for clients of the old offset pages: skip this many items for the "
                "first page (slower the deeper it goes), then continue with `next`. Not "
                "together with `cursor`."
            ),
        )

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(
            ..., description="The cursor of the next page; null on the last page."
        )
        limit: int
        count: int | None = Field(
            ..., description="How many items the whole list has; null unless `total=true`."
        )

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        return page_of(
            queryset,
            cursor=pagination.cursor,
            limit=pagination.limit,
            total=pagination.total,
            offset=pagination.offset,
        )


def page_of(
    source: Any,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    total: bool = False,
    offset: int | None = None,
) -> dict[str, Any]:
    """One page of a queryset (keyset), a :class:`Presented` queryset or an in-memory list
    (position), as ``{items, next, limit, count}``."""
    if cursor is not None and offset is not None:
        raise refuse("offset", "Give either a cursor or an offset, not both.")
    present: Callable[[Any], Any] | None = None
    if isinstance(source, Presented):
        present, source = source.present, source.queryset
    if not isinstance(source, QuerySet):
        return list_page(list(source), cursor, limit, total, offset)
    count = source.count() if total else None
    try:
        keyset = Keyset.of(source)
    except KeysetRefused as exc:  # a programming error in a route, not the caller's
        raise TypeError(f"{source.model.__name__} list: {exc}") from exc
    if cursor is not None:
        try:
            queryset = keyset.after(cursor)
        except CursorProblem as exc:
            raise refuse("cursor", str(exc)) from exc
    else:
        queryset = keyset.queryset
    start = offset or 0
    if start >= INT_MAX - limit:
        # Nothing lies that deep, and the database's LIMIT/OFFSET arithmetic would overflow.
        rows: list[Any] = []
    else:
        rows = list(queryset[start : start + limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    following = keyset.cursor_of(rows[-1]) if more else None
    # In a projection the sort keys are not the caller's fields.
    if rows and isinstance(rows[0], dict):
        for row in rows:  # values()
            for alias in keyset.aliases:
                del row[alias]
    elif rows and isinstance(rows[0], tuple):  # values_list(): they end each row
        width = len(rows[0]) - len(keyset.aliases)
        rows = [row[:width] for row in rows]
    items = [present(row) for row in rows] if present is not None else rows
    return {"items": items, "next": following, "limit": limit, "count": count}


POSITION = "position"


def list_page(
    rows: list[Any], cursor: str | None, limit: int, total: bool, offset: int | None
) -> dict[str, Any]:
    start = offset or 0
    if cursor is not None:
        try:
            [start] = read_cursor(cursor, POSITION, 1)
        except CursorProblem as exc:
            raise refuse("cursor", str(exc)) from exc
        if not isinstance(start, int) or start < 0:
            raise refuse("cursor", "Not a cursor this list gave out: start again without one.")
    end = start + limit
    following = make_cursor(POSITION, [end]) if end < len(rows) else None
    return {
        "items": rows[start:end],
        "next": following,
        "limit": limit,
        "count": len(rows) if total else None,
    }


# Pages served straight from a projection ---------------------------------------------------


def projected_page(
    queryset: QuerySet,
    fields: Sequence[str],
    pagination: Any,
    finish: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> HttpResponse:
    """A page of ``queryset.values(*fields)`` rows, completed by ``finish`` (which fills what
    the projection cannot: related ids, computed numbers) and written with orjson, skipping
    per-row model validation. For the hot lists only: the route declares the page's schema
    (its OpenAPI) and a test pins that what this writes is exactly what the schema describes.
    Rows built here must hold JSON types orjson writes as pydantic would (dates, numbers,
    strings, lists of ids)."""
    page = page_of(
        queryset.select_related(None).prefetch_related(None).values_list(*fields),
        cursor=pagination.cursor,
        limit=pagination.limit,
        total=pagination.total,
        offset=pagination.offset,
    )
    page["items"] = finish([dict(zip(fields, row, strict=True)) for row in page["items"]])
    return HttpResponse(orjson.dumps(page), content_type="application/json")
