"""Web pages for agreements, alignment sessions, budget, experts and journey reports.

Thin views (STYLE §1): parse with a form, resolve records through the access helpers, call
one service or selector, render. Every page reads without JavaScript; every change is a POST
that redirects back, or re-renders the page with the refusal next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from northline.lab import agreements, budget, experts, journey, sessions
from northline.lab import forms_governance as forms
from northline.lab.access import access_engagement
from northline.lab.models import (
    Agreement,
    AgreementStatus,
    AlignmentSession,
    Engagement,
    RequestStatus,
)
from northline.lib.exports import attachment
from northline.lib.web import DomainForm, maps_domain_errors, org_view, render_org, status_of
from northline.lib.web import submit as submit_form
from northline.orgs.access import Access

NAV = "lab"


def submit(form: DomainForm, save: Callable[[dict[str, Any]], Any]) -> bool:
    return submit_form(form, save)


def engagement_url(access: Access, engagement: Engagement) -> str | None:
    """The engagement page (the engagement side's), if its routes are in place."""
    try:
        return reverse("lab_engagement", args=[access.organization.slug, engagement.pk])
    except NoReverseMatch:
        return None


def lab_url(access: Access) -> str | None:
    try:
        return reverse("lab", args=[access.organization.slug])
    except NoReverseMatch:
        return None


def engagement_context(access: Access, engagement: Engagement, tab: str) -> dict[str, Any]:
    return {
        "engagement": engagement,
        "engagement_url": engagement_url(access, engagement),
        "lab_url": lab_url(access),
        "tab": tab,
    }


# Templates -----------------------------------------------------------------------------------


@org_view
def templates(request: HttpRequest, access: Access) -> HttpResponse:
    form = forms.TemplateForm()
    if request.method == "POST":
        access.require("write")
        form = forms.TemplateForm(request.POST)
        made: list[Any] = []
        if submit(form, lambda data: made.append(agreements.create_template(access, **data))):
            messages.success(request, f"Created the template “{made[0].name}”. Add its sections.")
            return redirect("lab_template", slug=access.organization.slug, template_id=made[0].pk)
    return render_org(
        request,
        access,
        "lab/governance/templates.html",
        {"templates": agreements.templates(access), "form": form, "lab_url": lab_url(access)},
        nav=NAV,
        status=status_of(form),
    )


def render_template(
    request: HttpRequest,
    access: Access,
    template: Any,
    *,
    edit_form: forms.TemplateEditForm | None = None,
    section_form: forms.SectionForm | None = None,
    failed: tuple[int, forms.SectionEditForm] | None = None,
) -> HttpResponse:
    rows = []
    for section in agreements.template_sections(access, template):
        edit = (
            failed[1] if failed and failed[0] == section.pk else forms.SectionEditForm.of(section)
        )
        rows.append((section, edit))
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
        status=status_of(edit_form, section_form, failed[1] if failed else None),
    )


@org_view
def template(request: HttpRequest, access: Access, template_id: int) -> HttpResponse:
    if request.method != "POST":
        return render_template(request, access, agreements.access_template(access, template_id))
    record = agreements.access_template(access, template_id, "write")
    form = forms.TemplateEditForm(request.POST, prefix="template")
    if submit(
        form,
        lambda data: agreements.update_template(
            access, record, version=data["version"], **form.changes()
        ),
    ):
        messages.success(request, f"Saved “{record.name}”.")
        return redirect("lab_template", slug=access.organization.slug, template_id=record.pk)
    return render_template(request, access, record, edit_form=form)


@require_POST
@org_view
def template_delete(request: HttpRequest, access: Access, template_id: int) -> HttpResponse:
    record = agreements.access_template(access, template_id, "write")
    agreements.delete_template(access, record)
    messages.success(request, f"Deleted the template “{record.name}”.")
    return redirect("lab_templates", slug=access.organization.slug)


