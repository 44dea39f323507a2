"""Indicators and their readings (DESIGN §2.2)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from northline.lib.models import one_of, ordered
from northline.orgs.models import AppendOnlyRecord, NamedRecord


class IndicatorKind(models.TextChoices):
    LEADING = "leading", "Leading"
    LAGGING = "lagging", "Lagging"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    # Guardrails: hold a line (the target) rather than travel to it (DESIGN §2.2).
    STAY_ABOVE = "stay_above", "Stay above"
    STAY_BELOW = "stay_below", "Stay below"

    @property
    def is_guardrail(self) -> bool:
        return self in (Direction.STAY_ABOVE, Direction.STAY_BELOW)


class Indicator(NamedRecord):
    """Something measured, from a baseline towards a target over a window of dates."""

    kind = models.CharField(max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(max_length=40, blank=True)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline = models.FloatField()
    target = models.FloatField()
    start_date = models.DateField()
    target_date = models.DateField()

    audit_fields = (
        "name",
        "description",
        "kind",
        "unit",
        "direction",
        "baseline",
        "target",
        "start_date",
        "target_date",
    )
    constraint_fields = {
        "indicator_target_beyond_baseline": "target",
        "indicator_dates_ordered": "target_date",
    }

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            one_of(
                "kind", IndicatorKind, "indicator_kind_valid", "Kind must be leading or lagging."
            ),
            models.CheckConstraint(
                condition=(Q(direction="increase", target__gt=models.F("baseline")))
                | Q(direction="decrease", target__lt=models.F("baseline"))
                # A guardrail's target is the line it holds; its baseline is where it stood.
                | Q(direction__in=["stay_above", "stay_below"]),
                name="indicator_target_beyond_baseline",
                violation_error_message=(
                    "The target must lie beyond the baseline in the indicator's direction "
                    "(above it to increase, below it to decrease); a guardrail's target is "
                    "the line it stays above or below."
                ),
            ),
            ordered(
                "start_date",
                "target_date",
                "indicator_dates_ordered",
                "The target date cannot come before the start date.",
            ),
        ]


class Reading(AppendOnlyRecord):
    """One observed value of an indicator; for key results, a check-in. Append-only."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="readings")
    value = models.FloatField()
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=100, blank=True)
    confidence = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="How sure the author is of reaching the target, 0 to 100 %.",
    )
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_fields = ("indicator", "value", "recorded_at", "source", "confidence", "note")
    append_only_message = "Readings are append-only: record a new reading instead."

    class Meta:
        ordering = ["indicator_id", "recorded_at", "id"]
        indexes = [models.Index(fields=["indicator", "recorded_at"], name="reading_by_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__lte=100),
                name="reading_confidence_percent",
                violation_error_message="Confidence is a percentage from 0 to 100.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.value:g} at {self.recorded_at:%Y-%m-%d}"
