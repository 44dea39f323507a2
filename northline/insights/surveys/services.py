"""Purpose pulse surveys (DESIGN §2.8, component 5): who may do what, and every write.

A survey asks two questions: what the purpose of your work is (free text) and which of the
organization's active objectives it drives (or "I don't know"). It goes to the whole
organization or to one team. Members answer it signed in, once each; people without a login
answer through a per-person link whose secret is shown once and stored only as its SHA-256
digest (``northline.orgs.services.digest_of``), good for one answer until it expires or is
revoked. No answer is taken once the survey is closed or after its closing day.

Anonymity: an answer keeps its respondent (or its link) only so that each person answers once.
Pages and the API never show who gave an answer, nor a time finer than the day; the audit
event of an answer names a plain "survey respondent" (no user, no client address) and records
neither the purpose text nor the objective.

Each write is one transaction that checks the role and the rules and records its audit event;
a refusal writes nothing. Editors and above manage surveys and links; any member, viewers
included, answers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from northline.goals.models import Objective, ObjectiveStatus
from northline.insights.models import Survey, SurveyAnswer, SurveyLink, SurveyStatus
from northline.lib.context import acting_from
from northline.lib.errors import Conflict, DomainError, Invalid, NotFound
from northline.orgs.access import Access, get_in_org, in_org
from northline.orgs.audit import check_version, create_audited, record_event, update_versioned
from northline.orgs.models import Organization, Person, Team, TeamMember
from northline.orgs.services import digest_of, refuse_unknown

SURVEY_FIELDS = {"title", "team", "closes_on"}
PURPOSE_MAX_LENGTH = 1000
LINK_PREFIX = "nls_"
LINK_DEFAULT_DAYS = 14
LINK_MAX_DAYS = 90
# How an answer's audit event names who gave it: never the user.
RESPONDENT = "survey respondent"
# Answer texts (and the word view) show once a survey has this many answers; a team is named
# beside an answer only when it has this many answers in the survey.
SHOWN_FROM = 3

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


def check_taking_answers(survey: Survey, day: dt.date) -> None:
    reason = refusal(survey, day)
    if reason:
        raise Conflict(reason, code="survey_closed")


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


def access_survey(access: Access, survey_id: int, action: str = "read") -> Survey:
    return get_in_org(access, Survey.objects.select_related("team"), survey_id, action, "survey")


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


# Surveys -----------------------------------------------------------------------------------


def check_closing_day(closes_on: dt.date | None, today: dt.date | None = None) -> None:
    day = today or timezone.localdate()
    if closes_on is not None and closes_on < day:
        raise Invalid(
            f"The closing day cannot be before today ({day_label(day)}).",
            fields={"closes_on": "Choose today or a later day, or leave it empty."},
        )


@transaction.atomic
def create_survey(
    access: Access,
    *,
    title: str,
    team: Team | int | None = None,
    closes_on: dt.date | None = None,
) -> Survey:
    """A new open survey for everyone (``team`` None) or one team."""
    access.require("write")
    check_closing_day(closes_on)
    return create_audited(
        access.user,
        access.organization,
        Survey(
            organization=access.organization,
            title=(title or "").strip(),
            team=in_org(access, Team, team, "team"),
            closes_on=closes_on,
            created_by=access.user,
        ),
    )


def locked(survey: Survey) -> Survey:
    """The survey re-read under a row lock: answers and edits of one survey take turns."""
    return Survey.objects.select_for_update(of=("self",)).select_related("team").get(pk=survey.pk)


@transaction.atomic
def update_survey(access: Access, survey: Survey, /, *, version: int, **changes: Any) -> Survey:
    """Edit the title, the team or the closing day. The team cannot change once answers came
    in: they were given for the team that was asked."""
    access.require("write")
    refuse_unknown(changes, SURVEY_FIELDS)
    record = locked(survey)
    check_version(record, version)
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "team" in changes:
        team = in_org(access, Team, changes["team"], "team")
        if (team.pk if team else None) != record.team_id and answer_count(record):
            raise Conflict(
                "The survey already has answers; it cannot be moved to another team. Start a "
                "new survey instead.",
                code="survey_has_answers",
                fields={"team": "Fixed once answers came in."},
            )
        changes["team"] = team.pk if team else None
    if "closes_on" in changes and changes["closes_on"] != record.closes_on:
        check_closing_day(changes["closes_on"])
    return update_versioned(
        access.user, access.organization, record, version=version, changes=changes
    )


@transaction.atomic
def close_survey(access: Access, survey: Survey, *, version: int) -> Survey:
    """Stop taking answers, by link or signed in; reopening takes them again."""
    access.require("write")
    record = locked(survey)
    check_version(record, version)
    if record.status == SurveyStatus.CLOSED:
        raise Conflict(f"“{record.title}” is already closed.", code="already_closed")
    return update_versioned(
        access.user,
        access.organization,
        record,
        version=version,
        changes={"status": SurveyStatus.CLOSED},
        verb="closed",
    )


@transaction.atomic
def reopen_survey(access: Access, survey: Survey, *, version: int) -> Survey:
    """Take answers again; refused while the closing day lies in the past (move it first)."""
    access.require("write")
    record = locked(survey)
    check_version(record, version)
    if record.status == SurveyStatus.OPEN:
        raise Conflict(f"“{record.title}” is already open.", code="already_open")
    today = timezone.localdate()
    if record.closes_on is not None and record.closes_on < today:
        raise Conflict(
            f"“{record.title}” had its closing day on {day_label(record.closes_on)}; move the "
            "closing day to today or later before reopening it.",
            code="closing_day_passed",
            fields={"closes_on": "In the past."},
        )
    return update_versioned(
        access.user,
        access.organization,
        record,
        version=version,
        changes={"status": SurveyStatus.OPEN},
        verb="reopened",
    )


# Links -------------------------------------------------------------------------------------


@transaction.atomic
def create_link(
    access: Access,
    survey: Survey,
    *,
    label: str,
    expires_in_days: int = LINK_DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> tuple[SurveyLink, str]:
    """A per-person link and its secret, returned here once and never stored (only its digest
    is). ``now`` lets the demo date a link in the past; callers leave it out."""
    access.require("write")
    record = locked(survey)
    moment = now or timezone.now()
    label = (label or "").strip()
    if not label:
        raise Invalid(
            "Say whom the link is for, so you can tell the links apart.",
            fields={"label": "Required, for example “Front desk, Harbour office”."},
        )
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= LINK_MAX_DAYS:
        raise Invalid(
            f"A link lasts from 1 to {LINK_MAX_DAYS} days.",
            fields={"expires_in_days": f"Between 1 and {LINK_MAX_DAYS}."},
        )
    reason = refusal(record, timezone.localdate(moment))
    if reason:
        raise Conflict(
            reason + " Reopen it (or move its closing day) before sharing new links.",
            code="survey_closed",
        )
    raw = LINK_PREFIX + secrets.token_urlsafe(24)
    link = create_audited(
        access.user,
        access.organization,
        SurveyLink(
            organization=access.organization,
            survey=record,
            label=label,
            digest=digest_of(raw),
            expires_at=moment + dt.timedelta(days=expires_in_days),
            created_by=access.user,
        ),
    )
    if now is not None:
        # A link dated in the past was made then: the links table shows it made before it
        # expired. (auto_now_add sets the insert's own time, so the date follows it.)
        SurveyLink.objects.filter(pk=link.pk).update(created_at=moment)
        link.created_at = moment
    return link, raw


@transaction.atomic
def revoke_link(access: Access, link: SurveyLink) -> SurveyLink:
    access.require("write")
    record = with_use(SurveyLink.objects.select_for_update(of=("self",)).filter(pk=link.pk)).get()
    state = link_state(record)
    if state == "revoked":
        raise Conflict(f"The link for “{record.label}” is already revoked.", code="already_revoked")
    if state == "used":
        raise Conflict(
            f"The link for “{record.label}” has been used; it takes no more answers anyway.",
            code="link_used",
        )
    return update_versioned(
        access.user,
        access.organization,
        record,
        version=record.version,
        changes={"revoked_at": timezone.now()},
        verb="revoked",
    )


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


# Answers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanAnswer:
    purpose: str
    objective: Objective | None
    team: Team | None


def clean_answer(
    organization: Organization,
    survey: Survey,
    *,
    purpose: str,
    objective: Objective | int | None,
    team: Team | int | None,
) -> CleanAnswer:
    """The answer's fields as records of ``organization``, each refusal naming its field."""
    text = (purpose or "").strip()
    if not text:
        raise Invalid(
            "Say in a sentence or two what your work is for.",
            fields={"purpose": "Required."},
        )
    if len(text) > PURPOSE_MAX_LENGTH:
        raise Invalid(
            f"Keep the purpose to {PURPOSE_MAX_LENGTH} characters (this has {len(text)}).",
            fields={"purpose": f"At most {PURPOSE_MAX_LENGTH} characters."},
        )
    chosen: Objective | None = None
    if objective is not None and objective != "":
        pk = objective.pk if isinstance(objective, Objective) else objective
        chosen = Objective.objects.filter(
            organization=organization, pk=pk, status=ObjectiveStatus.ACTIVE
        ).first()
        if chosen is None:
            raise Invalid(
                "Choose one of the organization's active objectives, or “I don't know”.",
                fields={"objective": "Not an active objective of this organization."},
            )
    if survey.team is not None:
        asked = survey.team
        given = team.pk if isinstance(team, Team) else team
        if given not in (None, "", asked.pk):
            raise Invalid(
                f"This survey asks the {asked.name} team; the answer belongs to it.",
                fields={"team": f"Must be {asked.name} (or left out)."},
            )
        return CleanAnswer(text, chosen, asked)
    respondent_team: Team | None = None
    if team is not None and team != "":
        pk = team.pk if isinstance(team, Team) else team
        respondent_team = Team.objects.filter(organization=organization, pk=pk).first()
        if respondent_team is None:
            raise Invalid(
                "Choose one of the organization's teams, or “No team”.",
                fields={"team": "Not a team of this organization."},
            )
    return CleanAnswer(text, chosen, respondent_team)


