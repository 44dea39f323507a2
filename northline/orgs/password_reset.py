"""Password reset by e-mail: Django's own views, with three changes (docs/security.md).

* The e-mail is sent by the task worker (``tasks.email_password_reset``), which makes the link
  itself: the answer takes as long for an address with an account as for one without, and the
  queue never holds a reset link. Its link is built on NORTHLINE_BASE_URL, like every e-mail's,
  never on the Host header of the request (which a client chooses).
* Requests are throttled per e-mail address and per client address
  (NORTHLINE_PASSWORD_RESET_RATE), counted whether or not the address has an account, so the
  form cannot flood a mailbox and its answer still tells nothing about who has an account.
* Setting a new password lifts any sign-in lockout of that user: whoever holds the mailbox has
  proved more than a password would.
* Where password sign-in is off (single sign-on only), the pages are not found.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse_lazy

from northline.lib import throttle
from northline.lib.context import address_of
from northline.orgs import services, sign_in_ways
from northline.orgs.signin import log_throttled, security_log
from northline.orgs.tasks import email_password_reset


class ResetForm(auth_forms.PasswordResetForm):
    """Django's form (active users with a usable password whose address matches, ignoring
    case), whose e-mail goes through the task queue."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        email_password_reset.enqueue(context["user"].pk)


class PasswordsOn:
    """Not found where nobody signs in with a password (NORTHLINE_LOCAL_PASSWORDS off)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sign_in_ways.passwords():
            raise Http404("Password sign-in is turned off here.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class PasswordResetView(PasswordsOn, auth_views.PasswordResetView):
    form_class = ResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        rate = throttle.Rate.parse(settings.NORTHLINE_PASSWORD_RESET_RATE)
        email = form.cleaned_data["email"].strip().lower()
        waits = [
            throttle.take("password_reset_email", email, rate),
            throttle.take("password_reset_address", address_of(self.request) or "-", rate),
        ]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            log_throttled("password reset", self.request, wait)
            response = TemplateResponse(
                self.request,
                "registration/password_reset_throttled.html",
                {"wait_minutes": -(-wait // 60)},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        return super().form_valid(form)


class PasswordResetDoneView(PasswordsOn, auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        return super().get_context_data(timeout_days=days, **kwargs)


class PasswordResetConfirmView(PasswordsOn, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        security_log.warning(
            "password reset by e-mail: username=%r address=%s",
            form.user.get_username(),
            address_of(self.request),
        )
        services.unlock_sign_in(form.user, actor=form.user)
        return response
