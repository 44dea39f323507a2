"""Web pages for an engagement's alignment sessions and their commitments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from northline.lab.access import access_engagement
from northline.lab.models import AlignmentSession, Engagement
from northline.lab.pages import NAV, engagement_context
from northline.lab.sessions import calendar, forms, selectors, services
from northline.lib.exports import attachment
from northline.lib.web import (
    DomainForm,
    RecordPage,
    add_view,
    delete_view,
    edit_view,
    org_view,
    render_org,
    status_of,
    to,
)
from northline.orgs.access import Access

# Alignment sessions --------------------------------------------------------------------------


to_session = to("lab_session", "session_id")


def render_sessions(
    request: HttpRequest,
    access: Access,
    engagement: Engagement,
    form: forms.SessionForm | None = None,
) -> HttpResponse:
    form = form or forms.SessionForm(access=access)
    rows = [
        (session, selectors.not_invited(session))
        for session in selectors.sessions(access, engagement)
    ]
    return render_org(
        request,
        access,
        "lab/governance/sessions.html",
        {
            **engagement_context(access, engagement, "sessions"),
            "rows": rows,
            "form": form,
            "collaborators": selectors.regular_collaborators(engagement),
        },
        nav=NAV,
        status=status_of(form),
    )


engagement_sessions = add_view(
    render_sessions,
    forms.SessionForm,
    services.create_session,
    parent=access_engagement,
    with_access=True,
    said="Planned “{record.title}”.",
    back=to_session,
)


def render_session(
    request: HttpRequest,
    access: Access,
    session: AlignmentSession,
    *,
    edit_form: forms.SessionEditForm | None = None,
    commitment_form: forms.CommitmentForm | None = None,
) -> HttpResponse:
    edit_form = edit_form or forms.SessionEditForm.of(session, access=access)
    commitment_form = commitment_form or forms.CommitmentForm(access=access)
    commitments = [
        (commitment, forms.CommitmentDoneForm.of(commitment))
        for commitment in selectors.commitments(access, session)
    ]
    return render_org(
        request,
        access,
        "lab/governance/session.html",
        {
            **engagement_context(access, session.engagement, "sessions"),
            "session": session,
            "days": selectors.length_in_days(session.starts_on, session.ends_on),
            "not_invited": selectors.not_invited(session),
            "facilitators": list(session.facilitators.all()),
            "attendees": list(session.attendees.all()),
            "commitments": commitments,
            "edit_form": edit_form,
            "commitment_form": commitment_form,
        },
        nav=NAV,
        status=status_of(edit_form, commitment_form),
    )


session_page = RecordPage(selectors.access_session, render_session, back=to_session, reread=False)
session = session_page.edit(
    forms.SessionEditForm,
    services.update_session,
    with_access=True,
    said="Saved “{record.title}”.",
)


session_delete = delete_view(
    selectors.access_session,
    services.delete_session,
    said="Deleted “{record.title}”.",
    back=lambda access, record: redirect(
        "lab_engagement_sessions",
        slug=access.organization.slug,
        engagement_id=record.engagement_id,
    ),
)


@require_GET
@org_view
def session_ics(request: HttpRequest, access: Access, session_id: int) -> HttpResponse:
    record = selectors.access_session(access, session_id)
    host = request.get_host().split(":")[0] or "northline"
    return attachment(
        calendar.session_ics(record, host=host, with_addresses=access.can_manage),
        "text/calendar; charset=utf-8",
        f"alignment-session-{record.pk}.ics",
    )


commitment_new = session_page.form(
    forms.CommitmentForm,
    services.add_commitment,
    "commitment_form",
    with_access=True,
    said="Recorded the commitment.",
)


def back_to_session(access: Access, commitment: Any) -> HttpResponse:
    return redirect("lab_session", slug=access.organization.slug, session_id=commitment.session_id)


def commitment_not_saved(
    request: HttpRequest, access: Access, commitment: Any, form: DomainForm
) -> HttpResponse:
    """The commitment's checkbox has no place for an error: say it at the top of the page."""
    messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or "Try again.")
    return back_to_session(access, commitment)


commitment = edit_view(
    selectors.access_commitment,
    forms.CommitmentDoneForm,
    services.update_commitment,
    prefix=lambda record: f"c{record.pk}",
    said="Saved the commitment.",
    back=back_to_session,
    failed=commitment_not_saved,
)
