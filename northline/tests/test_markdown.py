"""Prose is Markdown, rendered and sanitized (DESIGN §3 "Text")."""

from northline.lib.markdown import render_markdown


def test_it_renders_markdown() -> None:
    assert render_markdown("**Open** by default") == "<p><strong>Open</strong> by default</p>"


def test_it_drops_scripts_and_event_handlers() -> None:
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)"> hi')
    assert "<script" not in html
    assert "onerror" not in html
    assert "alert(2)" not in html


def test_it_drops_javascript_links() -> None:
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert "javascript:" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>' in html
