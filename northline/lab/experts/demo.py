"""The demo's experts in residence (see ``lab.demo``), with requests in every state."""

from __future__ import annotations

from northline.lab.engagements.demo import engagements_of
from northline.lab.experts import services
from northline.lab.models import Engagement
from northline.orgs.demo import LAB_SLUG, DemoContext


def create_experts(ctx: DemoContext) -> None:
    lab = ctx.access(LAB_SLUG)
    people = ctx.people.get(LAB_SLUG, {})
    if "priya" not in people or "elena" not in people:
        return
    priya = services.create_expert(lab, person=people["priya"], areas=["agile coaching", "DevOps"])
    elena = services.create_expert(
        lab, person=people["elena"], areas=["service design", "behavioural insights"]
    )

    def building(ctx: DemoContext) -> Engagement:
        return engagements_of(ctx)["building"]

    def aligning(ctx: DemoContext) -> Engagement:
        return engagements_of(ctx)["aligning"]

    # Each request on its day: asked, assigned, completed or declined weeks apart.
    ctx.on(
        -80,
        "lab: service design requested",
        lambda: ctx.extra["lab"].update(
            journey_request=services.create_request(
                lab,
                building(ctx),
                area="service design",
                description="Walk the booking journey with three boat owners and map the "
                "pain points.",
            )
        ),
    )

    def assign_elena() -> None:
        done = ctx.extra["lab"]["journey_request"]
        ctx.extra["lab"]["journey_request"] = services.assign(
            lab, done, expert=elena, version=done.version
        )

    def complete() -> None:
        done = ctx.extra["lab"]["journey_request"]
        services.complete(lab, done, version=done.version)

    def coaching() -> None:
        held = services.create_request(
            lab,
            building(ctx),
            area="agile coaching",
            description="Coach the team through its first retrospective after go-live.",
        )
        services.assign(lab, held, expert=priya, version=held.version)

    def privacy() -> None:
        services.create_request(
            lab,
            aligning(ctx),
            area="privacy and security",
            description="Check what a permit application may keep about the applicant.",
        )

    def dashboard() -> None:
        declined = services.create_request(
            lab,
            aligning(ctx),
            area="data",
            description="A dashboard of permit volumes by harbour.",
        )
        services.decline(lab, declined, version=declined.version)

    ctx.on(-78, "lab: Elena takes the journey walk", assign_elena)
    ctx.on(-64, "lab: journey walk done", complete)
    ctx.on(-18, "lab: coaching requested and assigned", coaching)
    ctx.on(-40, "lab: privacy check requested", privacy)
    ctx.on(-33, "lab: dashboard requested and declined", dashboard)
