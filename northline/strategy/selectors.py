"""Reads of the strategy records that pages and the API share, batched so that no page queries
per row, and the authority rule of the guiding coalition (DESIGN §2.3) in one place."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from northline.measures.models import Indicator
from northline.measures.rules import Health
from northline.measures.selectors import health_of
from northline.orgs.access import Access
from northline.orgs.models import Organization, Person
from northline.strategy.models import (
    Authority,
    CoalitionBody,
    Decision,
    IdentityRevision,
    Investment,
    Responsibility,
    ResponsibilityKind,
    Spend,
    SwotItem,
    SwotKind,
    Theme,
    ValueStream,
)

# The authority rule ------------------------------------------------------------------------

# What each kind of responsibility needs the body to be allowed to do.
NEEDED_AUTHORITIES: dict[str, tuple[str, ...]] = {
    ResponsibilityKind.OUTCOME: (Authority.FUND_EPICS, Authority.CHANGE_PROCESS),
    ResponsibilityKind.STRATEGY: (Authority.CHANGE_STRATEGY,),
    ResponsibilityKind.RELEASE_COORDINATION: (Authority.APPROVE_RELEASES,),
    ResponsibilityKind.LAB_PROGRAM: (Authority.WAIVE_GATES, Authority.STAFF_TEAMS),
    ResponsibilityKind.PRACTICE: (Authority.CHANGE_PROCESS,),
}


def authorities_missing(held: Iterable[str], responsibility_kinds: Iterable[str]) -> list[str]:
    """The authorities the responsibilities need and the body does not hold, in Authority's
    order. Non-empty means **responsibility without authority**."""
    needed = {need for kind in responsibility_kinds for need in NEEDED_AUTHORITIES.get(kind, ())}
    have = set(held)
    return [authority for authority in Authority.values if authority in needed - have]


def missing_authorities(body: CoalitionBody) -> list[str]:
    """The rule for one body (uses prefetched responsibilities when there are some)."""
    kinds = [responsibility.kind for responsibility in body.responsibilities.all()]
    return authorities_missing(body.authorities, kinds)


def missing_authorities_of(bodies: Sequence[CoalitionBody]) -> dict[int, list[str]]:
    """The rule for many bodies: one query for all their responsibilities."""
    kinds: dict[int, list[str]] = defaultdict(list)
    rows = Responsibility.objects.filter(body__in=[body.pk for body in bodies]).values_list(
        "body_id", "kind"
    )
    for body_id, kind in rows:
        kinds[body_id].append(kind)
    return {body.pk: authorities_missing(body.authorities, kinds[body.pk]) for body in bodies}


def authority_label(authority: str) -> str:
    return dict(Authority.choices).get(authority, authority)


def holds(body: CoalitionBody, authority: str) -> bool:
    """A body holds an authority when the authority is in its list."""
    return authority in body.authorities


def bodies_holding(organization: Organization, authority: str) -> list[CoalitionBody]:
    # Bodies are few per organization; filtering the JSON list here works alike on SQLite
    # and PostgreSQL (SQLite has no JSON "contains").
    return [
        body
        for body in CoalitionBody.objects.filter(organization=organization)
        if holds(body, authority)
    ]


def people_holding(organization: Organization, authority: str) -> QuerySet[Person]:
    """The people who hold ``authority`` through membership of a coalition body."""
    bodies = bodies_holding(organization, authority)
    return Person.objects.filter(
        organization=organization, coalition_bodies__in=[body.pk for body in bodies]
    ).distinct()


def body_holding(person: Person, authority: str) -> CoalitionBody | None:
    """The body (the first by name) through which ``person`` holds ``authority``; None: the
    person holds it through none of their bodies. The lab asks it for ``waive_gates``."""
    return next(
        (body for body in person.coalition_bodies.order_by("name", "id") if holds(body, authority)),
        None,
    )


# Identity ----------------------------------------------------------------------------------


def revisions(access: Access) -> QuerySet[IdentityRevision]:
    return IdentityRevision.objects.filter(organization=access.organization).select_related(
        "author"
    )


def current_identity(access: Access) -> IdentityRevision | None:
    return revisions(access).order_by("-number").first()


@dataclass
class FieldDiff:
    """One field of two revisions: pieces tagged ``same``, ``removed`` or ``added``."""

    field: str
    label: str
    pieces: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return any(tag != "same" for tag, _ in self.pieces)


# A word with the whitespace after it, so a changed word and its space change together.
WORDS = re.compile(r"\S+\s*|\s+")


def diff_words(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level differences; whitespace is kept so the pieces join back into the text."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(new[j1:j2])))
    return merged(pieces)


def merged(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent pieces with the same tag as one piece."""
    out: list[tuple[str, str]] = []
    for tag, text in pieces:
        if out and out[-1][0] == tag:
            out[-1] = (tag, out[-1][1] + text)
        else:
            out.append((tag, text))
    return out


