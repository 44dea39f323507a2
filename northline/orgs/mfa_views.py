"""Two-factor authentication pages (docs/security.md): the sign-in's second step, the account's
Security page, and the organization setting that requires a second factor.

The second step holds no signed-in session: after a correct password only the pending user's
id waits in the (anonymous) session, so no other address can be reached until a code is given.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.models import Device

from northline.lib.web import account_view, org_view, post_only, submit
from northline.orgs import access as acl
from northline.orgs import forms, mfa, services
from northline.orgs.access import Access
from northline.orgs.views import render_settings

# Signing in ---------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Django's sign-in; a user with an authenticator goes on to the second step instead of
    being signed in."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not mfa.has_second_factor(user):
            return super().form_valid(form)
        mfa.begin_pending(self.request, user, self.get_success_url())
        return redirect("login_verify")


@never_cache
@sensitive_post_parameters("code")
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator, or a recovery code (used once)."""
    found = mfa.pending(request)
    if found is None:
        return redirect("login")
    user, state = found
    form = forms.SecondFactorCodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            device = services.verify_second_factor(user, form.cleaned_data["code"])
            if device is not None:
                return finish_sign_in(request, user, device, state)
            # A wrong code is a failed sign-in, for whatever counts them (a lockout, the log).
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=request
            )
            if mfa.count_failure(request, state):
                messages.error(request, "Too many wrong codes. Sign in again.")
                return redirect("login")
            form.add_error("code", "That code is not right, or it was used already.")
        form.status = 422
    return render(
        request,
        "registration/login_verify.html",
        {"form": form, "username": user.get_username()},
        status=form.status,
    )


def finish_sign_in(
    request: HttpRequest, user: User, device: Device, state: dict[str, Any]
) -> HttpResponse:
    mfa.clear_pending(request)
    user.backend = state["backend"]
    auth_login(request, user)  # a new session key, as for any sign-in
    otp_login(request, device)  # request.user.is_verified() from now on
    # The address was checked by LoginView.get_success_url before it was kept here.
    return redirect(state["next"])


# The account's Security page ----------------------------------------------------------------


def render_security(
    request: HttpRequest,
    user: User,
    *,
    confirm_form: forms.SecondFactorCodeForm | None = None,
    off_form: forms.TurnOffSecondFactorForm | None = None,
    codes: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    setup = mfa.pending_authenticator(user)
    return render(
        request,
        "orgs/security.html",
        {
            "device": mfa.authenticator(user),
            "setup": setup,
            "qr_code": mfa.qr_code_svg(setup) if setup else "",
            "secret": mfa.secret_of(setup) if setup else "",
            "confirm_form": confirm_form or forms.SecondFactorCodeForm(),
            "off_form": off_form or forms.TurnOffSecondFactorForm(),
            "codes": codes,
            "codes_left": mfa.recovery_codes_left(user),
            "verified": mfa.session_verified(request.user),
            "requiring": acl.organizations_of(user).filter(require_second_factor=True),
        },
        status=status,
    )


@never_cache
@account_view
def security(request: HttpRequest) -> HttpResponse:
    return render_security(request, acl.require_user(request.user))


@post_only
@account_view
def security_setup(request: HttpRequest) -> HttpResponse:
    services.start_authenticator(acl.require_user(request.user))
    return redirect("account_security")


@post_only
@account_view
def security_confirm(request: HttpRequest) -> HttpResponse:
    user = acl.require_user(request.user)
    form = forms.SecondFactorCodeForm(request.POST)
    confirmed: list[Device] = []
    if submit(form, lambda data: confirmed.append(services.confirm_authenticator(user, **data))):
        # The code just given proves the device: this session counts as verified.
        otp_login(request, confirmed[0])
        messages.success(
            request, "Two-factor authentication is on. Create recovery codes and keep them safe."
        )
        return redirect("account_security")
    return render_security(request, user, confirm_form=form, status=form.status)


@never_cache
@post_only
@account_view
def security_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = acl.require_user(request.user)
    codes = services.create_recovery_codes(user)
    # Shown on this response only, as a new API token is: no redirect that would need to keep
    # them somewhere.
    return render_security(request, user, codes=codes)


@post_only
@account_view
def security_turn_off(request: HttpRequest) -> HttpResponse:
    user = acl.require_user(request.user)
    form = forms.TurnOffSecondFactorForm(request.POST)
    if submit(form, lambda data: services.turn_off_second_factor(user, **data)):
        messages.success(request, "Two-factor authentication is off.")
        return redirect("account_security")
    return render_security(request, user, off_form=form, status=form.status)


# The organization's requirement -------------------------------------------------------------


@post_only
@org_view
def org_second_factor(request: HttpRequest, access: Access) -> HttpResponse:
    access.require("own")
    form = forms.SecondFactorRequirementForm(request.POST)
    if submit(form, lambda data: services.update_organization(access, **data)):
        required = form.cleaned_data["require_second_factor"]
        messages.success(
            request,
            "Members now need two-factor authentication."
            if required
            else "Two-factor authentication is no longer required.",
        )
        return redirect("org_settings", slug=access.organization.slug)
    return render_settings(request, access, second_factor_form=form)
