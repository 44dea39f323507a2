"""Pages of the strategy section: thin views that parse a form, call one service or selector,
and render (errors become responses in ``northline.lib.web``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from northline.lib.errors import NotFound
from northline.lib.web import (
    ListPage,
    RecordPage,
    RefusedRow,
    add_view,
    delete_view,
    org_view,
    post_only,
    render_org,
    row_forms,
    status_of,
    submit,
    to,
)
from northline.measures.access import access_indicator
from northline.orgs import selectors as org_selectors
from northline.orgs.access import Access
from northline.strategy import access as acl
from northline.strategy import forms, selectors, services
from northline.strategy.models import (
    Authority,
    Decision,
    DecisionStatus,
    DecisionTopic,
    Investment,
    Theme,
)

NAV = "strategy"
RECENT_DECISIONS = 5


def page(
    request: HttpRequest,
    access: Access,
    template: str,
    context: dict[str, Any],
    *forms_: Any,
) -> HttpResponse:
    return render_org(
        request, access, f"strategy/{template}", context, nav=NAV, status=status_of(*forms_)
    )


def back(access: Access, name: str, **kwargs: Any) -> HttpResponse:
    return redirect(name, slug=access.organization.slug, **kwargs)


def authority_labels(values: list[str]) -> list[str]:
    return [selectors.authority_label(value) for value in values]


# Home --------------------------------------------------------------------------------------


@org_view
def home(request: HttpRequest, access: Access) -> HttpResponse:
    """Identity, SWOT, themes with indicators and money, value streams, coalition, decisions:
    a fixed number of queries however many rows there are."""
    themes = list(selectors.themes(access))
    measured = selectors.with_health(themes)
    report = selectors.planned_vs_actual(access)
    money = {share.theme_id: share for share in report.themes}
    bodies = [
        (body, authority_labels(missing))
        for body, missing in selectors.flag_bodies(selectors.bodies(access))
    ]
    return page(
        request,
        access,
        "home.html",
        {
            "identity": selectors.current_identity(access),
            "board": selectors.swot_board(selectors.swot_items(access)),
            "themes": [
                {"theme": theme, "indicators": measured[theme.pk], "money": money.get(theme.pk)}
                for theme in themes
            ],
            "report": report,
            "streams": selectors.value_streams(access),
            "bodies": bodies,
            "flagged": sum(1 for _, missing in bodies if missing),
            "decisions": selectors.decisions(access)[:RECENT_DECISIONS],
        },
    )


# Identity ----------------------------------------------------------------------------------


@org_view
def identity(request: HttpRequest, access: Access) -> HttpResponse:
    current = selectors.current_identity(access)
    if request.method == "POST":
        access.require("write")
        form = forms.IdentityForm(request.POST)
        if submit(form, lambda data: services.revise_identity(access, **data)):
            messages.success(request, "Saved a new revision of the identity.")
            return back(access, "strategy")
    else:
        form = forms.IdentityForm.of(current)
    return page(request, access, "identity.html", {"current": current, "form": form}, form)


@org_view
def identity_history(request: HttpRequest, access: Access) -> HttpResponse:
    revisions = list(selectors.revisions(access))
    return page(request, access, "identity_history.html", {"revisions": revisions})


@org_view
def identity_revision(request: HttpRequest, access: Access, number: int) -> HttpResponse:
    revision = acl.access_revision(access, number)
    latest = services.latest_revision_number(access.organization)
    return page(
        request,
        access,
        "identity_revision.html",
        {"revision": revision, "latest": latest},
    )


def number_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


@org_view
def identity_diff(request: HttpRequest, access: Access) -> HttpResponse:
    latest = services.latest_revision_number(access.organization)
    to_number = number_param(request, "to") or latest
    from_number = number_param(request, "from") or max(to_number - 1, 1)
    if not latest:
        raise NotFound("There is no identity to compare yet.")
    old = acl.access_revision(access, from_number)
    new = acl.access_revision(access, to_number)
    return page(
        request,
        access,
        "identity_diff.html",
        {
            "old": old,
            "new": new,
            "diffs": selectors.identity_diff(old, new),
            "numbers": range(latest, 0, -1),
        },
    )


# SWOT --------------------------------------------------------------------------------------


def render_swot(
    request: HttpRequest,
    access: Access,
    *,
    add_form: forms.SwotItemForm | None = None,
    failed: RefusedRow | None = None,
) -> HttpResponse:
    themes = forms.theme_choices(access)
    board = selectors.swot_board(list(selectors.swot_items(access)))
    for quadrant in board:
        quadrant["rows"] = row_forms(
            failed,
            "item",
            quadrant["items"],
            lambda item: forms.SwotItemEditForm.of(item, themes=themes),
        )
    add_form = add_form or forms.SwotItemForm(themes=themes)
    return page(
        request,
        access,
        "swot.html",
        {"board": board, "add_form": add_form},
        add_form,
        failed[2] if failed else None,
    )


swot_page = ListPage(render_swot, back=to("strategy_swot"))
swot = swot_page.add(
    forms.SwotItemForm,
    services.create_swot_item,
    options=lambda access: {"themes": forms.theme_choices(access)},
    said="Added to the SWOT.",
    form_name="add_form",
)
swot_item = swot_page.row(
    acl.access_swot_item,
    forms.SwotItemEditForm,
    services.update_swot_item,
    "item",
    with_access=True,
    said="Saved the SWOT item.",
)
swot_item_delete = swot_page.delete(
    acl.access_swot_item, services.delete_swot_item, said="Removed the SWOT item."
)


# Themes ------------------------------------------------------------------------------------


def render_themes(
    request: HttpRequest, access: Access, form: forms.ThemeForm | None = None
) -> HttpResponse:
    form = form or forms.ThemeForm()
    theme_list = list(selectors.themes(access))
    measured = selectors.with_health(theme_list)
    return page(
        request,
        access,
        "themes.html",
        {"themes": [(theme, measured[theme.pk]) for theme in theme_list], "form": form},
        form,
    )


themes = add_view(
    render_themes,
    forms.ThemeForm,
    services.create_theme,
    said="Created {record.name}. Now give it an indicator.",
    back=to("strategy_theme", "theme_id"),
)


def render_theme(
    request: HttpRequest, access: Access, record: Theme, **forms_: Any
) -> HttpResponse:
    theme = selectors.themes(access).get(pk=record.pk)
    edit_form = forms_.get("edit_form") or forms.ThemeEditForm.of(theme)
    indicator_form = forms_.get("indicator_form") or forms.ThemeIndicatorForm()
    link_form = forms_.get("link_form") or forms.ThemeLinkIndicatorForm(
        access=access, exclude=list(theme.indicators.values_list("pk", flat=True))
    )
    report = selectors.planned_vs_actual(access)
    return page(
        request,
        access,
        "theme.html",
        {
            "theme": theme,
            "indicators": selectors.with_health([theme])[theme.pk],
            "rows": [
                row
                for row in report.rows
                if row.target_type == "theme" and row.target_id == theme.pk
            ],
            "share": next((s for s in report.themes if s.theme_id == theme.pk), None),
            "swot_items": theme.swot_items.all(),
            "responsibilities": theme.responsibilities.select_related("body"),
            "edit_form": edit_form,
            "indicator_form": indicator_form,
            "link_form": link_form,
        },
        edit_form,
        indicator_form,
        link_form,
    )


theme_page = RecordPage(
    acl.access_theme, render_theme, back=to("strategy_theme", "theme_id"), reread=False
)
theme = theme_page.edit(forms.ThemeEditForm, services.update_theme, said="Saved {record.name}.")
theme_delete = delete_view(
    acl.access_theme,
    services.delete_theme,
    said="Deleted {record.name}.",
    back=to("strategy_themes"),
)


theme_indicator_add = theme_page.form(
    forms.ThemeIndicatorForm,
    services.add_theme_indicator,
    "indicator_form",
    said="Added the indicator {data[name]}.",
)
theme_indicator_link = theme_page.form(
    forms.ThemeLinkIndicatorForm,
    lambda access, record, indicator: services.link_indicator(access, record, indicator),
    "link_form",
    options=lambda access, record: {
        "access": access,
        "exclude": list(record.indicators.values_list("pk", flat=True)),
    },
    said="{record.name} is now measured by {data[indicator].name}.",
)


@post_only
@org_view
def theme_indicator_unlink(
    request: HttpRequest, access: Access, theme_id: int, indicator_id: int
) -> HttpResponse:
    record = acl.access_theme(access, theme_id, "write")
    indicator = access_indicator(access, indicator_id)
    services.unlink_indicator(access, record, indicator)
    messages.success(request, f"{record.name} is no longer measured by {indicator.name}.")
    return back(access, "strategy_theme", theme_id=record.pk)


# Value streams -----------------------------------------------------------------------------


def render_streams(
    request: HttpRequest,
    access: Access,
    *,
    add_form: forms.ValueStreamForm | None = None,
    failed: RefusedRow | None = None,
) -> HttpResponse:
    teams = org_selectors.teams(access)
    rows = row_forms(
        failed,
        "stream",
        selectors.value_streams(access),
        lambda stream: forms.ValueStreamEditForm.of(stream, teams=teams),
    )
    add_form = add_form or forms.ValueStreamForm(teams=teams)
    return page(
        request,
        access,
        "value_streams.html",
        {"rows": rows, "add_form": add_form},
        add_form,
        failed[2] if failed else None,
    )


streams_page = ListPage(render_streams, back=to("strategy_value_streams"))
value_streams = streams_page.add(
    forms.ValueStreamForm,
    services.create_value_stream,
    options=lambda access: {"teams": org_selectors.teams(access)},
    said="Created {record.name}.",
    form_name="add_form",
)
value_stream = streams_page.row(
    acl.access_value_stream,
    forms.ValueStreamEditForm,
    services.update_value_stream,
    "stream",
    with_access=True,
    said="Saved {record.name}.",
)
value_stream_delete = streams_page.delete(
    acl.access_value_stream, services.delete_value_stream, said="Deleted {record.name}."
)


# Investment --------------------------------------------------------------------------------


def render_investments(
    request: HttpRequest, access: Access, form: forms.InvestmentForm | None = None
) -> HttpResponse:
    form = form or forms.InvestmentForm(access=access)
    return page(
        request,
        access,
        "investments.html",
        {
            "report": selectors.planned_vs_actual(access),
            "investments": selectors.investments(access),
            "form": form,
        },
        form,
    )


investments = add_view(
    render_investments,
    forms.InvestmentForm,
    lambda access, **data: services.create_investment(access, **forms.investment_fields(data)),
    with_access=True,
    said="Planned the investment. Record spend against it as it happens.",
    back=to("strategy_investments"),
)


def render_investment(
    request: HttpRequest, access: Access, record: Investment, **forms_: Any
) -> HttpResponse:
    investment = selectors.investments(access).get(pk=record.pk)
    edit_form = forms_.get("edit_form") or forms.InvestmentEditForm.of(investment, access=access)
    spend_form = forms_.get("spend_form") or forms.SpendForm()
    return page(
        request,
        access,
        "investment.html",
        {
            "investment": investment,
            "remaining": investment.planned_amount - investment.actual,  # type: ignore[attr-defined]
            "spends": selectors.spends(access, investment),
            "edit_form": edit_form,
            "spend_form": spend_form,
        },
        edit_form,
        spend_form,
    )


def save_investment(
    access: Access, record: Investment, *, version: int, target: dict[str, Any], **fields: Any
) -> None:
    """The edit form's fields as the service takes them (``target`` is a theme or a stream)."""
    services.update_investment(access, record, version=version, **fields, **target)


