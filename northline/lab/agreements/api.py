"""API routes for agreement templates, agreements, their sections, signatories and initials."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from northline.lab.access import access_engagement
from northline.lab.agreements import selectors, services
from northline.lab.models import (
    Agreement,
    AgreementSection,
)
from northline.lib.errors import NotFound, naming
from northline.lib.schemas import (
    Id,
    Input,
    OrgSlug,
    VersionedInput,
    VersionIn,
    patch_of,
    references,
)
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Action,
    Names,
    record_actions,
    record_routes,
    record_view,
    update_with_version,
    with_fields,
)

router = Router(tags=["lab governance"])

SideName = Literal["lab", "partner"]
AgreementStatusName = Literal["draft", "circulating", "executed", "amended", "terminated"]
CellStateName = Literal["valid", "missing", "voided", "tampered"]


# Templates -----------------------------------------------------------------------------------


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    version: int


class TemplateIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""


TemplatePatch = patch_of(TemplateIn, "TemplatePatch")


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


SectionPatch = patch_of(SectionIn, "SectionPatch", descriptions=False)


record_routes(
    router,
    "/lab/templates",
    "template_id",
    module=__name__,
    names=Names("template", "templates"),
    out=TemplateOut,
    find=selectors.access_template,
    listing=(None, selectors.templates),
    create=(TemplateIn, with_fields(services.create_template)),
    update=(TemplatePatch, update_with_version(services.update_template)),
    delete=services.delete_template,
    summaries={
        "list": "Agreement templates",
        "create": "Create a template",
        "get": "One template",
        "update": "Edit a template",
        "delete": "Delete a template (agreements keep their copies)",
    },
)


record_routes(
    router,
    "/lab/template-sections",
    "template_section_id",
    module=__name__,
    names=Names("template_section", "template_sections"),
    out=SectionOut,
    find=selectors.access_template_section,
    parent=("/lab/templates/{template_id}/sections", selectors.access_template),
    listing=(None, selectors.template_sections),
    create=(SectionIn, with_fields(services.add_template_section)),
    update=(SectionPatch, update_with_version(services.update_template_section)),
    delete=services.delete_template_section,
    get=False,
    summaries={
        "list": "A template's sections",
        "create": "Add a section to a template",
        "update": "Edit a template section",
        "delete": "Delete a template section",
    },
)


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
    grid = selectors.agreement_state(access, agreement)
    return {
        "id": agreement.pk,
        "engagement_id": agreement.engagement_id,
        "template_id": agreement.template_id,
        "title": agreement.title,
        "status": agreement.status,
        "executed": grid.executed,
        "tampered": grid.counts[selectors.TAMPERED],
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


SignatoryPatch = patch_of(SignatoryIn, "SignatoryPatch", leave_out=("person_id",))


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


def grid_out(grid: selectors.AgreementGrid) -> dict[str, Any]:
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


# An engagement has a handful of agreements: each is judged from its cells, as on the page.
record_routes(
    router,
    "/lab/agreements",
    "agreement_id",
    module=__name__,
    names=Names("agreement", "agreements"),
    out=AgreementOut,
    find=selectors.access_agreement,
    parent=("/lab/engagements/{engagement_id}/agreements", access_engagement),
    listing=(None, selectors.agreements),
    create=(AgreementIn, with_fields(services.create_agreement, references)),
    update=(AgreementPatch, update_with_version(services.update_agreement)),
    delete=services.delete_agreement,
    present=agreement_out,
    summaries={
        "list": "An engagement's agreements",
        "create": "Make an agreement (a draft) from a template",
        "get": "One agreement",
        "update": "Rename",
        "delete": "Delete a draft nobody has initialed",
    },
)


record_actions(
    router,
    "/lab/agreements/{agreement_id}",
    module=__name__,
    find=selectors.access_agreement,
    out=AgreementOut,
    present=agreement_out,
    actions=[
        Action(
            "circulate",
            "circulate_agreement",
            services.circulate,
            "Send a draft out for initials",
            VersionIn,
        ),
        Action(
            "terminate",
            "terminate_agreement",
            services.terminate,
            "Terminate an agreement",
            VersionIn,
        ),
    ],
)


record_view(
    router,
    "/lab/agreements/{agreement_id}/grid",
    module=__name__,
    name="agreement_grid",
    find=selectors.access_agreement,
    show=lambda access, agreement: grid_out(selectors.agreement_state(access, agreement)),
    out=GridOut,
    summary="The initials grid: each required cell's state",
)


def section_of(
    access: Any, agreement_id: Id, section_id: Id, action: str = "read"
) -> AgreementSection:
    section = selectors.access_section(access, section_id, action)
    if section.agreement_id != agreement_id:
        raise NotFound(f"No section with id {section_id} in agreement {agreement_id}.")
    return section


record_routes(
    router,
    "/lab/agreements/{agreement_id}/sections",
    "section_id",
    module=__name__,
    names=Names("section", "sections"),
    out=SectionOut,
    find=section_of,
    parent=("/lab/agreements/{agreement_id}/sections", selectors.access_agreement),
    listing=(None, selectors.sections),
    create=(SectionIn, with_fields(services.add_section)),
    update=(SectionPatch, update_with_version(services.update_section)),
    delete=services.delete_section,
    get=False,
    summaries={
        "list": "An agreement's sections",
        "create": "Add a section (amends an executed agreement)",
        "update": "Edit a section (a new text voids its initials)",
        "delete": "Delete a section nobody has initialed",
    },
)


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
        signatory = selectors.access_signatory(access, payload.signatory_id, "write")
    return Status(201, services.initial_section(access, section, signatory))


record_routes(
    router,
    "/lab/signatories",
    "signatory_id",
    module=__name__,
    names=Names("signatory", "signatories"),
    out=SignatoryOut,
    find=selectors.access_signatory,
    parent=("/lab/agreements/{agreement_id}/signatories", selectors.access_agreement),
    listing=(None, selectors.signatories),
    create=(SignatoryIn, with_fields(services.add_signatory, references)),
    update=(SignatoryPatch, update_with_version(services.update_signatory)),
    delete=services.remove_signatory,
    get=False,
    summaries={
        "list": "An agreement's signatories",
        "create": "Add a signatory",
        "update": "Edit a signatory's role",
        "delete": "Remove a signatory who has not initialed",
    },
)
