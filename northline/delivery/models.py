"""Features, releases decided by the business, impacts on teams, notices with acknowledgement,
outgoing webhooks and calendar feeds (DESIGN §2.6)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from northline.lib.models import one_of
from northline.orgs.models import NamedRecord, Organization, Team, TenantModel
from northline.portfolio.models import Epic


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DECIDED = "decided", "Decided"
    RELEASED = "released", "Released"
    CANCELLED = "cancelled", "Cancelled"


class Release(NamedRecord):
    """A release the business decides, decoupled from sprints."""

    planned_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PLANNED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set when the release was decided before every impactee had acknowledged.
    override_reason = models.TextField(blank=True)

    audit_fields = ("name", "description", "planned_date", "status", "override_reason")

    class Meta:
        ordering = ["planned_date", "id"]
        constraints = [
            one_of("status", ReleaseStatus, "release_status_valid", "Unknown release status.")
        ]


class FeatureKind(models.TextChoices):
    FEATURE = "feature", "Feature"
    EXPERIMENT = "experiment", "Experiment"
    CAMPAIGN = "campaign", "Campaign"
    PROCESS_CHANGE = "process_change", "Process change"


class Feature(TenantModel):
    """Something a release brings: a feature, an experiment, a campaign or a process change."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=FeatureKind.choices, default="feature")
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_features"
    )
    epic = models.ForeignKey(
        Epic, null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )

    audit_fields = ("title", "kind", "description", "owner_team", "epic", "release")

    class Meta:
        ordering = ["release_id", "title", "id"]

    def __str__(self) -> str:
        return self.title


class ImpactRole(models.TextChoices):
    IMPACTOR = "impactor", "Impactor"
    IMPACTEE = "impactee", "Impactee"


class TeamLeadTime(TenantModel):
    """How many days of notice a team needs before a change reaches it (its default)."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="lead_time")
    days = models.PositiveIntegerField(default=14)

    audit_fields = ("team", "days")

    def __str__(self) -> str:
        return f"{self.team}: {self.days} days"


class Impact(TenantModel):
    """A feature's effect on a team: the team causes it (impactor) or must adapt (impactee)."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="impacts")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="impacts")
    role = models.CharField(max_length=10, choices=ImpactRole.choices)
    what_changes = models.TextField(blank=True)
    what_is_needed = models.TextField(blank=True, help_text="Training material, call scripts, …")
    # Days of notice this team needs for this change; empty means the team's default.
    lead_time_days = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)]
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    audit_fields = (
        "feature",
        "team",
        "role",
        "what_changes",
        "what_is_needed",
        "lead_time_days",
        "acknowledged_at",
    )

    class Meta:
        ordering = ["feature_id", "team_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["feature", "team"],
                name="impact_unique_team",
                violation_error_message="This feature already has an impact on this team.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.feature} → {self.team} ({self.role})"


class Notice(TenantModel):
    """A message to an impactee team about a release: sent, possibly late, acknowledged."""

    impact = models.ForeignKey(Impact, on_delete=models.CASCADE, related_name="notices")
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    # Why it was sent: planned, moved, decided, impact_added.
    reason = models.CharField(max_length=20)
    sent_at = models.DateTimeField()
    # The release date as the notice announced it, and the days left then.
    release_date = models.DateField(null=True, blank=True)
    days_left = models.IntegerField(null=True, blank=True)
    lead_time_days = models.PositiveIntegerField()
    late = models.BooleanField(default=False)

    audit_fields = ("reason", "release_date", "days_left", "lead_time_days", "late")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reason} notice to {self.impact.team}"


def masked_url(url: str) -> str:
    """A webhook URL as members below admin see it: the scheme and host, the rest elided
    ("https://hooks.example.org/…"); "configured" if even those cannot be read.

    Many receivers take the URL as their key (a token in the path or the query), so the full
    URL is for admins and owners only (issue 16 item 6)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "configured"
    if parts.scheme not in ("http", "https") or not host:
        return "configured"
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown}/…"


class Webhook(TenantModel):
    """An outgoing webhook: signed JSON POSTs of the subscribed event types."""

    url = models.URLField(max_length=500)
    # Event types, e.g. ["notice.sent", "release.decided"]; empty means none.
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, help_text="Signs each payload (HMAC-SHA256).")
    active = models.BooleanField(default=True)

    # Not the URL: every member reads the audit trail. Its record there is the masked form,
    # through __str__, and a changed URL is recorded masked by services.update_webhook.
    audit_fields = ("events", "active")

    class Meta:
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return f"webhook to {self.masked_url}"

    @property
    def masked_url(self) -> str:
        return masked_url(self.url)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"  # gave up after the last retry
    REFUSED = "refused", "Refused"  # the target resolved to a private or loopback address


class WebhookDelivery(models.Model):
    """One attempt chain of sending one event to one webhook: the delivery log."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"


class CalendarFeed(TenantModel):
    """A secret-URL iCalendar feed of releases and experiments, for the organization or a team.

    Only the SHA-256 of the URL's token is kept; revoking the feed stops the URL working.
    """

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    label = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    audit_fields = ("team", "label", "revoked_at")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label
