"""Pulse survey services: surveys (create, edit with versions, close, reopen, closing day),
answers signed in (once each, any member) and through per-person links (once each, while the
link lives and the survey takes answers), and what the audit trail keeps of an answer.

The organization is built by hand in :func:`make_pulse`, which the other survey test modules
import: in ``acme`` the teams Permits and Contact; the objectives "Decide permits faster"
(organization level), "Online mooring applications" (Permits, aligned to the first), "Answer
calls first time" (Contact) and a draft "Draft idea" (Contact); the open organization-wide
survey "Purpose pulse" started by Edith (editor). Edith is on Contact, then Permits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from northline.goals import services as goals
from northline.goals.models import Objective
from northline.goals.tests.factories import period_around_today
from northline.insights.models import Survey, SurveyAnswer, SurveyLink
from northline.insights.surveys import selectors, services
from northline.lib.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Event, Person, Team
from northline.orgs.services import digest_of
from northline.strategy import services as strategy
from northline.testing import Cast

pytestmark = pytest.mark.django_db

MISSION = "Protect the coast by deciding permits fairly."


@dataclass
class Pulse:
    cast: Cast
    permits: Team
    contact: Team
    faster: Objective
    moorings: Objective
    calls: Objective
    draft: Objective
    survey: Survey

    @property
    def editor(self) -> Access:
        return self.cast.access(self.cast.editor)

    @property
    def viewer(self) -> Access:
        return self.cast.access(self.cast.viewer)

    def fresh(self) -> Survey:
        return Survey.objects.select_related("team").get(pk=self.survey.pk)

    def link_made_days_ago(
        self, label: str, *, days_ago: int, expires_in_days: int
    ) -> tuple[SurveyLink, str]:
        """The editor's link ``label``, made ``days_ago`` days ago to last ``expires_in_days``."""
        return services.create_link(
            self.editor,
            self.survey,
            label=label,
            expires_in_days=expires_in_days,
            now=timezone.now() - dt.timedelta(days=days_ago),
        )


def make_pulse(cast: Cast) -> Pulse:
    owner = cast.owner_access
    permits = org_services.create_team(owner, name="Permits", kind="product")
    contact = org_services.create_team(owner, name="Contact", kind="support")
    edith = Person.objects.get(organization=cast.org, user=cast.editor)
    org_services.add_team_member(owner, contact, person=edith, roles=["member"])
    org_services.add_team_member(owner, permits, person=edith, roles=["member"])
    strategy.revise_identity(owner, mission=MISSION, based_on=0)
    period = period_around_today(owner, elapsed=30, remaining=60)
    faster = goals.create_objective(
        owner, title="Decide permits faster", period=period, status="active"
    )
    moorings = goals.create_objective(
        owner,
        title="Online mooring applications",
        period=period,
        team=permits,
        parent=faster,
        status="active",
    )
    calls = goals.create_objective(
        owner, title="Answer calls first time", period=period, team=contact, status="active"
    )
    draft = goals.create_objective(
        owner, title="Draft idea", period=period, team=contact, status="draft"
    )
    # The smallest anonymity threshold a survey may set, so five answers show what is kept
    # apart at three and what is shown (the default of 5: test_it_shows_texts_from_five_...).
    survey = services.create_survey(cast.access(cast.editor), title="Purpose pulse", shown_from=3)
    return Pulse(cast, permits, contact, faster, moorings, calls, draft, survey)


def events_of(cast: Cast) -> int:
    return Event.objects.filter(organization=cast.org).count()


# Surveys ---------------------------------------------------------------------------------


def test_a_survey_shows_answers_from_five_unless_set_and_never_below_three(
    pulse: Pulse,
) -> None:
    assert services.create_survey(pulse.editor, title="Default").shown_from == 5
    events = events_of(pulse.cast)
    with pytest.raises(Invalid) as refused:
        services.create_survey(pulse.editor, title="Too few", shown_from=2)
    assert refused.value.fields == {"shown_from": "Choose 3 or more."}
    survey = pulse.survey
    with pytest.raises(Invalid):
        services.update_survey(pulse.editor, survey, version=survey.version, shown_from=1)
    assert events_of(pulse.cast) == events
    updated = services.update_survey(pulse.editor, survey, version=survey.version, shown_from=8)
    assert updated.shown_from == 8
    event = Event.objects.filter(object_type="insights.survey").latest("pk")
    assert event.changes == {"shown_from": [3, 8]}


