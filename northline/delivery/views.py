"""Web pages of delivery: the dependency matrix, releases, features and their impacts, a team's
"what is coming at us", and the settings (webhooks, calendar feeds, default lead times).

Thin views (STYLE §1): parse with a form, resolve records through ``northline.delivery.access``,
call one service or selector, render. Every write is a plain POST form that works without
JavaScript; the pages' small script only adds conveniences (copying a secret URL).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from northline.delivery import forms, roadmap, selectors, services, webhooks
from northline.delivery.access import (
    access_calendar_feed,
    access_feature,
    access_impact,
    access_release,
    access_webhook,
)
from northline.delivery.models import Feature, Release, ReleaseStatus
from northline.lib import web
from northline.lib.errors import Conflict, StaleVersion
from northline.lib.exports import CSV, as_csv, attachment, safe
from northline.lib.exports import Cell as Value
from northline.lib.web import org_view, post_only, render_org, status_of, submit
from northline.orgs.access import Access, access_team
from northline.orgs.models import Team
from northline.strategy.access import access_theme, access_value_stream
from northline.strategy.models import Theme, ValueStream

NAV = "delivery"


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go back to, if it is a page of this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def release_url(access: Access, release: Release) -> str:
    return reverse("delivery_release", args=[access.organization.slug, release.pk])


def feature_url(access: Access, feature: Feature) -> str:
    return reverse("delivery_feature", args=[access.organization.slug, feature.pk])


to_release = web.to("delivery_release", "release_id")
to_feature = web.to("delivery_feature", "feature_id")


def team_url(access: Access, team_id: int) -> str:
    return reverse("delivery_team", args=[access.organization.slug, team_id])


def feed_address(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("delivery_calendar_feed", args=[token]))


# The matrix --------------------------------------------------------------------------------


def page_number(value: str | None) -> int:
    """``?page=``: a page of the matrix from 1; anything else (blank, not a number) is the first,
    as a filter that is not valid filters nothing."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else 1


@org_view
def matrix(request: HttpRequest, access: Access) -> HttpResponse:
    filter_form = forms.MatrixFilterForm(request.GET or None, access=access)
    ids = filter_form.ids()
    page = selectors.matrix_page(
        access,
        release_ids=ids["release"],
        team_ids=ids["team"],
        number=page_number(request.GET.get("page")),
    )
    query = urlencode(
        [(name, pk) for name, chosen in ids.items() for pk in (chosen or [])], doseq=True
    )
    api = f"/api/v1/orgs/{access.organization.slug}/delivery/matrix"
    here = reverse("delivery", args=[access.organization.slug])
    links = {
        number: f"{here}?{urlencode([*parse_qsl(query), ('page', number)])}"
        for number in range(1, page.pages + 1)
    }
    return render_org(
        request,
        access,
        "delivery/matrix.html",
        {
            **ack_context(request, access, {team.pk for team in page.teams}),
            "grid": page.rows,
            "page": page,
            "page_links": list(links.items()),
            "previous_url": links.get(page.number - 1),
            "next_url": links.get(page.number + 1),
            # Each team's pages with the link to each (none to this page), looked up here: a
            # template loop over every page for every page of every team grew as their product.
            "warnings": [
                (warning, [(n, None if n == page.number else links[n]) for n in warning.pages])
                for warning in page.warnings
            ],
            "teams": page.teams,
            "filter_form": filter_form,
            "filtering": bool(query),
            "csv_url": f"{api}.csv" + (f"?{query}" if query else ""),
            "xlsx_url": f"{api}.xlsx" + (f"?{query}" if query else ""),
        },
        nav=NAV,
    )


# Releases ----------------------------------------------------------------------------------


def render_releases(
    request: HttpRequest,
    access: Access,
    release_form: forms.ReleaseForm | None = None,
    feature_form: forms.FeatureForm | None = None,
) -> HttpResponse:
    release_form = release_form or forms.ReleaseForm()
    feature_form = feature_form or forms.FeatureForm(access=access)
    return render_org(
        request,
        access,
        "delivery/releases.html",
        {
            "releases": selectors.releases_overview(access),
            "unreleased_features": selectors.features_without_release(access),
            "release_form": release_form,
            "feature_form": feature_form,
        },
        nav=NAV,
        status=status_of(release_form, feature_form),
    )


