"""API routes of the purpose pulse surveys (DESIGN §2.8, component 5), below
/api/v1/orgs/{org}/insights/surveys/.

Editors and above manage surveys and their per-person links; a link's secret is in the answer
that creates it and nowhere else. Answers are listed without respondent, link or time finer
than the day, and their texts only once a survey has 3 answers. The API gate refuses every
unsafe method to viewers (403), so a viewer answers on the survey's page instead.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.insights.models import SHOWN_FROM_DEFAULT, SHOWN_FROM_MIN, Survey, SurveyLink
from northline.insights.surveys import selectors, services, understanding
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Filters, Id, Input, OrgSlug, VersionedInput, VersionIn
from northline.orgs.access import Access
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Action,
    Names,
    record_actions,
    record_routes,
)

# Each route's operation_id is the one ninja derived when these routes lived in
# northline.insights.api_surveys: the published schema's operation ids outlive the move.
router = Router(tags=["insights"])

SurveyStateName = Literal["open", "closed", "ended"]
LinkStateName = Literal["active", "expired", "revoked", "used"]


# Surveys -----------------------------------------------------------------------------------


class SurveyTeamRef(Schema):
    id: int
    name: str


class SurveyOut(Schema):
    id: int
    title: str
    team: SurveyTeamRef | None = Field(
        ..., description="The team asked; null: the whole organization."
    )
    status: Literal["open", "closed"]
    state: SurveyStateName = Field(
        ..., description="open, closed (by an editor) or ended (its closing day has passed)."
    )
    closes_on: dt.date | None = Field(..., description="No answer is taken after this day.")
    shown_from: int = Field(
        ...,
        description="Answer texts, the word view and respondents' teams appear once this many "
        "people have answered.",
    )
    answer_count: int
    link_count: int
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_team(obj: Survey) -> dict[str, Any] | None:
        return {"id": obj.team.pk, "name": obj.team.name} if obj.team else None

    @staticmethod
    def resolve_state(obj: Survey) -> str:
        return selectors.survey_state(obj)


class SurveyIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    team_id: Id | None = Field(None, description="Ask one team; leave out to ask everyone.")
    closes_on: dt.date | None = Field(None, description="The last day answers are taken.")
    shown_from: int = Field(
        SHOWN_FROM_DEFAULT,
        ge=SHOWN_FROM_MIN,
        le=1000,
        description="Answer texts, the word view and respondents' teams appear once this many "
        f"people have answered (at least {SHOWN_FROM_MIN}); 5 unless given.",
    )


class SurveyPatch(VersionedInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    team_id: Id | None = Field(None, description="Cannot change once answers came in (409).")
    closes_on: dt.date | None = None
    shown_from: int | None = Field(
        None,
        ge=SHOWN_FROM_MIN,
        le=1000,
        description="Answer texts, the word view and respondents' teams appear once this many "
        f"people have answered (at least {SHOWN_FROM_MIN}).",
    )

    def survey_changes(self) -> dict[str, Any]:
        changes = self.changes()
        if "team_id" in changes:
            changes["team"] = changes.pop("team_id")
        return changes


def find_survey(access: Access, survey_id: Id, action: str = "read") -> Survey:
    """The survey to write, or to read with its counts as the list shows it."""
    if action == "read":
        return selectors.survey_with_counts(access, survey_id)
    return selectors.access_survey(access, survey_id, action)


def create_survey(access: Access, payload: SurveyIn) -> Survey:
    return services.create_survey(
        access,
        title=payload.title,
        team=payload.team_id,
        closes_on=payload.closes_on,
        shown_from=payload.shown_from,
    )


def update_survey(access: Access, survey: Survey, payload: SurveyPatch) -> Survey:
    return services.update_survey(
        access, survey, version=payload.version, **payload.survey_changes()
    )


record_routes(
    router,
    "insights/surveys/",
    "survey_id",
    # The trailing slash of the list's path is the published one; ninja folds the item's
    # "surveys//{survey_id}" into "surveys/{survey_id}", as it was written by hand.
    module="northline.insights.api_surveys",
    names=Names("survey", "surveys"),
    out=SurveyOut,
    find=find_survey,
    listing=(None, selectors.surveys),
    create=(SurveyIn, create_survey),
    update=(SurveyPatch, update_survey),
    summaries={
        "list": "Pulse surveys, newest first, with answer and link counts",
        "create": "Start a pulse survey for everyone or for one team (editors)",
        "get": "One pulse survey",
        "update": "Edit a survey's title, team or closing day (versioned: a stale version "
        "answers 409)",
    },
)


record_actions(
    router,
    "insights/surveys/{survey_id}",
    module="northline.insights.api_surveys",
    find=find_survey,
    out=SurveyOut,
    # The survey as listed, with its counts.
    present=lambda access, survey: find_survey(access, survey.pk),
    actions=[
        Action(
            "close",
            "close_survey",
            services.close_survey,
            "Close a survey: it takes no more answers, by link or signed in",
            VersionIn,
        ),
        Action(
            "reopen",
            "reopen_survey",
            services.reopen_survey,
            "Reopen a closed survey (refused while its closing day is in the past)",
            VersionIn,
        ),
    ],
)


# Links -------------------------------------------------------------------------------------


class SurveyLinkOut(Schema):
    id: int
    label: str = Field(..., description="Whom the link is for.")
    state: LinkStateName
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_state(obj: SurveyLink) -> str:
        return selectors.link_state(obj)


class LinkCreatedOut(SurveyLinkOut):
    secret: str = Field(..., description="Shown once; only its SHA-256 is stored.")
    path: str = Field(..., description="Where the survey opens without sign-in.")


class SurveyLinkIn(Input):
    label: str = Field(..., min_length=1, max_length=200, description="Whom the link is for.")
    expires_in_days: int = Field(
        services.LINK_DEFAULT_DAYS,
        ge=1,
        le=services.LINK_MAX_DAYS,
        description=f"How long the link works (1 to {services.LINK_MAX_DAYS} days).",
    )


class LinkFilters(Filters):
    state: LinkStateName | None = None


@router.get(
    "insights/surveys/{survey_id}/links",
    response=list[SurveyLinkOut],
    summary="A survey's per-person links, newest first (filter by state)",
    operation_id="northline_insights_api_surveys_list_links",
)
@paginate(CursorPage)
def list_links(
    request: HttpRequest, org: OrgSlug, survey_id: Id, filters: Query[LinkFilters]
) -> Any:
    access = caller_access(request)
    survey = selectors.access_survey(access, survey_id)
    return selectors.survey_links(access, survey, state=filters.state)


@router.post(
    "insights/surveys/{survey_id}/links",
    response={201: LinkCreatedOut},
    summary="Create a per-person link for someone without a login (the secret is shown once)",
    operation_id="northline_insights_api_surveys_create_link",
)
def create_link(request: HttpRequest, org: OrgSlug, survey_id: Id, payload: SurveyLinkIn) -> Any:
    access = caller_access(request)
    survey = selectors.access_survey(access, survey_id, "write")
    link, raw = services.create_link(
        access, survey, label=payload.label, expires_in_days=payload.expires_in_days
    )
    created = selectors.access_survey_link(access, survey, link.pk)
    created.secret = raw  # type: ignore[attr-defined]
    created.path = reverse(  # type: ignore[attr-defined]
        "insights_survey_public", args=[access.organization.slug, raw]
    )
    return Status(201, created)


@router.post(
    "insights/surveys/{survey_id}/links/{survey_link_id}/revoke",
    response=SurveyLinkOut,
    summary="Revoke a link: its page takes no answer from now on",
    description="Needs no version: revoking is one-way; a second revoke answers 409.",
    operation_id="northline_insights_api_surveys_revoke_link",
)
def revoke_link(request: HttpRequest, org: OrgSlug, survey_id: Id, survey_link_id: Id) -> Any:
    access = caller_access(request)
    survey = selectors.access_survey(access, survey_id, "write")
    link = selectors.access_survey_link(access, survey, survey_link_id, "write")
    services.revoke_link(access, link)
    return selectors.access_survey_link(access, survey, survey_link_id)


# Answers and results -----------------------------------------------------------------------


class SurveyAnswerOut(Schema):
    purpose: str
    objective: str | None = Field(..., description="The objective named; null: “I don't know”.")
    team: str | None = Field(
        ...,
        description="The respondent's team, only when it gave as many answers as the "
        "survey's shown_from.",
    )
    in_own_chain: bool
    echoes_strategy: bool
    best_match: float = Field(..., description="Best TF-IDF cosine against the strategy texts.")
    reasons: list[str] = Field(..., description="Why the answer lowers shared understanding.")


class SurveyAnswerIn(Input):
    purpose: str = Field(
        ...,
        min_length=1,
        max_length=services.PURPOSE_MAX_LENGTH,
        description=selectors.QUESTION_PURPOSE,
    )
    objective_id: Id | None = Field(
        None, description=f"{selectors.QUESTION_OBJECTIVE} An active objective; null: I don't know."
    )
    team_id: Id | None = Field(
        None,
        description="Your team, for an organization-wide survey (null: no team); a team "
        "survey's answers belong to its team.",
    )


class AnswerTakenOut(Schema):
    survey_id: Id
    answered_on: dt.date
    team_id: Id | None
    objective_id: Id | None


@router.get(
    "insights/surveys/{survey_id}/answers",
    response=list[SurveyAnswerOut],
    summary="A survey's answers, anonymized (empty until it has shown_from answers)",
    description=(
        "No respondent, link or date; ordered by purpose text. The team is named only when it "
        "gave as many answers as the survey's shown_from (5 unless set, never below 3)."
    ),
    operation_id="northline_insights_api_surveys_list_answers",
)
@paginate(CursorPage)
def list_answers(request: HttpRequest, org: OrgSlug, survey_id: Id) -> Any:
    access = caller_access(request)
    survey = selectors.access_survey(access, survey_id)
    return understanding.survey_results(access, survey).shown_answers()


@router.post(
    "insights/surveys/{survey_id}/answers",
    response={201: AnswerTakenOut},
    summary="Answer a survey as yourself, once (editors and above here; viewers on the page)",
    operation_id="northline_insights_api_surveys_answer_survey",
)
def answer_survey(
    request: HttpRequest, org: OrgSlug, survey_id: Id, payload: SurveyAnswerIn
) -> Any:
    access = caller_access(request)
    survey = selectors.access_survey(access, survey_id)
    answer = services.answer_survey(
        access,
        survey,
        purpose=payload.purpose,
        objective=payload.objective_id,
        team=payload.team_id,
    )
    return Status(
        201,
        {
            "survey_id": survey.pk,
            "answered_on": answer.answered_on,
            "team_id": answer.team_id,
            "objective_id": answer.objective_id,
        },
    )


class ShareOut(Schema):
    passed: int
    total: int
    percent: float | None


class WordOut(Schema):
    word: str
    answers: int = Field(..., description="How many answers use the word.")
    in_strategy: bool = Field(..., description="The mission or an active objective uses it too.")


class SurveyLoweringOut(Schema):
    label: str
    reason: str


class ResultsOut(Schema):
    survey_id: Id
    answers: int
    dont_know: int = Field(..., description="Answers that named no objective.")
    own_chain: ShareOut
    echoes_strategy: ShareOut
    value: float | None = Field(..., description="The shared-understanding value, 0–100.")
    explanation: str
    threshold: float = Field(..., description="The similarity an answer must reach to echo.")
    texts_shown: bool = Field(..., description="False until the survey has 3 answers.")
    most_aligned: list[SurveyAnswerOut]
    least_aligned: list[SurveyAnswerOut]
    words: list[WordOut]
    lowering: list[SurveyLoweringOut]


@router.get(
    "insights/surveys/{survey_id}/results",
    response=ResultsOut,
    summary="A survey's results: both shares, the most and least aligned answers, the words",
    operation_id="northline_insights_api_surveys_survey_results",
)
def survey_results(request: HttpRequest, org: OrgSlug, survey_id: Id) -> Any:
    access = caller_access(request)
    results = understanding.survey_results(access, selectors.access_survey(access, survey_id))
    most, least = results.extremes()
    count = results.count
    return {
        "survey_id": survey_id,
        "answers": count,
        "dont_know": results.dont_know,
        "own_chain": {
            "passed": results.in_chain,
            "total": count,
            "percent": results.chain_share,
        },
        "echoes_strategy": {
            "passed": results.echoes,
            "total": count,
            "percent": results.echo_share,
        },
        "value": results.component.value,
        "explanation": results.component.explanation,
        "threshold": understanding.ECHO_THRESHOLD,
        "texts_shown": results.texts_shown,
        "most_aligned": most,
        "least_aligned": least,
        "words": results.words,
        "lowering": [{"label": item.label, "reason": item.reason} for item in results.lowering],
    }
