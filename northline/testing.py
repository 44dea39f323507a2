"""Test helpers every app's tests share: named users, an API client, query counting."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from northline.orgs import services
from northline.orgs.access import Access, access_organization
from northline.orgs.models import ApiToken, Organization, Role

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, **extra: Any) -> User:
    User = get_user_model()
    user = User(username=username, email=f"{username}@example.org", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Cast:
    """The named users of every test: one per role in ``org``, and an outsider of ``other_org``."""

    org: Organization
    other_org: Organization
    owner: User
    admin: User
    editor: User
    viewer: User
    outsider: User

    def access(self, user: User, org: Organization | None = None) -> Access:
        return access_organization(user, (org or self.org).slug)

    @property
    def owner_access(self) -> Access:
        return self.access(self.owner)


def make_cast() -> Cast:
    owner = make_user("olivia", first_name="Olivia", last_name="Owner")
    org = services.create_organization(owner, slug="acme", name="Acme Ministry")
    owner_access = access_organization(owner, org.slug)
    members = {}
    for role, username in [(Role.ADMIN, "adam"), (Role.EDITOR, "edith"), (Role.VIEWER, "victor")]:
        user = make_user(username, first_name=username.title())
        services.add_member(owner_access, user=user, role=role)
        members[role] = user
    outsider = make_user("oscar", first_name="Oscar", last_name="Outsider")
    other_org = services.create_organization(outsider, slug="elsewhere", name="Elsewhere Agency")
    return Cast(
        org=org,
        other_org=other_org,
        owner=owner,
        admin=members[Role.ADMIN],
        editor=members[Role.EDITOR],
        viewer=members[Role.VIEWER],
        outsider=outsider,
    )


def signed_in(user: User) -> Client:
    """A web client with ``user``'s session, as after signing in."""
    client = Client()
    client.force_login(user)
    return client


def legacy_token(user: User, name: str = "tests") -> tuple[ApiToken, str]:
    """A token as made before tokens had scopes: every organization of its user, read and
    write, no expiry. No service makes one any more; installations still hold them."""
    prefix = secrets.token_hex(4)
    raw = f"{services.TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=services.digest_of(raw), scope="write"
    )
    return token, raw


class ApiClient:
    """JSON calls to /api/v1 with a bearer token (or none, for the anonymous caller).

    With ``organization``, the token is a new one limited to it with ``scope``; without, a
    legacy token that reaches all the user's organizations (most tests are about the routes,
    not the token)."""

    def __init__(
        self,
        user: User | None = None,
        *,
        organization: Organization | None = None,
        scope: str = "write",
        raw_token: str | None = None,
    ) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if raw_token is None and user is not None:
            if organization is None:
                _, raw_token = legacy_token(user)
            else:
                _, raw_token = services.create_token(
                    user, name="tests", organization=organization, scope=scope
                )
        if raw_token is not None:
            self.headers["Authorization"] = f"Bearer {raw_token}"

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs: dict[str, Any] = {"headers": self.headers}
        if method == "get":
            kwargs["data"] = query
        else:
            if query:
                from urllib.parse import urlencode

                url = f"{url}?{urlencode(query)}"
            if body is not None:
                kwargs["data"] = json.dumps(body)
                kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path: str, **query: Any) -> Any:
        return self.call("get", path, **query)

    def post(self, path: str, body: Any = None, **query: Any) -> Any:
        return self.call("post", path, body, **query)

    def patch(self, path: str, body: Any = None, **query: Any) -> Any:
        return self.call("patch", path, body, **query)

    def put(self, path: str, body: Any = None, **query: Any) -> Any:
        return self.call("put", path, body, **query)

    def delete(self, path: str, **query: Any) -> Any:
        return self.call("delete", path, None, **query)


def count_queries(action: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def assert_queries_constant(action: Callable[[], Any], grow: Callable[[], Any]) -> int:
    """Run ``action``, let ``grow`` add rows, run it again: the query count must not change.

    Returns the count, so a test can also pin it (``== 6``) and notice when it creeps up.
    """
    action()  # warm caches (content types, sessions) so both measured runs are alike
    before = count_queries(action)
    grow()
    after = count_queries(action)
    assert before == after, f"query count grew with the rows: {before} → {after}"
    return after
