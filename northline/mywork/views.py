"""The "My work" page: one selector, rendered."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from northline.lib.web import account_view
from northline.mywork import selectors
from northline.orgs.access import require_user


@require_safe
@account_view
def my_work(request: HttpRequest) -> HttpResponse:
    user = require_user(request.user)
    return render(request, "mywork/my_work.html", {"work": selectors.my_work(user)})
