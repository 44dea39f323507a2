"""What waits for one signed-in person, across every organization they belong to.

Every read of the "My work" page is here. Each kind of item is one or two queries across all
of the person's organizations (the lead times of impactees, one query per organization that has
impacts waiting), whatever the number of records (STYLE §5). The rules come from the apps that
own them: delivery's lead time and lateness, the lab's initials grid, the surveys' open state.

The rule of the check-in cadence (a key result is due a check-in when its indicator has no
reading within its ``checkin_every_days``) is goals', which the weekly check-in reminder reads
too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from northline.delivery.models import Impact, ImpactRole
from northline.delivery.selectors import OPEN_STATUSES, cell_for, latest_notices
from northline.delivery.selectors import lead_time_defaults as delivery_lead_time_defaults
from northline.goals.models import KeyResult
from northline.goals.selectors import due_for_check_in
from northline.insights.models import Snapshot, Survey, SurveyAnswer, SurveyStatus
from northline.insights.surveys.selectors import survey_state
from northline.lab.agreements.selectors import (
    OPEN_FOR_INITIALS,
    Cell,
    cell_state,
)
from northline.lab.engagements.selectors import phase_after
from northline.lab.engagements.services import CLOSED as ENGAGEMENT_CLOSED
from northline.lab.models import (
    AgreementSection,
    ChecklistItem,
    ChecklistState,
    ExpertRequest,
    Initial,
    Phase,
    PhaseItemKind,
    RequestStatus,
    Signatory,
)
from northline.orgs import selectors as org_selectors
from northline.orgs.access import Access, organizations_of
from northline.orgs.models import Organization, TeamMember
from northline.orgs.pages import RecordUrls
from northline.strategy.models import Authority, CoalitionBody, Decision, DecisionStatus
from northline.strategy.selectors import holds

# The span the alignment index's trend is read over.
TREND_DAYS = 7
# An expert request is the expert's to do until it is done or declined.
EXPERT_REQUEST_OPEN = (RequestStatus.OPEN, RequestStatus.ASSIGNED)
# The risks of delivery's matrix that mean the team hears of a change too late.
LATE_RISKS = ("late", "at_risk")


@dataclass(frozen=True)
class Item:
    """One thing waiting for the person: what it is, where it is done, and a detail line."""

    kind: str
    title: str
    url: str
    detail: str = ""
    late: bool = False


@dataclass(frozen=True)
class IndexTrend:
    """The organization's alignment index from its latest snapshot, and its change over a week.

    ``change`` is None when no snapshot is ``TREND_DAYS`` or more old ("no trend yet")."""

    now: float | None
    taken_on: dt.date | None
    change: float | None


@dataclass
class OrganizationWork:
    """Everything waiting for the person in one organization, kind by kind."""

    organization: Organization
    check_ins: list[Item] = field(default_factory=list)
    acknowledgements: list[Item] = field(default_factory=list)
    decisions: list[Item] = field(default_factory=list)
    initials: list[Item] = field(default_factory=list)
    gates: list[Item] = field(default_factory=list)
    expert_requests: list[Item] = field(default_factory=list)
    surveys: list[Item] = field(default_factory=list)
    unread: int = 0
    index: IndexTrend = field(default_factory=lambda: IndexTrend(None, None, None))

    @property
    def sections(self) -> list[tuple[str, list[Item]]]:
        """The kinds that have items, each with its heading, in the page's order."""
        named = [
            ("Key results due a check-in", self.check_ins),
            ("Impacts your teams must acknowledge", self.acknowledgements),
            ("Decisions waiting for your body", self.decisions),
            ("Agreements waiting for your initials", self.initials),
            ("Gates you may waive", self.gates),
            ("Expert requests assigned to you", self.expert_requests),
            ("Surveys you have not answered", self.surveys),
        ]
        return [(heading, items) for heading, items in named if items]

    @property
    def empty(self) -> bool:
        return not self.sections and not self.unread


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def my_work(user: User, *, now: dt.datetime | None = None) -> list[OrganizationWork]:
    """What waits for ``user`` in each of their organizations, by organization name."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    organizations = list(organizations_of(user).order_by("name", "id"))
    work = {org.pk: OrganizationWork(organization=org) for org in organizations}
    if not work:
        return []
    urls = {org.pk: RecordUrls(org.slug) for org in organizations}
    ids = list(work)
    for org_id, item in key_results_due(user, ids, urls, moment):
        work[org_id].check_ins.append(item)
    for org_id, item in impacts_to_acknowledge(user, organizations, today):
        work[org_id].acknowledgements.append(item)
    for org_id, item in decisions_waiting(user, ids, urls):
        work[org_id].decisions.append(item)
    for org_id, item in agreements_to_initial(user, ids, urls):
        work[org_id].initials.append(item)
    for org_id, item in gates_to_waive(user, ids, urls):
        work[org_id].gates.append(item)
    for org_id, item in expert_requests(user, organizations):
        work[org_id].expert_requests.append(item)
    for org_id, item in surveys_to_answer(user, ids, urls, today):
        work[org_id].surveys.append(item)
    for org_id, count in unread_by_organization(user).items():
        if org_id in work:
            work[org_id].unread = count
    for org_id, trend in index_trends(ids, today).items():
        work[org_id].index = trend
    return list(work.values())


# 1. Key results due a check-in -------------------------------------------------------------


def key_results_due(
    user: User, org_ids: list[int], urls: dict[int, RecordUrls], now: dt.datetime
) -> Iterable[tuple[int, Item]]:
    """Key results the user owns that are due a check-in (goals' rule); the longest waiting
    first. One query."""
    today = timezone.localdate(now)
    owned = KeyResult.objects.filter(organization_id__in=org_ids, owner__user_id=user.pk)
    for due in due_for_check_in(owned, now):
        kr, last = due.key_result, due.last_reading_at
        if last is None:
            detail = "No check-in yet"
        else:
            days = (today - timezone.localdate(last)).days
            detail = (
                f"{plural(days, 'day')} since the last check-in (every {kr.checkin_every_days})"
            )
        yield (
            kr.organization_id,
            Item(
                kind="check_in",
                title=f"{kr.title} · {kr.objective.title}",
                url=urls[kr.organization_id]("goals.keyresult", kr.pk),
                detail=detail,
            ),
        )


# 2. Impacts to acknowledge ------------------------------------------------------------------


def impacts_to_acknowledge(
    user: User, organizations: list[Organization], today: dt.date
) -> Iterable[tuple[int, Item]]:
    """Impactee impacts of the user's teams, not acknowledged, in open releases dated today or
    later (delivery's ``upcoming_for_team`` reads the same), late ones first, then soonest.

    Three queries, and one more per organization with such impacts for the teams' lead times."""
    impacts = list(
        Impact.objects.filter(
            organization__in=organizations,
            role=ImpactRole.IMPACTEE,
            acknowledged_at__isnull=True,
            team__memberships__person__user_id=user.pk,
            feature__release__status__in=OPEN_STATUSES,
            feature__release__planned_date__gte=today,
        )
        .select_related("feature__release", "team")
        .distinct()
        .order_by("feature__release__planned_date", "feature__title", "id")
    )
    by_org = {org.pk: org for org in organizations}
    defaults: dict[int, dict[int, int]] = {}
    for org_id in sorted({impact.organization_id for impact in impacts}):
        access = reader(user, by_org[org_id])
        defaults[org_id] = delivery_lead_time_defaults(
            access, {i.team_id for i in impacts if i.organization_id == org_id}
        )
    notices = latest_notices([impact.pk for impact in impacts])
    cells = [
        cell_for(
            impact,
            defaults[impact.organization_id].get(impact.team_id),
            notices.get(impact.pk),
            today,
        )
        for impact in impacts
    ]
    # Late first: told late, or not acknowledged with less than the lead time left (delivery's
    # risk rule).
    late = {cell.impact.pk for cell in cells if cell.risk in LATE_RISKS}
    cells.sort(key=lambda cell: cell.impact.pk not in late)  # stable: soonest first within
    for cell in cells:
        impact = cell.impact
        release = impact.feature.release
        assert release is not None
        org = by_org[impact.organization_id]
        days = cell.days_left if cell.days_left is not None else 0
        yield (
            impact.organization_id,
            Item(
                kind="acknowledgement",
                title=f"{impact.feature.title} ({release.name}) for {impact.team.name}",
                url=reverse("delivery_team", kwargs={"slug": org.slug, "team_id": impact.team_id}),
                detail=f"{plural(days, 'day')} left, lead time {cell.lead_time}"
                + (": late" if impact.pk in late else ""),
                late=impact.pk in late,
            ),
        )


def reader(user: User, organization: Organization) -> Access:
    """The user's access to one of their organizations, for selectors that take one. Reads
    only: the role is what "viewer" grants, whatever the user's real role."""
    return Access(user=user, organization=organization, role="viewer")


# 3. Decisions waiting for a body the user sits on ----------------------------------------------


def decisions_waiting(
    user: User, org_ids: list[int], urls: dict[int, RecordUrls]
) -> Iterable[tuple[int, Item]]:
    """Proposed decisions to be made by a coalition body the user is a member of. One query."""
    rows = (
        Decision.objects.filter(
            organization_id__in=org_ids,
            status=DecisionStatus.PROPOSED,
            made_by_body__members__user_id=user.pk,
        )
        .select_related("made_by_body")
        .distinct()
        .order_by("decided_on", "id")
    )
    for decision in rows:
        assert decision.made_by_body is not None
        yield (
            decision.organization_id,
            Item(
                kind="decision",
                title=decision.title,
                url=urls[decision.organization_id]("strategy.decision", decision.pk),
                detail=f"Proposed for {decision.made_by_body.name}, dated {decision.decided_on}",
            ),
        )


# 4. Agreement sections waiting for the user's initials ---------------------------------------


def agreements_to_initial(
    user: User, org_ids: list[int], urls: dict[int, RecordUrls]
) -> Iterable[tuple[int, Item]]:
    """Agreements out for initialing where the user signs and a section needing initials has
    no valid initial of theirs (missing, or voided by an edit: the lab's grid rule). Three
    queries: the user's signatories, the sections, their initials."""
    signatories = list(
        Signatory.objects.filter(
            organization_id__in=org_ids,
            person__user_id=user.pk,
            agreement__status__in=OPEN_FOR_INITIALS,
        )
        .select_related("agreement", "person")
        .order_by("agreement__title", "agreement_id")
    )
    if not signatories:
        return
    agreement_ids = [signatory.agreement_id for signatory in signatories]
    sections: dict[int, list[AgreementSection]] = defaultdict(list)
    for section in AgreementSection.objects.filter(
        agreement_id__in=agreement_ids, needs_initials=True
    ):
        sections[section.agreement_id].append(section)
    found: dict[tuple[int, int], list[Initial]] = defaultdict(list)
    for initial in Initial.objects.filter(
        signatory__in=[signatory.pk for signatory in signatories]
    ).order_by("initialed_at", "id"):
        found[(initial.section_id, initial.signatory_id)].append(initial)
    for signatory in signatories:
        waiting = 0
        for section in sections[signatory.agreement_id]:
            state, decisive = cell_state(section, found[(section.pk, signatory.pk)])
            cell = Cell(section=section, signatory=signatory, state=state, initial=decisive)
            waiting += cell.awaits_initial
        if waiting:
            agreement = signatory.agreement
            yield (
                agreement.organization_id,
                Item(
                    kind="initials",
                    title=agreement.title,
                    url=urls[agreement.organization_id]("lab.agreement", agreement.pk),
                    detail=f"{plural(waiting, 'section')} to initial as {signatory.role}",
                ),
            )


# 5. Gates the user may waive ----------------------------------------------------------------


def gates_to_waive(
    user: User, org_ids: list[int], urls: dict[int, RecordUrls]
) -> Iterable[tuple[int, Item]]:
    """Engagements whose next gate waits on pre-conditions a person decides, in the
    organizations where the user sits on a coalition body holding ``waive_gates`` (who may
    waive: :func:`northline.lab.engagements.services.waiving_body`). The gate into the next
    phase opens when each of that phase's pre-conditions is met or waived (``advance_phase``);
    the ones Northline checks by itself (a ``check_key``) are left out, as they pass when their
    check does. Three queries: the user's bodies, the playbooks' phases, the open items."""
    bodies: dict[int, CoalitionBody] = {}
    for body in CoalitionBody.objects.filter(
        organization_id__in=org_ids, members__user_id=user.pk
    ).order_by("name", "id"):
        if holds(body, Authority.WAIVE_GATES):
            bodies.setdefault(body.organization_id, body)
    if not bodies:
        return
    playbooks: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(organization_id__in=list(bodies)):
        playbooks[phase.organization_id].append(phase)
    rows = (
        ChecklistItem.objects.filter(
            organization_id__in=list(bodies),
            kind=PhaseItemKind.PRECONDITION,
            state=ChecklistState.OPEN,
            check_key="",
        )
        .exclude(engagement__status__in=ENGAGEMENT_CLOSED)
        .values_list(
            "organization_id",
            "engagement_id",
            "engagement__title",
            "engagement__current_phase_id",
            "phase_id",
        )
        .order_by("engagement__title", "engagement_id")
    )
    waiting: dict[tuple[int, int, str], tuple[Phase, int]] = {}
    for org_id, engagement_id, title, current_id, phase_id in rows:
        target = phase_after(playbooks[org_id], current_id)
        if target is not None and target.pk == phase_id:
            key = (org_id, engagement_id, title)
            waiting[key] = (target, waiting.get(key, (target, 0))[1] + 1)
    for (org_id, engagement_id, title), (target, count) in waiting.items():
        yield (
            org_id,
            Item(
                kind="gate",
                title=title,
                url=urls[org_id]("lab.engagement", engagement_id),
                detail=(
                    f"Entering {target.name} waits on {plural(count, 'pre-condition')}; "
                    f"you may waive {'it' if count == 1 else 'them'} "
                    f"({bodies[org_id].name} holds waive gates)"
                ),
            ),
        )


# 6. Expert requests -------------------------------------------------------------------------


def expert_requests(user: User, organizations: list[Organization]) -> Iterable[tuple[int, Item]]:
    """Requests assigned to the user as an expert that are neither done nor declined."""
    slugs = {org.pk: org.slug for org in organizations}
    rows = (
        ExpertRequest.objects.filter(
            organization__in=organizations,
            expert__person__user_id=user.pk,
            status__in=EXPERT_REQUEST_OPEN,
        )
        .select_related("engagement")
        .order_by("created_at", "id")
    )
    for request in rows:
        yield (
            request.organization_id,
            Item(
                kind="expert_request",
                title=f"{request.area} for {request.engagement}",
                url=reverse(
                    "lab_expert_request",
                    kwargs={"slug": slugs[request.organization_id], "request_id": request.pk},
                ),
                detail=f"{request.get_status_display()}: {request.description[:80]}",
            ),
        )


# 7. Surveys ---------------------------------------------------------------------------------


def surveys_to_answer(
    user: User, org_ids: list[int], urls: dict[int, RecordUrls], today: dt.date
) -> Iterable[tuple[int, Item]]:
    """Open surveys asking the whole organization or a team the user is on, that the user has
    not answered. One query; whether a survey still takes answers is the surveys' rule."""
    my_teams = TeamMember.objects.filter(
        organization_id__in=org_ids, person__user_id=user.pk
    ).values("team_id")
    answered = SurveyAnswer.objects.filter(respondent_id=user.pk).values("survey_id")
    rows = (
        Survey.objects.filter(organization_id__in=org_ids, status=SurveyStatus.OPEN)
        .filter(Q(team__isnull=True) | Q(team_id__in=my_teams))
        .exclude(pk__in=answered)
        .select_related("team")
        .order_by("closes_on", "id")
    )
    for survey in rows:
        if survey_state(survey, today) != "open":
            continue
        asked = survey.team.name if survey.team is not None else "everyone"
        closes = f", closes {survey.closes_on}" if survey.closes_on else ""
        yield (
            survey.organization_id,
            Item(
                kind="survey",
                title=survey.title,
                url=urls[survey.organization_id]("insights.survey", survey.pk),
                detail=f"Asks {asked}{closes}",
            ),
        )


# 8. Unread notifications, and the alignment index ------------------------------------------


def unread_by_organization(user: User) -> dict[int, int]:
    """Unread notifications per organization, from the inbox's own read. One query."""
    rows = (
        org_selectors.inbox(user, unread_only=True)
        .order_by()
        .values("organization_id")
        .annotate(count=Count("id"))
    )
    return {row["organization_id"]: row["count"] for row in rows}


def index_trends(org_ids: list[int], today: dt.date) -> dict[int, IndexTrend]:
    """Each organization's latest index snapshot, and its change since the latest snapshot
    taken ``TREND_DAYS`` or more days ago. One query for every organization."""
    org_level = Snapshot.objects.filter(organization_id=OuterRef("pk"), team=None)
    latest = org_level.order_by("-taken_on", "-id")
    week_ago = org_level.filter(taken_on__lte=today - dt.timedelta(days=TREND_DAYS)).order_by(
        "-taken_on", "-id"
    )
    rows = (
        Organization.objects.filter(pk__in=org_ids)
        .values("pk")
        .annotate(
            now=Subquery(latest.values("index")[:1]),
            taken_on=Subquery(latest.values("taken_on")[:1]),
            then=Subquery(week_ago.values("index")[:1]),
        )
    )
    trends = {}
    for row in rows:
        now, then = row["now"], row["then"]
        change = now - then if now is not None and then is not None else None
        trends[row["pk"]] = IndexTrend(now=now, taken_on=row["taken_on"], change=change)
    return trends
