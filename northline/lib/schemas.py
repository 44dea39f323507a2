"""Shared pieces of the API's request and response models."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict


class Input(Schema):
    """A strict request body: unknown fields are refused (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VersionedInput(Input):
    """A partial update; ``version`` is the one the caller read (stale → 409, nothing changed)."""

    version: int = Field(..., ge=1, description="The version you read; a stale one answers 409.")

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version"})


class Page(LimitOffsetPagination):
    """``?limit=&offset=`` pages: items, count, and the offset of the next page (or null)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="Items per page (at most 200).")
        offset: int = Field(0, ge=0)

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
        return {
            "items": queryset[offset : offset + limit],
            "count": count,
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if offset + limit < count else None,
        }


# The ``{org}`` of every route below /orgs/{org}/: a router prefix, so name it a path parameter.
OrgSlug = Annotated[str, Path(description="The organization's slug.")]
