"""Purpose pulse surveys (DESIGN §2.8, component 5): every write. Who may see what, and a
survey's and a link's state, are in :mod:`northline.insights.surveys.selectors`.

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
from django.utils import timezone

from northline.goals.models import Objective, ObjectiveStatus
from northline.insights.models import (
    SHOWN_FROM_DEFAULT,
    SHOWN_FROM_MIN,
    Survey,
    SurveyAnswer,
    SurveyLink,
    SurveyStatus,
)
from northline.insights.surveys.selectors import (
    answer_count,
    day_label,
    has_answered,
    link_for_token,
    link_refusal,
    link_state,
    refusal,
    with_use,
)
from northline.lib.context import acting_from
from northline.lib.errors import Conflict, Invalid
from northline.orgs.access import Access, in_org
from northline.orgs.audit import check_version, record_event
from northline.orgs.models import Organization, Team
from northline.orgs.services import add_record, change_record, digest_of, refuse_unknown

SURVEY_FIELDS = {"title", "team", "closes_on", "shown_from"}
PURPOSE_MAX_LENGTH = 1000
LINK_PREFIX = "nls_"
LINK_DEFAULT_DAYS = 14
LINK_MAX_DAYS = 90
# How an answer's audit event names who gave it: never the user.
RESPONDENT = "survey respondent"


def check_taking_answers(survey: Survey, day: dt.date) -> None:
    reason = refusal(survey, day)
    if reason:
        raise Conflict(reason, code="survey_closed")


# Surveys -----------------------------------------------------------------------------------


def check_closing_day(closes_on: dt.date | None, today: dt.date | None = None) -> None:
    day = today or timezone.localdate()
    if closes_on is not None and closes_on < day:
        raise Invalid(
            f"The closing day cannot be before today ({day_label(day)}).",
            fields={"closes_on": "Choose today or a later day, or leave it empty."},
        )


def check_shown_from(shown_from: int) -> None:
    """Anonymity: fewer than SHOWN_FROM_MIN answers can be told apart, whatever a survey says."""
    if shown_from < SHOWN_FROM_MIN:
        raise Invalid(
            f"Answers are shown from {SHOWN_FROM_MIN} answers at the least: fewer can be told "
            "apart.",
            fields={"shown_from": f"Choose {SHOWN_FROM_MIN} or more."},
        )


@transaction.atomic
def create_survey(
    access: Access,
    *,
    title: str,
    team: Team | int | None = None,
    closes_on: dt.date | None = None,
    shown_from: int = SHOWN_FROM_DEFAULT,
) -> Survey:
    """A new open survey for everyone (``team`` None) or one team; its answer texts appear once
    ``shown_from`` people have answered."""
    access.require("write")
    check_closing_day(closes_on)
    check_shown_from(shown_from)
    return add_record(
        access,
        Survey(
            organization=access.organization,
            title=(title or "").strip(),
            team=in_org(access, Team, team, "team"),
            closes_on=closes_on,
            shown_from=shown_from,
            created_by=access.user,
        ),
    )


def locked(survey: Survey) -> Survey:
    """The survey re-read under a row lock: answers and edits of one survey take turns."""
    return Survey.objects.select_for_update(of=("self",)).select_related("team").get(pk=survey.pk)


@transaction.atomic
def update_survey(access: Access, survey: Survey, /, *, version: int, **changes: Any) -> Survey:
    """Edit the title, the team, the closing day or from how many answers texts are shown. The
    team cannot change once answers came in: they were given for the team that was asked."""
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
    if "shown_from" in changes:
        check_shown_from(changes["shown_from"])
    return change_record(access, record, version=version, changes=changes)


@transaction.atomic
def close_survey(access: Access, survey: Survey, *, version: int) -> Survey:
    """Stop taking answers, by link or signed in; reopening takes them again."""
    access.require("write")
    record = locked(survey)
    check_version(record, version)
    if record.status == SurveyStatus.CLOSED:
        raise Conflict(f"“{record.title}” is already closed.", code="already_closed")
    return change_record(
        access, record, version=version, changes={"status": SurveyStatus.CLOSED}, verb="closed"
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
    return change_record(
        access, record, version=version, changes={"status": SurveyStatus.OPEN}, verb="reopened"
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
    link = add_record(
        access,
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
    return change_record(
        access,
        record,
        version=record.version,
        changes={"revoked_at": timezone.now()},
        verb="revoked",
    )


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
