"""The pulse survey pages for each caller who may and who may not: the list, a survey's results
with its edit form and links, the signed-in answer form, and the public page a link opens
(status codes, headers, and what it must not show)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from northline.insights.models import Survey, SurveyAnswer, SurveyLink
from northline.insights.surveys import services
from northline.insights.tests.test_surveys import Pulse
from northline.insights.tests.test_understanding import answer, five_answers
from northline.orgs.services import digest_of
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


def public(secret: str) -> str:
    return acme_url("insights_survey_public", secret)


def acme_url(name: str, *args: int | str) -> str:
    """A survey page of the cast's organization."""
    return reverse(name, args=["acme", *args])


# Who may --------------------------------------------------------------------------------
# The generated walk (northline/tests/test_views_walk.py) asks every survey page what each
# caller gets: the anonymous one the sign-in page, an outsider 404 (GET and POST, writing
# nothing), a viewer 403 for every write but the answer, every member 200 for a GET. What it
# does not ask is below.


def test_a_buttons_target_is_never_a_page(pulse: Pulse, link_id: int) -> None:
    survey = pulse.survey.pk
    for url in (
        acme_url("insights_survey_close", survey),
        acme_url("insights_survey_reopen", survey),
        acme_url("insights_survey_link_new", survey),
        acme_url("insights_survey_link_revoke", survey, link_id),
    ):
        assert Client().get(url)["Location"] == f"/login/?next={url}", url
        revisited = signed_in(pulse.cast.owner).get(url)
        assert revisited["Location"] == acme_url("insights_survey", survey), url
    sent = Client().post(acme_url("insights_survey_answer", survey), {"purpose": "X"})
    assert sent.status_code == 302
    assert SurveyAnswer.objects.count() == 0


def test_it_hides_another_organizations_survey_under_the_outsiders_own_slug(
    pulse: Pulse,
) -> None:
    theirs = reverse("insights_survey", args=["elsewhere", pulse.survey.pk])
    assert signed_in(pulse.cast.outsider).get(theirs).status_code == 404


def test_a_viewer_answers_but_cannot_manage(pulse: Pulse, link_id: int) -> None:
    client = signed_in(pulse.cast.viewer)
    survey = pulse.survey.pk
    new_survey = client.post(acme_url("insights_surveys"), {"title": "Mine"})
    new_link = client.post(
        acme_url("insights_survey_link_new", survey), {"label": "Bo", "expires_in_days": 7}
    )
    assert (new_survey.status_code, new_link.status_code) == (403, 403)
    assert (Survey.objects.count(), SurveyLink.objects.count()) == (1, 1)
    # The viewer answers on the page.
    response = client.post(
        acme_url("insights_survey_answer", survey), {"purpose": "Calls.", "objective": "unknown"}
    )
    assert response.status_code == 302
    assert SurveyAnswer.objects.get().respondent == pulse.cast.viewer
    manage = client.get(acme_url("insights_survey", survey)).content.decode()
    assert "Edit the survey" not in manage and "Create link" not in manage


# The list -------------------------------------------------------------------------------


def test_it_shows_an_empty_state_without_surveys(cast: Cast) -> None:
    page = signed_in(cast.viewer).get(acme_url("insights_surveys"))
    text = page.content.decode()
    assert "No pulse surveys yet" in text and "An editor can start one." in text
    assert "Start a survey" not in text


def test_it_lists_surveys_with_state_and_counts_in_pages(pulse: Pulse) -> None:
    services.create_link(pulse.editor, pulse.survey, label="Ann")
    answer(pulse, "Moorings.", pulse.moorings, pulse.permits)
    closed = services.create_survey(pulse.editor, title="Old pulse")
    services.close_survey(pulse.editor, closed, version=1)
    text = signed_in(pulse.cast.editor).get(acme_url("insights_surveys")).content
    page = text.decode()
    assert "Purpose pulse" in page and "Old pulse" in page
    assert '<span class="badge survey-closed">Closed</span>' in page
    assert '<span class="badge survey-open">Open</span>' in page
    # Purpose pulse: 1 answer, 2 links (Ann's and the one the answer came through).
    assert '<td class="num">1</td>\n      <td class="num">2</td>' in page
    assert "Start a survey" in page
    for index in range(25):
        services.create_survey(pulse.editor, title=f"Pulse {index:02}")
    second = signed_in(pulse.cast.viewer).get(acme_url("insights_surveys"), {"page": 2})
    assert "Page 2 of 2" in second.content.decode()
    assert "Purpose pulse" in second.content.decode()


