"""My work: each kind of item shows for the person it waits for, links to where it is done, and
leaves once done; nothing of another person or organization shows; the query count is fixed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from northline.delivery import services as delivery
from northline.goals import services as goals
from northline.goals.tests.factories import period_around_today
from northline.insights.models import Snapshot
from northline.insights.surveys import services as surveys
from northline.lab.agreements import services as agreements
from northline.lab.engagements import services as engagements
from northline.lab.experts import services as experts
from northline.lab.models import ChecklistItem
from northline.mywork.tests.conftest import Work
from northline.orgs import services as org_services
from northline.orgs.models import Notification
from northline.strategy import services as strategy
from northline.testing import PASSWORD, Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


def my_work(client: Client) -> str:
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def link(url: str, text: str) -> str:
    return f'<a href="{url}">{text}</a>'


# Signing in ------------------------------------------------------------------------------------


def test_it_sends_the_anonymous_visitor_to_sign_in() -> None:
    response = Client().get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/me/"


def test_it_is_the_page_after_sign_in(cast: Cast) -> None:
    response = Client().post("/login/", {"username": "edith", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_it_says_when_nothing_waits_and_links_the_overviews(cast: Cast) -> None:
    page = my_work(signed_in(cast.editor))
    assert "Nothing is waiting for you in Acme Ministry." in page
    assert 'href="/o/acme/"' in page
    assert 'href="/?all=1"' in page
    assert "Elsewhere Agency" not in page


# 1. Key results due a check-in ----------------------------------------------------------------


def test_it_lists_a_key_result_due_a_check_in_until_she_checks_in(work: Work) -> None:
    items = work.for_edith()
    key_result = items.key_result
    url = reverse("goals_key_result", kwargs={"slug": "acme", "key_result_id": key_result.pk})
    edith = signed_in(work.cast.editor)
    page = my_work(edith)
    assert link(url, "Calls answered within a minute #1 · Answer people quickly") in page
    assert "No check-in yet" in page

    # A check-in older than the cadence (7 days) leaves it due, saying for how long.
    goals.record_check_in(
        work.edith_access, key_result, value=30, recorded_at=timezone.now() - dt.timedelta(days=8)
    )
    page = my_work(edith)
    assert link(url, "Calls answered within a minute #1 · Answer people quickly") in page
    assert "8 days since the last check-in (every 7)" in page

    goals.record_check_in(
        work.edith_access, key_result, value=40, recorded_at=timezone.now() - dt.timedelta(days=6)
    )
    assert url not in my_work(edith)


def test_it_leaves_out_key_results_of_closed_objectives_and_past_periods(work: Work) -> None:
    access = work.access
    past = period_around_today(access, elapsed=400, remaining=-35, name="Last year")
    old = goals.create_objective(access, title="Old aim", period=past, status="active")
    goals.create_key_result(
        access, old, title="Old measure", baseline=0, target=1, owner=work.edith
    )
    closed = goals.create_objective(
        access, title="Closed aim", period=work.objective.period, status="closed"
    )
    goals.create_key_result(
        access, closed, title="Closed measure", baseline=0, target=1, owner=work.edith
    )
    page = my_work(signed_in(work.cast.editor))
    assert "Old measure" not in page
    assert "Closed measure" not in page


# 2. Impacts to acknowledge -------------------------------------------------------------------


def test_it_lists_an_impact_on_her_team_until_it_is_acknowledged(work: Work) -> None:
    items = work.for_edith()
    url = reverse("delivery_team", kwargs={"slug": "acme", "team_id": work.team.pk})
    edith = signed_in(work.cast.editor)
    page = my_work(edith)
    assert link(url, "Online permits #1 (Spring update #1) for Contact Centre") in page
    assert "5 days left, lead time 14: late" in page

    delivery.acknowledge(work.edith_access, items.impact)
    assert "Online permits #1" not in my_work(edith)


def test_it_puts_late_impacts_first(work: Work) -> None:
    access = work.access
    today = timezone.localdate()
    soon = delivery.create_release(access, name="Soon", planned_date=today + dt.timedelta(days=10))
    later = delivery.create_release(
        access, name="Later", planned_date=today + dt.timedelta(days=20)
    )
    in_time = delivery.create_feature(access, title="Told in time", release=soon)
    too_late = delivery.create_feature(access, title="Told too late", release=later)
    delivery.add_impact(access, in_time, team=work.team, role="impactee", lead_time_days=5)
    delivery.add_impact(access, too_late, team=work.team, role="impactee", lead_time_days=30)
    page = my_work(signed_in(work.cast.editor))
    assert page.index("Told too late") < page.index("Told in time")
    assert "20 days left, lead time 30: late" in page
    assert "10 days left, lead time 5<" in page


# 3. Decisions waiting for her body -----------------------------------------------------------


def test_it_lists_a_proposed_decision_of_her_body_until_it_is_decided(work: Work) -> None:
    decision = work.for_edith().decision
    url = reverse("strategy_decision", kwargs={"slug": "acme", "decision_id": decision.pk})
    edith = signed_in(work.cast.editor)
    assert link(url, "Fund the permits pilot #1") in my_work(edith)
    # Olivia sits on no body: the decision is not hers to make.
    assert "Fund the permits pilot" not in my_work(signed_in(work.cast.owner))

    strategy.update_decision(work.access, decision, version=decision.version, status="accepted")
    assert "Fund the permits pilot" not in my_work(edith)


# 4. Agreements waiting for her initials ------------------------------------------------------


def test_it_lists_an_agreement_until_she_has_initialed_every_section(work: Work) -> None:
    items = work.for_edith()
    agreement = items.agreement
    url = reverse("lab_agreement", kwargs={"slug": "acme", "agreement_id": agreement.pk})
    edith = signed_in(work.cast.editor)
    page = my_work(edith)
    assert link(url, "Permits partnership #1") in page
    assert "1 section to initial as Partner lead" in page

    agreements.initial_section(work.edith_access, items.section, items.signatory)
    assert "Permits partnership #1" not in my_work(edith)


# 5. Gates she may waive ----------------------------------------------------------------------


def test_it_lists_a_gate_she_may_waive_until_its_pre_condition_is_waived(work: Work) -> None:
    gate = work.for_edith().gate
    url = reverse("lab_engagement", kwargs={"slug": "acme", "engagement_id": gate.pk})
    edith = signed_in(work.cast.editor)
    page = my_work(edith)
    assert link(url, "Harbour permits #1") in page
    # Only the sponsor's commitment: the two automatic pre-conditions are not a person's call.
    assert "Entering Align waits on 1 pre-condition; you may waive it" in page
    assert "(Steering holds waive gates)" in page
    # Olivia sits on no body holding the authority.
    assert "Harbour permits #1" not in my_work(signed_in(work.cast.owner))

    (item,) = ChecklistItem.objects.filter(
        engagement=gate, phase__name="Align", kind="precondition", check_key=""
    )
    engagements.waive_item(
        work.edith_access, item, reason="The minister signed it.", version=item.version
    )
    assert "Harbour permits #1" not in my_work(edith)


def test_it_leaves_out_gates_when_her_body_cannot_waive(work: Work) -> None:
    strategy.update_body(
        work.access, work.body, version=work.body.version, authorities=["fund_epics"]
    )
    work.for_edith()
    assert "Harbour permits" not in my_work(signed_in(work.cast.editor))


# 6. Expert requests ------------------------------------------------------------------------


def test_it_lists_an_expert_request_assigned_to_her_until_it_is_done(work: Work) -> None:
    request = work.for_edith().request
    url = reverse("lab_expert_request", kwargs={"slug": "acme", "request_id": request.pk})
    edith = signed_in(work.cast.editor)
    assert link(url, "service_design for Online permits") in my_work(edith)

    experts.complete(work.access, request, version=request.version)
    assert url not in my_work(edith)


# 7. Surveys -----------------------------------------------------------------------------------


def test_it_lists_a_survey_she_has_not_answered_until_she_answers(work: Work) -> None:
    survey = work.for_edith().survey
    url = reverse("insights_survey", kwargs={"slug": "acme", "survey_id": survey.pk})
    edith = signed_in(work.cast.editor)
    assert link(url, "What is your work for? #1") in my_work(edith)

    surveys.answer_survey(work.edith_access, survey, purpose="People get permits fast.")
    assert "What is your work for? #1" not in my_work(edith)


def test_it_leaves_out_a_survey_of_a_team_she_is_not_on(work: Work) -> None:
    other = org_services.create_team(work.access, name="Finance", kind="operations")
    surveys.create_survey(work.access, title="Finance pulse", team=other)
    surveys.create_survey(work.access, title="Contact pulse", team=work.team)
    page = my_work(signed_in(work.cast.editor))
    assert "Finance pulse" not in page
    assert "Contact pulse" in page


# 8. Unread notifications, and the alignment index -------------------------------------------


def test_it_counts_unread_notifications_until_they_are_read(work: Work) -> None:
    work.for_edith()  # the impact's notice reaches her inbox
    edith = signed_in(work.cast.editor)
    assert '<a href="/inbox/?unread=1">1 unread notification</a>' in my_work(edith)

    org_services.mark_read(work.cast.editor, Notification.objects.all())
    assert "unread notification" not in my_work(edith)


def test_it_shows_the_alignment_index_and_its_week(cast: Cast) -> None:
    today = timezone.localdate()
    edith = signed_in(cast.editor)
    assert "no snapshot yet" in my_work(edith)
    Snapshot.objects.create(organization=cast.org, taken_on=today, index=62.0)
    page = my_work(edith)
    assert "<strong>62</strong>" in page
    assert "no trend yet" in page
    Snapshot.objects.create(
        organization=cast.org, taken_on=today - dt.timedelta(days=7), index=55.0
    )
    assert "+7 over 7 days" in my_work(edith)


# Whose items ------------------------------------------------------------------------------------


def test_it_shows_nobody_else_her_items(work: Work) -> None:
    work.for_edith()
    for user in (work.cast.viewer, work.cast.outsider):
        page = my_work(signed_in(user))
        for title in (
            "Calls answered",
            "Online permits #1",
            "Fund the permits pilot",
            "Permits partnership",
            "service_design",
        ):
            assert title not in page, (user.username, title)
    outsider_page = my_work(signed_in(work.cast.outsider))
    assert "Nothing is waiting for you in Elsewhere Agency." in outsider_page
    assert "Acme Ministry" not in outsider_page


def test_it_never_shows_another_organizations_items(work: Work) -> None:
    """Oscar's own organization has a survey; Edith is not a member there."""
    oscar = work.cast.access(work.cast.outsider, work.cast.other_org)
    surveys.create_survey(oscar, title="Elsewhere pulse")
    assert "Elsewhere pulse" in my_work(signed_in(work.cast.outsider))
    assert "Elsewhere pulse" not in my_work(signed_in(work.cast.editor))