def save_answer(answer: SurveyAnswer) -> SurveyAnswer:
    """Insert the answer and its audit event, which names no one and records no text."""
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError as error:
        # Two submissions by one person (or through one link) at once: the constraint decides.
        raise Conflict(
            "This answer was already given; each person and each link answers once.",
            code="already_answered",
        ) from error
    # No client address either: it could tell who answered.
    with acting_from(None):
        record_event(
            actor=RESPONDENT,
            organization=answer.organization,
            verb="answered",
            obj=answer,
            changes={"survey": answer.survey_id},
        )
    return answer


@transaction.atomic
def answer_survey(
    access: Access,
    survey: Survey,
    *,
    purpose: str,
    objective: Objective | int | None = None,
    team: Team | int | None = None,
    answered_on: dt.date | None = None,
) -> SurveyAnswer:
    """The signed-in caller answers, once. Any member may, viewers included. ``answered_on``
    lets the demo date an answer in the past; callers leave it out (today)."""
    access.require("read")
    record = locked(survey)
    day = answered_on or timezone.localdate()
    check_taking_answers(record, day)
    if has_answered(access, record):
        raise Conflict(
            f"You have already answered “{record.title}”; each person answers once.",
            code="already_answered",
        )
    clean = clean_answer(
        access.organization, record, purpose=purpose, objective=objective, team=team
    )
    return save_answer(
        SurveyAnswer(
            organization=access.organization,
            survey=record,
            respondent=access.user,
            team=clean.team,
            purpose=clean.purpose,
            objective=clean.objective,
            answered_on=day,
        )
    )


@transaction.atomic
def answer_by_link(
    slug: str,
    raw: str,
    *,
    purpose: str,
    objective: Objective | int | None = None,
    team: Team | int | None = None,
    now: dt.datetime | None = None,
) -> SurveyAnswer:
    """Someone without a login answers through their link: once, while the link is live and
    the survey takes answers. ``now`` lets the demo date an answer; callers leave it out."""
    found = link_for_token(slug, raw)
    # Lock the link, then the survey, so two submissions through one link take turns.
    link = (
        with_use(SurveyLink.objects.select_for_update(of=("self",)).filter(pk=found.pk))
        .select_related("organization")
        .get()
    )
    link.survey = locked(found.survey)
    moment = now or timezone.now()
    problem = link_refusal(link, moment)
    if problem is not None:
        raise problem
    clean = clean_answer(
        link.organization, link.survey, purpose=purpose, objective=objective, team=team
    )
    return save_answer(
        SurveyAnswer(
            organization=link.organization,
            survey=link.survey,
            link=link,
            team=clean.team,
            purpose=clean.purpose,
            objective=clean.objective,
            answered_on=timezone.localdate(moment),
        )
    )
