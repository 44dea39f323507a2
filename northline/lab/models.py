"""Governance of an innovation lab (DESIGN §2.7): the playbook and its gates, engagements,
qualification, partnership agreements initialed section by section, training, alignment
sessions, budget, experts in residence and shareable journey reports."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from northline.lib.models import one_of, ordered, unique_in_organization
from northline.orgs.models import AppendOnlyRecord, NamedRecord, Person, Team, TenantModel
from northline.strategy.models import Decision

# The playbook -------------------------------------------------------------------------------


class Phase(TenantModel):
    """One phase of the organization's playbook, in order (default Qualify → Align → Build →
    Graduate)."""

    name = models.CharField(max_length=100)
    key = models.SlugField(max_length=40, help_text="A stable name, e.g. 'align'.")
    position = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)

    audit_fields = ("name", "key", "position", "description")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            unique_in_organization(
                "key", "phase_unique_key", "The playbook already has a phase with this key."
            )
        ]

    def __str__(self) -> str:
        return self.name


class PhaseItemKind(models.TextChoices):
    PRECONDITION = "precondition", "Pre-condition"
    SUCCESS_CRITERION = "success_criterion", "Success criterion"
    STANDARD = "standard", "Standard"
    ACTIVITY = "activity", "Activity"
    RESOURCE = "resource", "Resource"


# The headings over a phase's lines of one kind (English plurals are not label + "s").
KIND_PLURALS: dict[str, str] = {
    PhaseItemKind.PRECONDITION: "Pre-conditions",
    PhaseItemKind.SUCCESS_CRITERION: "Success criteria",
    PhaseItemKind.STANDARD: "Standards",
    PhaseItemKind.ACTIVITY: "Activities",
    PhaseItemKind.RESOURCE: "Resources",
}


class PlaybookLine(TenantModel):
    """The kind, text, check and place that a playbook line and an engagement's copy share."""

    kind = models.CharField(max_length=20, choices=PhaseItemKind.choices)
    text = models.TextField()
    # Items Northline checks by itself carry a key, e.g. "product_owner_trained".
    check_key = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text[:80]


class PhaseItem(PlaybookLine):
    """A line of a phase: a pre-condition to enter it, a criterion of success, a standard, an
    activity or a resource."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="items")

    audit_fields = ("phase", "kind", "text", "check_key", "position")

    class Meta:
        ordering = ["phase_id", "kind", "position", "id"]


# Engagements ----------------------------------------------------------------------------------


class EngagementStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    QUALIFIED = "qualified", "Qualified"
    ALIGNING = "aligning", "Aligning"
    IN_RESIDENCE = "in_residence", "In residence"
    GRADUATED = "graduated", "Graduated"
    PIVOTED_AWAY = "pivoted_away", "Pivoted away"


class Engagement(TenantModel):
    """A partner team's residency in the lab."""

    title = models.CharField(max_length=200)
    partner_organization = models.CharField(max_length=200)
    business_area = models.CharField(max_length=200, blank=True)
    product = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements"
    )
    product_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    executive_sponsor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    graduation_window_start = models.DateField(null=True, blank=True)
    graduation_window_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=15, choices=EngagementStatus.choices, default=EngagementStatus.CANDIDATE
    )
    current_phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="engagements"
    )
    # Why it graduated or pivoted away.
    closing_reason = models.TextField(blank=True)
    # Budget: the planned range for the team and the lab's hosting cost per month.
    budget_low = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    budget_high = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    monthly_lab_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")

    audit_fields = (
        "title",
        "partner_organization",
        "business_area",
        "product",
        "team",
        "product_owner",
        "executive_sponsor",
        "start_date",
        "graduation_window_start",
        "graduation_window_end",
        "status",
        "current_phase",
        "closing_reason",
        "budget_low",
        "budget_high",
        "monthly_lab_cost",
        "currency",
    )
    constraint_fields = {
        "engagement_window_ordered": "graduation_window_end",
        "engagement_budget_ordered": "budget_high",
    }

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            one_of(
                "status", EngagementStatus, "engagement_status_valid", "Unknown engagement status."
            ),
            models.CheckConstraint(
                condition=Q(graduation_window_start__isnull=True)
                | Q(graduation_window_end__isnull=True)
                | Q(graduation_window_end__gte=models.F("graduation_window_start")),
                name="engagement_window_ordered",
                violation_error_message="The graduation window cannot end before it opens.",
            ),
            models.CheckConstraint(
                condition=Q(budget_low__isnull=True)
                | Q(budget_high__isnull=True)
                | Q(budget_high__gte=models.F("budget_low")),
                name="engagement_budget_ordered",
                violation_error_message="The top of the budget range is below its bottom.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistState(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    WAIVED = "waived", "Waived"


class ChecklistItem(PlaybookLine):
    """An engagement's copy of a playbook line, with its state and evidence."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="checklist")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        PhaseItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ChecklistState.choices, default="open")
    evidence = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    waiver_reason = models.TextField(blank=True)
    waiver_decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_fields = ("state", "evidence", "waiver_reason")

    class Meta:
        ordering = ["engagement_id", "phase__position", "kind", "position", "id"]


class Criterion(models.TextChoices):
    """The five qualification criteria of a partnership (seed 001)."""

    PRIORITY = "priority", "A priority for the ministry"
    COMPLEX = "complex", "Complex enough to need a team"
    DIGITAL = "digital", "Digital at its core"
    ENABLER_DEPENDENT = "enabler_dependent", "Depends on shared enablers"
    CONTINUOUS = "continuous", "Continuous, not a one-off project"


class QualificationAssessment(TenantModel):
    """One qualification criterion of an engagement, judged with evidence."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="qualification"
    )
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    met = models.BooleanField(null=True, blank=True, help_text="Empty until assessed.")
    evidence = models.TextField(blank=True)

    audit_fields = ("criterion", "met", "evidence")

    class Meta:
        ordering = ["engagement_id", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "criterion"],
                name="qualification_unique_criterion",
                violation_error_message="This criterion is already assessed.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.criterion}"


