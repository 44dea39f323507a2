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
    Failed,
    Find,
    ListPage,
    RecordPage,
    RefusedRow,
    Said,
    View,
    add_view,
    added,
    delete_view,
    edit_view,
    org_view,
    post_only,
    render_org,
    row_form,
    status_of,
    submit,
    to,
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


def render_lab(
    request: HttpRequest, access: Access, form: forms.EngagementForm | None = None
) -> HttpResponse:
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


lab = add_view(
    render_lab,
    forms.EngagementForm,
    services.create_engagement,
    with_access=True,
    said="Created “{record.title}”. Assess its qualification.",
    back=to("lab_engagement", "engagement_id"),
)


# The engagement page --------------------------------------------------------------------


def render_engagement(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    *,
    edit_form: forms.EngagementEditForm | None = None,
    error: DomainError | None = None,
    failed: RefusedRow | None = None,
    status: int = 200,
) -> HttpResponse:
    """``failed`` = (form kind, record id, the refused form) to show in place of a fresh one."""
    slug = access.organization.slug

    progress = selectors.phase_progress(access, engagement)
    phases = []
    for step in progress:
        for checked in step.items:
            item = checked.item
            checked.state_form = row_form(  # type: ignore[attr-defined]
                failed,
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
            checked.waive_form = row_form(  # type: ignore[attr-defined]
                failed,
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
        assessment.form = row_form(  # type: ignore[attr-defined]
            failed,
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
            "edit_form": edit_form or forms.EngagementEditForm.of(engagement, access=access),
            "advance_form": row_form(
                failed,
                "advance",
                engagement.pk,
                VersionOnlyForm(initial={"version": engagement.version}),
            ),
            "graduate_form": row_form(
                failed,
                "graduate",
                engagement.pk,
                forms.ReasonForm(prefix="g", initial={"version": engagement.version}),
            ),
            "pivot_form": row_form(
                failed,
                "pivot",
                engagement.pk,
                forms.ReasonForm(prefix="p", initial={"version": engagement.version}),
            ),
            "error": error,
        },
        nav=NAV,
        status=status if status != 200 else status_of(edit_form, failed[2] if failed else None),
    )


def engagement_of(record: Any) -> int:
    """The engagement of the page's record: an engagement itself, or one of its lines."""
    return int(record.pk if isinstance(record, Engagement) else record.engagement_id)


def refused(kind: str) -> Failed:
    """Show the engagement page again with the refused form of ``kind`` in its place."""

    def failed(request: HttpRequest, access: Access, record: Any, form: DomainForm) -> HttpResponse:
        # The advance button has no fields of its own: its refusal (which names every unmet
        # pre-condition) is shown at the top of the page. Other forms show theirs in place.
        errors = form.non_field_errors()
        error = None
        if kind == "advance" and errors:
            error = Conflict(str(errors[0])) if form.status == 409 else Invalid(str(errors[0]))
        return render_engagement(
            request,
            access,
            access_engagement(access, engagement_of(record)),
            failed=(kind, record.pk, form),
            error=error,
            status=form.status,
        )

    return failed


def to_engagement(access: Access, record: Any) -> HttpResponse:
    return redirect(
        "lab_engagement", slug=access.organization.slug, engagement_id=engagement_of(record)
    )


engagement = RecordPage(access_engagement, render_engagement, back=to_engagement).edit(
    forms.EngagementEditForm,
    services.update_engagement,
    with_access=True,
    said="Saved “{record.title}”.",
)


engagement_delete = delete_view(
    access_engagement,
    services.delete_engagement,
    said="Deleted “{record.title}”.",
    back=to("lab"),
)


def engagement_form(
    find: Find,
    form_class: type[DomainForm],
    save: Callable[..., Any],
    kind: str,
    *,
    said: Said,
    prefix: Callable[[Any], str] | None = None,
) -> View:
    """A form of the engagement page posted to its own button (the engagement's or one of its
    lines'): back to the page, or the page again with the refused ``kind`` form in place."""
    return edit_view(
        find, form_class, save, prefix=prefix, said=said, back=to_engagement, failed=refused(kind)
    )


advance = engagement_form(
    access_engagement,
    VersionOnlyForm,
    services.advance_phase,
    "advance",
    said="“{record.title}” entered its next phase.",
)
graduate = engagement_form(
    access_engagement,
    forms.ReasonForm,
    services.graduate,
    "graduate",
    prefix=lambda record: "g",
    said="“{record.title}” graduated; the reason is in the decision log.",
)
pivot_away = engagement_form(
    access_engagement,
    forms.ReasonForm,
    services.pivot_away,
    "pivot",
    prefix=lambda record: "p",
    said="The lab pivoted away from “{record.title}”; the reason is in the decision log.",
)
item_state = engagement_form(
    access_checklist_item,
    forms.ItemStateForm,
    services.set_item_state,
    "state",
    prefix=lambda item: f"s{item.pk}",
    said="Saved the checklist item.",
)
item_waive = engagement_form(
    access_checklist_item,
    forms.WaiveForm,
    services.waive_item,
    "waive",
    prefix=lambda item: f"w{item.pk}",
    said="Waived; the waiver is in the decision log.",
)
assess = engagement_form(
    access_assessment,
    forms.AssessmentForm,
    services.assess_criterion,
    "assess",
    prefix=lambda assessment: f"q{assessment.pk}",
    said=lambda assessment: f"Assessed “{assessment.get_criterion_display()}”.",
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
    failed: RefusedRow | None = None,
) -> HttpResponse:
    items_by_phase: dict[int, list[Any]] = defaultdict(list)
    for item in selectors.phase_items(access):
        item.form = row_form(failed, "item", item.pk, forms.PhaseItemEditForm.of(item))  # type: ignore[attr-defined]
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
                "form": row_form(failed, "phase", phase.pk, forms.PhaseEditForm.of(phase)),
                "item_form": row_form(
                    failed, "new_item", phase.pk, forms.PhaseItemForm(prefix=f"n{phase.pk}")
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


to_playbook = to("lab_playbook")


playbook_page = ListPage(render_playbook, back=to_playbook)
playbook = playbook_page.add(
    forms.PhaseForm, services.create_phase, said="Added the phase {record.name}."
)
phase = playbook_page.row(
    access_phase,
    forms.PhaseEditForm,
    services.update_phase,
    "phase",
    said="Saved the phase {record.name}.",
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
        return to_playbook(access, record)
    return render_playbook(request, access, failed=("phase", record.pk, form))


phase_delete = playbook_page.delete(
    access_phase, services.delete_phase, said="Deleted the phase {record.name}."
)


phase_item_new = playbook_page.row(
    access_phase,
    forms.PhaseItemForm,
    services.create_phase_item,
    "new_item",
    prefix=lambda record: f"n{record.pk}",
    said="Added an item to {record.name}.",
)


phase_item = playbook_page.row(
    access_phase_item,
    forms.PhaseItemEditForm,
    services.update_phase_item,
    "item",
    said="Saved the item.",
)
phase_item_delete = playbook_page.delete(
    access_phase_item, services.delete_phase_item, said="Deleted the item."
)


# Training -------------------------------------------------------------------------------


def render_training(
    request: HttpRequest,
    access: Access,
    *,
    course_form: forms.CourseForm | None = None,
    requirement_form: forms.RequirementForm | None = None,
    record_form: forms.RecordForm | None = None,
    failed: RefusedRow | None = None,
) -> HttpResponse:
    labels = dict(TeamRole.choices)
    courses = []
    for course in selectors.courses(access):
        course.form = row_form(failed, "course", course.pk, forms.CourseEditForm.of(course))  # type: ignore[attr-defined]
        course.role_labels = [labels.get(r, r) for r in course.audience_roles]  # type: ignore[attr-defined]
        courses.append(course)
    requirements = [(labels.get(r.role, r.role), r) for r in selectors.required_training(access)]
    records = []
    for record in selectors.training_records(access):
        record.form = row_form(failed, "record", record.pk, forms.RecordEditForm.of(record))  # type: ignore[attr-defined]
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


to_training = to("lab_training")


@org_view
def training(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render_training(request, access)
    what = request.POST.get("add")
    if what == "course":
        course_form = forms.CourseForm(request.POST, prefix="course")
        return added(
            request,
            access,
            course_form,
            lambda data: services.create_course(access, **data),
            said="Added the course.",
            back=to_training,
        ) or render_training(request, access, course_form=course_form)
    if what == "requirement":
        requirement_form = forms.RequirementForm(request.POST, prefix="req", access=access)
        return added(
            request,
            access,
            requirement_form,
            lambda data: services.require_training(access, **data),
            said="The course is now required for the role.",
            back=to_training,
        ) or render_training(request, access, requirement_form=requirement_form)
    record_form = forms.RecordForm(request.POST, prefix="rec", access=access)
    return added(
        request,
        access,
        record_form,
        lambda data: services.record_training(access, **data),
        said="Recorded the training.",
        back=to_training,
    ) or render_training(request, access, record_form=record_form)


training_page = ListPage(render_training, back=to_training)
course = training_page.row(
    access_course,
    forms.CourseEditForm,
    services.update_course,
    "course",
    said="Saved {record.name}.",
)
course_delete = training_page.delete(
    access_course, services.delete_course, said="Deleted {record.name}."
)
requirement_delete = training_page.delete(
    access_required_training,
    services.unrequire_training,
    said="The course is no longer required for the role.",
)
record = training_page.row(
    access_training_record,
    forms.RecordEditForm,
    services.update_training_record,
    "record",
    said="Saved the training record.",
)
record_delete = training_page.delete(
    access_training_record, services.delete_training_record, said="Deleted the training record."
)
