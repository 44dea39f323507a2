"""Web pages for an engagement's journey, the lab report and its shared links."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from northline.lab.access import access_engagement
from northline.lab.journey import forms, selectors, services
from northline.lab.pages import NAV, engagement_context, lab_url
from northline.lib.web import (
    made_by,
    maps_domain_errors,
    org_view,
    post_only,
    render_org,
    status_of,
)
from northline.orgs.access import Access

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
            "journey": selectors.engagement_journey(access, engagement),
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
            "report": selectors.lab_report(access.organization),
            "links": selectors.report_links(access) if access.can_manage else [],
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
    made = made_by(form, lambda data: services.create_report_link(access, label=data["label"]))
    if made is not None:
        return render_report(request, access, secret=made[1])
    return render_report(request, access, form=form)


@post_only
@org_view
def report_link_revoke(request: HttpRequest, access: Access, link_id: int) -> HttpResponse:
    link = selectors.access_report_link(access, link_id, "manage")
    services.revoke_report_link(access, link)
    messages.success(request, f"Revoked “{link.label}”: the link no longer opens the report.")
    return redirect("lab_report", slug=access.organization.slug)


@require_GET
@maps_domain_errors
def shared_report(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """No sign-in: the link's secret is the permission. Unknown or revoked → 404."""
    organization = selectors.shared_organization(slug, token)
    response = render(
        request,
        "lab/governance/report_shared.html",
        {"report": selectors.lab_report(organization), "shared": True, "shared_org": organization},
    )
    # The URL is the secret: keep it out of other sites' logs and out of shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
