"""API routes for agreement templates, agreements and initials, alignment sessions, budget,
experts in residence, journey reports and report links (below /api/v1/orgs/{org}/lab/)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from northline.lab import agreements, budget, experts, journey, sessions
from northline.lab.access import access_engagement
from northline.lab.models import (
    Agreement,
    AgreementSection,
    AgreementTemplate,
    AlignmentSession,
    Commitment,
    Expense,
    Expert,
    ExpertRequest,
    ReportLink,
    Signatory,
    TemplateSection,
)
from northline.lib.errors import NotFound, naming
from northline.lib.exports import attachment
from northline.lib.schemas import Id, Input, OrgSlug, Page, VersionedInput, VersionIn
from northline.orgs.api_auth import caller_access

router = Router(tags=["lab governance"])

SideName = Literal["lab", "partner"]
AgreementStatusName = Literal["draft", "circulating", "executed", "amended", "terminated"]
CellStateName = Literal["valid", "missing", "voided", "tampered"]
RequestStatusName = Literal["open", "assigned", "done", "declined"]


def references(fields: dict[str, Any]) -> dict[str, Any]:
    """``person_id`` → ``person``: the services take records or ids by field name."""
    return {name.removesuffix("_id"): value for name, value in fields.items()}


# Templates -----------------------------------------------------------------------------------


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    version: int


class TemplateIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""


class TemplatePatch(VersionedInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None


class SectionOut(Schema):
    id: int
    position: int
    title: str
    body: str = Field(..., description="Markdown.")
    needs_initials: bool
    version: int


class SectionIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, description="Markdown.")
    needs_initials: bool = True
    position: int | None = Field(None, ge=0, description="Leave out to add it at the end.")


class SectionPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1)
    needs_initials: bool | None = None
    position: int | None = Field(None, ge=0)


@router.get("/lab/templates", response=list[TemplateOut], summary="Agreement templates")
@paginate(Page)
def list_templates(request: HttpRequest, org: OrgSlug) -> QuerySet[AgreementTemplate]:
    return agreements.templates(caller_access(request))


@router.post("/lab/templates", response={201: TemplateOut}, summary="Create a template")
def create_template(request: HttpRequest, org: OrgSlug, payload: TemplateIn) -> Any:
    return Status(201, agreements.create_template(caller_access(request), **payload.dict()))


@router.get("/lab/templates/{template_id}", response=TemplateOut, summary="One template")
def get_template(request: HttpRequest, org: OrgSlug, template_id: Id) -> Any:
    return agreements.access_template(caller_access(request), template_id)


@router.patch("/lab/templates/{template_id}", response=TemplateOut, summary="Edit a template")
def update_template(
    request: HttpRequest, org: OrgSlug, template_id: Id, payload: TemplatePatch
) -> Any:
    access = caller_access(request)
    record = agreements.access_template(access, template_id, "write")
    return agreements.update_template(access, record, version=payload.version, **payload.changes())


@router.delete(
    "/lab/templates/{template_id}",
    response={204: None},
    summary="Delete a template (agreements keep their copies)",
)
def delete_template(request: HttpRequest, org: OrgSlug, template_id: Id) -> Any:
    access = caller_access(request)
    agreements.delete_template(access, agreements.access_template(access, template_id, "write"))
    return Status(204, None)


@router.get(
    "/lab/templates/{template_id}/sections",
    response=list[SectionOut],
    summary="A template's sections",
)
@paginate(Page)
def list_template_sections(
    request: HttpRequest, org: OrgSlug, template_id: Id
) -> QuerySet[TemplateSection]:
    access = caller_access(request)
    return agreements.template_sections(access, agreements.access_template(access, template_id))


@router.post(
    "/lab/templates/{template_id}/sections",
    response={201: SectionOut},
    summary="Add a section to a template",
)
def create_template_section(
    request: HttpRequest, org: OrgSlug, template_id: Id, payload: SectionIn
) -> Any:
    access = caller_access(request)
    record = agreements.access_template(access, template_id, "write")
    return Status(201, agreements.add_template_section(access, record, **payload.dict()))


@router.patch(
    "/lab/template-sections/{template_section_id}",
    response=SectionOut,
    summary="Edit a template section",
)
def update_template_section(
    request: HttpRequest, org: OrgSlug, template_section_id: Id, payload: SectionPatch
) -> Any:
    access = caller_access(request)
    section = agreements.access_template_section(access, template_section_id, "write")
    return agreements.update_template_section(
        access, section, version=payload.version, **payload.changes()
    )


@router.delete(
    "/lab/template-sections/{template_section_id}",
    response={204: None},
    summary="Delete a template section",
)
def delete_template_section(request: HttpRequest, org: OrgSlug, template_section_id: Id) -> Any:
    access = caller_access(request)
    agreements.delete_template_section(
        access, agreements.access_template_section(access, template_section_id, "write")
    )
    return Status(204, None)


# Agreements ----------------------------------------------------------------------------------


class AgreementOut(Schema):
    id: int
    engagement_id: Id
    template_id: Id | None
    title: str
    status: AgreementStatusName = Field(
        ...,
        description="As stored: the workflow's last step. It still says executed when an "
        "initial was changed outside Northline; `executed` and `tampered` tell.",
    )
    executed: bool = Field(
        ...,
        description="Worked out from the cells, seals included, as the agreement's page shows "
        "it: every required cell holds a valid initial whose seal holds.",
    )
    tampered: int = Field(
        ..., description="Stored initials that fail their seal; each keeps its cell unexecuted."
    )
    executed_at: dt.datetime | None
    version: int


def agreement_out(access: Any, agreement: Agreement) -> dict[str, Any]:
    """The agreement with its standing worked out from the cells (three queries)."""
    grid = agreements.agreement_state(access, agreement)
    return {
        "id": agreement.pk,
        "engagement_id": agreement.engagement_id,
        "template_id": agreement.template_id,
        "title": agreement.title,
        "status": agreement.status,
        "executed": grid.executed,
        "tampered": grid.counts[agreements.TAMPERED],
        "executed_at": agreement.executed_at,
        "version": agreement.version,
    }


class AgreementIn(Input):
    template_id: Id | None = Field(None, description="Copy this template's sections.")
    title: str = Field("", max_length=200, description="Defaults to the template's name.")


class AgreementPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)


class SignatoryOut(Schema):
    id: int
    agreement_id: Id
    person_id: Id
    person_name: str = Field(..., alias="person.name")
    role: str
    side: SideName
    version: int


class SignatoryIn(Input):
    person_id: Id
    role: str = Field(..., min_length=1, max_length=200)
    side: SideName


class SignatoryPatch(VersionedInput):
    role: str | None = Field(None, min_length=1, max_length=200)
    side: SideName | None = None


class InitialIn(Input):
    signatory_id: Id = Field(..., description="Your own signatory row on this agreement.")


class InitialOut(Schema):
    id: int
    agreement_id: Id
    section_id: Id
    signatory_id: Id
    user_id: Id
    initialed_at: dt.datetime
    text_sha256: str
    seal: str


class AgreementCellOut(Schema):
    section_id: Id
    signatory_id: Id
    state: CellStateName
    initial_id: Id | None
    initialed_at: dt.datetime | None


class GridOut(Schema):
    agreement_id: Id
    status: AgreementStatusName = Field(..., description="As stored.")
    executed: bool = Field(..., description="Worked out from the cells, seals included.")
    section_ids: list[Id] = Field(..., description="Rows: sections needing initials.")
    signatory_ids: list[Id]
    counts: dict[str, int]
    cells: list[AgreementCellOut]


def grid_out(grid: agreements.AgreementGrid) -> dict[str, Any]:
    return {
        "agreement_id": grid.agreement.pk,
        "status": grid.agreement.status,
        "executed": grid.executed,
        "section_ids": [s.pk for s in grid.required],
        "signatory_ids": [s.pk for s in grid.signatories],
        "counts": grid.counts,
        "cells": [
            {
                "section_id": cell.section.pk,
                "signatory_id": cell.signatory.pk,
                "state": cell.state,
                "initial_id": cell.initial.pk if cell.initial else None,
                "initialed_at": cell.initial.initialed_at if cell.initial else None,
            }
            for _, cells in grid.rows
            for cell in cells
        ],
    }


@router.get(
    "/lab/engagements/{engagement_id}/agreements",
    response=list[AgreementOut],
    summary="An engagement's agreements",
)
@paginate(Page)
def list_agreements(request: HttpRequest, org: OrgSlug, engagement_id: Id) -> list[dict[str, Any]]:
    access = caller_access(request)
    # An engagement has a handful of agreements: each is judged from its cells, as on the page.
    return [
        agreement_out(access, agreement)
        for agreement in agreements.agreements(access, access_engagement(access, engagement_id))
    ]


@router.post(
    "/lab/engagements/{engagement_id}/agreements",
    response={201: AgreementOut},
    summary="Make an agreement (a draft) from a template",
)
def create_agreement(
    request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: AgreementIn
) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    created = agreements.create_agreement(access, engagement, **references(payload.dict()))
    return Status(201, agreement_out(access, created))


@router.get("/lab/agreements/{agreement_id}", response=AgreementOut, summary="One agreement")
def get_agreement(request: HttpRequest, org: OrgSlug, agreement_id: Id) -> Any:
    access = caller_access(request)
    return agreement_out(access, agreements.access_agreement(access, agreement_id))


@router.patch("/lab/agreements/{agreement_id}", response=AgreementOut, summary="Rename")
def update_agreement(
    request: HttpRequest, org: OrgSlug, agreement_id: Id, payload: AgreementPatch
) -> Any:
    access = caller_access(request)
    record = agreements.access_agreement(access, agreement_id, "write")
    updated = agreements.update_agreement(
        access, record, version=payload.version, **payload.changes()
    )
    return agreement_out(access, updated)


@router.delete(
    "/lab/agreements/{agreement_id}",
    response={204: None},
    summary="Delete a draft nobody has initialed",
)
def delete_agreement(request: HttpRequest, org: OrgSlug, agreement_id: Id) -> Any:
    access = caller_access(request)
    agreements.delete_agreement(access, agreements.access_agreement(access, agreement_id, "write"))
    return Status(204, None)


@router.post(
    "/lab/agreements/{agreement_id}/circulate",
    response=AgreementOut,
    summary="Send a draft out for initials",
)
def circulate_agreement(
    request: HttpRequest, org: OrgSlug, agreement_id: Id, payload: VersionIn
) -> Any:
    access = caller_access(request)
    record = agreements.access_agreement(access, agreement_id, "write")
    return agreement_out(access, agreements.circulate(access, record, version=payload.version))


@router.post(
    "/lab/agreements/{agreement_id}/terminate",
    response=AgreementOut,
    summary="Terminate an agreement",
)
def terminate_agreement(
    request: HttpRequest, org: OrgSlug, agreement_id: Id, payload: VersionIn
) -> Any:
    access = caller_access(request)
    record = agreements.access_agreement(access, agreement_id, "write")
    return agreement_out(access, agreements.terminate(access, record, version=payload.version))


@router.get(
    "/lab/agreements/{agreement_id}/grid",
    response=GridOut,
    summary="The initials grid: each required cell's state",
)
def agreement_grid(request: HttpRequest, org: OrgSlug, agreement_id: Id) -> Any:
    access = caller_access(request)
    record = agreements.access_agreement(access, agreement_id)
    return grid_out(agreements.agreement_state(access, record))


@router.get(
    "/lab/agreements/{agreement_id}/sections",
    response=list[SectionOut],
    summary="An agreement's sections",
)
@paginate(Page)
def list_sections(
    request: HttpRequest, org: OrgSlug, agreement_id: Id
) -> QuerySet[AgreementSection]:
    access = caller_access(request)
    return agreements.sections(access, agreements.access_agreement(access, agreement_id))


@router.post(
    "/lab/agreements/{agreement_id}/sections",
    response={201: SectionOut},
    summary="Add a section (amends an executed agreement)",
)
def create_section(request: HttpRequest, org: OrgSlug, agreement_id: Id, payload: SectionIn) -> Any:
    access = caller_access(request)
    record = agreements.access_agreement(access, agreement_id, "write")
    return Status(201, agreements.add_section(access, record, **payload.dict()))


@router.patch(
    "/lab/agreements/{agreement_id}/sections/{section_id}",
    response=SectionOut,
    summary="Edit a section (a new text voids its initials)",
)
def update_section(
    request: HttpRequest, org: OrgSlug, agreement_id: Id, section_id: Id, payload: SectionPatch
) -> Any:
    access = caller_access(request)
    section = section_of(access, agreement_id, section_id, "write")
    return agreements.update_section(access, section, version=payload.version, **payload.changes())


@router.delete(
    "/lab/agreements/{agreement_id}/sections/{section_id}",
    response={204: None},
    summary="Delete a section nobody has initialed",
)
def delete_section(request: HttpRequest, org: OrgSlug, agreement_id: Id, section_id: Id) -> Any:
    access = caller_access(request)
    agreements.delete_section(access, section_of(access, agreement_id, section_id, "write"))
    return Status(204, None)


def section_of(access: Any, agreement_id: Id, section_id: Id, action: str) -> AgreementSection:
    section = agreements.access_section(access, section_id, action)
    if section.agreement_id != agreement_id:
        raise NotFound(f"No section with id {section_id} in agreement {agreement_id}.")
    return section


@router.post(
    "/lab/agreements/{agreement_id}/sections/{section_id}/initial",
    response={201: InitialOut},
    summary="Initial a section as yourself (only your own signatory row)",
)
def initial_section(
    request: HttpRequest, org: OrgSlug, agreement_id: Id, section_id: Id, payload: InitialIn
) -> Any:
    access = caller_access(request)
    section = section_of(access, agreement_id, section_id, "write")
    with naming("signatory_id"):
        signatory = agreements.access_signatory(access, payload.signatory_id, "write")
    return Status(201, agreements.initial_section(access, section, signatory))


@router.get(
    "/lab/agreements/{agreement_id}/signatories",
    response=list[SignatoryOut],
    summary="An agreement's signatories",
)
@paginate(Page)
def list_signatories(request: HttpRequest, org: OrgSlug, agreement_id: Id) -> QuerySet[Signatory]:
    access = caller_access(request)
    return agreements.signatories(access, agreements.access_agreement(access, agreement_id))


@router.post(
    "/lab/agreements/{agreement_id}/signatories",
    response={201: SignatoryOut},
    summary="Add a signatory",
)
def create_signatory(
    request: HttpRequest, org: OrgSlug, agreement_id: Id, payload: SignatoryIn
) -> Any:
    access = caller_access(request)
    record = agreements.access_agreement(access, agreement_id, "write")
    return Status(201, agreements.add_signatory(access, record, **references(payload.dict())))


@router.patch(
    "/lab/signatories/{signatory_id}", response=SignatoryOut, summary="Edit a signatory's role"
)
def update_signatory(
    request: HttpRequest, org: OrgSlug, signatory_id: Id, payload: SignatoryPatch
) -> Any:
    access = caller_access(request)
    record = agreements.access_signatory(access, signatory_id, "write")
    return agreements.update_signatory(access, record, version=payload.version, **payload.changes())


@router.delete(
    "/lab/signatories/{signatory_id}",
    response={204: None},
    summary="Remove a signatory who has not initialed",
)
def delete_signatory(request: HttpRequest, org: OrgSlug, signatory_id: Id) -> Any:
    access = caller_access(request)
    agreements.remove_signatory(access, agreements.access_signatory(access, signatory_id, "write"))
    return Status(204, None)


# Alignment sessions --------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    engagement_id: Id
    title: str
    starts_on: dt.date
    ends_on: dt.date
    facilitator_ids: list[Id]
    attendee_ids: list[Id]
    agenda: str
    outcomes: str
    version: int

    @staticmethod
    def resolve_facilitator_ids(obj: AlignmentSession) -> list[int]:
        return sorted(p.pk for p in obj.facilitators.all())

    @staticmethod
    def resolve_attendee_ids(obj: AlignmentSession) -> list[int]:
        return sorted(p.pk for p in obj.attendees.all())


class SessionDetailOut(SessionOut):
    not_invited_ids: list[Id] = Field(
        ..., description="People who work with the product owner regularly and are not invited."
    )

    @staticmethod
    def resolve_not_invited_ids(obj: AlignmentSession) -> list[int]:
        return [p.pk for p in sessions.not_invited(obj)]


class SessionIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date = Field(..., description="The same day or the next (1 or 2 days).")
    facilitator_ids: list[Id] = []
    attendee_ids: list[Id] = []
    agenda: str = ""
    outcomes: str = ""


class SessionPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    facilitator_ids: list[Id] | None = None
    attendee_ids: list[Id] | None = None
    agenda: str | None = None
    outcomes: str | None = None


def session_fields(fields: dict[str, Any]) -> dict[str, Any]:
    renamed = {"facilitator_ids": "facilitators", "attendee_ids": "attendees"}
    return {renamed.get(name, name): value for name, value in fields.items()}


class CommitmentOut(Schema):
    id: int
    session_id: Id
    description: str
    owner_id: Id
    due_on: dt.date
    done: bool
    version: int


class CommitmentIn(Input):
    description: str = Field(..., min_length=1)
    owner_id: Id
    due_on: dt.date


class CommitmentPatch(VersionedInput):
    description: str | None = Field(None, min_length=1)
    owner_id: Id | None = None
    due_on: dt.date | None = None
    done: bool | None = None


@router.get(
    "/lab/engagements/{engagement_id}/sessions",
    response=list[SessionOut],
    summary="An engagement's alignment sessions",
)
@paginate(Page)
def list_sessions(
    request: HttpRequest, org: OrgSlug, engagement_id: Id
) -> QuerySet[AlignmentSession]:
    access = caller_access(request)
    return sessions.sessions(access, access_engagement(access, engagement_id))


@router.post(
    "/lab/engagements/{engagement_id}/sessions",
    response={201: SessionDetailOut},
    summary="Plan an alignment session (1 or 2 days)",
)
def create_session(
    request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: SessionIn
) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    return Status(
        201, sessions.create_session(access, engagement, **session_fields(payload.dict()))
    )


@router.get(
    "/lab/sessions/{session_id}",
    response=SessionDetailOut,
    summary="One session, with who is not invited",
)
def get_session(request: HttpRequest, org: OrgSlug, session_id: Id) -> Any:
    return sessions.access_session(caller_access(request), session_id)


@router.patch("/lab/sessions/{session_id}", response=SessionDetailOut, summary="Edit a session")
def update_session(
    request: HttpRequest, org: OrgSlug, session_id: Id, payload: SessionPatch
) -> Any:
    access = caller_access(request)
    record = sessions.access_session(access, session_id, "write")
    return sessions.update_session(
        access, record, version=payload.version, **session_fields(payload.changes())
    )


@router.delete("/lab/sessions/{session_id}", response={204: None}, summary="Delete a session")
def delete_session(request: HttpRequest, org: OrgSlug, session_id: Id) -> Any:
    access = caller_access(request)
    sessions.delete_session(access, sessions.access_session(access, session_id, "write"))
    return Status(204, None)


@router.get(
    "/lab/sessions/{session_id}/ics",
    summary="The session as an iCalendar file (text/calendar)",
    response={200: str},
    openapi_extra={
        "responses": {200: {"description": "RFC 5545", "content": {"text/calendar": {}}}}
    },
)
def session_ics(request: HttpRequest, org: OrgSlug, session_id: Id) -> HttpResponse:
    record = sessions.access_session(caller_access(request), session_id)
    return attachment(
        sessions.session_ics(record, host=request.get_host().split(":")[0] or "northline"),
        "text/calendar; charset=utf-8",
        f"alignment-session-{record.pk}.ics",
    )


@router.get(
    "/lab/sessions/{session_id}/commitments",
    response=list[CommitmentOut],
    summary="A session's commitments",
)
@paginate(Page)
def list_commitments(request: HttpRequest, org: OrgSlug, session_id: Id) -> QuerySet[Commitment]:
    access = caller_access(request)
    return sessions.commitments(access, sessions.access_session(access, session_id))


@router.post(
    "/lab/sessions/{session_id}/commitments",
    response={201: CommitmentOut},
    summary="Record a commitment",
)
def create_commitment(
    request: HttpRequest, org: OrgSlug, session_id: Id, payload: CommitmentIn
) -> Any:
    access = caller_access(request)
    record = sessions.access_session(access, session_id, "write")
    return Status(201, sessions.add_commitment(access, record, **references(payload.dict())))


@router.patch(
    "/lab/commitments/{commitment_id}", response=CommitmentOut, summary="Edit a commitment"
)
def update_commitment(
    request: HttpRequest, org: OrgSlug, commitment_id: Id, payload: CommitmentPatch
) -> Any:
    access = caller_access(request)
    record = sessions.access_commitment(access, commitment_id, "write")
    return sessions.update_commitment(
        access, record, version=payload.version, **references(payload.changes())
    )


@router.delete(
    "/lab/commitments/{commitment_id}", response={204: None}, summary="Delete a commitment"
)
def delete_commitment(request: HttpRequest, org: OrgSlug, commitment_id: Id) -> Any:
    access = caller_access(request)
    sessions.delete_commitment(access, sessions.access_commitment(access, commitment_id, "write"))
    return Status(204, None)


# Budget --------------------------------------------------------------------------------------


class ExpenseOut(Schema):
    id: int
    engagement_id: Id
    spent_on: dt.date
    amount: Decimal
    category: str
    note: str
    version: int


class ExpenseIn(Input):
    spent_on: dt.date
    amount: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    category: str = Field(..., min_length=1, max_length=100)
    note: str = Field("", max_length=300)


class ExpensePatch(VersionedInput):
    spent_on: dt.date | None = None
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    category: str | None = Field(None, min_length=1, max_length=100)
    note: str | None = Field(None, max_length=300)


class BudgetPatch(VersionedInput):
    """The engagement's version: the budget lives on the engagement."""

    budget_low: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_high: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    monthly_lab_cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)


