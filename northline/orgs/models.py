"""Tenancy, people and teams (DESIGN §2.1), API tokens, and the append-only audit trail (§3)."""

from __future__ import annotations

from importlib import import_module
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from northline.lib.models import one_of, unique_in_organization


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


# Higher ranks include every right of the lower ones.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2, Role.OWNER: 3}

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "Use 1 to 50 lowercase letters, digits and hyphens, not starting or ending with a hyphen.",
)


class Organization(models.Model):
    """The tenant: every other record belongs to exactly one organization."""

    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Two-factor authentication: members must have shown a second factor (owners set it).
    require_second_factor = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "slug",
        "name",
        "description",
        "require_second_factor",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base of every organization-owned, editable record: scoping, optimistic version, times."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields whose before/after values the audit trail records on update.
    audit_fields: ClassVar[tuple[str, ...]] = ()
    # Check constraint name → the field its violation message belongs next to.
    constraint_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True


class NamedRecord(TenantModel):
    """A tenant record that goes by its name and may say more in a description."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class TitledRecord(TenantModel):
    """A tenant record that goes by its title and may say more in a description."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Membership(TenantModel):
    """A user's role in one organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    audit_fields = ("role",)

    class Meta:
        ordering = ["user__username", "id"]
        constraints = [
            unique_in_organization(
                "user",
                "membership_unique_user",
                "This user is already a member of the organization.",
            ),
            one_of(
                "role",
                Role,
                "membership_role_valid",
                "Role must be owner, admin, editor or viewer.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Person(TenantModel):
    """Someone the organization refers to, with or without a login."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )

    audit_fields = ("name", "email", "title", "user")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False),
                name="person_unique_user",
                violation_error_message="Another person in this organization has this login.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    PRODUCT = "product", "Product"
    BUSINESS = "business", "Business"
    OPERATIONS = "operations", "Operations"
    SUPPORT = "support", "Support"
    LEADERSHIP = "leadership", "Leadership"
    LAB = "lab", "Lab"


