"""Records the My work tests share, made through each app's services.

``work.for_edith()`` gives Edith (the editor of ``cast.org``) one item of every kind, or
``count`` of each: a key result she owns in the current period with no check-in, an impact on
her team "Contact Centre" in a release 5 days away (the team's lead time is the default 14:
late), a decision proposed for the body "Steering" she sits on (it holds the authority to waive
gates), an agreement out for initials with a section she must initial, an engagement whose next
gate waits on a pre-condition, an expert request assigned to her, and a survey of the whole
organization. Olivia (the owner) does the writing, as an editor of those apps would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from northline.delivery import services as delivery
from northline.delivery.models import Impact
from northline.goals import services as goals
from northline.goals.models import KeyResult, Objective
from northline.goals.tests.factories import period_around_today
from northline.insights.models import Survey
from northline.insights.surveys import services as surveys
from northline.lab.agreements import services as agreements
from northline.lab.engagements import services as engagements
from northline.lab.experts import services as experts
from northline.lab.models import (
    Agreement,
    AgreementSection,
    Engagement,
    Expert,
    ExpertRequest,
    Signatory,
)
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Person, Team
from northline.strategy import services as strategy
from northline.strategy.models import CoalitionBody, Decision
from northline.testing import Cast


def person_of(access: Access, user: User) -> Person:
    return Person.objects.get(organization=access.organization, user=user)


@dataclass
class Items:
    """One of each kind (the last made, when several were)."""

    key_result: KeyResult
    impact: Impact
    decision: Decision
    agreement: Agreement
    section: AgreementSection
    signatory: Signatory
    request: ExpertRequest
    survey: Survey
    gate: Engagement


@dataclass
class Work:
    cast: Cast
    access: Access  # the owner's, who writes everything
    edith: Person
    team: Team
    body: CoalitionBody
    engagement: Engagement
    expert: Expert
    objective: Objective
    made: int = 0
    batches: list[Items] = field(default_factory=list)

    @property
    def edith_access(self) -> Access:
        return self.cast.access(self.cast.editor)

    def for_edith(self, count: int = 1) -> Items:
        items = None
        for _ in range(count):
            items = self.one_of_each()
        assert items is not None
        return items

    def one_of_each(self) -> Items:
        self.made += 1
        n = self.made
        access = self.access
        key_result = goals.create_key_result(
            access,
            self.objective,
            title=f"Calls answered within a minute #{n}",
            baseline=0,
            target=100,
            owner=self.edith,
        )
        release = delivery.create_release(
            access,
            name=f"Spring update #{n}",
            planned_date=timezone.localdate() + dt.timedelta(days=5),
        )
        feature = delivery.create_feature(access, title=f"Online permits #{n}", release=release)
        impact = delivery.add_impact(access, feature, team=self.team, role="impactee")
        decision = strategy.log_decision(
            access, title=f"Fund the permits pilot #{n}", made_by_body=self.body
        )
        agreement = agreements.create_agreement(
            access, self.engagement, title=f"Permits partnership #{n}"
        )
        section = agreements.add_section(access, agreement, title="Openness", body="We share.")
        signatory = agreements.add_signatory(
            access, agreement, person=self.edith, role="Partner lead", side="partner"
        )
        agreement.refresh_from_db()
        agreements.circulate(access, agreement, version=agreement.version)
        request = experts.create_request(
            access, self.engagement, area="service_design", description=f"Journey map #{n}"
        )
        request = experts.assign(access, request, expert=self.expert, version=request.version)
        survey = surveys.create_survey(access, title=f"What is your work for? #{n}")
        # In its first phase: entering the second waits on a sponsor's commitment (a person
        # decides it) besides two pre-conditions Northline checks by itself.
        gate = engagements.create_engagement(
            access, title=f"Harbour permits #{n}", partner_organization="Harbour board"
        )
        items = Items(
            key_result=key_result,
            impact=impact,
            decision=decision,
            agreement=agreement,
            section=section,
            signatory=signatory,
            request=request,
            survey=survey,
            gate=gate,
        )
        self.batches.append(items)
        return items


@pytest.fixture
def work(cast: Cast) -> Work:
    access = cast.owner_access
    edith = person_of(access, cast.editor)
    team = org_services.create_team(access, name="Contact Centre", kind="support")
    org_services.add_team_member(access, team, person=edith, roles=["member"])
    body = strategy.create_body(
        access,
        name="Steering",
        kind="other",
        authorities=["fund_epics", "waive_gates"],
        members=[edith],
    )
    period = period_around_today(access, elapsed=30, remaining=60)
    objective = goals.create_objective(
        access, title="Answer people quickly", period=period, status="active"
    )
    partner = org_services.create_team(access, name="Permits", kind="product")
    engagement = engagements.create_engagement(
        access,
        title="Online permits",
        partner_organization="Ministry of Coast",
        business_area="Permits",
        team=partner,
    )
    expert = experts.create_expert(access, person=edith, areas=["service_design"])
    return Work(
        cast=cast,
        access=access,
        edith=edith,
        team=team,
        body=body,
        engagement=engagement,
        expert=expert,
        objective=objective,
    )
