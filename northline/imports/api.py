"""API routes of imports (issue 17): upload a file for a preview, read it row by row, apply
it, and list the organization's imports. The same pipeline as the page and the command line."""

import datetime as dt
import json
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from northline.imports import selectors, services
from northline.imports.models import ImportRun
from northline.imports.pipeline import MAX_BYTES, check_length
from northline.lib.errors import Invalid
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Id, OrgSlug, username_of
from northline.orgs.api_auth import caller_access

router = Router(tags=["imports"])

SourceName = Literal["taiga", "jira", "okrs"]
StatusName = Literal["queued", "previewed", "applied", "refused"]
ActionName = Literal["created", "updated", "unchanged", "refused", "skipped"]


class ImportOut(Schema):
    id: int
    source: SourceName
    filename: str
    sha256: str
    size: int
    status: StatusName
    started_by: str | None
    created_at: dt.datetime
    counts: dict[str, int]
    can_apply: bool

    @staticmethod
    def resolve_started_by(run: ImportRun) -> str | None:
        return username_of(run.started_by)


class ImportRowOut(Schema):
    action: ActionName
    kind: str
    key: str | None
    location: str | None
    title: str | None
    adjusted: bool
    messages: list[str]
    id: int | None


class ImportDetailOut(ImportOut):
    log: list[ImportRowOut]
    mapping: dict[str, Any] = Field(
        description="The mapping the file was read with (Jira: statuses, team_field, sprints, "
        "releases; empty for a source without choices)."
    )
    found: dict[str, list[str]] = Field(
        description="What the file holds that a mapping chooses about: its statuses, columns, "
        "sprints and versions."
    )

    @staticmethod
    def resolve_log(run: ImportRun) -> list[dict[str, Any]]:
        return [
            {
                "action": entry["action"],
                "kind": entry["kind"],
                "key": entry.get("key"),
                "location": entry.get("location"),
                "title": entry.get("title"),
                "adjusted": bool(entry.get("adjusted")),
                "messages": entry.get("messages", []),
                "id": entry.get("id"),
            }
            for entry in run.log
        ]


@router.get(
    "/imports", response=list[ImportOut], summary="The organization's imports, newest first"
)
@paginate(CursorPage)
def list_imports(request: HttpRequest, org: OrgSlug) -> Any:
    return selectors.imports_of(caller_access(request))


@router.post(
    "/imports",
    response={201: ImportDetailOut},
    summary="Preview an export: a dry run, row by row (owners and admins)",
    description=(
        "Upload the file (multipart, field `file`; at most "
        f"{MAX_BYTES // 1024 // 1024} MB) with its `source`. Nothing is written but the "
        "import's own record; its `log` says what applying would create, update, leave alone "
        "or refuse, with each row's place in the file. The file is kept until the preview is "
        "applied (`POST /imports/{import_id}/apply`). A file that is not what `source` says "
        "is refused with 422 naming `file`. For a Jira CSV, `mapping` (a JSON object: see "
        "`PUT /imports/mappings/jira`) chooses the statuses' columns, the team column and the "
        "sprints' and versions' dates; without it the organization's saved mapping is used, else "
        "Jira's status categories. `save_mapping=true` keeps the mapping for the next imports."
    ),
)
def preview_import(
    request: HttpRequest,
    org: OrgSlug,
    source: Form[SourceName],
    file: File[UploadedFile],
    mapping: Form[str] = "",
    save_mapping: Form[bool] = False,
) -> Any:
    access = caller_access(request)
    access.require("manage")
    check_length(file.size or 0)
    run = services.preview_upload(
        access,
        source=source,
        filename=file.name or "upload",
        content=file.read(),
        mapping=json_mapping(mapping),
        save=save_mapping,
    )
    return Status(201, run)


def json_mapping(text: str) -> Any:
    """The ``mapping`` form field: a JSON object, or empty for the organization's saved one."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise Invalid(
            f"The mapping is not JSON: {error}.", fields={"mapping": "Not JSON."}
        ) from error


class MappingIn(Schema):
    mapping: dict[str, Any] = Field(
        description="statuses (status name → funnel, todo, doing or done), team_field (a "
        "column's name, or empty for the project), sprints (name → starts_on, ends_on, "
        "capacity) and releases (version → date); see docs/imports.md."
    )

    version: int = Field(
        description="The saved mapping's version you read (0 when none is saved yet); a "
        "mapping saved by someone else since is a 409 `stale_version`."
    )


class MappingOut(Schema):
    source: Literal["jira"]
    mapping: dict[str, Any]
    version: int = Field(description="The saved mapping's version; 0 when none is saved.")


@router.get(
    "/imports/mappings/{source}",
    response=MappingOut,
    summary="The mapping the organization's next imports of a source start from",
)
def get_mapping(request: HttpRequest, org: OrgSlug, source: Literal["jira"]) -> Any:
    mapping, version = services.saved_mapping(caller_access(request), source)
    return {"source": source, "mapping": mapping, "version": version}


@router.put(
    "/imports/mappings/{source}",
    response=MappingOut,
    summary="Save the organization's mapping for a source (owners and admins)",
)
def put_mapping(
    request: HttpRequest, org: OrgSlug, source: Literal["jira"], body: MappingIn
) -> Any:
    saved = services.save_mapping(
        caller_access(request), source=source, mapping=body.mapping, version=body.version
    )
    return {"source": source, "mapping": saved.mapping, "version": saved.version}


@router.get("/imports/{import_id}", response=ImportDetailOut, summary="One import, with its log")
def get_import(request: HttpRequest, org: OrgSlug, import_id: Id) -> Any:
    return selectors.import_run(caller_access(request), import_id)


@router.post(
    "/imports/{import_id}/apply",
    response={201: ImportDetailOut},
    summary="Apply a preview's kept file (owners and admins)",
    description=(
        "Applies the file the preview kept, in one transaction, as a new import: `applied`, or "
        "`refused` (nothing written) when a row no longer passes a rule. A preview is applied "
        "once: again, or on an import that is not a preview, it is 409 "
        "`import_not_applicable`."
    ),
)
def apply_import(request: HttpRequest, org: OrgSlug, import_id: Id) -> Any:
    access = caller_access(request)
    run = selectors.import_run(access, import_id)
    return Status(201, services.apply_preview(access, run))
