"""Web pages of the purpose pulse surveys: the list (and a new survey), a survey's results with
its edit form and links, the signed-in answer form, and the public page a link opens.

Thin views (STYLE §1): parse with a form, resolve records through the access helpers of
``northline.insights.surveys.selectors``, call one service or selector, render. The public page
is the one page without sign-in: the link's secret is the permission, and it shows nothing beyond
the survey's title, the organization's name, the questions and the lists to choose from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from northline.insights.models import Survey
from northline.insights.surveys import selectors, services, understanding
from northline.insights.surveys.forms import (
    AnswerForm,
    LinkForm,
    SurveyEditForm,
    SurveyForm,
    survey_fields,
)
from northline.lib import web
from northline.lib.errors import DomainError, NotFound
from northline.lib.web import made_by, org_view, post_only, render_org, status_of, submit
from northline.orgs.access import Access
from northline.orgs.forms import VersionedForm

NAV = "insights"
SUBNAV = "surveys"
PAGE_SIZE = 25
LINKS_PAGE_SIZE = 20


def survey_url(access: Access, survey: Survey) -> str:
    return reverse("insights_survey", args=[access.organization.slug, survey.pk])


to_survey = web.to("insights_survey", "survey_id")


def public_url(request: HttpRequest, slug: str, secret: str) -> str:
    return request.build_absolute_uri(reverse("insights_survey_public", args=[slug, secret]))


# The list ----------------------------------------------------------------------------------


def render_list(request: HttpRequest, access: Access, form: SurveyForm | None = None) -> Any:
    page = Paginator(selectors.surveys(access), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(survey, selectors.survey_state(survey)) for survey in page.object_list]
    if access.can_write:
        form = form or SurveyForm(access=access)
    return render_org(
        request,
        access,
        "insights/surveys/list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "state_labels": selectors.STATE_LABELS,
            "subnav": SUBNAV,
        },
        nav=NAV,
        status=status_of(form),
    )


survey_list = web.add_view(
    render_list,
    SurveyForm,
    lambda access, **data: services.create_survey(access, **survey_fields(data)),
    with_access=True,
    said="Started “{record.title}”. Share it: members answer signed in; create a link "
    "for each person without a login.",
    back=to_survey,
)


# One survey: results, edit, links ----------------------------------------------------------


def render_survey(
    request: HttpRequest,
    access: Access,
    survey: Survey,
    *,
    edit_form: SurveyEditForm | None = None,
    link_form: LinkForm | None = None,
    secret: str | None = None,
    status: int | None = None,
) -> HttpResponse:
    results = understanding.survey_results(access, survey)
    context: dict[str, Any] = {
        "survey": survey,
        "state": selectors.survey_state(survey),
        "state_labels": selectors.STATE_LABELS,
        "refusal": selectors.refusal(survey),
        "results": results,
        "component": results.component,
        "answered": selectors.has_answered(access, survey),
        "chain_rule": understanding.CHAIN_RULE,
        "echo_rule": understanding.ECHO_RULE,
        "threshold": understanding.ECHO_THRESHOLD,
        "shown_from": survey.shown_from,
        "subnav": SUBNAV,
    }
    if access.can_write:
        state_filter = request.GET.get("links", "")
        if state_filter not in selectors.LINK_STATES:
            state_filter = ""
        links = selectors.survey_links(access, survey, state=state_filter or None)
        link_page = Paginator(links, LINKS_PAGE_SIZE).get_page(request.GET.get("links_page"))
        edit_form = edit_form or SurveyEditForm.of(survey, access)
        link_form = link_form or LinkForm()
        context.update(
            {
                "edit_form": edit_form,
                "link_form": link_form,
                "version_form": VersionedForm(initial={"version": survey.version}),
                "link_page": link_page,
                "link_rows": [(link, selectors.link_state(link)) for link in link_page.object_list],
                "link_counts": selectors.link_counts(access, survey),
                "link_filter": state_filter,
                "link_states": selectors.LINK_STATES,
                "secret": secret,
                "secret_url": public_url(request, access.organization.slug, secret)
                if secret
                else None,
            }
        )
    return render_org(
        request,
        access,
        "insights/surveys/survey.html",
        context,
        nav=NAV,
        status=status or status_of(edit_form, link_form),
    )


survey = web.page_and_edit(
    selectors.access_survey,
    render_survey,
    SurveyEditForm,
    lambda access, record, *, version, **data: services.update_survey(
        access, record, version=version, **survey_fields(data)
    ),
    with_access=True,
    said="Saved “{data[title]}”.",
    back=to_survey,
)


def change_status(
    request: HttpRequest, access: Access, survey_id: int, change: Any, done: str
) -> HttpResponse:
    """Close or reopen: a button with the version; a refusal shows on the survey's page."""
    record = selectors.access_survey(access, survey_id, "write")
    form = VersionedForm(request.POST)
    if submit(form, lambda data: change(access, record, version=data["version"])):
        messages.success(request, f"“{record.title}” {done}.")
        return redirect(survey_url(access, record))
    reason = " ".join(str(error) for error in form.errors.get("__all__", []))
    messages.error(request, reason or "Reload the page and try again.")
    return render_survey(
        request, access, selectors.access_survey(access, survey_id), status=form.status
    )