def test_it_starts_an_open_survey_for_everyone_or_one_team(pulse: Pulse) -> None:
    assert (pulse.survey.status, pulse.survey.team, pulse.survey.closes_on) == ("open", None, None)
    closes = timezone.localdate() + dt.timedelta(days=7)
    team_survey = services.create_survey(
        pulse.editor, title="  Permits pulse ", team=pulse.permits.pk, closes_on=closes
    )
    assert (team_survey.title, team_survey.team, team_survey.closes_on) == (
        "Permits pulse",
        pulse.permits,
        closes,
    )
    assert selectors.survey_state(team_survey) == "open"
    event = Event.objects.get(object_type="insights.survey", object_id=str(team_survey.pk))
    assert (event.verb, event.actor) == ("created", pulse.cast.editor)


def test_it_refuses_a_survey_without_title_a_past_closing_day_or_another_orgs_team(
    pulse: Pulse,
) -> None:
    cast = pulse.cast
    elsewhere = org_services.create_team(
        cast.access(cast.outsider, cast.other_org), name="Theirs", kind="product"
    )
    before = (Survey.objects.count(), events_of(cast))
    with pytest.raises(Invalid) as no_title:
        services.create_survey(pulse.editor, title="   ")
    assert "title" in no_title.value.fields
    with pytest.raises(Invalid) as past:
        services.create_survey(
            pulse.editor, title="Late", closes_on=timezone.localdate() - dt.timedelta(days=1)
        )
    assert past.value.fields == {"closes_on": "Choose today or a later day, or leave it empty."}
    with pytest.raises(NotFound) as theirs:
        services.create_survey(pulse.editor, title="Theirs", team=elsewhere.pk)
    assert theirs.value.fields == {"team": "Not found."}
    assert (Survey.objects.count(), events_of(cast)) == before


def test_it_lets_only_editors_and_above_manage_surveys(pulse: Pulse) -> None:
    before = events_of(pulse.cast)
    with pytest.raises(Forbidden):
        services.create_survey(pulse.viewer, title="Mine")
    with pytest.raises(Forbidden):
        services.update_survey(pulse.viewer, pulse.survey, version=1, title="Renamed")
    with pytest.raises(Forbidden):
        services.close_survey(pulse.viewer, pulse.survey, version=1)
    with pytest.raises(Forbidden):
        services.create_link(pulse.viewer, pulse.survey, label="Ann")
    assert events_of(pulse.cast) == before
    assert pulse.fresh().title == "Purpose pulse"


def test_it_edits_a_survey_with_its_version_and_refuses_a_stale_one(pulse: Pulse) -> None:
    closes = timezone.localdate() + dt.timedelta(days=10)
    edited = services.update_survey(
        pulse.editor, pulse.survey, version=1, title="Spring pulse", closes_on=closes
    )
    assert (edited.title, edited.closes_on, edited.version) == ("Spring pulse", closes, 2)
    event = Event.objects.filter(object_type="insights.survey", verb="updated").get()
    assert event.changes == {
        "title": ["Purpose pulse", "Spring pulse"],
        "closes_on": [None, closes.isoformat()],
    }
    with pytest.raises(StaleVersion):
        services.update_survey(pulse.editor, pulse.survey, version=1, title="Lost update")
    assert pulse.fresh().title == "Spring pulse"


def test_it_refuses_unknown_fields_and_moving_a_survey_with_answers_to_another_team(
    pulse: Pulse,
) -> None:
    with pytest.raises(Invalid) as unknown:
        services.update_survey(pulse.editor, pulse.survey, version=1, status="closed")
    assert unknown.value.fields == {"status": "Not editable."}
    # Before any answer the team may change.
    moved = services.update_survey(pulse.editor, pulse.survey, version=1, team=pulse.contact)
    assert moved.team_id == pulse.contact.pk
    services.answer_survey(pulse.editor, pulse.fresh(), purpose="Calls answered well.")
    with pytest.raises(Conflict) as refused:
        services.update_survey(pulse.editor, pulse.fresh(), version=2, team=None)
    assert refused.value.code == "survey_has_answers"
    assert refused.value.fields == {"team": "Fixed once answers came in."}
    assert pulse.fresh().team_id == pulse.contact.pk


