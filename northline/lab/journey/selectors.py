"""Reads across an engagement's governance: its timeline (the audit events of the engagement
and the records that point at it), its journey page, the lab report aggregated over
engagements, and the organization a shared report link opens.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.budget import selectors as budget_selectors
from northline.lab.engagements import selectors
from northline.lab.models import (
    Agreement,
    AgreementSection,
    AlignmentSession,
    ChecklistItem,
    Commitment,
    Engagement,
    EngagementStatus,
    Expense,
    ExpertRequest,
    Initial,
    Phase,
    QualificationAssessment,
    ReportLink,
    Signatory,
)
from northline.lib.errors import NotFound
from northline.orgs.access import Access
from northline.orgs.history import Row, history_rows, kind_of
from northline.orgs.models import Event, Organization
from northline.orgs.record_access import RecordAccess
from northline.orgs.services import digest_of

LINK_PREFIX = "nlr_"


# The timeline ------------------------------------------------------------------------------

# Records of an engagement whose events belong on its timeline, by how they point at it.
RELATED: list[tuple[type[models.Model], str]] = [
    (ChecklistItem, "engagement"),
    (QualificationAssessment, "engagement"),
    (Agreement, "engagement"),
    (AgreementSection, "agreement__engagement"),
    (Signatory, "agreement__engagement"),
    (Initial, "agreement__engagement"),
    (AlignmentSession, "engagement"),
    (Commitment, "session__engagement"),
    (Expense, "engagement"),
    (ExpertRequest, "engagement"),
]


@dataclass
class TimelineEntry:
    event: Event
    kind: str  # e.g. "agreement", "initial"

    @property
    def label(self) -> str:
        """The record's kind in words ("alignment session", not "alignmentsession")."""
        try:
            return str(apps.get_model(self.event.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.kind

    @property
    def summary(self) -> str:
        return f"{self.event.actor_name} {self.event.verb} {self.label} “{self.event.object_repr}”"


def timeline(access: Access, engagement: Engagement, *, limit: int = 200) -> list[TimelineEntry]:
    """The engagement's events, newest first: one query per related kind for the ids (each a
    cheap indexed read), then one query on the events."""
    # Events name their record by its model label ("lab.engagement"), as the audit helpers write it.
    wanted: dict[str, list[str]] = {engagement._meta.label_lower: [str(engagement.pk)]}
    for model, path in RELATED:
        ids = model._default_manager.filter(
            organization=access.organization, **{path: engagement}
        ).values_list("pk", flat=True)
        wanted[f"lab.{model._meta.model_name}"] = [str(pk) for pk in ids]
    # Waivers are logged as decisions of the strategy app.
    decisions = ChecklistItem.objects.filter(
        engagement=engagement, waiver_decision__isnull=False
    ).values_list("waiver_decision_id", flat=True)
    wanted["strategy.decision"] = [str(pk) for pk in decisions]
    condition = Q()
    for kind, object_ids in wanted.items():
        if object_ids:
            condition |= Q(object_type=kind, object_id__in=object_ids)
    events = Event.objects.filter(condition, organization=access.organization).order_by(
        "-created_at", "-id"
    )[:limit]
    return [TimelineEntry(event=event, kind=event.object_type.split(".", 1)[1]) for event in events]


# Bulk steps (40 checklist items made by one call) would fill the timeline with one row each:
# consecutive events of the same actor, verb and kind of record this close together become one
# step, its rows folded under it.
BULK_WINDOW = dt.timedelta(seconds=60)


@dataclass
class TimelineStep:
    """One row of the journey's timeline: an event in words, or a run of alike events."""

    rows: list[Row]

    @property
    def first(self) -> Row:
        return self.rows[0]

    @property
    def kind(self) -> str:
        return self.first.event.object_type.split(".", 1)[1]

    @property
    def is_bulk(self) -> bool:
        return len(self.rows) > 1

    @property
    def summary(self) -> str:
        """ "40 checklist items created", said by who did it."""
        event = self.first.event
        kinds = kind_of(event.object_type, plural=True)
        return f"{len(self.rows)} {kinds} {event.verb}"

    @property
    def span(self) -> str:
        """When the run happened: "5 Dec 2026 10:00", or "… 10:00–10:01" across a minute."""
        newest, oldest = self.rows[0].when, self.rows[-1].when
        if newest == oldest:
            return newest
        return f"{oldest}–{newest.rsplit(' ', 1)[-1]}"


def alike(step: TimelineStep, row: Row) -> bool:
    first = step.first.event
    event = row.event
    return (
        event.actor_id == first.actor_id
        and event.actor_name == first.actor_name
        and event.verb == first.verb
        and event.object_type == first.object_type
        and first.created_at - event.created_at <= BULK_WINDOW
    )


def timeline_steps(access: Access, entries: list[TimelineEntry]) -> list[TimelineStep]:
    """The timeline in words, newest first, with each run of alike events as one step."""
    steps: list[TimelineStep] = []
    for row in history_rows(access, [entry.event for entry in entries]):
        if steps and alike(steps[-1], row):
            steps[-1].rows.append(row)
        else:
            steps.append(TimelineStep(rows=[row]))
    return steps


# One engagement ------------------------------------------------------------------------------


@dataclass
class EngagementJourney:
    engagement: Engagement
    timeline: list[TimelineEntry]
    steps: list[TimelineStep]
    phases: list[Any]  # selectors.PhaseProgress
    checklist: dict[str, int]  # open / met / waived counts over all phases
    agreements: list[tuple[Agreement, agreement_selectors.AgreementGrid]]
    readiness: Any  # selectors.Readiness
    composition: list[Any]  # selectors.RuleState
    budget: budget_selectors.BudgetSummary
    sessions: list[AlignmentSession]
    requests: list[ExpertRequest]


def engagement_journey(access: Access, engagement: Engagement) -> EngagementJourney:
    progress = selectors.phase_progress(access, engagement)
    checklist = {
        "open": sum(p.open for p in progress),
        "met": sum(p.met for p in progress),
        "waived": sum(p.waived for p in progress),
    }
    grids = [
        (agreement, agreement_selectors.agreement_state(access, agreement))
        for agreement in agreement_selectors.agreements(access, engagement)
    ]
    entries = timeline(access, engagement)
    return EngagementJourney(
        engagement=engagement,
        timeline=entries,
        steps=timeline_steps(access, entries),
        phases=progress,
        checklist=checklist,
        agreements=grids,
        readiness=selectors.readiness(access, engagement),
        composition=selectors.composition(access, engagement),
        budget=budget_selectors.budget_summary(access, engagement),
        sessions=list(
            AlignmentSession.objects.filter(organization=access.organization, engagement=engagement)
        ),
        requests=list(
            ExpertRequest.objects.filter(
                organization=access.organization, engagement=engagement
            ).select_related("expert__person")
        ),
    )


# Across engagements --------------------------------------------------------------------------


@dataclass
class Closing:
    engagement: Engagement
    status: str
    reason: str
    on: dt.date | None


@dataclass
class PhaseTime:
    phase: Phase
    engagements: int = 0  # engagements that spent time in it
    days: int = 0  # total days across them

    @property
    def average_days(self) -> int | None:
        return round(self.days / self.engagements) if self.engagements else None


@dataclass
class LabReport:
    organization: Organization
    total: int
    by_status: list[tuple[str, str, int]]  # (status, label, count)
    by_phase: list[tuple[Phase, int]]
    time_in_phase: list[PhaseTime]
    graduations: list[Closing]
    pivots: list[Closing]
    engagements: list[Engagement]
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def phase_rows(self) -> list[tuple[Phase, int, PhaseTime]]:
        """(phase, active engagements in it now, time spent in it) per phase."""
        return [
            (phase, count, time)
            for (phase, count), time in zip(self.by_phase, self.time_in_phase, strict=True)
        ]


def phase_spans(
    engagement: Engagement, events: list[Event], today: dt.date
) -> list[tuple[int, dt.date, dt.date]]:
    """(phase id, entered, left) from the engagement's creation and ``current_phase`` changes,
    oldest first; the last span runs to today, or to when it graduated or pivoted away."""
    spans: list[tuple[int, dt.date, dt.date]] = []
    phase_id: int | None = None
    since: dt.date | None = None
    closed_on: dt.date | None = None
    for event in events:
        day = timezone.localdate(event.created_at)
        changes = event.changes or {}
        if event.verb == "created":
            phase_id, since = changes.get("current_phase"), day
            continue
        moved = changes.get("current_phase")
        if isinstance(moved, list) and len(moved) == 2:
            if phase_id is not None and since is not None:
                spans.append((phase_id, since, day))
            phase_id, since = moved[1], day
        status = changes.get("status")
        if isinstance(status, list) and len(status) == 2 and status[1] in CLOSED:
            closed_on = day
    if phase_id is not None and since is not None:
        end = closed_on if engagement.status in CLOSED and closed_on else today
        spans.append((phase_id, since, max(end, since)))
    return spans


CLOSED = {EngagementStatus.GRADUATED, EngagementStatus.PIVOTED_AWAY}


def lab_report(organization: Organization, *, today: dt.date | None = None) -> LabReport:
    """The aggregated report; takes the organization, not an Access, because a shared link
    shows it to someone signed out. Four queries: engagements, phases, their events."""
    today = today or timezone.localdate()
    engagements = list(
        Engagement.objects.filter(organization=organization).select_related("current_phase")
    )
    phases = list(Phase.objects.filter(organization=organization))
    statuses = Counter(e.status for e in engagements)
    phase_counts = Counter(e.current_phase_id for e in engagements if e.status not in CLOSED)
    events_by_engagement: dict[str, list[Event]] = defaultdict(list)
    for event in Event.objects.filter(
        organization=organization,
        object_type="lab.engagement",
        object_id__in=[str(e.pk) for e in engagements],
    ).order_by("created_at", "id"):
        events_by_engagement[event.object_id].append(event)
    times = {phase.pk: PhaseTime(phase) for phase in phases}
    closings: dict[int, dt.date] = {}
    for engagement in engagements:
        events = events_by_engagement.get(str(engagement.pk), [])
        counted: set[int] = set()
        for phase_id, since, until in phase_spans(engagement, events, today):
            if phase_id in times:
                times[phase_id].days += (until - since).days
                if phase_id not in counted:
                    times[phase_id].engagements += 1
                    counted.add(phase_id)
        for event in events:
            status = (event.changes or {}).get("status")
            if isinstance(status, list) and len(status) == 2 and status[1] in CLOSED:
                closings[engagement.pk] = timezone.localdate(event.created_at)

    def closed(status: str) -> list[Closing]:
        return [
            Closing(e, e.status, e.closing_reason, closings.get(e.pk))
            for e in engagements
            if e.status == status
        ]

    return LabReport(
        organization=organization,
        total=len(engagements),
        by_status=[
            (value, label, statuses.get(value, 0)) for value, label in EngagementStatus.choices
        ],
        by_phase=[(phase, phase_counts.get(phase.pk, 0)) for phase in phases],
        time_in_phase=[times[phase.pk] for phase in phases],
        graduations=closed(EngagementStatus.GRADUATED),
        pivots=closed(EngagementStatus.PIVOTED_AWAY),
        engagements=engagements,
        today=today,
    )


# Shared links --------------------------------------------------------------------------------


access_report_link = RecordAccess(ReportLink.objects.select_related("created_by"))


def report_links(access: Access) -> QuerySet[ReportLink]:
    return ReportLink.objects.filter(organization=access.organization).select_related("created_by")


def shared_organization(slug: str, raw: str) -> Organization:
    """The organization a live link shows; unknown, revoked or another organization's → 404."""
    link = (
        ReportLink.objects.select_related("organization")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, organization__slug=slug)
        .first()
    )
    if link is None:
        raise NotFound("No such report link, or it was revoked.")
    return link.organization