@post_only
@org_view
def survey_close(request: HttpRequest, access: Access, survey_id: int) -> HttpResponse:
    return change_status(
        request, access, survey_id, services.close_survey, "is closed: it takes no more answers"
    )


@post_only
@org_view
def survey_reopen(request: HttpRequest, access: Access, survey_id: int) -> HttpResponse:
    return change_status(
        request, access, survey_id, services.reopen_survey, "is open again and takes answers"
    )


@post_only
@org_view
def link_new(request: HttpRequest, access: Access, survey_id: int) -> HttpResponse:
    record = selectors.access_survey(access, survey_id, "write")
    form = LinkForm(request.POST)
    made = made_by(form, lambda data: services.create_link(access, record, **data))
    if made is not None:
        return render_survey(request, access, record, secret=made[1])
    return render_survey(request, access, record, link_form=form)


@post_only
@org_view
def link_revoke(request: HttpRequest, access: Access, survey_id: int, link_id: int) -> HttpResponse:
    record = selectors.access_survey(access, survey_id, "write")
    link = selectors.access_survey_link(access, record, link_id, "write")
    services.revoke_link(access, link)
    messages.success(request, f"Revoked the link for “{link.label}”: it takes no answer now.")
    return redirect(survey_url(access, record) + "#links")


# Answering ---------------------------------------------------------------------------------


@org_view
def survey_answer(request: HttpRequest, access: Access, survey_id: int) -> HttpResponse:
    """The signed-in caller answers, once; any member may, viewers included."""
    record = selectors.access_survey(access, survey_id)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        organization=access.organization,
        survey=record,
        default_team=selectors.default_team(access),
    )
    if request.method == "POST" and submit(
        form, lambda _: services.answer_survey(access, record, **form.answer_fields())
    ):
        messages.success(
            request, "Thank you. Your answer is recorded; it is shown without your name."
        )
        return redirect(
            reverse("insights_survey_answer", args=[access.organization.slug, record.pk])
        )
    return render_org(
        request,
        access,
        "insights/surveys/answer.html",
        {
            "survey": record,
            "form": form,
            "answered": selectors.has_answered(access, record),
            "refusal": selectors.refusal(record),
            "subnav": SUBNAV,
        },
        nav=NAV,
        status=status_of(form),
    )


def private(response: HttpResponse) -> HttpResponse:
    """The URL is the secret: keep it out of other sites' logs and out of shared caches."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# No CSRF check: nothing here rests on a cookie or a session, only on the secret in the URL,
# which a forging site would need to know (and could then use directly). The check could not
# pass anyway: with Referrer-Policy no-referrer, browsers send "Origin: null" on the form's POST.
@csrf_exempt
def survey_public(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """No sign-in: the link's secret is the permission. Unknown → 404; revoked, expired or
    used → 410; survey closed or past its closing day → 409; each page says why."""
    if request.method not in ("GET", "POST"):
        return private(HttpResponse(status=405, headers={"Allow": "GET, POST"}))
    try:
        link = selectors.link_for_token(slug, token)
    except NotFound as error:
        return private(
            render(request, "insights/surveys/public.html", {"problem": error}, status=404)
        )
    context: dict[str, Any] = {"survey": link.survey, "shared_org": link.organization}
    problem = selectors.link_refusal(link)
    if problem is not None:
        context["problem"] = problem
        return private(
            render(request, "insights/surveys/public.html", context, status=problem.status)
        )
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        organization=link.organization,
        survey=link.survey,
    )
    if request.method == "POST":
        try:
            if submit(form, lambda _: services.answer_by_link(slug, token, **form.answer_fields())):
                context["thanks"] = True
                return private(render(request, "insights/surveys/public.html", context))
        except DomainError as error:  # the link went away between reading and answering
            context["problem"] = error
            return private(
                render(request, "insights/surveys/public.html", context, status=error.status)
            )
    context["form"] = form
    return private(render(request, "insights/surveys/public.html", context, status=status_of(form)))
