"""Pulse surveys and their answers, and the daily snapshots of the alignment index
(DESIGN §2.8). The map, the index and the reports are computed on read from the other apps'
records; only what cannot be recomputed later (answers, the index on a past day) is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from northline.goals.models import Objective
from northline.lib.models import one_of
from northline.orgs.models import Organization, Team, TenantModel


class SurveyStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# Answer texts, the word view and a respondent's team appear only once this many people have
# answered (a survey's ``shown_from``): in a small team, three answers can be told apart.
SHOWN_FROM_DEFAULT = 5
SHOWN_FROM_MIN = 3


class Survey(TenantModel):
    """A purpose pulse: people say what their work is for and which objective it drives."""

    title = models.CharField(max_length=200)
    # No team: the whole organization is asked.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="surveys"
    )
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default="open")
    # After this day no answer is taken, by link or signed in.
    closes_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shown_from = models.PositiveSmallIntegerField(
        default=SHOWN_FROM_DEFAULT,
        help_text="Answer texts and the word view appear once this many people have answered "
        f"(never fewer than {SHOWN_FROM_MIN}).",
    )

    audit_fields = ("title", "team", "status", "closes_on", "shown_from")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            one_of("status", SurveyStatus, "survey_status_valid", "Status must be open or closed."),
            models.CheckConstraint(
                condition=Q(shown_from__gte=SHOWN_FROM_MIN),
                name="survey_shown_from_at_least_min",
                violation_error_message=f"Show answers from {SHOWN_FROM_MIN} answers or more.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyLink(TenantModel):
    """A share link for someone without a login: good for one answer, until it expires or is
    revoked. Only the SHA-256 of the link's token is kept."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=200, blank=True, help_text="Whom the link is for.")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_fields = ("label", "expires_at", "revoked_at")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"Link {self.pk}"


class SurveyAnswer(TenantModel):
    """One person's answer to a survey. Pages and the API show answers without who gave them;
    the respondent is kept only so a signed-in person answers once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    # One of the two: a signed-in respondent, or the link the answer came through.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.OneToOneField(
        SurveyLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="answer"
    )
    # The respondent's team: its chain of objectives is what "their own" objectives are.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_answers"
    )
    purpose = models.TextField(help_text="What is the purpose of your work?")
    # None: "I don't know".
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_answers"
    )
    # The day only: pages and the API never show an answer's time finer than this, and the
    # closing day is judged against it.
    answered_on = models.DateField()

    # The audit trail keeps neither the purpose nor who answered (see insights.surveys).
    audit_fields = ("survey",)

    class Meta:
        ordering = ["answered_on", "id"]
        indexes = [models.Index(fields=["survey", "team"], name="survey_answer_by_team")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                name="survey_answer_once_per_person",
                violation_error_message="You have already answered this survey.",
            )
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.survey}"


class Snapshot(models.Model):
    """The alignment index and its components on one day, for the organization or one team.

    Written by the daily snapshot task (or `northline snapshot`); a day is taken once and a
    re-run the same day replaces it. ``components`` maps each component's key to its value
    (0–100) or null when it had no data.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    taken_on = models.DateField()
    index = models.FloatField(null=True, blank=True)
    components = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "taken_on"],
                condition=Q(team__isnull=True),
                name="snapshot_one_per_org_day",
            ),
            models.UniqueConstraint(
                fields=["organization", "team", "taken_on"],
                condition=Q(team__isnull=False),
                name="snapshot_one_per_team_day",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "team", "taken_on"], name="snapshot_by_day")
        ]

    def __str__(self) -> str:
        """The day and the value, as the history names the snapshot ("9 September 2026: 68.3")."""
        value = "no value" if self.index is None else f"{self.index:g}"
        return f"{self.taken_on.day} {self.taken_on:%B %Y}: {value}"
