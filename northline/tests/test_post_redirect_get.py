"""A button's target is never a page (post/redirect/get): a GET of it goes to the page it sits
under, a refused POST shows that page's address, and a reload shows the record, never a 405."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import resolve
from playwright.sync_api import expect

from northline.conftest import sign_in
from northline.lab.tests.conftest import Lab, lab  # noqa: F401 (fixture)
from northline.lib.web import page_of
from northline.testing import Cast, signed_in
from northline.tests.test_views_walk import organization_pages, walk  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def buttons(walk: dict[str, str]) -> list[tuple[str, str]]:  # noqa: F811
    return [
        (page.name, walk[page.name])
        for page in organization_pages()
        if getattr(resolve(walk[page.name]).func, "post_only", False)
    ]


def test_every_buttons_target_sends_a_get_to_a_page_the_member_can_read(
    walk: dict[str, str],  # noqa: F811
    cast: Cast,
) -> None:
    targets = buttons(walk)
    assert len(targets) >= 60  # the walk sees the site's buttons, not a handful
    owner = signed_in(cast.owner)
    wrong = []
    for name, url in targets:
        response = owner.get(url)
        location = response.get("Location", "")
        if response.status_code != 302 or not (url.startswith(location) and location != url):
            wrong.append(f"{name} {url}: {response.status_code} {location}")
            continue
        landed = owner.get(location)
        if landed.status_code != 200:
            wrong.append(f"{name} {url} → {location}: {landed.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_the_anonymous_get_of_a_button_is_asked_to_sign_in_first(
    walk: dict[str, str],  # noqa: F811
) -> None:
    name, url = buttons(walk)[0]
    response = Client().get(url)
    assert response.status_code == 302, name
    assert response["Location"] == f"/login/?next={url}"


def test_a_button_takes_no_other_method(walk: dict[str, str], cast: Cast) -> None:  # noqa: F811
    _, url = buttons(walk)[0]
    response = signed_in(cast.owner).put(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_the_page_of_a_button_is_the_nearest_enclosing_page() -> None:
    assert page_of("/o/acme/delivery/releases/5/decide/") == "/o/acme/delivery/releases/5/"
    assert page_of("/o/acme/lab/engagements/3/advance/") == "/o/acme/lab/engagements/3/"
    # Past an address that is no page (…/links/) to the record that holds the link.
    assert page_of("/o/acme/strategy/decisions/4/links/9/delete/") == (
        "/o/acme/strategy/decisions/4/"
    )


def test_a_refused_post_names_the_records_page_for_the_address_bar(
    cast: Cast,
    lab: Lab,  # noqa: F811
) -> None:
    url = f"/o/{cast.org.slug}/lab/engagements/{lab.engagement.pk}/advance/"
    response: Any = signed_in(cast.owner).post(url, {"version": lab.engagement.version})
    assert response.status_code == 409  # the gate is closed: a conflict with its state
    page = f"/o/{cast.org.slug}/lab/engagements/{lab.engagement.pk}/"
    assert f'<meta name="northline-page" content="{page}">' in response.content.decode()


@pytest.mark.browser
def test_reloading_after_a_refusal_shows_the_record_with_the_refusal_in_view(
    cast: Cast,
    lab: Lab,  # noqa: F811
    page: Any,
) -> None:
    sign_in(page, cast.owner.username)
    record = f"/o/{cast.org.slug}/lab/engagements/{lab.engagement.pk}/"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(record)
    page.get_by_role("button", name="Enter Align").click()
    alert = page.locator(".form-error").first
    assert "cannot enter" in alert.inner_text()
    # The refusal has the focus and is on screen; the address bar names the record's page.
    assert page.evaluate("document.activeElement.classList.contains('form-error')")
    box = alert.bounding_box()
    assert box is not None and 0 <= box["y"] < 844
    assert page.url.endswith(record)
    response = page.reload()
    assert response is not None and response.status == 200
    assert page.url.endswith(record)
    expect(page.get_by_role("button", name="Enter Align")).to_be_visible()
    # Revisiting the button's own address shows the record too.
    response = page.goto(record + "advance/")
    assert response is not None and response.status == 200
    assert page.url.endswith(record)
