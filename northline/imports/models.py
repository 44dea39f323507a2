"""What an import leaves behind: the import itself (who, when, which file, what it did) and the
external key of every record it created, so the next import of the same source updates instead
of duplicating (DESIGN §4, issue 17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from northline.orgs.models import TenantModel


class ImportSource(models.TextChoices):
    TAIGA = "taiga", "Taiga project export"
    JIRA = "jira", "Jira CSV export"
    OKRS = "okrs", "OKR spreadsheet (CSV or XLSX)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    PREVIEWED = "previewed", "Previewed (dry run)"
    APPLIED = "applied", "Applied"
    REFUSED = "refused", "Refused"


class ImportRun(TenantModel):
    """One import of one file: a dry run, an applied import, or one refused as a whole."""

    source = models.CharField(max_length=20, choices=ImportSource.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # {"created": n, "updated": n, "unchanged": n, "refused": n, "adjusted": n, "skipped": n}
    counts = models.JSONField(default=dict, blank=True)
    # One entry per row of the file: {key, kind, location, action, title, messages, id}.
    log = models.JSONField(default=list, blank=True)
    # The mapping the file was read with (the statuses' columns, the team column, dates…) and
    # what the file holds that a mapping chooses about (its statuses, columns, sprints…).
    mapping = models.JSONField(default=dict, blank=True)
    found = models.JSONField(default=dict, blank=True)
    # A big file's preview or apply waits for the worker (status "queued"): which of the two.
    queued_action = models.CharField(
        max_length=10, blank=True, choices=[("preview", "Preview"), ("apply", "Apply")]
    )
    # The file of a preview made on the Imports page, kept until it is applied, so applying
    # needs no second upload; emptied once applied (the SHA-256 stays).
    content = models.BinaryField(blank=True, default=b"", editable=False)

    audit_fields = ("status",)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def can_apply(self) -> bool:
        """A preview whose file is kept: the page offers to apply it."""
        return self.status == ImportStatus.PREVIEWED and bool(self.content)

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.filename} ({self.get_status_display().lower()})"


class ExternalKey(TenantModel):
    """The key a record has in the system it was imported from (``TAIGA:slug/us/17``): unique
    per organization, so a re-import finds what it created before."""

    key = models.CharField(max_length=255)
    # The record it names, as the audit trail names records ("portfolio.story"); a label
    # rather than a content type, so the key survives an export into another installation.
    object_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    # The import that last wrote the record.
    # RESTRICT: an import with keys is not deleted alone, but goes with its organization.
    last_import = models.ForeignKey(ImportRun, on_delete=models.RESTRICT, related_name="keys")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="external_key_unique_per_org"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return self.key


class ImportMapping(TenantModel):
    """An organization's saved mapping for one source, used by its next imports."""

    source = models.CharField(max_length=20, choices=ImportSource.choices)
    mapping = models.JSONField(default=dict)

    audit_fields = ("source", "mapping")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source"], name="import_mapping_one_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} mapping"
