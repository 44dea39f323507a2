"""The demo's experts in residence (see ``lab.demo``), with requests in every state."""

from __future__ import annotations

from northline.lab.engagements.demo import engagements_of
from northline.lab.experts import services
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
    engagements = engagements_of(ctx)
    if (building := engagements.get("building")) is not None:
        done = services.create_request(
            lab,
            building,
            area="service design",
            description="Walk the booking journey with three boat owners and map the pain points.",
        )
        done = services.assign(lab, done, expert=elena, version=done.version)
        services.complete(lab, done, version=done.version)
        held = services.create_request(
            lab,
            building,
            area="agile coaching",
            description="Coach the team through its first retrospective after go-live.",
        )
        services.assign(lab, held, expert=priya, version=held.version)
    if (aligning := engagements.get("aligning")) is not None:
        services.create_request(
            lab,
            aligning,
            area="privacy and security",
            description="Check what a permit application may keep about the applicant.",
        )
        declined = services.create_request(
            lab,
            aligning,
            area="data",
            description="A dashboard of permit volumes by harbour.",
        )
        services.decline(lab, declined, version=declined.version)
