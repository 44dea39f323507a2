"""Every kind of event the demo makes (through the real services) reads as a sentence, and the
history and journey pages read well in a real browser at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.lab.models import Engagement
from northline.orgs.access import access_organization
from northline.orgs.demo import DEMO_PASSWORD, load_demo
from northline.orgs.history import history_rows
from northline.orgs.models import Event, Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW = [
    re.compile(r"\d{15,}"),  # a lexorank key or another internal number
    re.compile(r"\d{2}:\d{2}:\d{2}"),  # a timestamp with seconds (and microseconds)
    re.compile(r"\bNone\b|\bTrue\b|\bFalse\b"),
    re.compile(
        r"(?<![-\w@.])(orgs|auth|strategy|goals|measures|portfolio|delivery|lab|insights)\.[a-z]"
    ),
    re.compile(r"\b[a-z]+_[a-z_]+\b:"),  # a field name with underscores
    re.compile(r"#\d+"),  # an id that found no name
]

# One event of each kind, as the history says it (the demo's first of that kind).
EXPECTED = {
    ("moved", "portfolio.story"): "Amara Osei moved story “Status page” from To do to Done",
    ("moved", "portfolio.epic"): (
        "Amara Osei moved epic “Public status page for applications” from Funnel to To do"
    ),
    ("advanced", "lab.engagement"): (
        "Robin Hale advanced engagement “Harbour moorings booking” from Qualify to Align"
    ),
    ("assigned", "lab.expertrequest"): (
        "Robin Hale assigned expert request “service design: Walk the booking journey with "
        "three boat owners and map the ” to Elena Sokolova"
    ),
    ("linked", "portfolio.epic"): (
        "Amara Osei linked lagging indicator “Status calls to the contact centre” to epic "
        "“Public status page for applications”"
    ),
    ("updated", "orgs.team"): (
        "Robin Hale changed the name of team “Permits Online” from Permit Modernization to "
        "Permits Online"
    ),
    ("updated", "orgs.teammember"): (
        "Robin Hale changed the roles of team member “Lucía Ortega in Permits Online” from "
        "Member to Scrum master, Member"
    ),
    (
        "revoked",
        "insights.surveylink",
    ): "Amara Osei revoked survey link “Sent to the wrong address”",
    (
        "closed",
        "insights.survey",
    ): "Amara Osei closed survey “What is our work for? Ministry pulse”",
}
# The demo's first snapshot falls on a day counted back from today, so only its form is fixed.
FIRST_SNAPSHOT = re.compile(
    r"Daily snapshot took index snapshot “\d{1,2} [A-Z][a-z]+ 20\d\d: 68\.3”"
)


def test_every_kind_of_demo_event_reads_as_a_sentence(transactional_db):
    load_demo()
    seen: dict[tuple[str, str], str] = {}
    for organization in Organization.objects.all():
        owner = Event.objects.filter(organization=organization, actor__isnull=False).first()
        assert owner is not None and owner.actor is not None
        access = access_organization(owner.actor, organization.slug)
        firsts: dict[tuple[str, str], Event] = {}
        for event in Event.objects.filter(organization=organization).order_by("id"):
            firsts.setdefault((event.verb, event.object_type), event)
        for row in history_rows(access, list(firsts.values())):
            said = f"{row.sentence} · {row.changes_text}"
            for raw in RAW:
                assert not raw.search(said), (raw.pattern, said)
            assert row.sentence.startswith(row.actor + " ")
            assert row.kind in row.sentence or row.event.verb == "linked"
            seen.setdefault((row.event.verb, row.event.object_type), row.sentence)
    assert len(seen) > 60  # the census: every verb on every kind the demo writes
    for kind, sentence in EXPECTED.items():
        assert seen[kind] == sentence
    assert FIRST_SNAPSHOT.fullmatch(seen[("snapshot taken", "insights.snapshot")])


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_history_and_journey_pages_in_a_browser(page, transactional_db, width, height):
    load_demo()
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "amara", DEMO_PASSWORD)
    page.goto("/o/ministry-of-coast/history/?section=portfolio")
    expect(page.get_by_text("Amara Osei moved story").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    screenshot(page, f"history_portfolio_{width}")
    page.goto("/o/ministry-of-coast/history/?from=tomorrow")
    assert page.get_by_role("alert").inner_text().count("year-month-day") == 1
    screenshot(page, f"history_refused_{width}")
    engagement = Engagement.objects.get(title="Harbour moorings booking")
    page.context.clear_cookies()
    sign_in(page, "demo", DEMO_PASSWORD)
    page.goto(f"/o/harbour-lab/lab/engagements/{engagement.pk}/journey/")
    bulk = page.locator("summary", has_text="checklist items created")
    expect(bulk).to_be_visible()
    bulk.click()
    assert page.locator("details[open] .timeline-items li").count() > 30
    screenshot(page, f"journey_{width}")
