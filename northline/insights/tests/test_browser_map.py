"""The alignment map in a real browser: lazy branches, the highlights, the team filter, a
download, and the page without JavaScript. Each test leaves a screenshot in
test-artifacts/screenshots/ (the ``page`` fixture takes it at the end; ``shot`` takes others).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.insights.tests.test_map import MapOrg
from northline.portfolio import services as portfolio
from northline.testing import Cast

pytestmark = pytest.mark.browser


def node(page, node_id: str):
    return page.locator(f'li[data-node="{node_id}"]').first


def open_branch(page, node_id: str) -> None:
    """Open a collapsed node by keyboard (its summary is a native toggle)."""
    summary = node(page, node_id).locator(":scope > details > summary")
    summary.focus()
    page.keyboard.press("Enter")


def test_it_opens_branches_as_they_are_needed(page, cast: Cast, map_org: MapOrg) -> None:
    for number in range(1, 53):
        portfolio.create_story(map_org.access, map_org.form, title=f"Slice {number}")
    sign_in(page, cast.viewer.username)
    page.goto("/o/acme/insights/map/")
    expect(page.get_by_role("heading", name="Alignment map", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Insights")
    assert nav.get_by_role("link", name="Map").get_attribute("aria-current") == "page"
    stats = page.get_by_label("On this map")
    assert stats.inner_text().split("\n") == [
        "Themes",
        "2",
        "Objectives",
        "4",
        "Key results",
        "4",
        "Epics",
        "4",
        "Orphan epics",
        "1",
        "Unsupported objectives",
        "1",
    ]
    # The themes are open with their first level; an objective's children are not there yet.
    online = f"objective:{map_org.online.pk}"
    applications = f"key_result:{map_org.applications.pk}"
    expect(node(page, online)).to_be_visible()
    assert page.locator(f'li[data-node="{applications}"]').count() == 0
    branch = node(page, online).locator(":scope > details")
    assert branch.locator("summary").inner_text().startswith("1 key result · 1 objective")

    open_branch(page, online)
    node(page, applications).wait_for()
    assert branch.get_attribute("data-loaded") == ""
    assert "on track · 70 %" in node(page, applications).inner_text()
    launch = f"objective:{map_org.launch.pk}"
    assert "off track · 10 %" in node(page, launch).inner_text()

    # Down to the epic and its stories, a page of fifty and then the rest.
    open_branch(page, applications)
    form = f"epic:{map_org.form.pk}"
    node(page, form).wait_for()
    open_branch(page, form)
    stories = node(page, form).locator(".kind-story")
    stories.first.wait_for()
    assert stories.count() == 50
    more = node(page, form).get_by_role("link", name="Show 5 more")
    expect(more).to_be_visible()
    more.click()
    node(page, form).locator(".kind-story", has_text="Slice 52").wait_for()
    assert stories.count() == 55
    assert node(page, form).locator(".map-more").count() == 0

    # A theme folds away and back like any details element.
    faster = f"theme:{map_org.faster.pk}"
    theme_branch = node(page, faster).locator(":scope > details")
    theme_branch.locator(":scope > summary").click()
    expect(node(page, online)).to_be_hidden()
    theme_branch.locator(":scope > summary").click()
    expect(node(page, online)).to_be_visible()
    screenshot(page, "map_branches_opened")


def test_it_highlights_orphan_work_and_unsupported_objectives(
    page, cast: Cast, map_org: MapOrg
) -> None:
    sign_in(page, cast.viewer.username)
    page.goto("/o/acme/insights/map/")
    orphan = node(page, f"epic:{map_org.chatbot.pk}")
    assert "orphan work: traces to nothing" in orphan.inner_text()
    assert "is-orphan" in (orphan.get_attribute("class") or "")
    unsupported = node(page, f"objective:{map_org.statistics.pk}")
    assert "unsupported: no active work drives it" in unsupported.inner_text()
    # The owning coalition body is a label on its theme, linking to the body's page.
    owner = node(page, f"theme:{map_org.faster.pk}").locator(".map-body")
    assert owner.inner_text() == "Portfolio board"
    assert owner.get_attribute("href") == f"/o/acme/strategy/bodies/{map_org.board.pk}/"
    # The stalled key result says so in words beside the colour.
    open_branch(page, f"objective:{map_org.statistics.pk}")
    datasets = node(page, f"key_result:{map_org.datasets.pk}")
    datasets.wait_for()
    assert "on track · 60 %" in datasets.inner_text()
    assert "not moving" in datasets.inner_text()
    assert "No epic drives this key result yet." in datasets.inner_text()
    page.get_by_text("What the colours and highlights mean").click()
    expect(page.get_by_text("the same value for the last 3 readings")).to_be_visible()


def test_it_shows_one_team(page, cast: Cast, map_org: MapOrg) -> None:
    sign_in(page, cast.viewer.username)
    page.goto("/o/acme/insights/map/")
    page.get_by_label("Team").select_option(label="Permits")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert f"team={map_org.permits.pk}" in page.url
    launch = node(page, f"objective:{map_org.launch.pk}")
    assert "aligned to “Permits online end to end”, outside this view" in launch.inner_text()
    assert page.locator(f'li[data-node="objective:{map_org.online.pk}"]').count() == 0
    assert page.locator('li[data-node="group:orphans"]').count() == 0
    expect(page.get_by_text("No orphan work")).to_be_visible()
    # Branches keep the filter: the team's key result opens onto the epic that drives it.
    open_branch(page, f"objective:{map_org.launch.pk}")
    open_branch_after = f"key_result:{map_org.payments.pk}"
    node(page, open_branch_after).wait_for()
    open_branch(page, open_branch_after)
    node(page, f"epic:{map_org.form.pk}").wait_for()
    screenshot(page, "map_one_team")
    page.get_by_role("link", name="Clear filters").click()
    page.locator('li[data-node="group:orphans"]').wait_for()


def test_it_downloads_the_map(page, cast: Cast, map_org: MapOrg) -> None:
    sign_in(page, cast.viewer.username)
    page.goto("/o/acme/insights/map/")
    downloads = page.get_by_role("group", name="Download this map")
    with page.expect_download() as started:
        downloads.get_by_role("link", name="Mermaid").click()
    download = started.value
    assert download.suggested_filename.startswith("acme-alignment-map-")
    assert download.suggested_filename.endswith(".mmd")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[1] == "flowchart LR"
    assert 'Work that traces to nothing"]' in text
    with page.expect_download() as started:
        downloads.get_by_role("link", name="JSON").click()
    assert started.value.suggested_filename.endswith(".json")


def test_it_reads_without_javascript(browser, live_server, cast: Cast, map_org: MapOrg) -> None:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        sign_in(page, cast.viewer.username)
        page.goto("/o/acme/insights/map/")
        online = f"objective:{map_org.online.pk}"
        node(page, online).locator(":scope > details > summary").click()
        with page.expect_navigation():
            node(page, online).get_by_role("link", name="Open this branch").click()
        assert f"focus=objective%3A{map_org.online.pk}" in page.url
        expect(page.get_by_text("Showing one branch of the map")).to_be_visible()
        # The branch is drawn open down to its epics.
        expect(node(page, f"key_result:{map_org.payments.pk}")).to_be_visible()
        expect(node(page, f"epic:{map_org.form.pk}")).to_be_visible()
        screenshot(page, "map_without_javascript")
    finally:
        context.close()
