"""The access helpers (STYLE §3): every read or write of tenant data starts here.

An outsider gets ``NotFound`` for an organization or record they cannot see, exactly as for one
that does not exist; a member whose role is too low to write gets ``Forbidden``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from northline.lib.errors import Forbidden, NotAuthenticated, NotFound
from northline.orgs.models import (
    ROLE_RANK,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    Person,
    Role,
    Team,
    TeamMember,
    TenantModel,
)

M = TypeVar("M", bound=TenantModel)

ROLE_NEEDED_TO = {
    "read": Role.VIEWER,
    "write": Role.EDITOR,  # domain records: strategy, goals, epics, …
    "manage": Role.ADMIN,  # people, teams, memberships, settings
    "own": Role.OWNER,  # deleting the organization, granting ownership
}


# What an API token of each scope may do at most, whatever its user's role: owner-only
# operations (deleting the organization, granting ownership) need a signed-in browser.
TOKEN_SCOPE_ALLOWS = {"read": {"read"}, "write": {"read", "write", "manage"}}


@dataclass(frozen=True)
class Access:
    """A signed-in user acting inside one organization with one role (through an API token of
    ``token_scope``, or None for the browser, the CLI and the demo)."""

    user: User
    organization: Organization
    role: str
    token_scope: str | None = None

    def can(self, action: str) -> bool:
        if not self.token_allows(action):
            return False
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[ROLE_NEEDED_TO[action]]

    def token_allows(self, action: str) -> bool:
        return self.token_scope is None or action in TOKEN_SCOPE_ALLOWS[self.token_scope]

    def require(self, action: str) -> None:
        if not self.token_allows(action):
            raise token_scope_refusal(self.token_scope, action)
        if not self.can(action):
            needed = ROLE_NEEDED_TO[action]
            raise Forbidden(
                f"Your role in {self.organization.name} is {self.role}; "
                f"this needs {needed.label.lower()} or above."
            )

    @property
    def can_write(self) -> bool:
        return self.can("write")

    @property
    def can_manage(self) -> bool:
        return self.can("manage")


def token_scope_refusal(scope: str | None, action: str) -> Forbidden:
    if action == "own":
        message = "Owner-only operations need a signed-in browser session, not an API token."
    else:
        message = "This API token is read-only; create a read-write token to change records."
    return Forbidden(message, code="token_scope")


def require_user(user: User | AnonymousUser | None) -> User:
    if user is None or not user.is_authenticated:
        raise NotAuthenticated("Sign in or send a bearer token.")
    assert isinstance(user, User)
    return user


def access_organization(user: User | AnonymousUser | None, slug: str) -> Access:
    """The caller's access to the organization ``slug``; 404 unless they are a member."""
    signed_in = require_user(user)
    membership = (
        Membership.objects.select_related("organization")
        .filter(organization__slug=slug, user_id=signed_in.pk, user__is_active=True)
        .first()
    )
    if membership is None:
        raise NotFound(f"No organization named {slug!r}.")
    return Access(user=signed_in, organization=membership.organization, role=membership.role)


def get_in_org[M: TenantModel](
    access: Access,
    queryset: models.QuerySet[M],
    pk: object,
    action: str = "read",
    label: str | None = None,
) -> M:
    """One record of the caller's organization: 404 outside it, then 403 if the role is short.

    The organization filter comes first so that a record of another organization is
    indistinguishable from one that does not exist.
    """
    record = queryset.filter(organization=access.organization, pk=pk).first()
    if record is None:
        name = label or queryset.model._meta.verbose_name
        raise NotFound(f"No {name} with id {pk} in this organization.")
    access.require(action)
    return record


def in_org[R: models.Model](
    access: Access, model: type[R], value: R | int | None, field: str
) -> R | None:
    """``value`` (an instance or an id from a request) as a record of the caller's organization,
    or None; another organization's record is not found, naming ``field``."""
    if value is None or value == "":
        return None
    if (
        isinstance(value, model)
        and value.pk is not None
        and getattr(value, "organization_id", None) == access.organization.pk
    ):
        # A record the server read already, of this organization (an id from a request is
        # never an instance): no second read. An import passes thousands of these.
        return value
    pk = value.pk if isinstance(value, models.Model) else value
    record = model._default_manager.filter(organization=access.organization, pk=pk).first()
    if record is None:
        name = model._meta.verbose_name
        raise NotFound(
            f"No {name} with id {pk} in this organization.", fields={field: "Not found."}
        )
    return record


def resolve_in_org(
    access: Access, fields: dict[str, Any], references: dict[str, type[models.Model]]
) -> dict[str, Any]:
    """The foreign keys among ``fields`` (named in ``references``) as records of the caller's
    organization; other fields pass through."""
    resolved = dict(fields)
    for name, model in references.items():
        if name in resolved:
            resolved[name] = in_org(access, model, resolved[name], name)
    return resolved


def access_person(access: Access, person_id: int, action: str = "read") -> Person:
    return get_in_org(access, Person.objects.select_related("user"), person_id, action)


def access_team(access: Access, team_id: int, action: str = "read") -> Team:
    return get_in_org(access, Team.objects.all(), team_id, action)


def access_team_member(
    access: Access, team: Team, member_id: int, action: str = "read"
) -> TeamMember:
    return get_in_org(
        access,
        TeamMember.objects.filter(team=team).select_related("person", "team"),
        member_id,
        action,
        label="team member",
    )


def access_membership(access: Access, membership_id: int, action: str = "read") -> Membership:
    return get_in_org(
        access, Membership.objects.select_related("user"), membership_id, action, "membership"
    )


def access_token(user: User | AnonymousUser | None, token_id: int) -> ApiToken:
    """A user's own token; someone else's is not found."""
    signed_in = require_user(user)
    token = ApiToken.objects.filter(user_id=signed_in.pk, pk=token_id).first()
    if token is None:
        raise NotFound(f"No API token with id {token_id}.")
    return token


def invitation_of_link(token: str) -> Invitation:
    """The invitation an e-mailed link opens, to anyone holding it; 404 for a link we never
    sent, or one a newer e-mail replaced. Found by the SHA-256 of the link's secret."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(digest=digest)
        .first()
    )
    if invitation is None:
        raise NotFound(
            "This invitation link is not valid. If the organization sent you a newer e-mail, "
            "use the link in that one."
        )
    return invitation


def access_invitation(
    user: User | AnonymousUser | None, invitation_id: int, token: str = ""
) -> Invitation:
    """An invitation the signed-in user may answer: one whose link they hold (``token``), or one
    sent to their account's own address. Any other is not found."""
    signed_in = require_user(user)
    invitation = Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
    if invitation is not None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        if token and secrets.compare_digest(invitation.digest, digest):
            return invitation
        if signed_in.email and invitation.email == signed_in.email.lower():
            return invitation
    raise NotFound(f"No invitation with id {invitation_id} for you.")


def access_org_invitation(access: Access, invitation_id: int) -> Invitation:
    """An invitation of the caller's organization, for the owners and admins who manage them."""
    invitation = (
        Invitation.objects.select_related("invited_by")
        .filter(organization=access.organization, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise NotFound(f"No invitation with id {invitation_id} in this organization.")
    access.require("manage")
    return invitation


def organizations_of(user: User) -> models.QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk).values("organization_id")
    )
