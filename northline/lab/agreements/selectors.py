"""Reads of agreement templates and agreements: the access helpers, the lists, the initials
grid, and the seals (an initial's HMAC over the section text it initialed), which only read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from northline.lab.models import (
    Agreement,
    AgreementSection,
    AgreementStatus,
    AgreementTemplate,
    Engagement,
    Initial,
    Signatory,
    TemplateSection,
)
from northline.orgs.access import Access
from northline.orgs.record_access import RecordAccess

# Statuses in which signatories may initial.
OPEN_FOR_INITIALS = {AgreementStatus.CIRCULATING, AgreementStatus.AMENDED}

VALID, MISSING, VOIDED, TAMPERED = "valid", "missing", "voided", "tampered"
CELL_LABELS = {
    VALID: "Initialed",
    MISSING: "Not initialed",
    VOIDED: "Voided by an edit",
    TAMPERED: "Tampered: fails its seal",
}


# Hashing and sealing -------------------------------------------------------------------------


def section_text(title: str, body: str) -> str:
    """The canonical text a signatory initials: title, blank line, body."""
    return f"{title}\n\n{body}"


def text_sha256(title: str, body: str) -> str:
    return hashlib.sha256(section_text(title, body).encode("utf-8")).hexdigest()


def seal_of(
    *,
    agreement_id: int,
    section_id: int,
    signatory_id: int,
    user_id: int,
    initialed_at: Any,
    text_sha256: str,
    key: str | None = None,
) -> str:
    """HMAC-SHA256 over an initial's fields, joined by "|" in this order: agreement id, section
    id, signatory id, user id, initialed_at (ISO 8601, UTC), hash. The key is this
    installation's SECRET_KEY unless ``key`` names another (an import's source key)."""
    message = "|".join(
        [
            str(agreement_id),
            str(section_id),
            str(signatory_id),
            str(user_id),
            initialed_at.astimezone(dt.UTC).isoformat(),
            text_sha256,
        ]
    )
    secret = (settings.SECRET_KEY if key is None else key).encode("utf-8")
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_for(initial: Initial, key: str | None = None) -> str:
    """The seal ``initial``'s fields should carry under ``key`` (default: this installation's)."""
    return seal_of(
        agreement_id=initial.agreement_id,
        section_id=initial.section_id,
        signatory_id=initial.signatory_id,
        user_id=initial.user_id,
        initialed_at=initial.initialed_at,
        text_sha256=initial.text_sha256,
        key=key,
    )


def seal_holds(initial: Initial, key: str | None = None) -> bool:
    return hmac.compare_digest(seal_for(initial, key), initial.seal)


# Access helpers ------------------------------------------------------------------------------


access_template = RecordAccess(AgreementTemplate.objects.all())
access_template_section = RecordAccess(TemplateSection.objects.select_related("template"))
access_agreement = RecordAccess(Agreement.objects.select_related("engagement", "template"))
access_section = RecordAccess(AgreementSection.objects.select_related("agreement"))
access_signatory = RecordAccess(Signatory.objects.select_related("agreement", "person"))


# Reads ---------------------------------------------------------------------------------------


def templates(access: Access) -> QuerySet[AgreementTemplate]:
    return AgreementTemplate.objects.filter(organization=access.organization)


def template_sections(access: Access, template: AgreementTemplate) -> QuerySet[TemplateSection]:
    return TemplateSection.objects.filter(organization=access.organization, template=template)


def agreements(access: Access, engagement: Engagement | None = None) -> QuerySet[Agreement]:
    queryset = Agreement.objects.filter(organization=access.organization).select_related(
        "engagement"
    )
    if engagement is not None:
        queryset = queryset.filter(engagement=engagement)
    return queryset


def sections(access: Access, agreement: Agreement) -> QuerySet[AgreementSection]:
    return AgreementSection.objects.filter(organization=access.organization, agreement=agreement)


def signatories(access: Access, agreement: Agreement) -> QuerySet[Signatory]:
    return Signatory.objects.filter(
        organization=access.organization, agreement=agreement
    ).select_related("person")


def initials(access: Access, agreement: Agreement) -> QuerySet[Initial]:
    return Initial.objects.filter(organization=access.organization, agreement=agreement)


@dataclass
class Cell:
    """One signatory's state on one section."""

    section: AgreementSection
    signatory: Signatory
    state: str
    initial: Initial | None = None  # the initial that decides the state, if any
    mine: bool = False  # the viewer is this signatory's user

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]

    @property
    def awaits_initial(self) -> bool:
        """Missing or voided: a new initial would make it valid (a tampered cell stays so)."""
        return self.state in (MISSING, VOIDED)


