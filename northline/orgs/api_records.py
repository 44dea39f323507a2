"""The plain edges of a record in the API, declared once (DESIGN §5, STYLE: generic edges).

Most records are read, created, edited with a version and deleted in exactly the same way:
resolve the caller's Access, find the record through the app's access function (404 for another
organization's, 403 for a viewer's write), call the app's service, answer the record. Each app
declares such a record once::

    record_routes(
        router, "/lab/courses", "course_id", module=__name__,
        names=Names("course", "courses"), out=CourseOut,
        find=access_course,
        create=(CourseIn, lambda access, payload: services.create_course(access, **payload.dict())),
        update=(CoursePatch, services.update_course),
        delete=services.delete_course,
        summaries={"get": "One course", ...},
    )

and gets ``GET/POST {path}`` and ``GET/PATCH/DELETE {path}/{param}``, each with the same access,
version and error handling as a hand-written route. Custom actions (move, decide, initial,
waive) stay explicit routes of their app.

Operation ids stay what they were when every route was written by hand: ninja names an
operation ``<module>_<function>``, so each generated function takes the declaring module and
the function name a hand-written route would have had.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.lib.pagination import CursorPage, Presented
from northline.lib.schemas import Filters, Id, Input, OrgSlug, VersionedInput
from northline.orgs.access import Access
from northline.orgs.api_auth import caller_access

# find(access, pk, mode) → the record, or NotFound / Forbidden.
Find = Callable[..., Any]
Present = Callable[[Access, Any], Any]
Operation = str  # "list", "create", "get", "update", "delete"


@dataclass(frozen=True)
class Names:
    """The function names a hand-written set of routes would have (they name the operations)."""

    one: str
    many: str

    def of(self, operation: Operation) -> str:
        if operation == "list":
            return f"list_{self.many}"
        return f"{operation}_{self.one}"


def update_with_version(service: Callable[..., Any]) -> Callable[[Access, Any, Any], Any]:
    """The usual edit: ``service(access, record, version=…, **changed fields)``."""

    def update(access: Access, record: Any, payload: VersionedInput) -> Any:
        return service(access, record, version=payload.version, **payload.changes())

    return update


def create_from_fields(service: Callable[..., Any]) -> Callable[[Access, Any], Any]:
    """The usual create: ``service(access, **fields)``."""

    def create(access: Access, payload: Input) -> Any:
        return service(access, **payload.dict())

    return create


def _as_route(
    module: str, name: str, body: Callable[..., Any], parameters: Iterable[tuple[str, Any]]
) -> Callable[..., Any]:
    """A route function named as a hand-written one in ``module``, with these parameters."""

    def route(request: HttpRequest, **kwargs: Any) -> Any:
        return body(request, **kwargs)

    route.__name__ = route.__qualname__ = name
    route.__module__ = module
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any),
        inspect.Parameter("org", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=OrgSlug),
    ]
    params += [
        inspect.Parameter(param, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
        for param, annotation in parameters
    ]
    route.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    route.__annotations__ = {param.name: param.annotation for param in params}
    return route


def record_routes(
    router: Router,
    path: str,
    param: str,
    *,
    module: str,
    names: Names,
    out: type[Schema],
    find: Find,
    summaries: dict[Operation, str],
    listing: tuple[type[Filters] | None, Callable[..., Iterable[Any]]] | None = None,
    create: tuple[type[Input], Callable[[Access, Any], Any]] | None = None,
    update: tuple[type[VersionedInput], Callable[[Access, Any, Any], Any]] | None = None,
    delete: Callable[[Access, Any], Any] | None = None,
    present: Present | None = None,
    descriptions: dict[Operation, str] | None = None,
) -> None:
    """Declare the plain routes of one record on ``router`` (see the module's docstring).

    ``listing`` is ``(filters schema or None, selector(access, **filters))``, paged with
    :class:`~northline.lib.pagination.CursorPage` (``present`` sees only the page's rows).
    ``update``'s callable receives the record found for writing and the validated PATCH body
    (see :func:`update_with_version`). ``present`` turns
    a record into the response (default: the record itself, read again through ``find`` after
    a write so that the answer shows what was stored).
    """
    descriptions = descriptions or {}
    item = f"{path}/{{{param}}}"

    def answer(access: Access, record: Model) -> Any:
        if present is not None:
            return present(access, find(access, record.pk))
        return find(access, record.pk)

    def declare(
        operation: Operation,
        method: Callable[..., Any],
        parameters: list[tuple[str, Any]],
        body: Callable[..., Any],
        response: Any,
        wrap: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
    ) -> None:
        route = _as_route(module, names.of(operation), body, parameters)
        if wrap is not None:
            route = wrap(route)
        method(
            summary=summaries[operation],
            response=response,
            **({"description": descriptions[operation]} if operation in descriptions else {}),
        )(route)

    if listing is not None:
        filters, select = listing

        def list_body(request: HttpRequest, org: str, **kwargs: Any) -> Any:
            query = kwargs.get("query")
            fields = query.dict() if query is not None else {}
            access = caller_access(request)
            records = select(access, **fields)
            if present is None:
                return records
            if isinstance(records, QuerySet):
                # Present only the page's rows, after the paginator has read them.
                return Presented(records, lambda record: present(access, record))
            return [present(access, record) for record in records]

        declare(
            "list",
            lambda **kw: router.get(path, **kw),
            [("query", Query[filters])] if filters is not None else [],  # type: ignore[misc,valid-type]
            list_body,
            list[out],  # type: ignore[valid-type]
            paginate(CursorPage),
        )

    if create is not None:
        create_in, make = create

        def create_body(request: HttpRequest, org: str, payload: Input) -> Any:
            access = caller_access(request)
            return Status(201, answer(access, make(access, payload)))

        declare(
            "create",
            lambda **kw: router.post(path, **kw),
            [("payload", create_in)],
            create_body,
            {201: out},
        )

    def get_body(request: HttpRequest, org: str, **kwargs: Any) -> Any:
        access = caller_access(request)
        record = find(access, kwargs[param])
        return present(access, record) if present is not None else record

    declare("get", lambda **kw: router.get(item, **kw), [(param, Id)], get_body, out)

    if update is not None:
        patch_in, change = update

        def update_body(request: HttpRequest, org: str, payload: Any, **kwargs: Any) -> Any:
            access = caller_access(request)
            record = find(access, kwargs[param], "write")
            change(access, record, payload)
            return answer(access, record)

        declare(
            "update",
            lambda **kw: router.patch(item, **kw),
            [(param, Id), ("payload", patch_in)],
            update_body,
            out,
        )

    if delete is not None:
        remove = delete

        def delete_body(request: HttpRequest, org: str, **kwargs: Any) -> Any:
            access = caller_access(request)
            remove(access, find(access, kwargs[param], "write"))
            return Status(204, None)

        declare(
            "delete",
            lambda **kw: router.delete(item, **kw),
            [(param, Id)],
            delete_body,
            {204: None},
        )