def diff_lines(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.extend(("same", line) for line in before[i1:i2])
            continue
        pieces.extend(("removed", line) for line in before[i1:i2])
        pieces.extend(("added", line) for line in after[j1:j2])
    return pieces


def value_lines(values: list[dict[str, str]]) -> list[str]:
    return [
        f"{value.get('name', '')}: {value['meaning']}" if value.get("meaning") else value["name"]
        for value in values or []
    ]


def identity_diff(old: IdentityRevision, new: IdentityRevision) -> list[FieldDiff]:
    """Mission and vision word by word, values line by line (one line per value)."""
    return [
        FieldDiff("mission", "Mission", diff_words(old.mission, new.mission)),
        FieldDiff("vision", "Vision", diff_words(old.vision, new.vision)),
        FieldDiff("values", "Values", diff_lines(value_lines(old.values), value_lines(new.values))),
    ]


# SWOT, themes, value streams ---------------------------------------------------------------


def swot_items(access: Access, kind: str | None = None) -> QuerySet[SwotItem]:
    queryset = SwotItem.objects.filter(organization=access.organization).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("id", "name"))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


SWOT_HEADINGS: dict[str, str] = {
    SwotKind.STRENGTH: "Strengths",
    SwotKind.WEAKNESS: "Weaknesses",
    SwotKind.OPPORTUNITY: "Opportunities",
    SwotKind.THREAT: "Threats",
}


def swot_board(items: Iterable[SwotItem]) -> list[dict[str, Any]]:
    """The four quadrants in reading order: strengths, weaknesses, opportunities, threats."""
    by_kind: dict[str, list[SwotItem]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    return [
        {"kind": kind, "label": label, "heading": SWOT_HEADINGS[kind], "items": by_kind[kind]}
        for kind, label in SwotKind.choices
    ]


def themes(access: Access, status: str | None = None) -> QuerySet[Theme]:
    queryset = Theme.objects.filter(organization=access.organization).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("name", "id"))
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass
class MeasuredIndicator:
    """An indicator with its health, as theme pages and the API show it."""

    indicator: Indicator
    health: Health


def with_health(theme_list: Sequence[Theme]) -> dict[int, list[MeasuredIndicator]]:
    """Each theme's indicators (prefetched) with their health, judged in ONE batch."""
    indicators = {ind.pk: ind for theme in theme_list for ind in theme.indicators.all()}
    healths = health_of(indicators.values())
    return {
        theme.pk: [MeasuredIndicator(ind, healths[ind.pk]) for ind in theme.indicators.all()]
        for theme in theme_list
    }


def value_streams(access: Access) -> QuerySet[ValueStream]:
    return ValueStream.objects.filter(organization=access.organization).prefetch_related("teams")


# Investment --------------------------------------------------------------------------------

ZERO = Decimal("0.00")


