"""The other end of epic ↔ key result: the key result's page lists the epics that drive it
("Driven by", a panel the portfolio registers on goals' page), links and unlinks them, and a
new epic can drive a key result from the moment it is written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from northline.orgs.models import Event
from northline.portfolio import services
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.portfolio.tests.test_links import key_results
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def kr_page(pk: int, slug: str = "acme") -> str:
    return reverse("goals_key_result", args=[slug, pk])


def link_url(verb: str = "link") -> str:
    return reverse(f"portfolio_key_result_epic_{verb}", args=["acme"])


def driven_by(page: str) -> str:
    return page.split('id="driven-by"')[1].split("</section>")[0]


def last_event(epic: Epic) -> Event:
    return Event.objects.filter(object_type="portfolio.epic", object_id=str(epic.pk)).latest("pk")


def test_the_key_result_page_links_and_unlinks_an_epic(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online", state="todo")
    done = board.epic("Old harbour map", state="done")
    (median,) = key_results(board.access, "Median days to decide")
    editor = signed_in(cast.editor)
    section = driven_by(editor.get(kr_page(median.pk)).content.decode())
    assert "No epic drives this key result yet" in section
    # Open epics only are offered: a done epic no longer moves anything.
    assert f'<option value="{epic.pk}">Mooring permits online</option>' in section
    assert f'<option value="{done.pk}">' not in section

    response = editor.post(
        link_url(), {"key_result": median.pk, "epic": epic.pk, "next": kr_page(median.pk)}
    )

    assert response.status_code == 302
    assert response["Location"] == kr_page(median.pk)
    assert list(epic.key_results.all()) == [median]
    assert last_event(epic).changes == {"key_results": [[], [median.pk]]}
    page = editor.get(kr_page(median.pk)).content.decode()
    assert "“Mooring permits online” now drives the key result." in page
    section = driven_by(page)
    epic_url = reverse("portfolio_epic", args=["acme", epic.pk])
    assert f'<a href="{epic_url}">Mooring permits online</a>' in section
    assert "To do" in section
    assert f'<option value="{epic.pk}">' not in section  # linked: no longer offered

    epic.refresh_from_db()
    response = editor.post(
        link_url("unlink"),
        {"key_result": median.pk, "epic": epic.pk, "version": epic.version},
    )

    # Without ``next`` it comes back to the key result's section.
    assert response["Location"] == kr_page(median.pk) + "#driven-by"
    assert list(epic.key_results.all()) == []
    assert last_event(epic).changes == {"key_results": [[median.pk], []]}
    assert "no longer drives the key result" in editor.get(kr_page(median.pk)).content.decode()


def test_an_unlink_from_a_stale_page_is_refused_and_said(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")
    epic = services.link_key_result(board.access, epic, median, version=epic.version)
    stale = epic.version
    services.update_epic(board.access, epic, version=epic.version, title="Moorings online")
    editor = signed_in(cast.editor)
    events = Event.objects.count()

    response = editor.post(
        link_url("unlink"), {"key_result": median.pk, "epic": epic.pk, "version": stale}
    )

    assert response.status_code == 302
    assert list(epic.key_results.all()) == [median]
    assert Event.objects.count() == events
    page = editor.get(response["Location"]).content.decode()
    assert "This epic was changed by someone else" in page


def test_a_viewer_sees_the_epics_but_no_forms_and_cannot_post(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")
    services.link_key_result(board.access, epic, median, version=epic.version)
    viewer = signed_in(cast.viewer)
    section = driven_by(viewer.get(kr_page(median.pk)).content.decode())
    assert "Mooring permits online" in section
    assert "Unlink" not in section and "Link an epic" not in section
    events = Event.objects.count()

    epic.refresh_from_db()
    for verb, data in [
        ("link", {"key_result": median.pk, "epic": epic.pk}),
        ("unlink", {"key_result": median.pk, "epic": epic.pk, "version": epic.version}),
        ("link", {}),
        ("unlink", {}),
    ]:
        assert viewer.post(link_url(verb), data).status_code == 403

    assert Event.objects.count() == events
    assert list(epic.key_results.all()) == [median]


def test_records_of_another_organization_are_404_and_change_nothing(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")
    (theirs,) = key_results(cast.access(cast.outsider, cast.other_org), "Theirs")
    their_epic = services.create_epic(cast.access(cast.outsider, cast.other_org), title="Theirs")
    editor = signed_in(cast.editor)
    events = Event.objects.count()

    assert editor.post(link_url(), {"key_result": theirs.pk, "epic": epic.pk}).status_code == 404
    assert (
        editor.post(link_url(), {"key_result": median.pk, "epic": their_epic.pk}).status_code == 404
    )
    assert editor.get(kr_page(theirs.pk)).status_code == 404
    # The outsider is not a member of acme at all.
    outsider = signed_in(cast.outsider)
    assert outsider.post(link_url(), {"key_result": median.pk, "epic": epic.pk}).status_code == 404
    assert Event.objects.count() == events
    assert list(epic.key_results.all()) == []


def test_anonymous_callers_are_sent_to_sign_in(cast: Cast, board: Board):
    from django.test import Client

    for verb in ("link", "unlink"):
        response = Client().post(link_url(verb), {})
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_a_next_address_off_the_site_is_ignored(cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")

    response = signed_in(cast.editor).post(
        link_url(), {"key_result": median.pk, "epic": epic.pk, "next": "https://evil.example/"}
    )

    assert response["Location"] == kr_page(median.pk) + "#driven-by"


def test_a_new_epic_drives_the_key_result_it_was_written_for(cast: Cast, board: Board):
    (median,) = key_results(board.access, "Median days to decide")
    editor = signed_in(cast.editor)
    new = reverse("portfolio_epic_new", args=["acme"])
    # From the key result's page: the new-epic form names it and carries it.
    page = editor.get(new, {"key_result": median.pk}).content.decode()
    assert "It will drive the key result" in page
    assert f'<input type="hidden" name="key_result" value="{median.pk}"' in page
    # Without: a chooser of the organization's key results, empty by default.
    page = editor.get(new).content.decode()
    assert f'<option value="{median.pk}">Median days to decide (Decide faster)</option>' in page

    response = editor.post(new, {"title": "Decide moorings in a day", "key_result": median.pk})

    assert response.status_code == 302
    epic = Epic.objects.get(title="Decide moorings in a day")
    assert list(epic.key_results.all()) == [median]
    created = Event.objects.get(object_type="portfolio.epic", object_id=str(epic.pk))
    assert created.changes["key_results"] == [median.pk]
    assert "Mooring" not in driven_by(editor.get(kr_page(median.pk)).content.decode())
    assert "Decide moorings in a day" in driven_by(editor.get(kr_page(median.pk)).content.decode())

    # None chosen: an epic with no key result, as before.
    editor.post(new, {"title": "Paint the quay", "key_result": ""})
    assert list(Epic.objects.get(title="Paint the quay").key_results.all()) == []


def test_a_new_epic_refuses_a_key_result_of_another_organization(cast: Cast, board: Board):
    (theirs,) = key_results(cast.access(cast.outsider, cast.other_org), "Theirs")
    editor = signed_in(cast.editor)
    new = reverse("portfolio_epic_new", args=["acme"])
    events = Event.objects.count()

    response = editor.post(new, {"title": "Sneaky", "key_result": theirs.pk})

    assert response.status_code == 404
    assert not Epic.objects.filter(title="Sneaky").exists()
    assert Event.objects.count() == events
    # The form does not name the other organization's key result either.
    assert "Theirs" not in response.content.decode()
