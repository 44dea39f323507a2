"""Governance, the fourth component of the index: its four checks, their boundaries and their
query cost, on the hand-built organization of index_org.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from northline.delivery import services as delivery
from northline.delivery.models import Release
from northline.insights.alignment import load
from northline.insights.index.selectors import governance
from northline.insights.tests.index_org import (
    Governance,
    Org,
    add_governance,
    backdate_acknowledgement,
    epic,
    move,
    story,
)
from northline.lab.agreements import services as agreement_services
from northline.lab.engagements import services as lab
from northline.lab.models import AgreementSection, TrainingRecord
from northline.lab.tests.governance import make_engagement, make_signed, person_of
from northline.orgs import services as orgs
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic
from northline.strategy import services as strategy
from northline.testing import Cast, assert_queries_constant, count_queries


@pytest.fixture
def gov(cast: Cast, org: Org) -> Governance:
    return add_governance(cast, org)


def judged(org: Org, team=None):
    return governance(load(org.access, team=team), org.access)


def reasons(component) -> dict[str, str]:
    return {item.label: item.reason for item in component.lowering}


def test_it_counts_the_four_checks_of_the_organization(org: Org, gov: Governance) -> None:
    component = judged(org)
    assert component.parts == {
        "business cases": (2, 3),
        "impactee acknowledgements": (1, 3),
        "coalition authority": (1, 2),
        "lab engagements": (1, 2),
    }
    assert (component.passed, component.total, component.value) == (5, 10, 50.0)
    today = timezone.localdate()
    spring = today - dt.timedelta(days=10)
    summer = today - dt.timedelta(days=3)
    assert reasons(component) == {
        "Inspection booking": (
            "in To do with an incomplete business case: The business case needs a “why”: who "
            "benefits and how."
        ),
        "Status page → Contact centre": (
            f"Contact centre has not acknowledged it; release Spring, decided for {spring}"
        ),
        "Renewals → Licensing": (
            f"Licensing acknowledged it on {today}, 3 days after the planned date; release "
            f"Summer, still planned for {summer}"
        ),
        "Release board": (
            "responsibility without authority: its responsibilities need Approve releases, "
            "which it does not hold"
        ),
        "Licensing residency": (
            "in residence; no partnership agreement yet; training incomplete: Pat Doyle lacks "
            "Agile fundamentals (planned)"
        ),
    }
    kinds = {item.label: item.object_type for item in component.lowering}
    assert kinds == {
        "Inspection booking": "portfolio.epic",
        "Status page → Contact centre": "delivery.impact",
        "Renewals → Licensing": "delivery.impact",
        "Release board": "strategy.coalitionbody",
        "Licensing residency": "lab.engagement",
    }


def test_it_links_an_impact_to_its_place_on_the_feature_page(
    cast: Cast, org: Org, gov: Governance
) -> None:
    silent = next(item for item in judged(org).lowering if item.object_type == "delivery.impact")
    assert silent.url_in(cast.org.slug) == (
        f"/o/acme/delivery/features/{gov.status_page.pk}/#impact-{gov.silent.pk}"
    )


def test_it_leaves_the_authority_check_out_of_a_teams_view(org: Org, gov: Governance) -> None:
    licensing = judged(org, org.licensing)
    assert licensing.parts == {
        "business cases": (1, 2),
        "impactee acknowledgements": (1, 2),
        "lab engagements": (0, 1),
    }
    assert (licensing.passed, licensing.total, licensing.value) == (2, 5, 40.0)
    assert "leaves out the coalition's authority" in licensing.explanation
    assert set(reasons(licensing)) == {
        "Inspection booking",
        "Renewals → Licensing",
        "Licensing residency",
    }
    permits = judged(org, org.permits)
    assert permits.parts == {
        "business cases": (1, 1),
        "impactee acknowledgements": (0, 0),
        "lab engagements": (1, 1),
    }
    assert (permits.value, permits.lowering) == (100.0, [])


def test_it_has_no_governance_data_in_an_empty_organization(cast: Cast) -> None:
    component = governance(load(cast.owner_access), cast.owner_access)
    assert component.parts == {
        "business cases": (0, 0),
        "impactee acknowledgements": (0, 0),
        "coalition authority": (0, 0),
        "lab engagements": (0, 0),
    }
    assert (component.value, component.has_data) == (None, False)


# Business cases --------------------------------------------------------------------------------


def test_it_counts_only_epics_past_the_funnel_and_not_closed(org: Org) -> None:
    access = org.access
    # Archive scanning (funnel, no business case) and Fax gateway (closed) do not count.
    assert judged(org).parts["business cases"] == (2, 3)
    portfolio.update_epic(access, org.archive, version=org.archive.version, what="")
    assert judged(org).parts["business cases"] == (2, 3)


def test_it_names_a_missing_lagging_indicator(org: Org) -> None:
    access = org.access
    form = Epic.objects.get(pk=org.form.pk)
    portfolio.unlink_lagging_indicator(access, form, org.form_indicator)
    component = judged(org)
    assert component.parts["business cases"] == (1, 3)
    assert reasons(component)["Online permit form"] == (
        "in Doing with an incomplete business case: The business case needs at least one "
        "lagging indicator to show the outcome."
    )


def test_it_counts_a_completed_business_case_again(org: Org) -> None:
    booking = Epic.objects.get(pk=org.booking.pk)
    portfolio.update_epic(org.access, booking, version=booking.version, why="Inspectors' time")
    assert judged(org).parts["business cases"] == (3, 3)


# Acknowledgements ------------------------------------------------------------------------------


def test_it_accepts_an_acknowledgement_on_the_planned_date_but_not_a_day_after(
    org: Org, gov: Governance
) -> None:
    summer = gov.overdue.planned_date
    start_of = dt.datetime.combine(summer, dt.time(23, 0), tzinfo=dt.UTC)
    late = backdate_acknowledgement(gov.late, 0)
    type(late).objects.filter(pk=late.pk).update(acknowledged_at=start_of)
    assert judged(org).parts["impactee acknowledgements"] == (2, 3)
    type(late).objects.filter(pk=late.pk).update(acknowledged_at=start_of + dt.timedelta(hours=2))
    component = judged(org)
    assert component.parts["impactee acknowledgements"] == (1, 3)
    assert "1 day after the planned date" in reasons(component)["Renewals → Licensing"]


def test_it_counts_a_planned_release_only_once_its_date_has_passed(
    org: Org, gov: Governance
) -> None:
    access = org.access
    today = timezone.localdate()
    coming = Release.objects.get(pk=gov.coming.pk)
    delivery.update_release(access, coming, version=coming.version, planned_date=today)
    assert judged(org).parts["impactee acknowledgements"] == (1, 3)  # due today: not yet
    coming = Release.objects.get(pk=gov.coming.pk)
    delivery.update_release(
        access, coming, version=coming.version, planned_date=today - dt.timedelta(days=1)
    )
    component = judged(org)
    assert component.parts["impactee acknowledgements"] == (1, 4)
    assert reasons(component)["Fee calculator → Licensing"] == (
        f"Licensing has not acknowledged it; release Autumn, still planned for "
        f"{today - dt.timedelta(days=1)}"
    )


def test_it_counts_a_released_release_and_never_a_cancelled_one(org: Org, gov: Governance) -> None:
    access = org.access
    delivery.mark_released(access, Release.objects.get(pk=gov.decided.pk))
    component = judged(org)
    assert component.parts["impactee acknowledgements"] == (1, 3)
    assert reasons(component)["Status page → Contact centre"].endswith(
        f"release Spring, released, planned for {gov.decided.planned_date}"
    )
    assert "Chat bot → Licensing" not in reasons(component)  # the cancelled release


def test_it_counts_only_impacts_on_the_team_in_its_view(org: Org, gov: Governance) -> None:
    contact = judged(org, gov.silent.team)
    assert contact.parts["impactee acknowledgements"] == (0, 1)


# Coalition authority ---------------------------------------------------------------------------


def test_it_passes_a_body_once_it_holds_the_authority(org: Org, gov: Governance) -> None:
    board = gov.toothless
    strategy.update_body(org.access, board, version=board.version, authorities=["approve_releases"])
    component = judged(org)
    assert component.parts["coalition authority"] == (2, 2)
    assert "Release board" not in reasons(component)


def test_it_names_every_missing_authority(org: Org, gov: Governance) -> None:
    strategy.add_responsibility(org.access, gov.toothless, kind="lab_program")
    assert reasons(judged(org))["Release board"] == (
        "responsibility without authority: its responsibilities need Approve releases, Staff "
        "teams, Waive gates, which it does not hold"
    )


# Lab engagements -------------------------------------------------------------------------------


def test_it_fails_an_engagement_whose_agreement_was_edited_after_initials(
    cast: Cast, org: Org, gov: Governance
) -> None:
    section = AgreementSection.objects.get(agreement=gov.agreement, title="Co-location")
    agreement_services.update_section(
        org.access, section, version=section.version, body="The team works apart."
    )
    component = judged(org)
    assert component.parts["lab engagements"] == (0, 2)
    assert reasons(component)["Permits residency"] == (
        "aligning; agreement not executed: “Residency agreement” is amended with 2 of 4 cells "
        "initialed"
    )


def test_it_ignores_a_terminated_agreement(cast: Cast, org: Org, gov: Governance) -> None:
    agreement = type(gov.agreement).objects.get(pk=gov.agreement.pk)
    agreement_services.terminate(org.access, agreement, version=agreement.version)
    assert reasons(judged(org))["Permits residency"] == "aligning; no partnership agreement yet"


def test_it_passes_an_engagement_once_its_people_are_trained_and_it_signs(
    cast: Cast, org: Org, gov: Governance
) -> None:
    record = TrainingRecord.objects.get(person__name="Pat Doyle")
    lab.update_training_record(
        org.access,
        record,
        version=record.version,
        status="completed",
        completed_on=timezone.localdate(),
    )
    assert reasons(judged(org))["Licensing residency"] == (
        "in residence; no partnership agreement yet"
    )
    signed = make_signed(cast, gov.unready)
    for section in (signed.first, signed.second):
        agreement_services.initial_section(org.access, section, signed.lab)
        agreement_services.initial_section(cast.access(cast.editor), section, signed.partner)
    assert judged(org).parts["lab engagements"] == (2, 2)


def test_it_leaves_graduated_engagements_out(cast: Cast, org: Org, gov: Governance) -> None:
    lab.graduate(org.access, gov.unready, reason="Runs on its own now.")
    assert judged(org).parts["lab engagements"] == (1, 1)


# Query cost ------------------------------------------------------------------------------------


def test_it_reads_governance_in_constant_queries_whatever_the_epics_and_impacts(
    cast: Cast, org: Org, gov: Governance
) -> None:
    access = org.access
    grown = {"n": 0}

    def grow() -> None:
        for _ in range(3):
            grown["n"] += 1
            made = epic(access, f"Grown {grown['n']}", team=org.permits, to=["todo"])
            story(access, made, "A story", 2)
            move(access, made, "todo")
            team = orgs.create_team(access, name=f"Grown team {grown['n']}", kind="support")
            delivery.add_impact(access, gov.status_page, team=team, role="impactee")
            strategy.add_responsibility(access, gov.steady, kind="practice")

    count = assert_queries_constant(lambda: governance(load(access), access), grow)
    # The graph's reads, then impacts (1), bodies and responsibilities (2), engagements and
    # their agreements (2), and per engagement in progress its readiness (3) and each
    # agreement's grid (3): the Permits residency has one agreement, the Licensing one none.
    load_queries = count_queries(lambda: load(access))
    assert count == load_queries + 5 + (3 + 3) + 3
    assert judged(org).parts["business cases"] == (5, 6)
    assert judged(org).parts["impactee acknowledgements"] == (1, 6)


def test_it_costs_a_fixed_number_of_queries_per_engagement_in_progress(
    cast: Cast, org: Org, gov: Governance
) -> None:
    access = org.access
    before = count_queries(lambda: governance(load(access), access))
    owner = person_of(cast.owner, cast.org)
    make_engagement(
        cast, "Third residency", status="aligning", team=org.permits, product_owner=owner
    )
    after = count_queries(lambda: governance(load(access), access))
    # Its readiness: team members, required courses, its people's records; no agreement yet.
    assert after - before == 3
