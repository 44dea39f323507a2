"""Web pages of the lab: home, engagements with their gates, the playbook, training and the
readiness matrix (DESIGN §2.7).

Thin views (STYLE §1): parse with a form, resolve records through ``northline.lab.access``,
call one service or selector, render. A refused action on the engagement page (a closed gate,
a stale version, a missing reason) re-renders the page with the message and the status the API
would answer; a waiver without the ``waive_gates`` authority is a 403.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from northline.lab.access import (
    access_assessment,
    access_checklist_item,
    access_course,
    access_engagement,
    access_phase,
    access_phase_item,
    access_required_training,
    access_training_record,
)
from northline.lab.engagements import forms, selectors, services
from northline.lab.forms import VersionOnlyForm
from northline.lab.models import KIND_PLURALS, Engagement, EngagementStatus, PhaseItemKind
from northline.lab.pages import NAV
from northline.lib.errors import Conflict, DomainError, Invalid
from northline.lib.web import (
    DomainForm,
    delete_view,
    edit_view,
    org_view,
    post_only,
    render_org,
    status_of,
    submit,
)
from northline.orgs.access import Access
from northline.orgs.models import TeamRole

# The governance side's pages the engagement page links to (docs/dev/lab-contract.md).
GOVERNANCE_LINKS = [
    ("lab_engagement_agreements", "Agreements"),
    ("lab_engagement_sessions", "Alignment sessions"),
    ("lab_engagement_budget", "Budget"),
    ("lab_engagement_journey", "Journey report"),
]


def optional_url(name: str, *args: Any) -> str | None:
    """A URL of the governance side, or None while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def by_kind(items: list[Any], kind_of: Callable[[Any], str]) -> list[tuple[str, list[Any]]]:
    """A phase's lines under one heading per kind (``KIND_PLURALS``), kinds in the playbook's
    order (pre-conditions first), lines in their own order within a kind."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        grouped[kind_of(item)].append(item)
    return [(KIND_PLURALS[kind], grouped[kind]) for kind in PhaseItemKind.values if grouped[kind]]


# Lab home -------------------------------------------------------------------------------


@org_view
def lab(request: HttpRequest, access: Access) -> HttpResponse:
    form: forms.EngagementForm | None = None
    if request.method == "POST":
        access.require("write")
        form = forms.EngagementForm(request.POST, access=access)
        created: list[Engagement] = []
        if submit(form, lambda data: created.append(services.create_engagement(access, **data))):
            messages.success(request, f"Created “{created[0].title}”. Assess its qualification.")
            return redirect(
                "lab_engagement", slug=access.organization.slug, engagement_id=created[0].pk
            )
    form = form or forms.EngagementForm(access=access)
    status_filter = request.GET.get("status", "")
    if status_filter not in EngagementStatus.values:
        status_filter = ""
    everything = list(selectors.engagements(access))
    shown = [e for e in everything if not status_filter or e.status == status_filter]
    by_status = defaultdict(list)
    for engagement in shown:
        by_status[engagement.status].append(engagement)
    counts = dict.fromkeys(EngagementStatus.values, 0)
    for engagement in everything:
        counts[engagement.status] += 1
    groups = [
        (value, label, by_status[value])
        for value, label in EngagementStatus.choices
        if by_status[value]
    ]
    return render_org(
        request,
        access,
        "lab/lab.html",
        {
            "groups": groups,
            "total": len(everything),
            "counts": [(value, label, counts[value]) for value, label in EngagementStatus.choices],
            "status_filter": status_filter,
            "form": form,
            "report_url": optional_url("lab_report", access.organization.slug),
            "experts_url": optional_url("lab_experts", access.organization.slug),
            "templates_url": optional_url("lab_templates", access.organization.slug),
        },
        nav=NAV,
        status=status_of(form),
    )


# The engagement page --------------------------------------------------------------------


def render_engagement(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    *,
    edit_form: forms.EngagementEditForm | None = None,
    error: DomainError | None = None,
    failed: tuple[str, int, DomainForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """``failed`` = (form kind, record id, the refused form) to show in place of a fresh one."""
    slug = access.organization.slug

    def form_for(kind: str, pk: int, fresh: DomainForm) -> DomainForm:
        if failed and failed[0] == kind and failed[1] == pk:
            return failed[2]
        return fresh

    progress = selectors.phase_progress(access, engagement)
    phases = []
    for step in progress:
        for checked in step.items:
            item = checked.item
            checked.state_form = form_for(  # type: ignore[attr-defined]
                "state",
                item.pk,
                forms.ItemStateForm(
                    prefix=f"s{item.pk}",
                    initial={
                        "state": "met" if item.state == "met" else "open",
                        "evidence": item.evidence,
                        "version": item.version,
                    },
                ),
            )
            checked.waive_form = form_for(  # type: ignore[attr-defined]
                "waive",
                item.pk,
                forms.WaiveForm(prefix=f"w{item.pk}", initial={"version": item.version}),
            )
        step.kinds = by_kind(  # type: ignore[attr-defined]
            step.items, lambda checked: checked.item.kind
        )
        phases.append(step)
    assessments = []
    for assessment in selectors.qualification(access, engagement):
        met_value = "yes" if assessment.met is True else "no" if assessment.met is False else ""
        assessment.form = form_for(  # type: ignore[attr-defined]
            "assess",
            assessment.pk,
            forms.AssessmentForm(
                prefix=f"q{assessment.pk}",
                initial={
                    "met": met_value,
                    "evidence": assessment.evidence,
                    "version": assessment.version,
                },
            ),
        )
        assessments.append(assessment)
    readiness = selectors.readiness(access, engagement)
    next_phase = selectors.next_phase(access, engagement)
    closed = engagement.status in services.CLOSED
    links = [
        (label, url)
        for name, label in GOVERNANCE_LINKS
        if (url := optional_url(name, slug, engagement.pk)) is not None
    ]
    waiving_body = services.waiving_body(services.person_of(access))
    return render_org(
        request,
        access,
        "lab/engagement.html",
        {
            "engagement": engagement,
            "phases": phases,
            "assessments": assessments,
            "assessed_met": sum(1 for a in assessments if a.met is True),
            "composition": selectors.composition(access, engagement),
            "readiness": readiness,
            "next_phase": next_phase,
            "closed": closed,
            "can_graduate": engagement.status == EngagementStatus.IN_RESIDENCE,
            "governance_links": links,
            "waiving_body": waiving_body,
            "edit_form": edit_form or forms.EngagementEditForm.of(engagement, access),
            "advance_form": form_for(
                "advance",
                engagement.pk,
                VersionOnlyForm(initial={"version": engagement.version}),
            ),
            "graduate_form": form_for(
                "graduate",
                engagement.pk,
                forms.ReasonForm(prefix="g", initial={"version": engagement.version}),
            ),
            "pivot_form": form_for(
                "pivot",
                engagement.pk,
                forms.ReasonForm(prefix="p", initial={"version": engagement.version}),
            ),
            "error": error,
        },
        nav=NAV,
        status=status if status != 200 else status_of(edit_form, failed[2] if failed else None),
    )


@org_view
def engagement(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    if request.method != "POST":
        return render_engagement(request, access, access_engagement(access, engagement_id))
    record = access_engagement(access, engagement_id, "write")
    form = forms.EngagementEditForm(request.POST, access=access)
    if submit(form, lambda data: services.update_engagement(access, record, **data)):
        messages.success(request, f"Saved “{record.title}”.")
        return redirect("lab_engagement", slug=access.organization.slug, engagement_id=record.pk)
    return render_engagement(
        request, access, access_engagement(access, engagement_id), edit_form=form
    )


def act(
    request: HttpRequest,
    access: Access,
    engagement_id: int,
    kind: str,
    pk: int,
    form: DomainForm,
    save: Any,
    done: str,
) -> HttpResponse:
    """Run one action of the engagement page; on refusal show the page with the message."""
    if submit(form, save):
        messages.success(request, done)
        return redirect(
            "lab_engagement", slug=access.organization.slug, engagement_id=engagement_id
        )
    # The advance button has no fields of its own: its refusal (which names every unmet
    # pre-condition) is shown at the top of the page. Other forms show theirs in place.
    errors = form.non_field_errors()
    error = None
    if kind == "advance" and errors:
        error = Conflict(str(errors[0])) if form.status == 409 else Invalid(str(errors[0]))
    return render_engagement(
        request,
        access,
        access_engagement(access, engagement_id),
        failed=(kind, pk, form),
        error=error,
        status=form.status,
    )


engagement_delete = delete_view(
    access_engagement,
    services.delete_engagement,
    said="Deleted “{record.title}”.",
    back=lambda access, record: redirect("lab", slug=access.organization.slug),
)


@post_only
@org_view
def advance(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    record = access_engagement(access, engagement_id, "write")
    form = VersionOnlyForm(request.POST)
    return act(
        request,
        access,
        record.pk,
        "advance",
        record.pk,
        form,
        lambda data: services.advance_phase(access, record, version=data["version"]),
        f"“{record.title}” entered its next phase.",
    )


@post_only
@org_view
def graduate(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    record = access_engagement(access, engagement_id, "write")
    form = forms.ReasonForm(request.POST, prefix="g")
    return act(
        request,
        access,
        record.pk,
        "graduate",
        record.pk,
        form,
        lambda data: services.graduate(
            access, record, reason=data["reason"], version=data["version"]
        ),
        f"“{record.title}” graduated; the reason is in the decision log.",
    )


@post_only
@org_view
def pivot_away(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    record = access_engagement(access, engagement_id, "write")
    form = forms.ReasonForm(request.POST, prefix="p")
    return act(
        request,
        access,
        record.pk,
        "pivot",
        record.pk,
        form,
        lambda data: services.pivot_away(
            access, record, reason=data["reason"], version=data["version"]
        ),
        f"The lab pivoted away from “{record.title}”; the reason is in the decision log.",
    )


@post_only
@org_view
def item_state(request: HttpRequest, access: Access, item_id: int) -> HttpResponse:
    item = access_checklist_item(access, item_id, "write")
    form = forms.ItemStateForm(request.POST, prefix=f"s{item.pk}")
    return act(
        request,
        access,
        item.engagement_id,
        "state",
        item.pk,
        form,
        lambda data: services.set_item_state(access, item, **data),
        "Saved the checklist item.",
    )


@post_only
@org_view
def item_waive(request: HttpRequest, access: Access, item_id: int) -> HttpResponse:
    item = access_checklist_item(access, item_id, "write")
    form = forms.WaiveForm(request.POST, prefix=f"w{item.pk}")
    return act(
        request,
        access,
        item.engagement_id,
        "waive",
        item.pk,
        form,
        lambda data: services.waive_item(access, item, **data),
        "Waived; the waiver is in the decision log.",
    )


@post_only
@org_view
def assess(request: HttpRequest, access: Access, assessment_id: int) -> HttpResponse:
    assessment = access_assessment(access, assessment_id, "write")
    form = forms.AssessmentForm(request.POST, prefix=f"q{assessment.pk}")
    return act(
        request,
        access,
        assessment.engagement_id,
        "assess",
        assessment.pk,
        form,
        lambda data: services.assess_criterion(access, assessment, **data),
        f"Assessed “{assessment.get_criterion_display()}”.",
    )


# Readiness ------------------------------------------------------------------------------


@org_view
def readiness(request: HttpRequest, access: Access, engagement_id: int) -> HttpResponse:
    record = access_engagement(access, engagement_id)
    result = selectors.readiness(access, record)
    labels = dict(TeamRole.choices)
    rows = [
        (
            person,
            [labels.get(role, role) for role in result.roles.get(person.pk, [])],
            [result.cells.get((person.pk, course.pk), "") for course in result.courses],
        )
        for person in result.people
    ]
    return render_org(
        request,
        access,
        "lab/readiness.html",
        {"engagement": record, "readiness": result, "rows": rows},
        nav=NAV,
    )


# The playbook ---------------------------------------------------------------------------


def render_playbook(
    request: HttpRequest,
    access: Access,
    *,
    form: forms.PhaseForm | None = None,
    failed: tuple[str, int, DomainForm] | None = None,
) -> HttpResponse:
    def form_for(kind: str, pk: int, fresh: DomainForm) -> DomainForm:
        if failed and failed[0] == kind and failed[1] == pk:
            return failed[2]
        return fresh

    items_by_phase: dict[int, list[Any]] = defaultdict(list)
    for item in selectors.phase_items(access):
        item.form = form_for("item", item.pk, forms.PhaseItemEditForm.of(item))  # type: ignore[attr-defined]
        items_by_phase[item.phase_id].append(item)
    phases = list(selectors.phases(access))
    used = set(
        Engagement.objects.filter(organization=access.organization).values_list(
            "current_phase_id", flat=True
        )
    )
    rows = []
    for index, phase in enumerate(phases):
        rows.append(
            {
                "phase": phase,
                "form": form_for("phase", phase.pk, forms.PhaseEditForm.of(phase)),
                "item_form": form_for(
                    "new_item", phase.pk, forms.PhaseItemForm(prefix=f"n{phase.pk}")
                ),
                "items": items_by_phase[phase.pk],
                "kinds": by_kind(items_by_phase[phase.pk], lambda item: item.kind),
                "first": index == 0,
                "last": index == len(phases) - 1,
                "in_use": phase.pk in used,
            }
        )
    form = form or forms.PhaseForm()
    return render_org(
        request,
        access,
        "lab/playbook.html",
        {"rows": rows, "form": form, "kinds": PhaseItemKind.choices},
        nav=NAV,
        status=status_of(form, failed[2] if failed else None),
    )


@org_view
def playbook(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render_playbook(request, access)
    access.require("write")
    form = forms.PhaseForm(request.POST)
    if submit(form, lambda data: services.create_phase(access, **data)):
        messages.success(request, f"Added the phase {form.cleaned_data['name']}.")
        return redirect("lab_playbook", slug=access.organization.slug)
    return render_playbook(request, access, form=form)


def back_to_playbook(access: Access) -> HttpResponse:
    return redirect("lab_playbook", slug=access.organization.slug)


def shown_again(
    render: Callable[..., HttpResponse], kind: str
) -> Callable[[HttpRequest, Access, Any, DomainForm], HttpResponse]:
    """Render the page again with the refused form in place of the record's ``kind`` form."""

    def failed(request: HttpRequest, access: Access, record: Any, form: DomainForm) -> HttpResponse:
        return render(request, access, failed=(kind, record.pk, form))

    return failed


