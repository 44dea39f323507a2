"""API routes for an engagement's journey, the lab report and report links."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from northline.lab.access import access_engagement
from northline.lab.agreements.api import AgreementStatusName
from northline.lab.budget.api import BudgetOut, budget_out
from northline.lab.engagements.api import progress_out
from northline.lab.journey import selectors, services
from northline.lab.models import Engagement, ReportLink
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Id, Input, OrgSlug
from northline.orgs.access import Access
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import Action, managed, record_actions, record_view

router = Router(tags=["lab governance"])


# Journey reports and links -------------------------------------------------------------------


class JourneyEventOut(Schema):
    id: int
    created_at: dt.datetime
    actor_name: str
    verb: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]


class JourneyPhaseOut(Schema):
    phase_id: Id
    phase: str
    total: int
    met: int
    waived: int
    open: int
    is_current: bool


class AgreementStateOut(Schema):
    agreement_id: Id
    title: str
    status: AgreementStatusName
    executed: bool
    counts: dict[str, int]


class JourneyReadinessOut(Schema):
    required: int
    completed: int
    missing: list[dict[str, Any]]


class JourneyRuleOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str


class JourneyOut(Schema):
    engagement_id: Id
    title: str
    status: str
    current_phase: str | None
    phases: list[JourneyPhaseOut]
    checklist: dict[str, int]
    agreements: list[AgreementStateOut]
    readiness: JourneyReadinessOut
    composition: list[JourneyRuleOut]
    budget: BudgetOut
    timeline: list[JourneyEventOut]


def journey_out(access: Access, engagement: Engagement) -> dict[str, Any]:
    report = selectors.engagement_journey(access, engagement)
    return {
        "engagement_id": engagement.pk,
        "title": engagement.title,
        "status": engagement.status,
        "current_phase": engagement.current_phase.name if engagement.current_phase else None,
        "phases": [progress_out(access, p) for p in report.phases],
        "checklist": report.checklist,
        "agreements": [
            {
                "agreement_id": a.pk,
                "title": a.title,
                "status": a.status,
                "executed": grid.executed,
                "counts": grid.counts,
            }
            for a, grid in report.agreements
        ],
        "readiness": {
            "required": report.readiness.required,
            "completed": report.readiness.completed,
            "missing": [
                {"person_id": person.pk, "person": person.name, "course": course.name}
                for person, course in report.readiness.missing
            ],
        },
        "composition": [
            {"key": r.key, "label": r.label, "ok": r.ok, "detail": r.detail}
            for r in report.composition
        ],
        "budget": budget_out(report.budget),
        "timeline": [entry.event for entry in report.timeline],
    }


record_view(
    router,
    "/lab/engagements/{engagement_id}/journey",
    module=__name__,
    name="get_journey",
    find=access_engagement,
    show=journey_out,
    out=JourneyOut,
    summary="An engagement's journey report: timeline, progress, agreements, training, budget",
)


class StatusCountOut(Schema):
    status: str
    label: str
    count: int


class PhaseCountOut(Schema):
    phase_id: Id
    phase: str
    active: int
    engagements_ever: int
    average_days: int | None


class ClosingOut(Schema):
    engagement_id: Id
    title: str
    partner: str
    reason: str
    on: dt.date | None


class LabReportOut(Schema):
    total: int
    by_status: list[StatusCountOut]
    by_phase: list[PhaseCountOut]
    graduations: list[ClosingOut]
    pivots: list[ClosingOut]


def closing_out(closing: selectors.Closing) -> dict[str, Any]:
    return {
        "engagement_id": closing.engagement.pk,
        "title": closing.engagement.title,
        "partner": closing.engagement.partner_organization,
        "reason": closing.reason,
        "on": closing.on,
    }


@router.get(
    "/lab/report",
    response=LabReportOut,
    summary="The aggregated report: counts by status and phase, time in phase, outcomes",
)
def get_lab_report(request: HttpRequest, org: OrgSlug) -> Any:
    report = selectors.lab_report(caller_access(request).organization)
    return {
        "total": report.total,
        "by_status": [
            {"status": value, "label": label, "count": count}
            for value, label, count in report.by_status
        ],
        "by_phase": [
            {
                "phase_id": phase.pk,
                "phase": phase.name,
                "active": count,
                "engagements_ever": time.engagements,
                "average_days": time.average_days,
            }
            for phase, count, time in report.phase_rows
        ],
        "graduations": [closing_out(c) for c in report.graduations],
        "pivots": [closing_out(c) for c in report.pivots],
    }


class ReportLinkOut(Schema):
    id: int
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    version: int


class ReportLinkCreatedOut(ReportLinkOut):
    secret: str = Field(..., description="Shown once; only its SHA-256 is stored.")
    path: str = Field(..., description="Where the shared report opens, without sign-in.")


class ReportLinkIn(Input):
    label: str = Field(..., min_length=1, max_length=200)


@router.get("/lab/report-links", response=list[ReportLinkOut], summary="Links sharing the report")
@paginate(CursorPage)
def list_report_links(request: HttpRequest, org: OrgSlug) -> QuerySet[ReportLink]:
    return selectors.report_links(caller_access(request))


@router.post(
    "/lab/report-links",
    response={201: ReportLinkCreatedOut},
    summary="Share the report read-only by a link (admins; the secret is shown once)",
)
def create_report_link(request: HttpRequest, org: OrgSlug, payload: ReportLinkIn) -> Any:
    access = caller_access(request)
    link, raw = services.create_report_link(access, label=payload.label)
    return Status(
        201,
        {
            "id": link.pk,
            "label": link.label,
            "created_at": link.created_at,
            "revoked_at": link.revoked_at,
            "version": link.version,
            "secret": raw,
            "path": reverse("lab_shared_report", args=[access.organization.slug, raw]),
        },
    )


record_actions(
    router,
    "/lab/report-links/{link_id}",
    module=__name__,
    find=managed(selectors.access_report_link),
    out=ReportLinkOut,
    actions=[
        Action(
            "revoke",
            "revoke_report_link",
            services.revoke_report_link,
            "Revoke a link: it answers 404 from now on",
            description=(
                "Needs no version: revoking cannot be undone and a second revoke is refused "
                "with 409 `already_revoked`, so nothing is overwritten."
            ),
        ),
    ],
)