# Agreements -----------------------------------------------------------------------------------


class AgreementTemplate(NamedRecord):
    """A reusable partnership agreement: an ordered list of sections."""

    audit_fields = ("name", "description")

    class Meta:
        ordering = ["name", "id"]


class TemplateSection(TenantModel):
    """A section of a template (Markdown body)."""

    template = models.ForeignKey(
        AgreementTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    needs_initials = models.BooleanField(default=True)

    audit_fields = ("position", "title", "body", "needs_initials")

    class Meta:
        ordering = ["template_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CIRCULATING = "circulating", "Circulating"
    EXECUTED = "executed", "Executed"
    AMENDED = "amended", "Amended"
    TERMINATED = "terminated", "Terminated"


class Agreement(TenantModel):
    """A partnership agreement for one engagement, made from a template."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="agreements")
    template = models.ForeignKey(
        AgreementTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    executed_at = models.DateTimeField(null=True, blank=True)

    audit_fields = ("title", "status", "executed_at")

    class Meta:
        ordering = ["engagement_id", "id"]

    def __str__(self) -> str:
        return self.title


class AgreementSection(TenantModel):
    """A section of one agreement; its text is what signatories initial."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    needs_initials = models.BooleanField(default=True)

    audit_fields = ("position", "title", "body", "needs_initials")

    class Meta:
        ordering = ["agreement_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Side(models.TextChoices):
    LAB = "lab", "Lab"
    PARTNER = "partner", "Partner"


class Signatory(TenantModel):
    """A person who signs an agreement for one side."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, help_text="e.g. Executive sponsor, Lab director.")
    side = models.CharField(max_length=10, choices=Side.choices)

    audit_fields = ("person", "role", "side")

    class Meta:
        ordering = ["agreement_id", "side", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "person"],
                name="signatory_unique_person",
                violation_error_message="This person already signs the agreement.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.side})"


class Initial(AppendOnlyRecord):
    """A signatory's initial on one section, as it was: append-only.

    It counts only while the section's text still hashes to ``text_sha256``; ``seal`` is an
    HMAC over the row's own fields, so a row changed behind the application's back shows as
    tampered.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="initials")
    section = models.ForeignKey(AgreementSection, on_delete=models.CASCADE, related_name="initials")
    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="initials")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    initialed_at = models.DateTimeField()
    text_sha256 = models.CharField(max_length=64)
    seal = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_fields = ("section", "signatory", "text_sha256")
    # A new edit of the section voids an initial instead of changing it.
    append_only_message = "Initials are append-only: initial the section again instead."

    class Meta:
        ordering = ["section_id", "signatory_id", "initialed_at", "id"]
        indexes = [models.Index(fields=["agreement", "section", "signatory"], name="initial_cell")]

    def __str__(self) -> str:
        return f"{self.signatory} on {self.section}"


# Training -------------------------------------------------------------------------------------


class Course(TenantModel):
    """A course people can take, for the roles it is meant for."""

    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # TeamRole values this course is meant for.
    audience_roles = models.JSONField(default=list, blank=True)

    audit_fields = ("name", "provider", "hours", "audience_roles")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RequiredTraining(TenantModel):
    """A course everyone holding a team role must complete (e.g. product owner → agile
    fundamentals)."""

    role = models.CharField(max_length=30, help_text="A team role, e.g. product_owner.")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="required_for")

    audit_fields = ("role", "course")

    class Meta:
        ordering = ["role", "course_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role", "course"],
                name="required_training_unique",
                violation_error_message="This course is already required for the role.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} → {self.course}"


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class TrainingRecord(TenantModel):
    """A person's progress on a course."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="records")
    status = models.CharField(max_length=12, choices=TrainingStatus.choices, default="planned")
    completed_on = models.DateField(null=True, blank=True)

    audit_fields = ("person", "course", "status", "completed_on")

    class Meta:
        ordering = ["person_id", "course_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course"],
                name="training_record_unique",
                violation_error_message="This person already has a record for the course.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.course} ({self.status})"


# Alignment sessions ---------------------------------------------------------------------------


class AlignmentSession(TenantModel):
    """A one- or two-day session that aligns a partner's leaders and team (seed 000)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="alignment_sessions"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    facilitators = models.ManyToManyField(Person, blank=True, related_name="+")
    attendees = models.ManyToManyField(Person, blank=True, related_name="+")
    agenda = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)

    audit_fields = ("title", "starts_on", "ends_on", "agenda", "outcomes")
    constraint_fields = {"alignment_session_dates_ordered": "ends_on"}

    class Meta:
        ordering = ["starts_on", "id"]
        # "At most two days" is checked by the service: date arithmetic differs by database.
        constraints = [
            ordered(
                "starts_on",
                "ends_on",
                "alignment_session_dates_ordered",
                "A session cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(TenantModel):
    """Something a person committed to at an alignment session."""

    session = models.ForeignKey(
        AlignmentSession, on_delete=models.CASCADE, related_name="commitments"
    )
    description = models.TextField()
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    audit_fields = ("description", "owner", "due_on", "done")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]


# Budget and experts ---------------------------------------------------------------------------


class Expense(TenantModel):
    """Money spent on an engagement, by category."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="expenses")
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    category = models.CharField(max_length=100)
    note = models.CharField(max_length=300, blank=True)

    audit_fields = ("spent_on", "amount", "category", "note")

    class Meta:
        ordering = ["spent_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.category} on {self.spent_on}"


class Expert(TenantModel):
    """An expert in residence and the areas they advise on."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # e.g. ["service_design", "privacy_security"]; free words, shown as given.
    areas = models.JSONField(default=list)

    audit_fields = ("person", "areas")

    class Meta:
        ordering = ["id"]
        constraints = [
            unique_in_organization(
                "person", "expert_unique_person", "This person is already an expert in residence."
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class ExpertRequest(TenantModel):
    """An engagement's request for an expert's help."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="expert_requests"
    )
    area = models.CharField(max_length=100)
    description = models.TextField()
    expert = models.ForeignKey(
        Expert, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default="open")

    audit_fields = ("area", "description", "expert", "status")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.area}: {self.description[:60]}"


# Sharing ------------------------------------------------------------------------------------


class ReportLink(TenantModel):
    """A read-only link to the lab's aggregated journey report; revocable.

    Only the SHA-256 of the link's secret is kept, as for API tokens.
    """

    label = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    audit_fields = ("label", "revoked_at")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label
