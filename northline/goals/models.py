"""Periods, objectives and key results (DESIGN §2.4)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from northline.lib.models import one_of, ordered, unique_in_organization
from northline.measures.models import Indicator
from northline.orgs.models import Person, Team, TenantModel, TitledRecord
from northline.strategy.models import Theme


class Period(TenantModel):
    """A span of time that objectives are set for, such as a quarter."""

    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()

    audit_fields = ("name", "starts_on", "ends_on")

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            unique_in_organization(
                "name", "period_unique_name", "A period with this name already exists."
            ),
            ordered(
                "starts_on",
                "ends_on",
                "period_dates_ordered",
                "A period must end after it starts.",
                strictly=True,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ObjectiveStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Objective(TitledRecord):
    """What an organization or a team means to achieve in a period."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="objectives")
    # No team: an organization-level objective.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    status = models.CharField(
        max_length=10, choices=ObjectiveStatus.choices, default=ObjectiveStatus.DRAFT
    )

    audit_fields = ("title", "description", "period", "team", "owner", "parent", "theme", "status")

    class Meta:
        ordering = ["period_id", "team_id", "title", "id"]
        indexes = [models.Index(fields=["organization", "period"], name="objective_by_period")]
        constraints = [
            one_of(
                "status",
                ObjectiveStatus,
                "objective_status_valid",
                "Status must be draft, active or closed.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="objective_not_own_parent",
                violation_error_message="An objective cannot be its own parent.",
            ),
        ]


class KeyResult(TenantModel):
    """A measurable result of an objective; its indicator's readings are the check-ins."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=200)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0)])
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="key_results"
    )
    due_date = models.DateField(null=True, blank=True)
    indicator = models.OneToOneField(Indicator, on_delete=models.PROTECT, related_name="key_result")
    checkin_every_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="How often the owner checks in, in days; past it the key result is due.",
    )

    audit_fields = ("objective", "title", "weight", "owner", "due_date", "checkin_every_days")

    class Meta:
        ordering = ["objective_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="key_result_weight_not_negative",
                violation_error_message="A weight cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return self.title