def to_playbook(access: Access, record: Any) -> HttpResponse:
    return back_to_playbook(access)


phase = edit_view(
    access_phase,
    forms.PhaseEditForm,
    services.update_phase,
    prefix=lambda record: f"ph{record.pk}",
    said="Saved the phase {record.name}.",
    back=to_playbook,
    failed=shown_again(render_playbook, "phase"),
)


@post_only
@org_view
def phase_move(request: HttpRequest, access: Access, phase_id: int) -> HttpResponse:
    record = access_phase(access, phase_id, "write")
    form = VersionOnlyForm(request.POST)
    step = -1 if request.POST.get("direction") == "up" else 1
    if submit(
        form,
        lambda data: services.move_phase(
            access, record, position=max(0, record.position + step), version=data["version"]
        ),
    ):
        messages.success(request, f"Moved {record.name}.")
        return back_to_playbook(access)
    return render_playbook(request, access, failed=("phase", record.pk, form))


phase_delete = delete_view(
    access_phase, services.delete_phase, said="Deleted the phase {record.name}.", back=to_playbook
)


@post_only
@org_view
def phase_item_new(request: HttpRequest, access: Access, phase_id: int) -> HttpResponse:
    record = access_phase(access, phase_id, "write")
    form = forms.PhaseItemForm(request.POST, prefix=f"n{record.pk}")
    if submit(form, lambda data: services.create_phase_item(access, record, **data)):
        messages.success(request, f"Added an item to {record.name}.")
        return back_to_playbook(access)
    return render_playbook(request, access, failed=("new_item", record.pk, form))


