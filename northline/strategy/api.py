"""API routes of the strategy app: identity, SWOT, themes, value streams, investment, the
guiding coalition and the decision log (DESIGN §2.3)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.lib.errors import Invalid, NotFound
from northline.lib.pagination import CursorPage
from northline.lib.schemas import (
    LINK_NEEDS_NO_VERSION,
    UNLINK_NEEDS_NO_VERSION,
    Filters,
    Id,
    Input,
    OrgSlug,
    patch_of,
)
from northline.measures.access import access_indicator
from northline.measures.rules import PaceName
from northline.orgs import access as org_acl
from northline.orgs.access import Access, get_in_org
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Names,
    link_routes,
    record_routes,
    update_with_version,
    with_fields,
)
from northline.strategy import access as acl
from northline.strategy import selectors, services
from northline.strategy.models import (
    Authority,
    CoalitionBody,
    Decision,
    IdentityRevision,
    Investment,
    Spend,
    SwotItem,
    Theme,
)

router = Router(tags=["strategy"])

SwotKindName = Literal["strength", "weakness", "opportunity", "threat"]
ThemeStatusName = Literal["proposed", "active", "achieved", "retired"]
BodyKindName = Literal["LACE", "VMO", "PMO", "community_of_practice", "other"]
# The authorities as the API publishes them, built from the model's choices (a type checker
# sees plain strings).
if TYPE_CHECKING:
    AuthorityName = str
else:
    AuthorityName = Literal[tuple(Authority.values)]
ResponsibilityKindName = Literal[
    "outcome", "strategy", "release_coordination", "lab_program", "practice"
]
DecisionStatusName = Literal["proposed", "accepted", "rejected", "superseded"]
DecisionTopicName = Literal["identity", "strategy", "portfolio", "delivery", "lab", "other"]
Money = Decimal


def ref[R](lookup: Callable[[Access, int], R], access: Access, pk: int, field: str) -> R:
    """A record named in a request body: a wrong id is a field error (422), not a 404."""
    try:
        return lookup(access, pk)
    except NotFound as missing:
        raise Invalid(missing.message, fields={field: missing.message}) from missing


def refs[R](
    lookup: Callable[[Access, int], R], access: Access, ids: list[int], field: str
) -> list[R]:
    return [ref(lookup, access, pk, field) for pk in dict.fromkeys(ids)]


Lookups = dict[str, Callable[[Access, int], Any]]


def records_for(access: Access, fields: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
    """A body's fields as the services take them: each ``<name>_id`` of ``lookups`` becomes the
    record ``<name>`` (null clears it) and each ``<name>_ids`` the records ``<name>s``, looked
    up in the given order; a field left out stays out."""
    out = dict(fields)
    for key, lookup in lookups.items():
        if key not in out:
            continue
        value = out.pop(key)
        if key.endswith("_ids"):
            out[f"{key[:-4]}s"] = None if value is None else refs(lookup, access, value, key)
        else:
            out[key[:-3]] = None if value is None else ref(lookup, access, value, key)
    return out


def create_with(service: Callable[..., Any], lookups: Lookups) -> Callable[..., Any]:
    """``service(access, *parent records, **fields)`` with the ids of ``lookups`` as records."""

    def create(access: Access, *args: Any) -> Any:
        *records, payload = args
        return service(access, *records, **records_for(access, payload.dict(), lookups))

    return create


def update_with(service: Callable[..., Any], lookups: Lookups) -> Callable[[Access, Any, Any], Any]:
    """``service(access, record, version=…, **changed fields)`` with the ids as records."""
    return lambda access, record, payload: service(
        access, record, version=payload.version, **records_for(access, payload.changes(), lookups)
    )


# Identity ----------------------------------------------------------------------------------


class ValueItem(Schema):
    name: str
    meaning: str = ""


class ValueIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    meaning: str = Field("", max_length=500)


class RevisionOut(Schema):
    number: int
    mission: str
    vision: str
    values: list[ValueItem]
    note: str
    author: str | None = Field(None, alias="author.username")
    created_at: dt.datetime


class RevisionIn(Input):
    mission: str = Field(..., min_length=1)
    vision: str = ""
    values: list[ValueIn] = Field(default_factory=list)
    note: str = Field("", max_length=300)
    based_on: int = Field(
        ...,
        ge=0,
        description="The number of the revision you started from (0 for the first); if someone "
        "saved a later one, the answer is 409 and nothing is saved.",
    )


class DiffPiece(Schema):
    tag: Literal["same", "removed", "added"]
    text: str


class FieldDiffOut(Schema):
    field: str
    label: str
    changed: bool
    pieces: list[DiffPiece]


class DiffOut(Schema):
    from_number: int
    to_number: int
    fields: list[FieldDiffOut]


@router.get("/identity", response=RevisionOut, summary="The current identity")
def get_identity(request: HttpRequest, org: OrgSlug) -> Any:
    current = selectors.current_identity(caller_access(request))
    if current is None:
        raise NotFound("This organization has not stated its identity yet.")
    return current


@router.get(
    "/identity/revisions", response=list[RevisionOut], summary="Identity revisions, newest first"
)
@paginate(CursorPage)
def list_revisions(request: HttpRequest, org: OrgSlug) -> QuerySet[IdentityRevision]:
    return selectors.revisions(caller_access(request))


@router.post(
    "/identity/revisions",
    response={201: RevisionOut},
    summary="Save a new identity revision",
    description=(
        "`based_on` is the version check: the number of the revision you started from (0 for "
        "the first). If someone saved a revision since, nothing is saved (409 stale_version)."
    ),
)
def revise_identity(request: HttpRequest, org: OrgSlug, payload: RevisionIn) -> Any:
    fields = payload.dict()
    revision = services.revise_identity(caller_access(request), **fields)
    return Status(201, revision)


@router.get(
    "/identity/revisions/{revision_number}", response=RevisionOut, summary="One identity revision"
)
def get_revision(request: HttpRequest, org: OrgSlug, revision_number: Id) -> Any:
    return acl.access_revision(caller_access(request), revision_number)


class DiffQuery(Filters):
    from_number: Id | None = Field(
        None, alias="from", description="The older revision (default: the one before `to`)."
    )
    to_number: Id | None = Field(
        None, alias="to", description="The newer revision (default: the current one)."
    )


@router.get("/identity/diff", response=DiffOut, summary="Differences between two revisions")
def identity_diff(request: HttpRequest, org: OrgSlug, query: Query[DiffQuery]) -> Any:
    access = caller_access(request)
    from_number, to_number = query.from_number, query.to_number
    if to_number is None:
        to_number = services.latest_revision_number(access.organization)
    new = acl.access_revision(access, to_number)
    old = acl.access_revision(access, from_number or max(new.number - 1, 1))
    return {
        "from_number": old.number,
        "to_number": new.number,
        "fields": [
            {
                "field": diff.field,
                "label": diff.label,
                "changed": diff.changed,
                "pieces": [{"tag": tag, "text": text} for tag, text in diff.pieces],
            }
            for diff in selectors.identity_diff(old, new)
        ],
    }


# SWOT --------------------------------------------------------------------------------------


class SwotOut(Schema):
    id: int
    kind: SwotKindName
    statement: str
    theme_ids: list[Id]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_theme_ids(obj: SwotItem) -> list[int]:
        return [theme.pk for theme in obj.themes.all()]


class SwotIn(Input):
    kind: SwotKindName
    statement: str = Field(..., min_length=1)
    theme_ids: list[Id] = Field(default_factory=list)


SwotPatch = patch_of(SwotIn, "SwotPatch")


class SwotFilter(Filters):
    kind: SwotKindName | None = None


SWOT_REFS: Lookups = {"theme_ids": acl.access_theme}


record_routes(
    router,
    "/swot",
    "swot_item_id",
    module=__name__,
    names=Names("swot", "swot"),
    out=SwotOut,
    find=acl.access_swot_item,
    listing=(SwotFilter, selectors.swot_items),
    create=(SwotIn, create_with(services.create_swot_item, SWOT_REFS)),
    update=(SwotPatch, update_with(services.update_swot_item, SWOT_REFS)),
    delete=services.delete_swot_item,
    summaries={
        "list": "SWOT items",
        "create": "Add a SWOT item",
        "get": "One SWOT item",
        "update": "Edit a SWOT item",
        "delete": "Delete a SWOT item",
    },
)


# Themes ------------------------------------------------------------------------------------


class ThemeIndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: float
    target: float
    current: float | None
    progress: float
    expected: float
    pace: PaceName
    stalled: bool


class ThemeOut(Schema):
    id: int
    name: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    status: ThemeStatusName
    indicators: list[ThemeIndicatorOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ThemeIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    starts_on: dt.date
    ends_on: dt.date
    status: ThemeStatusName = "active"


ThemePatch = patch_of(ThemeIn, "ThemePatch")


class ThemeIndicatorIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    unit: str = Field("", max_length=40)
    baseline: float
    target: float
    start_date: dt.date | None = Field(None, description="Defaults to the theme's start.")
    target_date: dt.date | None = Field(None, description="Defaults to the theme's end.")


def theme_out(theme: Theme, measured: list[selectors.MeasuredIndicator]) -> dict[str, Any]:
    return {
        "id": theme.pk,
        "name": theme.name,
        "description": theme.description,
        "starts_on": theme.starts_on,
        "ends_on": theme.ends_on,
        "status": theme.status,
        "version": theme.version,
        "created_at": theme.created_at,
        "updated_at": theme.updated_at,
        "indicators": [
            {
                "id": item.indicator.pk,
                "name": item.indicator.name,
                "unit": item.indicator.unit,
                "baseline": item.indicator.baseline,
                "target": item.indicator.target,
                "current": item.health.current,
                "progress": item.health.progress,
                "expected": item.health.expected,
                "pace": item.health.pace.value,
                "stalled": item.health.stalled,
            }
            for item in measured
        ],
    }


def one_theme(access: Access, theme_id: Id) -> dict[str, Any]:
    theme = selectors.themes(access).get(pk=theme_id)
    return theme_out(theme, selectors.with_health([theme])[theme.pk])


@router.get("/themes", response=list[ThemeOut], summary="Themes with their indicators' health")
@paginate(CursorPage)
def list_themes(
    request: HttpRequest, org: OrgSlug, status: ThemeStatusName | None = None
) -> list[dict[str, Any]]:
    # Themes are few per organization: every theme's health is judged in one batch.
    themes = list(selectors.themes(caller_access(request), status=status))
    measured = selectors.with_health(themes)
    return [theme_out(theme, measured[theme.pk]) for theme in themes]


record_routes(
    router,
    "/themes",
    "theme_id",
    module=__name__,
    names=Names("theme", "themes"),
    out=ThemeOut,
    find=acl.access_theme,
    create=(ThemeIn, with_fields(services.create_theme)),
    update=(ThemePatch, update_with_version(services.update_theme)),
    delete=services.delete_theme,
    present=lambda access, theme: one_theme(access, theme.pk),
    summaries={
        "create": "Create a theme",
        "get": "One theme",
        "update": "Edit a theme",
        "delete": "Delete a theme",
    },
)


@router.post(
    "/themes/{theme_id}/indicators",
    response={201: ThemeOut},
    summary="Create a lagging indicator for a theme",
)
def add_theme_indicator(
    request: HttpRequest, org: OrgSlug, theme_id: Id, payload: ThemeIndicatorIn
) -> Any:
    access = caller_access(request)
    theme = acl.access_theme(access, theme_id, "write")
    services.add_theme_indicator(access, theme, **payload.dict(exclude_none=True))
    return Status(201, one_theme(access, theme.pk))


link_routes(
    router,
    "/themes/{theme_id}/indicators/{indicator_id}",
    module=__name__,
    find=acl.access_theme,
    other=access_indicator,
    link=("link_theme_indicator", services.link_indicator),
    unlink=("unlink_theme_indicator", services.unlink_indicator),
    summaries=(
        "Measure a theme by an existing lagging indicator",
        "Stop measuring a theme by an indicator",
    ),
    descriptions=(LINK_NEEDS_NO_VERSION, UNLINK_NEEDS_NO_VERSION),
    out=ThemeOut,
    present=lambda access, theme: one_theme(access, theme.pk),
)


# Value streams -----------------------------------------------------------------------------


class ValueStreamOut(Schema):
    id: int
    name: str
    description: str
    team_ids: list[Id]
    version: int

    @staticmethod
    def resolve_team_ids(obj: Any) -> list[int]:
        return [team.pk for team in obj.teams.all()]


class ValueStreamIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    team_ids: list[Id] = Field(default_factory=list)


ValueStreamPatch = patch_of(ValueStreamIn, "ValueStreamPatch")

STREAM_REFS: Lookups = {"team_ids": org_acl.access_team}


record_routes(
    router,
    "/value-streams",
    "value_stream_id",
    module=__name__,
    names=Names("value_stream", "value_streams"),
    out=ValueStreamOut,
    find=acl.access_value_stream,
    listing=(None, selectors.value_streams),
    create=(ValueStreamIn, create_with(services.create_value_stream, STREAM_REFS)),
    update=(ValueStreamPatch, update_with(services.update_value_stream, STREAM_REFS)),
    delete=services.delete_value_stream,
    summaries={
        "list": "Value streams",
        "create": "Create a value stream",
        "get": "One stream",
        "update": "Edit a value stream",
        "delete": "Delete a value stream",
    },
)


# Investment --------------------------------------------------------------------------------


class InvestmentOut(Schema):
    id: int
    theme_id: Id | None
    value_stream_id: Id | None
    period_start: dt.date
    period_end: dt.date
    planned_amount: Money
    currency: str
    actual: Money = Field(..., description="Sum of the spend entries.")
    version: int


class InvestmentIn(Input):
    theme_id: Id | None = Field(None, description="A theme, or …")
    value_stream_id: Id | None = Field(None, description="… a value stream (exactly one).")
    period_start: dt.date
    period_end: dt.date
    planned_amount: Money = Field(..., ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("EUR", pattern=r"^[A-Za-z]{3}$")


InvestmentPatch = patch_of(InvestmentIn, "InvestmentPatch", descriptions=False)


class SpendOut(Schema):
    id: int
    investment_id: Id
    amount: Money
    spent_on: dt.date
    category: str
    note: str
    version: int


class SpendIn(Input):
    amount: Money = Field(..., ge=0, max_digits=14, decimal_places=2)
    spent_on: dt.date
    category: str = Field("", max_length=100)
    note: str = Field("", max_length=300)


SpendPatch = patch_of(SpendIn, "SpendPatch")


class ReportRowOut(Schema):
    target_type: Literal["theme", "value_stream"]
    target_id: Id
    target_name: str
    period_start: dt.date
    period_end: dt.date
    currency: str
    planned: Money
    actual: Money
    remaining: Money
    spent_share: float | None


class ThemeShareOut(Schema):
    theme_id: Id
    name: str
    currency: str
    planned: Money
    actual: Money
    share_of_portfolio: float = Field(
        ..., description="The theme's planned money over all planned money in its currency."
    )


class TotalOut(Schema):
    currency: str
    planned: Money
    actual: Money


class ReportOut(Schema):
    rows: list[ReportRowOut]
    themes: list[ThemeShareOut]
    totals: list[TotalOut]


# An investment funds a theme or a value stream.
INVESTMENT_REFS: Lookups = {
    "theme_id": acl.access_theme,
    "value_stream_id": acl.access_value_stream,
}


def find_investment(access: Access, investment_id: Id, action: str = "read") -> Investment:
    """An investment with its spend total (``actual``), as the API answers it."""
    return get_in_org(access, selectors.investments(access), investment_id, action)


@router.get(
    "/investments/report", response=ReportOut, summary="Planned vs actual, and theme shares"
)
def investment_report(request: HttpRequest, org: OrgSlug) -> Any:
    report = selectors.planned_vs_actual(caller_access(request))
    return {
        "rows": [
            {**vars(row), "remaining": row.remaining, "spent_share": row.spent_share}
            for row in report.rows
        ],
        "themes": [vars(share) for share in report.themes],
        "totals": [
            {"currency": currency, "planned": planned, "actual": actual}
            for currency, (planned, actual) in sorted(report.totals.items())
        ],
    }


# After the report: ninja matches "/investments/report" before "/investments/{investment_id}".
record_routes(
    router,
    "/investments",
    "investment_id",
    module=__name__,
    names=Names("investment", "investments"),
    out=InvestmentOut,
    find=find_investment,
    listing=(None, selectors.investments),
    create=(InvestmentIn, create_with(services.create_investment, INVESTMENT_REFS)),
    update=(InvestmentPatch, update_with(services.update_investment, INVESTMENT_REFS)),
    delete=services.delete_investment,
    summaries={
        "list": "Investments",
        "create": "Plan an investment",
        "get": "One investment",
        "update": "Edit investment",
        "delete": "Delete an investment",
    },
)


def find_spend(access: Access, investment_id: Id, spend_id: Id, action: str = "read") -> Spend:
    investment = acl.access_investment(access, investment_id)
    return acl.access_spend(access, investment, spend_id, action)


record_routes(
    router,
    "/investments/{investment_id}/spends",
    "spend_id",
    module=__name__,
    names=Names("spend", "spends", renamed={"create": "record_spend"}),
    out=SpendOut,
    find=find_spend,
    parent=("/investments/{investment_id}/spends", acl.access_investment),
    listing=(None, selectors.spends),
    create=(SpendIn, with_fields(services.record_spend)),
    update=(SpendPatch, update_with_version(services.update_spend)),
    delete=services.delete_spend,
    get=False,
    summaries={
        "list": "Spend entries",
        "create": "Record spend",
        "update": "Edit spend",
        "delete": "Delete spend",
    },
)


# Coalition bodies --------------------------------------------------------------------------


class ResponsibilityOut(Schema):
    id: int
    body_id: Id
    kind: ResponsibilityKindName
    theme_id: Id | None
    description: str
    needs: list[AuthorityName] = Field(..., description="The authorities this kind needs.")
    version: int

    @staticmethod
    def resolve_needs(obj: Any) -> list[str]:
        return list(selectors.NEEDED_AUTHORITIES.get(obj.kind, ()))


class ResponsibilityIn(Input):
    kind: ResponsibilityKindName
    theme_id: Id | None = Field(None, description="The theme an outcome responsibility owns.")
    description: str = Field("", max_length=300)


ResponsibilityPatch = patch_of(ResponsibilityIn, "ResponsibilityPatch", descriptions=False)


class BodyOut(Schema):
    id: int
    name: str
    kind: BodyKindName
    description: str
    authorities: list[AuthorityName]
    member_ids: list[Id]
    responsibilities: list[ResponsibilityOut]
    missing_authorities: list[AuthorityName]
    responsibility_without_authority: bool
    version: int

    @staticmethod
    def resolve_member_ids(obj: CoalitionBody) -> list[int]:
        return [person.pk for person in obj.members.all()]

    @staticmethod
    def resolve_responsibilities(obj: CoalitionBody) -> list[Any]:
        return list(obj.responsibilities.all())

    @staticmethod
    def resolve_missing_authorities(obj: CoalitionBody) -> list[str]:
        return selectors.missing_authorities(obj)

    @staticmethod
    def resolve_responsibility_without_authority(obj: CoalitionBody) -> bool:
        return bool(selectors.missing_authorities(obj))


class BodyIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    kind: BodyKindName
    description: str = ""
    authorities: list[AuthorityName] = Field(default_factory=list)
    member_ids: list[Id] = Field(default_factory=list, description="People on the body.")


BodyPatch = patch_of(BodyIn, "BodyPatch", descriptions=False)


class HolderOut(Schema):
    id: int
    name: str
    title: str
    user_id: Id | None


RESPONSIBILITY_REFS: Lookups = {"theme_id": acl.access_theme}
BODY_REFS: Lookups = {"member_ids": org_acl.access_person}


record_routes(
    router,
    "/bodies",
    "body_id",
    module=__name__,
    names=Names("body", "bodies"),
    out=BodyOut,
    find=acl.access_body,
    listing=(None, selectors.bodies),
    create=(BodyIn, create_with(services.create_body, BODY_REFS)),
    update=(BodyPatch, update_with(services.update_body, BODY_REFS)),
    delete=services.delete_body,
    summaries={
        "list": "Coalition bodies, flagged when lacking authority",
        "create": "Create a coalition body",
        "get": "One coalition body",
        "update": "Edit a coalition body",
        "delete": "Delete a coalition body",
    },
)


link_routes(
    router,
    "/bodies/{body_id}/members/{person_id}",
    module=__name__,
    find=acl.access_body,
    other=org_acl.access_person,
    link=("add_body_member", services.add_body_member),
    unlink=("remove_body_member", services.remove_body_member),
    summaries=("Add a member", "Remove a member"),
    descriptions=(LINK_NEEDS_NO_VERSION, UNLINK_NEEDS_NO_VERSION),
    out=BodyOut,
    present=lambda access, body: acl.access_body(access, body.pk),
)


def find_responsibility(
    access: Access, body_id: Id, responsibility_id: Id, action: str = "read"
) -> Any:
    return acl.access_responsibility(
        access, acl.access_body(access, body_id), responsibility_id, action
    )


record_routes(
    router,
    "/bodies/{body_id}/responsibilities",
    "responsibility_id",
    module=__name__,
    names=Names("responsibility", "responsibilities", renamed={"create": "add_responsibility"}),
    out=ResponsibilityOut,
    find=find_responsibility,
    parent=("/bodies/{body_id}/responsibilities", acl.access_body),
    listing=(None, lambda access, body: list(body.responsibilities.all())),
    create=(ResponsibilityIn, create_with(services.add_responsibility, RESPONSIBILITY_REFS)),
    update=(ResponsibilityPatch, update_with(services.update_responsibility, RESPONSIBILITY_REFS)),
    delete=services.delete_responsibility,
    get=False,
    summaries={
        "list": "A body's responsibilities",
        "create": "Give a body a responsibility",
        "update": "Edit a responsibility",
        "delete": "Remove a responsibility",
    },
)


@router.get(
    "/authorities/{authority}/holders",
    response=list[HolderOut],
    summary="People who hold an authority through a coalition body",
)
@paginate(CursorPage)
def authority_holders(request: HttpRequest, org: OrgSlug, authority: AuthorityName) -> Any:
    return selectors.people_holding(caller_access(request).organization, authority)


# Decisions ---------------------------------------------------------------------------------


class DecisionLinkOut(Schema):
    id: int
    object_type: str
    object_id: str
    label: str


class DecisionLinkIn(Input):
    object_type: str = Field(
        ..., pattern=r"^[a-z_]+\.[a-z_]+$", description='For example "strategy.theme".'
    )
    object_id: str = Field(..., min_length=1, max_length=64)
    label: str = Field(..., min_length=1, max_length=300)


class DecisionOut(Schema):
    id: int
    title: str
    topic: DecisionTopicName
    context: str = Field(..., description="Markdown.")
    decision: str = Field(..., description="Markdown.")
    status: DecisionStatusName
    decided_on: dt.date
    made_by_body_id: Id | None
    made_by_person_id: Id | None
    superseded_by_id: Id | None
    links: list[DecisionLinkOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_links(obj: Decision) -> list[Any]:
        return list(obj.links.all())


class DecisionIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    topic: DecisionTopicName = "other"
    context: str = ""
    decision: str = ""
    status: DecisionStatusName = "proposed"
    decided_on: dt.date | None = Field(None, description="Defaults to today.")
    made_by_body_id: Id | None = None
    made_by_person_id: Id | None = None
    superseded_by_id: Id | None = None
    links: list[DecisionLinkIn] = Field(default_factory=list)


DecisionPatch = patch_of(DecisionIn, "DecisionPatch", leave_out=("links",), descriptions=False)


class DecisionFilter(Filters):
    status: DecisionStatusName | None = None
    topic: DecisionTopicName | None = None


DECISION_REFS: Lookups = {
    "made_by_body_id": acl.access_body,
    "made_by_person_id": org_acl.access_person,
    "superseded_by_id": acl.access_decision,
}


def find_decision(access: Access, decision_id: Id, action: str = "read") -> Decision:
    """A decision with its links, as the API answers it."""
    return get_in_org(
        access, selectors.decisions(access).prefetch_related("links"), decision_id, action
    )


def logged_decisions(access: Access, **filters: Any) -> QuerySet[Decision]:
    return selectors.decisions(access, **filters).prefetch_related("links")


def log_decision(access: Access, payload: DecisionIn) -> Decision:
    fields = records_for(access, payload.dict(exclude={"links"}), DECISION_REFS)
    links = [(link.object_type, link.object_id, link.label) for link in payload.links]
    return services.log_decision(access, links=links, **fields)


record_routes(
    router,
    "/decisions",
    "decision_id",
    module=__name__,
    names=Names("decision", "decisions"),
    out=DecisionOut,
    find=find_decision,
    listing=(DecisionFilter, logged_decisions),
    create=(DecisionIn, log_decision),
    update=(DecisionPatch, update_with(services.update_decision, DECISION_REFS)),
    delete=services.delete_decision,
    summaries={
        "list": "The decision log, newest first",
        "create": "Log a decision (identity and strategy decisions notify owners and admins)",
        "get": "One decision",
        "update": "Edit a decision",
        "delete": "Delete a decision",
    },
)


def find_decision_link(
    access: Access, decision_id: Id, decision_link_id: Id, action: str = "read"
) -> Any:
    decision = acl.access_decision(access, decision_id)
    return acl.access_decision_link(access, decision, decision_link_id, action)


record_routes(
    router,
    "/decisions/{decision_id}/links",
    "decision_link_id",
    module=__name__,
    names=Names(
        "decision_link",
        "decision_links",
        renamed={"create": "add_decision_link", "delete": "remove_decision_link"},
    ),
    out=DecisionLinkOut,
    find=find_decision_link,
    parent=("/decisions/{decision_id}/links", acl.access_decision),
    listing=(None, lambda access, decision: decision.links.all()),
    create=(DecisionLinkIn, with_fields(services.add_decision_link)),
    delete=services.remove_decision_link,
    get=False,
    summaries={
        "list": "Records a decision affects",
        "create": "Link a decision to a record",
        "delete": "Remove a decision's link",
    },
)
