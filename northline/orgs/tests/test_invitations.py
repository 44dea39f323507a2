"""Invitations instead of forced membership (issue 16 item 2): owners and admins invite an
address; the person at that address accepts, declines or ignores it; nobody learns whether an
address has an account; editors and viewers see names, not addresses.

Mail goes to Django's outbox (the locmem backend of the tests); tasks run inline.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from northline.orgs import services
from northline.orgs.models import Event, Invitation, Membership, Person, Role
from northline.testing import PASSWORD, ApiClient, Cast, make_user, signed_in

pytestmark = pytest.mark.django_db

BASE = "https://northline.example.org"
LINK = re.compile(re.escape(BASE) + r"(/invitations/[0-9a-f]{64}/)")


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.NORTHLINE_BASE_URL = BASE


def invite(client: Client, email: str, role: str = "editor"):
    return client.post(reverse("member_invite", args=["acme"]), {"email": email, "role": role})


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def the_invitation(email: str) -> Invitation:
    return Invitation.objects.get(email=email)


# Inviting -----------------------------------------------------------------------------------


def test_an_admin_invites_by_email_and_the_invitee_gets_a_link(cast: Cast) -> None:
    response = invite(signed_in(cast.admin), "Nina@Example.org")
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/settings/"
    invitation = the_invitation("nina@example.org")
    assert (invitation.role, invitation.invited_by) == ("editor", cast.admin)
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=14)
    [message] = mail.outbox
    assert message.to == ["nina@example.org"]
    assert message.subject == "Invitation to join Acme Ministry on Northline"
    assert "Adam invites you to join Acme Ministry on Northline as editor." in message.body
    link = link_in(message)
    # Only the SHA-256 of the link's secret is stored.
    secret = link.split("/")[2]
    assert invitation.digest != secret
    assert invitation.digest == services.digest_of(secret)
    event = Event.objects.get(object_type="orgs.invitation", verb="created")
    assert (event.actor, event.organization) == (cast.admin, cast.org)
    assert event.changes["email"] == "nina@example.org"
    assert event.changes["role"] == "editor"
    # Nobody is a member until they accept.
    assert not Membership.objects.filter(organization=cast.org, user__email="nina@example.org")


def test_the_pending_invitation_is_listed_for_managers_with_resend_and_withdraw(
    cast: Cast,
) -> None:
    invite(signed_in(cast.admin), "nina@example.org")
    page = signed_in(cast.admin).get(reverse("org_settings", args=["acme"])).content.decode()
    assert "Pending invitations" in page
    assert "nina@example.org" in page
    invitation = the_invitation("nina@example.org")
    assert reverse("invitation_resend", args=["acme", invitation.pk]) in page
    assert reverse("invitation_revoke", args=["acme", invitation.pk]) in page
    viewer_page = signed_in(cast.viewer).get(reverse("org_settings", args=["acme"]))
    assert viewer_page.status_code == 200
    assert "nina@example.org" not in viewer_page.content.decode()
    assert "Invite by e-mail" not in viewer_page.content.decode()


def answers_of(client: Client, email: str) -> tuple[int, str, list[str]]:
    """What the inviter sees: the status, where it goes, and the page's messages after it."""
    response = invite(client, email)
    follow = client.get(response["Location"])
    said = [str(message) for message in follow.context["messages"]]
    return response.status_code, response["Location"], said


def test_inviting_a_member_or_a_pending_address_answers_like_a_fresh_invitation(
    cast: Cast,
) -> None:
    admin = signed_in(cast.admin)
    fresh = answers_of(admin, "nina@example.org")
    assert fresh == (302, "/o/acme/settings/", ["Invitation sent to nina@example.org."])
    # victor@example.org is a member (the viewer); nina@ is now pending; nobody@ is unknown.
    assert answers_of(admin, "victor@example.org") == (
        302,
        "/o/acme/settings/",
        ["Invitation sent to victor@example.org."],
    )
    assert answers_of(admin, "nina@example.org") == fresh
    assert answers_of(admin, "oscar@example.org") == (
        302,
        "/o/acme/settings/",
        ["Invitation sent to oscar@example.org."],
    )


