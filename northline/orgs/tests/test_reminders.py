"""Reminders people control: the notification preference, the e-mail sent at once as it says,
the daily and weekly digests with their one-click unsubscribe link, and the API.

Mail goes to Django's outbox (the locmem backend of the tests); tasks run inline.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from northline.orgs import services
from northline.orgs.mail import unsubscribe_token
from northline.orgs.models import Membership, Notification, NotificationPreference
from northline.orgs.selectors import preference_of
from northline.orgs.tasks import send_digests_at
from northline.testing import ApiClient, Cast

BASE = "https://northline.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.NORTHLINE_BASE_URL = BASE


def notify_edith(cast: Cast, title: str = "Proposed: a new mission", org=None) -> Notification:
    return services.notify(
        org or cast.org,
        [cast.editor],
        kind="decision",
        title=title,
        body="Read the proposal and comment before Friday.",
        url="/o/acme/strategy/",
    )[0]


def next_monday_at_seven() -> dt.datetime:
    today = timezone.now().astimezone(dt.UTC).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(7, 0), tzinfo=dt.UTC)


def sent_to() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


# The preference ---------------------------------------------------------------------------


def test_without_a_saved_preference_it_is_immediate_with_reminders(cast: Cast) -> None:
    preference = preference_of(cast.editor)
    assert (preference.delivery, preference.checkin_reminders) == ("immediate", True)
    assert preference.pk is None


def test_it_saves_each_choice_and_leaves_out_fields_alone(cast: Cast) -> None:
    for choice in ("inbox", "immediate", "daily", "weekly"):
        services.set_preference(cast.editor, delivery=choice)
        assert preference_of(cast.editor).delivery == choice
    services.set_preference(cast.editor, checkin_reminders=False)
    saved = NotificationPreference.objects.get(user=cast.editor)
    assert (saved.delivery, saved.checkin_reminders) == ("weekly", False)


def test_it_refuses_an_unknown_choice_naming_the_field(cast: Cast) -> None:
    from northline.lib.errors import Invalid

    with pytest.raises(Invalid) as refused:
        services.set_preference(cast.editor, delivery="hourly")
    assert list(refused.value.fields) == ["delivery"]
    assert not NotificationPreference.objects.exists()


# E-mail at once ---------------------------------------------------------------------------


def test_immediate_sends_at_once_with_a_link_back_and_the_preference_page(cast: Cast) -> None:
    notify_edith(cast)
    assert sent_to() == ["edith@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[Acme Ministry] Proposed: a new mission"
    assert message.body == (
        "Read the proposal and comment before Friday.\n\n"
        f"{BASE}/o/acme/strategy/\n\n"
        f"Choose how Northline e-mails you: {BASE}/me/preferences/"
    )


def test_inbox_only_sends_nothing_but_fills_the_inbox(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="inbox")
    notify_edith(cast)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=cast.editor).count() == 1


@pytest.mark.parametrize("choice", ["daily", "weekly"])
def test_digest_people_get_nothing_at_once(cast: Cast, choice: str) -> None:
    services.set_preference(cast.editor, delivery=choice)
    notify_edith(cast)
    assert mail.outbox == []


def test_nothing_goes_to_someone_without_an_address(cast: Cast) -> None:
    cast.editor.email = ""
    cast.editor.save(update_fields=["email"])
    notify_edith(cast)
    assert mail.outbox == []


def test_nothing_goes_to_someone_who_left_the_organization_before_it_was_sent(
    cast: Cast,
) -> None:
    notification = notify_edith(cast)
    mail.outbox.clear()
    Membership.objects.filter(user=cast.editor, organization=cast.org).delete()
    from northline.orgs.tasks import email_notifications

    assert email_notifications.call([notification.pk]) == 0
    assert mail.outbox == []


# Digests ----------------------------------------------------------------------------------


def test_a_daily_digest_lists_what_is_new_by_organization_once(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="daily")
    services.add_member(cast.access(cast.outsider, cast.other_org), user=cast.editor, role="viewer")
    notify_edith(cast, "Proposed: a new mission")
    notify_edith(cast, "Release decided", org=cast.other_org)
    read = notify_edith(cast, "Already read")
    services.mark_read(cast.editor, Notification.objects.filter(pk=read.pk))
    tomorrow = timezone.now() + dt.timedelta(days=1)

    assert send_digests_at(tomorrow) == 1
    (message,) = mail.outbox
    assert message.to == ["edith@example.org"]
    assert message.subject == "Northline daily digest: 2 new notifications"
    body = message.body
    assert body.index("Acme Ministry\n- Proposed: a new mission\n  " + BASE + "/o/acme/strategy/")
    assert body.index("Elsewhere Agency\n- Release decided") > body.index("Acme Ministry")
    assert "Already read" not in body
    assert f"Choose how Northline e-mails you: {BASE}/me/preferences/" in body
    assert f"{BASE}/me/unsubscribe/{unsubscribe_token(cast.editor)}/" in body

    # The next day, nothing new: no mail.
    assert send_digests_at(tomorrow + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_a_digest_carries_the_one_click_unsubscribe_headers(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="daily")
    notify_edith(cast)
    send_digests_at(timezone.now() + dt.timedelta(days=1))
    headers = mail.outbox[0].extra_headers
    link = f"{BASE}/me/unsubscribe/{unsubscribe_token(cast.editor)}/"
    assert headers["List-Unsubscribe"] == f"<{link}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As the mail client reads them, once the message is encoded.
    encoded = mail.outbox[0].message()
    assert (encoded["List-Unsubscribe"], encoded["List-Unsubscribe-Post"]) == (
        f"<{link}>",
        "List-Unsubscribe=One-Click",
    )


def test_a_weekly_digest_goes_out_on_monday_only(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="weekly")
    notify_edith(cast)
    monday = next_monday_at_seven()
    assert send_digests_at(monday - dt.timedelta(days=1)) == 0  # Sunday
    assert send_digests_at(monday + dt.timedelta(days=1)) == 0  # the Tuesday after: not a Monday
    assert mail.outbox == []
    assert send_digests_at(monday) == 1
    assert mail.outbox[0].subject == "Northline weekly digest: 1 new notification"


def test_no_digest_for_someone_immediate_or_inbox_only(cast: Cast) -> None:
    services.set_preference(cast.admin, delivery="inbox")
    services.notify(cast.org, [cast.owner, cast.admin], kind="decision", title="Proposed")
    mail.outbox.clear()
    assert send_digests_at(next_monday_at_seven()) == 0
    assert mail.outbox == []


def test_no_digest_for_an_inactive_user_or_one_without_an_address(cast: Cast) -> None:
    for user in (cast.editor, cast.viewer):
        services.set_preference(user, delivery="daily")
    services.notify(cast.org, [cast.editor, cast.viewer], kind="decision", title="Proposed")
    cast.editor.is_active = False
    cast.editor.save(update_fields=["is_active"])
    cast.viewer.email = ""
    cast.viewer.save(update_fields=["email"])
    assert send_digests_at(timezone.now() + dt.timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_digest_leaves_out_an_organization_the_person_left(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="daily")
    notify_edith(cast)
    Membership.objects.filter(user=cast.editor, organization=cast.org).delete()
    assert send_digests_at(timezone.now() + dt.timedelta(days=1)) == 0


# The unsubscribe link ---------------------------------------------------------------------


def unsubscribe_path(token: str) -> str:
    return f"/me/unsubscribe/{token}/"


def test_the_link_asks_first_and_a_get_changes_nothing(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="weekly")
    page = Client().get(unsubscribe_path(unsubscribe_token(cast.editor)))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop the digests" in html and "edith" in html
    assert preference_of(cast.editor).delivery == "weekly"


def test_one_click_switches_to_inbox_only_without_a_session_or_csrf(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="daily")
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        unsubscribe_path(unsubscribe_token(cast.editor)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert "now hears from Northline in the inbox only" in answer.content.decode()
    assert preference_of(cast.editor).delivery == "inbox"
    # The next digest run sends her nothing.
    notify_edith(cast)
    assert send_digests_at(timezone.now() + dt.timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_tampered_token_is_not_found_and_changes_nothing(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="daily")
    token = unsubscribe_token(cast.editor)
    user_id, signature = token.split(":", 1)
    # Edith's signature with Victor's id: someone else's digest.
    for forged in (f"{cast.viewer.pk}:{signature}", f"{user_id}:{signature[:-1]}x", "nonsense"):
        assert Client().post(unsubscribe_path(forged)).status_code == 404
        assert Client().get(unsubscribe_path(forged)).status_code == 404
    assert preference_of(cast.editor).delivery == "daily"
    assert not NotificationPreference.objects.filter(user=cast.viewer).exists()


def test_a_token_signed_for_another_purpose_does_not_open_it(cast: Cast) -> None:
    from django.core import signing

    services.set_preference(cast.editor, delivery="daily")
    other = signing.Signer(salt="something.else").sign(str(cast.editor.pk))
    assert Client().post(unsubscribe_path(other)).status_code == 404
    assert preference_of(cast.editor).delivery == "daily"


def test_another_users_token_changes_only_that_user(cast: Cast) -> None:
    services.set_preference(cast.editor, delivery="daily")
    services.set_preference(cast.viewer, delivery="daily")
    Client().post(unsubscribe_path(unsubscribe_token(cast.viewer)))
    assert preference_of(cast.editor).delivery == "daily"
    assert preference_of(cast.viewer).delivery == "inbox"


# The API ----------------------------------------------------------------------------------


def test_the_api_reads_and_changes_my_preference(cast: Cast) -> None:
    api = ApiClient(cast.editor)
    assert api.get("/me/preferences").json() == {
        "delivery": "immediate",
        "checkin_reminders": True,
    }
    answer = api.patch("/me/preferences", {"delivery": "weekly"})
    assert answer.status_code == 200
    assert answer.json() == {"delivery": "weekly", "checkin_reminders": True}
    answer = api.patch("/me/preferences", {"checkin_reminders": False})
    assert answer.json() == {"delivery": "weekly", "checkin_reminders": False}
    # Someone else's preference is untouched.
    assert ApiClient(cast.viewer).get("/me/preferences").json()["delivery"] == "immediate"


def test_the_api_refuses_an_anonymous_caller(cast: Cast) -> None:
    assert ApiClient().get("/me/preferences").status_code == 401
    answer = ApiClient().patch("/me/preferences", {"delivery": "inbox"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


def test_the_api_names_the_field_it_refuses(cast: Cast) -> None:
    api = ApiClient(cast.editor)
    answer = api.patch("/me/preferences", {"delivery": "hourly"})
    assert answer.status_code == 422
    assert list(answer.json()["error"]["fields"]) == ["delivery"]
    answer = api.patch("/me/preferences", {"checkin_reminders": "sometimes"})
    assert list(answer.json()["error"]["fields"]) == ["checkin_reminders"]
    assert not NotificationPreference.objects.exists()
