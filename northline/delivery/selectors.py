"""Reads the pages and the API share: the dependency matrix, a team's upcoming impacts,
a release's readiness, and the lists (DESIGN §2.6). Each selector's query count is fixed,
whatever the number of features and teams (STYLE §5)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone

from northline.delivery import rules
from northline.delivery.models import (
    CalendarFeed,
    Feature,
    Impact,
    ImpactRole,
    Notice,
    Release,
    ReleaseStatus,
    TeamLeadTime,
    Webhook,
    WebhookDelivery,
)
from northline.orgs.access import Access
from northline.orgs.models import Team, TeamMember
from northline.orgs.worker import queued_arguments

OPEN_STATUSES = (ReleaseStatus.PLANNED, ReleaseStatus.DECIDED)
RISKS = ("ok", "late", "at_risk", "unacknowledged")


@dataclass(frozen=True)
class Cell:
    """One feature × team of the matrix."""

    impact: Impact
    role: str
    acknowledged: bool
    risk: str  # "ok" | "late" | "at_risk" | "unacknowledged"
    lead_time: int = rules.DEFAULT_LEAD_TIME_DAYS
    days_left: int | None = None
    latest_notice: Notice | None = None


@dataclass
class Matrix:
    """Features grouped by release (None: not in a release yet) × the teams they touch."""

    releases: list[tuple[Release | None, list[Feature]]]
    teams: list[Team]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, feature: Feature, team: Team) -> Cell | None:
        return self.cells.get((feature.pk, team.pk))

    @property
    def features(self) -> list[Feature]:
        return [feature for _, features in self.releases for feature in features]


def lead_time_defaults(access: Access, team_ids: Iterable[int] | None = None) -> dict[int, int]:
    rows = TeamLeadTime.objects.filter(organization=access.organization)
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    return dict(rows.values_list("team_id", "days"))


def latest_notices(impact_ids: list[int]) -> dict[int, Notice]:
    """The newest notice of each impact (one query; the first row per impact wins)."""
    latest: dict[int, Notice] = {}
    for notice in Notice.objects.filter(impact_id__in=impact_ids).order_by(
        "impact_id", "-sent_at", "-id"
    ):
        latest.setdefault(notice.impact_id, notice)
    return latest


def cell_for(impact: Impact, default: int | None, notice: Notice | None, today: dt.date) -> Cell:
    release = impact.feature.release
    release_date = release.planned_date if release is not None else None
    lead = rules.lead_time(impact, default)
    acknowledged = impact.acknowledged_at is not None
    return Cell(
        impact=impact,
        role=impact.role,
        acknowledged=acknowledged,
        risk=rules.risk(
            role=impact.role,
            acknowledged=acknowledged,
            notice_late=notice is not None and notice.late,
            today=today,
            release_date=release_date,
            lead_time_days=lead,
        ),
        lead_time=lead,
        days_left=rules.days_left(today, release_date) if release_date else None,
        latest_notice=notice,
    )


def matrix(
    access: Access,
    *,
    release_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
    include_unreleased: bool = True,
) -> Matrix:
    """Open releases (planned or decided, by date) or the given ones, their features, and
    the teams the features impact; six queries whatever the size."""
    org = access.organization
    release_list, features = matrix_features(access, release_ids, include_unreleased)
    impacts = Impact.objects.filter(
        organization=org, feature_id__in=[feature.pk for feature in features]
    ).select_related("acknowledged_by")
    if team_ids is not None:
        impacts = impacts.filter(team_id__in=team_ids)
    impact_list = list(impacts)
    by_id = {feature.pk: feature for feature in features}
    for impact in impact_list:
        impact.feature = by_id[impact.feature_id]
    teams_wanted = {impact.team_id for impact in impact_list}
    if team_ids is not None:
        teams_wanted |= set(team_ids)
    teams = list(Team.objects.filter(organization=org, pk__in=teams_wanted).order_by("name", "id"))
    team_by_id = {team.pk: team for team in teams}
    for impact in impact_list:
        impact.team = team_by_id[impact.team_id]
    defaults = lead_time_defaults(access, teams_wanted)
    notices = latest_notices([impact.pk for impact in impact_list])
    today = timezone.localdate()
    cells = {
        (impact.feature_id, impact.team_id): cell_for(
            impact, defaults.get(impact.team_id), notices.get(impact.pk), today
        )
        for impact in impact_list
    }
    grouped = by_release(release_list, features, loose=include_unreleased and release_ids is None)
    return Matrix(releases=grouped, teams=teams, cells=cells)


def matrix_features(
    access: Access, release_ids: list[int] | None, include_unreleased: bool
) -> tuple[list[Release], list[Feature]]:
    """The matrix's releases (open ones by date, or the given ones) and their features (two
    queries)."""
    org = access.organization
    releases = Release.objects.filter(organization=org)
    if release_ids is not None:
        releases = releases.filter(pk__in=release_ids)
    else:
        releases = releases.filter(status__in=OPEN_STATUSES)
    release_list = list(releases.order_by("planned_date", "id"))
    wanted = Q(release__in=[release.pk for release in release_list])
    if include_unreleased and release_ids is None:
        wanted |= Q(release__isnull=True)
    features = list(
        Feature.objects.filter(wanted, organization=org)
        .select_related("owner_team", "release", "epic")
        .order_by("title", "id")
    )
    return release_list, features


def by_release(
    release_list: list[Release], features: list[Feature], *, loose: bool
) -> list[tuple[Release | None, list[Feature]]]:
    """Features grouped by release in the releases' order; with ``loose``, then the features in
    no release (when there are any)."""
    grouped: list[tuple[Release | None, list[Feature]]] = [
        (release, [feature for feature in features if feature.release_id == release.pk])
        for release in release_list
    ]
    if loose:
        unreleased = [feature for feature in features if feature.release_id is None]
        if unreleased:
            grouped.append((None, unreleased))
    return grouped


@dataclass(frozen=True)
class UpcomingImpact:
    """A change coming at a team: how long until it lands, and how long the team needs."""

    impact: Impact
    release_date: dt.date
    days_left: int
    lead_time: int
    acknowledged: bool
    risk: str = "ok"
    latest_notice: Notice | None = None


def upcoming_for_team(access: Access, team: Team) -> list[UpcomingImpact]:
    """The team's impacts in open releases dated today or later, soonest first."""
    today = timezone.localdate()
    impacts = list(
        Impact.objects.filter(
            organization=access.organization,
            team=team,
            feature__release__status__in=OPEN_STATUSES,
            feature__release__planned_date__gte=today,
        )
        .select_related("feature__release", "feature__owner_team", "team", "acknowledged_by")
        .order_by("feature__release__planned_date", "feature__title", "id")
    )
    default = lead_time_defaults(access, [team.pk]).get(team.pk)
    notices = latest_notices([impact.pk for impact in impacts])
    upcoming = []
    for impact in impacts:
        cell = cell_for(impact, default, notices.get(impact.pk), today)
        release = impact.feature.release
        assert release is not None
        upcoming.append(
            UpcomingImpact(
                impact=impact,
                release_date=release.planned_date,
                days_left=rules.days_left(today, release.planned_date),
                lead_time=cell.lead_time,
                acknowledged=cell.acknowledged,
                risk=cell.risk,
                latest_notice=cell.latest_notice,
            )
        )
    return upcoming