investment_page = RecordPage(
    acl.access_investment,
    render_investment,
    back=to("strategy_investment", "investment_id"),
    reread=False,
)
investment = investment_page.edit(
    forms.InvestmentEditForm, save_investment, with_access=True, said="Saved the investment."
)


investment_delete = delete_view(
    acl.access_investment,
    services.delete_investment,
    said="Deleted the investment and its spend entries.",
    back=to("strategy_investments"),
)


spend_add = investment_page.form(
    forms.SpendForm, services.record_spend, "spend_form", said="Recorded the spend."
)
spend_delete = investment_page.child_delete(
    acl.access_spend, services.delete_spend, said="Deleted the spend entry."
)


# Coalition bodies --------------------------------------------------------------------------


def render_bodies(
    request: HttpRequest, access: Access, form: forms.BodyForm | None = None
) -> HttpResponse:
    form = form or forms.BodyForm(people=org_selectors.people(access))
    return page(
        request,
        access,
        "bodies.html",
        {
            "bodies": [
                (body, authority_labels(missing))
                for body, missing in selectors.flag_bodies(selectors.bodies(access))
            ],
            "form": form,
            "rules": [
                (label, authority_labels(list(selectors.NEEDED_AUTHORITIES[kind])))
                for kind, label in selectors.ResponsibilityKind.choices
            ],
        },
        form,
    )