class Team(TenantModel):
    """A group of people who work together."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.PRODUCT)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Person, through="TeamMember", related_name="teams")

    audit_fields = ("name", "kind", "description")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            unique_in_organization(
                "name", "team_unique_name", "A team with this name already exists."
            ),
            one_of("kind", TeamKind, "team_kind_valid", "Unknown team kind."),
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    PRODUCT_OWNER = "product_owner", "Product owner"
    DEVOPS_SPECIALIST = "devops_specialist", "DevOps specialist"
    EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
    SCRUM_MASTER = "scrum_master", "Scrum master"
    MEMBER = "member", "Member"
    STAKEHOLDER = "stakeholder", "Stakeholder"


class TeamMember(TenantModel):
    """A person on a team, with roles and the flags team-composition rules read."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="team_memberships")
    # A list of TeamRole values; a JSON list keeps the same schema on SQLite and PostgreSQL.
    roles = models.JSONField(default=list)
    is_employee = models.BooleanField(default=True)
    co_located = models.BooleanField(default=True)

    audit_fields = ("roles", "is_employee", "co_located")

    class Meta:
        ordering = ["team_id", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                name="teammember_unique_person",
                violation_error_message="This person is already on the team.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team}"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A bearer token for scripts: shown once, stored as a SHA-256 digest, scoped, expiring."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # The public part of the token, to find the row without scanning digests.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    # The one organization the token reaches. Null only for tokens made before tokens had
    # scopes (legacy): they reach every organization of their user, as they always did.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE)
    # Null only for legacy tokens; every token made since has an expiry.
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_legacy(self) -> bool:
        return self.organization_id is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class UserSession(AbstractBaseSession):
    """A browser's session, stored with its user's id so that "sign out everywhere" finds it."""

    # A plain id rather than a foreign key: Django keeps a session's user id as data, and a
    # session must still save (as signed out) if that user no longer exists.
    user_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> Any:
        # Through the setting, not an import: the store module imports this one.
        return import_module(settings.SESSION_ENGINE).SessionStore


class Invitation(models.Model):
    """An offer of a role in an organization, sent to an e-mail address; the link is the key.

    Only a SHA-256 digest of the link's secret is stored (like ApiToken). An invitation is open
    until it is accepted, declined, revoked or past ``expires_at``; at most one is open per
    address and organization (re-inviting refreshes it).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Lowercased: one open invitation per address whatever its spelling.
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(
                    accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
                ),
                name="invitation_unique_open",
                violation_error_message="This address already has an open invitation.",
            ),
            one_of(
                "role",
                Role,
                "invitation_role_valid",
                "Role must be owner, admin, editor or viewer.",
            ),
        ]

    def __str__(self) -> str:
        # No address: the history, which every member reads, names invitations by number.
        return f"invitation {self.pk} ({self.role})"

    def is_open(self, now: Any) -> bool:
        return self.why_closed(now) is None

    def why_closed(self, now: Any) -> str | None:
        """Why the invitation can no longer be answered, in the invitee's words; None if open."""
        if self.accepted_at:
            return "This invitation was already accepted; its link works once."
        if self.declined_at:
            return "This invitation was declined."
        if self.revoked_at:
            return "This invitation was withdrawn by the organization."
        if self.expires_at <= now:
            return "This invitation has expired; ask the person who sent it for a new one."
        return None


class AppendOnlyRecord(models.Model):
    """A record the application writes once and never edits or deletes: saving it again or
    deleting it raises ``TypeError`` with ``append_only_message``. Deleting what it belongs to
    still cascades, since Django's collector deletes by queryset, not through ``delete``."""

    append_only_message: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(self.append_only_message)


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only.")


class Event(AppendOnlyRecord):
    """One write, as the audit trail keeps it: append-only, never edited or deleted by the app."""

    # Null only for a user's own records that belong to no organization (API tokens).
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # PROTECT: a user with history is deactivated, never deleted, so the trail stays whole.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    verb = models.CharField(max_length=40)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    # {field: [before, after]} for updates; {field: value} snapshots for creates and deletes.
    changes = models.JSONField(default=dict)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = EventQuerySet.as_manager()
    append_only_message = "Audit events are append-only."

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="event_org_time"),
            models.Index(fields=["object_type", "object_id"], name="event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.verb} {self.object_type} {self.object_repr}"


class Notification(models.Model):
    """An item in a user's in-app inbox; e-mailed too, as the user's preference says."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # A path inside Northline (``/o/<slug>/…``) to the record the notification is about.
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "organization", "read_at"], name="notification_unread"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    INBOX = "inbox", "Inbox only, no e-mail"
    IMMEDIATE = "immediate", "Inbox, and an e-mail for each notification at once"
    DAILY = "daily", "Inbox, and one e-mail a day listing what is new"
    WEEKLY = "weekly", "Inbox, and one e-mail each Monday listing the week's news"


# The choices that gather notifications into one e-mail (orgs.tasks sends them).
DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)


class NotificationPreference(models.Model):
    """How one person wants to hear from Northline; without a row, the defaults below apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    checkin_reminders = models.BooleanField(
        default=True,
        help_text="A weekly e-mail listing the key results one owns that are due a check-in.",
    )
    # The end of the span the last digest covered: the next one lists what arrived after it.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]
        constraints = [
            one_of(
                "delivery",
                Delivery,
                "notification_preference_delivery_known",
                "Choose inbox, immediate, daily or weekly.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} hears by {self.delivery}"


class WorkerBeat(models.Model):
    """A task worker's last sign of life. ``northline worker`` writes its row when it starts and
    every half minute after, so that pages and ``/healthz/tasks`` can say whether queued work
    will run (a queue that nobody reads looks exactly like one that is busy)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host}"


class SsoIdentity(models.Model):
    """The OpenID Connect identity (issuer and subject) a user signed in with, so the same
    person is recognized when their e-mail address changes at the provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="ssoidentity_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