class CategoryOut(Schema):
    category: str
    amount: Decimal


class BurnOut(Schema):
    on: dt.date
    cumulative: Decimal


class BudgetOut(Schema):
    engagement_id: Id
    engagement_version: int
    currency: str
    total: Decimal
    budget_low: Decimal | None
    budget_high: Decimal | None
    left_to_high: Decimal | None
    state: Literal["under", "within", "over"]
    monthly_lab_cost: Decimal | None
    months_in_residence: int
    lab_cost_to_date: Decimal | None
    by_category: list[CategoryOut]
    burn: list[BurnOut]


def budget_out(summary: budget.BudgetSummary) -> dict[str, Any]:
    return {
        "engagement_id": summary.engagement.pk,
        "engagement_version": summary.engagement.version,
        "currency": summary.currency,
        "total": summary.total,
        "budget_low": summary.low,
        "budget_high": summary.high,
        "left_to_high": summary.left_to_high,
        "state": summary.state,
        "monthly_lab_cost": summary.monthly_lab_cost,
        "months_in_residence": summary.months_in_residence,
        "lab_cost_to_date": summary.lab_cost_to_date,
        "by_category": [{"category": c, "amount": a} for c, a in summary.by_category],
        "burn": [{"on": p.on, "cumulative": p.cumulative} for p in summary.burn],
    }


