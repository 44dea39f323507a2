"""API routes for organizations, memberships, people, teams, tokens and history."""

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from northline.lib.errors import naming
from northline.lib.pagination import CursorPage
from northline.lib.schemas import (
    Filters,
    Id,
    Input,
    OrgSlug,
    VersionedInput,
    patch_of,
    username_of,
)
from northline.orgs import access as acl
from northline.orgs import selectors, services
from northline.orgs.access import Access
from northline.orgs.api_auth import caller, caller_access, caller_token, refuse_tokens
from northline.orgs.api_records import (
    Names,
    managed,
    record_routes,
    update_with_version,
    with_fields,
)
from northline.orgs.models import (
    ApiToken,
    Event,
    Invitation,
    Membership,
    Notification,
    Organization,
    Person,
    Team,
)

router = Router(tags=["account"])
org_router = Router(tags=["organization"])

RoleName = Literal["owner", "admin", "editor", "viewer"]
TeamKindName = Literal["product", "business", "operations", "support", "leadership", "lab"]
TeamRoleName = Literal[
    "product_owner",
    "devops_specialist",
    "executive_sponsor",
    "scrum_master",
    "member",
    "stakeholder",
]


# Schemas ---------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    require_second_factor: bool = Field(
        ..., description="Members must sign in with a second factor (owners change it)."
    )
    version: int
    created_at: datetime
    updated_at: datetime


class OrganizationIn(Input):
    slug: str = Field(..., min_length=1, max_length=50, pattern=r"^[a-z0-9-]+$")
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""


class OrganizationPatch(VersionedInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None)
    require_second_factor: bool | None = Field(
        None, description="Owners only; you need an authenticator of your own to turn it on."
    )


ADDRESS_SHOWN = "The e-mail address, for owners and admins; null for editors and viewers."


def address_for(context: Any, email: str) -> str | None:
    """A member's or person's address as the caller may see it: owners and admins see it,
    editors and viewers get null (they see names only)."""
    request = context["request"] if context else None
    access = getattr(request, "access", None)
    return email if access is not None and access.can_manage else None


class MemberUserOut(Schema):
    id: int
    username: str
    email: str | None = Field(None, description=ADDRESS_SHOWN)
    first_name: str
    last_name: str

    @staticmethod
    def resolve_email(user: Any, context: Any) -> str | None:
        return address_for(context, user.email)


class MembershipOut(Schema):
    id: int
    user: MemberUserOut
    role: RoleName
    version: int
    created_at: datetime


class InvitationOut(Schema):
    id: int
    email: str
    role: RoleName
    invited_by: str | None = Field(None, description="The username of who sent it last.")
    sent_at: datetime
    expires_at: datetime

    @staticmethod
    def resolve_invited_by(invitation: Invitation) -> str | None:
        return username_of(invitation.invited_by)


class InvitationIn(Input):
    email: str = Field(..., min_length=3, max_length=254)
    role: RoleName = "viewer"


class InvitationSent(Schema):
    message: str
    email: str
    role: RoleName


class MembershipPatch(VersionedInput):
    role: RoleName


class PersonOut(Schema):
    id: int
    name: str
    email: str | None = Field(None, description=ADDRESS_SHOWN)
    title: str
    user_id: Id | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_email(person: Person, context: Any) -> str | None:
        return address_for(context, person.email)


class PersonIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    title: str = Field("", max_length=200)


PersonPatch = patch_of(PersonIn, "PersonPatch")


class TeamOut(Schema):
    id: int
    name: str
    kind: TeamKindName
    description: str
    version: int
    member_count: int = 0
    created_at: datetime
    updated_at: datetime


class TeamIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    kind: TeamKindName = "product"
    description: str = ""


TeamPatch = patch_of(TeamIn, "TeamPatch")


class TeamMemberOut(Schema):
    id: int
    team_id: Id
    person: PersonOut
    roles: list[TeamRoleName]
    is_employee: bool
    co_located: bool
    version: int


class TeamMemberIn(Input):
    person_id: Id
    roles: list[TeamRoleName] = Field(default_factory=lambda: ["member"])  # type: ignore[arg-type]
    is_employee: bool = True
    co_located: bool = True


TeamMemberPatch = patch_of(TeamMemberIn, "TeamMemberPatch", leave_out=("person_id",))