releases = web.add_view(
    render_releases,
    forms.ReleaseForm,
    services.create_release,
    said="Planned {record.name}. Add its features below.",
    back=to_release,
    form_name="release_form",
)


def render_release(
    request: HttpRequest,
    access: Access,
    release: Release,
    *,
    edit_form: forms.ReleaseEditForm | None = None,
    decide_form: forms.DecideForm | None = None,
    feature_form: forms.FeatureForm | None = None,
) -> HttpResponse:
    grid = selectors.matrix(access, release_ids=[release.pk])
    edit_form = edit_form or forms.ReleaseEditForm.of(release)
    decide_form = decide_form or forms.DecideForm(initial={"version": release.version})
    feature_form = feature_form or forms.FeatureForm(access=access, initial={"release": release.pk})
    return render_org(
        request,
        access,
        "delivery/release.html",
        {
            "release": release,
            "features": selectors.matrix_rows(grid)[0][1] if grid.releases else [],
            "teams": grid.teams,
            "readiness": selectors.release_readiness(access, release),
            "notices": selectors.notices(access, release=release.pk)[:50],
            "being_told": selectors.teams_being_told(release),
            "edit_form": edit_form,
            "decide_form": decide_form,
            "feature_form": feature_form,
            "open": release.status in (ReleaseStatus.PLANNED, ReleaseStatus.DECIDED),
        },
        nav=NAV,
        status=status_of(edit_form, decide_form, feature_form),
    )


release = web.page_and_edit(
    access_release,
    render_release,
    forms.ReleaseEditForm,
    services.update_release,
    # The service edits the release as read under its lock, not the view's: name the new name.
    said="Saved {data[name]}.",
    back=to_release,
)


@post_only
@org_view
def release_decide(request: HttpRequest, access: Access, release_id: int) -> HttpResponse:
    record = access_release(access, release_id, "write")
    form = forms.DecideForm(request.POST)
    if submit(form, lambda data: services.decide_release(access, record, **data)):
        if form.cleaned_data["override_reason"]:
            note = "It is in the decision log with the override reason."
        else:
            note = "Every impacted team had acknowledged."
        messages.success(request, f"Decided {record.name}. {note}")
        return redirect(release_url(access, record))
    return render_release(request, access, access_release(access, release_id), decide_form=form)


def status_change(
    request: HttpRequest, access: Access, release_id: int, change: Any, done: str
) -> HttpResponse:
    """Mark released or cancel: a button with the version; a refusal is a message."""
    record = access_release(access, release_id, "write")
    form = forms.VersionOnlyForm(request.POST)
    if submit(form, lambda data: change(access, record, **data)):
        messages.success(request, f"{record.name} {done}.")
    else:
        errors = [str(error) for error in form.errors.get("__all__", [])]
        reason = " ".join(errors) or "Reload the page and try again."
        messages.error(request, f"{record.name} was not changed. {reason}")
    return redirect(release_url(access, record))


@post_only
@org_view
def release_released(request: HttpRequest, access: Access, release_id: int) -> HttpResponse:
    return status_change(request, access, release_id, services.mark_released, "is released")


@post_only
@org_view
def release_cancel(request: HttpRequest, access: Access, release_id: int) -> HttpResponse:
    return status_change(request, access, release_id, services.cancel_release, "is cancelled")


# Features and impacts ----------------------------------------------------------------------


@post_only
@org_view
def feature_new(request: HttpRequest, access: Access) -> HttpResponse:
    form = forms.FeatureForm(request.POST, access=access)
    done = web.added(
        request,
        access,
        form,
        lambda data: services.create_feature(access, **data),
        said="Added “{record.title}”. Say which teams it impacts below.",
        back=to_feature,
    )
    if done:
        return done
    if request.POST.get("from") == "release" and form.data.get("release"):
        release_id = form.data["release"]
        if str(release_id).isdigit():
            record = access_release(access, int(release_id))
            return render_release(request, access, record, feature_form=form)
    return render_releases(request, access, feature_form=form)


