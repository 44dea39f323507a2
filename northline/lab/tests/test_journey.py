"""Journey reports: the timeline from audit events, and the aggregated report."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.lab.agreements import services as agreement_services
from northline.lab.budget import services as budget_services
from northline.lab.journey import selectors as journey_selectors
from northline.lab.models import Engagement, Phase
from northline.lab.tests.governance import make_engagement, make_signed
from northline.orgs.audit import update_versioned
from northline.testing import Cast, signed_in


def test_the_timeline_gathers_the_engagement_and_its_records_events(cast: Cast) -> None:
    signed = make_signed(cast)
    access = cast.owner_access
    agreement_services.initial_section(access, signed.first, signed.lab)
    budget_services.add_expense(
        access, signed.engagement, spent_on=dt.date(2026, 2, 1), amount=10, category="Room"
    )
    other = make_engagement(cast, title="Someone else's")
    budget_services.add_expense(
        access, other, spent_on=dt.date(2026, 2, 1), amount=99, category="Other"
    )
    entries = journey_selectors.timeline(access, signed.engagement)
    told = [(e.event.verb, e.kind) for e in entries]
    # Newest first: the expense, the initial, then the agreement's making, oldest last.
    assert told[0] == ("created", "expense")
    assert told[1] == ("initialed", "initial")
    assert told[-1] == ("created", "engagement")
    assert ("circulated", "agreement") in told
    assert told.count(("created", "agreementsection")) == 2
    assert told.count(("created", "signatory")) == 2
    assert all(e.event.object_repr != "99.00 Other on 2026-02-01" for e in entries)
    assert len(entries) == 9


def test_the_aggregated_report_counts_statuses_phases_and_time_in_phase(cast: Cast) -> None:
    access = cast.owner_access
    phases = list(Phase.objects.filter(organization=cast.org))
    first, second = phases[0], phases[1]
    staying = make_engagement(cast, title="Staying", current_phase=first)
    moving = make_engagement(cast, title="Moving", current_phase=first)
    update_versioned(
        access.user, cast.org, moving, version=moving.version, changes={"current_phase": second.pk}
    )
    closing = make_engagement(cast, title="Leaving", current_phase=first)
    update_versioned(
        access.user,
        cast.org,
        closing,
        version=closing.version,
        changes={"status": "pivoted_away", "closing_reason": "No product owner could be freed."},
    )
    later = timezone.localdate() + dt.timedelta(days=10)
    report = journey_selectors.lab_report(cast.org, today=later)
    assert report.total == 3
    counts = {value: count for value, _, count in report.by_status}
    assert counts["candidate"] == 2 and counts["pivoted_away"] == 1
    rows = {phase.key: (count, time) for phase, count, time in report.phase_rows}
    # Active engagements now in each phase: Staying in the first, Moving in the second.
    assert rows[first.key][0] == 1 and rows[second.key][0] == 1
    # Staying has been in the first phase 10 days (to "today"); Moving left it the day it
    # entered (0 days); Leaving closed the day it began (0 days): 10 / 3 ≈ 3.
    assert rows[first.key][1].engagements == 3
    assert rows[first.key][1].days == 10
    assert rows[first.key][1].average_days == 3
    assert rows[second.key][1].days == 10 and rows[second.key][1].average_days == 10
    assert [(c.engagement.title, c.reason) for c in report.pivots] == [
        ("Leaving", "No product owner could be freed.")
    ]
    assert report.graduations == []
    assert staying.pk in [e.pk for e in report.engagements]


def test_the_journey_page_shows_the_timeline_and_the_agreement_state(cast: Cast) -> None:
    signed = make_signed(cast)
    page = signed_in(cast.viewer).get(f"/o/acme/lab/engagements/{signed.engagement.pk}/journey/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Journey report: Coastal permits online" in html
    assert 'data-kind="agreement"' in html and 'data-kind="engagement"' in html
    assert "0 of 4 cells initialed" in html


def test_the_api_journey_and_report(cast: Cast, api_as) -> None:
    signed = make_signed(cast)
    api = api_as(cast.viewer)
    body = api.get(f"/orgs/acme/lab/engagements/{signed.engagement.pk}/journey").json()
    assert body["agreements"][0]["counts"] == {"valid": 0, "missing": 4, "voided": 0, "tampered": 0}
    assert body["budget"]["budget_high"] == "1300000.00"
    assert body["timeline"][-1]["verb"] == "created"
    report = api.get("/orgs/acme/lab/report").json()
    assert report["total"] == Engagement.objects.filter(organization=cast.org).count() == 1
