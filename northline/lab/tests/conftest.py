"""Records the lab's engagement tests share: a partner team in ``cast.org`` and an engagement.

``cast.org`` has the default playbook (installed when it was created). The team "Permits" has
four members: Pat (product owner, employee), Dev (DevOps specialist, employee), Emma (member,
employee) and Carl (member, contractor, not co-located). Required training: product owner →
"Agile fundamentals", which nobody has completed yet. The coalition body "Lab leadership"
holds ``waive_gates`` and has Olivia (the owner) as its only member.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from northline.lab.engagements import services
from northline.lab.models import Course, Criterion, Engagement, QualificationAssessment
from northline.orgs import services as org_services
from northline.orgs.models import Person, Team, TeamMember
from northline.strategy import services as strategy
from northline.strategy.models import CoalitionBody
from northline.testing import Cast


@dataclass
class Lab:
    team: Team
    pat: Person
    dev: Person
    emma: Person
    carl: Person
    course: Course
    body: CoalitionBody
    engagement: Engagement

    def member(self, person: Person) -> TeamMember:
        return TeamMember.objects.get(team=self.team, person=person)


def person_of(cast: Cast, user) -> Person:
    return Person.objects.get(organization=cast.org, user=user)


def qualify(cast: Cast, engagement: Engagement) -> None:
    """Judge all five criteria met, with evidence."""
    access = cast.owner_access
    for assessment in QualificationAssessment.objects.filter(engagement=engagement):
        services.assess_criterion(
            access, assessment, version=assessment.version, met=True, evidence="Seen in intake."
        )


def train(cast: Cast, person: Person, course: Course) -> None:
    services.record_training(cast.owner_access, person=person, course=course, status="completed")


@pytest.fixture
def lab(cast: Cast) -> Lab:
    access = cast.owner_access
    team = org_services.create_team(access, name="Permits", kind="product")
    people = {}
    for name, roles, employee, co_located in [
        ("Pat Product", ["product_owner"], True, True),
        ("Dev Ops", ["devops_specialist"], True, True),
        ("Emma Employee", ["member"], True, True),
        ("Carl Contractor", ["member"], False, False),
    ]:
        person = org_services.create_person(access, name=name)
        org_services.add_team_member(
            access, team, person=person, roles=roles, is_employee=employee, co_located=co_located
        )
        people[name.split()[0].lower()] = person
    course = services.create_course(access, name="Agile fundamentals", hours=14)
    services.require_training(access, role="product_owner", course=course)
    body = strategy.create_body(
        access,
        name="Lab leadership",
        kind="other",
        authorities=["waive_gates", "staff_teams"],
        members=[person_of(cast, cast.owner)],
    )
    engagement = services.create_engagement(
        access,
        title="Online permits",
        partner_organization="Ministry of Coast",
        business_area="Permits",
        team=team,
        product_owner=people["pat"],
    )
    return Lab(team=team, course=course, body=body, engagement=engagement, **people)


def fresh(engagement: Engagement) -> Engagement:
    return Engagement.objects.select_related("current_phase").get(pk=engagement.pk)


CRITERIA = list(Criterion.values)
