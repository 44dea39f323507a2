"""Every write to organizations, memberships, people, teams and tokens (STYLE §2).

Each function is one transaction: it checks the rules, writes, and records the audit event.
Callers (views, API routes, the CLI, the demo loader) have already resolved the records through
``northline.orgs.access``; services re-check the role they need so none can be skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from northline.lib.errors import (
    Conflict,
    DomainError,
    ErrorCode,
    Forbidden,
    Invalid,
    NotAuthenticated,
    NotFound,
)
from northline.orgs import selectors
from northline.orgs.access import Access, token_scope_refusal
from northline.orgs.audit import (
    create_audited,
    delete_audited,
    record_event,
    record_refused_sign_in,
    update_versioned,
    validate,
)
from northline.orgs.mail import invitation_token, user_id_of_unsubscribe_token
from northline.orgs.mfa import (
    AUTHENTICATOR_NAME,
    RECOVERY_CODE_COUNT,
    RECOVERY_NAME,
    has_second_factor,
)
from northline.orgs.models import (
    DIGESTS,
    ApiToken,
    Delivery,
    Event,
    Invitation,
    Membership,
    Notification,
    NotificationPreference,
    Organization,
    Person,
    Role,
    SsoIdentity,
    Team,
    TeamMember,
    TeamRole,
    TokenScope,
    UserSession,
)
from northline.orgs.sign_in_ways import password_sign_up
from northline.orgs.signals import organization_created
from northline.orgs.tasks import email_invitation, email_notifications

# Plain record writes ---------------------------------------------------------------------
# The create, update and delete that most records need and nothing more, for every app's
# services: the caller's right first (``write``; people and teams need ``manage``), then the
# audited write, in one transaction. A service with a rule of its own (a state to keep, a
# record to clean up first) writes through the audit helpers itself.


def refuse_unknown(
    changes: dict[str, Any],
    allowed: Collection[str],
    *,
    message: str | None = None,
    hint: str = "Not editable.",
) -> None:
    """Refuse a change of any field but the ``allowed`` ones, each named with ``hint``."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise Invalid(
            message or f"These fields cannot be changed here: {', '.join(unknown)}.",
            fields=dict.fromkeys(unknown, hint),
        )


def check_own(access: Access, record: Any, name: str) -> None:
    """A record a service was handed must be of the caller's organization: another's answers
    404, as one that does not exist would."""
    if record.organization_id != access.organization.pk:
        raise NotFound(f"No such {name} in this organization.")


def known_choices(
    given: Iterable[str],
    choices: Sequence[str],
    *,
    unknown: str,
    field: str,
    hint: str = "Choose from ",
) -> list[str]:
    """The ``given`` values, all of which must be ``choices``, in the choices' order: equal sets
    then compare equal in the audit trail. Any other answers ``{unknown}: the others.``, with
    ``{hint}the choices.`` on ``field``."""
    wanted = set(given)
    others = sorted(wanted - set(choices))
    if others:
        raise Invalid(
            f"{unknown}: {', '.join(others)}.",
            fields={field: hint + ", ".join(choices) + "."},
        )
    return [choice for choice in choices if choice in wanted]


def installation_event(
    actor: Any, verb: str, obj: models.Model, changes: Mapping[str, Any] | None = None
) -> Event:
    """Append an event to the installation's trail (organization None): what an account does
    for itself (tokens, second factors, sign-ins) and what outlives an organization."""
    return record_event(actor=actor, organization=None, verb=verb, obj=obj, changes=changes)


def record_action(
    access: Access, verb: str, obj: models.Model, changes: Mapping[str, Any] | None = None
) -> Event:
    """Append the event of an action the caller took in its organization (``linked``,
    ``resent``): the writes above record their own."""
    return record_event(
        actor=access.user, organization=access.organization, verb=verb, obj=obj, changes=changes
    )


def check_changes(
    access: Access,
    changes: dict[str, Any],
    *,
    editable: Collection[str],
    right: str = "write",
    clean: Mapping[str, Callable[[Any], Any]] | None = None,
) -> None:
    """The first steps of an update: the caller's right, no field outside ``editable``, then
    the fields ``clean`` names checked and normalized in place (a role list, an amount)."""
    access.require(right)
    refuse_unknown(changes, editable)
    for name, cleaner in (clean or {}).items():
        if name in changes:
            changes[name] = cleaner(changes[name])


# add_record, change_record and remove_record write as the caller, in its organization, for
# services that check the caller's right and their own rules first (a state to move from, a
# lock to take, a record that must not be in use).


def add_record[R: models.Model](access: Access, record: R) -> R:
    """``create_audited`` by the caller, in its organization."""
    return create_audited(access.user, access.organization, record)


def change_record[R: models.Model](
    access: Access,
    record: R,
    *,
    version: int,
    changes: Mapping[str, Any],
    verb: str = "updated",
) -> R:
    """``update_versioned`` by the caller, in its organization."""
    return update_versioned(
        access.user, access.organization, record, version=version, changes=changes, verb=verb
    )


