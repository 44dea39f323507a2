"""Web pages for goals: the cascade of a period, objectives, key results and check-ins.

Thin views (STYLE §1): parse with a form, resolve records through ``northline.goals.access``,
call one service or selector, render. The check-in form works without JavaScript (a POST that
redirects back); ``goals/checkin.js`` submits the same form with fetch and swaps in the HTML
this view returns for the live part of the key-result page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from northline.goals import forms, selectors, services
from northline.goals.access import access_key_result, access_objective, access_period
from northline.goals.models import KeyResult, Objective, ObjectiveStatus
from northline.lib import choosers, web
from northline.lib.charts import ChartPoint, progress_chart
from northline.lib.choosers import chosen_id
from northline.lib.web import org_view, post_only, render_org, status_of, submit
from northline.orgs.access import Access
from northline.orgs.pages import record_panels

NAV = "goals"
# The header goals/checkin.js sends; the check-in view then answers with the live fragment.
INLINE_HEADER = "fetch"


# The Goals page --------------------------------------------------------------------------


# A period holding more objectives than this opens on the organization's own objectives, with
# a team to choose or "all" to ask for: a programme's whole cascade (1,425 objectives and 2,850
# key results in benchmarks/load_profile.py) is a 1.8 MB page that took two seconds to render,
# and under a real programme's load the goals page alone needed more CPU than the machine had.
FOLD_AT = 200


@org_view
def goals(request: HttpRequest, access: Access) -> HttpResponse:
    period_id = chosen_id(request.GET.get("period"))
    period = access_period(access, period_id) if period_id else selectors.current_period(access)
    team_filter = request.GET.get("team", "")
    # "all" asks for the whole cascade even when it is big (see FOLD_AT).
    show_all = team_filter == "all"
    if show_all:
        team_filter = ""
    status_filter = request.GET.get("status", "")
    if status_filter not in ObjectiveStatus.values:
        status_filter = ""
    tree = shown = None
    folded = False
    if period is not None:
        folded = (
            not (show_all or team_filter or status_filter)
            and selectors.objective_count(access, period) > FOLD_AT
        )
        if folded:
            team_filter = "org"
        if team_filter or status_filter:
            team_id = chosen_id(team_filter)

            def keep(objective: Objective) -> bool:
                if team_filter == "org" and objective.team_id is not None:
                    return False
                if team_id is not None and objective.team_id != team_id:
                    return False
                return not status_filter or objective.status == status_filter

            # Only what the shown objectives' progress depends on is read.
            tree = selectors.cascade(access, period, keep=keep)
            shown = selectors.filtered(tree, keep)
        else:
            tree = shown = selectors.cascade(access, period)
    return render_org(
        request,
        access,
        "goals/goals.html",
        {
            "period": period,
            "periods": list(selectors.periods(access)),
            "teams": list(selectors.teams(access)),
            "statuses": ObjectiveStatus.choices,
            "team_filter": team_filter,
            "status_filter": status_filter,
            "filtering": bool(team_filter or status_filter) and not folded,
            "folded": folded,
            "tree": shown,
            "total": len(tree) if tree is not None else 0,
            "attention": shown.needs_attention if shown is not None else [],
        },
        nav=NAV,
    )


# Periods ---------------------------------------------------------------------------------


def render_periods(
    request: HttpRequest,
    access: Access,
    form: forms.PeriodForm | None = None,
    failed: web.RefusedRow | None = None,
) -> HttpResponse:
    rows = web.row_forms(failed, "period", selectors.periods(access), forms.PeriodEditForm.of)
    form = form or forms.PeriodForm()
    failed_form = failed[2] if failed else None
    return render_org(
        request,
        access,
        "goals/periods.html",
        {"rows": rows, "form": form},
        nav=NAV,
        status=status_of(form, failed_form),
    )


to_periods = web.to("goals_periods")


periods_page = web.ListPage(render_periods, back=to_periods)
periods = periods_page.add(
    forms.PeriodForm,
    services.create_period,
    said="Created {record.name}. Now set its first objective.",
    back=lambda access, period: redirect(
        reverse("goals_objective_new", args=[access.organization.slug]) + f"?period={period.pk}"
    ),
)
period = periods_page.row(
    access_period,
    forms.PeriodEditForm,
    services.update_period,
    "period",
    said="Saved {record.name}.",
)
period_delete = periods_page.delete(
    access_period, services.delete_period, said="Deleted {record.name}."
)


# Objectives ------------------------------------------------------------------------------


to_objective = web.to("goals_objective", "objective_id")


def render_objective_new(
    request: HttpRequest, access: Access, form: forms.ObjectiveForm | None = None
) -> HttpResponse:
    if form is None:
        initial: dict[str, Any] = {"status": ObjectiveStatus.ACTIVE}
        if period_id := chosen_id(request.GET.get("period")):
            initial["period"] = access_period(access, period_id).pk
        if parent_id := chosen_id(request.GET.get("parent")):
            parent = access_objective(access, parent_id)
            initial.update(parent=parent.pk, period=parent.period_id, theme=parent.theme_id)
        if "period" not in initial and (current := selectors.current_period(access)):
            initial["period"] = current.pk
        form = forms.ObjectiveForm(initial=initial, access=access, q=search_of(request))
    return render_org(
        request,
        access,
        "goals/objective_new.html",
        {"form": form, "has_periods": selectors.periods(access).exists()},
        nav=NAV,
        status=status_of(form),
    )


objective_new = web.add_view(
    render_objective_new,
    forms.ObjectiveForm,
    services.create_objective,
    with_access=True,
    said="Created “{record.title}”. Add its key results.",
    back=to_objective,
)


def render_objective(
    request: HttpRequest,
    access: Access,
    objective: Objective,
    *,
    edit_form: forms.ObjectiveEditForm | None = None,
    key_result_form: forms.KeyResultForm | None = None,
) -> HttpResponse:
    tree = selectors.cascade(access, objective.period)
    node = tree.nodes[objective.pk]
    edit_form = edit_form or forms.ObjectiveEditForm.of(objective, access, q=search_of(request))
    key_result_form = key_result_form or forms.KeyResultForm(access=access)
    return render_org(
        request,
        access,
        "goals/objective.html",
        {
            "objective": objective,
            "node": node,
            "final": tree.final,
            "edit_form": edit_form,
            "key_result_form": key_result_form,
        },
        nav=NAV,
        status=status_of(edit_form, key_result_form),
    )


objective_page = web.RecordPage(access_objective, render_objective, back=to_objective)
objective = objective_page.edit(
    forms.ObjectiveEditForm,
    services.update_objective,
    options=lambda access, record: {"access": access, "exclude": record.pk},
    said="Saved “{record.title}”.",
)


def search_of(request: HttpRequest) -> str:
    """What the user searched a page's chooser for (``?q=``)."""
    return request.GET.get("q", "").strip()