TokenScopeName = Literal["read", "write"]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    organization: str | None = Field(
        ...,
        alias="organization.slug",
        description="The one organization the token reaches; null for a legacy token made "
        "before tokens had scopes, which reaches all of its user's organizations.",
    )
    scope: TokenScopeName
    created_at: datetime
    expires_at: datetime | None = Field(..., description="Null only for a legacy token.")
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. Shown only in this response; store it now.")


class TokenIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    organization: str = Field(
        ..., min_length=1, max_length=50, description="Slug of one of your organizations."
    )
    scope: TokenScopeName = Field(
        "read", description="`read`: safe methods only; `write`: also changes records."
    )
    expires_in_days: int | None = Field(
        None,
        description="Days until it expires: 90 if left out, at most the server's maximum "
        "(NORTHLINE_TOKEN_MAX_DAYS, 365 by default).",
    )


DeliveryName = Literal["inbox", "immediate", "daily", "weekly"]


class PreferenceOut(Schema):
    delivery: DeliveryName = Field(
        ...,
        description=(
            "`inbox`: inbox only, no e-mail; `immediate`: an e-mail for each notification at "
            "once; `daily`: one digest e-mail a day; `weekly`: one digest each Monday."
        ),
    )
    checkin_reminders: bool = Field(
        ..., description="A weekly e-mail listing the key results you own that are due."
    )


class PreferencePatch(Input):
    delivery: DeliveryName | None = Field(None, description="Left out or null: unchanged.")
    checkin_reminders: bool | None = Field(None, description="Left out or null: unchanged.")


class EventOut(Schema):
    id: int
    actor: str = Field(..., alias="actor_name")
    verb: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any] = Field(
        ..., description="E-mail addresses (`email`) are left out for editors and viewers."
    )
    client_address: str | None
    created_at: datetime

    @staticmethod
    def resolve_changes(event: Event, context: Any) -> dict[str, Any]:
        changes = dict(event.changes or {})
        if "email" in changes and address_for(context, "") is None:
            del changes["email"]
        return changes


class NotificationOut(Schema):
    id: int
    organization: str = Field(..., alias="organization.slug")
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(Input):
    ids: list[Id] | None = Field(None, description="Notifications to mark read; omit for all.")


class MarkedOut(Schema):
    marked: int


class EventFilter(Filters):
    object_type: str | None = Field(None, description="For example `orgs.team`.")
    object_id: str | None = None


# Account: me, my organizations, my tokens ---------------------------------------------------


@router.get("/me", response=UserOut, summary="The signed-in user")
def me(request: HttpRequest) -> Any:
    return caller(request)


@router.get("/orgs", response=list[OrganizationOut], summary="Organizations I belong to")
@paginate(CursorPage)
def list_organizations(request: HttpRequest) -> QuerySet[Organization]:
    organizations = acl.organizations_of(caller(request))
    limit = token_organization(request)
    if limit is not None:
        organizations = organizations.filter(pk=limit)
    return organizations


def token_organization(request: HttpRequest) -> int | None:
    """The one organization the caller's API token is limited to; None for the browser
    session and for a token made before tokens had an organization (it reaches them all)."""
    token = caller_token(request)
    if token is None or token.is_legacy:
        return None
    return token.organization_id or 0


@router.post(
    "/orgs",
    response={201: OrganizationOut},
    summary="Create an organization",
    description="Needs a signed-in browser session: an API token cannot create organizations.",
)
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Any:
    refuse_tokens(request, "Creating an organization")
    organization = services.create_organization(caller(request), **payload.dict())
    return Status(201, organization)


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
@paginate(CursorPage)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=caller(request).pk).select_related("organization")


@router.post(
    "/tokens",
    response={201: TokenCreated},
    summary="Create an API token",
    description="Needs a signed-in browser session: a token cannot make another token, which "
    "could outlive it or reach further.",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    refuse_tokens(request, "Creating an API token")
    token, raw = services.create_token(caller(request), **payload.dict())
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: Id) -> Any:
    token = acl.access_token(caller(request), token_id)
    return services.revoke_token(caller(request), token)


@router.get("/me/preferences", response=PreferenceOut, summary="My e-mail preferences")
def get_preferences(request: HttpRequest) -> Any:
    return selectors.preference_of(caller(request))


