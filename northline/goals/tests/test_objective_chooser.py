"""The "Aligned to objective" select is a chooser: an organization may hold 1,425 objectives.
Up to a hundred it lists them all; past that it shows fifty, a search (``?q=``) and always the
current parent; typing asks ``choose/objectives/`` (northline/chooser.js). Any objective of the
organization is still accepted, and one of another organization is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from northline.goals import services
from northline.goals.models import Objective
from northline.goals.tests.conftest import Goals
from northline.orgs.models import Event
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


def many(goals: Goals, cast: Cast, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        services.create_objective(
            cast.owner_access, title=f"Objective {number:04}", period=goals.period
        )


def parent_select(page: str) -> str:
    return page.split('name="parent"')[1].split("</select>")[0]


def new_page() -> str:
    return reverse("goals_objective_new", args=["acme"])


def test_a_short_list_is_a_plain_select_with_none_first(cast: Cast, goals: Goals):
    page = signed_in(cast.editor).get(new_page()).content.decode()
    select = parent_select(page)
    assert select.index("None (top level)") < select.index("Permits online end to end")
    assert 'data-chooser="parent"' in page
    assert "Search objectives to align to" not in page


def test_past_a_hundred_it_shows_fifty_and_a_search(cast: Cast, goals: Goals):
    many(goals, cast, 120)
    editor = signed_in(cast.editor)

    page = editor.get(new_page()).content.decode()
    assert parent_select(page).count("<option value=") == 51  # "None" and fifty objectives
    assert "Search objectives to align to" in page
    assert "Too many to list" in page

    page = editor.get(new_page(), {"q": "objective 011"}).content.decode()
    select = parent_select(page)
    assert select.count("<option value=") == 11  # "None", Objective 0110 to 0119
    assert "Objective 0115 (Organization, This quarter)" in select


def test_the_edit_form_keeps_the_current_parent_among_fifty(cast: Cast, goals: Goals):
    many(goals, cast, 120)
    last = Objective.objects.get(title="Objective 0119")
    child = goals.child
    child = services.update_objective(cast.owner_access, child, version=child.version, parent=last)
    page = signed_in(cast.editor).get(reverse("goals_objective", args=["acme", child.pk]))
    select = parent_select(page.content.decode())
    assert f'<option value="{last.pk}" selected>Objective 0119' in select
    # It is not offered as its own parent.
    assert f'<option value="{child.pk}"' not in select


def test_any_objective_of_the_organization_is_accepted_beyond_the_fifty(cast: Cast, goals: Goals):
    many(goals, cast, 120)
    far = Objective.objects.get(title="Objective 0119")
    editor = signed_in(cast.editor)

    response = editor.post(
        new_page(),
        {
            "title": "Aligned far down",
            "period": goals.period.pk,
            "parent": far.pk,
            "status": "active",
        },
    )

    assert response.status_code == 302
    assert Objective.objects.get(title="Aligned far down").parent == far


def test_an_objective_of_another_organization_is_refused(cast: Cast, goals: Goals):
    elsewhere = cast.access(cast.outsider, cast.other_org)
    period = services.create_period(
        elsewhere, name="Theirs", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    theirs = services.create_objective(elsewhere, title="Their objective", period=period)
    events = Event.objects.count()

    response = signed_in(cast.editor).post(
        new_page(),
        {"title": "Sneaky", "period": goals.period.pk, "parent": theirs.pk, "status": "active"},
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Objective.objects.filter(title="Sneaky").exists()
    assert Event.objects.count() == events
    assert "Their objective" not in response.content.decode()


def test_the_endpoint_answers_twenty_matches_in_constant_queries(cast: Cast, goals: Goals):
    url = reverse("goals_choose_objectives", args=["acme"])
    viewer = signed_in(cast.viewer)
    many(goals, cast, 30)

    assert_queries_constant(
        lambda: viewer.get(url, {"q": "objective"}), lambda: many(goals, cast, 30, start=30)
    )
    matches = viewer.get(url, {"q": "objective 001"}).json()["matches"]
    assert [match["label"] for match in matches] == [
        f"Objective {n:04} (Organization, This quarter)" for n in range(10, 20)
    ]
    assert len(viewer.get(url, {"q": "objective"}).json()["matches"]) == 20
    assert signed_in(cast.outsider).get(url).status_code == 404


def test_the_endpoint_sends_the_anonymous_visitor_to_sign_in(client, goals: Goals):
    response = client.get(reverse("goals_choose_objectives", args=["acme"]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_finds_a_parent_among_many_in_the_browser(page, cast: Cast, goals: Goals):
    from playwright.sync_api import expect

    from northline.conftest import screenshot, sign_in

    many(goals, cast, 120)
    far = Objective.objects.get(title="Objective 0119")
    sign_in(page, "edith")
    page.goto(new_page())
    choice = page.locator("select[name=parent]")
    assert choice.locator("option").count() == 51

    page.get_by_label("Search objectives to align to").press_sequentially("0119")
    # "None (top level)" stays first, then the one match.
    expect(choice.locator("option")).to_have_count(2)
    expect(choice.locator("option").nth(1)).to_have_text(
        "Objective 0119 (Organization, This quarter)"
    )
    choice.select_option(str(far.pk))
    page.get_by_label("Title").fill("Aligned by typing")
    screenshot(page, "objective_parent_chooser")
    with page.expect_navigation():
        page.get_by_role("button", name="Create objective").click()

    assert Objective.objects.get(title="Aligned by typing").parent == far