def spent_total() -> Coalesce:
    """Σ spend of the investment in the outer query (a subquery, so planned is never
    multiplied by the number of spends as a join would)."""
    total = (
        Spend.objects.filter(investment=OuterRef("pk"))
        .order_by()
        .values("investment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


def investments(access: Access) -> QuerySet[Investment]:
    return (
        Investment.objects.filter(organization=access.organization)
        .select_related("theme", "value_stream")
        .annotate(actual=spent_total())
    )


def spends(access: Access, investment: Investment) -> QuerySet[Spend]:
    return Spend.objects.filter(organization=access.organization, investment=investment)


class PlannedAndSpent:
    """What is left and how much is spent, for anything with planned and actual money."""

    planned: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.actual

    @property
    def spent_share(self) -> float | None:
        return round(float(self.actual / self.planned), 4) if self.planned else None


@dataclass
class ReportRow(PlannedAndSpent):
    """Planned and actual money for one target (theme or value stream) in one period."""

    target_type: str
    target_id: int
    target_name: str
    period_start: Any
    period_end: Any
    currency: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO


@dataclass
class ThemeShare:
    """A theme's money across all periods and its share of the planned portfolio."""

    theme_id: int
    name: str
    currency: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    share_of_portfolio: float = 0.0


@dataclass
class InvestmentReport:
    rows: list[ReportRow] = field(default_factory=list)
    themes: list[ThemeShare] = field(default_factory=list)
    # currency → (planned, actual) over every investment
    totals: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)


def planned_vs_actual(access: Access) -> InvestmentReport:
    """Planned against spent per target and period, and each theme's share of the portfolio
    (its planned money over all planned money in the same currency). One query."""
    rows: dict[tuple[Any, ...], ReportRow] = {}
    shares: dict[tuple[int, str], ThemeShare] = {}
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for investment in investments(access).order_by("period_start", "id"):
        actual: Decimal = investment.actual  # type: ignore[attr-defined]
        if investment.theme is not None:
            target: Theme | ValueStream = investment.theme
            target_type = "theme"
        else:
            assert investment.value_stream is not None
            target, target_type = investment.value_stream, "value_stream"
        key = (
            target_type,
            target.pk,
            investment.period_start,
            investment.period_end,
            investment.currency,
        )
        row = rows.setdefault(
            key,
            ReportRow(
                target_type,
                target.pk,
                target.name,
                investment.period_start,
                investment.period_end,
                investment.currency,
            ),
        )
        row.planned += investment.planned_amount
        row.actual += actual
        totals[investment.currency][0] += investment.planned_amount
        totals[investment.currency][1] += actual
        if target_type == "theme":
            share = shares.setdefault(
                (target.pk, investment.currency),
                ThemeShare(target.pk, target.name, investment.currency),
            )
            share.planned += investment.planned_amount
            share.actual += actual
    for share in shares.values():
        planned_total = totals[share.currency][0]
        share.share_of_portfolio = (
            round(float(share.planned / planned_total), 4) if planned_total else 0.0
        )
    return InvestmentReport(
        rows=list(rows.values()),
        themes=sorted(shares.values(), key=lambda share: (-share.planned, share.name)),
        totals={currency: (money[0], money[1]) for currency, money in totals.items()},
    )


# Coalition and decisions -------------------------------------------------------------------


def bodies(access: Access) -> QuerySet[CoalitionBody]:
    return CoalitionBody.objects.filter(organization=access.organization).prefetch_related(
        "members",
        Prefetch("responsibilities", queryset=Responsibility.objects.select_related("theme")),
    )


def flag_bodies(body_list: Iterable[CoalitionBody]) -> list[tuple[CoalitionBody, list[str]]]:
    """Each body (with prefetched responsibilities) and the authorities it lacks."""
    return [(body, missing_authorities(body)) for body in body_list]


def decisions(
    access: Access, *, status: str | None = None, topic: str | None = None
) -> QuerySet[Decision]:
    queryset = Decision.objects.filter(organization=access.organization).select_related(
        "made_by_body", "made_by_person", "superseded_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    if topic:
        queryset = queryset.filter(topic=topic)
    return queryset
