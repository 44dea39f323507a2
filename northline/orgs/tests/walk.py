"""Records for the OpenAPI walk (northline/tests/test_openapi_walk.py): one id per path
parameter of this app's routes."""

from __future__ import annotations

from typing import Any

from northline.orgs import services
from northline.orgs.models import Invitation, Membership, Role
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    team = services.create_team(access, name="Harbour Services", kind="product")
    person = services.create_person(access, name="Nadia Quill", title="Analyst")
    member = services.add_team_member(access, team, person=person, roles=["member"])
    token, _ = services.create_token(cast.owner, name="walk", organization=cast.org)
    services.invite(access, email="walk-invitee@example.org", role="editor")
    values.update(
        org=cast.org.slug,
        team_id=team.pk,
        person_id=person.pk,
        member_id=member.pk,
        membership_id=Membership.objects.get(organization=cast.org, role=Role.EDITOR).pk,
        token_id=token.pk,
        invitation_id=Invitation.objects.get(email="walk-invitee@example.org").pk,
    )
