"""Writes to agreement templates, agreements, their sections and signatories, and initials:
each in one transaction that checks the rules, bumps ``version`` and writes the audit event.

An agreement is drafted from a template, circulated, initialed section by section by its
signatories, and executed when every required cell holds a valid initial. Rewording a section
voids the initials on it (the agreement becomes amended); terminating ends it. Initials are
append-only; an import from another installation re-seals them (``reseal_imported``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from northline.lab.agreements.default_template import (
    DEFAULT_SECTIONS,
    DEFAULT_TEMPLATE_DESCRIPTION,
    DEFAULT_TEMPLATE_NAME,
)
from northline.lab.agreements.selectors import (
    OPEN_FOR_INITIALS,
    TAMPERED,
    VALID,
    agreement_state,
    cell_state,
    seal_for,
    seal_holds,
    seal_of,
    template_sections,
    templates,
    text_sha256,
)
from northline.lab.models import (
    Agreement,
    AgreementSection,
    AgreementStatus,
    AgreementTemplate,
    Engagement,
    Initial,
    Side,
    Signatory,
    TemplateSection,
)
from northline.lib.errors import Conflict, Forbidden, Invalid, NotFound
from northline.orgs.access import Access
from northline.orgs.audit import (
    create_audited,
    record_event,
    snapshot,
)
from northline.orgs.models import Organization, Person
from northline.orgs.services import (
    RecordWrites,
    add_record,
    change_record,
    check_own,
    record_action,
    refuse_unknown,
    remove_record,
)
from northline.orgs.transfer import SealReport, key_fingerprint

TEMPLATE_FIELDS = {"name", "description"}
SECTION_FIELDS = {"title", "body", "needs_initials", "position"}
AGREEMENT_FIELDS = {"title"}
SIGNATORY_FIELDS = {"role", "side"}


def person_in_org(access: Access, person: Person | int) -> Person:
    pk = person.pk if isinstance(person, Person) else person
    found = Person.objects.filter(organization=access.organization, pk=pk).first()
    if found is None:
        raise NotFound(
            f"No person with id {pk} in this organization.", fields={"person": "Not found."}
        )
    return found


# Templates -----------------------------------------------------------------------------------


TEMPLATES = RecordWrites[AgreementTemplate](editable=TEMPLATE_FIELDS)


def create_template(access: Access, *, name: str, description: str = "") -> AgreementTemplate:
    return TEMPLATES.create(
        access,
        AgreementTemplate(organization=access.organization, name=name, description=description),
    )


update_template = TEMPLATES.update


@transaction.atomic
def delete_template(access: Access, template: AgreementTemplate) -> None:
    """Agreements made from it keep their own copies of the sections."""
    access.require("write")
    for section in TemplateSection.objects.filter(template=template):
        remove_record(access, section)
    remove_record(access, template)


def next_position(queryset: QuerySet[Any]) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def add_template_section(
    access: Access,
    template: AgreementTemplate,
    *,
    title: str,
    body: str,
    needs_initials: bool = True,
    position: int | None = None,
) -> TemplateSection:
    access.require("write")
    if position is None:
        position = next_position(TemplateSection.objects.filter(template=template))
    return add_record(
        access,
        TemplateSection(
            organization=access.organization,
            template=template,
            position=position,
            title=title,
            body=body,
            needs_initials=needs_initials,
        ),
    )


TEMPLATE_SECTIONS = RecordWrites[TemplateSection](editable=SECTION_FIELDS)
update_template_section = TEMPLATE_SECTIONS.update
delete_template_section = TEMPLATE_SECTIONS.delete


# Agreements ----------------------------------------------------------------------------------


def lock(agreement: Agreement) -> Agreement:
    """The agreement's row, locked until the transaction ends: initials and edits of one
    agreement run one after another, so the status each computes sees the others' rows."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def refuse_terminated(agreement: Agreement) -> None:
    if agreement.status == AgreementStatus.TERMINATED:
        raise Conflict(
            f"“{agreement.title}” is terminated; it can no longer change.",
            code="agreement_terminated",
        )


def lock_open(agreement: Agreement) -> Agreement:
    """:func:`lock`, refused (409 ``agreement_terminated``) when the agreement is terminated."""
    locked = lock(agreement)
    refuse_terminated(locked)
    return locked