phase_item = edit_view(
    access_phase_item,
    forms.PhaseItemEditForm,
    services.update_phase_item,
    prefix=lambda record: f"it{record.pk}",
    said="Saved the item.",
    back=to_playbook,
    failed=shown_again(render_playbook, "item"),
)
phase_item_delete = delete_view(
    access_phase_item, services.delete_phase_item, said="Deleted the item.", back=to_playbook
)


# Training -------------------------------------------------------------------------------


def render_training(
    request: HttpRequest,
    access: Access,
    *,
    course_form: forms.CourseForm | None = None,
    requirement_form: forms.RequirementForm | None = None,
    record_form: forms.RecordForm | None = None,
    failed: tuple[str, int, DomainForm] | None = None,
) -> HttpResponse:
    def form_for(kind: str, pk: int, fresh: DomainForm) -> DomainForm:
        if failed and failed[0] == kind and failed[1] == pk:
            return failed[2]
        return fresh

    labels = dict(TeamRole.choices)
    courses = []
    for course in selectors.courses(access):
        course.form = form_for("course", course.pk, forms.CourseEditForm.of(course))  # type: ignore[attr-defined]
        course.role_labels = [labels.get(r, r) for r in course.audience_roles]  # type: ignore[attr-defined]
        courses.append(course)
    requirements = [(labels.get(r.role, r.role), r) for r in selectors.required_training(access)]
    records = []
    for record in selectors.training_records(access):
        record.form = form_for("record", record.pk, forms.RecordEditForm.of(record))  # type: ignore[attr-defined]
        records.append(record)
    course_form = course_form or forms.CourseForm(prefix="course")
    requirement_form = requirement_form or forms.RequirementForm(prefix="req", access=access)
    record_form = record_form or forms.RecordForm(prefix="rec", access=access)
    return render_org(
        request,
        access,
        "lab/training.html",
        {
            "courses": courses,
            "requirements": requirements,
            "records": records,
            "course_form": course_form,
            "requirement_form": requirement_form,
            "record_form": record_form,
        },
        nav=NAV,
        status=status_of(course_form, requirement_form, record_form, failed[2] if failed else None),
    )


