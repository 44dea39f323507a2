"""The API reference at /api/v1/docs: rendered on the server from a schema built once per
process, cached by clients, self-contained (nothing from another host), and quick to show."""

from __future__ import annotations

import gc
import re
import threading
import time

import ninja.main
import pytest
from django.test import Client
from playwright.sync_api import expect

from northline.api import api
from northline.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch) -> list[int]:
    """Forget the schema and the page this process built; count the schema's builds."""
    monkeypatch.setattr(api, "_schemas", {})
    monkeypatch.setattr(api.docs, "_pages", {})
    builds: list[int] = []
    build = ninja.main.get_schema

    def counted(*args, **kwargs):
        builds.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(ninja.main, "get_schema", counted)
    return builds


def test_the_schema_is_built_once_per_process(fresh_process: list[int]) -> None:
    client = Client()
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    assert len(fresh_process) == 1


def test_a_started_worker_builds_the_page_before_its_first_visit(
    fresh_process: list[int], monkeypatch
) -> None:
    """`northline serve` warms each worker in a thread (gunicorn's post_worker_init): the
    schema and the page are built then, and the first visit builds neither again."""
    import northline.api_reference as reference
    from northline.cli import warm_api_reference

    pages: list[int] = []
    render = reference.render_to_string

    def counted(*args, **kwargs):
        pages.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(reference, "render_to_string", counted)
    gc.unfreeze()
    try:
        warm_api_reference(worker=None)
        # What the worker loaded is frozen out of the collector's full passes at once...
        loaded = gc.get_freeze_count()
        assert loaded > 10_000
        for thread in threading.enumerate():
            if thread.name == "warm-api-reference":
                thread.join(timeout=120)
        # ...and the schema and page built in the background, once they are built.
        assert gc.get_freeze_count() > loaded
    finally:
        gc.unfreeze()
    assert (len(fresh_process), len(pages)) == (1, 1)
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b'class="api-operation"' in response.content
    assert (len(fresh_process), len(pages)) == (1, 1)


def test_the_reference_lists_every_operation_and_needs_no_other_host(
    fresh_process: list[int],
) -> None:
    html = Client().get("/api/v1/docs").content.decode()
    schema = Client().get("/api/v1/openapi.json").json()
    operations = sum(
        method in ("get", "post", "put", "patch", "delete")
        for item in schema["paths"].values()
        for method in item
    )
    assert html.count('<details class="api-operation" id="northline_') == operations
    assert '<summary><span class="api-method">POST</span> <code>/api/v1/tokens</code>' in html
    assert 'id="schema-ErrorOut"' in html
    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', html)
    assert external == []
    assert "<script>" not in html  # no inline script: the page is plain HTML


def test_clients_may_keep_the_schema_and_the_page(fresh_process: list[int]) -> None:
    client = Client()
    for url in ("/api/v1/openapi.json", "/api/v1/docs"):
        first = client.get(url)
        assert first.status_code == 200
        assert "max-age=300" in first["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200


def test_the_tokens_page_links_to_the_reference(cast) -> None:
    client = Client()
    client.force_login(cast.viewer)
    html = client.get("/account/tokens/").content.decode()
    assert '<a href="/api/v1/docs">API reference</a>' in html
    assert "Bearer" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reference_shows_an_operation_quickly(page) -> None:
    # Built as the first visit after start-up builds it; the bound is about showing the page
    # (docs/benchmarks.md has the measured figures, cold and warm).
    api.get_openapi_schema(path_params={})
    started = time.perf_counter()
    page.goto("/api/v1/docs", wait_until="commit")
    first = page.locator(".api-operation summary").first
    first.wait_for(state="visible", timeout=5_000)
    assert time.perf_counter() - started < 5
    first.click()
    expect(page.get_by_text("The signed-in user")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "api_reference_top.png")
    # The page is very long: leave it for a short one before the fixture's full-page shot.
    page.goto("/login/")
