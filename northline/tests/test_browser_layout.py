"""Every section page of the demo fits a phone (390×844) and a desktop (1440×900) without the
page itself scrolling sideways: wide content scrolls inside its own box. At phone width the
organization's navigation is a "Menu" that opens and works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.delivery.models import Release
from northline.goals.models import KeyResult, Objective
from northline.lab.models import Engagement
from northline.orgs.demo import DEMO_PASSWORD, DEMO_USERNAME, LAB_SLUG, MINISTRY_SLUG, load_demo
from northline.portfolio.models import Epic
from northline.strategy.models import Theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}

# Section pages by URL name, in the organization whose demo fills them. The dependency matrix
# ("delivery") joins this list once its own page holds at 390 px.
MINISTRY_PAGES = [
    "org_home",
    "strategy",
    "strategy_identity",
    "strategy_swot",
    "strategy_themes",
    "strategy_value_streams",
    "strategy_investments",
    "strategy_bodies",
    "strategy_decisions",
    "goals",
    "portfolio",
    "portfolio_backlog",
    "portfolio_feedback",
    "portfolio_sprints",
    "delivery",
    "delivery_releases",
    "delivery_roadmap",
    "delivery_settings",
    "insights",
    "insights_map",
    "insights_surveys",
    "insights_reports",
    "insights_report_investment",
    "insights_report_flow",
    "insights_report_key_results",
    "insights_report_dependencies",
    "people",
    "teams",
    "history",
    "org_settings",
]
LAB_PAGES = [
    "lab",
    "lab_playbook",
    "lab_training",
    "lab_experts",
    "lab_templates",
    "lab_report",
]
ENGAGEMENT_PAGES = [
    "lab_engagement",
    "lab_engagement_agreements",
    "lab_engagement_sessions",
    "lab_engagement_budget",
    "lab_engagement_journey",
]
ACCOUNT_PAGES = ["my_work", "inbox"]


@dataclass(frozen=True)
class Overflow:
    url: str
    width: int
    scroll_width: int
    culprits: list[str]


def record_pages() -> list[str]:
    """One record page per app, from the ministry's demo."""
    in_ministry = {"organization__slug": MINISTRY_SLUG}
    epic = Epic.objects.filter(**in_ministry).earliest("pk")
    objective = Objective.objects.filter(**in_ministry).earliest("pk")
    key_result = KeyResult.objects.filter(**in_ministry).earliest("pk")
    release = Release.objects.filter(**in_ministry).earliest("pk")
    theme = Theme.objects.filter(**in_ministry).earliest("pk")
    return [
        reverse("portfolio_epic", args=[MINISTRY_SLUG, epic.pk]),
        reverse("goals_objective", args=[MINISTRY_SLUG, objective.pk]),
        reverse("goals_key_result", args=[MINISTRY_SLUG, key_result.pk]),
        reverse("delivery_release", args=[MINISTRY_SLUG, release.pk]),
        reverse("strategy_theme", args=[MINISTRY_SLUG, theme.pk]),
    ]


def every_page() -> list[str]:
    engagement = Engagement.objects.filter(organization__slug=LAB_SLUG).earliest("pk")
    return [
        *(reverse(name, args=[MINISTRY_SLUG]) for name in MINISTRY_PAGES),
        *(reverse(name, args=[LAB_SLUG]) for name in LAB_PAGES),
        *(reverse(name, args=[LAB_SLUG, engagement.pk]) for name in ENGAGEMENT_PAGES),
        *(reverse(name) for name in ACCOUNT_PAGES),
        *record_pages(),
    ]


# What sticks out, for the message: the outermost elements whose right edge passes the window's
# and that no box of their own clips.
WIDEST = """() => {
  const clipped = element => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.getBoundingClientRect().right <= innerWidth + 1) continue;
    if (out.some(parent => parent.contains(element))) continue;
    if (clipped(element) && getComputedStyle(element).position !== "absolute") continue;
    out.push(element);
  }
  return out.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
}"""


def page_scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def shot_name(url: str) -> str:
    return "layout_390" + url.rstrip("/").replace("/", "_").replace("-", "_")


def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(page, transactional_db):
    load_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    overflows = []
    for url in every_page():
        page.set_viewport_size(PHONE)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if (width := page_scroll_width(page)) > PHONE["width"]:
            overflows.append(Overflow(url, PHONE["width"], width, page.evaluate(WIDEST)))
        screenshot(page, shot_name(url))
        page.set_viewport_size(DESKTOP)
        if (width := page_scroll_width(page)) > DESKTOP["width"]:
            overflows.append(Overflow(url, DESKTOP["width"], width, page.evaluate(WIDEST)))
    assert overflows == [], "\n".join(map(str, overflows))


def test_wide_content_scrolls_in_its_own_box_with_a_hint(page, transactional_db):
    load_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(reverse("portfolio", args=[MINISTRY_SLUG]))
    board = page.locator(".board")
    assert board.evaluate("box => box.scrollWidth > box.clientWidth")
    hint = board.locator("xpath=preceding-sibling::*[1]")
    assert hint.inner_text() == "Scroll sideways to see all columns"
    expect(hint).to_be_visible()
    assert page_scroll_width(page) <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    page.goto(reverse("people", args=[MINISTRY_SLUG]))
    assert page.locator(".scroll-hint").count() >= 1
    assert page.locator(".scroll-hint:visible").count() == 0


@pytest.fixture
def page_without_script(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_menu_opens_and_leads_to_a_section_without_javascript(
    page_without_script, transactional_db
):
    page = page_without_script
    load_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(reverse("strategy", args=[MINISTRY_SLUG]))
    nav = page.get_by_role("navigation", name="Ministry of Coastal Affairs")
    goals = nav.get_by_role("link", name="Goals")
    expect(goals).to_be_hidden()
    nav.get_by_text("Menu").click()
    assert nav.get_by_role("link", name="Strategy").get_attribute("aria-current") == "page"
    screenshot(page, "layout_390_menu_open")
    with page.expect_navigation():
        goals.click()
    assert page.url.endswith(reverse("goals", args=[MINISTRY_SLUG]))
    nav = page.get_by_role("navigation", name="Ministry of Coastal Affairs")
    assert (
        nav.get_by_role("link", name="Goals", include_hidden=True).get_attribute("aria-current")
        == "page"
    )
    assert page_scroll_width(page) <= PHONE["width"]