def test_it_starts_a_survey_from_the_page(pulse: Pulse) -> None:
    client = signed_in(pulse.cast.editor)
    url = acme_url("insights_surveys")
    response = client.post(url, {"title": "Permits pulse", "team": pulse.permits.pk})
    made = Survey.objects.get(title="Permits pulse")
    assert response.status_code == 302
    assert response["Location"] == acme_url("insights_survey", made.pk)
    assert made.team == pulse.permits
    past = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    refused = client.post(url, {"title": "Late", "closes_on": past})
    assert refused.status_code == 422
    assert "Choose today or a later day, or leave it empty." in refused.content.decode()
    empty = client.post(url, {"title": ""})
    assert empty.status_code == 422
    assert Survey.objects.count() == 2


# One survey ------------------------------------------------------------------------------


def test_it_edits_with_the_version_and_says_when_it_is_stale(pulse: Pulse) -> None:
    client = signed_in(pulse.cast.editor)
    url = acme_url("insights_survey", pulse.survey.pk)
    saved = client.post(url, {"title": "Spring pulse", "version": 1})
    assert saved.status_code == 302
    stale = client.post(url, {"title": "Lost update", "version": 1})
    assert stale.status_code == 409
    assert "was changed by someone else" in stale.content.decode()
    assert pulse.fresh().title == "Spring pulse"


def test_it_closes_and_reopens_from_the_page(pulse: Pulse) -> None:
    client = signed_in(pulse.cast.editor)
    close = acme_url("insights_survey_close", pulse.survey.pk)
    reopen = acme_url("insights_survey_reopen", pulse.survey.pk)
    assert client.post(close, {"version": 1}).status_code == 302
    assert pulse.fresh().status == "closed"
    again = client.post(close, {"version": 2})
    assert again.status_code == 409
    assert "is already closed" in again.content.decode()
    page = client.get(acme_url("insights_survey", pulse.survey.pk)).content
    assert "Reopen the survey" in page.decode()
    assert client.post(reopen, {"version": 2}).status_code == 302
    assert pulse.fresh().status == "open"


def test_it_shows_a_new_links_address_once(pulse: Pulse) -> None:
    client = signed_in(pulse.cast.editor)
    url = acme_url("insights_survey_link_new", pulse.survey.pk)
    response = client.post(url, {"label": "Ann at the desk", "expires_in_days": 7})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Copy it now: it is shown only this once." in text
    link = SurveyLink.objects.get()
    secret = text.split("/insights/surveys/answer/")[1].split("/")[0]
    assert digest_of(secret) == link.digest
    later = client.get(acme_url("insights_survey", pulse.survey.pk)).content
    assert secret not in later.decode()
    assert "Ann at the desk" in later.decode()
    refused = client.post(url, {"label": "Bo", "expires_in_days": 120})
    assert refused.status_code == 422
    assert "Ensure this value is less than or equal to 90." in refused.content.decode()
    assert SurveyLink.objects.count() == 1


def test_it_revokes_a_link_and_filters_links_by_state(pulse: Pulse, link_id: int) -> None:
    client = signed_in(pulse.cast.editor)
    revoke = acme_url("insights_survey_link_revoke", pulse.survey.pk, link_id)
    assert client.post(revoke).status_code == 302
    assert SurveyLink.objects.get(pk=link_id).revoked_at is not None
    twice = client.post(revoke)
    assert twice.status_code == 409
    services.create_link(pulse.editor, pulse.survey, label="Bo")
    url = acme_url("insights_survey", pulse.survey.pk)
    revoked = client.get(url, {"links": "revoked"}).content.decode()
    assert "<td>Ann</td>" in revoked and "<td>Bo</td>" not in revoked
    everything = client.get(url).content.decode()
    assert "Revoked (1)" in everything and "Active (1)" in everything