@require_POST
@org_view
def template_section_new(request: HttpRequest, access: Access, template_id: int) -> HttpResponse:
    record = agreements.access_template(access, template_id, "write")
    form = forms.SectionForm(request.POST)
    if submit(form, lambda data: agreements.add_template_section(access, record, **data)):
        messages.success(request, "Added the section.")
        return redirect("lab_template", slug=access.organization.slug, template_id=record.pk)
    return render_template(request, access, record, section_form=form)


@require_POST
@org_view
def template_section(request: HttpRequest, access: Access, section_id: int) -> HttpResponse:
    section = agreements.access_template_section(access, section_id, "write")
    form = forms.SectionEditForm(request.POST, prefix=f"s{section.pk}")
    if submit(
        form,
        lambda data: agreements.update_template_section(
            access, section, version=data["version"], **form.changes()
        ),
    ):
        messages.success(request, f"Saved “{section.title}”.")
        return redirect(
            "lab_template", slug=access.organization.slug, template_id=section.template_id
        )
    return render_template(request, access, section.template, failed=(section.pk, form))


@require_POST
@org_view
def template_section_delete(request: HttpRequest, access: Access, section_id: int) -> HttpResponse:
    section = agreements.access_template_section(access, section_id, "write")
    agreements.delete_template_section(access, section)
    messages.success(request, f"Deleted “{section.title}”.")
    return redirect("lab_template", slug=access.organization.slug, template_id=section.template_id)


# Agreements ----------------------------------------------------------------------------------


@org_view
def engagement_agreements(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    engagement = access_engagement(access, engagement_id)
    form = forms.AgreementForm(access=access)
    if request.method == "POST":
        access.require("write")
        form = forms.AgreementForm(request.POST, access=access)
        made: list[Agreement] = []
        if submit(
            form,
            lambda data: made.append(agreements.create_agreement(access, engagement, **data)),
        ):
            messages.success(request, f"Made “{made[0].title}”. Add its signatories.")
            return redirect("lab_agreement", slug=access.organization.slug, agreement_id=made[0].pk)
    rows = [
        (agreement, agreements.agreement_state(access, agreement))
        for agreement in agreements.agreements(access, engagement)
    ]
    return render_org(
        request,
        access,
        "lab/governance/agreements.html",
        {**engagement_context(access, engagement, "agreements"), "rows": rows, "form": form},
        nav=NAV,
        status=status_of(form),
    )


def render_agreement(
    request: HttpRequest,
    access: Access,
    agreement: Agreement,
    *,
    section_form: forms.SectionForm | None = None,
    signatory_form: forms.SignatoryForm | None = None,
    failed: tuple[int, forms.SectionEditForm] | None = None,
) -> HttpResponse:
    grid = agreements.agreement_state(access, agreement)
    editable = access.can_write and agreement.status != AgreementStatus.TERMINATED
    sections = [
        (
            section,
            failed[1] if failed and failed[0] == section.pk else forms.SectionEditForm.of(section),
        )
        for section in grid.sections
    ]
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
            "open_for_initials": agreement.status in agreements.OPEN_FOR_INITIALS,
            "section_form": section_form,
            "signatory_form": signatory_form,
        },
        nav=NAV,
        status=status_of(section_form, signatory_form, failed[1] if failed else None),
    )


