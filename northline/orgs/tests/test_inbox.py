"""The in-app inbox: notifications per user, unread count in the page header, mark read."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from northline.orgs import services
from northline.orgs.models import Notification
from northline.testing import ApiClient, Cast, signed_in


def notify_leadership(cast: Cast, title: str = "Proposed: a new mission") -> list[Notification]:
    return services.notify(
        cast.org,
        services.leadership_of(cast.org),
        kind="decision",
        title=title,
        body="Read the proposal and comment before Friday.",
        url="/o/acme/strategy/",
    )


def test_leadership_is_the_owners_and_admins(cast: Cast) -> None:
    assert [user.username for user in services.leadership_of(cast.org)] == ["adam", "olivia"]


def test_it_fills_the_inboxes_and_sends_the_mail(cast: Cast) -> None:
    notify_leadership(cast)
    assert sorted(n.recipient.username for n in Notification.objects.all()) == ["adam", "olivia"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "adam@example.org",
        "olivia@example.org",
    ]
    assert mail.outbox[0].subject == "[Acme Ministry] Proposed: a new mission"
    assert "/o/acme/strategy/" in mail.outbox[0].body


def test_it_shows_the_unread_count_and_marks_read(cast: Cast) -> None:
    notify_leadership(cast)
    notify_leadership(cast, "Second proposal")
    owner = signed_in(cast.owner)
    page = owner.get("/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '>2<span class="visually-hidden"> unread</span>' in html
    assert "Second proposal" in html
    first = Notification.objects.get(recipient=cast.owner, title="Second proposal")
    assert owner.post("/inbox/read/", {"id": first.pk}).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert '>1<span class="visually-hidden"> unread</span>' in owner.get("/inbox/").content.decode()
    owner.post("/inbox/read/")
    assert not Notification.objects.filter(recipient=cast.owner, read_at__isnull=True).exists()
    # The admin's notifications are the admin's own: untouched.
    assert Notification.objects.filter(recipient=cast.admin, read_at__isnull=True).count() == 2


def test_it_keeps_each_inbox_private(cast: Cast) -> None:
    [for_admin] = [n for n in notify_leadership(cast) if n.recipient == cast.admin]
    viewer = signed_in(cast.viewer)
    assert "Proposed: a new mission" not in viewer.get("/inbox/").content.decode()
    assert viewer.post("/inbox/read/", {"id": for_admin.pk}).status_code == 404
    for_admin.refresh_from_db()
    assert for_admin.read_at is None
    api = ApiClient(cast.viewer)
    assert api.get("/inbox", total="true").json()["count"] == 0
    assert api.post("/inbox/read", {"ids": [for_admin.pk]}).json() == {"marked": 0}
    for_admin.refresh_from_db()
    assert for_admin.read_at is None


def test_it_needs_a_sign_in(cast: Cast) -> None:
    assert Client().get("/inbox/").status_code == 302
    assert Client().post("/inbox/read/").status_code == 302


def test_it_lists_and_marks_through_the_api(cast: Cast) -> None:
    notify_leadership(cast)
    api = ApiClient(cast.admin)
    listed = api.get("/inbox", unread="true").json()
    assert [(n["title"], n["organization"], n["read_at"]) for n in listed["items"]] == [
        ("Proposed: a new mission", "acme", None)
    ]
    assert api.post("/inbox/read", {}).json() == {"marked": 1}
    assert api.get("/inbox", unread="true", total="true").json()["count"] == 0


def test_a_former_member_no_longer_sees_that_organizations_notifications(cast: Cast) -> None:
    notify_leadership(cast)
    services.remove_member(cast.owner_access, cast.admin.memberships.get(organization=cast.org))
    assert ApiClient(cast.admin).get("/inbox", total="true").json()["count"] == 0