def test_it_closes_and_reopens_a_survey(pulse: Pulse) -> None:
    closed = services.close_survey(pulse.editor, pulse.survey, version=1)
    assert (closed.status, closed.version, selectors.survey_state(closed)) == (
        "closed",
        2,
        "closed",
    )
    with pytest.raises(Conflict) as twice:
        services.close_survey(pulse.editor, closed, version=2)
    assert twice.value.code == "already_closed"
    reopened = services.reopen_survey(pulse.editor, closed, version=2)
    assert (reopened.status, reopened.version) == ("open", 3)
    with pytest.raises(Conflict) as open_again:
        services.reopen_survey(pulse.editor, reopened, version=3)
    assert open_again.value.code == "already_open"
    verbs = list(
        Event.objects.filter(object_type="insights.survey")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["created", "closed", "reopened"]


def test_it_refuses_to_reopen_while_the_closing_day_is_past(pulse: Pulse) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.close_survey(pulse.editor, pulse.survey, version=1)
    # A closing day that passed while the survey was closed.
    Survey.objects.filter(pk=pulse.survey.pk).update(closes_on=yesterday)
    with pytest.raises(Conflict) as refused:
        services.reopen_survey(pulse.editor, pulse.fresh(), version=2)
    assert refused.value.code == "closing_day_passed"
    assert pulse.fresh().status == "closed"
    # Moving the closing day first lets it reopen.
    today = timezone.localdate()
    moved = services.update_survey(pulse.editor, pulse.fresh(), version=2, closes_on=today)
    assert services.reopen_survey(pulse.editor, moved, version=3).status == "open"


# Answers signed in -----------------------------------------------------------------------


def test_it_takes_one_answer_per_signed_in_person_viewers_included(pulse: Pulse) -> None:
    answer = services.answer_survey(
        pulse.viewer,
        pulse.survey,
        purpose="  I make mooring permits easy to get online.  ",
        objective=pulse.moorings.pk,
        team=pulse.permits.pk,
    )
    assert (answer.purpose, answer.objective, answer.team) == (
        "I make mooring permits easy to get online.",
        pulse.moorings,
        pulse.permits,
    )
    assert (answer.respondent, answer.link, answer.answered_on) == (
        pulse.cast.viewer,
        None,
        timezone.localdate(),
    )
    before = (SurveyAnswer.objects.count(), events_of(pulse.cast))
    with pytest.raises(Conflict) as again:
        services.answer_survey(pulse.viewer, pulse.survey, purpose="A second opinion.")
    assert again.value.code == "already_answered"
    assert again.value.message == (
        "You have already answered “Purpose pulse”; each person answers once."
    )
    assert (SurveyAnswer.objects.count(), events_of(pulse.cast)) == before
    # Someone else still may.
    services.answer_survey(pulse.editor, pulse.survey, purpose="Calls.")
    assert SurveyAnswer.objects.count() == 2


def test_it_keeps_no_respondent_no_address_and_no_text_in_an_answers_audit_event(
    pulse: Pulse,
) -> None:
    from northline.lib.context import acting_from

    with acting_from("203.0.113.7"):
        answer = services.answer_survey(
            pulse.viewer, pulse.survey, purpose="Secret words here.", objective=pulse.faster
        )
    event = Event.objects.get(object_type="insights.surveyanswer")
    assert (event.verb, event.actor, event.actor_name) == ("answered", None, "survey respondent")
    assert event.client_address is None
    assert event.changes == {"survey": pulse.survey.pk}
    assert event.object_repr == f"Answer {answer.pk} to Purpose pulse"
    assert "Secret" not in str(event.changes) + event.object_repr
    assert "victor" not in event.actor_name + event.object_repr


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"purpose": "   "}, "purpose", "Say in a sentence or two what your work is for."),
        (
            {"purpose": "x" * 1001},
            "purpose",
            "Keep the purpose to 1000 characters (this has 1001).",
        ),
        (
            {"purpose": "Fine.", "objective": "draft"},
            "objective",
            "Choose one of the organization's active objectives, or “I don't know”.",
        ),
        (
            {"purpose": "Fine.", "objective": 999_999},
            "objective",
            "Choose one of the organization's active objectives, or “I don't know”.",
        ),
        (
            {"purpose": "Fine.", "team": 999_999},
            "team",
            "Choose one of the organization's teams, or “No team”.",
        ),
    ],
)
def test_it_refuses_an_answer_that_breaks_a_rule_naming_the_field(
    pulse: Pulse, fields: dict, field: str, message: str
) -> None:
    if fields.get("objective") == "draft":
        fields = {**fields, "objective": pulse.draft.pk}
    with pytest.raises(Invalid) as refused:
        services.answer_survey(pulse.editor, pulse.survey, **fields)
    assert refused.value.message == message
    assert field in refused.value.fields
    assert SurveyAnswer.objects.count() == 0
    assert not Event.objects.filter(object_type="insights.surveyanswer").exists()


