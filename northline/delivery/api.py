"""API routes of the delivery app (DESIGN §2.6): releases and their decisions, features,
impacts and acknowledgements, notices, the matrix, lead times, webhooks, calendar feeds and
the matrix exports."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.delivery import exports, selectors, services
from northline.delivery.access import (
    access_calendar_feed,
    access_feature,
    access_impact,
    access_release,
    access_webhook,
)
from northline.delivery.models import Impact, Release
from northline.lib.errors import naming
from northline.lib.exports import table_attachment
from northline.lib.pagination import CursorPage
from northline.lib.schemas import (
    Filters,
    Id,
    Input,
    OrgSlug,
    VersionedInput,
    VersionIn,
    patch_of,
    references,
    username_of,
)
from northline.orgs.access import Access, access_team
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Action,
    Names,
    child_routes,
    managed,
    record_actions,
    record_routes,
    record_view,
    update_with_version,
    with_fields,
)

router = Router(tags=["delivery"])


StatusName = Literal["planned", "decided", "released", "cancelled"]
KindName = Literal["feature", "experiment", "campaign", "process_change"]
RoleName = Literal["impactor", "impactee"]
RiskName = Literal["ok", "late", "at_risk", "unacknowledged"]
EventName = Literal[
    "notice.sent",
    "release.planned",
    "release.moved",
    "release.decided",
    "impact.added",
    "impact.acknowledged",
]


# Releases --------------------------------------------------------------------------------


class ReleaseOut(Schema):
    id: int
    name: str
    description: str
    planned_date: dt.date
    status: StatusName
    decided_by: str | None
    decided_at: dt.datetime | None
    override_reason: str
    version: int

    @staticmethod
    def resolve_decided_by(obj: Release) -> str | None:
        return username_of(obj.decided_by)


class ReleaseIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    planned_date: dt.date
    description: str = ""


class ReleasePatch(VersionedInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    planned_date: dt.date | None = Field(None, description="A new date is a move: fresh notices.")
    description: str | None = None


class DecideIn(Input):
    version: int = Field(..., ge=1)
    override_reason: str = Field(
        "", description="Needed when an impactee has not acknowledged; goes to the decision log."
    )


class ReleaseFilters(Filters):
    status: StatusName | None = None


record_routes(
    router,
    "/delivery/releases",
    "release_id",
    module=__name__,
    names=Names("release", "releases"),
    out=ReleaseOut,
    find=access_release,
    listing=(ReleaseFilters, selectors.releases),
    create=(ReleaseIn, with_fields(services.create_release)),
    update=(ReleasePatch, update_with_version(services.update_release)),
    delete=services.delete_release,
    summaries={
        "list": "Releases, by date",
        "create": "Plan a release",
        "get": "One release",
        "update": "Edit or move a release (a new date sends every impactee a fresh notice)",
        "delete": "Delete a planned release",
    },
)


record_actions(
    router,
    "/delivery/releases/{release_id}",
    module=__name__,
    find=access_release,
    out=ReleaseOut,
    actions=[
        Action(
            "decide",
            "decide_release",
            services.decide_release,
            "Decide a release (an unready one needs an override reason)",
            DecideIn,
            "Refused with 409 code `not_ready`, naming the teams that have not "
            "acknowledged, unless `override_reason` is given; an override is recorded in "
            "the decision log.",
        ),
        Action(
            "released",
            "mark_released",
            services.mark_released,
            "Mark a decided release as released",
            VersionIn,
        ),
        Action("cancel", "cancel_release", services.cancel_release, "Cancel a release", VersionIn),
    ],
)


class MatrixCellOut(Schema):
    impact_id: Id
    feature_id: Id
    team_id: Id
    role: RoleName
    acknowledged: bool
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    risk: RiskName
    lead_time: int
    days_left: int | None
    notice_late: bool | None = Field(..., description="Whether the latest notice was late.")


def cell_out(cell: selectors.Cell) -> dict[str, Any]:
    impact = cell.impact
    return {
        "impact_id": impact.pk,
        "feature_id": impact.feature_id,
        "team_id": impact.team_id,
        "role": cell.role,
        "acknowledged": cell.acknowledged,
        "acknowledged_by": username_of(impact.acknowledged_by),
        "acknowledged_at": impact.acknowledged_at,
        "risk": cell.risk,
        "lead_time": cell.lead_time,
        "days_left": cell.days_left,
        "notice_late": cell.latest_notice.late if cell.latest_notice else None,
    }


class DeliveryTeamRef(Schema):
    id: int
    name: str


class ReleaseReadinessOut(Schema):
    release_id: Id
    ready: bool
    waiting: list[DeliveryTeamRef] = Field(..., description="Impactee teams yet to acknowledge.")
    impactees: list[MatrixCellOut]


def release_readiness_out(access: Access, release: Release) -> dict[str, Any]:
    readiness = selectors.release_readiness(access, release)
    return {
        "release_id": release.pk,
        "ready": readiness.ready,
        "waiting": [{"id": team.pk, "name": team.name} for team in readiness.waiting],
        "impactees": [cell_out(cell) for cell in readiness.cells],
    }


record_view(
    router,
    "/delivery/releases/{release_id}/readiness",
    module=__name__,
    name="release_readiness",
    find=access_release,
    show=release_readiness_out,
    out=ReleaseReadinessOut,
    summary="Whether every impactee of a release has acknowledged",
)


# Features --------------------------------------------------------------------------------


class FeatureOut(Schema):
    id: int
    title: str
    kind: KindName
    description: str
    owner_team_id: Id | None
    epic_id: Id | None
    release_id: Id | None
    version: int


class FeatureIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    kind: KindName = "feature"
    description: str = ""
    owner_team_id: Id | None = None
    epic_id: Id | None = None
    release_id: Id | None = Field(None, description="Putting it in a release sends notices.")


FeaturePatch = patch_of(FeatureIn, "FeaturePatch", descriptions=False)


class FeatureFilters(Filters):
    release: Id | None = Field(None, description="A release id.")
    team: Id | None = Field(None, description="A team id: owner or impacted.")
    kind: KindName | None = None


record_routes(
    router,
    "/delivery/features",
    "feature_id",
    module=__name__,
    names=Names("feature", "features"),
    out=FeatureOut,
    find=access_feature,
    listing=(FeatureFilters, selectors.features),
    create=(FeatureIn, with_fields(services.create_feature, references)),
    update=(FeaturePatch, update_with_version(services.update_feature, references)),
    delete=services.delete_feature,
    summaries={
        "list": "Features",
        "create": "Create a feature",
        "get": "One feature",
        "update": "Edit a feature (putting it in a release sends its impactees notices)",
        "delete": "Delete a feature",
    },
)


# Impacts ---------------------------------------------------------------------------------


class ImpactOut(Schema):
    id: int
    feature_id: Id
    team_id: Id
    role: RoleName
    what_changes: str
    what_is_needed: str
    lead_time_days: int | None = Field(..., description="Null: the team's default applies.")
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_acknowledged_by(obj: Impact) -> str | None:
        return username_of(obj.acknowledged_by)


class ImpactIn(Input):
    feature_id: Id
    team_id: Id
    role: RoleName
    what_changes: str = ""
    what_is_needed: str = Field("", description="Training material, call scripts, …")
    lead_time_days: int | None = Field(None, ge=0, le=365)


ImpactPatch = patch_of(
    ImpactIn, "ImpactPatch", leave_out=("feature_id", "team_id"), descriptions=False
)


class ImpactFilters(Filters):
    feature: Id | None = Field(None, description="A feature id.")
    team: Id | None = Field(None, description="A team id.")


def create_impact(access: Access, payload: ImpactIn) -> Impact:
    fields = payload.dict()
    with naming("feature_id"):
        feature = access_feature(access, fields.pop("feature_id"), "write")
    return services.add_impact(access, feature, team=fields.pop("team_id"), **fields)


record_routes(
    router,
    "/delivery/impacts",
    "impact_id",
    module=__name__,
    names=Names("impact", "impacts"),
    out=ImpactOut,
    find=access_impact,
    listing=(ImpactFilters, selectors.impacts),
    create=(ImpactIn, create_impact),
    update=(ImpactPatch, update_with_version(services.update_impact)),
    delete=services.remove_impact,
    summaries={
        "list": "Impacts of features on teams",
        "create": "Record a feature's impact on a team (an impactee gets a notice)",
        "get": "One impact",
        "update": "Edit an impact",
        "delete": "Remove an impact",
    },
)


record_actions(
    router,
    "/delivery/impacts/{impact_id}",
    module=__name__,
    find=access_impact,
    out=ImpactOut,
    actions=[
        Action(
            "acknowledge",
            "acknowledge",
            services.acknowledge,
            "Acknowledge an impact for the impacted team (its members or an admin)",
            description="Needs no version: acknowledging is idempotent (a second "
            "acknowledgement keeps the first one's who and when) and changes nothing "
            "anyone else edits.",
        ),
    ],
)


# Notices ---------------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    impact_id: Id
    team_id: Id
    feature_id: Id
    release_id: Id | None
    reason: str = Field(..., description="planned, moved, decided or impact_added.")
    sent_at: dt.datetime
    release_date: dt.date | None
    days_left: int | None
    lead_time_days: int
    late: bool

    @staticmethod
    def resolve_team_id(obj: Any) -> int:
        return obj.impact.team_id

    @staticmethod
    def resolve_feature_id(obj: Any) -> int:
        return obj.impact.feature_id


class NoticeFilters(Filters):
    release: Id | None = Field(None, description="A release id.")
    team: Id | None = Field(None, description="A team id.")


@router.get("/delivery/notices", response=list[NoticeOut], summary="Notices sent, newest first")
@paginate(CursorPage)
def list_notices(request: HttpRequest, org: OrgSlug, filters: Query[NoticeFilters]) -> Any:
    return selectors.notices(caller_access(request), **filters.dict())


# The matrix, teams and lead times ---------------------------------------------------------


class MatrixFeatureOut(Schema):
    id: int
    title: str
    kind: KindName
    owner_team_id: Id | None


class MatrixGroupOut(Schema):
    release: ReleaseOut | None
    features: list[MatrixFeatureOut]


class MatrixOut(Schema):
    groups: list[MatrixGroupOut] = Field(..., description="Features by release; null: none yet.")
    teams: list[DeliveryTeamRef]
    cells: list[MatrixCellOut]


class MatrixFilters(Filters):
    release: list[Id] | None = Field(None, description="Release ids (default: open ones).")
    team: list[Id] | None = Field(None, description="Team ids (default: every team touched).")


def matrix_of(request: HttpRequest, filters: MatrixFilters) -> selectors.Matrix:
    return selectors.matrix(
        caller_access(request), release_ids=filters.release, team_ids=filters.team
    )


@router.get(
    "/delivery/matrix",
    response=MatrixOut,
    summary="The dependency matrix: features by release × teams",
)
def get_matrix(request: HttpRequest, org: OrgSlug, filters: Query[MatrixFilters]) -> Any:
    matrix = matrix_of(request, filters)
    return {
        "groups": [
            {"release": release, "features": features} for release, features in matrix.releases
        ],
        "teams": [{"id": team.pk, "name": team.name} for team in matrix.teams],
        "cells": [cell_out(cell) for cell in matrix.cells.values()],
    }


def matrix_export(
    request: HttpRequest, filters: MatrixFilters, kind: Literal["csv", "xlsx"]
) -> HttpResponse:
    """The dependency matrix as a ``kind`` ("csv" or "xlsx") attachment."""
    access = caller_access(request)
    rows = exports.matrix_rows(matrix_of(request, filters))
    name = exports.filename(access.organization, kind, timezone.localdate())
    return table_attachment(rows, kind, name, sheet="Matrix")


@router.get("/delivery/matrix.csv", summary="The dependency matrix as CSV")
def matrix_csv(request: HttpRequest, org: OrgSlug, filters: Query[MatrixFilters]) -> HttpResponse:
    return matrix_export(request, filters, "csv")


@router.get("/delivery/matrix.xlsx", summary="The dependency matrix as an Excel workbook")
def matrix_xlsx(request: HttpRequest, org: OrgSlug, filters: Query[MatrixFilters]) -> HttpResponse:
    return matrix_export(request, filters, "xlsx")


class UpcomingOut(Schema):
    impact: ImpactOut
    feature: MatrixFeatureOut
    release: ReleaseOut
    release_date: dt.date
    days_left: int
    lead_time: int
    acknowledged: bool
    risk: RiskName


def upcoming_out(access: Access, item: Any) -> dict[str, Any]:
    return {
        "impact": item.impact,
        "feature": item.impact.feature,
        "release": item.impact.feature.release,
        "release_date": item.release_date,
        "days_left": item.days_left,
        "lead_time": item.lead_time,
        "acknowledged": item.acknowledged,
        "risk": item.risk,
    }


child_routes(
    router,
    "/delivery/teams/{team_id}/upcoming",
    module=__name__,
    names=Names("upcoming", "upcoming", renamed={"list": "team_upcoming"}),
    out=UpcomingOut,
    parent=access_team,
    listing=selectors.upcoming_for_team,
    present=upcoming_out,
    summaries={"list": "What is coming at a team: its impacts in open releases, soonest first"},
)


class LeadTimeOut(Schema):
    team_id: Id
    team_name: str
    days: int
    is_default: bool = Field(..., description="True: the team has not set its own.")


class LeadTimeIn(Input):
    days: int = Field(..., ge=0, le=365)


def lead_time_out(item: selectors.LeadTime) -> dict[str, Any]:
    return {
        "team_id": item.team.pk,
        "team_name": item.team.name,
        "days": item.days,
        "is_default": item.is_default,
    }


@router.get(
    "/delivery/lead-times", response=list[LeadTimeOut], summary="Each team's lead time in days"
)
@paginate(CursorPage)
def list_lead_times(request: HttpRequest, org: OrgSlug) -> Any:
    return [lead_time_out(item) for item in selectors.lead_times(caller_access(request))]


@router.put(
    "/delivery/lead-times/{team_id}",
    response=LeadTimeOut,
    summary="Set a team's lead time",
    description=(
        "Needs no version: the lead time is set to the value sent, whatever it was (a setting "
        "with one field, nothing to merge); sending it twice changes nothing more, and the "
        "audit log keeps every change."
    ),
)
def set_lead_time(request: HttpRequest, org: OrgSlug, team_id: Id, payload: LeadTimeIn) -> Any:
    access = caller_access(request)
    team = access_team(access, team_id, "write")
    record = services.set_lead_time(access, team, days=payload.days)
    return {"team_id": team.pk, "team_name": team.name, "days": record.days, "is_default": False}


# Webhooks --------------------------------------------------------------------------------


URL_MASKING = (
    "Shown in full to admins and owners only; editors and viewers get the scheme and host "
    'with the rest elided ("https://hooks.example.org/…"), or "configured", since many '
    "receivers take the URL itself as their key."
)
ERROR_MASKING = (
    "The last attempt's error, which may name the target's address or echo its answer: "
    'shown to admins and owners only; editors and viewers get "(shown to admins and owners)" '
    "when there is one, and an empty string when there is none."
)
HIDDEN = "(shown to admins and owners)"


def sees_webhook_targets(context: Any) -> bool:
    """Whether the caller may read webhook URLs and delivery errors in full (manage: admins
    and owners); no request in the context reads as no."""
    request = (context or {}).get("request")
    return request is not None and caller_access(request).can_manage


class WebhookOut(Schema):
    id: int
    url: str = Field(..., description=URL_MASKING)
    events: list[str]
    active: bool
    version: int

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return obj.url if sees_webhook_targets(context) else obj.masked_url


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(..., description="Shown once, in this answer: verify signatures with it.")


class WebhookIn(Input):
    url: str = Field(..., min_length=1, max_length=500)
    events: list[EventName] = Field(..., min_length=1)
    secret: str | None = Field(None, min_length=16, max_length=100)


class WebhookPatch(VersionedInput):
    url: str | None = Field(None, min_length=1, max_length=500)
    events: list[EventName] | None = None
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    event: str
    payload: dict[str, Any]
    status: Literal["pending", "succeeded", "failed", "refused"]
    attempts: int
    last_status_code: int | None
    last_error: str = Field(..., description=ERROR_MASKING)
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_last_error(obj: Any, context: Any) -> str:
        if sees_webhook_targets(context) or not obj.last_error:
            return str(obj.last_error)
        return HIDDEN


record_routes(
    router,
    "/delivery/webhooks",
    "webhook_id",
    module=__name__,
    names=Names("webhook", "webhooks"),
    out=WebhookOut,
    # A webhook's writes need the manage right.
    find=managed(access_webhook),
    listing=(None, selectors.webhooks),
    update=(WebhookPatch, update_with_version(services.update_webhook)),
    delete=services.delete_webhook,
    summaries={
        "list": "Outgoing webhooks",
        "get": "One webhook",
        "update": "Edit a webhook",
        "delete": "Delete a webhook",
    },
)


# Its answer shows the secret, once: a record read again would not have it.
@router.post(
    "/delivery/webhooks",
    response={201: WebhookCreatedOut},
    summary="Add a webhook (its URL must resolve to public addresses)",
)
def create_webhook(request: HttpRequest, org: OrgSlug, payload: WebhookIn) -> Any:
    return Status(201, services.create_webhook(caller_access(request), **payload.dict()))


child_routes(
    router,
    "/delivery/webhooks/{webhook_id}/deliveries",
    module=__name__,
    names=Names("delivery", "deliveries"),
    out=DeliveryOut,
    parent=access_webhook,
    listing=selectors.webhook_deliveries,
    summaries={"list": "A webhook's delivery log, newest first"},
)


@router.post(
    "/delivery/webhooks/{webhook_id}/test",
    response={202: DeliveryOut},
    summary="Send a webhook a signed test event",
    description="Needs no version: it records a delivery and changes no field of the webhook.",
)
def ping_webhook(request: HttpRequest, org: OrgSlug, webhook_id: Id) -> Any:
    access = caller_access(request)
    delivery = services.ping_webhook(access, access_webhook(access, webhook_id, "manage"))
    delivery.refresh_from_db()
    return Status(202, delivery)


# Calendar feeds --------------------------------------------------------------------------


class FeedOut(Schema):
    id: int
    label: str
    team_id: Id | None
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_created_by(obj: Any) -> str:
        return obj.created_by.get_username()


class FeedCreatedOut(FeedOut):
    url: str = Field(..., description="The secret feed URL, shown once.")


class FeedIn(Input):
    label: str = Field(..., min_length=1, max_length=200)
    team_id: Id | None = Field(None, description="A team's feed; null: the whole organization.")


@router.get("/delivery/calendar-feeds", response=list[FeedOut], summary="Calendar feeds")
@paginate(CursorPage)
def list_feeds(request: HttpRequest, org: OrgSlug) -> Any:
    return selectors.calendar_feeds(caller_access(request))


@router.post(
    "/delivery/calendar-feeds",
    response={201: FeedCreatedOut},
    summary="Make an iCalendar feed; its secret URL is shown only in this answer",
)
def create_feed(request: HttpRequest, org: OrgSlug, payload: FeedIn) -> Any:
    access = caller_access(request)
    feed, token = services.create_calendar_feed(access, team=payload.team_id, label=payload.label)
    path = reverse("delivery_calendar_feed", kwargs={"token": token})
    feed.url = request.build_absolute_uri(path)  # type: ignore[attr-defined]
    return Status(201, feed)


record_actions(
    router,
    "/delivery/calendar-feeds/{calendar_feed_id}",
    module=__name__,
    find=access_calendar_feed,
    out=FeedOut,
    actions=[
        Action(
            "revoke",
            "revoke_feed",
            services.revoke_calendar_feed,
            "Revoke a calendar feed: its URL stops working",
            description="Needs no version: revoking is idempotent (a revoked feed stays "
            "revoked, with the first time) and nothing undoes it.",
        ),
    ],
)