def back_to_training(access: Access) -> HttpResponse:
    return redirect("lab_training", slug=access.organization.slug)


@org_view
def training(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render_training(request, access)
    access.require("write")
    what = request.POST.get("add")
    if what == "course":
        course_form = forms.CourseForm(request.POST, prefix="course")
        if submit(course_form, lambda data: services.create_course(access, **data)):
            messages.success(request, "Added the course.")
            return back_to_training(access)
        return render_training(request, access, course_form=course_form)
    if what == "requirement":
        requirement_form = forms.RequirementForm(request.POST, prefix="req", access=access)
        if submit(requirement_form, lambda data: services.require_training(access, **data)):
            messages.success(request, "The course is now required for the role.")
            return back_to_training(access)
        return render_training(request, access, requirement_form=requirement_form)
    record_form = forms.RecordForm(request.POST, prefix="rec", access=access)
    if submit(record_form, lambda data: services.record_training(access, **data)):
        messages.success(request, "Recorded the training.")
        return back_to_training(access)
    return render_training(request, access, record_form=record_form)


def to_training(access: Access, record: Any) -> HttpResponse:
    return back_to_training(access)


course = edit_view(
    access_course,
    forms.CourseEditForm,
    services.update_course,
    prefix=lambda record: f"c{record.pk}",
    said="Saved {record.name}.",
    back=to_training,
    failed=shown_again(render_training, "course"),
)
course_delete = delete_view(
    access_course, services.delete_course, said="Deleted {record.name}.", back=to_training
)
requirement_delete = delete_view(
    access_required_training,
    services.unrequire_training,
    said="The course is no longer required for the role.",
    back=to_training,
)
record = edit_view(
    access_training_record,
    forms.RecordEditForm,
    services.update_training_record,
    prefix=lambda entry: f"r{entry.pk}",
    said="Saved the training record.",
    back=to_training,
    failed=shown_again(render_training, "record"),
)
record_delete = delete_view(
    access_training_record,
    services.delete_training_record,
    said="Deleted the training record.",
    back=to_training,
)
