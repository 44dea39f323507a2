"""The signed-in person's own pages: "My work", their notification preference, and the
digests' unsubscribe link (which needs no sign-in: its signed token is the authority)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from northline.lib.errors import NotFound
from northline.lib.web import account_view, status_of, submit
from northline.mywork import selectors
from northline.mywork.forms import PreferenceForm
from northline.orgs import services as org_services
from northline.orgs.access import require_user
from northline.orgs.selectors import preference_of


@require_safe
@account_view
def my_work(request: HttpRequest) -> HttpResponse:
    user = require_user(request.user)
    return render(request, "mywork/my_work.html", {"work": selectors.my_work(user)})


@require_http_methods(["GET", "HEAD", "POST"])
@account_view
def preferences(request: HttpRequest) -> HttpResponse:
    user = require_user(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if submit(form, lambda data: org_services.set_preference(user, **data)):
            messages.success(request, "Saved.")
            return redirect("preferences")
    else:
        form = PreferenceForm.of(preference_of(user))
    return render(
        request,
        "mywork/preferences.html",
        {"form": form, "has_address": bool(user.email)},
        status=status_of(form),
    )


# A mail client's one-click unsubscribe (RFC 8058) posts here with no session and no CSRF
# token: the signed token in the address is what authorizes the change, and all it can do is
# turn the digests off for the user it names.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = org_services.user_of_unsubscribe_token(token)
        if request.method == "POST":
            org_services.unsubscribe_from_digests(token)
            return render(request, "mywork/unsubscribed.html", {"subscriber": user})
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "mywork/unsubscribe.html", {"subscriber": user, "token": token})