def test_the_api_answers_identically_for_new_pending_member_and_account_holder(
    cast: Cast,
) -> None:
    api = ApiClient(cast.admin)

    def answer(email: str) -> tuple[int, dict]:
        response = api.post("/orgs/acme/invitations", {"email": email, "role": "editor"})
        return response.status_code, response.json()

    def expected(email: str) -> tuple[int, dict]:
        return 202, {"message": f"Invitation sent to {email}.", "email": email, "role": "editor"}

    assert answer("nobody@example.org") == expected("nobody@example.org")  # no account
    assert answer("nobody@example.org") == expected("nobody@example.org")  # pending
    assert answer("victor@example.org") == expected("victor@example.org")  # a member
    assert answer("oscar@example.org") == expected("oscar@example.org")  # an account elsewhere
    # The member got nothing and stays a viewer; the pending address got a second, newer link.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "nobody@example.org",
        "nobody@example.org",
        "oscar@example.org",
    ]
    assert Membership.objects.get(organization=cast.org, user=cast.viewer).role == Role.VIEWER
    assert Invitation.objects.filter(email="nobody@example.org").count() == 1


def test_two_invitations_to_one_address_at_once_make_one(cast: Cast, monkeypatch) -> None:
    """The second request looked before the first committed (as on SQLite, where the
    organization's row lock is no lock): its insert meets the open invitation and it answers as
    if it had sent it, without a second row, event or error."""
    services.invite(cast.access(cast.admin), email="nina@example.org", role="editor")
    real = services.open_invitation
    calls: list[str] = []

    def too_early_first(org, address):
        calls.append(address)
        return None if len(calls) == 1 else real(org, address)

    monkeypatch.setattr(services, "open_invitation", too_early_first)
    services.invite(cast.access(cast.admin), email="nina@example.org", role="viewer")
    assert Invitation.objects.filter(email="nina@example.org").count() == 1
    assert the_invitation("nina@example.org").role == "editor"
    assert Event.objects.filter(object_type="orgs.invitation", verb="created").count() == 1
    assert len(calls) == 2  # the look that came too early, and the one after the refusal


def test_a_second_invitation_replaces_the_first_link(cast: Cast) -> None:
    admin = signed_in(cast.admin)
    invite(admin, "nina@example.org", "viewer")
    first = link_in(mail.outbox[0])
    with time_machine.travel(dt.timedelta(seconds=5)):
        invite(admin, "nina@example.org", "editor")
    second = link_in(mail.outbox[1])
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert the_invitation("nina@example.org").role == "editor"
    resent = Event.objects.get(object_type="orgs.invitation", verb="resent")
    assert resent.changes["role"] == ["viewer", "editor"]


