"""Web pages for agreement templates and agreements: the grid of initials, printing, and
the changes a signatory or an editor makes.

Thin views (STYLE §1): parse with a form, resolve records through the access helpers, call
one service or selector, render. Every change is a POST that redirects back, or re-renders the
page with the refusal next to the field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from northline.lab.access import access_engagement
from northline.lab.agreements import forms, selectors, services
from northline.lab.forms import VersionOnlyForm
from northline.lab.models import (
    Agreement,
    AgreementStatus,
    Engagement,
)
from northline.lab.pages import NAV, engagement_context, lab_url
from northline.lib.web import (
    RecordPage,
    RefusedRow,
    add_view,
    delete_view,
    edit_view,
    org_view,
    post_only,
    render_org,
    row_forms,
    status_of,
    submit,
    to,
)
from northline.orgs.access import Access

# Templates -----------------------------------------------------------------------------------


to_template = to("lab_template", "template_id")


def render_templates(
    request: HttpRequest, access: Access, form: forms.TemplateForm | None = None
) -> HttpResponse:
    form = form or forms.TemplateForm()
    return render_org(
        request,
        access,
        "lab/governance/templates.html",
        {"templates": selectors.templates(access), "form": form, "lab_url": lab_url(access)},
        nav=NAV,
        status=status_of(form),
    )


templates = add_view(
    render_templates,
    forms.TemplateForm,
    services.create_template,
    said="Created the template “{record.name}”. Add its sections.",
    back=to_template,
)


def render_template(
    request: HttpRequest,
    access: Access,
    template: Any,
    *,
    edit_form: forms.TemplateEditForm | None = None,
    section_form: forms.SectionForm | None = None,
    failed: RefusedRow | None = None,
) -> HttpResponse:
    sections = selectors.template_sections(access, template)
    rows = row_forms(failed, "section", sections, forms.SectionEditForm.of)
    edit_form = edit_form or forms.TemplateEditForm.of(template)
    section_form = section_form or forms.SectionForm()
    return render_org(
        request,
        access,
        "lab/governance/template.html",
        {
            "template": template,
            "rows": rows,
            "edit_form": edit_form,
            "section_form": section_form,
        },
        nav=NAV,
        status=status_of(edit_form, section_form, failed[2] if failed else None),
    )


template_page = RecordPage(
    selectors.access_template, render_template, back=to_template, reread=False
)
template = template_page.edit(
    forms.TemplateEditForm, services.update_template, said="Saved “{record.name}”."
)


template_delete = delete_view(
    selectors.access_template,
    services.delete_template,
    said="Deleted the template “{record.name}”.",
    back=lambda access, record: redirect("lab_templates", slug=access.organization.slug),
)


template_section_new = template_page.form(
    forms.SectionForm, services.add_template_section, "section_form", said="Added the section."
)


def to_sections_template(access: Access, section: Any) -> HttpResponse:
    return redirect("lab_template", slug=access.organization.slug, template_id=section.template_id)


template_section = edit_view(
    selectors.access_template_section,
    forms.SectionEditForm,
    services.update_template_section,
    said="Saved “{record.title}”.",
    back=to_sections_template,
    failed=lambda request, access, section, form: render_template(
        request, access, section.template, failed=("section", section.pk, form)
    ),
)
template_section_delete = delete_view(
    selectors.access_template_section,
    services.delete_template_section,
    said="Deleted “{record.title}”.",
    back=to_sections_template,
)


# Agreements ----------------------------------------------------------------------------------


def render_agreements(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    form: forms.AgreementForm | None = None,
) -> HttpResponse:
    form = form or forms.AgreementForm(access=access)
    rows = [
        (agreement, selectors.agreement_state(access, agreement))
        for agreement in selectors.agreements(access, engagement)
    ]
    return render_org(
        request,
        access,
        "lab/governance/agreements.html",
        {**engagement_context(access, engagement, "agreements"), "rows": rows, "form": form},
        nav=NAV,
        status=status_of(form),
    )


engagement_agreements = add_view(
    render_agreements,
    forms.AgreementForm,
    services.create_agreement,
    parent=access_engagement,
    with_access=True,
    said="Made “{record.title}”. Add its signatories.",
    back=to("lab_agreement", "agreement_id"),
)


def render_agreement(
    request: HttpRequest,
    access: Access,
    agreement: Agreement,
    *,
    section_form: forms.SectionForm | None = None,
    signatory_form: forms.SignatoryForm | None = None,
    failed: RefusedRow | None = None,
) -> HttpResponse:
    grid = selectors.agreement_state(access, agreement)
    editable = access.can_write and agreement.status != AgreementStatus.TERMINATED
    sections = row_forms(failed, "section", grid.sections, forms.SectionEditForm.of)
    section_form = section_form or forms.SectionForm()
    signatory_form = signatory_form or forms.SignatoryForm(access=access)
    return render_org(
        request,
        access,
        "lab/governance/agreement.html",
        {
            **engagement_context(access, agreement.engagement, "agreements"),
            "agreement": agreement,
            "grid": grid,
            "document_sections": sections,
            "editable": editable,
            "open_for_initials": agreement.status in selectors.OPEN_FOR_INITIALS,
            "section_form": section_form,
            "signatory_form": signatory_form,
        },
        nav=NAV,
        status=status_of(section_form, signatory_form, failed[2] if failed else None),
    )


@org_view
def agreement(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    return render_agreement(request, access, selectors.access_agreement(access, agreement_id))


@post_only
@org_view
def agreement_action(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    record = selectors.access_agreement(access, agreement_id, "write")
    form = VersionOnlyForm(request.POST)
    action = request.POST.get("action", "")
    if not form.is_valid() or action not in {"circulate", "terminate", "delete"}:
        messages.error(request, "Reload the page and try again.")
        return redirect("lab_agreement", slug=access.organization.slug, agreement_id=record.pk)
    version = form.cleaned_data["version"]
    if action == "delete":
        services.delete_agreement(access, record)
        messages.success(request, f"Deleted “{record.title}”.")
        return redirect(
            "lab_engagement_agreements",
            slug=access.organization.slug,
            engagement_id=record.engagement_id,
        )
    if action == "circulate":
        services.circulate(access, record, version=version)
        messages.success(request, "The agreement is circulating: signatories can initial it.")
    else:
        services.terminate(access, record, version=version)
        messages.success(request, "The agreement is terminated.")
    return redirect("lab_agreement", slug=access.organization.slug, agreement_id=record.pk)


@post_only
@org_view
def agreement_initial(
    request: HttpRequest, access: Access, section_id: int, signatory_id: int
) -> HttpResponse:
    section = selectors.access_section(access, section_id, "write")
    signatory = selectors.access_signatory(access, signatory_id, "write")
    services.initial_section(access, section, signatory)
    messages.success(request, f"You initialed “{section.title}”.")
    return redirect(
        reverse("lab_agreement", args=[access.organization.slug, section.agreement_id])
        + f"#cell-{section.pk}-{signatory.pk}"
    )


agreement_page = RecordPage(
    selectors.access_agreement, render_agreement, back=to("lab_agreement", "agreement_id")
)
agreement_section_new = agreement_page.form(
    forms.SectionForm, services.add_section, "section_form", said="Added the section."
)


@post_only
@org_view
def agreement_section(request: HttpRequest, access: Access, section_id: int) -> HttpResponse:
    section = selectors.access_section(access, section_id, "write")
    form = forms.SectionEditForm(request.POST, prefix=f"s{section.pk}")
    if submit(
        form,
        lambda data: services.update_section(
            access, section, version=data["version"], **form.changes()
        ),
    ):
        section.agreement.refresh_from_db()
        note = (
            " Its initials no longer match the text and are voided."
            if selectors.initials(access, section.agreement).filter(section=section).exists()
            else ""
        )
        messages.success(request, f"Saved “{section.title}”.{note}")
        return redirect(
            "lab_agreement", slug=access.organization.slug, agreement_id=section.agreement_id
        )
    section.agreement.refresh_from_db()
    return render_agreement(
        request, access, section.agreement, failed=("section", section.pk, form)
    )


def to_agreement(access: Access, part: Any) -> HttpResponse:
    """Back to the agreement a section or a signatory belongs to."""
    return redirect("lab_agreement", slug=access.organization.slug, agreement_id=part.agreement_id)


agreement_section_delete = delete_view(
    selectors.access_section,
    services.delete_section,
    said="Deleted “{record.title}”.",
    back=to_agreement,
)


agreement_signatory_new = agreement_page.form(
    forms.SignatoryForm,
    services.add_signatory,
    "signatory_form",
    with_access=True,
    said="{data[person].name} signs the agreement.",
)


agreement_signatory_delete = delete_view(
    selectors.access_signatory,
    services.remove_signatory,
    said=lambda signatory: f"{signatory.person.name} no longer signs the agreement.",
    back=to_agreement,
)


@require_GET
@org_view
def agreement_print(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    record = selectors.access_agreement(access, agreement_id)
    return render(
        request,
        "lab/governance/agreement_print.html",
        {
            "org": access.organization,
            "agreement": record,
            "engagement": record.engagement,
            "grid": selectors.agreement_state(access, record),
        },
    )