def test_it_refuses_another_organizations_objective(pulse: Pulse) -> None:
    cast = pulse.cast
    theirs = cast.access(cast.outsider, cast.other_org)
    today = timezone.localdate()
    period = goals.create_period(
        theirs, name="Q", starts_on=today, ends_on=today + dt.timedelta(days=9)
    )
    objective = goals.create_objective(theirs, title="Theirs", period=period, status="active")
    with pytest.raises(Invalid) as refused:
        services.answer_survey(pulse.editor, pulse.survey, purpose="X.", objective=objective.pk)
    assert refused.value.fields == {"objective": "Not an active objective of this organization."}


def test_it_fixes_the_team_of_a_team_surveys_answers(pulse: Pulse) -> None:
    team_survey = services.create_survey(pulse.editor, title="Permits", team=pulse.permits)
    answer = services.answer_survey(pulse.editor, team_survey, purpose="Moorings.")
    assert answer.team == pulse.permits
    with pytest.raises(Invalid) as other:
        services.answer_survey(pulse.viewer, team_survey, purpose="X.", team=pulse.contact)
    assert other.value.fields == {"team": "Must be Permits (or left out)."}


def test_it_takes_no_answer_on_a_closed_survey_or_after_its_closing_day(pulse: Pulse) -> None:
    closed = services.close_survey(pulse.editor, pulse.survey, version=1)
    with pytest.raises(Conflict) as on_closed:
        services.answer_survey(pulse.viewer, closed, purpose="Too late.")
    assert on_closed.value.message == "“Purpose pulse” is closed and takes no more answers."
    ended = services.create_survey(pulse.editor, title="Ended", closes_on=timezone.localdate())
    # The survey took answers through its closing day, which is now yesterday.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Survey.objects.filter(pk=ended.pk).update(closes_on=yesterday)
    ended.refresh_from_db()
    assert selectors.survey_state(ended) == "ended"
    with pytest.raises(Conflict) as past:
        services.answer_survey(pulse.viewer, ended, purpose="Too late.")
    assert past.value.code == "survey_closed"
    assert "took answers until" in past.value.message
    # On its closing day itself an answer is still taken.
    on_the_day = services.create_survey(pulse.editor, title="Today", closes_on=timezone.localdate())
    services.answer_survey(pulse.viewer, on_the_day, purpose="Just in time.")
    assert SurveyAnswer.objects.filter(survey=on_the_day).count() == 1
    assert SurveyAnswer.objects.filter(survey__in=[closed, ended]).count() == 0


def test_it_finds_the_signed_in_persons_first_team(pulse: Pulse) -> None:
    # Edith joined Contact, then Permits; Victor is on no team.
    assert selectors.default_team(pulse.editor) == pulse.contact
    assert selectors.default_team(pulse.viewer) is None


def test_it_groups_the_active_objectives_by_team(pulse: Pulse) -> None:
    groups = selectors.objective_groups(pulse.cast.org)
    assert [(g.label, [o.title for o in g.objectives]) for g in groups] == [
        ("Organization-wide", ["Decide permits faster"]),
        ("Contact", ["Answer calls first time"]),
        ("Permits", ["Online mooring applications"]),
    ]


# Links -----------------------------------------------------------------------------------


def test_it_shows_a_links_secret_once_and_keeps_only_its_digest(pulse: Pulse) -> None:
    before = timezone.now()
    link, raw = services.create_link(pulse.editor, pulse.survey, label="Ann at the front desk")
    assert raw.startswith("nls_") and len(raw) > 30
    stored = SurveyLink.objects.get(pk=link.pk)
    assert stored.digest == digest_of(raw)
    assert raw not in str(SurveyLink.objects.filter(pk=link.pk).values().get())
    # 14 days unless asked otherwise.
    assert before + dt.timedelta(days=14) <= stored.expires_at
    assert stored.expires_at <= timezone.now() + dt.timedelta(days=14)
    event = Event.objects.get(object_type="insights.surveylink")
    assert raw not in str(event.changes)
    assert selectors.link_state(stored) == "active"