def remove_record(access: Access, record: models.Model) -> None:
    """``delete_audited`` by the caller, in its organization."""
    delete_audited(access.user, access.organization, record)


@transaction.atomic
def create_record[R: models.Model](access: Access, record: R, *, right: str = "write") -> R:
    """Insert ``record`` (built in the caller's organization) if the caller has ``right``."""
    access.require(right)
    return add_record(access, record)


@transaction.atomic
def update_record[R: models.Model](
    access: Access,
    record: R,
    *,
    version: int,
    changes: dict[str, Any],
    editable: Collection[str],
    right: str = "write",
    clean: Mapping[str, Callable[[Any], Any]] | None = None,
) -> R:
    """Apply ``changes`` to the ``editable`` fields of ``record`` if ``version`` is current."""
    check_changes(access, changes, editable=editable, right=right, clean=clean)
    return change_record(access, record, version=version, changes=changes)


@transaction.atomic
def delete_record(access: Access, record: models.Model, *, right: str = "write") -> None:
    """Delete ``record`` if the caller has ``right``; refused while protected links hold it."""
    access.require(right)
    remove_record(access, record)


class RecordWrites[R: models.Model]:
    """The plain writes of one kind of record, declared once where its services live: the fields
    an update may change, how some of them are cleaned, and the right all three need. A module
    names its services after them (``update_team = TEAMS.update``)."""

    def __init__(
        self,
        *,
        editable: Collection[str],
        right: str = "write",
        clean: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self.editable = frozenset(editable)
        self.right = right
        self.clean = dict(clean or {})

    def create(self, access: Access, record: R) -> R:
        """Insert ``record`` (built in the caller's organization) and record ``created``."""
        return create_record(access, record, right=self.right)

    def update(self, access: Access, record: R, /, *, version: int, **changes: Any) -> R:
        """Apply ``changes`` to editable fields if ``version`` is current; record what changed."""
        return update_record(
            access,
            record,
            version=version,
            changes=changes,
            editable=self.editable,
            right=self.right,
            clean=self.clean,
        )

    def delete(self, access: Access, record: R) -> None:
        """Delete ``record`` and record ``deleted``; refused while protected links hold it."""
        delete_record(access, record, right=self.right)


TOKEN_PREFIX = "nl_"
# What follows TOKEN_PREFIX up to the next "_": secrets.token_hex, within ApiToken.prefix's 16.
TOKEN_PREFIX_SHAPE = re.compile(r"[0-9a-f]{1,16}")


# Organizations ---------------------------------------------------------------------------


@transaction.atomic
def create_organization(user: User, *, slug: str, name: str, description: str = "") -> Organization:
    """A new organization whose creator is its owner and its first person."""
    organization = Organization(slug=slug, name=name, description=description)
    validate(organization)
    organization.save(force_insert=True)
    record_event(
        actor=user,
        organization=organization,
        verb="created",
        obj=organization,
        changes={"slug": slug, "name": name, "description": description},
    )
    create_audited(
        user, organization, Membership(organization=organization, user=user, role=Role.OWNER)
    )
    create_audited(
        user,
        organization,
        Person(
            organization=organization,
            user=user,
            name=display_name(user),
            email=getattr(user, "email", ""),
        ),
    )
    organization_created.send(
        sender=Organization,
        organization=organization,
        access=Access(user=user, organization=organization, role=Role.OWNER),
    )
    return organization


@transaction.atomic
def update_organization(access: Access, /, *, version: int, **changes: Any) -> Organization:
    access.require("manage")
    allowed = {"name", "description", "require_second_factor"}
    refuse_unknown(changes, allowed)
    organization = Organization.objects.select_for_update().get(pk=access.organization.pk)
    if "require_second_factor" in changes:
        check_second_factor_requirement(access, organization, changes["require_second_factor"])
    return update_versioned(
        access.user, organization, organization, version=version, changes=changes
    )


def check_second_factor_requirement(
    access: Access, organization: Organization, required: bool
) -> None:
    """Only owners set the requirement, and only once they have a second factor themselves
    (else the next page they open would send them away to set one up)."""
    access.require("own")
    if required and not organization.require_second_factor and not has_second_factor(access.user):
        raise Conflict(
            "Set up two-factor authentication for your own account before requiring it.",
            fields={"require_second_factor": "Set up your own authenticator first."},
        )


@transaction.atomic
def delete_organization(access: Access, *, confirm_slug: str) -> None:
    """Delete the organization and everything in it. Owners only; the slug must be typed."""
    access.require("own")
    organization = access.organization
    if confirm_slug != organization.slug:
        raise Invalid(
            "Type the organization's slug to confirm.",
            fields={"confirm_slug": f"Must be {organization.slug!r}."},
        )
    # The organization's own trail goes with it; this event outlives it.
    installation_event(
        access.user, "deleted", organization, {"slug": organization.slug, "name": organization.name}
    )
    organization.delete()


IMPORT_ACTOR = "northline import"


def record_import(
    organization: Organization, *, source: str, sha256: str, counts: dict[str, int]
) -> None:
    """The ``imported`` event of an organization just inserted by ``orgs.transfer``, in the
    import's transaction: which file (its name and SHA-256) and how many records of each model.

    Like a deleted organization's event it belongs to the installation (organization None), not
    to the organization's own trail, so that export → import → export still gives the same
    bytes; it names the organization as its object.
    """
    installation_event(
        IMPORT_ACTOR,
        "imported",
        organization,
        {
            "slug": organization.slug,
            "source": source,
            "sha256": sha256,
            "records": dict(sorted(counts.items())),
        },
    )


# Memberships -----------------------------------------------------------------------------


@transaction.atomic
def add_member(access: Access, *, user: User, role: str) -> Membership:
    """Make ``user`` a member with ``role``, without asking them.

    Internal: for the demo, the command line and single sign-on's group mapping, which name
    users they already trust. No page or API route lets an admin name a user; people join by
    accepting an invitation (:func:`invite`).
    """
    access.require("manage")
    check_can_grant(access, role)
    if Membership.objects.filter(organization=access.organization, user=user).exists():
        raise Conflict(
            f"{user.get_username()} is already a member.",
            code="already_member",
            fields={"user": "Already a member."},
        )
    return join(access.user, access.organization, user, role)


def join(actor: User | str, organization: Organization, user: User, role: str) -> Membership:
    """The membership and, if the user has none yet, their person in the organization (for an
    invitation, an owner's addition, or single sign-on's group mapping, whose actor is a name)."""
    membership = create_audited(
        actor, organization, Membership(organization=organization, user=user, role=role)
    )
    if not Person.objects.filter(organization=organization, user=user).exists():
        create_audited(
            actor,
            organization,
            Person(
                organization=organization,
                user=user,
                name=display_name(user),
                email=getattr(user, "email", ""),
            ),
        )
    return membership


@transaction.atomic
def change_role(access: Access, membership: Membership, *, version: int, role: str) -> Membership:
    access.require("manage")
    if role not in Role.values:
        raise Invalid("Unknown role.", fields={"role": "Must be owner, admin, editor or viewer."})
    check_can_grant(access, role)
    if membership.role == Role.OWNER:
        check_can_grant(access, Role.OWNER)
        if role != Role.OWNER:
            keep_an_owner(access.organization, membership)
    return change_record(access, membership, version=version, changes={"role": role})


@transaction.atomic
def remove_member(access: Access, membership: Membership) -> None:
    # Anyone may leave; removing someone else needs the manage right.
    if membership.user_id != access.user.pk:
        access.require("manage")
    if membership.role == Role.OWNER:
        if membership.user_id != access.user.pk:
            check_can_grant(access, Role.OWNER)
        keep_an_owner(access.organization, membership)
    remove_record(access, membership)
    # The member's tokens for this organization would answer 404 from now on; revoke them so
    # that the tokens page says so, and so that rejoining does not bring them back.
    revoke_tokens_of(
        membership.user,
        organization=access.organization,
        reason=f"left {access.organization.slug}",
        actor=access.user,
    )


def check_can_grant(access: Access, role: str) -> None:
    if role == Role.OWNER and not access.token_allows("own"):
        raise token_scope_refusal(access.token_scope, "own")
    if role == Role.OWNER and access.role != Role.OWNER:
        raise Forbidden("Only an owner can grant or take away ownership.")


def keep_an_owner(organization: Organization, leaving: Membership) -> None:
    # Lock the owners' rows so two owners cannot demote each other at the same time.
    owners = list(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [leaving.pk]:
        raise Conflict(
            "An organization needs at least one owner; make someone else owner first.",
            code="last_owner",
        )


# Invitations -------------------------------------------------------------------------------


class InvitationGone(DomainError):
    """The invitation was accepted, declined, revoked, or is past its date."""

    status = 410
    code = ErrorCode.GONE


def invitation_sent(email: str) -> str:
    """What the inviter is told, whatever happened: the same words for a new address, one
    that already has an open invitation, and one that belongs to a member."""
    return f"Invitation sent to {email}."


def clean_address(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise Invalid(
            "Enter a valid e-mail address.", fields={"email": "Enter a valid e-mail address."}
        ) from error
    return address


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.NORTHLINE_INVITATION_DAYS)


def issue(invitation: Invitation, now: dt.datetime) -> None:
    """A fresh link for the invitation: sent now, valid for the configured days."""
    invitation.sent_at = now
    invitation.expires_at = now + lifetime()
    invitation.digest = digest_of(invitation_token(invitation.pk, now))
    invitation.save(update_fields=["sent_at", "expires_at", "digest"])
    transaction.on_commit(lambda: email_invitation.enqueue(invitation.pk))


@transaction.atomic
def invite(access: Access, *, email: str, role: str) -> None:
    """Invite ``email`` to the organization with ``role`` (owners and admins; only an owner
    invites an owner).

    Returns nothing on purpose: the caller learns the same thing whether the address is new,
    already invited (the invitation is sent again, with this role and a new link) or already
    a member's (nothing is sent: they are in), so the answer never tells whether an address
    has an account.
    """
    access.require("manage")
    if role not in Role.values:
        raise Invalid("Unknown role.", fields={"role": "Must be owner, admin, editor or viewer."})
    check_can_grant(access, role)
    address = clean_address(email)
    organization = access.organization
    if Membership.objects.filter(organization=organization, user__email__iexact=address).exists():
        return
    # Two invitations of one organization at once take turns (PostgreSQL locks the row), so the
    # second finds the first's invitation and sends it again rather than insert another.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    now = timezone.now()
    invitation = open_invitation(organization, address)
    if invitation is not None:
        # Changing an owner's invitation is an owner's decision, as revoking it is.
        check_can_grant(access, invitation.role)
        before = invitation.role
        invitation.role = role
        invitation.invited_by = access.user
        invitation.save(update_fields=["role", "invited_by"])
        issue(invitation, now)
        record_event(
            actor=access.user,
            organization=organization,
            verb="resent",
            obj=invitation,
            changes={"role": [before, role], "expires_at": invitation.expires_at},
        )
        return
    # A placeholder digest until the row has the id its link is made from (``issue``).
    invitation = Invitation(
        organization=organization,
        email=address,
        role=role,
        invited_by=access.user,
        digest=secrets.token_hex(32),
        sent_at=now,
        expires_at=now + lifetime(),
    )
    try:
        validate(invitation)
        with transaction.atomic():
            invitation.save(force_insert=True)
    except (Invalid, IntegrityError):
        # Where the lock above is no lock (SQLite), a request for the same address committed
        # its invitation after our look (the constraint check or the insert meets it): that
        # one was sent, and the answer is the same either way.
        if open_invitation(organization, address) is None:
            raise
        return
    issue(invitation, now)
    record_event(
        actor=access.user,
        organization=organization,
        verb="created",
        obj=invitation,
        changes={"email": address, "role": role, "expires_at": invitation.expires_at},
    )


def open_invitation(organization: Organization, address: str) -> Invitation | None:
    """The invitation to ``address`` that is still open, locked for the caller's change."""
    return (
        Invitation.objects.select_for_update()
        .filter(
            organization=organization,
            email=address,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )


def check_open_for_managers(invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.declined_at:
        raise Conflict("This invitation was already answered; nothing was changed.")


@transaction.atomic
def resend_invitation(access: Access, invitation: Invitation) -> Invitation:
    """Send the invitation again with a new link (the old one stops working) and a new date."""
    access.require("manage")
    check_can_grant(access, invitation.role)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_open_for_managers(invitation)
    if invitation.revoked_at:
        raise Conflict("This invitation was revoked; invite the address again.")
    issue(invitation, timezone.now())
    record_action(access, "resent", invitation, {"expires_at": invitation.expires_at})
    return invitation


@transaction.atomic
def revoke_invitation(access: Access, invitation: Invitation) -> Invitation:
    """Withdraw an open invitation: its link stops working. Revoking twice changes nothing."""
    access.require("manage")
    check_can_grant(access, invitation.role)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at:
        return invitation
    check_open_for_managers(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_action(access, "revoked", invitation, {"revoked_at": invitation.revoked_at})
    return invitation


def open_for_answer(invitation: Invitation) -> Invitation:
    """The invitation, locked, if it may still be answered; InvitationGone otherwise."""
    locked = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )
    closed = locked.why_closed(timezone.now())
    if closed:
        raise InvitationGone(closed)
    return locked


@transaction.atomic
def accept_invitation(user: User, invitation: Invitation) -> Membership:
    """``user`` joins the invitation's organization with its role. The link is the credential:
    whoever holds it may accept with the account they are signed in with (the page shows the
    address it was sent to). Someone already a member keeps their role."""
    invitation = open_for_answer(invitation)
    organization = invitation.organization
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        actor=user,
        organization=organization,
        verb="accepted",
        obj=invitation,
        changes={"accepted_by": user, "role": invitation.role},
    )
    existing = Membership.objects.filter(organization=organization, user=user).first()
    return existing or join(user, organization, user, invitation.role)


@transaction.atomic
def decline_invitation(user: User, invitation: Invitation) -> Invitation:
    invitation = open_for_answer(invitation)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    record_event(
        actor=user,
        organization=invitation.organization,
        verb="declined",
        obj=invitation,
        changes={"declined_at": invitation.declined_at},
    )
    return invitation


@transaction.atomic
def sign_up_and_accept(
    invitation: Invitation,
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> tuple[User, Membership]:
    """A new account for the invited address, and its acceptance, in one transaction: a
    refused password or a taken username leaves neither."""
    if not password_sign_up():
        raise Forbidden("Accounts are not created here; sign in, then accept.")
    open_for_answer(invitation)
    user = create_user(
        username=username,
        password=password,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    return user, accept_invitation(user, invitation)


# People ----------------------------------------------------------------------------------


PEOPLE = RecordWrites[Person](editable={"name", "email", "title"}, right="manage")


def create_person(
    access: Access,
    *,
    name: str,
    email: str = "",
    title: str = "",
    user: User | None = None,
) -> Person:
    return PEOPLE.create(
        access,
        Person(organization=access.organization, name=name, email=email, title=title, user=user),
    )


update_person = PEOPLE.update
delete_person = PEOPLE.delete


# Teams -----------------------------------------------------------------------------------


TEAMS = RecordWrites[Team](editable={"name", "kind", "description"}, right="manage")


def create_team(access: Access, *, name: str, kind: str, description: str = "") -> Team:
    return TEAMS.create(
        access,
        Team(organization=access.organization, name=name, kind=kind, description=description),
    )


update_team = TEAMS.update
delete_team = TEAMS.delete


def clean_roles(roles: list[str]) -> list[str]:
    return known_choices(roles, TeamRole.values, unknown="Unknown team role", field="roles")


@transaction.atomic
def add_team_member(
    access: Access,
    team: Team,
    *,
    person: Person,
    roles: list[str],
    is_employee: bool = True,
    co_located: bool = True,
) -> TeamMember:
    access.require("manage")
    check_own(access, person, "person")
    if TeamMember.objects.filter(team=team, person=person).exists():
        raise Conflict(
            f"{person.name} is already on {team.name}.",
            code="already_on_team",
            fields={"person_id": "Already on the team."},
        )
    return add_record(
        access,
        TeamMember(
            organization=access.organization,
            team=team,
            person=person,
            roles=clean_roles(roles),
            is_employee=is_employee,
            co_located=co_located,
        ),
    )


TEAM_MEMBERS = RecordWrites[TeamMember](
    editable={"roles", "is_employee", "co_located"}, clean={"roles": clean_roles}, right="manage"
)
update_team_member = TEAM_MEMBERS.update
remove_team_member = TEAM_MEMBERS.delete


# API tokens ------------------------------------------------------------------------------


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(
    user: User,
    *,
    name: str,
    organization: Organization | str | None,
    scope: str = TokenScope.READ,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is returned here once and never stored.

    Every new token reaches one organization the user belongs to, reads or also writes, and
    expires: after 90 days unless the caller picks a number of days up to
    ``NORTHLINE_TOKEN_MAX_DAYS``. Only tokens made before scopes existed reach every
    organization and never expire (legacy).
    """
    problems: dict[str, str] = {}
    if isinstance(organization, str):
        # A slug from the API or the CLI; not being a member reads the same as no such slug.
        organization = Organization.objects.filter(slug=organization).first() or Organization()
    if organization is None:
        problems["organization"] = "Pick the organization the token may reach."
    elif not Membership.objects.filter(organization=organization, user_id=user.pk).exists():
        problems["organization"] = "You are not a member of an organization with this slug."
    if scope not in TokenScope.values:
        problems["scope"] = "Must be read or write."
    limit = settings.NORTHLINE_TOKEN_MAX_DAYS
    default = min(settings.NORTHLINE_TOKEN_DEFAULT_DAYS, limit)
    days = default if expires_in_days is None else expires_in_days
    if not 1 <= days <= limit:
        problems["expires_in_days"] = f"Must be between 1 and {limit} days."
    if problems:
        raise Invalid("The token cannot be created as asked.", fields=problems)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest_of(raw),
        organization=organization,
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    validate(token)
    token.save(force_insert=True)
    installation_event(
        user,
        "created",
        token,
        {
            "name": name,
            "organization": organization.slug if organization else None,
            "scope": scope,
            "expires_at": token.expires_at,
        },
    )
    return token, raw


@transaction.atomic
def revoke_token(user: User, token: ApiToken, *, reason: str = "") -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    changes: dict[str, Any] = {"revoked_at": token.revoked_at}
    if reason:
        changes["reason"] = reason
    installation_event(user, "revoked", token, changes)
    return token


@transaction.atomic
def revoke_tokens_of(
    user: User, *, reason: str, organization: Organization | None = None, actor: Any = None
) -> int:
    """Revoke the user's live tokens (only those limited to ``organization``, if given); one
    audit event each. A legacy token, which follows its user's memberships, stays: it no longer
    reaches an organization its user left, and still serves the others."""
    tokens = ApiToken.objects.select_for_update().filter(user_id=user.pk, revoked_at__isnull=True)
    if organization is not None:
        tokens = tokens.filter(organization=organization)
    revoked = 0
    for token in tokens:
        revoke_token(actor if actor is not None else user, token, reason=reason)
        revoked += 1
    return revoked


class TokenRefused(NotAuthenticated):
    """A token we know, but which no longer opens anything: expired, or revoked."""

    code = ErrorCode.TOKEN_EXPIRED


def token_for(raw: str) -> ApiToken | None:
    """The live token ``raw`` is the secret of, with its user and organization, or None for a
    secret we do not know; an expired or revoked one is refused with a message saying so.
    Stamps last use at most once a minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    if not TOKEN_PREFIX_SHAPE.fullmatch(prefix):
        # Not one we could have made (hex, as create_token makes them): no query for it, so a
        # NUL byte or a megabyte in the header never reaches the database.
        return None
    token = selectors.token_by_prefix(prefix)
    if token is None or not secrets.compare_digest(token.digest, digest_of(raw)):
        return None
    if token.revoked_at is not None:
        raise TokenRefused("This API token was revoked; create a new one on the API tokens page.")
    if token.is_expired:
        assert token.expires_at is not None
        raise TokenRefused(
            f"This API token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC "
            "(token expired); create a new one on the API tokens page."
        )
    now = timezone.now()
    # Stamping every request would make every read a write; a minute's precision is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# Sessions --------------------------------------------------------------------------------


@transaction.atomic
def sign_out_everywhere(user: User, *, revoke_tokens: bool = False) -> int:
    """End every browser session of the user (this one included); with ``revoke_tokens``,
    revoke their API tokens as well. Returns the number of sessions ended."""
    ended, _ = UserSession.objects.filter(user_id=user.pk).delete()
    installation_event(
        user, "signed out everywhere", user, {"sessions": ended, "tokens_revoked": revoke_tokens}
    )
    if revoke_tokens:
        revoke_tokens_of(user, reason="signed out everywhere")
    return ended


# Two-factor authentication (docs/security.md) -----------------------------------------------
#
# A user's own devices belong to no organization: their events have no organization, as API
# tokens' do. django-otp's verify_token writes too (throttling, the last code used, a spent
# recovery code), inside these transactions.


@transaction.atomic
def start_authenticator(user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator (a fresh secret), replacing any unfinished one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    device.save()
    installation_event(user, "created", device)
    return device


@transaction.atomic
def confirm_authenticator(user: User, *, code: str) -> TOTPDevice:
    """Confirm the authenticator being set up with a first code from the app; it replaces the
    user's earlier one, if any."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).last()
    if device is None:
        raise Conflict("Start setting up an authenticator first.")
    if not device.verify_token(normal_code(code)):
        raise Invalid(
            "That code does not match: enter the six digits the app shows now.",
            fields={"code": "Not the code the app shows now."},
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    installation_event(user, "confirmed", device, {"confirmed": True})
    return device


@transaction.atomic
def create_recovery_codes(user: User) -> list[str]:
    """Ten new one-time recovery codes, replacing the old ones; returned here once."""
    if not has_second_factor(user):
        raise Conflict("Set up an authenticator first: recovery codes stand in for it.")
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    installation_event(user, "generated", device, {"recovery_codes": RECOVERY_CODE_COUNT})
    return codes


@transaction.atomic
def verify_second_factor(user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (six digits: the authenticator; else a recovery code,
    which is spent), or None. A wrong code counts against the device's throttle."""
    code = normal_code(code)
    devices: list[Device]
    if code.isdigit() and len(code) == 6:
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    else:
        # Ours, and any an operator added (`northline manage addstatictoken <username>`).
        devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
    device = next((device for device in devices if device.verify_token(code)), None)
    if device is None:
        return None
    if isinstance(device, StaticDevice):
        installation_event(user, "used", device, {"recovery_codes_left": device.token_set.count()})
    return device


@transaction.atomic
def turn_off_second_factor(user: User, *, password: str = "", code: str = "") -> None:
    """Remove the authenticator and the recovery codes, on the password or a current code.
    Refused while an organization of the user's requires a second factor."""
    requiring = (
        Membership.objects.filter(user=user, organization__require_second_factor=True)
        .values_list("organization__name", flat=True)
        .first()
    )
    if requiring is not None:
        raise Conflict(f"{requiring} requires two-factor authentication: it stays on.")
    device = authenticator_for_update(user)
    if device is None:
        raise Conflict("Two-factor authentication is not on.")
    proven = bool(password) and user.check_password(password)
    if not proven and code:
        proven = verify_second_factor(user, code) is not None
    if not proven:
        raise Invalid(
            "Enter your password or a current code to turn two-factor authentication off.",
            fields={"password": "Your password, or a code in the field below."},
        )
    installation_event(user, "deleted", device)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def authenticator_for_update(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()


def normal_code(code: str) -> str:
    """A code as typed: spaces and hyphens dropped, letters in lower case."""
    return "".join(code.split()).replace("-", "").lower()


# Users -----------------------------------------------------------------------------------


@transaction.atomic
def create_user(
    *, username: str, password: str, email: str = "", first_name: str = "", last_name: str = ""
) -> User:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise Conflict(f"A user named {username!r} exists.", fields={"username": "Taken."})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise Invalid(
            " ".join(error.messages), fields={"password": " ".join(error.messages)}
        ) from error
    user.set_password(password)
    validate(user, exclude=["password"])
    user.save()
    installation_event(user, "created", user, {"username": username})
    return user


@transaction.atomic
def unlock_sign_in(user: User, *, actor: Any = "northline unlock") -> int:
    """Lift a sign-in lockout of ``user`` from every address (docs/security.md, "Throttling
    and lockout"); returns how many failure counters were cleared (0: nothing was locked)."""
    cleared = axes_reset(username=user.get_username())
    installation_event(actor, "sign_in_unlocked", user, {"failure_counters_cleared": cleared})
    return cleared


# Helpers ---------------------------------------------------------------------------------


def display_name(user: User) -> str:
    full = " ".join(
        part for part in (getattr(user, "first_name", ""), getattr(user, "last_name", "")) if part
    )
    return full or user.get_username()


# Notifications ---------------------------------------------------------------------------


def notify(
    organization: Organization,
    recipients: list[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put a notification in each recipient's inbox and queue the e-mails.

    Runs inside the caller's transaction: the inbox rows commit, or roll back, with the change
    that caused them, and the e-mails are queued once it commits.
    """
    unique = {user.pk: user for user in recipients if user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(
            organization=organization,
            recipient=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
        )
        for user in unique.values()
    )
    if notifications:
        notification_ids = [n.pk for n in notifications]
        transaction.on_commit(lambda: email_notifications.enqueue(notification_ids))
    return notifications


def leadership_of(organization: Organization) -> list[User]:
    """The owners and admins: who hears about proposed changes to identity and strategy."""
    User = get_user_model()
    return list(
        User.objects.filter(
            memberships__organization=organization,
            memberships__role__in=[Role.OWNER, Role.ADMIN],
            is_active=True,
        ).order_by("username")
    )


@transaction.atomic
def mark_read(user: User, notifications: models.QuerySet[Notification]) -> int:
    """Mark the given notifications of ``user`` read; others' notifications are untouched."""
    return notifications.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Notification preferences ----------------------------------------------------------------


@transaction.atomic
def set_preference(
    user: User, *, delivery: str | None = None, checkin_reminders: bool | None = None
) -> NotificationPreference:
    """Change how ``user`` hears from Northline; a field left None stays as it is.

    The preference is the person's own, across all their organizations, and the audit trail
    is kept per organization: there is no organization to record it in, so no event is
    written (like marking notifications read). Switching to a digest starts it now, so the
    first digest lists what arrives from here, not the inbox's whole past (already e-mailed,
    or deliberately not).
    """
    if delivery is not None and delivery not in Delivery.values:
        raise Invalid(
            f"Choose one of: {', '.join(Delivery.values)}.",
            fields={"delivery": f"Choose one of: {', '.join(Delivery.values)}."},
        )
    # The row lock makes two saves at once apply one after the other.
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    changed = []
    if delivery is not None and delivery != preference.delivery:
        if delivery in DIGESTS and preference.delivery not in DIGESTS:
            preference.last_digest_at = timezone.now()
            changed.append("last_digest_at")
        preference.delivery = delivery
        changed.append("delivery")
    if checkin_reminders is not None and checkin_reminders != preference.checkin_reminders:
        preference.checkin_reminders = checkin_reminders
        changed.append("checkin_reminders")
    if changed:
        validate(preference)
        preference.save(update_fields=[*changed, "updated_at"])
    return preference


def user_of_unsubscribe_token(token: str) -> User:
    """The active user a digest's unsubscribe token names; NotFound for a token we did not
    sign (tampered, or made for another purpose) or a user who is gone."""
    user_id = user_id_of_unsubscribe_token(token)
    user = (
        get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user_id is not None
        else None
    )
    if user is None:
        raise NotFound("This unsubscribe link is not valid. Sign in to choose your e-mail.")
    return user


@transaction.atomic
def unsubscribe_from_digests(token: str) -> User:
    """One-click unsubscribe: the token's user hears by inbox only from now on."""
    user = user_of_unsubscribe_token(token)
    set_preference(user, delivery=Delivery.INBOX)
    return user


# Signing in and out (issue 16) -------------------------------------------------------------

# The actor of the memberships single sign-on grants and takes away: the identity provider's
# groups decide them, not the person signing in, so the trail does not show them as their own.
SSO_ACTOR = "single sign-on"
PASSWORD = "password"


def record_signed_in(user: User, *, method: str) -> None:
    """``signed_in`` in each organization the user belongs to, so its admins see it in their
    history; in the installation's trail (organization None) for a user of none."""
    record_session_event(user, verb="signed_in", changes={"method": method})


def record_signed_out(user: User) -> None:
    record_session_event(user, verb="signed_out", changes={})


@transaction.atomic
def record_session_event(user: User, *, verb: str, changes: dict[str, Any]) -> None:
    organizations: list[Organization | None] = list(
        Organization.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organization_id")
        ).order_by("pk")
    )
    for organization in organizations or [None]:
        record_event(actor=user, organization=organization, verb=verb, obj=user, changes=changes)


@transaction.atomic
def record_sign_in_refused(who: str, *, method: str, reason: str) -> None:
    """A refused sign-in, in the installation's trail: the name or e-mail that was tried may
    belong to no account, so no organization's history shows it (the log does too)."""
    record_refused_sign_in(who=who or "unknown", changes={"method": method, "reason": reason})


@transaction.atomic
def sign_in_with_sso(
    *,
    issuer: str,
    subject: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    may_create: bool,
    roles: dict[str, str] | None,
    managed: set[str],
) -> User:
    """The account an OpenID Connect sign-in is for, its memberships brought in line with the
    provider's groups. The caller has checked the ID token and the claims.

    The account is the one linked to ``issuer`` and ``subject``; else the one active account
    with ``email`` (then linked); else a new one, when ``may_create``. Forbidden when there is
    none or it is deactivated; the transaction then writes nothing. ``roles`` None (the
    provider sent no groups) leaves memberships as they are.
    """
    UserModel = get_user_model()
    identity = (
        SsoIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
    else:
        matches = list(UserModel.objects.filter(email__iexact=email).order_by("pk")[:2])
        if len(matches) > 1:
            raise Forbidden(
                f"More than one Northline account has the address {email}; "
                "ask an administrator to sort them out."
            )
        if matches:
            user = matches[0]
        elif may_create:
            user = create_sso_user(email=email, first_name=first_name, last_name=last_name)
        else:
            raise Forbidden(f"There is no Northline account for {email}.")
        identity = SsoIdentity(user=user, issuer=issuer, subject=subject)
        identity.save(force_insert=True)
        installation_event(
            user, "created", identity, {"issuer": issuer, "subject": subject, "user": user.pk}
        )
    if not user.is_active:
        raise Forbidden("This Northline account is deactivated.")
    if email and user.email.lower() != email.lower():
        installation_event(SSO_ACTOR, "updated", user, {"email": [user.email, email]})
        user.email = email
        user.save(update_fields=["email"])
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    if roles is not None:
        sync_sso_memberships(user, roles=roles, managed=managed)
    return user


def create_sso_user(*, email: str, first_name: str, last_name: str) -> User:
    """A just-in-time account named by its e-mail address, with no usable password."""
    UserModel = get_user_model()
    base = email[:140]
    username, suffix = base, 1
    while UserModel.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}-{suffix}"
    user = UserModel(
        username=username, email=email, first_name=first_name[:150], last_name=last_name[:150]
    )
    user.set_unusable_password()
    user.save()
    installation_event(SSO_ACTOR, "created", user, {"username": username, "email": email})
    return user


@transaction.atomic
def sync_sso_memberships(user: User, *, roles: dict[str, str], managed: set[str]) -> list[str]:
    """Give ``user`` the role ``roles`` names in each organization the group mapping manages
    (``managed``, by slug), and take away their membership of one it no longer names.

    Organizations outside the mapping are never touched. The last owner is never demoted or
    removed: that change is skipped and logged. Returns what it did, one line per change.
    """
    log = logging.getLogger("northline.sso")
    done: list[str] = []
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in=managed)}
    for slug in sorted(managed):
        organization = organizations.get(slug)
        if organization is None:
            log.warning("Group mapping names organization %r, which does not exist.", slug)
            continue
        membership = (
            Membership.objects.select_for_update()
            .filter(organization=organization, user=user)
            .first()
        )
        role = roles.get(slug)
        if role is not None and membership is None:
            join(SSO_ACTOR, organization, user, role)
            done.append(f"{slug}: joined as {role}")
            continue
        if membership is None or membership.role == role:
            continue
        if membership.role == Role.OWNER:
            try:
                keep_an_owner(organization, membership)
            except Conflict:
                log.warning(
                    "Single sign-on left %s owner of %s: the last owner is never demoted or "
                    "removed by a group change.",
                    user.get_username(),
                    slug,
                )
                continue
        if role is None:
            delete_audited(SSO_ACTOR, organization, membership)
            # As when a member leaves: the tokens for this organization are revoked.
            revoke_tokens_of(
                user, organization=organization, reason=f"left {slug}", actor=SSO_ACTOR
            )
            done.append(f"{slug}: left")
        else:
            before = membership.role
            update_versioned(
                SSO_ACTOR,
                organization,
                membership,
                version=membership.version,
                changes={"role": role},
            )
            done.append(f"{slug}: {before} → {role}")
    return done
