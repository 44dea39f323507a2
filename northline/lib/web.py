"""View helpers: the one place where domain errors become web responses (STYLE §4).

``NotFound`` → 404, ``Forbidden`` → 403, ``NotAuthenticated`` → the sign-in page. ``Invalid``
and ``Conflict`` raised while saving a form go back onto the form (:func:`submit`): the message at
the top, each field's message next to the field, with status 422 or 409, and nothing saved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from northline.lib.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotAuthenticated,
    NotFound,
    SecondFactorRequired,
)
from northline.lib.text import control_character_problem

View = Callable[..., HttpResponse]


class DomainForm(forms.Form):
    """A form that can carry a service's refusal, and the HTTP status to render it with."""

    # A service's field name → this form's field name, where they differ.
    error_aliases: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.status = 200

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The same rule as the API's (northline.lib.schemas): no control characters in text.
        for name, value in list(cleaned.items()):
            problem = control_character_problem(value) if isinstance(value, str) else None
            if problem:
                self.add_error(name, problem)
        return cleaned

    def add_domain_error(self, error: DomainError) -> None:
        self.status = error.status
        self.add_error(None, error.message)
        for name, message in error.fields.items():
            field = self.error_aliases.get(name, name)
            if field in self.fields and not self.fields[field].widget.is_hidden:
                self.add_error(field, message)
            # A hidden field (the version) has no place to show a message: the one at the top
            # already says what to do.


class DateInput(forms.DateInput):
    """A date field's input as the browser's date picker (``<input type="date">``)."""

    input_type = "date"


def submit(form: DomainForm, save: Callable[[dict[str, Any]], Any]) -> bool:
    """Validate ``form`` and call ``save(cleaned_data)``; on refusal keep the errors on the form.

    Returns True when the service accepted the change. Services run in one transaction, so a
    refusal leaves nothing written.
    """
    if not form.is_valid():
        form.status = 422
        return False
    try:
        save(form.cleaned_data)
    except (Invalid, Conflict) as error:
        form.add_domain_error(error)
        return False
    return True


def made_by[T](form: DomainForm, create: Callable[[dict[str, Any]], T]) -> T | None:
    """:func:`submit` for a service that makes something: what ``create(cleaned_data)`` made
    (a record, or a record and its secret), or None when the form was refused."""
    made: list[T] = []
    if submit(form, lambda data: made.append(create(data))):
        return made[0]
    return None


def status_of(*forms_: DomainForm | None) -> int:
    """The status of a page that re-renders forms: the first refused form's, else 200."""
    return next((form.status for form in forms_ if form is not None and form.status != 200), 200)


