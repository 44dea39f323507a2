"""Identity, SWOT, themes, value streams, investment, the guiding coalition and the decision
log (DESIGN §2.3)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from northline.lib.models import one_of, ordered, unique_in_organization
from northline.measures.models import Indicator
from northline.orgs.models import NamedRecord, Organization, Person, Team, TenantModel


class IdentityRevision(models.Model):
    """One version of the organization's mission, vision and values; the latest is current.

    Revisions are never edited: a change is a new revision, so the history is the table.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    mission = models.TextField()
    vision = models.TextField(blank=True)
    # [{"name": "Openness", "meaning": "We publish what we learn."}, …]
    values = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="Why this revision was made.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_fields = ("number", "mission", "vision", "values", "note")

    class Meta:
        ordering = ["organization_id", "-number"]
        constraints = [
            unique_in_organization(
                "number",
                "identity_revision_unique_number",
                "Someone else saved a revision first; reload.",
            )
        ]

    def __str__(self) -> str:
        return f"Identity revision {self.number}"


class SwotKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    WEAKNESS = "weakness", "Weakness"
    OPPORTUNITY = "opportunity", "Opportunity"
    THREAT = "threat", "Threat"


class ThemeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    RETIRED = "retired", "Retired"


class Theme(NamedRecord):
    """A strategic theme or business outcome, measured by lagging indicators."""

    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=ThemeStatus.choices, default="active")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="themes")

    audit_fields = ("name", "description", "starts_on", "ends_on", "status")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            unique_in_organization(
                "name", "theme_unique_name", "A theme with this name already exists."
            ),
            ordered(
                "starts_on",
                "ends_on",
                "theme_dates_ordered",
                "A theme cannot end before it starts.",
            ),
        ]


class SwotItem(TenantModel):
    """One strength, weakness, opportunity or threat, optionally tied to themes."""

    kind = models.CharField(max_length=12, choices=SwotKind.choices)
    statement = models.TextField()
    themes = models.ManyToManyField(Theme, blank=True, related_name="swot_items")

    audit_fields = ("kind", "statement")

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            one_of(
                "kind",
                SwotKind,
                "swot_kind_valid",
                "Kind must be strength, weakness, opportunity or threat.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.statement[:60]}"


class ValueStream(NamedRecord):
    """The steps and teams that deliver value to a customer."""

    teams = models.ManyToManyField(Team, blank=True, related_name="value_streams")

    audit_fields = ("name", "description")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            unique_in_organization(
                "name", "value_stream_unique_name", "A value stream with this name already exists."
            )
        ]


class Investment(TenantModel):
    """Money planned for a theme or a value stream over a period."""

    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="investments"
    )
    value_stream = models.ForeignKey(
        ValueStream, null=True, blank=True, on_delete=models.CASCADE, related_name="investments"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    planned_amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default="EUR")

    audit_fields = (
        "theme",
        "value_stream",
        "period_start",
        "period_end",
        "planned_amount",
        "currency",
    )

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(theme__isnull=False) & Q(value_stream__isnull=True))
                | (Q(theme__isnull=True) & Q(value_stream__isnull=False)),
                name="investment_one_target",
                violation_error_message="An investment funds either a theme or a value stream.",
            ),
            ordered(
                "period_start",
                "period_end",
                "investment_dates_ordered",
                "The period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        target = self.theme or self.value_stream
        return f"{self.planned_amount} {self.currency} for {target}"


class Spend(TenantModel):
    """Money actually spent against an investment."""

    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="spends")
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    spent_on = models.DateField()
    category = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True)

    audit_fields = ("investment", "amount", "spent_on", "category", "note")

    class Meta:
        ordering = ["spent_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.spent_on}"


class BodyKind(models.TextChoices):
    LACE = "LACE", "LACE"
    VMO = "VMO", "VMO"
    PMO = "PMO", "PMO"
    COMMUNITY_OF_PRACTICE = "community_of_practice", "Community of practice"
    OTHER = "other", "Other"


class Authority(models.TextChoices):
    FUND_EPICS = "fund_epics", "Fund epics"
    CHANGE_PROCESS = "change_process", "Change process"
    APPROVE_RELEASES = "approve_releases", "Approve releases"
    CHANGE_STRATEGY = "change_strategy", "Change strategy"
    STAFF_TEAMS = "staff_teams", "Staff teams"
    WAIVE_GATES = "waive_gates", "Waive gates"


class ResponsibilityKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome (a theme)"
    STRATEGY = "strategy", "Strategy"
    RELEASE_COORDINATION = "release_coordination", "Release coordination"
    LAB_PROGRAM = "lab_program", "Lab program"
    PRACTICE = "practice", "Practice (a way of working)"


class CoalitionBody(TenantModel):
    """A guiding-coalition body (LACE, VMO, PMO, …) with members and decision rights."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=25, choices=BodyKind.choices)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Person, blank=True, related_name="coalition_bodies")
    # A list of Authority values, kept in Authority's order.
    authorities = models.JSONField(default=list, blank=True)

    audit_fields = ("name", "kind", "description", "authorities")

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "coalition bodies"
        constraints = [
            unique_in_organization(
                "name", "coalition_body_unique_name", "A body with this name already exists."
            )
        ]

    def __str__(self) -> str:
        return self.name


class Responsibility(TenantModel):
    """Something a body answers for; its kind says which authorities it needs."""

    body = models.ForeignKey(
        CoalitionBody, on_delete=models.CASCADE, related_name="responsibilities"
    )
    kind = models.CharField(max_length=25, choices=ResponsibilityKind.choices)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities"
    )
    description = models.CharField(max_length=300, blank=True)

    audit_fields = ("body", "kind", "theme", "description")

    class Meta:
        ordering = ["body_id", "kind", "id"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="outcome", theme__isnull=False) | ~Q(kind="outcome"),
                name="responsibility_outcome_has_theme",
                violation_error_message="An outcome responsibility names the theme it owns.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_kind_display()}"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"


class DecisionTopic(models.TextChoices):
    IDENTITY = "identity", "Identity"
    STRATEGY = "strategy", "Strategy"
    PORTFOLIO = "portfolio", "Portfolio"
    DELIVERY = "delivery", "Delivery"
    LAB = "lab", "Lab"
    OTHER = "other", "Other"


class Decision(TenantModel):
    """An entry of the decision log."""

    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=10, choices=DecisionTopic.choices, default="other")
    context = models.TextField(blank=True)
    decision = models.TextField(blank=True)
    made_by_body = models.ForeignKey(
        CoalitionBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    made_by_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    audit_fields = (
        "title",
        "topic",
        "context",
        "decision",
        "made_by_body",
        "made_by_person",
        "decided_on",
        "status",
        "superseded_by",
    )

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def concerns_leadership(self) -> bool:
        """Identity and strategy decisions are routed to the organization's leadership."""
        return self.topic in {DecisionTopic.IDENTITY, DecisionTopic.STRATEGY}


class DecisionLink(TenantModel):
    """A record a decision affects, named by its audit type and id (any app's record)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    label = models.CharField(max_length=300)

    audit_fields = ("decision", "object_type", "object_id", "label")

    class Meta:
        ordering = ["decision_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "object_type", "object_id"],
                name="decision_link_unique",
                violation_error_message="The decision already links this record.",
            )
        ]

    def __str__(self) -> str:
        return self.label