def render_feature(
    request: HttpRequest,
    access: Access,
    feature: Feature,
    *,
    edit_form: forms.FeatureEditForm | None = None,
    impact_form: forms.ImpactForm | None = None,
    failed_impact: tuple[int, web.DomainForm] | None = None,
) -> HttpResponse:
    cells = selectors.feature_cells(access, feature)
    impacts = [
        (
            cell,
            failed_impact[1]
            if failed_impact and failed_impact[0] == cell.impact.pk
            else forms.ImpactEditForm.of(cell.impact),
        )
        for cell in cells
    ]
    edit_form = edit_form or forms.FeatureEditForm.of(feature, access=access)
    impact_form = impact_form or forms.ImpactForm(access=access)
    return render_org(
        request,
        access,
        "delivery/feature.html",
        {
            "feature": feature,
            "impacts": impacts,
            "edit_form": edit_form,
            "impact_form": impact_form,
            "here": request.path,
            **ack_context(request, access, {cell.impact.team_id for cell in cells}),
        },
        nav=NAV,
        status=status_of(edit_form, impact_form, failed_impact[1] if failed_impact else None),
    )


feature = web.page_and_edit(
    access_feature,
    render_feature,
    forms.FeatureEditForm,
    services.update_feature,
    with_access=True,
    said="Saved “{data[title]}”.",
    back=to_feature,
)


def after_feature(access: Access, record: Feature) -> HttpResponse:
    """Back to the deleted feature's release, or to the releases."""
    if record.release_id is not None:
        return redirect(
            "delivery_release", slug=access.organization.slug, release_id=record.release_id
        )
    return redirect("delivery_releases", slug=access.organization.slug)


feature_delete = web.delete_view(
    access_feature,
    services.delete_feature,
    said="Deleted “{record.title}” and its impacts.",
    back=after_feature,
)


@post_only
@org_view
def impact_new(request: HttpRequest, access: Access, feature_id: int) -> HttpResponse:
    record = access_feature(access, feature_id, "write")
    form = forms.ImpactForm(request.POST, access=access)
    if submit(form, lambda data: services.add_impact(access, record, **data)):
        team = form.cleaned_data["team"]
        role = form.cleaned_data["role"]
        told = " It has been sent a notice." if role == "impactee" else ""
        messages.success(request, f"Added the impact on {team.name}.{told}")
        return redirect(feature_url(access, record) + "#impacts")
    return render_feature(request, access, record, impact_form=form)


impact = web.edit_view(
    access_impact,
    forms.ImpactEditForm,
    services.update_impact,
    said="Saved the impact on {record.team.name}.",
    back=lambda access, record: redirect(
        feature_url(access, record.feature) + f"#impact-{record.pk}"
    ),
    failed=lambda request, access, record, form: render_feature(
        request, access, access_feature(access, record.feature_id), failed_impact=(record.pk, form)
    ),
)
impact_remove = web.delete_view(
    access_impact,
    services.remove_impact,
    said="Removed the impact on {record.team.name}.",
    back=lambda access, record: redirect(feature_url(access, record.feature) + "#impacts"),
)


def acknowledged_url(target: str, impact_id: int, outcome: str) -> str:
    """``target`` with ``?<outcome>=<impact id>`` and the impact's anchor: the page shows its
    confirmation (``acknowledged``) or refusal (``changed``) beside that impact."""
    parts = urlsplit(target)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in ACK_OUTCOMES
    ]
    query.append((outcome, str(impact_id)))
    return urlunsplit(("", "", parts.path, urlencode(query), f"impact-{impact_id}"))


ACK_OUTCOMES = ("acknowledged", "changed")


def ack_outcome(request: HttpRequest) -> dict[str, int | None]:
    """Which impact the page just acknowledged, or refused to as changed since it was read."""
    found: dict[str, int | None] = {}
    for name in ACK_OUTCOMES:
        raw = request.GET.get(name, "")
        found[f"just_{name}"] = int(raw) if raw.isdigit() else None
    return found