@router.patch(
    "/me/preferences",
    response=PreferenceOut,
    summary="Change my e-mail preferences",
    description=(
        "Needs no version: the preference is yours alone, and each field you send simply "
        "replaces its value."
    ),
)
def change_preferences(request: HttpRequest, payload: PreferencePatch) -> Any:
    return services.set_preference(caller(request), **payload.dict())


@router.get("/inbox", response=list[NotificationOut], summary="My notifications, newest first")
@paginate(CursorPage)
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    return selectors.inbox(
        caller(request), unread_only=unread, organization_id=token_organization(request)
    )


@router.post(
    "/inbox/read",
    response=MarkedOut,
    summary="Mark notifications read",
    description="Needs no version: marking read is idempotent and touches only your own inbox.",
)
def mark_notifications_read(request: HttpRequest, payload: MarkReadIn) -> Any:
    user = caller(request)
    notifications = selectors.inbox(user, organization_id=token_organization(request))
    if payload.ids is not None:
        notifications = notifications.filter(pk__in=payload.ids)
    return {"marked": services.mark_read(user, notifications)}


# The organization -------------------------------------------------------------------------


@org_router.get("", response=OrganizationOut, summary="The organization")
def get_organization(request: HttpRequest, org: OrgSlug) -> Any:
    return caller_access(request).organization


@org_router.patch("", response=OrganizationOut, summary="Rename or describe (admin)")
def update_organization(request: HttpRequest, org: OrgSlug, payload: OrganizationPatch) -> Any:
    return services.update_organization(
        caller_access(request), version=payload.version, **payload.changes()
    )


@org_router.delete(
    "",
    response={204: None},
    summary="Delete the organization (owner)",
    description="Takes no version: the slug, typed again, confirms. Needs a signed-in browser "
    "session: no API token may delete an organization.",
)
def delete_organization(
    request: HttpRequest,
    org: OrgSlug,
    confirm: str = Query(..., description="The slug, typed again."),
) -> Any:
    services.delete_organization(caller_access(request), confirm_slug=confirm)
    return Status(204, None)


@org_router.get("/events", response=list[EventOut], summary="History of the organization")
@paginate(CursorPage)
def list_events(request: HttpRequest, org: OrgSlug, filters: Query[EventFilter]) -> QuerySet[Event]:
    return selectors.events(
        caller_access(request), object_type=filters.object_type, object_id=filters.object_id
    )


# Memberships -----------------------------------------------------------------------------


@org_router.get("/members", response=list[MembershipOut], summary="Members and their roles")
@paginate(CursorPage)
def list_members(request: HttpRequest, org: OrgSlug) -> QuerySet[Membership]:
    return selectors.memberships(caller_access(request))


@org_router.get("/members/{membership_id}", response=MembershipOut, summary="One membership")
def get_member(request: HttpRequest, org: OrgSlug, membership_id: Id) -> Any:
    return acl.access_membership(caller_access(request), membership_id)


@org_router.patch("/members/{membership_id}", response=MembershipOut, summary="Change a role")
def change_role(
    request: HttpRequest, org: OrgSlug, membership_id: Id, payload: MembershipPatch
) -> Any:
    access = caller_access(request)
    membership = acl.access_membership(access, membership_id, "manage")
    return services.change_role(access, membership, version=payload.version, role=payload.role)


@org_router.delete("/members/{membership_id}", response={204: None}, summary="Remove a member")
def remove_member(request: HttpRequest, org: OrgSlug, membership_id: Id) -> Any:
    access = caller_access(request)
    services.remove_member(access, acl.access_membership(access, membership_id, "write"))
    return Status(204, None)


# Invitations -------------------------------------------------------------------------------


@org_router.get(
    "/invitations",
    response=list[InvitationOut],
    summary="Invitations waiting for an answer (admin)",
)
@paginate(CursorPage)
def list_invitations(request: HttpRequest, org: OrgSlug) -> QuerySet[Invitation]:
    access = caller_access(request)
    access.require("manage")
    return selectors.invitations(access)