@dataclass(frozen=True)
class Readiness:
    """Whether every impactee of a release has acknowledged, and who has not."""

    release: Release
    ready: bool
    cells: list[Cell]
    waiting: list[Team]

    @property
    def acknowledged(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.acknowledged]


def release_readiness(access: Access, release: Release) -> Readiness:
    impacts = list(
        Impact.objects.filter(
            organization=access.organization, feature__release=release, role=ImpactRole.IMPACTEE
        )
        .select_related("feature__release", "team", "acknowledged_by")
        .order_by("team__name", "feature__title", "id")
    )
    defaults = lead_time_defaults(access, {impact.team_id for impact in impacts})
    notices = latest_notices([impact.pk for impact in impacts])
    today = timezone.localdate()
    cells = [
        cell_for(impact, defaults.get(impact.team_id), notices.get(impact.pk), today)
        for impact in impacts
    ]
    waiting: dict[int, Team] = {}
    for impact in rules.waiting_for(impacts):
        waiting.setdefault(impact.team_id, impact.team)
    return Readiness(
        release=release,
        ready=rules.is_ready(impacts),
        cells=cells,
        waiting=list(waiting.values()),
    )


# Lists -----------------------------------------------------------------------------------


def releases(access: Access, *, status: str | None = None) -> QuerySet[Release]:
    rows = Release.objects.filter(organization=access.organization).select_related("decided_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("planned_date", "id")


def features(
    access: Access,
    *,
    release: int | None = None,
    team: int | None = None,
    kind: str | None = None,
) -> QuerySet[Feature]:
    rows = Feature.objects.filter(organization=access.organization).select_related(
        "owner_team", "release", "epic"
    )
    if release is not None:
        rows = rows.filter(release_id=release)
    if team is not None:
        rows = rows.filter(Q(owner_team_id=team) | Q(impacts__team_id=team)).distinct()
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("title", "id")


def impacts(
    access: Access, *, feature: int | None = None, team: int | None = None
) -> QuerySet[Impact]:
    rows = Impact.objects.filter(organization=access.organization).select_related(
        "feature", "team", "acknowledged_by"
    )
    if feature is not None:
        rows = rows.filter(feature_id=feature)
    if team is not None:
        rows = rows.filter(team_id=team)
    return rows.order_by("feature_id", "team_id")


def notices(
    access: Access, *, release: int | None = None, team: int | None = None
) -> QuerySet[Notice]:
    rows = Notice.objects.filter(organization=access.organization).select_related(
        "impact__team", "impact__feature", "release"
    )
    if release is not None:
        rows = rows.filter(release_id=release)
    if team is not None:
        rows = rows.filter(impact__team_id=team)
    return rows.order_by("-sent_at", "-id")


@dataclass(frozen=True)
class LeadTime:
    team: Team
    days: int
    is_default: bool


def lead_times(access: Access) -> list[LeadTime]:
    """Every team with its lead time (the global default where it has not set one)."""
    defaults = lead_time_defaults(access)
    return [
        LeadTime(
            team=team,
            days=defaults.get(team.pk, rules.DEFAULT_LEAD_TIME_DAYS),
            is_default=team.pk not in defaults,
        )
        for team in Team.objects.filter(organization=access.organization).order_by("name", "id")
    ]


def webhooks(access: Access) -> QuerySet[Webhook]:
    return Webhook.objects.filter(organization=access.organization).order_by("url", "id")


def webhook_deliveries(access: Access, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        organization=access.organization, webhook=webhook
    ).order_by("-created_at", "-id")


def calendar_feeds(access: Access) -> QuerySet[CalendarFeed]:
    return (
        CalendarFeed.objects.filter(organization=access.organization)
        .select_related("team", "created_by")
        .order_by("-created_at", "-id")
    )


# Page helpers (the web pages' own reads) ---------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    """One feature of the matrix with its cells in the teams' order (None: no impact)."""

    feature: Feature
    cells: list[Cell | None]

    @property
    def impacts(self) -> list[Cell]:
        return [cell for cell in self.cells if cell is not None]


def matrix_rows(grid: Matrix) -> list[tuple[Release | None, list[MatrixRow]]]:
    """The matrix laid out for a table: per release, per feature, a cell per team column."""
    return [
        (
            release,
            [
                MatrixRow(feature, [grid.cells.get((feature.pk, team.pk)) for team in grid.teams])
                for feature in features
            ],
        )
        for release, features in grid.releases
    ]


# Features per page of the matrix: 60 teams × 25 features is about 150 cells with their details,
# some 200 KB of HTML, however large the matrix grows. The warnings of every team are listed above
# the page, so no team's trouble hides on a page not opened.
MATRIX_PAGE_SIZE = 25
WARNINGS = ("at_risk", "late", "unacknowledged")


@dataclass(frozen=True)
class TeamWarnings:
    """One team's impactee cells that need attention across the whole matrix, and on which of
    its pages they are."""

    team: Team
    at_risk: int
    late: int
    unacknowledged: int
    pages: list[int]


@dataclass
class MatrixPage:
    """One page of the matrix's rows (features) with every team's column, and what the other
    pages hold: how many features, how many pages, and the warnings of every team."""

    number: int
    pages: int
    page_size: int
    rows: list[tuple[Release | None, list[MatrixRow]]]
    teams: list[Team]
    feature_count: int
    warnings: list[TeamWarnings]

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first feature; 0 on an empty matrix."""
        return (self.number - 1) * self.page_size + 1 if self.feature_count else 0

    @property
    def last(self) -> int:
        return min(self.number * self.page_size, self.feature_count)


class ImpactRow(NamedTuple):
    """What an impact's risk needs, without the record (the matrix's other pages)."""

    pk: int
    feature_id: int
    team_id: int
    role: str
    acknowledged_at: dt.datetime | None
    lead_time_days: int | None


def matrix_page(
    access: Access,
    *,
    release_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
    number: int = 1,
    page_size: int = MATRIX_PAGE_SIZE,
) -> MatrixPage:
    """Page ``number`` (from 1; past the last → the last) of the matrix of :func:`matrix`, in
    its order (releases by date, features by title), with the warnings of every team over all
    pages. Nine queries whatever the size: every impact's risk is judged from a few columns
    (``ImpactRow``) and the latest notice's late flag; only the page's impacts are read whole,
    with their latest notices, for their cells' details."""
    org = access.organization
    release_list, features = matrix_features(access, release_ids, True)
    loose = release_ids is None
    ordered = [
        feature for _, group in by_release(release_list, features, loose=loose) for feature in group
    ]
    pages = max(1, -(-len(ordered) // page_size))
    number = min(max(number, 1), pages)
    page_of = {feature.pk: index // page_size + 1 for index, feature in enumerate(ordered)}
    on_page = {feature.pk for feature in ordered if page_of[feature.pk] == number}

    impacts = Impact.objects.filter(organization=org, feature_id__in=list(page_of))
    if team_ids is not None:
        impacts = impacts.filter(team_id__in=team_ids)
    light = [ImpactRow(*row) for row in impacts.values_list(*ImpactRow._fields)]
    teams_wanted = {row.team_id for row in light} | set(team_ids or ())
    teams = list(Team.objects.filter(organization=org, pk__in=teams_wanted).order_by("name", "id"))
    team_by_id = {team.pk: team for team in teams}
    defaults = lead_time_defaults(access, teams_wanted)
    late_notice: dict[int, bool] = {}
    for impact_id, late in (
        Notice.objects.filter(impact_id__in=[row.pk for row in light])
        .order_by("impact_id", "-sent_at", "-id")
        .values_list("impact_id", "late")
    ):
        late_notice.setdefault(impact_id, late)

    today = timezone.localdate()
    by_id = {feature.pk: feature for feature in features}
    counts: dict[int, Counter[str]] = {}
    warned_on: dict[int, set[int]] = {}
    for row in light:
        if row.role != ImpactRole.IMPACTEE:
            continue
        release = by_id[row.feature_id].release
        risk = rules.risk(
            role=row.role,
            acknowledged=row.acknowledged_at is not None,
            notice_late=late_notice.get(row.pk, False),
            today=today,
            release_date=release.planned_date if release is not None else None,
            lead_time_days=rules.lead_time(row, defaults.get(row.team_id)),
        )
        if risk in WARNINGS:
            counts.setdefault(row.team_id, Counter())[risk] += 1
            warned_on.setdefault(row.team_id, set()).add(page_of[row.feature_id])
    warnings = [
        TeamWarnings(
            team=team,
            at_risk=counts[team.pk]["at_risk"],
            late=counts[team.pk]["late"],
            unacknowledged=counts[team.pk]["unacknowledged"],
            pages=sorted(warned_on[team.pk]),
        )
        for team in teams
        if team.pk in counts
    ]

    page_impacts = list(
        Impact.objects.filter(
            pk__in=[row.pk for row in light if row.feature_id in on_page]
        ).select_related("acknowledged_by")
    )
    notices = latest_notices([impact.pk for impact in page_impacts])
    cells: dict[tuple[int, int], Cell] = {}
    for impact in page_impacts:
        impact.feature = by_id[impact.feature_id]
        impact.team = team_by_id[impact.team_id]
        cells[(impact.feature_id, impact.team_id)] = cell_for(
            impact, defaults.get(impact.team_id), notices.get(impact.pk), today
        )

    rows: list[tuple[Release | None, list[MatrixRow]]] = []
    before = 0  # features in the releases already laid out
    for release, group in by_release(release_list, features, loose=loose):
        if not group:
            # A release without features still shows, on the page where it falls in order.
            if min(before // page_size + 1, pages) == number:
                rows.append((release, []))
            continue
        before += len(group)
        shown = [
            MatrixRow(feature, [cells.get((feature.pk, team.pk)) for team in teams])
            for feature in group
            if feature.pk in on_page
        ]
        if shown:
            rows.append((release, shown))
    return MatrixPage(
        number=number,
        pages=pages,
        page_size=page_size,
        rows=rows,
        teams=teams,
        feature_count=len(ordered),
        warnings=warnings,
    )


def releases_overview(access: Access) -> QuerySet[Release]:
    """Every release, soonest first, with how many features it brings."""
    from django.db.models import Count

    return releases(access).annotate(feature_count=Count("features"))


def features_without_release(access: Access) -> QuerySet[Feature]:
    return features(access).filter(release__isnull=True)


def feature_cells(access: Access, feature: Feature) -> list[Cell]:
    """A feature's impacts, each with its lead time, days left, risk and latest notice."""
    impact_list = list(
        Impact.objects.filter(organization=access.organization, feature=feature)
        .select_related("team", "acknowledged_by")
        .order_by("team__name", "id")
    )
    for impact in impact_list:
        impact.feature = feature
    defaults = lead_time_defaults(access, {impact.team_id for impact in impact_list})
    latest = latest_notices([impact.pk for impact in impact_list])
    today = timezone.localdate()
    return [
        cell_for(impact, defaults.get(impact.team_id), latest.get(impact.pk), today)
        for impact in impact_list
    ]


def team_lead_time(access: Access, team: Team) -> LeadTime:
    days = lead_time_defaults(access, [team.pk]).get(team.pk)
    return LeadTime(
        team=team,
        days=rules.DEFAULT_LEAD_TIME_DAYS if days is None else days,
        is_default=days is None,
    )


def teams_acknowledged_by(access: Access, team_ids: Iterable[int]) -> set[int]:
    """Which of these teams the caller may acknowledge impacts for (one query at most): all of
    them for an admin, the writer's own teams, none for a viewer."""
    wanted = set(team_ids)
    if access.can("manage"):
        return wanted
    if not access.can_write or not wanted:
        return set()
    return set(
        TeamMember.objects.filter(team_id__in=wanted, person__user_id=access.user.pk).values_list(
            "team_id", flat=True
        )
    )


def team_calendar_feeds(access: Access, team: Team) -> QuerySet[CalendarFeed]:
    return calendar_feeds(access).filter(team=team)


# Deliveries the settings page lists under each webhook.
RECENT_DELIVERIES = 10


def webhooks_with_log(access: Access) -> list[Webhook]:
    """Every webhook with its latest deliveries in ``recent`` (two queries)."""
    from django.db.models import Prefetch

    return list(
        webhooks(access).prefetch_related(
            Prefetch(
                "deliveries",
                queryset=WebhookDelivery.objects.order_by("-created_at", "-id")[:RECENT_DELIVERIES],
                to_attr="recent",
            )
        )
    )


# The task that delivers notices (northline.delivery.notices.deliver_notices), by its path: the
# page of a decided release reads whether it still has work to do.
DELIVER_NOTICES = "northline.delivery.notices.deliver_notices"


def teams_being_told(release: Release) -> int:
    """How many teams' notices about ``release`` are queued and not delivered yet (inbox,
    e-mail, webhooks): the release page says so until the worker has done it."""
    waiting = {
        notice_id
        for arguments in queued_arguments(DELIVER_NOTICES)
        for notice_id in (arguments[0] if arguments and isinstance(arguments[0], list) else [])
    }
    if not waiting:
        return 0
    notices = Notice.objects.filter(release=release, pk__in=waiting)
    return notices.values("impact__team").distinct().count()