@dataclass
class AgreementGrid:
    """Sections needing initials × signatories, each cell valid, missing, voided or tampered.

    ``executed`` is worked out from the cells, not read from the stored status: a row changed
    behind the application's back makes it False even while the status still says executed.
    """

    agreement: Agreement
    sections: list[AgreementSection]  # every section, in order
    required: list[AgreementSection]  # those needing initials (the grid's rows)
    signatories: list[Signatory]
    cells: dict[tuple[int, int], Cell]
    executed: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[AgreementSection, list[Cell]]]:
        return [
            (section, [self.cells[(section.pk, s.pk)] for s in self.signatories])
            for section in self.required
        ]

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def status_mismatch(self) -> bool:
        """The stored status says executed but the cells say otherwise (tampering)."""
        return self.agreement.status == AgreementStatus.EXECUTED and not self.executed

    def cells_of(self, signatory: Signatory) -> list[Cell]:
        return [self.cells[(section.pk, signatory.pk)] for section in self.required]

    @property
    def document(self) -> list[tuple[AgreementSection, list[Cell]]]:
        """Every section in order with its cells (none for a section needing no initials)."""
        return [
            (
                section,
                [self.cells[(section.pk, s.pk)] for s in self.signatories]
                if section.needs_initials
                else [],
            )
            for section in self.sections
        ]

    @property
    def by_signatory(self) -> list[tuple[Signatory, int, int]]:
        """(signatory, valid cells, required cells) for the signature block."""
        return [
            (s, sum(1 for cell in self.cells_of(s) if cell.state == VALID), len(self.required))
            for s in self.signatories
        ]


def cell_state(section: AgreementSection, found: list[Initial]) -> tuple[str, Initial | None]:
    """Tampered if any stored initial of the cell fails its seal; else valid if one matches the
    section's text as it is now; else voided if there are initials; else missing."""
    for stored in found:
        if not seal_holds(stored):
            return TAMPERED, stored
    current = text_sha256(section.title, section.body)
    matching = [stored for stored in found if stored.text_sha256 == current]
    if matching:
        return VALID, matching[-1]
    if found:
        return VOIDED, found[-1]
    return MISSING, None


def agreement_state(access: Access, agreement: Agreement) -> AgreementGrid:
    """The grid in three queries whatever its size: sections, signatories, initials."""
    all_sections = list(sections(access, agreement))
    people = list(signatories(access, agreement))
    by_cell: dict[tuple[int, int], list[Initial]] = {}
    for row in initials(access, agreement).order_by("initialed_at", "id"):
        by_cell.setdefault((row.section_id, row.signatory_id), []).append(row)
    required = [section for section in all_sections if section.needs_initials]
    cells: dict[tuple[int, int], Cell] = {}
    counts = dict.fromkeys((VALID, MISSING, VOIDED, TAMPERED), 0)
    for section in required:
        for signatory in people:
            state, decisive = cell_state(section, by_cell.get((section.pk, signatory.pk), []))
            counts[state] += 1
            cells[(section.pk, signatory.pk)] = Cell(
                section=section,
                signatory=signatory,
                state=state,
                initial=decisive,
                mine=signatory.person.user_id is not None
                and signatory.person.user_id == access.user.pk,
            )
    executed = bool(cells) and counts[VALID] == len(cells)
    return AgreementGrid(
        agreement=agreement,
        sections=all_sections,
        required=required,
        signatories=people,
        cells=cells,
        executed=executed,
        counts=counts,
    )