bodies = add_view(
    render_bodies,
    forms.BodyForm,
    services.create_body,
    options=lambda access: {"people": org_selectors.people(access)},
    said="Created {record.name}. Now say what it answers for.",
    back=to("strategy_body", "body_id"),
)


def render_body(request: HttpRequest, access: Access, record: Any, **forms_: Any) -> HttpResponse:
    body = acl.access_body(access, record.pk)
    people = org_selectors.people(access)
    themes = forms.theme_choices(access)
    edit_form = forms_.get("edit_form") or forms.BodyEditForm.of(body, people=people)
    responsibility_form = forms_.get("responsibility_form") or forms.ResponsibilityForm(
        themes=themes
    )
    missing = selectors.missing_authorities(body)
    held = set(body.authorities)
    return page(
        request,
        access,
        "body.html",
        {
            "body": body,
            "missing": authority_labels(missing),
            "authorities": [(label, value in held) for value, label in Authority.choices],
            "responsibilities": [
                (
                    item,
                    [
                        (selectors.authority_label(need), need in held)
                        for need in selectors.NEEDED_AUTHORITIES.get(item.kind, ())
                    ],
                )
                for item in body.responsibilities.all()
            ],
            "decisions": body.decisions.all()[:RECENT_DECISIONS],
            "edit_form": edit_form,
            "responsibility_form": responsibility_form,
        },
        edit_form,
        responsibility_form,
    )


