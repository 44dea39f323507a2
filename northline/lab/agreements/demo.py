"""The demo's agreements (see ``lab.demo``): an agreement in ``aligning`` circulating and
partly initialed, with voided cells after a rewording, and an executed one in ``building``;
each initial on its own day of the demo's history.
"""

from __future__ import annotations

from northline.lab.agreements import selectors, services
from northline.lab.engagements.demo import engagements_of, login_person, partner_person
from northline.lab.models import Agreement, AgreementSection, AgreementTemplate, Signatory
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
    """Each agreement on the days its engagement reaches it: the moorings one drafted,
    circulated and fully initialed in the engagement's first week; the permits one drafted
    once it entered Align, then initialed by one signatory after another over three weeks."""
    ctx.on(-87, "lab: moorings agreement", lambda: draft_building(ctx))
    ctx.on(-58, "lab: permits agreement", lambda: draft_aligning(ctx))


DIRECTOR = "Director, Lab Operations"
SPONSOR = ("Executive sponsor", "partner")


def sign_up(
    lab: Access, agreement: Agreement, rows: list[tuple[Person, str, str]]
) -> list[Signatory]:
    """Add a signatory per (person, role, side), in order."""
    return [
        services.add_signatory(lab, agreement, person=person, role=role, side=side)
        for person, role, side in rows
    ]


def signatories_of(ctx: DemoContext) -> tuple[Person, Person, Person]:
    return login_person(ctx, DEMO_USERNAME), login_person(ctx, "nadia"), add_amara(ctx)


def start_agreement(ctx: DemoContext, key: str) -> Agreement | None:
    """The agreement of engagement ``key`` from the lab's default template, if both exist."""
    engagement = engagements_of(ctx).get(key)
    lab = ctx.access(LAB_SLUG)
    template = default_template(lab)
    if engagement is None or template is None:
        return None
    return services.create_agreement(lab, engagement, template=template)


def circulate(lab: Access, agreement: Agreement) -> list[AgreementSection]:
    """Send the agreement round for initials, once its signatories are in; the sections that
    need them."""
    agreement.refresh_from_db()
    services.circulate(lab, agreement, version=agreement.version)
    return list(selectors.sections(lab, agreement).filter(needs_initials=True))


def draft_aligning(ctx: DemoContext) -> None:
    agreement = start_agreement(ctx, "aligning")
    if agreement is None:
        return
    lab = ctx.access(LAB_SLUG)
    robin, nadia, amara = signatories_of(ctx)
    as_nadia = ctx.access(LAB_SLUG, "nadia")
    as_amara = ctx.access(LAB_SLUG, "amara")
    signatories = sign_up(
        lab,
        agreement,
        [(robin, DIRECTOR, "lab"), (nadia, "Delivery Lead", "lab"), (amara, *SPONSOR)],
    )
    jonah = partner_person(ctx, "jonah")
    if jonah is not None:
        signatories += sign_up(lab, agreement, [(jonah, "Product owner", "partner")])
    required = circulate(lab, agreement)
    robin_row, nadia_row, amara_row = signatories[:3]

    def initial(access: Access, row: Signatory, count: int | None) -> None:
        for section in required[:count]:
            services.initial_section(access, section, row)

    def reword() -> None:
        # The partner asked for a gentler wording of co-location after three had initialed it.
        reworded = selectors.sections(lab, agreement).get(title="Team composition")
        services.update_section(
            lab,
            reworded,
            version=reworded.version,
            body=reworded.body.replace(
                "Most of the team works side by side in the lab",
                "Most of the team works side by side in the lab at least four days a week",
            ),
        )

    ctx.on(-56, "lab: Robin initials the permits agreement", lambda: initial(lab, robin_row, None))
    ctx.on(-51, "lab: Nadia initials six sections", lambda: initial(as_nadia, nadia_row, 6))
    ctx.on(-44, "lab: Amara initials three sections", lambda: initial(as_amara, amara_row, 3))
    ctx.on(-40, "lab: the partner's rewording", reword)


def draft_building(ctx: DemoContext) -> None:
    agreement = start_agreement(ctx, "building")
    if agreement is None:
        return
    lab = ctx.access(LAB_SLUG)
    robin, _, amara = signatories_of(ctx)
    as_amara = ctx.access(LAB_SLUG, "amara")
    robin_row, amara_row = sign_up(lab, agreement, [(robin, DIRECTOR, "lab"), (amara, *SPONSOR)])
    rows = [(robin_row, lab), (amara_row, as_amara)]
    required = circulate(lab, agreement)
    for day, (signatory, access) in zip((-86, -85), rows, strict=True):

        def initial(signatory: Signatory = signatory, access: Access = access) -> None:
            for section in required:
                services.initial_section(access, section, signatory)

        ctx.on(day, f"lab: {signatory.person} initials the moorings agreement", initial)