def sync_status(access: Access, agreement: Agreement) -> Agreement:
    """Executed exactly when every required cell is valid: move the status there, or back to
    amended when an executed agreement loses a valid cell. Draft and terminated stay put."""
    if agreement.status in (AgreementStatus.DRAFT, AgreementStatus.TERMINATED):
        return agreement
    complete = agreement_state(access, agreement).executed
    if complete and agreement.status != AgreementStatus.EXECUTED:
        return change_record(
            access,
            agreement,
            version=agreement.version,
            changes={"status": AgreementStatus.EXECUTED, "executed_at": timezone.now()},
            verb="executed",
        )
    if not complete and agreement.status == AgreementStatus.EXECUTED:
        return change_record(
            access,
            agreement,
            version=agreement.version,
            changes={"status": AgreementStatus.AMENDED, "executed_at": None},
            verb="amended",
        )
    return agreement


@transaction.atomic
def create_agreement(
    access: Access,
    engagement: Engagement,
    *,
    template: AgreementTemplate | int | None = None,
    title: str = "",
) -> Agreement:
    """A draft agreement for ``engagement`` with a copy of the template's sections."""
    access.require("write")
    check_own(access, engagement, "engagement")
    source: AgreementTemplate | None = None
    if template is not None:
        pk = template.pk if isinstance(template, AgreementTemplate) else template
        source = templates(access).filter(pk=pk).first()
        if source is None:
            raise NotFound(
                f"No agreement template with id {pk} in this organization.",
                fields={"template": "Not found."},
            )
    agreement = add_record(
        access,
        Agreement(
            organization=access.organization,
            engagement=engagement,
            template=source,
            title=title or (f"{source.name}: {engagement.title}" if source else engagement.title),
        ),
    )
    if source is not None:
        for section in template_sections(access, source):
            add_record(
                access,
                AgreementSection(
                    organization=access.organization,
                    agreement=agreement,
                    position=section.position,
                    title=section.title,
                    body=section.body,
                    needs_initials=section.needs_initials,
                ),
            )
    return agreement


@transaction.atomic
def update_agreement(
    access: Access, agreement: Agreement, /, *, version: int, **changes: Any
) -> Agreement:
    access.require("write")
    refuse_unknown(changes, AGREEMENT_FIELDS)
    refuse_terminated(agreement)
    return change_record(access, agreement, version=version, changes=changes)


@transaction.atomic
def delete_agreement(access: Access, agreement: Agreement) -> None:
    """Only a draft nobody has initialed goes; later, terminate it instead (the initials are a
    record worth keeping)."""
    access.require("write")
    locked = lock(agreement)
    if locked.status != AgreementStatus.DRAFT or Initial.objects.filter(agreement=locked).exists():
        raise Conflict(
            "Only a draft agreement without initials can be deleted; terminate it instead.",
            code="agreement_not_deletable",
        )
    for signatory in Signatory.objects.filter(agreement=locked):
        remove_record(access, signatory)
    for section in AgreementSection.objects.filter(agreement=locked):
        remove_record(access, section)
    remove_record(access, locked)


@transaction.atomic
def circulate(access: Access, agreement: Agreement, *, version: int) -> Agreement:
    """A draft goes out for initials."""
    access.require("write")
    locked = lock(agreement)
    if locked.status != AgreementStatus.DRAFT:
        raise Conflict(
            f"Only a draft can be circulated; this agreement is {locked.get_status_display()}.",
            code="agreement_not_draft",
        )
    if not Signatory.objects.filter(agreement=locked).exists():
        raise Invalid(
            "Add the signatories before circulating the agreement.",
            fields={"signatories": "None yet."},
        )
    if not AgreementSection.objects.filter(agreement=locked, needs_initials=True).exists():
        raise Invalid(
            "The agreement has no section to initial.", fields={"sections": "None needs initials."}
        )
    circulating = change_record(
        access,
        locked,
        version=version,
        changes={"status": AgreementStatus.CIRCULATING},
        verb="circulated",
    )
    return sync_status(access, circulating)


@transaction.atomic
def terminate(access: Access, agreement: Agreement, *, version: int) -> Agreement:
    access.require("write")
    locked = lock_open(agreement)
    return change_record(
        access,
        locked,
        version=version,
        changes={"status": AgreementStatus.TERMINATED},
        verb="terminated",
    )


# Sections ------------------------------------------------------------------------------------


