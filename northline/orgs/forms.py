"""Forms that parse the pages' input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

from northline.lib.web import DomainForm
from northline.orgs.access import Access
from northline.orgs.models import Organization, Person, Role, TeamKind, TeamRole, TokenScope


class VersionedForm(DomainForm):
    """An edit form: the version the user saw travels with it (DESIGN §3, no lost updates)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def initial_of(record: Any, names: Iterable[str]) -> dict[str, Any]:
    """A form's initial values: the record's fields of these names, a foreign key by its id
    (no query) and a many-to-many field by its ids (prefetched by the page's selector)."""
    initial: dict[str, Any] = {}
    for name in names:
        try:
            field = record._meta.get_field(name)
        except FieldDoesNotExist:
            initial[name] = getattr(record, name)
            continue
        if field.many_to_many:
            initial[name] = [related.pk for related in getattr(record, name).all()]
        else:
            initial[name] = getattr(record, field.attname)
    return initial


def limit_to_org(form: forms.Form, access: Access, **querysets: Any) -> None:
    """Offer in each named choice field only the records of ``querysets`` that belong to the
    caller's organization (the services check again, so a forged id is refused either way)."""
    for name, queryset in querysets.items():
        form.fields[name].queryset = queryset.filter(organization=access.organization)  # type: ignore[attr-defined]


class RecordForm(VersionedForm):
    """An edit form whose every field, the version too, is a field of the record of that name:
    ``of(record)`` fills it in (see :func:`initial_of`)."""

    # Where a page holds one such form per record, its fields are named "<row_prefix><id>-…".
    row_prefix: ClassVar[str] = ""

    @classmethod
    def of(cls, record: Any, **options: Any) -> Self:
        if cls.row_prefix:
            options.setdefault("prefix", f"{cls.row_prefix}{record.pk}")
        return cls(initial=initial_of(record, cls.base_fields), **options)


class OrganizationCreateForm(DomainForm):
    name = forms.CharField(max_length=200)
    slug = forms.CharField(
        max_length=50,
        help_text="Lowercase letters, digits and hyphens; it appears in addresses.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OrganizationForm(RecordForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))


def role_choices(can_grant_owner: bool) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Role.choices if can_grant_owner or value != Role.OWNER
    ]


class InviteForm(DomainForm):
    email = forms.EmailField(label="E-mail", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args: Any, can_grant_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered choices follow the caller's rights; the service checks them again.
        self.fields["role"].choices = role_choices(can_grant_owner)  # type: ignore[attr-defined]


class SignUpForm(DomainForm):
    """A new account for the address an invitation was sent to (the address is not asked:
    it is the invitation's)."""

    username = forms.CharField(max_length=150, help_text="What you sign in with.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False)
    password_again = forms.CharField(
        widget=forms.PasswordInput(render_value=False), strip=False, label="Password, again"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        cleaned.pop("password_again", None)
        return cleaned


class RoleForm(VersionedForm):
    # Every role parses; the service refuses the ones this caller may not grant.
    role = forms.ChoiceField(choices=Role.choices)


class DeleteOrganizationForm(DomainForm):
    confirm_slug = forms.CharField(label="Type the organization's slug to confirm", max_length=50)


class PersonForm(DomainForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(label="E-mail", required=False)
    title = forms.CharField(required=False, max_length=200)


class PersonEditForm(PersonForm, RecordForm):
    pass


class TeamForm(DomainForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=TeamKind.choices, initial=TeamKind.PRODUCT)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TeamEditForm(TeamForm, RecordForm):
    pass


class TeamMemberFields(DomainForm):
    roles = forms.MultipleChoiceField(
        choices=TeamRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_employee = forms.BooleanField(label="Employee", required=False, initial=True)
    co_located = forms.BooleanField(label="Co-located", required=False, initial=True)


class AddTeamMemberForm(TeamMemberFields):
    error_aliases = {"person_id": "person"}
    person = forms.ModelChoiceField(queryset=Person.objects.none())

    field_order = ["person", "roles", "is_employee", "co_located"]

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]


class TeamMemberForm(TeamMemberFields, RecordForm):
    """One row of the team page: its fields are named after the membership (``m<id>-``)."""

    @classmethod
    def of(cls, record: Any, **options: Any) -> Self:
        return super().of(record, prefix=f"m{record.pk}", **options)


class TokenForm(DomainForm):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “CI export script”."
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text="The one organization the token can reach; every other answers as unknown.",
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text="Read only: the token can look but not change anything.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        help_text="After this many days the token stops working.",
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        limit = settings.NORTHLINE_TOKEN_MAX_DAYS
        days = self.fields["expires_in_days"]
        days.initial = min(settings.NORTHLINE_TOKEN_DEFAULT_DAYS, limit)
        days.max_value = limit  # type: ignore[attr-defined]
        days.help_text = f"After this many days (at most {limit}) the token stops working."


class SignOutEverywhereForm(DomainForm):
    revoke_tokens = forms.BooleanField(
        required=False,
        label="Also revoke all my API tokens",
        help_text="Scripts using them will be refused until you give them new tokens.",
    )


# Two-factor authentication (docs/security.md) -----------------------------------------------


class SecondFactorCodeForm(DomainForm):
    """A code from the authenticator app, or (at sign-in) a recovery code."""

    code = forms.CharField(
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class TurnOffSecondFactorForm(DomainForm):
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Or a code from your authenticator",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class SecondFactorRequirementForm(RecordForm):
    require_second_factor = forms.BooleanField(
        label="Require two-factor authentication",
        required=False,
        help_text="Members who have not signed in with a second factor are sent to set one up "
        "before any page of this organization; the API refuses them.",
    )