@pytest.mark.parametrize("days", [0, 91, -3])
def test_it_refuses_a_link_lasting_less_than_a_day_or_more_than_ninety(
    pulse: Pulse, days: int
) -> None:
    with pytest.raises(Invalid) as refused:
        services.create_link(pulse.editor, pulse.survey, label="Ann", expires_in_days=days)
    assert refused.value.fields == {"expires_in_days": "Between 1 and 90."}
    assert SurveyLink.objects.count() == 0


def test_it_refuses_a_link_without_label_or_for_a_survey_that_takes_no_answers(
    pulse: Pulse,
) -> None:
    with pytest.raises(Invalid) as unlabelled:
        services.create_link(pulse.editor, pulse.survey, label=" ")
    assert list(unlabelled.value.fields) == ["label"]
    closed = services.close_survey(pulse.editor, pulse.survey, version=1)
    with pytest.raises(Conflict) as refused:
        services.create_link(pulse.editor, closed, label="Ann")
    assert refused.value.code == "survey_closed"
    assert SurveyLink.objects.count() == 0


def test_it_takes_exactly_one_answer_through_a_link(pulse: Pulse) -> None:
    link, raw = services.create_link(pulse.editor, pulse.survey, label="Ann")
    answer = services.answer_by_link(
        "acme", raw, purpose="Moorings online.", objective=pulse.moorings, team=pulse.permits
    )
    assert (answer.link_id, answer.respondent, answer.team) == (link.pk, None, pulse.permits)
    event = Event.objects.get(object_type="insights.surveyanswer")
    assert (event.actor, event.actor_name) == (None, "survey respondent")
    before = (SurveyAnswer.objects.count(), events_of(pulse.cast))
    with pytest.raises(selectors.LinkGone) as twice:
        services.answer_by_link("acme", raw, purpose="Again.")
    assert twice.value.status == 410
    assert "already been used" in twice.value.message
    assert (SurveyAnswer.objects.count(), events_of(pulse.cast)) == before
    assert selectors.link_state(SurveyLink.objects.get(pk=link.pk)) == "used"


def test_it_refuses_unknown_expired_and_revoked_links(pulse: Pulse) -> None:
    with pytest.raises(NotFound):
        services.answer_by_link("acme", "nls_not-a-real-token", purpose="X.")
    _, raw = services.create_link(pulse.editor, pulse.survey, label="Bo")
    # The right secret under another organization's address is not found either.
    with pytest.raises(NotFound):
        services.answer_by_link("elsewhere", raw, purpose="X.")
    expired, old = pulse.link_made_days_ago("Cy", days_ago=4, expires_in_days=3)
    assert selectors.link_state(expired) == "expired"
    with pytest.raises(selectors.LinkGone) as gone:
        services.answer_by_link("acme", old, purpose="X.")
    assert gone.value.message.startswith("This link expired on ")
    revoked, withdrawn = services.create_link(pulse.editor, pulse.survey, label="Di")
    services.revoke_link(pulse.editor, revoked)
    with pytest.raises(selectors.LinkGone) as revoked_gone:
        services.answer_by_link("acme", withdrawn, purpose="X.")
    assert "withdrawn" in revoked_gone.value.message
    assert SurveyAnswer.objects.count() == 0


