"""The Taiga importer on the real export in ../shared/fixtures (made by Taiga's own exporter; its
README there lists what it holds): preview, apply, re-run, a newer export, the rules kept, and
every refusal located with nothing written."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from northline.imports import services, taiga
from northline.imports.models import ExternalKey, ImportRun
from northline.lib.errors import Forbidden, Invalid, NotFound
from northline.orgs import services as org_services
from northline.orgs.models import Event, Person, Team
from northline.portfolio.models import Epic, Sprint, Story
from northline.testing import Cast

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[4] / "shared/fixtures/taiga/permit-portal-export.json"
PREFIX = "TAIGA:mayaokafor-permit-portal"
TAIGA_EPICS = ("Online permit applications", "Caseworker dashboard")


@pytest.fixture(scope="module")
def export() -> bytes:
    if not FIXTURE.exists():
        pytest.fail(f"The Taiga fixture is missing: {FIXTURE} (../shared beside the checkout).")
    return FIXTURE.read_bytes()


def run(cast: Cast, content: bytes, *, dry_run: bool = False, user: Any = None) -> ImportRun:
    access = cast.access(user or cast.admin)
    return services.run_import(
        access,
        source="taiga",
        filename="permit-portal-export.json",
        content=content,
        mapped=taiga.items_of(content),
        dry_run=dry_run,
    )


def edited(content: bytes, change: Any) -> bytes:
    data = json.loads(content)
    change(data)
    return json.dumps(data).encode()


def rows(run: ImportRun, action: str) -> list[str]:
    return [entry["key"] for entry in run.log if entry["action"] == action]


def test_a_dry_run_shows_every_row_and_writes_nothing(cast: Cast, export: bytes):
    preview = run(cast, export, dry_run=True)
    # 1 team, 3 sprints, 2 epics + 1 holding the work without an epic, 24 stories + 2 issues.
    assert preview.status == "previewed"
    assert preview.counts == {
        "created": 33,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "adjusted": 2,
        "skipped": 3,
    }
    assert preview.sha256 == hashlib.sha256(export).hexdigest()
    assert (Epic.objects.count(), Story.objects.count(), Sprint.objects.count()) == (0, 0, 0)
    assert not Team.objects.filter(name="Permit Portal").exists()
    assert not ExternalKey.objects.exists()
    skipped = [entry["messages"][0] for entry in preview.log if entry["action"] == "skipped"]
    assert skipped == [
        "7 task(s): Northline plans at the level of stories, not tasks.",
        "3 comment(s): Northline keeps no comments on epics or stories.",
        # The epics' assignee is not one of the organization's people: listed, not invented.
        "1 person(s) the file names are not among the organization's people, so nothing is "
        "assigned to them: maya.okafor@example.org. Add them under People and import again.",
    ]


def test_applying_creates_the_project_in_northlines_terms(cast: Cast, export: bytes):
    applied = run(cast, export)
    assert applied.status == "applied"
    assert applied.counts["created"] == 33
    team = Team.objects.get(organization=cast.org, name="Permit Portal")
    sprints = {sprint.name: sprint for sprint in Sprint.objects.filter(team=team)}
    assert sorted(sprints) == [
        "Sprint 1 - Accounts and basics",
        "Sprint 2 - Submitting an application",
        "Sprint 3 - Reviewing applications",
    ]
    # Sprint 1 holds stories 3-6: (1+2+3) + (1+2) + (2+2) + 3 = 16 points.
    first = sprints["Sprint 1 - Accounts and basics"]
    assert (str(first.starts_on), str(first.ends_on), first.capacity) == (
        "2026-11-16",
        "2026-11-27",
        16,
    )
    assert Story.objects.filter(sprint=first).count() == 4
    # Sprint 2: stories 7-13 and the bug in progress.
    assert Story.objects.filter(sprint=sprints["Sprint 2 - Submitting an application"]).count() == 8

    epic = Epic.objects.get(organization=cast.org, title="Online permit applications")
    assert epic.stories.count() == 9
    assert Epic.objects.get(title="Caseworker dashboard").stories.count() == 7
    holding = Epic.objects.get(title="Permit Portal: work without an epic")
    assert holding.stories.count() == 10  # 8 stories without an epic and 2 issues
    # Stories: Done 4 + Archived 1 closed; In progress 5 + Ready for test 3 + the bug in progress.
    states = {
        state: Story.objects.filter(organization=cast.org, state=state).count()
        for state in ("todo", "doing", "done")
    }
    assert states == {"todo": 12, "doing": 9, "done": 5}
    story = Story.objects.get(title__startswith="Resident registers an account")
    assert (story.estimate, story.state, story.team_id) == (6, "done", team.pk)


def test_an_epic_taiga_has_in_progress_stays_where_its_business_case_allows(
    cast: Cast, export: bytes
):
    applied = run(cast, export)
    epic = Epic.objects.get(title="Online permit applications")
    assert epic.state == "funnel"
    entry = next(row for row in applied.log if row["key"] == f"{PREFIX}/epic/1")
    assert entry["adjusted"] is True
    assert any(
        message.startswith("Taiga has it in “In progress”; it stays in Funnel:")
        and "lagging indicator" in message
        for message in entry["messages"]
    )


def test_the_owner_is_matched_by_email_never_invented(cast: Cast, export: bytes):
    maya = org_services.create_person(
        cast.owner_access, name="Maya Okafor", email="Maya.Okafor@example.org"
    )
    run(cast, export)
    owners = set(Epic.objects.filter(title__in=TAIGA_EPICS).values_list("owner_id", flat=True))
    assert owners == {maya.pk}


def test_an_owner_the_organization_does_not_know_is_named_in_the_log(cast: Cast, export: bytes):
    people = Person.objects.count()
    applied = run(cast, export)
    entry = next(row for row in applied.log if row["key"] == f"{PREFIX}/epic/1")
    assert (
        "Its owner maya.okafor@example.org is not among the organization's people; "
        "left without an owner."
    ) in entry["messages"]
    assert Person.objects.count() == people
    assert Epic.objects.get(title="Online permit applications").owner_id is None


def test_running_the_same_file_again_changes_nothing(cast: Cast, export: bytes):
    run(cast, export)
    before = (Epic.objects.count(), Story.objects.count(), Sprint.objects.count())
    again = run(cast, export)
    assert again.status == "applied"
    assert again.counts["created"] == 0 and again.counts["updated"] == 0
    assert again.counts["unchanged"] == 33
    assert (Epic.objects.count(), Story.objects.count(), Sprint.objects.count()) == before


def test_a_newer_export_updates_what_the_first_created(cast: Cast, export: bytes):
    run(cast, export)
    story = Story.objects.get(title__startswith="Resident registers an account")

    def newer(data: dict[str, Any]) -> None:
        row = data["user_stories"][0]
        row["subject"] = "Resident registers and confirms an e-mail address"
        data["user_stories"][17]["status"] = "In progress"  # ref 20: New → In progress

    applied = run(cast, edited(export, newer))
    assert sorted(rows(applied, "updated")) == [f"{PREFIX}/us/20", f"{PREFIX}/us/3"]
    story.refresh_from_db()
    assert story.title == "Resident registers and confirms an e-mail address"
    assert ExternalKey.objects.get(key=f"{PREFIX}/us/20").last_import == applied
    assert Story.objects.get(pk=rows_id(applied, f"{PREFIX}/us/20")).state == "doing"


def rows_id(run: ImportRun, key: str) -> int:
    return next(entry["id"] for entry in run.log if entry["key"] == key)


def test_each_written_record_has_an_event_naming_the_import_and_the_file(cast: Cast, export: bytes):
    applied = run(cast, export)
    story_id = rows_id(applied, f"{PREFIX}/us/3")
    event = Event.objects.get(
        verb="imported", object_type="portfolio.story", object_id=str(story_id)
    )
    assert event.changes == {
        "import": applied.pk,
        "source": "taiga",
        "file": "permit-portal-export.json",
        "sha256": hashlib.sha256(export).hexdigest(),
        "key": f"{PREFIX}/us/3",
        "action": "created",
    }
    assert event.actor == cast.admin
    assert Event.objects.filter(verb="imported", organization=cast.org).count() == 33


def test_a_key_twice_in_the_file_refuses_the_whole_import(cast: Cast, export: bytes):
    def twice(data: dict[str, Any]) -> None:
        data["user_stories"].append(copy.deepcopy(data["user_stories"][4]))

    refused = run(cast, edited(export, twice))
    assert refused.status == "refused"
    entry = next(row for row in refused.log if row["action"] == "refused")
    assert entry["messages"][-1] == (
        f"The key {PREFIX}/us/7 appears 2 times in the file "
        "(user_stories[4] (ref 7); user_stories[24] (ref 7))."
    )
    assert (Epic.objects.count(), Story.objects.count(), ExternalKey.objects.count()) == (0, 0, 0)
    assert ImportRun.objects.get().status == "refused"


def test_a_row_a_service_refuses_is_located_and_nothing_is_kept(cast: Cast, export: bytes):
    def backwards(data: dict[str, Any]) -> None:
        data["milestones"][1]["estimated_finish"] = "2026-11-01"  # before it starts

    refused = run(cast, edited(export, backwards))
    assert refused.status == "refused"
    entry = next(row for row in refused.log if row["action"] == "refused")
    assert entry["location"] == "milestones[1] (Sprint 2 - Submitting an application)"
    assert "A sprint cannot end before it starts." in entry["messages"][-1]
    assert refused.counts["refused"] == 1
    assert (
        Epic.objects.count(),
        Sprint.objects.count(),
        Team.objects.filter(name="Permit Portal").count(),
    ) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "field", "start"),
    [
        (b"", "file", "The file is empty."),
        (b"\xff\xfe{\x00}", "file", "The file is not UTF-8 text"),
        (b"Issue key,Summary\nPERM-1,Hello\n", "file", "The file is not JSON"),
        (b'{"name": "x"}', "file", "The file is JSON but not a Taiga project export"),
        (
            b'{"name": "x", "slug": "x", "epics": {}, "user_stories": [], "milestones": []}',
            "file",
            "“epics” in the export is not a list.",
        ),
    ],
)
def test_a_file_that_is_not_a_taiga_export_gets_a_clear_error(
    content: bytes, field: str, start: str
):
    with pytest.raises(Invalid) as refused:
        taiga.items_of(content)
    assert refused.value.message.startswith(start)
    assert field in refused.value.fields


def test_a_file_over_the_limit_is_refused_before_reading(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("northline.imports.pipeline.MAX_BYTES", 1024)
    with pytest.raises(Invalid) as refused:
        taiga.items_of(b"{" + b" " * 2000 + b"}")
    assert refused.value.fields == {"file": "Too large."}
    assert "an import reads at most" in refused.value.message


def test_only_owners_and_admins_import(cast: Cast, export: bytes):
    for user in (cast.viewer, cast.editor):
        with pytest.raises(Forbidden):
            run(cast, export, user=user)
    with pytest.raises(NotFound):
        services.run_import(
            cast.access(cast.outsider, cast.org),
            source="taiga",
            filename="x.json",
            content=export,
            mapped=taiga.items_of(export),
            dry_run=True,
        )
    assert not ImportRun.objects.exists() and not Epic.objects.exists()


def test_an_export_of_the_organization_keeps_its_imports_and_keys(cast: Cast, export: bytes):
    from northline.orgs.tests.test_transfer import wipe_database
    from northline.orgs.transfer import export_organization, import_document

    run(cast, export)
    document = export_organization("acme")
    wipe_database()
    import_document(document)
    assert ExternalKey.objects.count() == 33
    assert ImportRun.objects.get().status == "applied"
    cast = make_cast_again()
    again = run(cast, export)
    assert (again.counts["created"], again.counts["unchanged"]) == (0, 33)


def make_cast_again() -> Cast:
    """The cast's users and organizations as the transfer brought them back (other_org is not
    part of the export, so the outsider is not needed here)."""
    from django.contrib.auth import get_user_model

    from northline.orgs.models import Organization

    users = {user.username: user for user in get_user_model().objects.all()}
    org = Organization.objects.get(slug="acme")
    return Cast(
        org=org,
        other_org=org,
        owner=users["olivia"],
        admin=users["adam"],
        editor=users["edith"],
        viewer=users["victor"],
        outsider=users["olivia"],
    )
