"""Seals across installations: an organization exported under one secret key and imported
under another keeps its executed agreements, and tampering stays detectable after the move
(docs/lab.md, "Seals and moving installations"). Also: the agreement API's status and
``executed`` say what the agreement's page says."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json

import pytest
from django.contrib.auth import get_user_model

from northline.cli import main
from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.agreements import services as agreement_services
from northline.lab.models import Agreement, Initial
from northline.lab.tests.governance import Signed, make_signed
from northline.lib.errors import Invalid
from northline.orgs.models import Event, Organization
from northline.orgs.transfer import dumps_document, export_organization, import_document
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

KEY_A = "installation-a-secret-key-for-seal-tests"
KEY_B = "installation-b-secret-key-for-seal-tests"
WRONG_KEY = "someone-elses-key"
# key_fingerprint() of each key, worked out once by hand (SHA-256 of the derived key id).
FINGERPRINT_A = "3cd20763da742afd"
FINGERPRINT_B = "60545773a82f452a"
FINGERPRINT_WRONG = "db9f869a9c28fb9d"


def initial_all(cast: Cast, signed: Signed) -> None:
    owner, editor = cast.owner_access, cast.access(cast.editor)
    for section in (signed.first, signed.second):
        agreement_services.initial_section(owner, section, signed.lab)
        agreement_services.initial_section(editor, section, signed.partner)


def two_executed_agreements(cast: Cast, settings) -> tuple[Signed, Signed]:
    """Under key A: two agreements of one engagement, each initialed by both signatories."""
    settings.SECRET_KEY = KEY_A
    first = make_signed(cast)
    initial_all(cast, first)
    second = make_signed(cast, first.engagement)
    initial_all(cast, second)
    assert set(Agreement.objects.values_list("status", flat=True)) == {"executed"}
    return first, second


def wipe_database() -> None:
    """As on a new installation: no organization, no user, no event."""
    # Agreements first: their signatories protect the people the organization's delete takes.
    Agreement.objects.all().delete()
    Organization.objects.all().delete()
    Event.objects.all()._raw_delete(Event.objects.db)
    get_user_model().objects.all().delete()


def seal_under(key: str, initial: Initial) -> str:
    message = (
        f"{initial.agreement_id}|{initial.section_id}|{initial.signatory_id}|{initial.user_id}|"
        f"{initial.initialed_at.isoformat()}|{initial.text_sha256}"
    )
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def grid_of(cast: Cast, signed: Signed) -> agreement_selectors.AgreementGrid:
    owner = get_user_model().objects.get(username="olivia")
    access = cast.access(owner)
    return agreement_selectors.agreement_state(
        access, Agreement.objects.get(pk=signed.agreement.pk)
    )


def without_seals(document: dict) -> dict:
    """The document minus what a move may change: the seals, their key's fingerprint and the
    audit events that record the re-sealing."""
    stripped = copy.deepcopy(document)
    stripped.pop("seal_key_fingerprint")
    records = []
    for record in stripped["records"]:
        if record["model"] == "orgs.event" and record["fields"]["verb"] == "resealed":
            continue
        if record["model"] == "lab.initial":
            record["fields"].pop("seal")
        records.append(record)
    stripped["records"] = records
    return stripped


def initial_record(document: dict, pk: int) -> dict:
    return next(
        record
        for record in document["records"]
        if record["model"] == "lab.initial" and record["pk"] == pk
    )


def export_with_another_text(signed: Signed) -> tuple[dict, Initial]:
    """The organization's export, edited: the partner's initial of the first section of
    ``signed`` claims another text. Returns it with that initial."""
    document = export_organization("acme")
    partner_first = Initial.objects.get(section=signed.first, signatory=signed.partner)
    initial_record(document, partner_first.pk)["fields"]["text_sha256"] = "0" * 64
    return document, partner_first


# An honest move ------------------------------------------------------------------------------


def test_it_moves_executed_agreements_to_a_new_installation_with_the_source_key(
    cast: Cast, settings
) -> None:
    first, second = two_executed_agreements(cast, settings)
    before = export_organization("acme")
    assert before["seal_key_fingerprint"] == FINGERPRINT_A
    wipe_database()
    settings.SECRET_KEY = KEY_B

    imported = import_document(before, source_key=KEY_A, source="acme.json")

    assert imported.seal_check == "verified"
    assert imported.resealed == 8
    assert imported.failures == []
    for signed in (first, second):
        grid = grid_of(cast, signed)
        assert grid.executed is True
        assert grid.counts == {"valid": 4, "missing": 0, "voided": 0, "tampered": 0}
        assert Agreement.objects.get(pk=signed.agreement.pk).status == "executed"
    for initial in Initial.objects.all():
        assert initial.seal == seal_under(KEY_B, initial)
        assert initial.seal != seal_under(KEY_A, initial)
    # One audit event per re-sealed initial, naming the import and both keys' fingerprints.
    events = Event.objects.filter(verb="resealed").order_by("id")
    assert [e.object_id for e in events] == [
        str(pk)
        for pk in Initial.objects.order_by(
            "agreement_id", "section_id", "signatory_id"
        ).values_list("pk", flat=True)
    ]
    for event in events:
        assert event.object_type == "lab.initial"
        assert event.actor is None
        assert event.actor_name == "northline import"
        assert event.changes["import"] == "acme.json"
        assert event.changes["key"] == [FINGERPRINT_A, FINGERPRINT_B]
        initial = Initial.objects.get(pk=event.object_id)
        assert event.changes["seal"] == [seal_under(KEY_A, initial), seal_under(KEY_B, initial)]
    # Everything else came over exactly, and the new installation exports under its own key.
    after = export_organization("acme")
    assert after["seal_key_fingerprint"] == FINGERPRINT_B
    assert without_seals(after) == without_seals(before)


def test_a_moved_agreement_stays_tamper_evident_under_the_new_key(cast: Cast, settings) -> None:
    first, _ = two_executed_agreements(cast, settings)
    document = export_organization("acme")
    wipe_database()
    settings.SECRET_KEY = KEY_B
    import_document(document, source_key=KEY_A)

    # After the move a row changed in the database fails its new seal, as before.
    Initial.objects.filter(section=first.first, signatory=first.partner).update(
        text_sha256="0" * 64
    )

    grid = grid_of(cast, first)
    assert grid.cells[(first.first.pk, first.partner.pk)].state == "tampered"
    assert grid.executed is False


def test_it_keeps_the_seals_on_the_same_installation(cast: Cast, settings) -> None:
    first, second = two_executed_agreements(cast, settings)
    before = export_organization("acme")
    wipe_database()

    imported = import_document(before)

    assert imported.seal_check == "verified"
    assert imported.resealed == 0
    assert imported.seals["lab.initial"].kept == 8
    assert imported.failures == []
    assert not Event.objects.filter(verb="resealed").exists()
    assert grid_of(cast, first).executed is True
    assert grid_of(cast, second).executed is True
    assert dumps_document(export_organization("acme")) == dumps_document(before)


# A tampered export ---------------------------------------------------------------------------


def test_a_tampered_export_reads_tampered_after_the_move_and_is_reported(
    cast: Cast, settings
) -> None:
    first, second = two_executed_agreements(cast, settings)
    document = export_organization("acme")
    lab_first = Initial.objects.get(section=first.first, signatory=first.lab)
    partner_second = Initial.objects.get(section=first.second, signatory=first.partner)
    # Someone edits the file: one initial now claims another text, another another user.
    initial_record(document, partner_second.pk)["fields"]["text_sha256"] = "0" * 64
    initial_record(document, lab_first.pk)["fields"]["user"] = cast.editor.pk
    wipe_database()
    settings.SECRET_KEY = KEY_B

    imported = import_document(document, source_key=KEY_A, source="acme.json")

    assert imported.failures == [
        f"agreement {first.agreement.pk} “Residency agreement”, section {first.first.pk} "
        f"“Co-location”, signatory {first.lab.pk} Olivia Owner (Lab director): "
        f"initial {lab_first.pk} fails its seal",
        f"agreement {first.agreement.pk} “Residency agreement”, section {first.second.pk} "
        f"“Openness”, signatory {first.partner.pk} Edith (Product owner): "
        f"initial {partner_second.pk} fails its seal",
    ]
    assert imported.resealed == 6
    grid = grid_of(cast, first)
    assert grid.cells[(first.first.pk, first.lab.pk)].state == "tampered"
    assert grid.cells[(first.second.pk, first.partner.pk)].state == "tampered"
    assert grid.counts == {"valid": 2, "missing": 0, "voided": 0, "tampered": 2}
    assert grid.executed is False
    assert grid.status_mismatch is True
    # The failing rows came over exactly as the file had them; the other agreement is whole.
    stored = Initial.objects.get(pk=partner_second.pk)
    assert stored.seal == partner_second.seal
    assert stored.text_sha256 == "0" * 64
    assert grid_of(cast, second).executed is True
    assert set(Event.objects.filter(verb="resealed").values_list("object_id", flat=True)) == {
        str(pk)
        for pk in Initial.objects.exclude(pk__in=[lab_first.pk, partner_second.pk]).values_list(
            "pk", flat=True
        )
    }


def test_an_initial_changed_in_the_export_of_the_same_installation_reads_tampered(
    cast: Cast, settings
) -> None:
    first, _ = two_executed_agreements(cast, settings)
    document, partner_first = export_with_another_text(first)
    wipe_database()

    imported = import_document(document)

    assert len(imported.failures) == 1
    assert imported.failures[0].endswith(f"initial {partner_first.pk} fails its seal")
    assert grid_of(cast, first).executed is False


def test_a_wrong_source_key_is_refused_and_nothing_is_written(cast: Cast, settings) -> None:
    two_executed_agreements(cast, settings)
    document = export_organization("acme")
    wipe_database()
    settings.SECRET_KEY = KEY_B

    with pytest.raises(
        Invalid,
        match=f"fingerprint {FINGERPRINT_WRONG}\\) is not the key this export was sealed with "
        f"\\(fingerprint {FINGERPRINT_A}\\); nothing was imported",
    ):
        import_document(document, source_key=WRONG_KEY)

    assert Organization.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert Event.objects.count() == 0


def test_a_wrong_key_for_an_export_without_a_fingerprint_reseals_nothing(
    cast: Cast, settings
) -> None:
    # An export made before fingerprints cannot be checked up front: every seal is verified
    # with the key given, and under a wrong key every initial fails and is reported.
    first, second = two_executed_agreements(cast, settings)
    document = export_organization("acme")
    del document["seal_key_fingerprint"]
    originals = dict(Initial.objects.values_list("pk", "seal"))
    wipe_database()
    settings.SECRET_KEY = KEY_B

    imported = import_document(document, source_key=WRONG_KEY)

    assert imported.resealed == 0
    assert len(imported.failures) == 8
    assert dict(Initial.objects.values_list("pk", "seal")) == originals
    assert not Event.objects.filter(verb="resealed").exists()
    assert grid_of(cast, first).counts["tampered"] == 4
    assert grid_of(cast, second).executed is False


def test_it_refuses_an_export_from_another_installation_without_its_key(
    cast: Cast, settings
) -> None:
    two_executed_agreements(cast, settings)
    document = export_organization("acme")
    wipe_database()
    settings.SECRET_KEY = KEY_B

    with pytest.raises(Invalid) as refused:
        import_document(document)

    assert str(refused.value) == (
        "The export's seals (8 initials) were made by another installation (key fingerprint "
        f"{FINGERPRINT_A}; this installation's is {FINGERPRINT_B}). Give that installation's "
        "secret key (--seal-key-file, or NORTHLINE_SOURCE_SECRET_KEY) to verify and re-seal "
        "them, or accept them unverified (--unverified-seals: they will read as tampered); "
        "nothing was imported."
    )
    assert Organization.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert Event.objects.count() == 0
    assert Initial.objects.count() == 0


def test_it_imports_unverified_seals_only_when_told(cast: Cast, settings) -> None:
    first, _ = two_executed_agreements(cast, settings)
    document = export_organization("acme")
    originals = dict(Initial.objects.values_list("pk", "seal"))
    wipe_database()
    settings.SECRET_KEY = KEY_B

    imported = import_document(document, unverified_seals=True)

    assert imported.seal_check == "unverified"
    assert imported.unverified == 8
    assert dict(Initial.objects.values_list("pk", "seal")) == originals
    assert not Event.objects.filter(verb="resealed").exists()
    assert grid_of(cast, first).counts["tampered"] == 4


def test_it_imports_an_organization_without_initials_under_any_key(cast: Cast, settings) -> None:
    settings.SECRET_KEY = KEY_A
    document = export_organization("acme")
    wipe_database()
    settings.SECRET_KEY = KEY_B

    imported = import_document(document)

    assert imported.seal_check == "none"
    assert imported.organization.slug == "acme"


# The command line ----------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_import_command_reseals_with_the_key_file(
    cast: Cast, settings, capsys, tmp_path
) -> None:
    first, _ = two_executed_agreements(cast, settings)
    target = tmp_path / "acme.json"
    assert run(capsys, "export", "acme", "-o", str(target))[0] == 0
    wipe_database()
    settings.SECRET_KEY = KEY_B
    key_file = tmp_path / "source-secret-key"
    key_file.write_text(KEY_A + "\n")

    code, _, err = run(capsys, "import", str(target), "--seal-key-file", str(key_file))

    assert code == 0
    assert (
        "Seals of lab.initial: 8 re-sealed with this installation's key, 0 kept, 0 failing." in err
    )
    assert "warning" not in err
    assert grid_of(cast, first).executed is True
    assert set(Event.objects.filter(verb="resealed").values_list("changes__import", flat=True)) == {
        "acme.json"
    }


def test_the_import_command_takes_the_key_from_the_environment_and_lists_failures(
    cast: Cast, settings, capsys, tmp_path, monkeypatch
) -> None:
    first, _ = two_executed_agreements(cast, settings)
    document, partner_first = export_with_another_text(first)
    target = tmp_path / "acme.json"
    target.write_text(json.dumps(document))
    wipe_database()
    settings.SECRET_KEY = KEY_B
    monkeypatch.setenv("NORTHLINE_SOURCE_SECRET_KEY", KEY_A)

    code, _, err = run(capsys, "import", str(target))

    assert code == 0
    assert "7 re-sealed with this installation's key, 0 kept, 1 failing." in err
    assert "warning: 1 seal(s) failed verification; they read as tampered:" in err
    assert (
        f"  agreement {first.agreement.pk} “Residency agreement”, section {first.first.pk} "
        f"“Co-location”, signatory {first.partner.pk} Edith (Product owner): "
        f"initial {partner_first.pk} fails its seal\n"
    ) in err


def test_the_import_command_refuses_without_the_key_and_writes_nothing(
    cast: Cast, settings, capsys, tmp_path
) -> None:
    two_executed_agreements(cast, settings)
    target = tmp_path / "acme.json"
    run(capsys, "export", "acme", "-o", str(target))
    wipe_database()
    settings.SECRET_KEY = KEY_B

    code, _, err = run(capsys, "import", str(target))

    assert code == 1
    assert err.startswith("northline: error: The export's seals (8 initials) were made by ")
    assert Organization.objects.count() == 0

    code, _, err = run(capsys, "import", str(target), "--unverified-seals")

    assert code == 0
    assert "Seals: 8 imported unverified (--unverified-seals); they read as tampered here." in err
    assert Organization.objects.get().slug == "acme"


def test_the_import_command_refuses_an_empty_key_file(cast: Cast, capsys, tmp_path) -> None:
    key_file = tmp_path / "empty"
    key_file.write_text("\n")

    code, _, err = run(capsys, "import", "-", "--seal-key-file", str(key_file))

    assert code == 1
    assert err == (
        f"northline: error: {key_file} is empty; it should hold the source installation's "
        "secret key\n"
    )


# The API says what the page says -------------------------------------------------------------


def test_the_api_reports_a_tampered_agreement_as_not_executed_like_its_page(
    cast: Cast, api_as
) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)
    Initial.objects.filter(section=signed.second, signatory=signed.partner).update(
        text_sha256="0" * 64
    )
    api = api_as(cast.viewer)
    base = "/orgs/acme/lab"

    one = api.get(f"{base}/agreements/{signed.agreement.pk}").json()
    listed = api.get(f"{base}/engagements/{signed.engagement.pk}/agreements").json()
    grid = api.get(f"{base}/agreements/{signed.agreement.pk}/grid").json()
    page = signed_in(cast.viewer).get(f"/o/acme/lab/agreements/{signed.agreement.pk}/")

    assert (one["status"], one["executed"], one["tampered"]) == ("executed", False, 1)
    assert [(a["id"], a["executed"], a["tampered"]) for a in listed["items"]] == [
        (signed.agreement.pk, False, 1)
    ]
    assert (grid["status"], grid["executed"], grid["counts"]["tampered"]) == (
        "executed",
        False,
        1,
    )
    assert "Not executed: 1 initial fails the seal" in page.content.decode()


def test_the_api_reports_an_honest_agreement_as_executed(cast: Cast, api_as) -> None:
    signed = make_signed(cast)
    initial_all(cast, signed)

    one = api_as(cast.viewer).get(f"/orgs/acme/lab/agreements/{signed.agreement.pk}").json()

    assert (one["status"], one["executed"], one["tampered"]) == ("executed", True, 0)


def standing(body: dict) -> tuple:
    """An agreement's title and standing, as the API answers them."""
    return (body["title"], body["status"], body["executed"], body["tampered"])


def test_the_agreement_writes_answer_with_the_standing_too(cast: Cast, api_as) -> None:
    signed = make_signed(cast)
    api = api_as(cast.editor)

    created = api.post(
        f"/orgs/acme/lab/engagements/{signed.engagement.pk}/agreements", {"title": "Addendum"}
    )
    renamed = api.patch(
        f"/orgs/acme/lab/agreements/{signed.agreement.pk}",
        {"version": signed.agreement.version, "title": "Residency agreement 2027"},
    )

    assert created.status_code == 201
    assert standing(created.json()) == ("Addendum", "draft", False, 0)
    assert renamed.status_code == 200
    assert standing(renamed.json()) == ("Residency agreement 2027", "circulating", False, 0)