def maps_domain_errors(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except SecondFactorRequired as error:
            # Two-factor authentication: the organization requires it; its pages wait for it.
            messages.warning(request, error.message)
            return redirect("account_security")
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except (Invalid, Conflict) as error:
            # Refusals outside a form (a button with no fields): show the message plainly.
            return render(request, "error.html", {"error": error}, status=error.status)

    return wrapper


def account_view(view: View) -> View:
    """A signed-in user's own page (no organization)."""
    return login_required(maps_domain_errors(view))


# (user, organization slug) → the caller's Access. lib imports no app (DESIGN §5): the orgs app
# sets its ``access_organization`` here from its AppConfig.ready.
AccessResolver = Callable[[Any, str], Any]
_resolve_access: AccessResolver | None = None


def enter_organizations_with(resolver: AccessResolver) -> None:
    """Set how :func:`org_view` turns the signed-in user and the URL's slug into an Access."""
    global _resolve_access
    _resolve_access = resolver


def resolve_access(user: Any, slug: str) -> Any:
    if _resolve_access is None:
        raise ImproperlyConfigured("org_view needs the orgs app: it sets the access resolver.")
    return _resolve_access(user, slug)


def post_only(view: View) -> View:
    """A button's target: it takes POST, and is never a page of its own (post/redirect/get).

    A GET of it (a reload of a refused form, a link, a revisited address) goes to the page the
    button belongs to: the nearest enclosing address that is a page (``/releases/5/decide/`` →
    ``/releases/5/``). The answer depends on the address alone, the same for every caller, so it
    tells nobody anything; the anonymous visitor is first asked to sign in, as on any page.
    While a POST is answered with a re-rendered page (a refused form), ``request.page_address``
    names that page, and the browser shows it in the address bar (base.html, northline.js), so a
    reload shows the record instead of resubmitting or reaching this target by GET.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            request.page_address = page_of(request.path_info)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["POST"])
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return redirect(page_of(request.path_info), permanent=False)

    wrapper.post_only = True  # type: ignore[attr-defined]
    return wrapper


def page_of(path: str) -> str:
    """The nearest enclosing address of ``path`` that is a page (not a button's target)."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) + "/"
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if not getattr(match.func, "post_only", False):
            return candidate
    return "/"


def org_view(view: View) -> View:
    """A page of one organization: ``view(request, access, …)`` with the caller's Access.

    The resolver (orgs' ``access_organization``) answers 404 to anyone who is not a member,
    exactly as for an organization that does not exist.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        access = resolve_access(request.user, slug)
        return view(request, access, *args, **kwargs)

    return login_required(maps_domain_errors(wrapper))


def render_org(
    request: HttpRequest,
    access: Any,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    nav: str,
    status: int = 200,
) -> HttpResponse:
    """Render a page of the organization's shell; ``nav`` marks the current navigation item."""
    page = {"access": access, "org": access.organization, "nav": nav, **(context or {})}
    return render(request, template, page, status=status)


# Generic edges -------------------------------------------------------------------------------
#
# The plain POST pages of a record (edit one row, delete one row, add one) all do the same:
# find the record for writing (404 / 403 through the app's access function), call the service
# through the form, say what happened, go back; or re-render the page with the refused form.
# Apps declare them once with these factories; custom actions stay explicit views.

Find = Callable[..., Any]  # find(access, pk, mode) → the record
Said = str | Callable[[Any], str]  # a message, or record → message
Back = Callable[[Any, Any], HttpResponse]  # (access, record) → the redirect after success
Failed = Callable[[HttpRequest, Any, Any, DomainForm], HttpResponse]  # re-render with the form


def _said(said: Said, record: Any, data: dict[str, Any] | None = None) -> str:
    """``said`` of the record; a format string may also name the form's cleaned ``data`` (the
    new name of a record a service re-read under its lock: ``"Saved {data[name]}."``)."""
    return said(record) if callable(said) else said.format(record=record, data=data or {})


def to(name: str, param: str = "") -> Back:
    """Back to the organization's page ``name`` after a change; ``param`` names the URL's id of
    the record, when the page is the record's own (``to("strategy_theme", "theme_id")``)."""

    def back(access: Any, record: Any) -> HttpResponse:
        ids = {param: record.pk} if param else {}
        return redirect(name, slug=access.organization.slug, **ids)

    return back


def added(
    request: HttpRequest,
    access: Any,
    form: DomainForm,
    create: Callable[[dict[str, Any]], Any],
    *,
    said: Said,
    back: Back,
    right: str = "write",
) -> HttpResponse | None:
    """The POST of a page that adds a record: the caller needs ``right`` (else 403),
    ``create(cleaned_data)`` through the form, say ``said`` of the new record and go ``back``;
    None when the form was refused, for the caller to render its page again with ``form``."""
    access.require(right)
    if (record := made_by(form, create)) is not None:
        messages.success(request, _said(said, record, form.cleaned_data))
        return back(access, record)
    return None


def add_view(
    render: Callable[..., HttpResponse],
    form_class: type[DomainForm],
    create: Callable[..., Any],
    *,
    said: Said,
    back: Back,
    form_name: str = "form",
    with_access: bool = False,
    options: Callable[[Any], dict[str, Any]] | None = None,
    right: str = "write",
    parent: Find | None = None,
) -> View:
    """A page that lists records and adds one with its form: any method but POST shows
    ``render(request, access)``; POST calls ``create(access, **cleaned data)`` through
    :func:`added`, or shows the page with the refused form as ``form_name``. The form gets
    ``access=`` with ``with_access`` and ``options(access)`` (its choices); adding needs
    ``right``. With ``parent``, the page lists the children of the record named by the URL's one
    id (an engagement's sessions): ``parent(access, pk)`` finds it for reading, and ``render``
    and ``create`` take it after ``access``."""

    @org_view
    def view(request: HttpRequest, access: Any, **ids: Any) -> HttpResponse:
        under = (parent(access, _the_id(ids)),) if parent is not None else ()
        if request.method != "POST":
            return render(request, access, *under)
        arguments: dict[str, Any] = {"access": access} if with_access else {}
        if options is not None:
            arguments.update(options(access))
        form = form_class(request.POST, **arguments)
        return added(
            request,
            access,
            form,
            lambda data: create(access, *under, **data),
            said=said,
            back=back,
            right=right,
        ) or render(request, access, *under, **{form_name: form})

    return view


# A refused form of one row on a page that lists many (kind of form, the row's id, the form),
# shown in the row's place instead of a fresh one.
RefusedRow = tuple[str, int, DomainForm]


def row_form[F: DomainForm](failed: RefusedRow | None, kind: str, pk: int, fresh: F) -> F:
    """``fresh``, or the refused form of this row when the page is shown again for it."""
    if failed is not None and failed[0] == kind and failed[1] == pk:
        return failed[2]  # type: ignore[return-value]
    return fresh


def row_forms[F: DomainForm](
    failed: RefusedRow | None, kind: str, records: Iterable[Any], fresh: Callable[[Any], F]
) -> list[tuple[Any, F]]:
    """Each record with its ``kind`` form: ``fresh(record)``, or the refused one of that row
    (:func:`row_form`)."""
    return [(record, row_form(failed, kind, record.pk, fresh(record))) for record in records]


def shown_again(render: Callable[..., HttpResponse], kind: str) -> Failed:
    """Render the page again (``render(request, access, failed=…)``) with the refused form in
    place of the record's ``kind`` form."""

    def failed(request: HttpRequest, access: Any, record: Any, form: DomainForm) -> HttpResponse:
        return render(request, access, failed=(kind, record.pk, form))

    return failed


def again(render: Callable[..., HttpResponse], form_name: str, fresh: Find | None = None) -> Failed:
    """Render the record's page (``render(request, access, record, …)``) again with the refused
    form in place of ``form_name``; ``fresh(access, pk)`` reads the record anew for the page
    where the refused service may have changed the one it was given."""

    def failed(request: HttpRequest, access: Any, record: Any, form: DomainForm) -> HttpResponse:
        shown = fresh(access, record.pk) if fresh is not None else record
        return render(request, access, shown, **{form_name: form})

    return failed


def record_page(
    find: Find, render: Callable[[HttpRequest, Any, Any], HttpResponse], edit: View
) -> View:
    """A record's page and its edit form at one URL: POST goes to ``edit`` (an
    :func:`edit_view`); any other method finds the record and shows ``render(request, access,
    record)``."""

    @org_view
    def show(request: HttpRequest, access: Any, **ids: Any) -> HttpResponse:
        return render(request, access, find(access, _the_id(ids)))

    # This address is the record's page, not a button's target: its POST runs the edit without
    # post_only, which would name the enclosing page (the list) for the address bar.
    post = edit.__wrapped__ if getattr(edit, "post_only", False) else edit  # type: ignore[attr-defined]

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return (post if request.method == "POST" else show)(request, *args, **kwargs)

    return view


def _the_id(ids: dict[str, Any]) -> Any:
    if len(ids) != 1:
        raise ImproperlyConfigured(f"A generic record view takes one id, not {sorted(ids)}.")
    return next(iter(ids.values()))


def delete_view(find: Find, remove: Callable[[Any, Any], Any], *, said: Said, back: Back) -> View:
    """POST only: delete the record named by the URL's one id, say ``said`` and go ``back``."""

    @post_only
    @org_view
    def view(request: HttpRequest, access: Any, **ids: Any) -> HttpResponse:
        record = find(access, _the_id(ids), "write")
        remove(access, record)
        messages.success(request, _said(said, record))
        return back(access, record)

    return view


def child_delete_view(
    find: Find,
    find_child: Callable[[Any, Any, Any, str], Any],
    remove: Callable[[Any, Any], Any],
    *,
    said: Said,
    back: Back,
) -> View:
    """POST only: delete a record's child (``/bodies/3/responsibilities/7/delete/``): the
    parent found for reading, the child in it for writing; say ``said`` of the child and go
    ``back`` to the parent."""

    @post_only
    @org_view
    def view(request: HttpRequest, access: Any, **ids: Any) -> HttpResponse:
        parent_id, child_id = ids.values()
        parent = find(access, parent_id)
        child = find_child(access, parent, child_id, "write")
        remove(access, child)
        messages.success(request, _said(said, child))
        return back(access, parent)

    return view


def edit_view(
    find: Find,
    form_class: type[DomainForm],
    save: Callable[..., Any],
    *,
    said: Said,
    back: Back,
    failed: Failed,
    prefix: Callable[[Any], str] | None = None,
    with_access: bool = False,
    options: Callable[[Any, Any], dict[str, Any]] | None = None,
) -> View:
    """POST only: ``save(access, record, **cleaned data)`` from ``form_class``; on refusal
    ``failed(request, access, record, form)`` re-renders the page with the form's errors.

    ``prefix(record)`` names the form's fields when a page holds one such form per row (by
    default the form's ``row_prefix`` and the record's id);
    ``with_access`` passes ``access=`` to forms whose choices are the organization's records;
    ``options(access, record)`` gives any other arguments the form takes (its choices).
    """

    @post_only
    @org_view
    def view(request: HttpRequest, access: Any, **ids: Any) -> HttpResponse:
        record = find(access, _the_id(ids), "write")
        arguments: dict[str, Any] = {"access": access} if with_access else {}
        if prefix is not None:
            arguments["prefix"] = prefix(record)
        elif row_prefix := getattr(form_class, "row_prefix", ""):
            # The record's row on its page names its form's fields so (orgs' RecordForm).
            arguments["prefix"] = f"{row_prefix}{record.pk}"
        if options is not None:
            arguments.update(options(access, record))
        form = form_class(request.POST, **arguments)
        if submit(form, lambda data: save(access, record, **data)):
            messages.success(request, _said(said, record, form.cleaned_data))
            return back(access, record)
        return failed(request, access, record, form)

    return view


def page_and_edit(
    find: Find,
    render: Callable[..., HttpResponse],
    form_class: type[DomainForm],
    save: Callable[..., Any],
    *,
    said: Said,
    back: Back,
    reread: bool = True,
    **options: Any,
) -> View:
    """One URL for a record's page (any method but POST: ``render(request, access, record)``)
    and its edit form (POST, an :func:`edit_view` with ``options``). A refused form is shown
    as ``edit_form`` on the page, with the record as it is stored (read again unless
    ``reread`` is False, for a ``render`` that reads it again itself)."""
    edit = edit_view(
        find,
        form_class,
        save,
        said=said,
        back=back,
        failed=again(render, "edit_form", fresh=find if reread else None),
        **options,
    )
    return record_page(find, render, edit)


@dataclass(frozen=True)
class RecordPage:
    """A record's page and the forms on it, declared once: ``find(access, pk, mode)`` reads the
    record, ``render(request, access, record, **forms)`` shows its page with any refused form in
    place of a fresh one, ``back(access, record)`` is where a saved form goes.

    ``reread``: a refused edit shows the record read again, as it is stored (the refused service
    may have changed the one it was given); False where ``render`` reads it again itself.
    """

    find: Find
    render: Callable[..., HttpResponse]
    back: Back
    reread: bool = True

    def edit(
        self, form_class: type[DomainForm], save: Callable[..., Any], *, said: Said, **options: Any
    ) -> View:
        """The page at its own URL with its edit form (``edit_form``): :func:`page_and_edit`."""
        return page_and_edit(
            self.find,
            self.render,
            form_class,
            save,
            said=said,
            back=self.back,
            reread=self.reread,
            **options,
        )

    def form(
        self,
        form_class: type[DomainForm],
        save: Callable[..., Any],
        form_name: str,
        *,
        said: Said,
        back: Back | None = None,
        reread: bool = False,
        **options: Any,
    ) -> View:
        """Another form of the page, posted to a button's URL: :func:`edit_view`; a refused one
        is shown on the page as ``form_name``. ``back`` where it goes elsewhere than the page's;
        ``reread`` shows the page with the record read again, as for a refused edit."""
        failed = again(self.render, form_name, fresh=self.find if reread else None)
        return edit_view(
            self.find, form_class, save, said=said, back=back or self.back, failed=failed, **options
        )

    def child_delete(
        self,
        find_child: Callable[[Any, Any, Any, str], Any],
        remove: Callable[[Any, Any], Any],
        *,
        said: Said,
    ) -> View:
        """A button deleting a child of the record (:func:`child_delete_view`), back to the page."""
        return child_delete_view(self.find, find_child, remove, said=said, back=self.back)


@dataclass(frozen=True)
class ListPage:
    """A page that lists records, each row with its own forms, declared once: ``render(request,
    access, failed=…)`` shows it with a refused row's form in its place (:func:`row_form`);
    ``back(access, record)`` is where a saved form or a delete goes."""

    render: Callable[..., HttpResponse]
    back: Back

    def row(
        self,
        find: Find,
        form_class: type[DomainForm],
        save: Callable[..., Any],
        kind: str,
        *,
        said: Said,
        **options: Any,
    ) -> View:
        """A row's form (:func:`edit_view`); a refused one is shown as the row's ``kind`` form."""
        failed = shown_again(self.render, kind)
        return edit_view(
            find, form_class, save, said=said, back=self.back, failed=failed, **options
        )

    def add(
        self,
        form_class: type[DomainForm],
        create: Callable[..., Any],
        *,
        said: Said,
        back: Back | None = None,
        **options: Any,
    ) -> View:
        """The page itself, adding a record with its form (:func:`add_view`); ``back`` where a
        new record goes elsewhere than the list (its own page)."""
        return add_view(
            self.render, form_class, create, said=said, back=back or self.back, **options
        )

    def delete(self, find: Find, remove: Callable[[Any, Any], Any], *, said: Said) -> View:
        """A row's delete button (:func:`delete_view`), back to the list."""
        return delete_view(find, remove, said=said, back=self.back)