@router.get(
    "/lab/engagements/{engagement_id}/budget",
    response=BudgetOut,
    summary="Budget summary: spend against the planned range, by category and over time",
)
def get_budget(request: HttpRequest, org: OrgSlug, engagement_id: Id) -> Any:
    access = caller_access(request)
    return budget_out(budget.budget_summary(access, access_engagement(access, engagement_id)))


@router.patch(
    "/lab/engagements/{engagement_id}/budget",
    response=BudgetOut,
    summary="Set the planned range, the monthly lab cost and the currency",
)
def set_budget(request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: BudgetPatch) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    updated = budget.set_budget(access, engagement, version=payload.version, **payload.changes())
    return budget_out(budget.budget_summary(access, updated))


@router.get(
    "/lab/engagements/{engagement_id}/expenses",
    response=list[ExpenseOut],
    summary="An engagement's expenses",
)
@paginate(Page)
def list_expenses(request: HttpRequest, org: OrgSlug, engagement_id: Id) -> QuerySet[Expense]:
    access = caller_access(request)
    return budget.expenses(access, access_engagement(access, engagement_id))


@router.post(
    "/lab/engagements/{engagement_id}/expenses",
    response={201: ExpenseOut},
    summary="Record an expense",
)
def create_expense(
    request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: ExpenseIn
) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    return Status(201, budget.add_expense(access, engagement, **payload.dict()))