def test_it_refuses_a_live_link_once_the_survey_is_closed_or_past_its_closing_day(
    pulse: Pulse,
) -> None:
    _, raw = services.create_link(pulse.editor, pulse.survey, label="Ed")
    services.close_survey(pulse.editor, pulse.survey, version=1)
    with pytest.raises(Conflict) as closed:
        services.answer_by_link("acme", raw, purpose="X.")
    assert closed.value.status == 409
    assert closed.value.message == "“Purpose pulse” is closed and takes no more answers."
    other = services.create_survey(pulse.editor, title="Short", closes_on=timezone.localdate())
    _, second = services.create_link(pulse.editor, other, label="Flo")
    Survey.objects.filter(pk=other.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(Conflict) as ended:
        services.answer_by_link("acme", second, purpose="X.")
    assert ended.value.code == "survey_closed"
    assert SurveyAnswer.objects.count() == 0


def test_it_revokes_a_link_once_and_never_a_used_one(pulse: Pulse) -> None:
    link, _ = services.create_link(pulse.editor, pulse.survey, label="Gil")
    revoked = services.revoke_link(pulse.editor, link)
    assert revoked.revoked_at is not None and selectors.link_state(revoked) == "revoked"
    with pytest.raises(Conflict) as again:
        services.revoke_link(pulse.editor, revoked)
    assert again.value.code == "already_revoked"
    used, secret = services.create_link(pulse.editor, pulse.survey, label="Hal")
    services.answer_by_link("acme", secret, purpose="Done.")
    with pytest.raises(Conflict) as spent:
        services.revoke_link(pulse.editor, used)
    assert spent.value.code == "link_used"
    assert SurveyLink.objects.get(pk=used.pk).revoked_at is None


def test_it_lists_links_by_state(pulse: Pulse) -> None:
    services.create_link(pulse.editor, pulse.survey, label="Active")
    pulse.link_made_days_ago("Expired", days_ago=2, expires_in_days=1)
    revoked, _ = services.create_link(pulse.editor, pulse.survey, label="Revoked")
    services.revoke_link(pulse.editor, revoked)
    _, used = services.create_link(pulse.editor, pulse.survey, label="Used")
    services.answer_by_link("acme", used, purpose="Done.")
    access = pulse.editor
    labels = {
        state: [link.label for link in selectors.survey_links(access, pulse.survey, state=state)]
        for state in selectors.LINK_STATES
    }
    assert labels == {
        "active": ["Active"],
        "expired": ["Expired"],
        "revoked": ["Revoked"],
        "used": ["Used"],
    }
    assert selectors.link_counts(access, pulse.survey) == {
        "active": 1,
        "expired": 1,
        "revoked": 1,
        "used": 1,
    }
    with pytest.raises(Invalid) as unknown:
        list(selectors.survey_links(access, pulse.survey, state="lost"))
    assert list(unknown.value.fields) == ["state"]


def test_it_counts_answers_and_links_and_knows_who_has_answered(pulse: Pulse) -> None:
    services.create_link(pulse.editor, pulse.survey, label="One")
    services.create_link(pulse.editor, pulse.survey, label="Two")
    services.answer_survey(pulse.viewer, pulse.survey, purpose="Mine.")
    other = services.create_survey(pulse.editor, title="Empty")
    rows = {
        # The counts are annotations of surveys(), which the type checker cannot see.
        s.title: (s.answer_count, s.link_count, s.answered_by_me)  # type: ignore[attr-defined]
        for s in selectors.surveys(pulse.viewer)
    }
    assert rows == {"Purpose pulse": (1, 2, True), "Empty": (0, 0, False)}
    assert selectors.has_answered(pulse.viewer, pulse.survey)
    assert not selectors.has_answered(pulse.editor, pulse.survey)
    assert not selectors.has_answered(pulse.viewer, other)


def test_it_refuses_a_stale_close_or_reopen(pulse: Pulse) -> None:
    services.update_survey(pulse.editor, pulse.survey, version=1, title="Spring pulse")
    with pytest.raises(StaleVersion):
        services.close_survey(pulse.editor, pulse.fresh(), version=1)
    assert pulse.fresh().status == "open"
    closed = services.close_survey(pulse.editor, pulse.fresh(), version=2)
    with pytest.raises(StaleVersion):
        services.reopen_survey(pulse.editor, closed, version=2)
    assert pulse.fresh().status == "closed"


def test_the_database_keeps_one_answer_per_person_when_two_arrive_at_once(pulse: Pulse) -> None:
    """The check before saving can miss a twin sent at the same moment; the unique
    constraint then refuses it, and the caller gets the same refusal, nothing written."""
    services.answer_survey(pulse.viewer, pulse.survey, purpose="First.")
    twin = SurveyAnswer(
        organization=pulse.cast.org,
        survey=pulse.survey,
        respondent=pulse.cast.viewer,
        purpose="Twin.",
        answered_on=timezone.localdate(),
    )
    events = events_of(pulse.cast)
    with pytest.raises(Conflict) as refused:
        services.save_answer(twin)
    assert refused.value.code == "already_answered"
    assert SurveyAnswer.objects.count() == 1
    assert events_of(pulse.cast) == events


def test_a_link_dated_in_the_past_is_made_then(pulse: Pulse) -> None:
    issued = timezone.now() - dt.timedelta(days=20)
    link, _ = services.create_link(
        pulse.editor, pulse.survey, label="Seasonal", expires_in_days=5, now=issued
    )
    stored = SurveyLink.objects.get(pk=link.pk)
    assert stored.created_at == issued
    assert stored.expires_at == issued + dt.timedelta(days=5)
    assert selectors.link_state(stored) == "expired"
