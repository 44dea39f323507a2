"""The demo's agreements (see ``lab.demo``): an agreement in ``aligning`` circulating and
partly initialed, with voided cells after a rewording, and an executed one in ``building``.
"""

from __future__ import annotations

from northline.lab.agreements import selectors, services
from northline.lab.engagements.demo import engagements_of, login_person, partner_person
from northline.lab.models import AgreementTemplate
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.demo import DEMO_USERNAME, LAB_SLUG, DemoContext
from northline.orgs.models import Person


def default_template(access: Access) -> AgreementTemplate | None:
    return selectors.templates(access).order_by("id").first()


def add_amara(ctx: DemoContext) -> Person:
    """The partner's sponsor initials in the lab's Northline: the engagements step made her a
    member, with one person linked to her login."""
    access = ctx.access(LAB_SLUG)
    person = login_person(ctx, "amara")
    return org_services.update_person(
        access,
        person,
        version=person.version,
        title="Assistant Deputy Minister, Coastal Services (partner sponsor)",
    )


def create_agreements(ctx: DemoContext) -> None:
    engagements = engagements_of(ctx)
    if not engagements:
        return
    lab = ctx.access(LAB_SLUG)
    template = default_template(lab)
    if template is None:
        return
    robin, nadia = login_person(ctx, DEMO_USERNAME), login_person(ctx, "nadia")
    amara = add_amara(ctx)
    as_nadia = ctx.access(LAB_SLUG, "nadia")
    as_amara = ctx.access(LAB_SLUG, "amara")

    if (aligning := engagements.get("aligning")) is not None:
        agreement = services.create_agreement(lab, aligning, template=template)
        signatories = [
            services.add_signatory(
                lab, agreement, person=robin, role="Director, Lab Operations", side="lab"
            ),
            services.add_signatory(lab, agreement, person=nadia, role="Delivery Lead", side="lab"),
            services.add_signatory(
                lab, agreement, person=amara, role="Executive sponsor", side="partner"
            ),
        ]
        jonah = partner_person(ctx, "jonah")
        if jonah is not None:
            signatories.append(
                services.add_signatory(
                    lab, agreement, person=jonah, role="Product owner", side="partner"
                )
            )
        agreement.refresh_from_db()
        services.circulate(lab, agreement, version=agreement.version)
        required = list(selectors.sections(lab, agreement).filter(needs_initials=True))
        robin_row, nadia_row, amara_row = signatories[:3]
        for section in required:
            services.initial_section(lab, section, robin_row)
        for section in required[:6]:
            services.initial_section(as_nadia, section, nadia_row)
        for section in required[:3]:
            services.initial_section(as_amara, section, amara_row)
        # The partner asked for a gentler wording of co-location after three had initialed it.
        reworded = next(s for s in required if s.title == "Team composition")
        services.update_section(
            lab,
            reworded,
            version=reworded.version,
            body=reworded.body.replace(
                "Most of the team works side by side in the lab",
                "Most of the team works side by side in the lab at least four days a week",
            ),
        )

    if (building := engagements.get("building")) is not None:
        agreement = services.create_agreement(lab, building, template=template)
        rows = [
            (
                services.add_signatory(
                    lab, agreement, person=robin, role="Director, Lab Operations", side="lab"
                ),
                lab,
            ),
            (
                services.add_signatory(
                    lab, agreement, person=amara, role="Executive sponsor", side="partner"
                ),
                as_amara,
            ),
        ]
        agreement.refresh_from_db()
        services.circulate(lab, agreement, version=agreement.version)
        for section in selectors.sections(lab, agreement).filter(needs_initials=True):
            for signatory, access in rows:
                services.initial_section(access, section, signatory)