def test_it_hides_answer_texts_until_three_answers(pulse: Pulse) -> None:
    """The pulse fixture sets the lowest threshold a survey may have, 3."""
    answer(pulse, "Online mooring applications", pulse.moorings, pulse.permits)
    answer(pulse, "Lunch breaks", None, pulse.contact)
    url = acme_url("insights_survey", pulse.survey.pk)
    text = signed_in(pulse.cast.viewer).get(url).content.decode()
    assert "stay hidden until at least 3 people have answered (2 so far)" in text
    assert "Lunch breaks" not in text and "Online mooring applications</blockquote>" not in text
    assert "50.0%" in text


def test_it_shows_texts_from_five_answers_unless_the_survey_says_otherwise(pulse: Pulse) -> None:
    """A small team's three answers can be told apart: by default texts wait for five, and
    a respondent does not see even their own answer quoted before then."""
    survey = services.create_survey(pulse.editor, title="Team pulse", team=pulse.permits)
    for purpose in ("Online mooring applications", "Decide permits faster", "Lunch breaks"):
        answer(pulse, purpose, pulse.moorings, pulse.permits, survey=survey)
    url = acme_url("insights_survey", survey.pk)
    viewer = signed_in(pulse.cast.viewer)
    text = viewer.get(url).content.decode()
    assert "stay hidden until at least 5 people have answered (3 so far)" in text
    assert "<blockquote>Lunch breaks</blockquote>" not in text
    for purpose in ("Answer calls first time", "Whatever my manager asks"):
        answer(pulse, purpose, pulse.moorings, pulse.permits, survey=survey)
    text = viewer.get(url).content.decode()
    assert "stay hidden until" not in text
    assert "<blockquote>Lunch breaks</blockquote>" in text


def test_an_editor_sets_the_threshold_but_never_below_three(pulse: Pulse) -> None:
    survey = pulse.survey
    url = acme_url("insights_survey", survey.pk)
    editor = signed_in(pulse.cast.editor)
    page = editor.get(url).content.decode()
    assert 'name="shown_from" value="3"' in page
    fields = {"title": survey.title, "closes_on": "", "team": "", "version": survey.version}

    refused = editor.post(url, {**fields, "shown_from": 2})

    assert refused.status_code == 422
    assert "Ensure this value is greater than or equal to 3." in refused.content.decode()
    assert Survey.objects.get(pk=survey.pk).shown_from == 3
    assert editor.post(url, {**fields, "shown_from": 6}).status_code == 302
    assert Survey.objects.get(pk=survey.pk).shown_from == 6


def test_it_shows_the_results_the_outside_chain_answer_and_the_words(pulse: Pulse) -> None:
    five_answers(pulse)
    url = acme_url("insights_survey", pulse.survey.pk)
    text = signed_in(pulse.cast.viewer).get(url).content.decode()
    assert "60.0" in text and "3 of 5 answers" in text
    assert "Most aligned answers" in text and "Least aligned answers" in text
    assert "<blockquote>Lunch breaks</blockquote>" in text
    assert (
        "Named an objective outside the Permits team&#x27;s chain: Answer calls first time" in text
    )
    assert '<span class="word">permits</span>' in text
    assert "also in the mission or objectives" in text
    # The scoring in plain words, not the name of the measure.
    assert "says, in the respondent&#x27;s own words, much of what the mission" in text
    assert "reaches 20% of a perfect match" in text
    assert "TF-IDF" not in text and "cosine" not in text
    # No names, no times: the respondents' usernames never appear beside the answers.
    assert "victor" not in text.split('id="results"')[1].split('id="manage"')[0]


def test_it_escapes_answer_texts(pulse: Pulse) -> None:
    for purpose in ("<script>alert(1)</script> coast", "Plain one", "Plain two"):
        answer(pulse, purpose, None, None)
    url = acme_url("insights_survey", pulse.survey.pk)
    text = signed_in(pulse.cast.viewer).get(url).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; coast" in text


def test_the_survey_page_takes_the_same_queries_whatever_the_answers_and_links(
    pulse: Pulse,
) -> None:
    client = signed_in(pulse.cast.editor)
    five_answers(pulse)
    url = acme_url("insights_survey", pulse.survey.pk)

    def grow() -> None:
        for index in range(8):
            answer(pulse, f"Coast work {index}", pulse.calls, pulse.contact)
            services.create_link(pulse.editor, pulse.survey, label=f"Spare {index}")

    assert_queries_constant(lambda: client.get(url), grow)
    listing = acme_url("insights_surveys")
    assert_queries_constant(
        lambda: client.get(listing),
        lambda: [services.create_survey(pulse.editor, title=f"More {i}") for i in range(5)],
    )


