"""Web pages for organizations, people, teams, history and API tokens.

Each view parses its input with a form, resolves records through ``northline.orgs.access``,
calls one service or selector, and renders. Errors become responses in ``northline.lib.web``.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from northline.lib import web
from northline.lib.web import (
    account_view,
    made_by,
    maps_domain_errors,
    org_view,
    post_only,
    render_org,
    status_of,
    submit,
)
from northline.orgs import access as acl
from northline.orgs import forms, pages, selectors, services, sign_in_ways
from northline.orgs.access import Access
from northline.orgs.context import SECTIONS
from northline.orgs.history import history_rows
from northline.orgs.models import Person, Role, Team, TeamRole
from northline.orgs.worker import QueueState, queue_state

PAGE_SIZE = 50
SECTION_PROMISES = {
    "strategy": "The organization's identity (mission, vision, values), its SWOT, strategic "
    "themes and business outcomes, investment per theme, the guiding coalition and its "
    "decision log.",
    "goals": "Objectives and key results, who owns them, check-ins, and which work moves them.",
    "portfolio": "Epics with short business cases on a Kanban, WSJF ranking, stories with "
    "leading indicators, and the feedback loops that close or pivot an epic.",
    "delivery": "Features and releases, the dependency matrix of impactors and impactees, and "
    "notices to the groups a release affects.",
    "lab": "The innovation lab's engagements: qualification, the partnership agreement every "
    "party initials, training, alignment sessions, phases, graduation or pivot.",
    "insights": "Whether the organization is aligned: how strategy, goals and work connect, "
    "and where they drift apart.",
}


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def healthz_tasks(request: HttpRequest) -> JsonResponse:
    """The task queue for monitoring: how much waits, for how long, and when a worker was last
    seen. 503 when work waits and no worker has been seen for five minutes, so that a plain
    HTTP check can alert on it. Counts only: no task names, arguments or organizations."""
    state = queue_state()
    return JsonResponse(state.as_json(), status=503 if state.stuck else 200)


# Home and organizations ------------------------------------------------------------------

SLUG_RE = re.compile(r"^[a-z0-9-]{1,50}$")


@account_view
def home(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.get("org", "")
    if SLUG_RE.match(chosen):  # the organization switcher
        return redirect("org_home", slug=chosen)
    user = acl.require_user(request.user)
    organizations = list(acl.organizations_of(user))
    invitations = list(selectors.invitations_for(user))
    form = forms.OrganizationCreateForm(request.POST or None)
    if request.method == "POST":
        if submit(form, lambda data: services.create_organization(user, **data)):
            messages.success(request, f"Created {form.cleaned_data['name']}. You are its owner.")
            return redirect("org_home", slug=form.cleaned_data["slug"])
    elif len(organizations) == 1 and not invitations and "all" not in request.GET:
        return redirect("org_home", slug=organizations[0].slug)
    return render(
        request,
        "orgs/home.html",
        {"organizations": organizations, "invitations": invitations, "form": form},
        status=status_of(form),
    )


def queue_for(access: Access) -> QueueState | None:
    """The background task queue, for the owners and admins who can act when it is stuck."""
    return queue_state() if access.can_manage else None


@org_view
def org_home(request: HttpRequest, access: Access) -> HttpResponse:
    counts = selectors.overview_counts(access)
    latest = selectors.events(access)[:10]
    cards = [(key, label, SECTION_PROMISES[key]) for key, label in SECTIONS]
    return render_org(
        request,
        access,
        "orgs/org_home.html",
        {
            "counts": counts,
            "events": history_rows(access, latest),
            "cards": cards,
            "queue": queue_for(access),
        },
        nav="overview",
    )


# Settings and members --------------------------------------------------------------------


def render_settings(request: HttpRequest, access: Access, **forms_: Any) -> HttpResponse:
    """The settings page, with any refused form in place of its blank one."""
    org = access.organization
    can_grant_owner = access.can("own")
    org_form = forms_.get("org_form") or forms.OrganizationForm.of(org)
    invite_form = forms_.get("invite_form") or forms.InviteForm(can_grant_owner=can_grant_owner)
    delete_form = forms_.get("delete_form") or forms.DeleteOrganizationForm()
    # Two-factor authentication: the owners' switch (northline.orgs.mfa_views).
    second_factor_form = forms_.get("second_factor_form") or forms.SecondFactorRequirementForm.of(
        org
    )
    failed_role_form = forms_.get("role_form")
    failed_id = forms_.get("membership_id")
    members = []
    for membership in selectors.memberships(access):
        editable = access.can_manage and (can_grant_owner or membership.role != Role.OWNER)
        members.append(
            {
                "membership": membership,
                "editable": editable,
                "is_me": membership.user_id == access.user.pk,
                "error": failed_role_form if membership.pk == failed_id else None,
            }
        )
    return render_org(
        request,
        access,
        "orgs/settings.html",
        {
            "queue": queue_for(access),
            "org_form": org_form,
            "invite_form": invite_form,
            "invitations": selectors.invitations(access) if access.can_manage else [],
            "now": timezone.now(),
            "delete_form": delete_form,
            "second_factor_form": second_factor_form,
            "members": members,
            "role_choices": forms.role_choices(can_grant_owner),
            "role_error": failed_role_form,
        },
        nav="settings",
        status=status_of(org_form, invite_form, delete_form, failed_role_form, second_factor_form),
    )


@org_view
def org_settings(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render_settings(request, access)
    access.require("manage")
    form = forms.OrganizationForm(request.POST)
    if submit(form, lambda data: services.update_organization(access, **data)):
        messages.success(request, "Saved the organization's settings.")
        return redirect("org_settings", slug=access.organization.slug)
    return render_settings(request, access, org_form=form)


@post_only
@org_view
def member_invite(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("manage")
    form = forms.InviteForm(request.POST, can_grant_owner=access.can("own"))
    if submit(form, lambda data: services.invite(access, **data)):
        # The same words whether the address is new, invited already or a member's.
        messages.success(request, services.invitation_sent(form.cleaned_data["email"].lower()))
        return redirect("org_settings", slug=access.organization.slug)
    return render_settings(request, access, invite_form=form)


@post_only
@org_view
def invitation_resend(request: HttpRequest, access: Access, invitation_id: int) -> HttpResponse:
    invitation = acl.access_org_invitation(access, invitation_id)
    services.resend_invitation(access, invitation)
    messages.success(request, services.invitation_sent(invitation.email))
    return redirect("org_settings", slug=access.organization.slug)


@post_only
@org_view
def invitation_revoke(request: HttpRequest, access: Access, invitation_id: int) -> HttpResponse:
    invitation = acl.access_org_invitation(access, invitation_id)
    services.revoke_invitation(access, invitation)
    messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    return redirect("org_settings", slug=access.organization.slug)


def for_admins(find: Any) -> Any:
    """``find`` for the generic views of a record that members read and only admins change:
    any change needs the manage right."""
    return lambda access, pk, action="read": find(
        access, pk, "read" if action == "read" else "manage"
    )


member_role = web.edit_view(
    for_admins(acl.access_membership),
    forms.RoleForm,
    services.change_role,
    said=lambda membership: f"{membership.user.get_username()} is now {membership.role}.",
    back=lambda access, membership: redirect("org_settings", slug=access.organization.slug),
    failed=lambda request, access, membership, form: render_settings(
        request, access, role_form=form, membership_id=membership.pk
    ),
)


@post_only
@org_view
def member_remove(request: HttpRequest, access: Access, membership_id: int) -> HttpResponse:
    # Any member may leave; the service requires the manage right to remove someone else.
    membership = acl.access_membership(access, membership_id)
    form = forms.DomainForm(request.POST)
    if submit(form, lambda data: services.remove_member(access, membership)):
        name = membership.user.get_username()
        if membership.user_id == access.user.pk:
            messages.success(request, f"You left {access.organization.name}.")
            return redirect(reverse("home") + "?all=1")
        messages.success(request, f"Removed {name} from the organization.")
        return redirect("org_settings", slug=access.organization.slug)
    return render_settings(request, access, role_form=form, membership_id=membership.pk)


@post_only
@org_view
def org_delete(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("own")
    form = forms.DeleteOrganizationForm(request.POST)
    name = access.organization.name
    if submit(form, lambda data: services.delete_organization(access, **data)):
        messages.success(request, f"Deleted {name} and everything in it.")
        return redirect(reverse("home") + "?all=1")
    return render_settings(request, access, delete_form=form)


# Answering an invitation -------------------------------------------------------------------


def invitation_gone(request: HttpRequest, error: services.InvitationGone) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


@maps_domain_errors
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation e-mail links to; the link is the only authority it needs.

    A signed-in visitor accepts or declines with the account they are signed in with; a
    visitor without an account may create one here (username and password; the address is
    the invitation's) and is a member at once. POST is that sign-up.
    """
    record = acl.invitation_of_link(token)
    closed = record.why_closed(timezone.now())
    if closed:
        return invitation_gone(request, services.InvitationGone(closed))
    signed_in = request.user.is_authenticated
    can_sign_up = sign_in_ways.password_sign_up() and not signed_in
    form = forms.SignUpForm(request.POST or None) if can_sign_up else None
    if request.method == "POST":
        if form is None:
            return redirect("invitation", token=token)
        try:
            joined = made_by(form, lambda data: services.sign_up_and_accept(record, **data))
        except services.InvitationGone as gone:
            return invitation_gone(request, gone)
        if joined is not None:
            user, _membership = joined
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome to {record.organization.name}. You are signed in as {user}."
            )
            return redirect("org_home", slug=record.organization.slug)
    return render(
        request,
        "orgs/invitation.html",
        {"invitation": record, "token": token, "form": form},
        status=status_of(form),
    )