@router.patch("/lab/expenses/{expense_id}", response=ExpenseOut, summary="Edit an expense")
def update_expense(
    request: HttpRequest, org: OrgSlug, expense_id: Id, payload: ExpensePatch
) -> Any:
    access = caller_access(request)
    record = budget.access_expense(access, expense_id, "write")
    return budget.update_expense(access, record, version=payload.version, **payload.changes())


@router.delete("/lab/expenses/{expense_id}", response={204: None}, summary="Delete an expense")
def delete_expense(request: HttpRequest, org: OrgSlug, expense_id: Id) -> Any:
    access = caller_access(request)
    budget.delete_expense(access, budget.access_expense(access, expense_id, "write"))
    return Status(204, None)


# Experts -------------------------------------------------------------------------------------


class ExpertOut(Schema):
    id: int
    person_id: Id
    person_name: str = Field(..., alias="person.name")
    areas: list[str]
    version: int


class ExpertIn(Input):
    person_id: Id
    areas: list[str] = Field(..., min_length=1)


class ExpertPatch(VersionedInput):
    areas: list[str] = Field(..., min_length=1)


class RequestOut(Schema):
    id: int
    engagement_id: Id
    area: str
    description: str
    expert_id: Id | None
    status: RequestStatusName
    version: int


class RequestIn(Input):
    area: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1)


