"""Export an organization as one document and import it into a database that lacks it."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection
from django.http import HttpRequest

from northline.lib.errors import Conflict, Invalid
from northline.orgs import services
from northline.orgs.models import (
    ApiToken,
    Event,
    Membership,
    NotificationPreference,
    Organization,
    Person,
    Team,
    TeamMember,
)
from northline.orgs.transfer import (
    INSTALLATION_MODELS,
    USER_LEVEL_MODELS,
    dumps_document,
    export_organization,
    import_document,
    is_tenant_model,
)
from northline.testing import PASSWORD

pytestmark = pytest.mark.django_db


def fill(cast):
    """Give ``acme`` people, teams, an update in its history and a token for its owner."""
    access = cast.owner_access
    team = services.create_team(access, name="Permits", kind="product", description="*Fast*")
    person = services.create_person(access, name="Jonah Pike", title="Product Owner")
    member = services.add_team_member(access, team, person=person, roles=["product_owner"])
    services.update_team_member(access, member, version=1, roles=["product_owner", "member"])
    services.update_team(access, team, version=1, name="Permits Online")
    services.create_token(cast.owner, name="backup script", organization=cast.org)
    services.set_preference(cast.editor, delivery="weekly", checkin_reminders=False)


def wipe_database():
    """Everything goes: organizations (with their records and events), users, loose events."""
    Organization.objects.all().delete()
    Event.objects.all()._raw_delete(Event.objects.db)
    get_user_model().objects.all().delete()


def models_in(document):
    return {record["model"] for record in document["records"]}


def test_it_imports_an_export_into_an_empty_database_exactly(cast):
    fill(cast)
    before = export_organization("acme")
    wipe_database()
    assert Organization.objects.count() == 0

    imported = import_document(before)

    after = export_organization("acme")
    assert imported.organization.slug == "acme"
    assert imported.seal_check == "none"
    assert after == before
    assert dumps_document(after) == dumps_document(before)
    assert Team.objects.get().name == "Permits Online"
    assert TeamMember.objects.get().roles == ["product_owner", "member"]
    assert ApiToken.objects.get().name == "backup script"
    # A person's e-mail preference travels with them.
    preference = NotificationPreference.objects.get()
    assert (preference.user.username, preference.delivery, preference.checkin_reminders) == (
        "edith",
        "weekly",
        False,
    )


def test_it_keeps_passwords_so_people_can_still_sign_in(cast, client):
    document = export_organization("acme")
    wipe_database()
    import_document(document)

    owner = get_user_model().objects.get(username="olivia")
    assert owner.check_password(PASSWORD)
    # django-axes checks every sign-in for a lockout, so it needs the request to sign in from.
    assert client.login(request=HttpRequest(), username="edith", password=PASSWORD)


def test_it_exports_users_without_privilege_bits(cast):
    cast.owner.is_superuser = True
    cast.owner.is_staff = True
    cast.owner.save()

    document = export_organization("acme")

    users = [record for record in document["records"] if record["model"] == "auth.user"]
    assert sorted(user["fields"]["username"] for user in users) == [
        "adam",
        "edith",
        "olivia",
        "victor",
    ]
    for user in users:
        assert "is_superuser" not in user["fields"]
        assert "is_staff" not in user["fields"]
        assert user["fields"]["password"].startswith("md5$")


def test_it_leaves_other_organizations_out(cast):
    document = export_organization("acme")

    assert document["organization"] == "acme"
    organizations = [r for r in document["records"] if r["model"] == "orgs.organization"]
    assert [r["fields"]["slug"] for r in organizations] == ["acme"]
    for record in document["records"]:
        if "organization" in record["fields"]:
            assert record["fields"]["organization"] == cast.org.pk
    text = dumps_document(document)
    assert "oscar" not in text
    assert "Elsewhere Agency" not in text


def test_it_writes_the_document_in_one_stable_form(cast):
    fill(cast)
    text = dumps_document(export_organization("acme"))

    assert text.startswith('{\n  "format": "northline-export",\n  "format_version": 1,\n')
    # The sealing key is named by a fingerprint, never written out.
    assert settings.SECRET_KEY not in text
    assert '"seal_key_fingerprint": "' in text
    assert text.endswith("}\n")
    assert "exported_at" not in text
    order = [record["model"] for record in export_organization("acme")["records"]]
    assert order.index("auth.user") < order.index("orgs.organization") < order.index("orgs.event")
    assert order.index("orgs.person") < order.index("orgs.teammember")
    assert order.index("orgs.team") < order.index("orgs.teammember")


def test_it_refuses_to_import_an_organization_that_exists(cast):
    fill(cast)
    document = export_organization("acme")
    counts = {model: model.objects.count() for model in (Organization, Person, Team, Event)}

    with pytest.raises(Conflict, match="already has an organization named 'acme'"):
        import_document(document)

    assert {model: model.objects.count() for model in counts} == counts


def test_it_refuses_users_that_exist_under_a_new_slug(cast):
    document = export_organization("acme")
    document["organization"] = "acme-copy"
    for record in document["records"]:
        if record["model"] == "orgs.organization":
            record["fields"]["slug"] = "acme-copy"

    with pytest.raises(
        Conflict,
        match=r"users of the export already exist here: adam, edith, olivia, victor\. "
        "Rerun with --merge-users",
    ):
        import_document(document)

    assert not Organization.objects.filter(slug="acme-copy").exists()


def test_it_refuses_a_user_record_that_grants_superuser(cast):
    document = export_organization("acme")
    wipe_database()
    document["records"][0]["fields"]["is_superuser"] = True

    with pytest.raises(Invalid, match="User records may not set is_superuser"):
        import_document(document)

    assert get_user_model().objects.count() == 0


def test_it_refuses_records_of_another_organization(cast):
    document = export_organization("acme")
    wipe_database()
    person = next(r for r in document["records"] if r["model"] == "orgs.person")
    person["fields"]["organization"] = 999

    with pytest.raises(Invalid, match=r"orgs\.person record belongs elsewhere"):
        import_document(document)


def test_it_refuses_a_document_of_another_kind():
    with pytest.raises(Invalid, match="Not a Northline export"):
        import_document({"format": "something-else", "records": []})
    with pytest.raises(Invalid, match="version 2 is not supported"):
        import_document({"format": "northline-export", "format_version": 2, "records": []})


def test_it_exports_every_northline_model():
    # A model that is neither tenant-scoped nor listed as per-user would silently be left out
    # of backups: give it an `organization` foreign key (TenantModel) or list it.
    left_out = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("northline.")
        and not is_tenant_model(model)
        and model not in USER_LEVEL_MODELS
        and model not in INSTALLATION_MODELS
        and model is not Organization
    ]
    assert left_out == []


def test_it_continues_ids_after_the_imported_ones(cast):
    # On PostgreSQL the sequences must move past the imported ids, or the next insert collides.
    fill(cast)
    document = export_organization("acme")
    wipe_database()
    # As in a new database: the id sequences start again (PostgreSQL; SQLite has none).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Team]):
            cursor.execute(sql)
    import_document(document)
    owner = get_user_model().objects.get(username="olivia")

    team = services.create_team(cast.access(owner), name="Licensing", kind="business")

    imported_ids = [r["pk"] for r in document["records"] if r["model"] == "orgs.team"]
    assert team.pk > max(imported_ids)


ORGS_LABELS = (
    "auth.user",
    "orgs.apitoken",
    "orgs.membership",
    "orgs.organization",
    "orgs.person",
    "orgs.team",
    "orgs.teammember",
)


def test_it_records_one_imported_event_naming_the_file_and_its_records(cast):
    fill(cast)
    text = dumps_document(export_organization("acme"))
    wipe_database()

    imported = import_document(json.loads(text), source="acme.json")

    event = Event.objects.get(verb="imported")
    assert (event.organization, event.actor, event.actor_name) == (None, None, "northline import")
    assert (event.object_type, event.object_id) == (
        "orgs.organization",
        str(imported.organization.pk),
    )
    records = event.changes.pop("records")
    assert event.changes == {
        "slug": "acme",
        "source": "acme.json",
        # The file's own digest: the export wrote exactly this text.
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    assert {label: records[label] for label in ORGS_LABELS} == {
        "auth.user": 4,
        "orgs.apitoken": 1,
        "orgs.membership": 4,
        "orgs.organization": 1,
        "orgs.person": 5,
        "orgs.team": 1,
        "orgs.teammember": 1,
    }
    # Every record is counted, the imported events and the other apps' records too.
    assert records["orgs.event"] == Event.objects.exclude(verb="imported").count()
    assert sum(records.values()) == len(json.loads(text)["records"])
    # The import's event is the installation's, outside the organization's own trail.
    assert export_organization("acme") == json.loads(text)


def test_it_names_the_digest_the_caller_read_from_the_file(cast):
    document = export_organization("acme")
    wipe_database()

    import_document(document, source="standard input", sha256="ab" * 32)

    event = Event.objects.get(verb="imported")
    assert (event.changes["source"], event.changes["sha256"]) == ("standard input", "ab" * 32)


def test_it_records_no_import_when_the_export_is_refused(cast):
    document = export_organization("acme")
    wipe_database()
    person = next(r for r in document["records"] if r["model"] == "orgs.person")
    person["fields"]["organization"] = 999

    with pytest.raises(Invalid):
        import_document(document)

    assert not Event.objects.filter(verb="imported").exists()


# Organizations that share users ----------------------------------------------------------------


def share_edith(cast):
    """Edith, an editor of acme, is also a viewer of elsewhere; she has a token of her own."""
    services.add_member(cast.access(cast.outsider, cast.other_org), user=cast.editor, role="viewer")
    services.create_token(cast.editor, name="edith's script", organization=cast.org)


def test_it_lists_the_users_an_export_brings(cast):
    share_edith(cast)

    assert export_organization("acme")["users"] == ["adam", "edith", "olivia", "victor"]
    assert export_organization("elsewhere")["users"] == ["edith", "oscar"]


def test_it_refuses_a_second_organization_whose_users_exist_naming_them(cast):
    share_edith(cast)
    acme, elsewhere = export_organization("acme"), export_organization("elsewhere")
    wipe_database()
    import_document(acme)

    with pytest.raises(Conflict, match=r"already exist here: edith\. Rerun with --merge-users"):
        import_document(elsewhere)

    assert list(Organization.objects.values_list("slug", flat=True)) == ["acme"]


def test_it_merges_shared_users_by_username_keeping_their_accounts(cast):
    share_edith(cast)
    acme, elsewhere = export_organization("acme"), export_organization("elsewhere")
    wipe_database()
    import_document(acme)
    edith = get_user_model().objects.get(username="edith")
    edith.set_password("a-password-of-this-installation")
    edith.save(update_fields=["password"])

    imported = import_document(elsewhere, merge_users=True)

    assert imported.merged_users == ["edith"]
    users = get_user_model().objects.order_by("username").values_list("username", flat=True)
    assert list(users) == ["adam", "edith", "olivia", "oscar", "victor"]
    memberships = Membership.objects.filter(user__username="edith").order_by("organization__slug")
    assert [(m.organization.slug, m.role) for m in memberships] == [
        ("acme", "editor"),
        ("elsewhere", "viewer"),
    ]
    edith.refresh_from_db()
    assert edith.check_password("a-password-of-this-installation")
    # Her token came once, with the first organization; the second import skipped it.
    assert list(ApiToken.objects.filter(user=edith).values_list("name", flat=True)) == [
        "edith's script"
    ]


def test_it_points_merged_users_records_at_the_existing_account(cast):
    share_edith(cast)
    elsewhere = export_organization("elsewhere")
    wipe_database()
    # Edith exists here under another id than in the export.
    get_user_model().objects.create_user("someone-first", password=PASSWORD)
    here = get_user_model().objects.create_user("edith", password=PASSWORD)

    import_document(elsewhere, merge_users=True)

    membership = Membership.objects.get(organization__slug="elsewhere", role="viewer")
    assert membership.user_id == here.pk
