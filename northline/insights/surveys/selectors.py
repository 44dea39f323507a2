"""Purpose pulse surveys, read (DESIGN §2.8, component 5): who may see what, a survey's and a
link's state, and the lists the pages and the API show. Writes are in
:mod:`northline.insights.surveys.services`.

Anonymity: pages and the API never show who gave an answer, nor a time finer than the day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from northline.goals.models import Objective, ObjectiveStatus
from northline.insights.models import Survey, SurveyAnswer, SurveyLink, SurveyStatus
from northline.lib.errors import Conflict, DomainError, Invalid, NotFound
from northline.orgs.access import Access, get_in_org
from northline.orgs.models import Organization, Person, Team, TeamMember
from northline.orgs.record_access import RecordAccess
from northline.orgs.services import digest_of

QUESTION_PURPOSE = "What is the purpose of your work?"
QUESTION_OBJECTIVE = "Which objective does your work drive?"


class LinkGone(DomainError):
    """A link that will never take an answer again: revoked, expired or already used."""

    status = 410
    code = "link_gone"


# States ------------------------------------------------------------------------------------


def survey_state(survey: Survey, today: dt.date | None = None) -> str:
    """``open``, ``closed`` (by an editor) or ``ended`` (its closing day has passed)."""
    day = today or timezone.localdate()
    if survey.status == SurveyStatus.CLOSED:
        return "closed"
    if survey.closes_on is not None and day > survey.closes_on:
        return "ended"
    return "open"


STATE_LABELS = {"open": "Open", "closed": "Closed", "ended": "Closing day passed"}


def day_label(day: dt.date) -> str:
    return date_format(day, "j F Y")


def refusal(survey: Survey, day: dt.date | None = None) -> str | None:
    """Why ``survey`` takes no answer on ``day`` (today by default), or None when it does."""
    state = survey_state(survey, day)
    if state == "closed":
        return f"“{survey.title}” is closed and takes no more answers."
    if state == "ended" and survey.closes_on is not None:
        return (
            f"“{survey.title}” took answers until {day_label(survey.closes_on)} and takes no more."
        )
    return None


LINK_STATES = ("active", "expired", "revoked", "used")


def link_state(link: SurveyLink, now: dt.datetime | None = None) -> str:
    """``revoked``, ``used``, ``expired`` or ``active``; a used link cannot be revoked."""
    moment = now or timezone.now()
    if link.revoked_at is not None:
        return "revoked"
    if link_used(link):
        return "used"
    if link.expires_at <= moment:
        return "expired"
    return "active"


def link_used(link: SurveyLink) -> bool:
    used = getattr(link, "used", None)  # annotated by survey_links()
    if used is not None:
        return bool(used)
    return SurveyAnswer.objects.filter(link=link).exists()


# Access ------------------------------------------------------------------------------------


access_survey = RecordAccess(Survey.objects.select_related("team"))


def access_survey_link(
    access: Access, survey: Survey, link_id: int, action: str = "read"
) -> SurveyLink:
    return get_in_org(
        access, with_use(SurveyLink.objects.filter(survey=survey)), link_id, action, "survey link"
    )


# Reads -------------------------------------------------------------------------------------


def count_of(queryset: QuerySet[Any]) -> Coalesce:
    """The number of rows of ``queryset`` (filtered on ``survey=OuterRef("pk")``) per survey."""
    counted = queryset.order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def surveys(access: Access) -> QuerySet[Survey]:
    """The organization's surveys, newest first, with their answer and link counts and whether
    the caller has answered (one query, whatever the number of surveys)."""
    return (
        Survey.objects.filter(organization=access.organization)
        .select_related("team")
        .annotate(
            answer_count=count_of(SurveyAnswer.objects.filter(survey=OuterRef("pk"))),
            link_count=count_of(SurveyLink.objects.filter(survey=OuterRef("pk"))),
            answered_by_me=Exists(
                SurveyAnswer.objects.filter(survey=OuterRef("pk"), respondent_id=access.user.pk)
            ),
        )
    )


def survey_with_counts(access: Access, survey_id: int) -> Survey:
    """One survey as :func:`surveys` shows it; another organization's is not found."""
    return get_in_org(access, surveys(access), survey_id, "read", "survey")


def with_use(queryset: QuerySet[SurveyLink]) -> QuerySet[SurveyLink]:
    return queryset.annotate(used=Exists(SurveyAnswer.objects.filter(link=OuterRef("pk"))))