def test_it_refuses_a_bad_address_naming_the_field(cast: Cast) -> None:
    response = invite(signed_in(cast.admin), "not-an-address")
    assert response.status_code == 422
    assert b"Enter a valid email address." in response.content
    api = ApiClient(cast.admin).post("/orgs/acme/invitations", {"email": "nope", "role": "viewer"})
    assert api.status_code == 422
    assert api.json()["error"]["fields"] == {"email": "Enter a valid e-mail address."}
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_only_owners_and_admins_invite(cast: Cast) -> None:
    for user in (cast.viewer, cast.editor):
        response = invite(signed_in(user), "nina@example.org")
        assert response.status_code == 403, user
        api = ApiClient(user).post("/orgs/acme/invitations", {"email": "nina@example.org"})
        assert api.status_code == 403, user
        assert ApiClient(user).get("/orgs/acme/invitations").status_code == 403
    assert invite(signed_in(cast.outsider), "nina@example.org").status_code == 404
    outsider_api = ApiClient(cast.outsider)
    assert outsider_api.post("/orgs/acme/invitations", {"email": "n@example.org"}).status_code == (
        404
    )
    assert outsider_api.get("/orgs/acme/invitations").status_code == 404
    anonymous = invite(Client(), "nina@example.org")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert ApiClient().post("/orgs/acme/invitations", {"email": "n@example.org"}).status_code == (
        401
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_admin_cannot_invite_an_owner_but_an_owner_can(cast: Cast) -> None:
    refused = invite(signed_in(cast.admin), "nina@example.org", "owner")
    # The admin's form does not offer the owner role at all.
    assert refused.status_code == 422
    api = ApiClient(cast.admin).post(
        "/orgs/acme/invitations", {"email": "nina@example.org", "role": "owner"}
    )
    assert api.status_code == 403
    assert not Invitation.objects.exists()
    assert invite(signed_in(cast.owner), "nina@example.org", "owner").status_code == 302
    invitation = the_invitation("nina@example.org")
    assert invitation.role == "owner"
    # …and the admin can neither change, re-send nor withdraw the owner's invitation.
    assert ApiClient(cast.admin).post(
        "/orgs/acme/invitations", {"email": "nina@example.org", "role": "viewer"}
    ).status_code == (403)
    admin = signed_in(cast.admin)
    assert admin.post(reverse("invitation_revoke", args=["acme", invitation.pk])).status_code == 403
    assert admin.post(reverse("invitation_resend", args=["acme", invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert (invitation.role, invitation.revoked_at) == ("owner", None)


# Accepting and declining --------------------------------------------------------------------


def test_a_person_without_an_account_signs_up_on_the_link_and_is_a_member(cast: Cast) -> None:
    invite(signed_in(cast.admin), "nina@example.org", "editor")
    link = link_in(mail.outbox[0])
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Join Acme Ministry" in text
    assert "nina@example.org" in text
    assert "Create account and join" in text
    response = visitor.post(
        link,
        {
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Novak",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    nina = get_user_model().objects.get(username="nina")
    assert nina.email == "nina@example.org"
    assert Membership.objects.get(organization=cast.org, user=nina).role == Role.EDITOR
    assert Person.objects.get(organization=cast.org, user=nina).name == "Nina Novak"
    # Signed in: the organization's home answers.
    assert visitor.get("/o/acme/").status_code == 200
    invitation = the_invitation("nina@example.org")
    assert invitation.accepted_by == nina
    accepted = Event.objects.get(object_type="orgs.invitation", verb="accepted")
    assert (accepted.actor, accepted.changes) == (nina, {"accepted_by": nina.pk, "role": "editor"})
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 410
    assert b"already accepted" in again.content


def test_sign_up_refuses_mismatched_passwords_and_writes_nothing(cast: Cast) -> None:
    invite(signed_in(cast.admin), "nina@example.org")
    link = link_in(mail.outbox[0])
    response = Client().post(
        link,
        {"username": "nina", "password": PASSWORD, "password_again": PASSWORD + "x"},
    )
    assert response.status_code == 422
    assert b"The two passwords differ." in response.content
    weak = Client().post(link, {"username": "nina", "password": "123", "password_again": "123"})
    assert weak.status_code == 422
    assert not get_user_model().objects.filter(username="nina").exists()
    assert the_invitation("nina@example.org").accepted_at is None


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"NORTHLINE_INVITATION_SIGNUP": False}, id="accounts-from-single-sign-on"),
        # NORTHLINE_INVITATION_SIGNUP left on, but single sign-on is the only way in: an account
        # made with a password could never sign in.
        pytest.param(
            {
                "NORTHLINE_OIDC_ISSUER": "https://idp.example.org",
                "NORTHLINE_LOCAL_PASSWORDS": False,
            },
            id="password-sign-in-off",
        ),
    ],
)
def test_no_sign_up_form_where_no_password_account_could_sign_in(
    cast: Cast, settings, overrides: dict[str, object]
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    invite(signed_in(cast.admin), "nina@example.org")
    link = link_in(mail.outbox[0])
    page = Client().get(link)
    assert page.status_code == 200
    assert b"Create account and join" not in page.content
    assert b"Sign in to accept or decline" in page.content
    Client().post(link, {"username": "nina", "password": PASSWORD, "password_again": PASSWORD})
    assert not get_user_model().objects.filter(username="nina").exists()
    assert the_invitation("nina@example.org").accepted_at is None


def test_a_signed_in_person_accepts_from_the_link_with_their_account(cast: Cast) -> None:
    invite(signed_in(cast.admin), "oscar@example.org", "viewer")
    link = link_in(mail.outbox[0])
    oscar = signed_in(cast.outsider)
    page = oscar.get(link).content.decode()
    assert "You are signed in as <strong>oscar</strong>" in page
    invitation = the_invitation("oscar@example.org")
    token = link.split("/")[2]
    response = oscar.post(reverse("invitation_accept", args=[invitation.pk]), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    assert Membership.objects.get(organization=cast.org, user=cast.outsider).role == Role.VIEWER


def test_the_link_is_the_credential_whoever_is_signed_in(cast: Cast) -> None:
    """Sent to nina@, accepted by someone signed in as another account who holds the link: the
    page says so first, and the audit trail names who accepted."""
    invite(signed_in(cast.admin), "nina@example.org", "viewer")
    link = link_in(mail.outbox[0])
    someone = make_user("sam")
    client = signed_in(someone)
    page = client.get(link).content.decode()
    assert "(sam@example.org), not as the address this invitation was sent to" in page
    invitation = the_invitation("nina@example.org")
    client.post(reverse("invitation_accept", args=[invitation.pk]), {"token": link.split("/")[2]})
    assert Membership.objects.filter(organization=cast.org, user=someone).exists()
    assert Event.objects.get(verb="accepted").actor == someone


def test_without_the_link_nobody_else_can_answer_it(cast: Cast) -> None:
    invite(signed_in(cast.admin), "nina@example.org")
    invitation = the_invitation("nina@example.org")
    for token in ("", "0" * 64):
        for name in ("invitation_accept", "invitation_decline"):
            response = signed_in(cast.outsider).post(
                reverse(name, args=[invitation.pk]), {"token": token}
            )
            assert response.status_code == 404
    anonymous = Client().post(reverse("invitation_accept", args=[invitation.pk]))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert Client().get("/invitations/" + "0" * 64 + "/").status_code == 404
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.declined_at) == (None, None)
    assert not Membership.objects.filter(organization=cast.org, user=cast.outsider).exists()


def test_the_home_page_lists_invitations_to_the_accounts_address(cast: Cast) -> None:
    invite(signed_in(cast.owner), "Oscar@Example.org", "editor")
    oscar = signed_in(cast.outsider)
    # Oscar belongs to one organization: home would take him there, but an invitation waits.
    home = oscar.get(reverse("home"))
    assert home.status_code == 200
    text = home.content.decode()
    assert "Invitations for you" in text
    assert "Acme Ministry" in text
    invitation = the_invitation("oscar@example.org")
    response = oscar.post(reverse("invitation_accept", args=[invitation.pk]))
    assert response["Location"] == "/o/acme/"
    assert Membership.objects.get(organization=cast.org, user=cast.outsider).role == Role.EDITOR
    # Answered: home goes back to listing nothing (and, with two organizations, no redirect).
    assert "Invitations for you" not in oscar.get(reverse("home")).content.decode()


def test_declining_closes_the_invitation_and_makes_no_member(cast: Cast) -> None:
    invite(signed_in(cast.admin), "oscar@example.org")
    invitation = the_invitation("oscar@example.org")
    oscar = signed_in(cast.outsider)
    response = oscar.post(reverse("invitation_decline", args=[invitation.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/?all=1"
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(organization=cast.org, user=cast.outsider).exists()
    assert Event.objects.get(object_type="orgs.invitation", verb="declined").actor == (
        cast.outsider
    )
    late = oscar.post(reverse("invitation_accept", args=[invitation.pk]))
    assert late.status_code == 410
    assert b"This invitation was declined." in late.content
    assert not Membership.objects.filter(organization=cast.org, user=cast.outsider).exists()


def test_an_expired_invitation_cannot_be_accepted(cast: Cast) -> None:
    invite(signed_in(cast.admin), "nina@example.org")
    link = link_in(mail.outbox[0])
    with time_machine.travel(dt.timedelta(days=14, seconds=1)):
        page = Client().get(link)
        assert page.status_code == 410
        assert b"This invitation has expired" in page.content
        refused = Client().post(
            link, {"username": "nina", "password": PASSWORD, "password_again": PASSWORD}
        )
        assert refused.status_code == 410
    assert not get_user_model().objects.filter(username="nina").exists()


def test_a_withdrawn_invitation_cannot_be_accepted(cast: Cast) -> None:
    invite(signed_in(cast.admin), "oscar@example.org")
    link = link_in(mail.outbox[0])
    invitation = the_invitation("oscar@example.org")
    withdraw = signed_in(cast.admin).post(
        reverse("invitation_revoke", args=["acme", invitation.pk])
    )
    assert withdraw.status_code == 302
    assert Event.objects.get(object_type="orgs.invitation", verb="revoked").actor == cast.admin
    assert Client().get(link).status_code == 410
    response = signed_in(cast.outsider).post(
        reverse("invitation_accept", args=[invitation.pk]), {"token": link.split("/")[2]}
    )
    assert response.status_code == 410
    assert b"withdrawn by the organization" in response.content
    assert not Membership.objects.filter(organization=cast.org, user=cast.outsider).exists()
    # Gone from the pending list.
    page = signed_in(cast.admin).get(reverse("org_settings", args=["acme"])).content.decode()
    assert "oscar@example.org" not in page


def test_resend_mails_a_new_link_and_retires_the_old(cast: Cast) -> None:
    invite(signed_in(cast.admin), "nina@example.org")
    old = link_in(mail.outbox[0])
    invitation = the_invitation("nina@example.org")
    with time_machine.travel(dt.timedelta(days=10)):
        response = signed_in(cast.admin).post(
            reverse("invitation_resend", args=["acme", invitation.pk])
        )
        assert response.status_code == 302
        new = link_in(mail.outbox[1])
        assert Client().get(old).status_code == 404
        assert Client().get(new).status_code == 200
    with time_machine.travel(dt.timedelta(days=20)):
        # Fourteen days from the second e-mail, not the first.
        assert Client().get(new).status_code == 200


def test_the_api_lists_resends_and_withdraws_invitations(cast: Cast) -> None:
    api = ApiClient(cast.admin)
    api.post("/orgs/acme/invitations", {"email": "nina@example.org", "role": "viewer"})
    listed = api.get("/orgs/acme/invitations").json()
    [item] = listed["items"]
    assert (item["email"], item["role"], item["invited_by"]) == (
        "nina@example.org",
        "viewer",
        "adam",
    )
    resent = api.post(f"/orgs/acme/invitations/{item['id']}/resend")
    assert resent.status_code == 200
    assert api.delete(f"/orgs/acme/invitations/{item['id']}").status_code == 204
    assert api.get("/orgs/acme/invitations").json()["items"] == []
    assert len(mail.outbox) == 2
    assert ApiClient(cast.editor).delete(f"/orgs/acme/invitations/{item['id']}").status_code == 403


def test_the_api_no_longer_adds_a_named_user(cast: Cast) -> None:
    response = ApiClient(cast.owner).post("/orgs/acme/members", {"user": "oscar", "role": "viewer"})
    assert response.status_code == 405
    assert not Membership.objects.filter(organization=cast.org, user=cast.outsider).exists()


# Who sees addresses ---------------------------------------------------------------------------


# Owners and admins see people's addresses; editors and viewers do not.
addresses_shown = pytest.mark.parametrize(
    ("role", "shown"), [("owner", True), ("admin", True), ("editor", False), ("viewer", False)]
)


@pytest.fixture
def priya(cast: Cast) -> Person:
    return services.create_person(
        cast.owner_access, name="Priya Patel", email="priya@example.org", title="Analyst"
    )


@addresses_shown
def test_pages_show_addresses_to_owners_and_admins_only(
    cast: Cast, priya: Person, role: str, shown: bool
) -> None:
    client = signed_in(getattr(cast, role))
    pages = [
        reverse("people", args=["acme"]),
        reverse("person", args=["acme", priya.pk]),
        reverse("org_settings", args=["acme"]),
        reverse("history", args=["acme"]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert ("@example.org" in text) is shown, url
    # Searching by address finds nobody for those who may not see addresses.
    found = client.get(reverse("people", args=["acme"]), {"q": "priya@"}).content.decode()
    assert ("Priya Patel" in found) is shown
    # Names are for everyone.
    assert "Priya Patel" in client.get(reverse("people", args=["acme"])).content.decode()


@addresses_shown
def test_the_api_shows_addresses_to_owners_and_admins_only(
    cast: Cast, priya: Person, role: str, shown: bool
) -> None:
    api = ApiClient(getattr(cast, role))
    members = {
        m["user"]["username"]: m["user"]["email"]
        for m in api.get("/orgs/acme/members").json()["items"]
    }
    assert members["victor"] == ("victor@example.org" if shown else None)
    assert members["olivia"] == ("olivia@example.org" if shown else None)
    viewer_membership = Membership.objects.get(organization=cast.org, user=cast.viewer)
    one = api.get(f"/orgs/acme/members/{viewer_membership.pk}").json()
    assert one["user"]["email"] == ("victor@example.org" if shown else None)
    people = {p["name"]: p["email"] for p in api.get("/orgs/acme/people").json()["items"]}
    assert people["Priya Patel"] == ("priya@example.org" if shown else None)
    assert api.get(f"/orgs/acme/people/{priya.pk}").json()["email"] == (
        "priya@example.org" if shown else None
    )
    by_address = api.get("/orgs/acme/people", q="priya@").json()["items"]
    assert [p["name"] for p in by_address] == (["Priya Patel"] if shown else [])
    created = api.get(
        "/orgs/acme/events", object_type="orgs.person", object_id=str(priya.pk)
    ).json()["items"][0]
    assert ("email" in created["changes"]) is shown
    assert created["changes"]["name"] == "Priya Patel"
    # Your own address is yours to read.
    assert api.get("/me").json()["email"] == f"{getattr(cast, role).username}@example.org"