def ack_context(request: HttpRequest, access: Access, team_ids: set[int]) -> dict[str, Any]:
    """What the acknowledge buttons of a page need: the teams the caller may acknowledge for,
    the page to come back to, and the outcome of the last acknowledgement."""
    query = [
        (name, value)
        for name, values in request.GET.lists()
        for value in values
        if name not in ACK_OUTCOMES
    ]
    return {
        "ack_teams": selectors.teams_acknowledged_by(access, team_ids),
        "ack_next": request.path + (f"?{urlencode(query)}" if query else ""),
        **ack_outcome(request),
    }


@post_only
@org_view
def acknowledge(request: HttpRequest, access: Access, impact_id: int) -> HttpResponse:
    """The one acknowledge action of every page (a team's pages, the matrix, the feature):
    back to ``next`` if it is of this site, the impact marked there."""
    record = access_impact(access, impact_id, "write")
    back = safe_next(request, team_url(access, record.team_id))
    form = forms.VersionOnlyForm(request.POST)
    try:
        if not form.is_valid():
            raise StaleVersion("The page was out of date. Read the impact again, then acknowledge.")
        services.acknowledge(access, record, version=form.cleaned_data["version"])
    except StaleVersion as error:
        messages.error(request, f"Not acknowledged. {error.message}")
        return redirect(acknowledged_url(back, record.pk, "changed"))
    except Conflict as error:
        messages.error(request, f"Not acknowledged. {error.message}")
        return redirect(acknowledged_url(back, record.pk, "acknowledged"))
    messages.success(
        request, f"{record.team.name} acknowledged “{record.feature.title}”. Thank you."
    )
    return redirect(acknowledged_url(back, record.pk, "acknowledged"))


# Teams -------------------------------------------------------------------------------------


def render_team(
    request: HttpRequest,
    access: Access,
    team_id: int,
    *,
    lead_form: forms.LeadTimeForm | None = None,
    feed_form: forms.TeamFeedForm | None = None,
    feed_url: str | None = None,
) -> HttpResponse:
    team = access_team(access, team_id)
    lead_time = selectors.team_lead_time(access, team)
    lead_form = lead_form or forms.LeadTimeForm(initial={"days": lead_time.days})
    feed_form = feed_form or forms.TeamFeedForm(initial={"label": f"{team.name} releases"})
    return render_org(
        request,
        access,
        "delivery/team.html",
        {
            "team": team,
            "upcoming": selectors.upcoming_for_team(access, team),
            "lead_time": lead_time,
            **ack_context(request, access, {team.pk}),
            "feeds": selectors.team_calendar_feeds(access, team),
            "lead_form": lead_form,
            "feed_form": feed_form,
            "feed_url": feed_url,
            "here": request.path,
        },
        nav=NAV,
        status=status_of(lead_form, feed_form),
    )


@org_view
def team(request: HttpRequest, access: Access, team_id: int) -> HttpResponse:
    return render_team(request, access, team_id)


@post_only
@org_view
def team_lead_time(request: HttpRequest, access: Access, team_id: int) -> HttpResponse:
    record = access_team(access, team_id, "write")
    form = forms.LeadTimeForm(request.POST)
    if submit(form, lambda data: services.set_lead_time(access, record, **data)):
        messages.success(request, f"{record.name} needs {form.cleaned_data['days']} days' notice.")
        return redirect(team_url(access, record.pk) + "#lead-time")
    return render_team(request, access, team_id, lead_form=form)


@post_only
@org_view
def team_feed(request: HttpRequest, access: Access, team_id: int) -> HttpResponse:
    record = access_team(access, team_id, "write")
    form = forms.TeamFeedForm(request.POST)
    made = web.made_by(
        form, lambda data: services.create_calendar_feed(access, team=record, **data)
    )
    if made is not None:
        # The secret URL appears on this response only (its token is stored as a digest),
        # so no redirect.
        return render_team(request, access, team_id, feed_url=feed_address(request, made[1]))
    return render_team(request, access, team_id, feed_form=form)


# Settings ----------------------------------------------------------------------------------