@transaction.atomic
def add_section(
    access: Access,
    agreement: Agreement,
    *,
    title: str,
    body: str,
    needs_initials: bool = True,
    position: int | None = None,
) -> AgreementSection:
    """A new section; on an executed agreement it is a new required row, so it amends it."""
    access.require("write")
    locked = lock_open(agreement)
    if position is None:
        position = next_position(AgreementSection.objects.filter(agreement=locked))
    section = add_record(
        access,
        AgreementSection(
            organization=access.organization,
            agreement=locked,
            position=position,
            title=title,
            body=body,
            needs_initials=needs_initials,
        ),
    )
    sync_status(access, locked)
    return section


@transaction.atomic
def update_section(
    access: Access, section: AgreementSection, /, *, version: int, **changes: Any
) -> AgreementSection:
    """Edit a section. A new title or body changes the text's hash, which voids every initial
    on it (they stay, shown as voided) and moves an executed agreement to amended."""
    access.require("write")
    refuse_unknown(changes, SECTION_FIELDS)
    locked = lock_open(section.agreement)
    updated = change_record(access, section, version=version, changes=changes)
    updated.agreement = sync_status(access, locked)
    return updated


@transaction.atomic
def delete_section(access: Access, section: AgreementSection) -> None:
    access.require("write")
    locked = lock_open(section.agreement)
    if Initial.objects.filter(section=section).exists():
        raise Conflict(
            f"“{section.title}” has initials, which are kept as a record; edit the section "
            "instead (its initials are then voided).",
            code="section_initialed",
        )
    remove_record(access, section)
    sync_status(access, locked)


# Signatories ---------------------------------------------------------------------------------


@transaction.atomic
def add_signatory(
    access: Access, agreement: Agreement, *, person: Person | int, role: str, side: str
) -> Signatory:
    """A new signatory; on an executed agreement their empty cells amend it."""
    access.require("write")
    locked = lock_open(agreement)
    if side not in Side.values:
        raise Invalid(
            f"Unknown side {side!r}.", fields={"side": "Choose " + " or ".join(Side.values) + "."}
        )
    found = person_in_org(access, person)
    if Signatory.objects.filter(agreement=locked, person=found).exists():
        raise Conflict(
            f"{found.name} already signs this agreement.",
            code="already_signatory",
            fields={"person": "Already a signatory."},
        )
    signatory = add_record(
        access,
        Signatory(
            organization=access.organization,
            agreement=locked,
            person=found,
            role=role,
            side=side,
        ),
    )
    sync_status(access, locked)
    return signatory


@transaction.atomic
def update_signatory(
    access: Access, signatory: Signatory, /, *, version: int, **changes: Any
) -> Signatory:
    access.require("write")
    refuse_unknown(changes, SIGNATORY_FIELDS)
    lock_open(signatory.agreement)
    return change_record(access, signatory, version=version, changes=changes)


@transaction.atomic
def remove_signatory(access: Access, signatory: Signatory) -> None:
    access.require("write")
    locked = lock_open(signatory.agreement)
    if Initial.objects.filter(signatory=signatory).exists():
        raise Conflict(
            f"{signatory.person.name} has initialed sections; their initials are kept as a "
            "record, so they stay a signatory. Terminate the agreement and make a new one "
            "if the parties change.",
            code="signatory_initialed",
        )
    remove_record(access, signatory)
    sync_status(access, locked)


# Initialing ----------------------------------------------------------------------------------