@org_router.post(
    "/invitations",
    response={202: InvitationSent},
    summary="Invite someone by e-mail (admin)",
    description=(
        "E-mails a link to accept or decline. The answer is the same whether the address is "
        "new, already invited (the invitation is sent again, with this role and a new link) or "
        "already a member's (nothing is sent), so it never tells whether an address has an "
        "account. Only an owner invites an owner. Takes no version: it creates an invitation, "
        "or sends an open one again."
    ),
)
def create_invitation(request: HttpRequest, org: OrgSlug, payload: InvitationIn) -> Any:
    services.invite(caller_access(request), email=payload.email, role=payload.role)
    address = payload.email.strip().lower()
    return Status(
        202,
        {"message": services.invitation_sent(address), "email": address, "role": payload.role},
    )


@org_router.post(
    "/invitations/{invitation_id}/resend",
    response=InvitationOut,
    summary="Send an invitation again, with a new link (admin)",
    description="Takes no version: sending again only renews the link and its date.",
)
def resend_invitation(request: HttpRequest, org: OrgSlug, invitation_id: Id) -> Any:
    access = caller_access(request)
    invitation = acl.access_org_invitation(access, invitation_id)
    return services.resend_invitation(access, invitation)


@org_router.delete(
    "/invitations/{invitation_id}", response={204: None}, summary="Withdraw an invitation (admin)"
)
def revoke_invitation(request: HttpRequest, org: OrgSlug, invitation_id: Id) -> Any:
    access = caller_access(request)
    services.revoke_invitation(access, acl.access_org_invitation(access, invitation_id))
    return Status(204, None)


# People ----------------------------------------------------------------------------------


record_routes(
    org_router,
    "/people",
    "person_id",
    module=__name__,
    names=Names("person", "people"),
    out=PersonOut,
    find=managed(acl.access_person),
    listing=({"q": (str, "")}, lambda access, q: selectors.people(access, search=q)),
    create=(PersonIn, with_fields(services.create_person)),
    update=(PersonPatch, update_with_version(services.update_person)),
    delete=services.delete_person,
    summaries={
        "list": "People",
        "create": "Add a person (admin)",
        "get": "One person",
        "update": "Edit a person (admin)",
        "delete": "Delete a person (admin)",
    },
)


# Teams -----------------------------------------------------------------------------------


def find_team(access: Access, team_id: int, action: str = "read") -> Team:
    """A team to change (manage right), or to read with its member count, as TeamOut shows."""
    team = managed(acl.access_team)(access, team_id, action)
    return selectors.team_with_count(team) if action == "read" else team


record_routes(
    org_router,
    "/teams",
    "team_id",
    module=__name__,
    names=Names("team", "teams"),
    out=TeamOut,
    find=find_team,
    listing=(None, selectors.teams),
    create=(TeamIn, with_fields(services.create_team)),
    update=(TeamPatch, update_with_version(services.update_team)),
    delete=services.delete_team,
    summaries={
        "list": "Teams",
        "create": "Create a team (admin)",
        "get": "One team",
        "update": "Edit a team (admin)",
        "delete": "Delete a team (admin)",
    },
)


def find_team_member(access: Access, team_id: int, member_id: int, action: str = "read") -> Any:
    """A member of a team; changing one needs the manage right."""
    team = acl.access_team(access, team_id)
    mode = "manage" if action == "write" else action
    return acl.access_team_member(access, team, member_id, mode)


def add_team_member(access: Access, team: Team, payload: TeamMemberIn) -> Any:
    with naming("person_id"):
        person = acl.access_person(access, payload.person_id)
    data = payload.dict(exclude={"person_id"})
    return services.add_team_member(access, team, person=person, **data)


record_routes(
    org_router,
    "/teams/{team_id}/members",
    "member_id",
    module=__name__,
    names=Names(
        "team_member",
        "team_members",
        renamed={"create": "add_team_member", "delete": "remove_team_member"},
    ),
    out=TeamMemberOut,
    find=find_team_member,
    parent=("/teams/{team_id}/members", managed(acl.access_team)),
    listing=(None, selectors.team_members),
    create=(TeamMemberIn, add_team_member),
    update=(TeamMemberPatch, update_with_version(services.update_team_member)),
    delete=services.remove_team_member,
    get=False,
    summaries={
        "list": "Team members",
        "create": "Put a person on a team",
        "update": "Change roles or flags",
        "delete": "Take off a team",
    },
)
