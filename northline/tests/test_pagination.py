"""Pagination links keep the page's filters: the shared include and its ``page_query`` tag."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def links(query: str, number: int, **include: str) -> str:
    request = RequestFactory().get(f"/somewhere/{query}")
    page = Paginator(range(30), 10).page(number)
    options = " ".join(f'{name}="{value}"' for name, value in include.items())
    template = Template('{% include "includes/pagination.html" with page=page ' + options + " %}")
    return template.render(Context({"request": request, "page": page}))


def test_it_keeps_the_filters_and_drops_the_empty_ones() -> None:
    html = links("?team=4&q=&page=2", 2)

    assert 'href="?team=4&amp;page=1" rel="prev"' in html
    assert 'href="?team=4&amp;page=3" rel="next"' in html
    assert "Page 2 of 3" in html


def test_it_pages_under_another_parameter_to_an_anchor() -> None:
    html = links("?links=active", 1, param="links_page", anchor="#links", label="Pages of links")

    assert 'aria-label="Pages of links"' in html
    assert 'href="?links=active&amp;links_page=2#links" rel="next"' in html
    assert 'rel="prev"' not in html


def test_it_draws_nothing_for_a_single_page() -> None:
    request = RequestFactory().get("/")
    page = Paginator(range(5), 10).page(1)
    html = Template('{% include "includes/pagination.html" %}').render(
        Context({"request": request, "page": page})
    )
    assert "pagination" not in html