@post_only
@account_view
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = acl.require_user(request.user)
    record = acl.access_invitation(user, invitation_id, request.POST.get("token", ""))
    try:
        services.accept_invitation(user, record)
    except services.InvitationGone as gone:
        return invitation_gone(request, gone)
    messages.success(request, f"You joined {record.organization.name}.")
    return redirect("org_home", slug=record.organization.slug)


@post_only
@account_view
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = acl.require_user(request.user)
    record = acl.access_invitation(user, invitation_id, request.POST.get("token", ""))
    try:
        services.decline_invitation(user, record)
    except services.InvitationGone as gone:
        return invitation_gone(request, gone)
    messages.success(request, f"You declined the invitation to {record.organization.name}.")
    return redirect(reverse("home") + "?all=1")


# People ----------------------------------------------------------------------------------


def render_people(
    request: HttpRequest, access: Access, form: forms.PersonForm | None = None
) -> HttpResponse:
    form = form or forms.PersonForm()
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.people(access, query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_org(
        request,
        access,
        "orgs/people.html",
        {"page": page, "query": query, "form": form},
        nav="people",
        status=status_of(form),
    )


people = web.add_view(
    render_people,
    forms.PersonForm,
    services.create_person,
    said="Added {data[name]}.",
    back=web.to("people"),
    right="manage",
)


def role_labels(roles: list[str]) -> list[str]:
    labels = dict(TeamRole.choices)
    return [labels.get(role, role) for role in roles]


def render_person(
    request: HttpRequest,
    access: Access,
    record: Person,
    edit_form: forms.PersonEditForm | None = None,
) -> HttpResponse:
    form = edit_form or forms.PersonEditForm.of(record)
    return render_org(
        request,
        access,
        "orgs/person.html",
        {
            "person": record,
            "memberships": [
                (membership, role_labels(membership.roles))
                for membership in selectors.teams_of_person(access, record)
            ],
            "form": form,
        },
        nav="people",
        status=status_of(form),
    )


person = web.page_and_edit(
    for_admins(acl.access_person),
    render_person,
    forms.PersonEditForm,
    services.update_person,
    said="Saved {record.name}.",
    back=web.to("person", "person_id"),
    reread=False,
)
person_delete = web.delete_view(
    for_admins(acl.access_person),
    services.delete_person,
    said="Deleted {record.name}.",
    back=lambda access, record: redirect("people", slug=access.organization.slug),
)


# Teams -----------------------------------------------------------------------------------


def render_teams(
    request: HttpRequest, access: Access, form: forms.TeamForm | None = None
) -> HttpResponse:
    form = form or forms.TeamForm()
    return render_org(
        request,
        access,
        "orgs/teams.html",
        {"teams": selectors.teams(access), "form": form},
        nav="teams",
        status=status_of(form),
    )


teams = web.add_view(
    render_teams,
    forms.TeamForm,
    services.create_team,
    said="Created {data[name]}.",
    back=web.to("teams"),
    right="manage",
)


def render_team(request: HttpRequest, access: Access, team: Team, **forms_: Any) -> HttpResponse:
    """The team page, with any refused form in place of its blank one."""
    edit_form = forms_.get("edit_form") or forms.TeamEditForm.of(team)
    add_form = forms_.get("add_form") or forms.AddTeamMemberForm(people=selectors.people(access))
    failed_member_form = forms_.get("member_form")
    failed_id = forms_.get("member_id")
    members = [
        (
            member,
            failed_member_form if member.pk == failed_id else forms.TeamMemberForm.of(member),
            role_labels(member.roles),
        )
        for member in selectors.team_members(access, team)
    ]
    return render_org(
        request,
        access,
        "orgs/team.html",
        {
            "team": team,
            "edit_form": edit_form,
            "add_form": add_form,
            "members": members,
            # The team's objectives, epics, stories and incoming impacts: each app above orgs
            # registers its own section (orgs cannot import them).
            "panels": pages.record_panels(request, access, "orgs.team", team),
        },
        nav="teams",
        status=status_of(edit_form, add_form, failed_member_form),
    )


team_page = web.RecordPage(
    for_admins(acl.access_team), render_team, back=web.to("team", "team_id"), reread=False
)
team = team_page.edit(forms.TeamEditForm, services.update_team, said="Saved {record.name}.")


team_delete = web.delete_view(
    for_admins(acl.access_team),
    services.delete_team,
    said="Deleted {record.name}.",
    back=lambda access, record: redirect("teams", slug=access.organization.slug),
)


team_member_add = team_page.form(
    forms.AddTeamMemberForm,
    services.add_team_member,
    "add_form",
    options=lambda access, record: {"people": selectors.people(access)},
    said="Added {data[person].name} to {record.name}.",
)


@post_only
@org_view
def team_member(request: HttpRequest, access: Access, team_id: int, member_id: int) -> HttpResponse:
    record = acl.access_team(access, team_id, "manage")
    member = acl.access_team_member(access, record, member_id, "manage")
    form = forms.TeamMemberForm(request.POST, prefix=f"m{member.pk}")
    if submit(form, lambda data: services.update_team_member(access, member, **data)):
        messages.success(request, f"Saved {member.person.name}'s place on {record.name}.")
        return redirect("team", slug=access.organization.slug, team_id=record.pk)
    return render_team(request, access, record, member_form=form, member_id=member.pk)


team_member_remove = web.child_delete_view(
    lambda access, team_id: acl.access_team(access, team_id, "manage"),
    lambda access, team, member_id, action: acl.access_team_member(
        access, team, member_id, "manage"
    ),
    services.remove_team_member,
    # The member is read with its team (select_related): the team found above, by name.
    said="Removed {record.person.name} from {record.team.name}.",
    back=team_page.back,
)


# API tokens ------------------------------------------------------------------------------


@account_view
def tokens(request: HttpRequest) -> HttpResponse:
    user = acl.require_user(request.user)
    organizations = acl.organizations_of(user)
    form = forms.TokenForm(request.POST or None, organizations=organizations)
    secret = None
    if request.method == "POST":
        created = made_by(form, lambda data: services.create_token(user, **data))
        if created is not None:
            # The secret appears on this response only; it is stored as a digest and
            # cannot be shown again, so no redirect (which would need to keep it somewhere).
            secret = created[1]
            form = forms.TokenForm(organizations=organizations)
    return render(
        request,
        "orgs/tokens.html",
        {
            "tokens": selectors.tokens_of(user),
            "form": form,
            "sign_out_form": forms.SignOutEverywhereForm(),
            "secret": secret,
            "now": timezone.now(),
        },
        status=status_of(form),
    )


@post_only
@account_view
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = acl.require_user(request.user)
    form = forms.SignOutEverywhereForm(request.POST)
    revoke_tokens = form.is_valid() and form.cleaned_data["revoke_tokens"]
    services.sign_out_everywhere(user, revoke_tokens=revoke_tokens)
    # This browser's session went with the others: end it here too, cleanly.
    logout(request)
    messages.success(
        request,
        "You were signed out everywhere"
        + (", and your API tokens were revoked." if revoke_tokens else "."),
    )
    return redirect("login")


@post_only
@account_view
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = acl.access_token(request.user, token_id)
    services.revoke_token(acl.require_user(request.user), token)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("tokens")


@account_view
def inbox(request: HttpRequest) -> HttpResponse:
    user = acl.require_user(request.user)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "orgs/inbox.html", {"page": page, "unread_only": unread_only})


@post_only
@account_view
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them read, then go back to the inbox."""
    user = acl.require_user(request.user)
    notifications = selectors.inbox(user)
    raw_id = request.POST.get("id", "")
    if raw_id:
        if not raw_id.isdigit() or not notifications.filter(pk=raw_id).exists():
            raise Http404("No such notification.")
        notifications = notifications.filter(pk=raw_id)
    count = services.mark_read(user, notifications)
    if not raw_id:
        messages.success(request, f"Marked {count} notification{pluralize(count)} read.")
    return redirect("inbox")