class RequestPatch(VersionedInput):
    area: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, min_length=1)


class RequestMoveIn(Input):
    version: int = Field(..., ge=1)
    status: RequestStatusName = Field(
        ..., description="open → assigned → done; open or assigned → declined; assigned → open."
    )
    expert_id: Id | None = Field(None, description="Required to assign.")


@router.get("/lab/experts", response=list[ExpertOut], summary="Experts in residence")
@paginate(Page)
def list_experts(request: HttpRequest, org: OrgSlug) -> QuerySet[Expert]:
    return experts.experts(caller_access(request))


@router.post("/lab/experts", response={201: ExpertOut}, summary="Add an expert in residence")
def create_expert(request: HttpRequest, org: OrgSlug, payload: ExpertIn) -> Any:
    return Status(201, experts.create_expert(caller_access(request), **references(payload.dict())))


@router.patch("/lab/experts/{expert_id}", response=ExpertOut, summary="Edit an expert's areas")
def update_expert(request: HttpRequest, org: OrgSlug, expert_id: Id, payload: ExpertPatch) -> Any:
    access = caller_access(request)
    record = experts.access_expert(access, expert_id, "write")
    return experts.update_expert(access, record, version=payload.version, areas=payload.areas)


@router.delete(
    "/lab/experts/{expert_id}",
    response={204: None},
    summary="Remove an expert (their assigned requests reopen)",
)
def delete_expert(request: HttpRequest, org: OrgSlug, expert_id: Id) -> Any:
    access = caller_access(request)
    experts.delete_expert(access, experts.access_expert(access, expert_id, "write"))
    return Status(204, None)


