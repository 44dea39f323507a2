"""Web pages of the portfolio: the Kanban board, epics, the backlog, feedback and sprints.

Thin views (STYLE §1): parse with a form, resolve records through ``northline.portfolio.access``,
call one service or selector, render. Every write is a plain POST form that works without
JavaScript; ``portfolio/board.js`` sends the same move form with fetch (drag-and-drop and the
keyboard controls) and gets JSON back: the moved card, or the 409 with each unmet rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from northline.goals.models import KeyResult
from northline.lib import choosers, web
from northline.lib.charts import ChartPoint, progress_chart
from northline.lib.errors import Conflict, Invalid
from northline.lib.web import org_view, post_only, render_org, status_of, submit
from northline.measures.models import Indicator
from northline.measures.rules import Health
from northline.measures.selectors import points_of
from northline.orgs.access import Access
from northline.portfolio import forms, selectors, services
from northline.portfolio.access import (
    access_epic,
    access_recommendation,
    access_sprint,
    access_story,
)
from northline.portfolio.models import (
    CloseReason,
    Epic,
    EpicState,
    RecommendationStatus,
    Sprint,
    Story,
    StoryState,
)

NAV = "portfolio"
# The header board.js sends; the move view then answers with JSON, the column view with the
# next cards only.
INLINE_HEADER = "fetch"
# Cards per column when the board opens: a screen shows a handful, and rendering is most of
# the time a big board takes (docs/benchmarks.md); scrolling fetches 100 more at a time.
FIRST_PAGE = 50


def is_inline(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == INLINE_HEADER


def board_url(access: Access, query: str = "") -> str:
    url = reverse("portfolio", args=[access.organization.slug])
    return f"{url}?{query}" if query else url


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go back to, if it is a page of this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# The board ---------------------------------------------------------------------------------


def board_filters(request: HttpRequest, access: Access) -> tuple[forms.BoardFilterForm, Any, str]:
    """The filter form, the selector's filters and the query string that repeats them."""
    form = forms.BoardFilterForm(request.GET or None, access=access)
    ids = form.ids()
    query = urlencode({name: value for name, value in ids.items() if value is not None})
    return form, selectors.BoardFilters(**ids), query


@org_view
def board(request: HttpRequest, access: Access) -> HttpResponse:
    filter_form, filters, query = board_filters(request, access)
    columns = selectors.board(access, filters=filters, per_column=FIRST_PAGE)
    wip_form = None
    if access.can_manage:
        wip_form = forms.WipLimitsForm(limits={column.state: column.limit for column in columns})
    return render_board(request, access, columns, filter_form, query, wip_form)


def render_board(
    request: HttpRequest,
    access: Access,
    columns: list[Any],
    filter_form: forms.BoardFilterForm,
    query: str,
    wip_form: forms.WipLimitsForm | None,
) -> HttpResponse:
    return render_org(
        request,
        access,
        "portfolio/board.html",
        {
            "columns": columns,
            "filter_form": filter_form,
            "filtering": bool(query),
            "query": query,
            "states": EpicState.choices,
            "close_reasons": CloseReason.choices,
            "wip_form": wip_form,
            "here": request.get_full_path(),
            "feedback_pending": selectors.feedback_pending(access),
        },
        nav=NAV,
        status=status_of(wip_form),
    )


@org_view
def column(request: HttpRequest, access: Access, state: str) -> HttpResponse:
    """The next page of one column: the cards alone for board.js, else a page of its own."""
    if state not in EpicState.values:
        raise Http404("No such column.")
    _, filters, query = board_filters(request, access)
    cards, next_cursor = selectors.column_page(
        access, state, filters=filters, after=request.GET.get("after") or None
    )
    context = {
        "state": state,
        "label": EpicState(state).label,
        "cards": cards,
        "next_cursor": next_cursor,
        "query": query,
        "states": EpicState.choices,
        "here": board_url(access, query),
        "access": access,
        "org": access.organization,
    }
    if is_inline(request):
        return render(request, "portfolio/_cards.html", context)
    return render_org(request, access, "portfolio/column.html", context, nav=NAV)