@org_view
def agreement(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    return render_agreement(request, access, agreements.access_agreement(access, agreement_id))


@require_POST
@org_view
def agreement_action(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    record = agreements.access_agreement(access, agreement_id, "write")
    form = forms.VersionOnlyForm(request.POST)
    action = request.POST.get("action", "")
    if not form.is_valid() or action not in {"circulate", "terminate", "delete"}:
        messages.error(request, "Reload the page and try again.")
        return redirect("lab_agreement", slug=access.organization.slug, agreement_id=record.pk)
    version = form.cleaned_data["version"]
    if action == "delete":
        agreements.delete_agreement(access, record)
        messages.success(request, f"Deleted “{record.title}”.")
        return redirect(
            "lab_engagement_agreements",
            slug=access.organization.slug,
            engagement_id=record.engagement_id,
        )
    if action == "circulate":
        agreements.circulate(access, record, version=version)
        messages.success(request, "The agreement is circulating: signatories can initial it.")
    else:
        agreements.terminate(access, record, version=version)
        messages.success(request, "The agreement is terminated.")
    return redirect("lab_agreement", slug=access.organization.slug, agreement_id=record.pk)


@require_POST
@org_view
def agreement_initial(
    request: HttpRequest, access: Access, section_id: int, signatory_id: int
) -> HttpResponse:
    section = agreements.access_section(access, section_id, "write")
    signatory = agreements.access_signatory(access, signatory_id, "write")
    agreements.initial_section(access, section, signatory)
    messages.success(request, f"You initialed “{section.title}”.")
    return redirect(
        reverse("lab_agreement", args=[access.organization.slug, section.agreement_id])
        + f"#cell-{section.pk}-{signatory.pk}"
    )


@require_POST
@org_view
def agreement_section_new(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    record = agreements.access_agreement(access, agreement_id, "write")
    form = forms.SectionForm(request.POST)
    if submit(form, lambda data: agreements.add_section(access, record, **data)):
        messages.success(request, "Added the section.")
        return redirect("lab_agreement", slug=access.organization.slug, agreement_id=record.pk)
    return render_agreement(request, access, record, section_form=form)


@require_POST
@org_view
def agreement_section(request: HttpRequest, access: Access, section_id: int) -> HttpResponse:
    section = agreements.access_section(access, section_id, "write")
    form = forms.SectionEditForm(request.POST, prefix=f"s{section.pk}")
    if submit(
        form,
        lambda data: agreements.update_section(
            access, section, version=data["version"], **form.changes()
        ),
    ):
        section.agreement.refresh_from_db()
        note = (
            " Its initials no longer match the text and are voided."
            if agreements.initials(access, section.agreement).filter(section=section).exists()
            else ""
        )
        messages.success(request, f"Saved “{section.title}”.{note}")
        return redirect(
            "lab_agreement", slug=access.organization.slug, agreement_id=section.agreement_id
        )
    section.agreement.refresh_from_db()
    return render_agreement(request, access, section.agreement, failed=(section.pk, form))


@require_POST
@org_view
def agreement_section_delete(request: HttpRequest, access: Access, section_id: int) -> HttpResponse:
    section = agreements.access_section(access, section_id, "write")
    agreements.delete_section(access, section)
    messages.success(request, f"Deleted “{section.title}”.")
    return redirect(
        "lab_agreement", slug=access.organization.slug, agreement_id=section.agreement_id
    )


@require_POST
@org_view
def agreement_signatory_new(
    request: HttpRequest, access: Access, agreement_id: int
) -> HttpResponse:
    record = agreements.access_agreement(access, agreement_id, "write")
    form = forms.SignatoryForm(request.POST, access=access)
    if submit(form, lambda data: agreements.add_signatory(access, record, **data)):
        messages.success(request, f"{form.cleaned_data['person'].name} signs the agreement.")
        return redirect("lab_agreement", slug=access.organization.slug, agreement_id=record.pk)
    return render_agreement(request, access, record, signatory_form=form)


@require_POST
@org_view
def agreement_signatory_delete(
    request: HttpRequest, access: Access, signatory_id: int
) -> HttpResponse:
    signatory = agreements.access_signatory(access, signatory_id, "write")
    agreements.remove_signatory(access, signatory)
    messages.success(request, f"{signatory.person.name} no longer signs the agreement.")
    return redirect(
        "lab_agreement", slug=access.organization.slug, agreement_id=signatory.agreement_id
    )


@require_GET
@org_view
def agreement_print(request: HttpRequest, access: Access, agreement_id: int) -> HttpResponse:
    record = agreements.access_agreement(access, agreement_id)
    return render(
        request,
        "lab/governance/agreement_print.html",
        {
            "org": access.organization,
            "agreement": record,
            "engagement": record.engagement,
            "grid": agreements.agreement_state(access, record),
        },
    )


# Alignment sessions --------------------------------------------------------------------------


@org_view
def engagement_sessions(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    engagement = access_engagement(access, engagement_id)
    form = forms.SessionForm(access=access)
    if request.method == "POST":
        access.require("write")
        form = forms.SessionForm(request.POST, access=access)
        made: list[AlignmentSession] = []
        if submit(
            form, lambda data: made.append(sessions.create_session(access, engagement, **data))
        ):
            messages.success(request, f"Planned “{made[0].title}”.")
            return redirect("lab_session", slug=access.organization.slug, session_id=made[0].pk)
    rows = [
        (session, sessions.not_invited(session))
        for session in sessions.sessions(access, engagement)
    ]
    return render_org(
        request,
        access,
        "lab/governance/sessions.html",
        {
            **engagement_context(access, engagement, "sessions"),
            "rows": rows,
            "form": form,
            "collaborators": sessions.regular_collaborators(engagement),
        },
        nav=NAV,
        status=status_of(form),
    )


def render_session(
    request: HttpRequest,
    access: Access,
    session: AlignmentSession,
    *,
    edit_form: forms.SessionEditForm | None = None,
    commitment_form: forms.CommitmentForm | None = None,
) -> HttpResponse:
    edit_form = edit_form or forms.SessionEditForm.of(session, access)
    commitment_form = commitment_form or forms.CommitmentForm(access=access)
    commitments = [
        (commitment, forms.CommitmentDoneForm.of(commitment))
        for commitment in sessions.commitments(access, session)
    ]
    return render_org(
        request,
        access,
        "lab/governance/session.html",
        {
            **engagement_context(access, session.engagement, "sessions"),
            "session": session,
            "days": sessions.length_in_days(session.starts_on, session.ends_on),
            "not_invited": sessions.not_invited(session),
            "facilitators": list(session.facilitators.all()),
            "attendees": list(session.attendees.all()),
            "commitments": commitments,
            "edit_form": edit_form,
            "commitment_form": commitment_form,
        },
        nav=NAV,
        status=status_of(edit_form, commitment_form),
    )


@org_view
def session(request: HttpRequest, access: Access, session_id: int) -> HttpResponse:
    if request.method != "POST":
        return render_session(request, access, sessions.access_session(access, session_id))
    record = sessions.access_session(access, session_id, "write")
    form = forms.SessionEditForm(request.POST, access=access)
    if submit(
        form,
        lambda data: sessions.update_session(
            access, record, version=data["version"], **form.changes()
        ),
    ):
        messages.success(request, f"Saved “{record.title}”.")
        return redirect("lab_session", slug=access.organization.slug, session_id=record.pk)
    return render_session(request, access, record, edit_form=form)


@require_POST
@org_view
def session_delete(request: HttpRequest, access: Access, session_id: int) -> HttpResponse:
    record = sessions.access_session(access, session_id, "write")
    sessions.delete_session(access, record)
    messages.success(request, f"Deleted “{record.title}”.")
    return redirect(
        "lab_engagement_sessions",
        slug=access.organization.slug,
        engagement_id=record.engagement_id,
    )


@require_GET
@org_view
def session_ics(request: HttpRequest, access: Access, session_id: int) -> HttpResponse:
    record = sessions.access_session(access, session_id)
    return attachment(
        sessions.session_ics(record, host=request.get_host().split(":")[0] or "northline"),
        "text/calendar; charset=utf-8",
        f"alignment-session-{record.pk}.ics",
    )


@require_POST
@org_view
def commitment_new(request: HttpRequest, access: Access, session_id: int) -> HttpResponse:
    record = sessions.access_session(access, session_id, "write")
    form = forms.CommitmentForm(request.POST, access=access)
    if submit(form, lambda data: sessions.add_commitment(access, record, **data)):
        messages.success(request, "Recorded the commitment.")
        return redirect("lab_session", slug=access.organization.slug, session_id=record.pk)
    return render_session(request, access, record, commitment_form=form)


@require_POST
@org_view
def commitment(request: HttpRequest, access: Access, commitment_id: int) -> HttpResponse:
    record = sessions.access_commitment(access, commitment_id, "write")
    form = forms.CommitmentDoneForm(request.POST, prefix=f"c{record.pk}")
    if submit(
        form,
        lambda data: sessions.update_commitment(
            access, record, version=data["version"], done=data["done"]
        ),
    ):
        messages.success(request, "Saved the commitment.")
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or "Try again.")
    return redirect("lab_session", slug=access.organization.slug, session_id=record.session_id)


# Budget --------------------------------------------------------------------------------------


def render_budget(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    *,
    budget_form: forms.BudgetForm | None = None,
    expense_form: forms.ExpenseForm | None = None,
) -> HttpResponse:
    summary = budget.budget_summary(access, engagement)
    budget_form = budget_form or forms.BudgetForm.of(engagement)
    expense_form = expense_form or forms.ExpenseForm()
    return render_org(
        request,
        access,
        "lab/governance/budget.html",
        {
            **engagement_context(access, engagement, "budget"),
            "summary": summary,
            "chart": budget.burn_chart(summary),
            "expenses": budget.expenses(access, engagement).order_by("-spent_on", "-id"),
            "budget_form": budget_form,
            "expense_form": expense_form,
        },
        nav=NAV,
        status=status_of(budget_form, expense_form),
    )


@org_view
def engagement_budget(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    if request.method != "POST":
        return render_budget(request, access, access_engagement(access, engagement_id))
    engagement = access_engagement(access, engagement_id, "write")
    form = forms.BudgetForm(request.POST, prefix="budget")
    if submit(
        form,
        lambda data: budget.set_budget(
            access, engagement, version=data["version"], **form.changes()
        ),
    ):
        messages.success(request, "Saved the budget.")
        return redirect(
            "lab_engagement_budget", slug=access.organization.slug, engagement_id=engagement.pk
        )
    engagement.refresh_from_db()
    return render_budget(request, access, engagement, budget_form=form)


@require_POST
@org_view
def expense_new(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    engagement = access_engagement(access, engagement_id, "write")
    form = forms.ExpenseForm(request.POST)
    if submit(form, lambda data: budget.add_expense(access, engagement, **data)):
        messages.success(request, "Recorded the expense.")
        return redirect(
            "lab_engagement_budget", slug=access.organization.slug, engagement_id=engagement.pk
        )
    return render_budget(request, access, engagement, expense_form=form)


@require_POST
@org_view
def expense_delete(request: HttpRequest, access: Access, expense_id: int) -> HttpResponse:
    expense = budget.access_expense(access, expense_id, "write")
    budget.delete_expense(access, expense)
    messages.success(request, "Deleted the expense.")
    return redirect(
        "lab_engagement_budget", slug=access.organization.slug, engagement_id=expense.engagement_id
    )


# Experts -------------------------------------------------------------------------------------


def render_experts(
    request: HttpRequest,
    access: Access,
    *,
    expert_form: forms.ExpertForm | None = None,
    request_form: forms.RequestForm | None = None,
) -> HttpResponse:
    expert_form = expert_form or forms.ExpertForm(access=access)
    request_form = request_form or forms.RequestForm(access=access)
    expert_list = list(experts.experts(access))
    rows = [
        (
            item,
            forms.RequestMoveForm(
                access=access, prefix=f"r{item.pk}", initial={"version": item.version}
            ),
            sorted(experts.MOVES[item.status]),
        )
        for item in experts.requests(access)
    ]
    return render_org(
        request,
        access,
        "lab/governance/experts.html",
        {
            "experts": expert_list,
            "rows": rows,
            "expert_form": expert_form,
            "request_form": request_form,
            "lab_url": lab_url(access),
            "statuses": RequestStatus,
        },
        nav=NAV,
        status=status_of(expert_form, request_form),
    )


@org_view
def experts_page(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render_experts(request, access)
    access.require("write")
    form = forms.ExpertForm(request.POST, access=access)
    if submit(form, lambda data: experts.create_expert(access, **data)):
        messages.success(request, f"{form.cleaned_data['person'].name} is an expert in residence.")
        return redirect("lab_experts", slug=access.organization.slug)
    return render_experts(request, access, expert_form=form)


@require_POST
@org_view
def expert_delete(request: HttpRequest, access: Access, expert_id: int) -> HttpResponse:
    expert = experts.access_expert(access, expert_id, "write")
    experts.delete_expert(access, expert)
    messages.success(request, f"{expert.person.name} is no longer an expert in residence.")
    return redirect("lab_experts", slug=access.organization.slug)


@require_POST
@org_view
def expert_request_new(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("write")
    form = forms.RequestForm(request.POST, access=access)
    if submit(
        form,
        lambda data: experts.create_request(
            access, data["engagement"], area=data["area"], description=data["description"]
        ),
    ):
        messages.success(request, "Recorded the request.")
        return redirect("lab_experts", slug=access.organization.slug)
    return render_experts(request, access, request_form=form)


@require_POST
@org_view
def expert_request(request: HttpRequest, access: Access, request_id: int) -> HttpResponse:
    record = experts.access_request(access, request_id, "write")
    form = forms.RequestMoveForm(request.POST, access=access, prefix=f"r{record.pk}")
    if submit(
        form,
        lambda data: experts.move(
            access, record, to=data["to"], version=data["version"], expert=data.get("expert")
        ),
    ):
        messages.success(request, "Saved the request.")
    else:
        problems = [str(e) for e in form.non_field_errors()] + [
            f"{name}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
            if name != "__all__"
        ]
        messages.error(request, " ".join(problems) or "Try again.")
    return redirect("lab_experts", slug=access.organization.slug)


# Journey reports -----------------------------------------------------------------------------


@require_GET
@org_view
def engagement_journey(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    engagement = access_engagement(access, engagement_id)
    return render_org(
        request,
        access,
        "lab/governance/journey.html",
        {
            **engagement_context(access, engagement, "journey"),
            "journey": journey.engagement_journey(access, engagement),
        },
        nav=NAV,
    )


def render_report(
    request: HttpRequest,
    access: Access,
    *,
    form: forms.ReportLinkForm | None = None,
    secret: str | None = None,
) -> HttpResponse:
    form = form or forms.ReportLinkForm()
    return render_org(
        request,
        access,
        "lab/governance/report.html",
        {
            "report": journey.lab_report(access.organization),
            "links": journey.report_links(access) if access.can_manage else [],
            "form": form,
            "secret": secret,
            "secret_url": (
                request.build_absolute_uri(
                    reverse("lab_shared_report", args=[access.organization.slug, secret])
                )
                if secret
                else None
            ),
            "lab_url": lab_url(access),
            "shared": False,
        },
        nav=NAV,
        status=status_of(form),
    )


@org_view
def report(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render_report(request, access)
    access.require("manage")
    form = forms.ReportLinkForm(request.POST)
    made: list[str] = []
    if submit(
        form,
        lambda data: made.append(journey.create_report_link(access, label=data["label"])[1]),
    ):
        return render_report(request, access, secret=made[0])
    return render_report(request, access, form=form)


@require_POST
@org_view
def report_link_revoke(request: HttpRequest, access: Access, link_id: int) -> HttpResponse:
    link = journey.access_report_link(access, link_id, "manage")
    journey.revoke_report_link(access, link)
    messages.success(request, f"Revoked “{link.label}”: the link no longer opens the report.")
    return redirect("lab_report", slug=access.organization.slug)


@require_GET
@maps_domain_errors
def shared_report(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """No sign-in: the link's secret is the permission. Unknown or revoked → 404."""
    organization = journey.shared_organization(slug, token)
    response = render(
        request,
        "lab/governance/report_shared.html",
        {"report": journey.lab_report(organization), "shared": True, "shared_org": organization},
    )
    # The URL is the secret: keep it out of other sites' logs and out of shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
