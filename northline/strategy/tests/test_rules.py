"""The authority rule of the guiding coalition (DESIGN §2.3) and who holds an authority."""

from __future__ import annotations

import datetime as dt

import pytest

from northline.orgs import services as org_services
from northline.strategy import selectors, services
from northline.strategy.models import CoalitionBody

pytestmark = pytest.mark.django_db

NEEDS = [
    ("outcome", ["fund_epics", "change_process"]),
    ("strategy", ["change_strategy"]),
    ("release_coordination", ["approve_releases"]),
    ("lab_program", ["staff_teams", "waive_gates"]),  # in Authority's order
    ("practice", ["change_process"]),
]


@pytest.mark.parametrize(("kind", "needed"), NEEDS)
def test_it_flags_a_body_without_the_authority_its_responsibility_needs(cast, kind, needed):
    access = cast.owner_access
    theme = services.create_theme(
        access, name="T", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    body = services.create_body(access, name="Board", kind="other")
    services.add_responsibility(access, body, kind=kind, theme=theme if kind == "outcome" else None)
    body = CoalitionBody.objects.get(pk=body.pk)
    assert selectors.missing_authorities(body) == needed
    assert selectors.missing_authorities_of([body]) == {body.pk: needed}


@pytest.mark.parametrize(("kind", "needed"), NEEDS)
def test_it_clears_the_flag_once_the_body_holds_what_is_needed(cast, kind, needed):
    access = cast.owner_access
    theme = services.create_theme(
        access, name="T", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    body = services.create_body(access, name="Board", kind="other", authorities=needed)
    services.add_responsibility(access, body, kind=kind, theme=theme if kind == "outcome" else None)
    body = CoalitionBody.objects.get(pk=body.pk)
    assert selectors.missing_authorities(body) == []


def test_it_names_only_what_is_missing_across_several_responsibilities():
    held = ["approve_releases", "fund_epics"]
    kinds = ["outcome", "release_coordination", "practice", "lab_program"]
    assert selectors.authorities_missing(held, kinds) == [
        "change_process",
        "staff_teams",
        "waive_gates",
    ]
    assert selectors.authorities_missing([], []) == []


def test_it_keeps_authorities_in_canonical_order_and_refuses_unknown_ones(cast):
    access = cast.owner_access
    body = services.create_body(
        access, name="LACE", kind="LACE", authorities=["waive_gates", "fund_epics", "fund_epics"]
    )
    assert body.authorities == ["fund_epics", "waive_gates"]
    from northline.lib.errors import Invalid

    with pytest.raises(Invalid, match="Unknown authority: veto"):
        services.create_body(access, name="Other", kind="other", authorities=["veto"])


def test_it_finds_the_people_who_hold_an_authority(cast):
    access = cast.owner_access
    ana = org_services.create_person(access, name="Ana")
    ben = org_services.create_person(access, name="Ben")
    cy = org_services.create_person(access, name="Cy")
    services.create_body(
        access, name="LACE", kind="LACE", authorities=["waive_gates"], members=[ana, ben]
    )
    services.create_body(access, name="VMO", kind="VMO", authorities=["fund_epics"], members=[cy])
    holders = selectors.people_holding(cast.org, "waive_gates")
    assert sorted(person.name for person in holders) == ["Ana", "Ben"]
    assert selectors.body_holding(ana, "waive_gates").name == "LACE"
    assert selectors.body_holding(cy, "waive_gates") is None
    assert selectors.body_holding(cy, "fund_epics").name == "VMO"
