"""The browser's /favicon.ico request finds the SVG icon; every page links that icon, and the
footer links the API documentation."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_sends_favicon_requests_to_the_svg_icon() -> None:
    response = Client().get("/favicon.ico", follow=True)
    assert response.redirect_chain == [("/static/northline/icon.svg", 302)]
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert b"<svg" in b"".join(response.streaming_content)


def test_the_sign_in_page_links_the_icon_and_the_api_documentation() -> None:
    text = Client().get("/login/").content.decode()
    assert '<link rel="icon" href="/static/northline/icon.svg" type="image/svg+xml">' in text
    assert '<a href="/api/v1/docs">API documentation</a>' in text