@router.get("/lab/expert-requests", response=list[RequestOut], summary="Requests for experts")
@paginate(Page)
def list_requests(
    request: HttpRequest,
    org: OrgSlug,
    engagement: Id | None = None,
    status: RequestStatusName | None = None,
) -> QuerySet[ExpertRequest]:
    return experts.requests(caller_access(request), engagement=engagement, status=status)


@router.post(
    "/lab/engagements/{engagement_id}/expert-requests",
    response={201: RequestOut},
    summary="Ask for an expert",
)
def create_request(
    request: HttpRequest, org: OrgSlug, engagement_id: Id, payload: RequestIn
) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id, "write")
    return Status(201, experts.create_request(access, engagement, **payload.dict()))


@router.get(
    "/lab/expert-requests/{request_id}", response=RequestOut, summary="One request for an expert"
)
def get_request(request: HttpRequest, org: OrgSlug, request_id: Id) -> Any:
    return experts.access_request(caller_access(request), request_id)


@router.patch(
    "/lab/expert-requests/{request_id}", response=RequestOut, summary="Edit a request's text"
)
def update_request(
    request: HttpRequest, org: OrgSlug, request_id: Id, payload: RequestPatch
) -> Any:
    access = caller_access(request)
    record = experts.access_request(access, request_id, "write")
    return experts.update_request(access, record, version=payload.version, **payload.changes())


