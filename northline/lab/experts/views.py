"""Web pages for experts in residence and requests for them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from northline.lab.experts import forms, selectors, services
from northline.lab.models import RequestStatus
from northline.lab.pages import NAV, lab_url
from northline.lib.web import (
    add_view,
    added,
    delete_view,
    org_view,
    post_only,
    render_org,
    status_of,
    submit,
    to,
)
from northline.orgs.access import Access

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
    expert_list = list(selectors.experts(access))
    rows = [
        (
            item,
            forms.RequestMoveForm(
                access=access, prefix=f"r{item.pk}", initial={"version": item.version}
            ),
            sorted(services.MOVES[item.status]),
        )
        for item in selectors.requests(access)
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


to_experts = to("lab_experts")


experts_page = add_view(
    render_experts,
    forms.ExpertForm,
    services.create_expert,
    with_access=True,
    said="{data[person].name} is an expert in residence.",
    back=to_experts,
    form_name="expert_form",
)


expert_delete = delete_view(
    selectors.access_expert,
    services.delete_expert,
    said=lambda expert: f"{expert.person.name} is no longer an expert in residence.",
    back=to_experts,
)


@post_only
@org_view
def expert_request_new(request: HttpRequest, access: Access) -> HttpResponse:
    form = forms.RequestForm(request.POST, access=access)
    return added(
        request,
        access,
        form,
        lambda data: services.create_request(
            access, data["engagement"], area=data["area"], description=data["description"]
        ),
        said="Recorded the request.",
        back=to_experts,
    ) or render_experts(request, access, request_form=form)


@post_only
@org_view
def expert_request(request: HttpRequest, access: Access, request_id: int) -> HttpResponse:
    record = selectors.access_request(access, request_id, "write")
    form = forms.RequestMoveForm(request.POST, access=access, prefix=f"r{record.pk}")
    if submit(
        form,
        lambda data: services.move(
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
