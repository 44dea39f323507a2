"""Forms that parse the pages' input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lib.web import DomainForm
from northline.orgs.models import Organization, Person, Role, TeamKind, TeamRole


class VersionedForm(DomainForm):
    """An edit form: the version the user saw travels with it (DESIGN §3, no lost updates)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class OrganizationCreateForm(DomainForm):
    name = forms.CharField(max_length=200)
    slug = forms.CharField(
        max_length=50,
        help_text="Lowercase letters, digits and hyphens; it appears in addresses.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OrganizationForm(VersionedForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    @classmethod
    def of(cls, organization: Organization) -> OrganizationForm:
        return cls(
            initial={
                "name": organization.name,
                "description": organization.description,
                "version": organization.version,
            }
        )


def role_choices(can_grant_owner: bool) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Role.choices if can_grant_owner or value != Role.OWNER
    ]


class AddMemberForm(DomainForm):
    user = forms.CharField(label="Username or e-mail", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args: Any, can_grant_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered choices follow the caller's rights; the service checks them again.
        self.fields["role"].choices = role_choices(can_grant_owner)  # type: ignore[attr-defined]


class RoleForm(VersionedForm):
    # Every role parses; the service refuses the ones this caller may not grant.
    role = forms.ChoiceField(choices=Role.choices)


class DeleteOrganizationForm(DomainForm):
    confirm_slug = forms.CharField(label="Type the organization's slug to confirm", max_length=50)


class PersonForm(DomainForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(label="E-mail", required=False)
    title = forms.CharField(required=False, max_length=200)


class PersonEditForm(PersonForm, VersionedForm):
    @classmethod
    def of(cls, person: Person) -> PersonEditForm:
        return cls(
            initial={
                "name": person.name,
                "email": person.email,
                "title": person.title,
                "version": person.version,
            }
        )


class TeamForm(DomainForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=TeamKind.choices, initial=TeamKind.PRODUCT)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TeamEditForm(TeamForm, VersionedForm):
    @classmethod
    def of(cls, team: Any) -> TeamEditForm:
        return cls(
            initial={
                "name": team.name,
                "kind": team.kind,
                "description": team.description,
                "version": team.version,
            }
        )


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


class TeamMemberForm(TeamMemberFields, VersionedForm):
    @classmethod
    def of(cls, member: Any) -> TeamMemberForm:
        return cls(
            prefix=f"m{member.pk}",
            initial={
                "roles": member.roles,
                "is_employee": member.is_employee,
                "co_located": member.co_located,
                "version": member.version,
            },
        )


class TokenForm(DomainForm):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “CI export script”."
    )