# Queries ------------------------------------------------------------------------------------------


def test_its_query_count_does_not_grow_with_the_items(work: Work) -> None:
    work.for_edith(2)
    edith = signed_in(work.cast.editor)
    count = assert_queries_constant(lambda: my_work(edith), lambda: work.for_edith(4))
    page = my_work(edith)
    assert page.count('data-kind="decision"') == 6
    # Six engagements made for her, and the fixture's own (its agreements and requests).
    assert page.count('data-kind="gate"') == 7
    # The session, the user, the header (organizations, unread count), the organizations, then
    # one query per kind: key results, impacts, lead times (one organization has impacts),
    # notices, decisions, signatories, sections, initials, bodies, phases and pre-conditions
    # (gates), expert requests, surveys, unread notifications, the index snapshots.
    assert count == 20


# The demo's people ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_demo_gives_its_people_something_to_do(transactional_db) -> None:
    """Signed in as each demo login, My work is not empty where the demo's story has work for
    them: Amara's late check-in and the survey she has not answered, the demo owner's gates and
    impacts, Nadia's initials; Tomas, a viewer, has nothing of his own."""
    from django.contrib.auth.models import User

    from northline.goals.demo import LATE_CHECK_IN
    from northline.mywork.selectors import my_work as work_of
    from northline.orgs.demo import load_demo

    load_demo()

    def kinds(username: str) -> dict[str, list[str]]:
        return {
            org.organization.slug: [item.title for _, items in org.sections for item in items]
            for org in work_of(User.objects.get(username=username))
        }

    amara = kinds("amara")["ministry-of-coast"]
    assert any(title.startswith(LATE_CHECK_IN) for title in amara)
    demo = kinds("demo")
    assert demo["harbour-lab"] and demo["ministry-of-coast"]
    assert kinds("nadia")["harbour-lab"]
    assert kinds("tomas")["harbour-lab"] == []