def survey_links(
    access: Access, survey: Survey, *, state: str | None = None, now: dt.datetime | None = None
) -> QuerySet[SurveyLink]:
    """A survey's links, newest first, each with ``used``; ``state`` keeps one kind."""
    links = with_use(
        SurveyLink.objects.filter(organization=access.organization, survey=survey)
    ).select_related("created_by")
    moment = now or timezone.now()
    live = Q(revoked_at__isnull=True, used=False)
    if state == "revoked":
        links = links.filter(revoked_at__isnull=False)
    elif state == "used":
        links = links.filter(Q(used=True), revoked_at__isnull=True)
    elif state == "expired":
        links = links.filter(live, expires_at__lte=moment)
    elif state == "active":
        links = links.filter(live, expires_at__gt=moment)
    elif state:
        raise Invalid(
            f"Unknown link state {state!r}.",
            fields={"state": "Choose active, expired, revoked or used."},
        )
    return links


def link_counts(access: Access, survey: Survey, now: dt.datetime | None = None) -> dict[str, int]:
    """How many of the survey's links are in each state (one query)."""
    counts = dict.fromkeys(LINK_STATES, 0)
    for link in (
        survey_links(access, survey, now=now).select_related(None).only("revoked_at", "expires_at")
    ):
        counts[link_state(link, now)] += 1
    return counts


def answer_count(survey: Survey) -> int:
    return SurveyAnswer.objects.filter(survey=survey).count()


def has_answered(access: Access, survey: Survey) -> bool:
    return SurveyAnswer.objects.filter(survey=survey, respondent_id=access.user.pk).exists()


def answer_teams(organization: Organization) -> QuerySet[Team]:
    return Team.objects.filter(organization=organization)


@dataclass(frozen=True)
class ObjectiveGroup:
    """The active objectives of one team (``team`` None: organization level), for the select."""

    label: str
    objectives: list[Objective]


def objective_groups(organization: Organization) -> list[ObjectiveGroup]:
    """The organization's active objectives: organization level first, then by team name."""
    active = (
        Objective.objects.filter(organization=organization, status=ObjectiveStatus.ACTIVE)
        .select_related("team")
        .order_by("title", "id")
    )
    by_team: dict[Team | None, list[Objective]] = {}
    for objective in active:
        by_team.setdefault(objective.team, []).append(objective)
    groups = [ObjectiveGroup("Organization-wide", by_team.pop(None, []))]
    for team in sorted(by_team, key=lambda t: (t.name, t.pk) if t else ("", 0)):
        if team is not None:
            groups.append(ObjectiveGroup(team.name, by_team[team]))
    return [group for group in groups if group.objectives]


def default_team(access: Access) -> Team | None:
    """The team the signed-in person joined first (their Person by login, then TeamMember)."""
    person = Person.objects.filter(organization=access.organization, user=access.user).first()
    if person is None:
        return None
    member = (
        TeamMember.objects.filter(person=person)
        .select_related("team")
        .order_by("created_at", "id")
        .first()
    )
    return member.team if member else None


def link_for_token(slug: str, raw: str) -> SurveyLink:
    """The link a secret opens in the organization ``slug``; unknown (or another
    organization's) → 404. Revoked, expired and used links are found: the page says why."""
    link = (
        with_use(SurveyLink.objects.filter(digest=digest_of(raw), organization__slug=slug))
        .select_related("organization", "survey__team")
        .first()
    )
    if link is None:
        raise NotFound("No such survey link. Check that you copied the whole address.")
    return link


def link_refusal(link: SurveyLink, now: dt.datetime | None = None) -> DomainError | None:
    """Why this link takes no answer now, as the error to show (410 or 409), or None."""
    moment = now or timezone.now()
    state = link_state(link, moment)
    if state == "revoked":
        return LinkGone("This link was withdrawn by the people who sent it; it takes no answer.")
    if state == "used":
        return LinkGone("This link has already been used to answer; each link takes one answer.")
    if state == "expired":
        return LinkGone(
            f"This link expired on {day_label(timezone.localdate(link.expires_at))}; ask the "
            "people who sent it for a new one."
        )
    reason = refusal(link.survey, timezone.localdate(moment))
    if reason:
        return Conflict(reason, code="survey_closed")
    return None
