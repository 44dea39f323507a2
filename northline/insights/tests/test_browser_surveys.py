"""The pulse survey pages in a real browser: answering signed in, answering through a link
without a session, and the results page. Each test leaves a screenshot in
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import SCREENSHOTS, sign_in
from northline.insights.models import Survey, SurveyAnswer
from northline.insights.surveys import services
from northline.insights.tests.test_surveys import Pulse
from northline.insights.tests.test_understanding import answer, five_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_answers_a_survey_signed_in(page, pulse: Pulse) -> None:
    sign_in(page, "victor")
    page.goto("/o/acme/insights/surveys/")
    assert page.get_by_role("link", name="Pulse surveys").get_attribute("aria-current") == "page"
    row = page.locator("tr", has_text="Purpose pulse")
    assert row.locator(".badge").inner_text() == "Open"
    # A viewer manages nothing: no form to start a survey.
    assert page.get_by_role("heading", name="Start a survey").count() == 0
    page.screenshot(path=SCREENSHOTS / "surveys_list.png", full_page=True)
    page.get_by_role("link", name="Answer", exact=True).click()
    page.get_by_label("What is the purpose of your work?").fill(
        "I make mooring applications possible online."
    )
    page.get_by_label("Which objective does your work drive?").select_option(
        label="Online mooring applications"
    )
    page.get_by_label("Your team").select_option(label="Permits")
    page.screenshot(path=SCREENSHOTS / "surveys_answer_form.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Thank you. Your answer is recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="You have answered")).to_be_visible()
    saved = SurveyAnswer.objects.get()
    assert (saved.respondent, saved.objective, saved.team) == (
        pulse.cast.viewer,
        pulse.moorings,
        pulse.permits,
    )


def test_someone_without_a_login_answers_through_a_link(page, pulse: Pulse) -> None:
    link, secret = services.create_link(pulse.editor, pulse.survey, label="Ann at the desk")
    page.goto(f"/o/acme/insights/surveys/answer/{secret}/")
    expect(page.get_by_role("heading", name="Purpose pulse")).to_be_visible()
    expect(page.get_by_text("A question from Acme Ministry")).to_be_visible()
    assert page.get_by_text("Ann at the desk").count() == 0
    # Sending without choosing an objective names the field, and takes nothing.
    page.get_by_label("What is the purpose of your work?").fill("Answering calls well.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Choose an objective, or “I don't know”.")).to_be_visible()
    assert SurveyAnswer.objects.count() == 0
    page.get_by_label("Which objective does your work drive?").select_option(label="I don't know")
    page.get_by_label("Your team").select_option(label="Contact")
    page.screenshot(path=SCREENSHOTS / "surveys_public_form.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    saved = SurveyAnswer.objects.get()
    assert (saved.link_id, saved.respondent, saved.objective, saved.team) == (
        link.pk,
        None,
        None,
        pulse.contact,
    )
    # The browser holds no session: the link itself was the permission.
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    page.screenshot(path=SCREENSHOTS / "surveys_public_thanks.png", full_page=True)
    response = page.goto(f"/o/acme/insights/surveys/answer/{secret}/")
    assert response is not None and response.status == 410
    expect(page.get_by_text("This link has already been used to answer")).to_be_visible()


def test_the_results_page_shows_shares_answers_words_and_links(page, pulse: Pulse) -> None:
    five_answers(pulse)
    answer(pulse, "We protect the coast by deciding permits fairly", pulse.faster, pulse.permits)
    services.create_link(pulse.editor, pulse.survey, label="Front desk, Harbour office")
    revoked, _ = services.create_link(pulse.editor, pulse.survey, label="Wrong address")
    services.revoke_link(pulse.editor, revoked)
    sign_in(page, "edith")
    page.goto(f"/o/acme/insights/surveys/{pulse.survey.pk}/")
    expect(page.get_by_role("heading", name="Most aligned answers")).to_be_visible()
    expect(page.get_by_role("heading", name="What people say the purpose is")).to_be_visible()
    outside = page.locator(".outside-chain")
    expect(
        outside.get_by_text(
            "Named an objective outside the Permits team's chain: Answer calls first time"
        )
    ).to_be_visible()
    assert page.locator(".word-bar.in-strategy").count() >= 3
    # The most used word's bar is full; a word used half as often fills half of it.
    bars = page.locator(".word-bar .word-track")
    full = bars.nth(0).locator("span").bounding_box()
    half = bars.nth(1).locator("span").bounding_box()
    track = bars.nth(0).bounding_box()
    assert full and half and track
    assert full["width"] == pytest.approx(track["width"], abs=1)
    assert half["width"] == pytest.approx(track["width"] / 2, abs=1)
    page.locator(".word-bars").screenshot(path=SCREENSHOTS / "surveys_results_words.png")
    # Create a link: its address shows once.
    page.get_by_label("Who it is for").fill("Ann at the desk")
    with page.expect_navigation():
        page.get_by_role("button", name="Create link").click()
    expect(page.get_by_text("Copy it now: it is shown only this once.")).to_be_visible()
    assert "/insights/surveys/answer/nls_" in page.locator("#share-url").inner_text()
    page.screenshot(path=SCREENSHOTS / "surveys_results_top.png")


def test_the_demo_ministry_pulse_reads_well(page) -> None:
    from northline.orgs.demo import DEMO_PASSWORD, load_demo

    load_demo()
    survey = Survey.objects.get(title="What is our work for? Ministry pulse")
    page.goto("/login/")
    page.get_by_label("Username").fill("amara")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto("/o/ministry-of-coast/insights/surveys/")
    assert page.locator("tr", has_text="Ministry pulse").locator(".badge").inner_text() == "Closed"
    page.screenshot(path=SCREENSHOTS / "surveys_demo_list.png", full_page=True)
    page.goto(f"/o/ministry-of-coast/insights/surveys/{survey.pk}/")
    stats = page.locator(".survey-stats")
    assert "60.0" in stats.inner_text()
    assert page.locator(".outside-chain li").count() == 3
    assert page.locator(".shown-answer").count() == 6
    page.locator("#links").scroll_into_view_if_needed()
