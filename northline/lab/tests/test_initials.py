"""Initialing (DESIGN §2.7): only the signatory's own user; voided by an edit; executed only
when complete; a stored initial changed behind the application's back shows as tampered."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.conf import settings

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.agreements import services as agreement_services
from northline.lab.models import Initial
from northline.lab.tests.governance import make_signed, refreshed
from northline.lib.errors import Conflict, Forbidden
from northline.orgs.models import Event
from northline.testing import Cast, assert_queries_constant, signed_in


def initial_all(cast: Cast, signed) -> None:
    owner, editor = cast.owner_access, cast.access(cast.editor)
    for section in (signed.first, signed.second):
        agreement_services.initial_section(owner, section, signed.lab)
        agreement_services.initial_section(editor, section, signed.partner)


def test_it_stores_the_hash_of_the_text_as_initialed_and_a_seal(cast: Cast) -> None:
    signed = make_signed(cast)
    initial = agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    # Title, a blank line, the body, as UTF-8.
    text = "Co-location\n\nThe team works **side by side**."
    assert initial.text_sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert initial.user == cast.owner
    stored = Initial.objects.get(pk=initial.pk)
    message = (
        f"{signed.agreement.pk}|{signed.first.pk}|{signed.lab.pk}|{cast.owner.pk}|"
        f"{stored.initialed_at.isoformat()}|{stored.text_sha256}"
    )
    expected = hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()
    assert stored.seal == expected
    assert stored.initialed_at.isoformat().endswith("+00:00")


def test_it_refuses_another_user_initialing_a_signatorys_cell_and_writes_nothing(
    cast: Cast,
) -> None:
    signed = make_signed(cast)
    events = Event.objects.count()
    # The owner, though they may write everything else, cannot initial for the editor.
    with pytest.raises(Forbidden, match="Only Edith can initial Edith's cells"):
        agreement_services.initial_section(cast.owner_access, signed.first, signed.partner)
    assert Initial.objects.count() == 0
    assert Event.objects.count() == events


def test_it_refuses_it_through_the_page_too(cast: Cast) -> None:
    signed = make_signed(cast)
    url = f"/o/acme/lab/agreement-sections/{signed.first.pk}/initial/{signed.partner.pk}/"
    response = signed_in(cast.owner).post(url)
    assert response.status_code == 403
    assert Initial.objects.count() == 0
    response = signed_in(cast.editor).post(url)
    assert response.status_code == 302
    assert Initial.objects.filter(signatory=signed.partner).count() == 1


def test_it_refuses_it_through_the_api_too(cast: Cast, api_as) -> None:
    signed = make_signed(cast)
    path = f"/orgs/acme/lab/agreements/{signed.agreement.pk}/sections/{signed.first.pk}/initial"
    response = api_as(cast.owner).post(path, {"signatory_id": signed.partner.pk})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Initial.objects.count() == 0
    response = api_as(cast.editor).post(path, {"signatory_id": signed.partner.pk})
    assert response.status_code == 201
    assert response.json()["user_id"] == cast.editor.pk


def test_it_is_executed_only_when_every_required_cell_is_initialed(cast: Cast) -> None:
    signed = make_signed(cast)
    owner, editor = cast.owner_access, cast.access(cast.editor)
    agreement_services.initial_section(owner, signed.first, signed.lab)
    agreement_services.initial_section(owner, signed.second, signed.lab)
    agreement_services.initial_section(editor, signed.first, signed.partner)
    signed = refreshed(signed)
    assert signed.agreement.status == "circulating"
    grid = agreement_selectors.agreement_state(owner, signed.agreement)
    assert grid.counts == {"valid": 3, "missing": 1, "voided": 0, "tampered": 0}
    assert grid.executed is False
    agreement_services.initial_section(editor, signed.second, signed.partner)
    signed = refreshed(signed)
    assert signed.agreement.status == "executed"
    assert signed.agreement.executed_at is not None
    assert agreement_selectors.agreement_state(owner, signed.agreement).executed is True


def test_a_section_needing_no_initials_is_not_a_required_cell(cast: Cast) -> None:
    signed = make_signed(cast)
    owner = cast.owner_access
    agreement_services.add_section(
        owner, signed.agreement, title="Preamble", body="Hi.", needs_initials=False
    )
    initial_all(cast, signed)
    assert refreshed(signed).agreement.status == "executed"
    grid = agreement_selectors.agreement_state(owner, signed.agreement)
    assert len(grid.sections) == 3 and len(grid.required) == 2 and grid.total == 4


def test_editing_a_section_voids_its_initials_and_amends_the_agreement(cast: Cast) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)
    signed = refreshed(signed)
    assert signed.agreement.status == "executed"
    agreement_services.update_section(
        cast.owner_access, signed.first, version=signed.first.version, body="Mostly side by side."
    )
    signed = refreshed(signed)
    assert signed.agreement.status == "amended"
    assert signed.agreement.executed_at is None
    grid = agreement_selectors.agreement_state(cast.owner_access, signed.agreement)
    assert [cell.state for cell in grid.cells_of(signed.lab)] == ["voided", "valid"]
    assert [cell.state for cell in grid.cells_of(signed.partner)] == ["voided", "valid"]
    # The initials are kept.
    assert Initial.objects.filter(section=signed.first).count() == 2
    # Initialing the new text again executes it once more.
    agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    agreement_services.initial_section(cast.access(cast.editor), signed.first, signed.partner)
    assert refreshed(signed).agreement.status == "executed"


def test_changing_only_needs_initials_keeps_the_initials_valid(cast: Cast) -> None:
    signed = make_signed(cast)
    agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    agreement_services.update_section(
        cast.owner_access, signed.second, version=signed.second.version, needs_initials=False
    )
    agreement_services.update_section(
        cast.owner_access,
        refreshed(signed).second,
        version=signed.second.version,
        needs_initials=True,
    )
    grid = agreement_selectors.agreement_state(cast.owner_access, refreshed(signed).agreement)
    assert grid.cells[(signed.first.pk, signed.lab.pk)].state == "valid"


def test_a_new_signatory_amends_an_executed_agreement(cast: Cast) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)
    admin_person = cast.admin.people.get(organization=cast.org)
    agreement_services.add_signatory(
        cast.owner_access,
        refreshed(signed).agreement,
        person=admin_person,
        role="CIO",
        side="partner",
    )
    assert refreshed(signed).agreement.status == "amended"


def test_a_stored_initial_changed_behind_the_apps_back_is_tampered(cast: Cast) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)
    assert refreshed(signed).agreement.status == "executed"
    # Someone edits the row in the database: the hash now claims another text.
    Initial.objects.filter(section=signed.second, signatory=signed.partner).update(
        text_sha256="0" * 64
    )
    grid = agreement_selectors.agreement_state(cast.owner_access, signed.agreement)
    assert grid.cells[(signed.second.pk, signed.partner.pk)].state == "tampered"
    assert grid.counts == {"valid": 3, "missing": 0, "voided": 0, "tampered": 1}
    assert grid.executed is False
    assert grid.status_mismatch is True
    page = signed_in(cast.viewer).get(f"/o/acme/lab/agreements/{signed.agreement.pk}/")
    html = page.content.decode()
    assert "Tampered: fails its seal" in html
    assert "Not executed: 1 initial fails the seal" in html


def test_a_row_moved_to_another_user_is_tampered_and_stays_so(cast: Cast) -> None:
    signed = make_signed(cast)
    agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    Initial.objects.filter(signatory=signed.lab).update(user=cast.editor)
    grid = agreement_selectors.agreement_state(cast.owner_access, signed.agreement)
    assert grid.cells[(signed.first.pk, signed.lab.pk)].state == "tampered"
    # Initialing again would hide nothing: it is refused, and the cell stays tampered.
    with pytest.raises(Conflict, match="fails its seal"):
        agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    assert Initial.objects.filter(signatory=signed.lab).count() == 1


def test_initials_are_append_only(cast: Cast) -> None:
    signed = make_signed(cast)
    initial = agreement_services.initial_section(cast.owner_access, signed.first, signed.lab)
    with pytest.raises(TypeError, match="append-only"):
        initial.save()
    with pytest.raises(TypeError, match="append-only"):
        initial.delete()


def test_it_refuses_initialing_twice_a_draft_and_a_terminated_agreement(cast: Cast) -> None:
    signed = make_signed(cast)
    owner = cast.owner_access
    agreement_services.initial_section(owner, signed.first, signed.lab)
    with pytest.raises(Conflict, match="already initialed"):
        agreement_services.initial_section(owner, signed.first, signed.lab)
    agreement = refreshed(signed).agreement
    agreement_services.terminate(owner, agreement, version=agreement.version)
    with pytest.raises(Conflict, match="terminated"):
        agreement_services.initial_section(owner, signed.second, signed.lab)
    draft = agreement_services.create_agreement(owner, signed.engagement, title="Draft")
    section = agreement_services.add_section(owner, draft, title="A", body="B")
    signatory = agreement_services.add_signatory(
        owner, draft, person=signed.lab.person, role="Director", side="lab"
    )
    with pytest.raises(Conflict, match="draft"):
        agreement_services.initial_section(owner, section, signatory)


def test_the_grid_takes_the_same_queries_for_more_sections_and_signatories(cast: Cast) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)
    owner = cast.owner_access

    def grow() -> None:
        for index in range(4):
            agreement_services.add_section(
                owner, signed.agreement, title=f"Extra {index}", body="Text."
            )
        for user in (cast.admin, cast.viewer):
            agreement_services.add_signatory(
                owner,
                refreshed(signed).agreement,
                person=user.people.get(organization=cast.org),
                role="Witness",
                side="partner",
            )

    count = assert_queries_constant(
        lambda: agreement_selectors.agreement_state(owner, signed.agreement), grow
    )
    assert count == 3
    assert agreement_selectors.agreement_state(owner, signed.agreement).total == 6 * 4


def test_the_grid_page_takes_the_same_queries_for_more_cells(cast: Cast) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)
    client = signed_in(cast.viewer)
    url = f"/o/acme/lab/agreements/{signed.agreement.pk}/"

    def grow() -> None:
        for index in range(3):
            agreement_services.add_section(
                cast.owner_access, signed.agreement, title=f"More {index}", body="Text."
            )
        agreement_services.add_signatory(
            cast.owner_access,
            refreshed(signed).agreement,
            person=cast.admin.people.get(organization=cast.org),
            role="Witness",
            side="lab",
        )

    assert_queries_constant(lambda: client.get(url), grow)