body_page = RecordPage(
    acl.access_body, render_body, back=to("strategy_body", "body_id"), reread=False
)
body = body_page.edit(
    forms.BodyEditForm, services.update_body, with_access=True, said="Saved {record.name}."
)


body_delete = delete_view(
    acl.access_body, services.delete_body, said="Deleted {record.name}.", back=to("strategy_bodies")
)


responsibility_add = body_page.form(
    forms.ResponsibilityForm,
    services.add_responsibility,
    "responsibility_form",
    with_access=True,
    said="{record.name} now answers for this.",
)
responsibility_delete = body_page.child_delete(
    acl.access_responsibility, services.delete_responsibility, said="Removed the responsibility."
)


# Decisions ---------------------------------------------------------------------------------


def decider_querysets(access: Access) -> dict[str, Any]:
    return {"bodies": selectors.bodies(access), "people": org_selectors.people(access)}


def logged(decision: Decision) -> str:
    note = " Owners and admins were notified." if decision.concerns_leadership else ""
    return f"Logged “{decision.title}”.{note}"


def render_decisions(
    request: HttpRequest, access: Access, form: forms.DecisionForm | None = None
) -> HttpResponse:
    form = form or forms.DecisionForm(**decider_querysets(access))
    status = request.GET.get("status", "")
    topic = request.GET.get("topic", "")
    listed = selectors.decisions(
        access,
        status=status if status in DecisionStatus.values else None,
        topic=topic if topic in DecisionTopic.values else None,
    )
    return page(
        request,
        access,
        "decisions.html",
        {
            "decisions": listed,
            "form": form,
            "status": status,
            "topic": topic,
            "statuses": DecisionStatus.choices,
            "topics": DecisionTopic.choices,
        },
        form,
    )


decisions = add_view(
    render_decisions,
    forms.DecisionForm,
    services.log_decision,
    options=decider_querysets,
    said=logged,
    back=to("strategy_decision", "decision_id"),
)


def render_decision(
    request: HttpRequest, access: Access, record: Decision, **forms_: Any
) -> HttpResponse:
    decision = acl.access_decision(access, record.pk)
    others = selectors.decisions(access).exclude(pk=decision.pk)
    edit_form = forms_.get("edit_form") or forms.DecisionEditForm.of(
        decision, decisions=others, **decider_querysets(access)
    )
    link_form = forms_.get("link_form") or forms.DecisionLinkForm()
    return page(
        request,
        access,
        "decision.html",
        {
            "decision": decision,
            "links": decision.links.all(),
            "supersedes": decision.supersedes.all(),
            "edit_form": edit_form,
            "link_form": link_form,
        },
        edit_form,
        link_form,
    )


decision_page = RecordPage(
    acl.access_decision, render_decision, back=to("strategy_decision", "decision_id"), reread=False
)
decision = decision_page.edit(
    forms.DecisionEditForm,
    services.update_decision,
    options=lambda access, record: {
        "decisions": selectors.decisions(access).exclude(pk=record.pk),
        **decider_querysets(access),
    },
    said="Saved “{record.title}”.",
)


decision_delete = delete_view(
    acl.access_decision,
    services.delete_decision,
    said="Deleted “{record.title}” from the log.",
    back=to("strategy_decisions"),
)


decision_link_add = decision_page.form(
    forms.DecisionLinkForm, services.add_decision_link, "link_form", said="Linked the record."
)


decision_link_delete = decision_page.child_delete(
    acl.access_decision_link, services.remove_decision_link, said="Removed the link."
)