def render_settings(
    request: HttpRequest,
    access: Access,
    *,
    webhook_form: forms.WebhookForm | None = None,
    feed_form: forms.CalendarFeedForm | None = None,
    lead_times_form: forms.LeadTimesForm | None = None,
    secret: tuple[str, str] | None = None,
    feed_url: str | None = None,
) -> HttpResponse:
    lead_times = selectors.lead_times(access)
    webhook_form = webhook_form or forms.WebhookForm()
    feed_form = feed_form or forms.CalendarFeedForm(access=access)
    lead_times_form = lead_times_form or forms.LeadTimesForm(teams=lead_times)
    return render_org(
        request,
        access,
        "delivery/settings.html",
        {
            "webhooks": selectors.webhooks_with_log(access),
            "private_targets_allowed": webhooks.private_allowed(),
            "feeds": selectors.calendar_feeds(access),
            "webhook_form": webhook_form,
            "feed_form": feed_form,
            "lead_times_form": lead_times_form,
            "secret": secret,
            "feed_url": feed_url,
        },
        nav=NAV,
        status=status_of(webhook_form, feed_form, lead_times_form),
    )


@org_view
def settings(request: HttpRequest, access: Access) -> HttpResponse:
    return render_settings(request, access)


def settings_url(access: Access, anchor: str) -> str:
    return reverse("delivery_settings", args=[access.organization.slug]) + f"#{anchor}"


