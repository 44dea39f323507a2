"""The preference page (/me/preferences/): who may see it, what it shows, and saving."""

from __future__ import annotations

from django.test import Client

from northline.orgs import services as org_services
from northline.orgs.models import NotificationPreference
from northline.orgs.selectors import preference_of
from northline.testing import Cast, signed_in


def test_it_sends_the_anonymous_visitor_to_sign_in(cast: Cast) -> None:
    for method in ("get", "post"):
        response = getattr(Client(), method)("/me/preferences/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/me/preferences/"
    assert not NotificationPreference.objects.exists()


def test_it_shows_the_four_choices_in_plain_words_and_the_current_one(cast: Cast) -> None:
    org_services.set_preference(cast.editor, delivery="weekly")
    html = signed_in(cast.editor).get("/me/preferences/").content.decode()
    for words in (
        "Inbox only, no e-mail",
        "Inbox, and an e-mail for each notification at once",
        "Inbox, and one e-mail a day listing what is new",
        "Inbox, and one e-mail each Monday listing the week&#x27;s news",
        "E-mail me each Monday the key results I own that are due a check-in",
    ):
        assert words in html
    assert "<legend>How should Northline tell you about new notifications?</legend>" in html
    assert 'value="weekly" required id="id_delivery_3" checked>' in html
    assert html.count(" checked>") == 2  # the weekly choice and the reminder, on by default


def test_it_saves_and_says_so_after_a_redirect(cast: Cast) -> None:
    client = signed_in(cast.editor)
    response = client.post("/me/preferences/", {"delivery": "daily"})
    assert response.status_code == 302
    assert response["Location"] == "/me/preferences/"
    preference = preference_of(cast.editor)
    # An unticked box is a box turned off.
    assert (preference.delivery, preference.checkin_reminders) == ("daily", False)
    assert "Saved." in client.get("/me/preferences/").content.decode()
    # Only hers changed.
    assert preference_of(cast.viewer).pk is None


def test_it_refuses_an_unknown_choice_and_changes_nothing(cast: Cast) -> None:
    response = signed_in(cast.editor).post(
        "/me/preferences/", {"delivery": "hourly", "checkin_reminders": "on"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_it_warns_someone_without_an_address(cast: Cast) -> None:
    cast.editor.email = ""
    cast.editor.save(update_fields=["email"])
    html = signed_in(cast.editor).get("/me/preferences/").content.decode()
    assert "Your account has no e-mail address" in html


def test_my_work_and_the_inbox_link_to_it(cast: Cast) -> None:
    client = signed_in(cast.editor)
    for page in ("/me/", "/inbox/"):
        assert 'href="/me/preferences/"' in client.get(page).content.decode()
