"""The plain edges of a record in the API, declared once (DESIGN §5, STYLE: generic edges).

Most records are read, created, edited with a version and deleted in exactly the same way:
resolve the caller's Access, find the record through the app's access function (404 for another
organization's, 403 for a viewer's write), call the app's service, answer the record. Each app
declares such a record once::

    record_routes(
        router, "/lab/courses", "course_id", module=__name__,
        names=Names("course", "courses"), out=CourseOut,
        find=access_course,
        create=(CourseIn, with_fields(services.create_course)),
        update=(CoursePatch, update_with_version(services.update_course)),
        delete=services.delete_course,
        summaries={"get": "One course", ...},
    )

and gets ``GET/POST {path}`` and ``GET/PATCH/DELETE {path}/{param}``, each with the same access,
version and error handling as a hand-written route. A record that belongs to a parent (an
expense to an engagement) says so with ``parent=``: it is listed and created at the parent's
path. The other usual shapes are declared the same way:

* :func:`record_actions`: ``POST {item}/{verb}``, one change to a record found for writing,
  ``service(access, record, **body)`` (circulate, decide, cancel, graduate, waive…);
* :func:`record_action`: the same for any method and path (an edit at a nested path);
* :func:`record_view`: ``GET`` what is made of one record found for reading (a summary);
* :func:`child_routes`: ``GET/POST`` the records of one parent that have no path of their own
  (check-ins, readings, lagging indicators);
* :func:`link_routes`: ``PUT/DELETE {parent}/…/{other_id}``, linking two records.

Custom actions whose logic is their own (a move with renamed fields, an answer that makes a
decision, a secret shown once) stay explicit routes of their app.

Operation ids stay what they were when every route was written by hand: ninja names an
operation ``<module>_<function>``, so each generated function takes the declaring module and
the function name a hand-written route would have had.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.lib.pagination import CursorPage, Presented
from northline.lib.schemas import Filters, Id, Input, OrgSlug, VersionedInput
from northline.orgs.access import Access
from northline.orgs.api_auth import caller_access

# find(access, *path ids, mode) → the record, or NotFound / Forbidden.
Find = Callable[..., Any]
Present = Callable[[Access, Any], Any]
Convert = Callable[[dict[str, Any]], dict[str, Any]]
Operation = str  # "list", "create", "get", "update", "delete"

PATH_IDS = re.compile(r"{(\w+)}")
REQUIRED = inspect.Parameter.empty

# Plain query parameters of a list, ``{name: (annotation, default)}``: unlike a Filters schema,
# the published schema names no component for them.
Plain = Mapping[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Names:
    """The function names a hand-written set of routes would have (they name the operations):
    ``list_<many>`` and ``<operation>_<one>``, unless ``renamed`` names an operation itself."""

    one: str
    many: str
    renamed: Mapping[Operation, str] = field(default_factory=dict)

    def of(self, operation: Operation) -> str:
        if operation in self.renamed:
            return self.renamed[operation]
        if operation == "list":
            return f"list_{self.many}"
        return f"{operation}_{self.one}"


def managed(find: Find) -> Find:
    """``find`` for a record only admins change: writing it needs the manage right."""

    def find_managed(access: Access, pk: int, action: str = "read") -> Any:
        return find(access, pk, "manage" if action == "write" else action)

    return find_managed


def with_fields(service: Callable[..., Any], convert: Convert | None = None) -> Callable[..., Any]:
    """The usual create or action: ``service(access, *records, **the body's fields)``, the
    fields through ``convert`` first (e.g. ``references``: ``team_id`` → ``team``)."""

    def call(access: Access, *args: Any) -> Any:
        *records, payload = args
        fields = payload.dict()
        return service(access, *records, **(convert(fields) if convert else fields))

    return call


def update_with_version(
    service: Callable[..., Any], convert: Convert | None = None
) -> Callable[[Access, Any, Any], Any]:
    """The usual edit: ``service(access, record, version=…, **changed fields)``."""

    def update(access: Access, record: Any, payload: VersionedInput) -> Any:
        changes = payload.changes()
        return service(
            access, record, version=payload.version, **(convert(changes) if convert else changes)
        )

    return update


def _as_route(
    module: str, name: str, body: Callable[..., Any], parameters: Iterable[tuple[str, Any, Any]]
) -> Callable[..., Any]:
    """A route function named as a hand-written one in ``module``, with these parameters, each
    ``(name, annotation, default)`` (``REQUIRED``: none)."""

    def route(request: HttpRequest, **kwargs: Any) -> Any:
        return body(request, **kwargs)

    route.__name__ = route.__qualname__ = name
    route.__module__ = module
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any),
        inspect.Parameter("org", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=OrgSlug),
    ]
    params += [
        inspect.Parameter(
            param, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation, default=default
        )
        for param, annotation, default in parameters
    ]
    route.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    route.__annotations__ = {param.name: param.annotation for param in params}
    return route


def declare_route(
    router: Router,
    method: str,
    path: str,
    handle: Callable[..., Any],
    *,
    module: str,
    name: str,
    summary: str,
    response: Any,
    payload: type[Input] | None = None,
    query: type[Filters] | Plain | None = None,
    description: str | None = None,
    paged: bool = False,
) -> None:
    """Declare ``handle(access, *the path's ids, [query=…], [payload=…])`` as a route: it takes
    each ``{…_id}`` of the path as an :data:`Id` (in the path's order), then the query, then
    the body, as a hand-written route would. A :data:`Plain` query comes as its own keyword
    arguments, each with its default."""
    ids = PATH_IDS.findall(path)
    parameters: list[tuple[str, Any, Any]] = [(param, Id, REQUIRED) for param in ids]
    if isinstance(query, Mapping):
        parameters += [(name, annotation, default) for name, (annotation, default) in query.items()]
    elif query is not None:
        parameters.append(("query", Query[query], REQUIRED))  # type: ignore[misc,valid-type]
    if payload is not None:
        parameters.append(("payload", payload, REQUIRED))

    def body(request: HttpRequest, org: str, **kwargs: Any) -> Any:
        access = caller_access(request)
        return handle(access, *(kwargs.pop(param) for param in ids), **kwargs)

    route = _as_route(module, name, body, parameters)
    if paged:
        route = paginate(CursorPage)(route)
    getattr(router, method)(
        path,
        summary=summary,
        response=response,
        **({"description": description} if description is not None else {}),
    )(route)


def declare_operation(
    router: Router,
    module: str,
    names: Names,
    summaries: dict[Operation, str],
    descriptions: dict[Operation, str] | None,
    operation: Operation,
    method: str,
    path: str,
    handle: Callable[..., Any],
    **kwargs: Any,
) -> None:
    """:func:`declare_route` for one of a record's operations, named and summed up by it."""
    declare_route(
        router,
        method,
        path,
        handle,
        module=module,
        name=names.of(operation),
        summary=summaries[operation],
        description=(descriptions or {}).get(operation),
        **kwargs,
    )


def presented(access: Access, records: Iterable[Any], present: Present | None) -> Any:
    """A list's records as the response shows them (a queryset's only after it is paged)."""
    if present is None:
        return records
    if isinstance(records, QuerySet):
        # Present only the page's rows, after the paginator has read them.
        return Presented(records, lambda record: present(access, record))
    return [present(access, record) for record in records]


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
    listing: tuple[type[Filters] | Plain | None, Callable[..., Iterable[Any]]] | None = None,
    create: tuple[type[Input], Callable[..., Any]] | None = None,
    update: tuple[type[VersionedInput], Callable[[Access, Any, Any], Any]] | None = None,
    delete: Callable[[Access, Any], Any] | None = None,
    present: Present | None = None,
    descriptions: dict[Operation, str] | None = None,
    parent: tuple[str, Find] | None = None,
    get: bool = True,
) -> None:
    """Declare the plain routes of one record on ``router`` (see the module's docstring).

    A record that belongs to a parent (an expense to an engagement) is listed and created at
    the parent's path: ``parent`` is ``(that path, the parent's access function)``, and the
    selector and the create see the parent (found for writing, to create) after ``access``.
    ``get=False`` leaves out ``GET {path}/{param}``, for a record shown only within its parent
    that is still edited and deleted at a path of its own.

    ``find`` takes the ids of ``{path}/{param}`` in order (a nested path's parent ids first).
    ``listing`` is ``(query, selector(access, **filters))``, the query a filters schema, plain
    query parameters (:data:`Plain`) or None, paged with
    :class:`~northline.lib.pagination.CursorPage` (``present`` sees only the page's rows).
    ``update``'s callable receives the record found for writing and the validated PATCH body
    (see :func:`update_with_version`). ``present`` turns
    a record into the response (default: the record itself, read again through ``find`` after
    a write so that the answer shows what was stored).
    """
    descriptions = descriptions or {}
    item = f"{path}/{{{param}}}"
    collection, find_parent = parent if parent is not None else (path, None)

    def within(access: Access, ids: tuple[int, ...], mode: str = "read") -> list[Any]:
        """The parent, as the first argument the selector or the create takes after access."""
        return [find_parent(access, *ids, mode)] if find_parent is not None else []

    def answer(access: Access, outer: tuple[int, ...], record: Model) -> Any:
        """The record as stored, read again; ``outer`` are the path's ids before its own."""
        stored = find(access, *outer, record.pk)
        return present(access, stored) if present is not None else stored

    declare = partial(declare_operation, router, module, names, summaries, descriptions)

    if listing is not None:
        filters, select = listing

        def list_records(
            access: Access, *ids: int, query: Filters | None = None, **plain: Any
        ) -> Any:
            fields = query.dict() if query is not None else plain
            return presented(access, select(access, *within(access, ids), **fields), present)

        page = list[out]  # type: ignore[valid-type]
        declare("list", "get", collection, list_records, response=page, query=filters, paged=True)

    if create is not None:
        create_in, make = create

        def create_record(access: Access, *ids: int, payload: Input) -> Any:
            made = make(access, *within(access, ids, "write"), payload)
            # A nested path's ids are the parent's; a record at a path of its own has none.
            return Status(201, answer(access, ids if collection == path else (), made))

        declare("create", "post", collection, create_record, response={201: out}, payload=create_in)

    def get_record(access: Access, *ids: int) -> Any:
        record = find(access, *ids)
        return present(access, record) if present is not None else record

    if get:
        declare("get", "get", item, get_record, response=out)

    if update is not None:
        patch_in, change = update

        def update_record(access: Access, *ids: int, payload: Any) -> Any:
            record = find(access, *ids, "write")
            change(access, record, payload)
            return answer(access, ids[:-1], record)

        declare("update", "patch", item, update_record, response=out, payload=patch_in)

    if delete is not None:
        remove = delete

        def delete_record(access: Access, *ids: int) -> Any:
            remove(access, find(access, *ids, "write"))
            return Status(204, None)

        declare("delete", "delete", item, delete_record, response={204: None})


def child_routes(
    router: Router,
    path: str,
    *,
    module: str,
    names: Names,
    out: type[Schema],
    parent: Find,
    summaries: dict[Operation, str],
    listing: Callable[[Access, Any], Iterable[Any]] | None = None,
    create: tuple[type[Input], Callable[[Access, Any, Any], Any]] | None = None,
    present: Present | None = None,
    created: type[Schema] | None = None,
    descriptions: dict[Operation, str] | None = None,
) -> None:
    """``GET {path}``: the records of the parent that ``parent(access, *the path's ids)``
    finds, ``listing(access, parent)``, paged; ``POST {path}``: ``make(access, parent found for
    writing, body)``, answered 201 with what it made (through ``present``, as ``created``
    where that differs from ``out``)."""
    declare = partial(declare_operation, router, module, names, summaries, descriptions)
    if listing is not None:
        select = listing

        def list_children(access: Access, *ids: int) -> Any:
            return presented(access, select(access, parent(access, *ids)), present)

        page = list[out]  # type: ignore[valid-type]
        declare("list", "get", path, list_children, response=page, paged=True)

    if create is not None:
        create_in, make = create

        def create_child(access: Access, *ids: int, payload: Input) -> Any:
            made = make(access, parent(access, *ids, "write"), payload)
            return Status(201, present(access, made) if present is not None else made)

        declare(
            "create", "post", path, create_child, response={201: created or out}, payload=create_in
        )


def record_action(
    router: Router,
    method: str,
    path: str,
    *,
    find: Find,
    act: Callable[..., Any],
    out: type[Schema] | None,
    present: Present | None = None,
    **route: Any,
) -> None:
    """One change to one record: ``find(access, *the path's ids, "write")``, then
    ``act(access, record[, body])`` (see :func:`with_fields`, :func:`update_with_version`),
    answering what ``act`` returns (through ``present``), or 204 when there is no ``out``.
    ``route`` are :func:`declare_route`'s ``module``, ``name`` and ``summary``, and its
    ``payload`` and ``description`` where the action has them."""

    def handle(access: Access, *ids: int, **body: Any) -> Any:
        result = act(access, find(access, *ids, "write"), *body.values())
        if out is None:
            return Status(204, None)
        return present(access, result) if present is not None else result

    response = out if out is not None else {204: None}
    declare_route(router, method, path, handle, response=response, **route)


def record_view(
    router: Router, path: str, *, find: Find, show: Present, out: Any, **route: Any
) -> None:
    """``GET {path}``: what ``show(access, record)`` makes of the record that ``find(access,
    *the path's ids)`` finds for reading (a summary, a grid, a report of it). ``route`` are
    :func:`declare_route`'s ``module``, ``name`` and ``summary``."""

    def handle(access: Access, *ids: int) -> Any:
        return show(access, find(access, *ids))

    declare_route(router, "get", path, handle, response=out, **route)


@dataclass(frozen=True)
class Action:
    """One ``POST {record}/{verb}`` of :func:`record_actions`: ``service(access, record,
    **body)``, or ``service(access, record)`` when it takes no body. ``name`` is the function
    name a hand-written route would have had (it names the operation)."""

    verb: str
    name: str
    service: Callable[..., Any]
    summary: str
    payload: type[Input] | None = None
    description: str | None = None


def record_actions(
    router: Router,
    item: str,
    *,
    module: str,
    find: Find,
    out: type[Schema],
    actions: Iterable[Action],
    present: Present | None = None,
) -> None:
    """The actions of one record at ``{item}/{verb}``, each a :func:`record_action` that
    answers ``out`` (through ``present``)."""
    for action in actions:
        record_action(
            router,
            "post",
            f"{item}/{action.verb}",
            module=module,
            name=action.name,
            find=find,
            act=with_fields(action.service) if action.payload is not None else action.service,
            summary=action.summary,
            out=out,
            payload=action.payload,
            present=present,
            description=action.description,
        )


def link_routes(
    router: Router,
    path: str,
    *,
    module: str,
    find: Find,
    other: Callable[[Access, int], Any],
    link: tuple[str, Callable[[Access, Any, Any], Any]],
    unlink: tuple[str, Callable[[Access, Any, Any], Any]],
    summaries: tuple[str, str],
    descriptions: tuple[str, str],
    out: type[Schema] | None,
    present: Present | None = None,
) -> None:
    """``PUT {path}`` links and ``DELETE {path}`` unlinks the record that ``find(access, *the
    path's ids but the last, "write")`` finds and the one ``other(access, last id)`` finds:
    ``service(access, record, other)``, each a ``(function name, service)``. Both answer the
    record (through ``present``), or 204 when there is no ``out``."""

    def both(access: Access, *ids_and_mode: Any) -> tuple[Any, Any]:
        *ids, mode = ids_and_mode
        return find(access, *ids[:-1], mode), other(access, ids[-1])

    for method, (name, service), summary, description in zip(
        ("put", "delete"), (link, unlink), summaries, descriptions, strict=True
    ):

        def act(access: Access, pair: tuple[Any, Any], service: Any = service) -> Any:
            record, linked = pair
            service(access, record, linked)
            return record

        record_action(
            router,
            method,
            path,
            module=module,
            name=name,
            find=both,
            act=act,
            summary=summary,
            out=out,
            present=present,
            description=description,
        )