@router.post(
    "/lab/expert-requests/{request_id}/move",
    response=RequestOut,
    summary="Move a request: assign, done, decline or reopen",
)
def move_request(request: HttpRequest, org: OrgSlug, request_id: Id, payload: RequestMoveIn) -> Any:
    access = caller_access(request)
    record = experts.access_request(access, request_id, "write")
    return experts.move(
        access, record, to=payload.status, version=payload.version, expert=payload.expert_id
    )


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


@router.get(
    "/lab/engagements/{engagement_id}/journey",
    response=JourneyOut,
    summary="An engagement's journey report: timeline, progress, agreements, training, budget",
)
def get_journey(request: HttpRequest, org: OrgSlug, engagement_id: Id) -> Any:
    access = caller_access(request)
    engagement = access_engagement(access, engagement_id)
    report = journey.engagement_journey(access, engagement)
    return {
        "engagement_id": engagement.pk,
        "title": engagement.title,
        "status": engagement.status,
        "current_phase": engagement.current_phase.name if engagement.current_phase else None,
        "phases": [
            {
                "phase_id": p.phase.pk,
                "phase": p.phase.name,
                "total": p.total,
                "met": p.met,
                "waived": p.waived,
                "open": p.open,
                "is_current": p.is_current,
            }
            for p in report.phases
        ],
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


def closing_out(closing: journey.Closing) -> dict[str, Any]:
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
    report = journey.lab_report(caller_access(request).organization)
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
@paginate(Page)
def list_report_links(request: HttpRequest, org: OrgSlug) -> QuerySet[ReportLink]:
    return journey.report_links(caller_access(request))


@router.post(
    "/lab/report-links",
    response={201: ReportLinkCreatedOut},
    summary="Share the report read-only by a link (admins; the secret is shown once)",
)
def create_report_link(request: HttpRequest, org: OrgSlug, payload: ReportLinkIn) -> Any:
    access = caller_access(request)
    link, raw = journey.create_report_link(access, label=payload.label)
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


@router.post(
    "/lab/report-links/{link_id}/revoke",
    response=ReportLinkOut,
    summary="Revoke a link: it answers 404 from now on",
    description=(
        "Needs no version: revoking cannot be undone and a second revoke is refused with 409 "
        "`already_revoked`, so nothing is overwritten."
    ),
)
def revoke_report_link(request: HttpRequest, org: OrgSlug, link_id: Id) -> Any:
    access = caller_access(request)
    return journey.revoke_report_link(access, journey.access_report_link(access, link_id, "manage"))
