"""The API token's one-query lookup (orgs.selectors.token_by_prefix) builds the records the ORM
would: same field values (aware datetimes included, on SQLite and PostgreSQL), the user and the
organization attached, and the owner's role in that organization."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client

from northline.orgs import selectors, services
from northline.orgs.models import ApiToken, Membership, Organization
from northline.testing import Cast, legacy_token

pytestmark = pytest.mark.django_db


def values(record: models.Model) -> dict[str, object]:
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def used_token(cast: Cast, user: User) -> ApiToken:
    """A token of ``user`` for the organization, used once (so last use is stamped)."""
    token, raw = services.create_token(
        user, name="sync", organization=cast.org, scope="write", expires_in_days=30
    )
    services.token_for(raw)
    return token


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_it_reads_the_token_its_user_organization_and_role_as_the_orm_does(cast: Cast, who) -> None:
    user = getattr(cast, who)
    token = used_token(cast, user)
    found = selectors.token_by_prefix(token.prefix)
    assert found is not None
    assert values(found) == values(ApiToken.objects.get(pk=token.pk))
    assert values(found.user) == values(User.objects.get(pk=user.pk))
    assert found.organization is not None
    assert values(found.organization) == values(Organization.objects.get(pk=cast.org.pk))
    assert found.member_role == Membership.objects.get(user=user, organization=cast.org).role  # type: ignore[attr-defined]
    assert found.last_used_at is not None and found.last_used_at.tzinfo is not None
    assert found.expires_at is not None and found.expires_at > found.created_at + dt.timedelta(
        days=29
    )
    assert found.is_active


def test_a_legacy_token_has_no_organization_and_no_role(cast: Cast) -> None:
    token, _ = legacy_token(cast.editor)
    found = selectors.token_by_prefix(token.prefix)
    assert found is not None
    assert (found.pk, found.organization, found.member_role) == (token.pk, None, None)  # type: ignore[attr-defined]
    assert found.is_legacy
    assert values(found.user) == values(User.objects.get(pk=cast.editor.pk))


def test_a_token_of_someone_who_left_the_organization_has_no_role(cast: Cast) -> None:
    token = used_token(cast, cast.editor)
    Membership.objects.filter(user=cast.editor, organization=cast.org).delete()
    found = selectors.token_by_prefix(token.prefix)
    assert found is not None
    assert found.member_role is None  # type: ignore[attr-defined]


def test_it_finds_nothing_for_an_unknown_prefix_or_an_inactive_user(cast: Cast) -> None:
    token = used_token(cast, cast.editor)
    assert selectors.token_by_prefix("0000dead") is None
    User.objects.filter(pk=cast.editor.pk).update(is_active=False)
    assert selectors.token_by_prefix(token.prefix) is None


@pytest.mark.parametrize(
    "secret",
    ["nl_ab\x00cd_x", "nl_" + "9" * 5000 + "_x", "nl_\u202e_x", "nl__x", "nl_ABCDEF12_x"],
    ids=["nul byte", "huge", "bidi control", "empty", "upper case"],
)
def test_a_bearer_no_token_could_have_is_refused_with_401(cast: Cast, secret: str) -> None:
    """Not the shape of a prefix create_token makes: 401 without a query for it (PostgreSQL
    refuses a NUL byte in a parameter: that was a 500)."""
    response = Client(HTTP_HOST="localhost").get(
        "/api/v1/orgs/acme/epics", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