@post_only
@org_view
def wip_limits(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("manage")
    limits: dict[str, int | None] = dict(selectors.wip_limits(access.organization.pk))
    form = forms.WipLimitsForm(request.POST, limits=limits)

    def save(data: dict[str, Any]) -> None:
        for state, limit in data.items():
            if limit != limits.get(state):
                services.set_wip_limit(access, state=state, limit=limit)

    if submit(form, save):
        messages.success(request, "Saved the WIP limits.")
        return redirect("portfolio", slug=access.organization.slug)
    filter_form, filters, query = board_filters(request, access)
    columns = selectors.board(access, filters=filters, per_column=FIRST_PAGE)
    return render_board(request, access, columns, filter_form, query, form)


@post_only
@org_view
def epic_move(request: HttpRequest, access: Access, epic_id: int) -> HttpResponse:
    """Move a card to a column and between two cards, or one step up or down (re-rank)."""
    epic = access_epic(access, epic_id, "write")
    form = forms.MoveForm(request.POST)
    inline = is_inline(request)
    back = safe_next(request, board_url(access)) + f"#epic-{epic.pk}"
    if not form.is_valid():
        if inline:
            fields = {
                name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()
            }
            return JsonResponse(
                {"error": {"code": "invalid", "message": "Check the move.", "fields": fields}},
                status=422,
            )
        messages.error(request, "That move was not understood.")
        return redirect(back)
    data = form.cleaned_data
    state = data["state"] or epic.state
    before_id, after_id = data["before_id"], data["after_id"]
    if data["direction"]:
        neighbours = selectors.step_neighbours(access, epic, data["direction"])
        if neighbours is None:
            # Already first (or last) in its column: nothing to do.
            return move_answer(request, epic, inline, back, "")
        before_id, after_id = neighbours
    closing = state == EpicState.CLOSED and epic.state != EpicState.CLOSED
    if closing and not inline and not (data["close_reason"] and data["close_note"]):
        # The board's plain form has no room for a reason and a note: ask on the epic page.
        messages.info(request, "Closing an epic needs a reason and a note: give them below.")
        return redirect(epic_url(access, epic) + "#close-epic")
    try:
        moved = services.move_epic(
            access,
            epic,
            state=state,
            before_id=before_id,
            after_id=after_id,
            version=data["version"],
            close_reason=data["close_reason"],
            close_note=data["close_note"],
        )
    except (Conflict, Invalid) as error:
        if inline:
            return JsonResponse(
                {
                    "error": {
                        "code": error.code,
                        "message": error.message,
                        "fields": dict(error.fields),
                    }
                },
                status=error.status,
            )
        messages.error(request, f"“{epic.title}” was not moved. {error.message}")
        return redirect(back)
    if moved.state != epic.state:
        note = f"Moved “{moved.title}” to {moved.get_state_display()}."
    else:
        note = f"Placed “{moved.title}” by hand."
    return move_answer(request, moved, inline, back, note)


def move_answer(
    request: HttpRequest, epic: Epic, inline: bool, back: str, note: str
) -> HttpResponse:
    if inline:
        return JsonResponse(
            {
                "epic": {
                    "id": epic.pk,
                    "state": epic.state,
                    "rank": epic.rank,
                    "rank_is_manual": epic.rank_is_manual,
                    "version": epic.version,
                },
                "message": note,
            }
        )
    if note:
        messages.success(request, note)
    return redirect(back)


# Epics -------------------------------------------------------------------------------------


def epic_url(access: Access, epic: Epic) -> str:
    return reverse("portfolio_epic", args=[access.organization.slug, epic.pk])


@org_view
def epic_new(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method == "POST":
        access.require("write")
        form = forms.NewEpicForm(request.POST, access=access)
        epic = web.made_by(form, lambda _: services.create_epic(access, **form.changes()))
        if epic is not None:
            messages.success(
                request,
                f"Created “{epic.title}” in the funnel. Add a lagging indicator and "
                "stories to make it ready.",
            )
            return redirect(epic_url(access, epic))
    else:
        chosen_id = request.GET.get("key_result")
        form = forms.NewEpicForm(access=access, initial={"key_result": chosen_id})
    # Sent from a key result's "Driven by" section: that one, named; else a chooser.
    chosen = selectors.key_result_named(access, form["key_result"].value())
    q = request.GET.get("q", "").strip()
    chooser = choosers.chooser(
        selectors.key_results_matching(access, q), q, selectors.key_result_label
    )
    if chosen is None:
        form.offer(chooser.options)
    return render_org(
        request,
        access,
        "portfolio/epic_new.html",
        {"form": form, "key_result_chooser": chooser, "chosen": chosen},
        nav=NAV,
        status=status_of(form),
    )


def indicator_charts(lagging: list[tuple[Indicator, Health]]) -> list[dict[str, Any]]:
    """Each lagging indicator with its health and its readings drawn against the pace."""
    now = timezone.now()
    points = points_of((indicator.pk for indicator, _ in lagging), now)
    charts = []
    for indicator, health in lagging:
        readings = points.get(indicator.pk, [])
        charts.append(
            {
                "indicator": indicator,
                "health": health,
                "chart": progress_chart(
                    [ChartPoint(at=point.at, value=point.value) for point in readings],
                    start=indicator.start_date,
                    end=indicator.target_date,
                    baseline=indicator.baseline,
                    target=indicator.target,
                    now=now,
                    title=f"{indicator.name}: readings against the expected pace",
                    unit=indicator.unit,
                    chart_id=f"indicator-{indicator.pk}-chart",
                ),
            }
        )
    return charts


def render_epic(
    request: HttpRequest,
    access: Access,
    epic: Epic,
    *,
    edit_form: web.DomainForm | None = None,
    story_form: forms.StoryForm | None = None,
    indicator_form: forms.LaggingIndicatorForm | None = None,
    link_form: forms.LinkIndicatorForm | None = None,
    close_form: forms.CloseForm | None = None,
    answer_form: tuple[int, forms.AnswerForm] | None = None,
    key_result_form: forms.KeyResultLinkForm | None = None,
) -> HttpResponse:
    detail = selectors.epic_detail(access, epic)
    driven = list(epic.key_results.select_related("objective").order_by("title", "pk"))
    key_result_form = key_result_form or forms.KeyResultLinkForm(initial={"version": epic.version})
    q = request.GET.get("q", "").strip()
    key_result_chooser = choosers.chooser(
        selectors.key_results_matching(access, q, exclude=[item.pk for item in driven]),
        q,
        selectors.key_result_label,
    )
    edit_form = edit_form or forms.EpicEditForm.of(epic, access=access)
    story_form = story_form or forms.StoryForm(access=access)
    indicator_form = indicator_form or forms.LaggingIndicatorForm()
    link_form = link_form or forms.LinkIndicatorForm(access=access)
    close_form = close_form or forms.CloseForm(initial={"version": epic.version})
    recommendations = [
        (
            recommendation,
            answer_form[1]
            if answer_form and answer_form[0] == recommendation.pk
            else forms.AnswerForm(prefix=f"r{recommendation.pk}"),
        )
        for recommendation in detail.recommendations
    ]
    return render_org(
        request,
        access,
        "portfolio/epic.html",
        {
            "epic": epic,
            "numbers": detail.numbers,
            "stories": detail.stories,
            "charts": indicator_charts(detail.numbers.lagging),
            "recommendations": recommendations,
            "edit_form": edit_form,
            "story_form": story_form,
            "indicator_form": indicator_form,
            "link_form": link_form,
            "driven": driven,
            "key_result_form": key_result_form,
            "key_result_chooser": key_result_chooser,
            "close_form": close_form,
            "closable": epic.state not in (EpicState.DONE, EpicState.CLOSED),
            "story_states": StoryState.choices,
            "states": EpicState.choices,
        },
        nav=NAV,
        status=status_of(
            edit_form,
            story_form,
            indicator_form,
            link_form,
            close_form,
            answer_form[1] if answer_form else None,
            key_result_form,
        ),
    )


def to_epic(access: Access, record: Epic, anchor: str = "") -> HttpResponse:
    return redirect(epic_url(access, record) + anchor)


def to_indicators(access: Access, record: Epic) -> HttpResponse:
    return to_epic(access, record, "#indicators")


epic_page = web.RecordPage(access_epic, render_epic, back=to_epic)
epic = epic_page.edit(
    forms.EpicEditForm, services.update_epic, with_access=True, said="Saved “{record.title}”."
)


epic_close = epic_page.form(
    forms.CloseForm,
    lambda access, record, **data: services.move_epic(
        access, record, state=EpicState.CLOSED, **data
    ),
    "close_form",
    said="Closed “{record.title}”.",
    reread=True,
)


@post_only
@org_view
def epic_reset_rank(request: HttpRequest, access: Access, epic_id: int) -> HttpResponse:
    record = access_epic(access, epic_id, "write")
    back = safe_next(request, epic_url(access, record))
    form = forms.VersionForm(request.POST)
    if not submit(form, lambda data: services.reset_rank(access, record, version=data["version"])):
        messages.error(
            request,
            " ".join(str(error) for error in form.errors.get("__all__", []))
            or "Reload the page and try again.",
        )
        return redirect(back)
    messages.success(request, f"“{record.title}” is back in WSJF order.")
    return redirect(back)


indicator_new = epic_page.form(
    forms.LaggingIndicatorForm,
    services.add_lagging_indicator,
    "indicator_form",
    said="Added the lagging indicator “{data[name]}”.",
    back=to_indicators,
)
indicator_link = epic_page.form(
    forms.LinkIndicatorForm,
    lambda access, record, indicator: services.link_lagging_indicator(access, record, indicator),
    "link_form",
    with_access=True,
    said="Linked “{data[indicator].name}”.",
    back=to_indicators,
)


@post_only
@org_view
def indicator_unlink(
    request: HttpRequest, access: Access, epic_id: int, indicator_id: int
) -> HttpResponse:
    record = access_epic(access, epic_id, "write")
    indicator = next(
        (
            item
            for item in selectors.epic_detail(access, record).indicators
            if item.pk == indicator_id
        ),
        None,
    )
    if indicator is None:
        raise Http404("The epic has no such indicator.")
    services.unlink_lagging_indicator(access, record, indicator)
    messages.success(request, f"Unlinked “{indicator.name}”; its readings stay.")
    return redirect(epic_url(access, record) + "#indicators")


def key_results_url(access: Access, epic: Epic) -> str:
    return epic_url(access, epic) + "#key-results"


def to_key_results(access: Access, record: Epic) -> HttpResponse:
    return redirect(key_results_url(access, record))


def key_result_form(save: Callable[..., Any], said: str) -> web.View:
    """The epic page's key-result form, posted to link the chosen key result or to unlink it."""
    return epic_page.form(
        forms.KeyResultLinkForm,
        save,
        "key_result_form",
        said=said,
        back=to_key_results,
        reread=True,
    )


key_result_link = key_result_form(
    services.link_key_result, "“{record.title}” now drives the key result."
)
key_result_unlink = key_result_form(
    services.unlink_key_result, "“{record.title}” no longer drives the key result."
)


# The other end: which epics drive a key result, on the key result's page (goals) and from
# the coverage drill-down (insights). Both post here and come back to the page they came from.


def key_result_page(access: Access, key_result_id: int) -> str:
    return (
        reverse("goals_key_result", args=[access.organization.slug, key_result_id]) + "#driven-by"
    )


def key_result_epics_panel(request: HttpRequest, access: Access, key_result: KeyResult) -> str:
    """The key result page's "Driven by" section: the epics that drive it, each with Unlink,
    and a chooser of the open epics that do not yet (registered in apps.py)."""
    driving = list(key_result.epics.order_by("title", "pk"))
    chooser = None
    if access.can_write:
        q = request.GET.get("q", "").strip()
        chooser = choosers.chooser(
            selectors.open_epics_matching(access, q, exclude=[epic.pk for epic in driving]), q
        )
    return render_to_string(
        "portfolio/_key_result_epics.html",
        {
            "org": access.organization,
            "access": access,
            "key_result": key_result,
            "driving": driving,
            "epic_chooser": chooser,
            "here": key_result_page(access, key_result.pk),
        },
        request=request,
    )


@post_only
@org_view
def key_result_epic_link(request: HttpRequest, access: Access) -> HttpResponse:
    """Link the chosen open epic to the key result, then back to the page the form was on."""
    form = forms.EpicLinkForm(request.POST)
    if not form.is_valid():
        access.require("write")
        messages.error(request, "Choose an epic to link.")
        return redirect(safe_next(request, reverse("portfolio", args=[access.organization.slug])))
    epic = access_epic(access, form.cleaned_data["epic"], "write")
    back = safe_next(request, key_result_page(access, form.cleaned_data["key_result"]))
    services.link_key_result(access, epic, form.cleaned_data["key_result"], version=epic.version)
    messages.success(request, f"“{epic.title}” now drives the key result.")
    return redirect(back)


@post_only
@org_view
def key_result_epic_unlink(request: HttpRequest, access: Access) -> HttpResponse:
    """The epic stops driving the key result; the page's version of the epic must be current."""
    form = forms.EpicUnlinkForm(request.POST)
    if not form.is_valid():
        access.require("write")
        raise Http404("No such link.")
    epic = access_epic(access, form.cleaned_data["epic"], "write")
    back = safe_next(request, key_result_page(access, form.cleaned_data["key_result"]))
    try:
        services.unlink_key_result(
            access, epic, form.cleaned_data["key_result"], version=form.cleaned_data["version"]
        )
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{epic.title}” no longer drives the key result.")
    return redirect(back)


# Choosers: the matches a chooser's script shows as the user types (northline/chooser.js) ---


@require_safe
@org_view
def choose_key_results(request: HttpRequest, access: Access) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    found = selectors.key_results_matching(access, q)
    return JsonResponse({"matches": choosers.matches(found, selectors.key_result_label)})


@require_safe
@org_view
def choose_epics(request: HttpRequest, access: Access) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return JsonResponse({"matches": choosers.matches(selectors.open_epics_matching(access, q))})


# Stories -----------------------------------------------------------------------------------


story_new = epic_page.form(
    forms.StoryForm,
    services.create_story,
    "story_form",
    with_access=True,
    said="Added the story “{data[title]}”.",
    back=lambda access, record: to_epic(access, record, "#stories"),
)


def render_story(
    request: HttpRequest,
    access: Access,
    story: Story,
    edit_form: web.DomainForm | None = None,
    leading_form: forms.LinkLeadingIndicatorForm | None = None,
) -> HttpResponse:
    edit_form = edit_form or forms.StoryEditForm.of(story, access=access)
    leading_form = leading_form or forms.LinkLeadingIndicatorForm(access=access)
    return render_org(
        request,
        access,
        "portfolio/story.html",
        {
            "story": story,
            "edit_form": edit_form,
            "story_states": StoryState.choices,
            "leading": list(story.leading_indicators.order_by("name", "pk")),
            "leading_form": leading_form,
        },
        nav=NAV,
        status=status_of(edit_form, leading_form),
    )


def story_url(access: Access, story: Story) -> str:
    return reverse("portfolio_story", args=[access.organization.slug, story.pk]) + "#leading"


def to_stories(access: Access, record: Story) -> HttpResponse:
    return redirect(epic_url(access, record.epic) + "#stories")


story_page = web.RecordPage(access_story, render_story, back=to_stories)
story = story_page.edit(
    forms.StoryEditForm, services.update_story, with_access=True, said="Saved “{record.title}”."
)


def leading_indicator_form(save: Callable[..., Any], said: str) -> web.View:
    """The story page's leading-indicator form, posted to link the chosen one or to unlink it."""
    return story_page.form(
        forms.LinkLeadingIndicatorForm,
        save,
        "leading_form",
        with_access=True,
        said=said,
        back=lambda access, record: redirect(story_url(access, record)),
    )


story_indicator_link = leading_indicator_form(
    services.link_leading_indicator, "Linked “{data[indicator].name}”."
)
story_indicator_unlink = leading_indicator_form(
    services.unlink_leading_indicator, "Unlinked “{data[indicator].name}”; its readings stay."
)


@post_only
@org_view
def story_move(request: HttpRequest, access: Access, story_id: int) -> HttpResponse:
    record = access_story(access, story_id, "write")
    form = forms.StoryMoveForm(request.POST)
    back = safe_next(request, epic_url(access, record.epic) + "#stories")

    def save(data: dict[str, Any]) -> None:
        services.move_story(access, record, state=data["state"], version=data["version"])

    if submit(form, save):
        messages.success(
            request,
            f"“{record.title}” is now {StoryState(form.cleaned_data['state']).label.lower()}.",
        )
    else:
        messages.error(
            request,
            " ".join(str(error) for error in form.errors.get("__all__", [])) or "Choose a state.",
        )
    return redirect(back)


story_delete = web.delete_view(
    access_story, services.delete_story, said="Deleted the story “{record.title}”.", back=to_stories
)


# Feedback ----------------------------------------------------------------------------------


@org_view
def feedback(request: HttpRequest, access: Access) -> HttpResponse:
    return render_feedback(request, access)


def render_feedback(
    request: HttpRequest, access: Access, failed: tuple[int, forms.AnswerForm] | None = None
) -> HttpResponse:
    open_ones = [
        (
            recommendation,
            failed[1]
            if failed and failed[0] == recommendation.pk
            else forms.AnswerForm(prefix=f"r{recommendation.pk}"),
        )
        for recommendation in selectors.recommendations(access, status=RecommendationStatus.OPEN)
    ]
    answered = list(selectors.recommendations(access, status=RecommendationStatus.ANSWERED)[:20])
    return render_org(
        request,
        access,
        "portfolio/feedback.html",
        {
            "open": open_ones,
            "answered": answered,
            "feedback_pending": selectors.feedback_pending(access),
        },
        nav=NAV,
        status=status_of(failed[1] if failed else None),
    )


@post_only
@org_view
def answer(request: HttpRequest, access: Access, recommendation_id: int) -> HttpResponse:
    record = access_recommendation(access, recommendation_id, "write")
    form = forms.AnswerForm(request.POST, prefix=f"r{record.pk}")
    fallback = reverse("portfolio_feedback", args=[access.organization.slug])
    if submit(form, lambda data: services.answer_recommendation(access, record, **data)):
        messages.success(
            request,
            f"Answered “{record.get_kind_display()}” for “{record.epic.title}”: "
            f"{form.cleaned_data['answer']}. It is in the decision log.",
        )
        return redirect(safe_next(request, fallback))
    if request.POST.get("from") == "epic":
        epic_record = access_epic(access, record.epic_id)
        return render_epic(request, access, epic_record, answer_form=(record.pk, form))
    return render_feedback(request, access, failed=(record.pk, form))


# The backlog -------------------------------------------------------------------------------


@org_view
def backlog(request: HttpRequest, access: Access) -> HttpResponse:
    order = "rank" if request.GET.get("order") == "rank" else "wsjf"
    return render_org(
        request,
        access,
        "portfolio/backlog.html",
        {"epics": selectors.backlog(access, order=order), "order": order},
        nav=NAV,
    )


# Sprints -----------------------------------------------------------------------------------


def render_sprints(
    request: HttpRequest, access: Access, form: forms.SprintForm | None = None
) -> HttpResponse:
    form = form or forms.SprintForm(access=access)
    return render_org(
        request,
        access,
        "portfolio/sprints.html",
        {"sprints": selectors.sprints(access), "form": form},
        nav=NAV,
        status=status_of(form),
    )


sprints = web.add_view(
    render_sprints,
    forms.SprintForm,
    services.create_sprint,
    with_access=True,
    said="Created {record.name}. Plan stories into it from their epics.",
    back=web.to("portfolio_sprint", "sprint_id"),
)


def render_sprint(
    request: HttpRequest,
    access: Access,
    sprint: Sprint,
    edit_form: web.DomainForm | None = None,
) -> HttpResponse:
    edit_form = edit_form or forms.SprintEditForm.of(sprint, access=access)
    return render_org(
        request,
        access,
        "portfolio/sprint.html",
        {"sprint": sprint, "load": selectors.sprint_load(access, sprint), "edit_form": edit_form},
        nav=NAV,
        status=status_of(edit_form),
    )


sprint = web.page_and_edit(
    access_sprint,
    render_sprint,
    forms.SprintEditForm,
    services.update_sprint,
    with_access=True,
    said="Saved {record.name}.",
    back=web.to("portfolio_sprint", "sprint_id"),
)
sprint_delete = web.delete_view(
    access_sprint,
    services.delete_sprint,
    said="Deleted {record.name}; its stories are unplanned again.",
    back=lambda access, record: redirect("portfolio_sprints", slug=access.organization.slug),
)