@require_safe
@org_view
def choose_objectives(request: HttpRequest, access: Access) -> HttpResponse:
    """The objective chooser's matches as the user types (northline/chooser.js)."""
    found = selectors.objectives_matching(access, search_of(request))
    return JsonResponse({"matches": choosers.matches(found, selectors.objective_label)})


objective_delete = web.delete_view(
    access_objective,
    services.delete_objective,
    said="Deleted “{record.title}”.",
    back=lambda access, record: redirect(
        reverse("goals", args=[access.organization.slug]) + f"?period={record.period_id}"
    ),
)


key_result_new = objective_page.form(
    forms.KeyResultForm,
    services.create_key_result,
    "key_result_form",
    with_access=True,
    said="Added “{data[title]}”. Check in when it moves.",
)


# Key results and check-ins ---------------------------------------------------------------


def live_context(
    access: Access, key_result: KeyResult, check_in_form: forms.CheckInForm | None = None
) -> dict[str, Any]:
    """What the live part of the key-result page shows: numbers, chart, check-ins, form."""
    now = timezone.now()
    result = selectors.key_result_progress(key_result, at=now)
    readings = list(selectors.check_ins(access, key_result))
    indicator = key_result.indicator
    period = key_result.objective.period
    chart = progress_chart(
        [ChartPoint(at=reading.recorded_at, value=reading.value) for reading in readings],
        start=period.starts_on,
        end=period.ends_on,
        baseline=indicator.baseline,
        target=indicator.target,
        now=now,
        title=f"{key_result.title}: check-ins against the expected pace",
        unit=indicator.unit,
        chart_id=f"kr-{key_result.pk}-chart",
    )
    return {
        "key_result": key_result,
        "indicator": indicator,
        "result": result,
        "expected_value": indicator.baseline
        + result.health.expected * (indicator.target - indicator.baseline),
        "chart": chart,
        "readings": list(reversed(readings)),
        "check_in_form": check_in_form or forms.CheckInForm(),
        "closed": key_result.objective.status == ObjectiveStatus.CLOSED,
    }


def render_key_result(
    request: HttpRequest,
    access: Access,
    key_result: KeyResult,
    *,
    edit_form: forms.KeyResultEditForm | None = None,
    check_in_form: forms.CheckInForm | None = None,
) -> HttpResponse:
    edit_form = edit_form or forms.KeyResultEditForm.of(key_result, access)
    return render_org(
        request,
        access,
        "goals/key_result.html",
        {
            **live_context(access, key_result, check_in_form),
            "edit_form": edit_form,
            # What the apps above link to it: the epics that drive it (portfolio).
            "panels": record_panels(request, access, "goals.keyresult", key_result),
        },
        nav=NAV,
        status=status_of(edit_form, check_in_form),
    )


to_key_result = web.to("goals_key_result", "key_result_id")
key_result = web.RecordPage(access_key_result, render_key_result, back=to_key_result).edit(
    forms.KeyResultEditForm,
    services.update_key_result,
    with_access=True,
    said="Saved “{record.title}”.",
)


key_result_delete = web.delete_view(
    access_key_result,
    services.delete_key_result,
    said="Deleted “{record.title}” and its check-ins.",
    back=lambda access, record: redirect(
        "goals_objective", slug=access.organization.slug, objective_id=record.objective_id
    ),
)


@post_only
@org_view
def check_in(request: HttpRequest, access: Access, key_result_id: int) -> HttpResponse:
    record = access_key_result(access, key_result_id, "write")
    form = forms.CheckInForm(request.POST)
    saved = submit(form, lambda data: services.record_check_in(access, record, **data))
    if request.headers.get("X-Requested-With") == INLINE_HEADER:
        context = live_context(access, record, None if saved else form)
        context.update(access=access, org=access.organization, announce=saved)
        return render(request, "goals/_key_result_live.html", context, status=form.status)
    if saved:
        messages.success(request, f"Checked in {form.cleaned_data['value']:g} on “{record.title}”.")
        return to_key_result(access, record)
    return render_key_result(request, access, record, check_in_form=form)
