"""Epics with business cases, stories, sprints, WIP limits and feedback-loop recommendations
(DESIGN §2.5)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from northline.goals.models import KeyResult
from northline.lib.models import one_of, ordered, unique_in_organization
from northline.measures.models import Indicator
from northline.orgs.models import Person, Team, TenantModel, TitledRecord
from northline.strategy.models import Decision, Theme, ValueStream

# The relative scale of WSJF inputs.
WSJF_SCALE = (1, 2, 3, 5, 8, 13, 20)
WSJF_CHOICES = [(value, str(value)) for value in WSJF_SCALE]


class EpicState(models.TextChoices):
    FUNNEL = "funnel", "Funnel"
    TODO = "todo", "To do"
    DOING = "doing", "Doing"
    DONE = "done", "Done"
    CLOSED = "closed", "Closed"


class CloseReason(models.TextChoices):
    PIVOTED = "pivoted", "Pivoted"
    LOWER_RETURN = "lower_return", "Lower return than other work"
    OUTCOME_NOT_ACHIEVED = "outcome_not_achieved", "Outcome not achieved"
    DUPLICATE = "duplicate", "Duplicate"
    OTHER = "other", "Other"


class Epic(TitledRecord):
    """A large piece of work with a short business case, on the portfolio Kanban."""

    state = models.CharField(max_length=10, choices=EpicState.choices, default=EpicState.FUNNEL)
    value_stream = models.ForeignKey(
        ValueStream, null=True, blank=True, on_delete=models.SET_NULL, related_name="epics"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="epics"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="epics"
    )
    # The team the card shows; stories may be spread over other teams too.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="epics"
    )
    # The business case.
    what = models.TextField(blank=True)
    why = models.TextField(blank=True)
    hypothesis = models.TextField(blank=True)
    lagging_indicators = models.ManyToManyField(Indicator, blank=True, related_name="epics")
    # WSJF inputs on the relative scale; job size is the divisor.
    business_value = models.PositiveSmallIntegerField(null=True, blank=True, choices=WSJF_CHOICES)
    time_criticality = models.PositiveSmallIntegerField(null=True, blank=True, choices=WSJF_CHOICES)
    risk_reduction = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=WSJF_CHOICES,
        help_text="Risk reduction or opportunity enablement.",
    )
    job_size = models.PositiveSmallIntegerField(null=True, blank=True, choices=WSJF_CHOICES)
    key_results = models.ManyToManyField(KeyResult, blank=True, related_name="epics")
    target_date = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=25, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(blank=True)
    # Position on the board (northline.lib.ranking): WSJF order unless placed by hand.
    rank = models.CharField(max_length=64, db_index=True)
    rank_is_manual = models.BooleanField(default=False)
    # The epic this one was pivoted from, when a feedback answer created it.
    pivoted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="pivots"
    )

    audit_fields = (
        "title",
        "description",
        "state",
        "value_stream",
        "theme",
        "owner",
        "team",
        "what",
        "why",
        "hypothesis",
        "business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
        "target_date",
        "close_reason",
        "close_note",
        "rank",
        "rank_is_manual",
    )

    class Meta:
        ordering = ["rank", "id"]
        indexes = [
            # The board reads one column at a time in rank order, a page at a time.
            models.Index(fields=["organization", "state", "rank"], name="epic_column_order")
        ]
        constraints = [
            one_of("state", EpicState, "epic_state_valid", "Unknown epic state."),
            models.CheckConstraint(
                condition=~Q(state=EpicState.CLOSED) | ~Q(close_reason=""),
                name="epic_closed_has_reason",
                violation_error_message="A closed epic needs a reason.",
            ),
        ]


class StoryState(models.TextChoices):
    TODO = "todo", "To do"
    DOING = "doing", "Doing"
    DONE = "done", "Done"


class Sprint(TenantModel):
    """A team's timebox with a capacity in story points."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="sprints")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()
    capacity = models.PositiveIntegerField(help_text="Story points the team expects to finish.")

    audit_fields = ("team", "name", "starts_on", "ends_on", "capacity")

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            ordered(
                "starts_on",
                "ends_on",
                "sprint_dates_ordered",
                "A sprint cannot end before it starts.",
            )
        ]

    constraint_fields = {"sprint_dates_ordered": "ends_on"}

    def __str__(self) -> str:
        return self.name


class Story(TenantModel):
    """A slice of an epic a team can finish in a sprint, with leading indicators."""

    epic = models.ForeignKey(Epic, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    acceptance_criteria = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=StoryState.choices, default=StoryState.TODO)
    estimate = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Story points.", validators=[MinValueValidator(0)]
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    sprint = models.ForeignKey(
        Sprint, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    leading_indicators = models.ManyToManyField(Indicator, blank=True, related_name="stories")
    rank = models.CharField(max_length=64, db_index=True)

    audit_fields = (
        "epic",
        "title",
        "description",
        "acceptance_criteria",
        "state",
        "estimate",
        "team",
        "sprint",
        "rank",
    )

    class Meta:
        ordering = ["epic_id", "rank", "id"]
        verbose_name_plural = "stories"
        constraints = [one_of("state", StoryState, "story_state_valid", "Unknown story state.")]

    def __str__(self) -> str:
        return self.title


class WipLimit(TenantModel):
    """The most epics a board column may hold (DESIGN §2.5); no row means no limit."""

    state = models.CharField(max_length=10, choices=EpicState.choices)
    limit = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    audit_fields = ("state", "limit")

    class Meta:
        ordering = ["state"]
        constraints = [
            unique_in_organization(
                "state", "wip_limit_unique_state", "This column already has a limit."
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} ≤ {self.limit}"


class RecommendationKind(models.TextChoices):
    CLOSE_LOWER_RETURN = "close_lower_return", "Close: lower return"
    PIVOT_OUTCOME_NOT_MOVING = "pivot_outcome_not_moving", "Pivot: outcome not moving"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    # The numbers moved and the recommendation no longer holds.
    WITHDRAWN = "withdrawn", "Withdrawn"


class Answer(models.TextChoices):
    KEEP = "keep", "Keep"
    CLOSE = "close", "Close"
    PIVOT = "pivot", "Pivot"


class Recommendation(TenantModel):
    """What the feedback loop suggests for an epic in doing, and how a person answered."""

    epic = models.ForeignKey(Epic, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=30, choices=RecommendationKind.choices)
    status = models.CharField(
        max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN
    )
    message = models.TextField()
    # The numbers behind it: remaining WSJF and the candidate's, or the indicators not moving.
    details = models.JSONField(default=dict)
    candidate = models.ForeignKey(
        Epic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answer_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_fields = ("epic", "kind", "status", "message", "answer", "answer_note")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["epic", "kind"],
                condition=Q(status="open"),
                name="recommendation_one_open_per_kind",
                violation_error_message="The epic already has an open recommendation of this kind.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.epic}"