# Answering signed in ---------------------------------------------------------------------


def test_it_offers_the_questions_with_the_persons_first_team_chosen(pulse: Pulse) -> None:
    url = acme_url("insights_survey_answer", pulse.survey.pk)
    text = signed_in(pulse.cast.editor).get(url).content.decode()
    assert "What is the purpose of your work?" in text
    assert "Which objective does your work drive?" in text
    assert '<option value="unknown">I don&#x27;t know</option>' in text
    assert '<optgroup label="Organization-wide">' in text
    assert '<optgroup label="Permits">' in text and "Draft idea" not in text
    assert f'<option value="{pulse.contact.pk}" selected>Contact</option>' in text
    assert '<option value="none">No team</option>' in text


def test_it_takes_one_answer_per_person_on_the_page(pulse: Pulse) -> None:
    client = signed_in(pulse.cast.editor)
    url = acme_url("insights_survey_answer", pulse.survey.pk)
    sent = client.post(
        url,
        {"purpose": "Moorings online.", "objective": pulse.moorings.pk, "team": pulse.permits.pk},
    )
    assert sent.status_code == 302
    saved = SurveyAnswer.objects.get()
    assert (saved.objective, saved.team) == (pulse.moorings, pulse.permits)
    page = client.get(url).content.decode()
    assert "You have answered" in page and "Send my answer" not in page
    again = client.post(url, {"purpose": "Again.", "objective": "unknown", "team": "none"})
    assert again.status_code == 409
    assert "You have already answered “Purpose pulse”" in again.content.decode()
    assert SurveyAnswer.objects.count() == 1


def test_it_names_the_field_a_refused_answer_breaks(pulse: Pulse) -> None:
    client = signed_in(pulse.cast.editor)
    url = acme_url("insights_survey_answer", pulse.survey.pk)
    no_choice = client.post(url, {"purpose": "Moorings.", "objective": "", "team": "none"})
    assert no_choice.status_code == 422
    assert "Choose an objective, or “I don&#x27;t know”." in no_choice.content.decode()
    no_purpose = client.post(url, {"purpose": "  ", "objective": "unknown", "team": "none"})
    assert no_purpose.status_code == 422
    assert "This field is required." in no_purpose.content.decode()
    draft = client.post(url, {"purpose": "X", "objective": pulse.draft.pk, "team": "none"})
    assert draft.status_code == 422
    assert SurveyAnswer.objects.count() == 0


def test_it_says_when_a_survey_takes_no_answers(pulse: Pulse) -> None:
    services.close_survey(pulse.editor, pulse.survey, version=1)
    client = signed_in(pulse.cast.viewer)
    url = acme_url("insights_survey_answer", pulse.survey.pk)
    page = client.get(url).content.decode()
    assert "“Purpose pulse” is closed and takes no more answers." in page
    assert "Send my answer" not in page
    refused = client.post(url, {"purpose": "Late.", "objective": "unknown", "team": "none"})
    assert refused.status_code == 409
    assert SurveyAnswer.objects.count() == 0


def test_a_team_surveys_form_asks_no_team(pulse: Pulse) -> None:
    team_survey = services.create_survey(pulse.editor, title="Permits pulse", team=pulse.permits)
    url = acme_url("insights_survey_answer", team_survey.pk)
    client = signed_in(pulse.cast.viewer)
    assert "Your team" not in client.get(url).content.decode()
    client.post(url, {"purpose": "Moorings.", "objective": "unknown"})
    assert SurveyAnswer.objects.get().team == pulse.permits


# The public page -------------------------------------------------------------------------