@post_only
@org_view
def webhook_new(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("manage")
    form = forms.WebhookForm(request.POST)
    hook = web.made_by(form, lambda data: services.create_webhook(access, **data))
    if hook is not None:
        # The signing secret is shown with this response only; the page never repeats it.
        return render_settings(request, access, secret=(hook.url, hook.secret))
    return render_settings(request, access, webhook_form=form)


webhook_delete = web.delete_view(
    # Deleting a webhook needs manage, not write.
    lambda access, webhook_id, mode: access_webhook(access, webhook_id, "manage"),
    services.delete_webhook,
    said="Deleted the webhook to {record.url}.",
    back=lambda access, record: redirect(settings_url(access, "webhooks")),
)


@post_only
@org_view
def webhook_ping(request: HttpRequest, access: Access, webhook_id: int) -> HttpResponse:
    record = access_webhook(access, webhook_id, "manage")
    services.ping_webhook(access, record)
    messages.success(request, f"Sent a test event to {record.url}; see its delivery log.")
    return redirect(settings_url(access, f"webhook-{record.pk}"))


@post_only
@org_view
def feed_new(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("write")
    form = forms.CalendarFeedForm(request.POST, access=access)
    made = web.made_by(form, lambda data: services.create_calendar_feed(access, **data))
    if made is not None:
        return render_settings(request, access, feed_url=feed_address(request, made[1]))
    return render_settings(request, access, feed_form=form)


@post_only
@org_view
def feed_revoke(request: HttpRequest, access: Access, feed_id: int) -> HttpResponse:
    record = access_calendar_feed(access, feed_id, "write")
    services.revoke_calendar_feed(access, record)
    messages.success(request, f"Revoked “{record.label}”: its address no longer works.")
    back = settings_url(access, "feeds")
    if record.team_id is not None and request.POST.get("from") == "team":
        back = team_url(access, record.team_id) + "#calendar"
    return redirect(back)


@post_only
@org_view
def lead_times(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("write")
    current = selectors.lead_times(access)
    form = forms.LeadTimesForm(request.POST, teams=current)

    def save(data: dict[str, Any]) -> None:
        for row in current:
            wanted = data[f"team_{row.team.pk}"]
            if wanted != row.days:
                services.set_lead_time(access, row.team, days=wanted)

    if submit(form, save):
        messages.success(request, "Saved the teams' lead times.")
        return redirect(settings_url(access, "lead-times"))
    return render_settings(request, access, lead_times_form=form)


# The roadmap -------------------------------------------------------------------------------

ROADMAP_FILTERS = ("team", "theme", "value_stream", "from", "quarters", "group")


def roadmap_id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(f"No such {name.replace('_', ' ')}.")
    return int(raw)


def roadmap_request(request: HttpRequest, access: Access) -> tuple[roadmap.Window, roadmap.Filters]:
    """The window and filters a roadmap URL asks for; 404 for an id that is not of this
    organization (the same answer as for one that does not exist) or a malformed window."""
    filters = roadmap.Filters()
    if (team_id := roadmap_id(request, "team")) is not None:
        filters.team = access_team(access, team_id)
    if (theme_id := roadmap_id(request, "theme")) is not None:
        filters.theme = access_theme(access, theme_id)
    if (stream_id := roadmap_id(request, "value_stream")) is not None:
        filters.value_stream = access_value_stream(access, stream_id)
    start: dt.date | None = None
    if raw := request.GET.get("from", ""):
        try:
            start = dt.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise Http404("The window starts at a month written YYYY-MM.") from None
    quarters = roadmap_id(request, "quarters")
    if quarters is not None and not 1 <= quarters <= roadmap.MAX_QUARTERS:
        raise Http404(f"A roadmap shows 1 to {roadmap.MAX_QUARTERS} quarters.")
    return roadmap.window_of(start, quarters, timezone.localdate()), filters


def roadmap_query(request: HttpRequest, *, start: dt.date | None = None) -> str:
    """The current filters as a query string, the window moved to ``start`` if given."""
    params = {name: request.GET[name] for name in ROADMAP_FILTERS if request.GET.get(name)}
    if start is not None:
        params["from"] = f"{start:%Y-%m}"
    return urlencode(params)


def build_roadmap(request: HttpRequest, access: Access, *, capped: bool) -> roadmap.Roadmap:
    window, filters = roadmap_request(request, access)
    return roadmap.build(
        access,
        window,
        filters,
        today=timezone.localdate(),
        group_by="theme" if request.GET.get("group") == "theme" else "team",
        expanded=request.GET.get("more", ""),
        capped=capped,
    )


@require_safe
@org_view
def roadmap_page(request: HttpRequest, access: Access) -> HttpResponse:
    plan = build_roadmap(request, access, capped=True)
    window = plan.window
    base = reverse("delivery_roadmap", args=[access.organization.slug])
    return render_org(
        request,
        access,
        "delivery/roadmap.html",
        {
            "plan": plan,
            "teams": Team.objects.filter(organization=access.organization).order_by("name"),
            "themes": Theme.objects.filter(organization=access.organization).order_by("name"),
            "streams": ValueStream.objects.filter(organization=access.organization).order_by(
                "name"
            ),
            "chosen": {name: request.GET.get(name, "") for name in ROADMAP_FILTERS},
            "query": roadmap_query(request),
            "base": base,
            "previous_url": f"{base}?{roadmap_query(request, start=window.previous)}",
            "next_url": f"{base}?{roadmap_query(request, start=window.next)}",
            "columns": len(window.months),
        },
        nav=NAV,
    )


@require_safe
@org_view
def roadmap_csv(request: HttpRequest, access: Access) -> HttpResponse:
    plan = build_roadmap(request, access, capped=False)
    rows: list[list[Value]] = [
        ["kind", "title", "team", "theme", "start", "end", "state", "late/at risk", "URL"]
    ]
    for item in plan.items:
        rows.append(
            [
                safe(value)
                for value in (
                    item.kind,
                    item.title,
                    item.team,
                    item.theme,
                    item.start,
                    item.end,
                    item.state,
                    item.flag_label,
                    request.build_absolute_uri(item.url),
                )
            ]
        )
    name = f"{access.organization.slug}-roadmap-{plan.window.start:%Y-%m}.csv"
    return attachment(as_csv(rows), CSV, name)


@require_safe
@org_view
def roadmap_ics(request: HttpRequest, access: Access) -> HttpResponse:
    plan = build_roadmap(request, access, capped=False)
    calendar = roadmap.calendar_of(access.organization, plan, request.build_absolute_uri)
    name = f"{access.organization.slug}-roadmap-{plan.window.start:%Y-%m}.ics"
    return attachment(calendar.to_ical(), "text/calendar; charset=utf-8", name)
