"""The shell in a real browser: sign in, switch organization, read people and history.

Each test leaves a screenshot in test-artifacts/screenshots/ (see the ``page`` fixture). With
NORTHLINE_WRITE_DOC_SCREENSHOTS=1 the last test also writes the README's screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from northline.orgs import services
from northline.testing import PASSWORD, Cast, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def browser_cast(transactional_db) -> Cast:
    return make_cast()


def sign_in(page, username: str, *, open_login: bool = True) -> None:
    if open_login:
        page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def fill_organization(cast: Cast) -> None:
    """A few realistic people, teams and changes, so pages show what they look like in use."""
    access = cast.owner_access
    people = [
        ("Amara Okafor", "Head of Digital Services", "amara@acme.example"),
        ("Bruno Costa", "Product owner, Permits", "bruno@acme.example"),
        ("Chen Wei", "DevOps specialist", "chen@acme.example"),
        ("Dana Levi", "Scrum master", ""),
        ("Elif Yilmaz", "Executive sponsor", "elif@acme.example"),
        ("Farah Haddad", "Service designer", "farah@acme.example"),
        ("Gustavo Ruiz", "Customer service lead", ""),
    ]
    created = [
        services.create_person(access, name=name, title=title, email=email)
        for name, title, email in people
    ]
    permits = services.create_team(
        access, name="Permits", kind="product", description="Online building permits."
    )
    services.create_team(access, name="Guiding coalition", kind="leadership")
    services.add_team_member(access, permits, person=created[1], roles=["product_owner"])
    services.add_team_member(access, permits, person=created[2], roles=["devops_specialist"])
    services.add_team_member(
        access, permits, person=created[3], roles=["scrum_master"], co_located=False
    )
    services.update_person(access, created[3], version=1, title="Scrum master, Permits")
    services.update_organization(
        access,
        version=1,
        description="A ministry modernizing how citizens apply for permits and benefits.",
    )


def test_it_signs_in_through_the_login_form(page, browser_cast):
    page.goto("/o/acme/people/")
    assert "/login/?next=/o/acme/people/" in page.url
    sign_in(page, "olivia", open_login=False)
    # The login form returns to the page asked for.
    assert page.url.endswith("/o/acme/people/")
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert page.get_by_role("link", name="People").get_attribute("aria-current") == "page"


def test_it_refuses_a_wrong_password(page, browser_cast):
    page.goto("/login/")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Your username and password")


def test_it_switches_organization_with_the_switcher(page, browser_cast):
    cast = browser_cast
    services.add_member(cast.access(cast.outsider, cast.other_org), user=cast.owner, role="viewer")
    sign_in(page, "olivia")
    page.goto("/")  # signing in lands on My work; home is the organizations' page
    # Two organizations: home lists them instead of choosing one.
    expect(page.get_by_role("heading", name="Your organizations")).to_be_visible()
    page.get_by_role("link", name="Acme Ministry").click()
    assert page.url.endswith("/o/acme/")
    # The Go button is for browsers without JavaScript; the script submits on change.
    expect(page.get_by_role("button", name="Go")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_label("Organization").select_option(label="Elsewhere Agency")
    assert page.url.endswith("/o/elsewhere/")
    expect(page.get_by_role("heading", name="Elsewhere Agency", level=1)).to_be_visible()


def test_it_opens_the_people_and_history_pages(page, browser_cast):
    fill_organization(browser_cast)
    sign_in(page, "olivia")
    page.goto("/")  # one organization: home takes her to it
    page.get_by_role("navigation", name="Acme Ministry").get_by_role("link", name="People").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(11)
    page.get_by_label("Search people").fill("scrum")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    # expect() waits for the page the click opens; is_visible() read the page still loading.
    expect(page.get_by_role("heading", name="Dana Levi")).to_be_visible()
    page.locator(".page-head").get_by_role("link", name="History").click()
    expect(page.locator("h1")).to_contain_text("History of")
    page.get_by_role("navigation", name="Acme Ministry").get_by_role("link", name="History").click()
    changed = page.locator("table.history td", has_text="changed the title of person")
    assert "from Scrum master to Scrum master, Permits" in changed.first.inner_text()


def test_it_adds_a_person_and_shows_a_field_error(page, browser_cast):
    sign_in(page, "olivia")
    page.goto("/o/acme/people/")
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_role("button", name="Add person").click()
    assert "Enter a valid email address." in page.locator(".has-error").inner_text()
    page.get_by_label("E-mail").fill("grace@example.org")
    page.get_by_role("button", name="Add person").click()
    assert page.get_by_role("status").inner_text() == "Added Grace Hopper."
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()


def test_it_fits_a_narrow_phone_screen(page, browser_cast):
    fill_organization(browser_cast)
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, "olivia")
    page.goto("/o/acme/")
    # Wide tables scroll inside their box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/o/acme/people/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_it_writes_the_readme_screenshots(page, browser_cast):
    """Refreshes docs/screenshots with NORTHLINE_WRITE_DOC_SCREENSHOTS=1; otherwise the same
    pages are shot into test-artifacts, so the run never skips."""
    refresh = os.environ.get("NORTHLINE_WRITE_DOC_SCREENSHOTS") == "1"
    target = DOCS if refresh else Path("test-artifacts/screenshots/readme")
    fill_organization(browser_cast)
    sign_in(page, "olivia")
    target.mkdir(parents=True, exist_ok=True)
    page.goto("/o/acme/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=target / "overview.png")
    page.goto("/o/acme/people/")
    expect(page.get_by_role("link", name="Amara Okafor")).to_be_visible()
    page.screenshot(path=target / "people.png")


def test_it_edits_a_team_members_roles(page, browser_cast):
    fill_organization(browser_cast)
    sign_in(page, "olivia")
    page.goto("/o/acme/teams/")
    page.get_by_role("link", name="Permits").click()
    row = page.locator("tr", has_text="Chen Wei")
    row.get_by_text("Edit").click()
    row.get_by_label("Scrum master").check()
    row.get_by_label("Co-located").uncheck()
    row.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").inner_text() == "Saved Chen Wei's place on Permits."
    row = page.locator("tr", has_text="Chen Wei")
    assert "Scrum master" in row.inner_text()


def test_it_explains_why_the_last_owner_cannot_step_down(page, browser_cast):
    sign_in(page, "olivia")
    page.goto("/o/acme/settings/")
    page.get_by_label("Role of olivia").select_option("admin")
    page.locator("tr", has_text="olivia").get_by_role("button", name="Change").click()
    assert "at least one owner" in page.get_by_role("alert").first.inner_text()