def assert_private(response) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_public_page_shows_only_the_questions_and_what_to_choose_from(pulse: Pulse) -> None:
    answer(pulse, "An earlier answer nobody else should read", pulse.faster, None)
    services.create_link(pulse.editor, pulse.survey, label="Label only editors see")
    _, secret = services.create_link(pulse.editor, pulse.survey, label="Ann")
    response = Client().get(public(secret))
    assert response.status_code == 200
    assert_private(response)
    text = response.content.decode()
    assert "Purpose pulse" in text and "A question from Acme Ministry" in text
    assert "What is the purpose of your work?" in text
    assert '<optgroup label="Contact">' in text and "Online mooring applications" in text
    assert '<option value="none" selected>No team</option>' in text
    for hidden in ("An earlier answer", "Label only editors see", "Ann", "edith", "olivia"):
        assert hidden not in text, hidden
    assert 'class="org-nav"' not in text


def test_the_public_page_takes_one_answer_without_a_session(pulse: Pulse) -> None:
    link, secret = services.create_link(pulse.editor, pulse.survey, label="Ann")
    # Strict CSRF checks, no token: the page rests on its secret alone and sets no cookie.
    client = Client(enforce_csrf_checks=True)
    form = client.get(public(secret))
    assert not form.cookies
    assert "csrfmiddlewaretoken" not in form.content.decode()
    sent = client.post(
        public(secret),
        {"purpose": "Moorings online.", "objective": pulse.moorings.pk, "team": pulse.permits.pk},
    )
    assert sent.status_code == 200
    assert_private(sent)
    assert "Thank you" in sent.content.decode()
    saved = SurveyAnswer.objects.get()
    assert (saved.link_id, saved.respondent, saved.team) == (link.pk, None, pulse.permits)
    used = client.get(public(secret))
    assert used.status_code == 410
    assert_private(used)
    assert "This link has already been used to answer" in used.content.decode()
    again = client.post(public(secret), {"purpose": "Twice.", "objective": "unknown"})
    assert again.status_code == 410
    assert SurveyAnswer.objects.count() == 1
    assert not client.cookies


def test_the_public_page_refuses_an_incomplete_answer_and_keeps_the_link(pulse: Pulse) -> None:
    _, secret = services.create_link(pulse.editor, pulse.survey, label="Ann")
    refused = Client().post(public(secret), {"purpose": "", "objective": "unknown"})
    assert refused.status_code == 422
    assert_private(refused)
    assert "This field is required." in refused.content.decode()
    assert SurveyAnswer.objects.count() == 0
    assert Client().get(public(secret)).status_code == 200


def test_the_public_page_says_why_a_link_takes_no_answer(pulse: Pulse) -> None:
    _, old = pulse.link_made_days_ago("Old", days_ago=3, expires_in_days=1)
    revoked, withdrawn = services.create_link(pulse.editor, pulse.survey, label="Gone")
    services.revoke_link(pulse.editor, revoked)
    _, live = services.create_link(pulse.editor, pulse.survey, label="Live")
    client = Client()
    cases = [
        ("nls_unknown", 404, "No such survey link."),
        (old, 410, "This link expired on "),
        (withdrawn, 410, "This link was withdrawn"),
    ]
    for secret, status, words in cases:
        for method in ("get", "post"):
            response = getattr(client, method)(
                public(secret), {"purpose": "X", "objective": "unknown", "team": "none"}
            )
            assert response.status_code == status, (secret, method)
            assert words in response.content.decode()
            assert_private(response)
    services.close_survey(pulse.editor, pulse.survey, version=1)
    closed = client.post(public(live), {"purpose": "X", "objective": "unknown", "team": "none"})
    assert closed.status_code == 409
    assert "“Purpose pulse” is closed and takes no more answers." in closed.content.decode()
    survey = pulse.fresh()
    services.reopen_survey(pulse.editor, survey, version=survey.version)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - dt.timedelta(1))
    ended = client.get(public(live))
    assert ended.status_code == 409
    assert "took answers until" in ended.content.decode()
    # The right secret under another organization's address is not found.
    assert (
        client.get(reverse("insights_survey_public", args=["elsewhere", live])).status_code == 404
    )
    assert SurveyAnswer.objects.count() == 0


def test_a_team_surveys_public_page_asks_no_team(pulse: Pulse) -> None:
    team_survey = services.create_survey(pulse.editor, title="Permits pulse", team=pulse.permits)
    _, secret = services.create_link(pulse.editor, team_survey, label="Ann")
    text = Client().get(public(secret)).content.decode()
    assert "Your team" not in text and "for the Permits team" in text