@transaction.atomic
def initial_section(access: Access, section: AgreementSection, signatory: Signatory) -> Initial:
    """``signatory`` initials ``section`` as its text reads now.

    Only the signatory's own user may do it: anyone else, whatever their role, is refused and
    nothing is written.
    """
    access.require("write")
    check_own(access, section, "agreement section")
    check_own(access, signatory, "signatory")
    if signatory.agreement_id != section.agreement_id:
        raise Invalid(
            "This signatory does not sign the agreement this section belongs to.",
            fields={"signatory_id": "Not a signatory of this agreement."},
        )
    person = signatory.person
    if person.user_id is None or person.user_id != access.user.pk:
        raise Forbidden(
            f"Only {person.name} can initial {person.name}'s cells; "
            "each signatory initials for themselves."
        )
    locked = lock_open(section.agreement)
    if locked.status not in OPEN_FOR_INITIALS:
        raise Conflict(
            f"The agreement is {locked.get_status_display().lower()}; it takes initials only "
            "while circulating or amended.",
            code="agreement_not_open",
        )
    # The section as stored now, not as the caller last read it.
    current = AgreementSection.objects.get(pk=section.pk)
    if not current.needs_initials:
        raise Conflict(
            f"“{current.title}” does not need initials.", code="section_needs_no_initials"
        )
    digest = text_sha256(current.title, current.body)
    previous = list(Initial.objects.filter(section=current, signatory=signatory))
    state, _ = cell_state(current, previous)
    if state == TAMPERED:
        # A new initial would not clear the alarm: the tampered row stays in the cell.
        raise Conflict(
            f"A stored initial of {person.name} on “{current.title}” fails its seal (it was "
            "changed outside Northline). Investigate it; terminate the agreement and make a "
            "new one to start clean.",
            code="initial_tampered",
        )
    if state == VALID:
        raise Conflict(
            f"{person.name} has already initialed “{current.title}” as it reads now.",
            code="already_initialed",
        )
    now = timezone.now()
    initial = Initial(
        organization=access.organization,
        agreement=locked,
        section=current,
        signatory=signatory,
        user=access.user,
        initialed_at=now,
        text_sha256=digest,
        seal=seal_of(
            agreement_id=locked.pk,
            section_id=current.pk,
            signatory_id=signatory.pk,
            user_id=access.user.pk,
            initialed_at=now,
            text_sha256=digest,
        ),
    )
    initial.full_clean()
    initial.save(force_insert=True)
    record_action(access, "initialed", initial, snapshot(initial))
    sync_status(access, locked)
    return initial


# Moving installations ------------------------------------------------------------------------

IMPORT_ACTOR = "northline import"


def reseal_imported(organization: Organization, *, source_key: str, source: str) -> SealReport:
    """Verify every initial of the just-imported ``organization`` with ``source_key`` (the
    exporting installation's SECRET_KEY) and re-seal each that holds with this installation's
    key, recording one ``resealed`` event per initial that names the import (``source``).

    An initial whose seal fails is left exactly as it came, so it still reads tampered here,
    and is reported by agreement, section and signatory. Under the same key nothing changes.
    Runs inside the import's transaction (the caller's), like every other write of it.
    """
    fingerprints = [key_fingerprint(source_key), key_fingerprint(settings.SECRET_KEY)]
    rows = (
        Initial.objects.filter(organization=organization)
        .select_related("agreement", "section", "signatory__person")
        .order_by("agreement_id", "section__position", "section_id", "signatory_id", "id")
    )
    report = SealReport()
    for initial in rows:
        if not seal_holds(initial, source_key):
            report.failures.append(
                f"agreement {initial.agreement_id} “{initial.agreement.title}”, section "
                f"{initial.section_id} “{initial.section.title}”, signatory "
                f"{initial.signatory_id} {initial.signatory.person.name} "
                f"({initial.signatory.role}): initial {initial.pk} fails its seal"
            )
            continue
        resealed = seal_for(initial)
        if resealed == initial.seal:
            report.kept += 1
            continue
        # The seal is the installation's word for the row, not part of what was initialed:
        # the one field of an append-only initial that changes, by queryset (save() refuses).
        Initial.objects.filter(pk=initial.pk).update(seal=resealed)
        record_event(
            actor=IMPORT_ACTOR,
            organization=organization,
            verb="resealed",
            obj=initial,
            changes={"seal": [initial.seal, resealed], "key": fingerprints, "import": source},
        )
        report.resealed += 1
    return report


def create_default_template(access: Access, organization: Organization) -> AgreementTemplate:
    template = create_audited(
        access.user,
        organization,
        AgreementTemplate(
            organization=organization,
            name=DEFAULT_TEMPLATE_NAME,
            description=DEFAULT_TEMPLATE_DESCRIPTION,
        ),
    )
    for position, (title, body, needs_initials) in enumerate(DEFAULT_SECTIONS, start=1):
        create_audited(
            access.user,
            organization,
            TemplateSection(
                organization=organization,
                template=template,
                position=position,
                title=title,
                body=body,
                needs_initials=needs_initials,
            ),
        )
    return template


def install_default_template(
    sender: Any, organization: Organization, access: Access, **kwargs: Any
) -> None:
    """Receiver of ``organization_created``: the new organization gets the default template
    (inside create_organization's transaction, so both are written or neither is)."""
    create_default_template(access, organization)
