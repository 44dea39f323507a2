"""The Jira importer on CSV files written from Atlassian's documented export shape
(fixtures/jira/permit-portal.csv): repeated columns, quoted commas and newlines, a byte-order
mark, wiki markup, an epic that is not in the file, an unknown status, a sub-task, a formula-
looking summary. Preview, apply, re-run, a newer export, the mapping, and every refusal located
with nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from northline.delivery.models import Feature, Release
from northline.imports import jira, services
from northline.imports.models import ExternalKey, ImportMapping, ImportRun
from northline.lib.errors import Forbidden, Invalid, NotFound
from northline.orgs import services as org_services
from northline.orgs.models import Event, Team
from northline.portfolio.models import Epic, Sprint, Story
from northline.testing import Cast

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent / "fixtures/jira/permit-portal.csv"
DATED = {
    "sprints": {"PERM Sprint 2": {"starts_on": "2026-03-02", "ends_on": "2026-03-15"}},
    "releases": {"2.0": "2026-05-01"},
}


@pytest.fixture
def export() -> bytes:
    return FIXTURE.read_bytes()


def run(
    cast: Cast,
    content: bytes,
    *,
    dry_run: bool = False,
    mapping: dict[str, Any] | None = None,
    user: Any = None,
) -> ImportRun:
    return services.import_file(
        cast.access(user or cast.admin),
        source="jira",
        filename="permit-portal.csv",
        content=content,
        mapping=mapping,
        dry_run=dry_run,
    )


def row(run: ImportRun, key: str) -> dict[str, Any]:
    return next(entry for entry in run.log if entry.get("key") == key)


def skipped(run: ImportRun) -> list[str]:
    return [entry["messages"][0] for entry in run.log if entry["action"] == "skipped"]


def rewritten(content: bytes, change: Any) -> bytes:
    """The fixture with ``change(rows)`` applied to its rows (header first), written back the
    way Jira writes it."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_the_fixture_reads_as_jira_writes_it():
    sheet = jira.read(FIXTURE.read_bytes())
    # The byte-order mark is not part of the first column's name; repeated names keep each
    # of their columns.
    assert sheet.header[0] == "Summary"
    assert len(sheet.columns["Sprint"]) == 2
    assert len(sheet.columns["Fix Version/s"]) == 2
    # A quoted field with a newline is one cell of one row: 9 issues on 18 physical lines.
    assert len(sheet.rows) == 9
    fee = next(cells for _, cells in sheet.rows if sheet.one(cells, "Issue key") == "PERM-3")
    assert sheet.one(fee, "Description") == "Line one\nLine two, with a comma"
    assert sheet.all(fee, "Labels") == ["fees", "web"]


def test_a_dry_run_shows_every_row_and_writes_nothing(cast: Cast, export: bytes):
    preview = run(cast, export, dry_run=True)
    # 3 teams (2 components and the project), 2 epics + 1 holding the work without an epic,
    # 6 stories (the sub-task is left alone); no sprint nor release: the file has no dates.
    assert preview.status == "previewed"
    assert preview.counts == {
        "created": 12,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "adjusted": 1,
        "skipped": 6,
    }
    assert [entry["kind"] for entry in preview.log if entry["action"] == "created"] == [
        *["team"] * 3,
        *["epic"] * 3,
        *["story"] * 6,
    ]
    assert not Epic.objects.exists() and not Story.objects.exists()
    assert not ExternalKey.objects.exists()
    lines = skipped(preview)
    assert lines[0].startswith("Sprint “PERM Sprint 2” (1 issue(s)): a Jira CSV does not carry")
    assert lines[1].startswith("Sprint “PERM Sprint 1” (1 issue(s))")
    assert lines[2].startswith("Fix version “2.0” (2 issue(s)): a Jira CSV does not carry")
    assert lines[4] == "1 sub-task(s): Northline plans at the level of stories, not sub-tasks."
    assert lines[5].startswith("2 person(s) the file names are not among the organization's")
    assert "Maya Okafor, maya@example.org" in lines[5]
    # Each row says where it is in the file, and what the mapping did to it.
    assert row(preview, "JIRA:PERM-5")["location"] == "line 15 (PERM-5)"
    assert (
        "Jira status “Waiting for Legal” is not one Northline knows; read as To do"
        in (row(preview, "JIRA:PERM-5")["messages"][0])
    )
    assert row(preview, "JIRA:PERM-6")["messages"] == [
        "Its epic PERM-99 is neither in the file nor imported before; it goes under the "
        "holding epic."
    ]
    assert row(preview, "JIRA:PERM-7")["messages"][0].startswith(
        "The title starts with “=” as a spreadsheet formula would; it is kept as text"
    )
    assert "2.5 points rounded up to 3." in row(preview, "JIRA:PERM-4")["messages"]


def test_apply_writes_what_the_preview_promised(cast: Cast, export: bytes):
    preview = run(cast, export, dry_run=True, mapping=DATED)
    applied = run(cast, export, mapping=DATED)
    assert applied.status == "applied"
    assert applied.counts == preview.counts
    strip = [{k: v for k, v in entry.items() if k != "id"} for entry in preview.log]
    assert strip == [{k: v for k, v in entry.items() if k != "id"} for entry in applied.log]

    epics = {epic.title: epic for epic in Epic.objects.filter(organization=cast.org)}
    portal = epics["Online permit applications"]
    # In progress in Jira, but no business case: the rules keep it in the Funnel, and say so.
    assert portal.state == "funnel"
    entry = row(applied, "JIRA:PERM-1")
    assert entry["adjusted"]
    assert any("Jira has it in “In Progress”; it stays in Funnel" in m for m in entry["messages"])
    # Wiki markup became the Markdown Northline renders.
    assert portal.description.startswith(
        "## Goal\nLet residents apply **online**, with a [status page](https://example.org/status)."
    )
    assert "- first\n- second" in portal.description
    assert '```\nprint("x")\n```' in portal.description

    stories = {story.title: story for story in Story.objects.filter(organization=cast.org)}
    assert len(stories) == 6
    fee = stories['Fee calculator, with "quotes", commas']
    assert (fee.epic, fee.state, fee.estimate, fee.team.name) == (portal, "doing", 3, "Permits")
    assert fee.description == "Line one\nLine two, with a comma"
    # The last of its sprints, dated by the mapping; its capacity is what was planned in it.
    assert fee.sprint.name == "PERM Sprint 2"
    assert (fee.sprint.starts_on.isoformat(), fee.sprint.capacity) == ("2026-03-02", 3)
    assert stories["Upload plans as PDF"].sprint is None  # PERM Sprint 1 has no dates
    assert stories["Book an inspection slot"].epic == epics["Inspection scheduling"]
    assert stories["Book an inspection slot"].estimate == 5  # "Story point estimate"
    holding = epics["PERM: work without an epic"]
    assert stories["Old link to a missing epic"].epic == holding
    assert stories['=HYPERLINK("http://evil.example","click")'].epic == holding
    assert stories["Accessibility review"].team.name == "Permit Portal"

    release = Release.objects.get(organization=cast.org)
    assert (release.name, release.planned_date.isoformat()) == ("2.0", "2026-05-01")
    feature = Feature.objects.get(organization=cast.org)
    assert (feature.title, feature.epic, feature.release) == (portal.title, portal, release)
    assert sorted(Team.objects.filter(organization=cast.org).values_list("name", flat=True)) == [
        "Inspections",
        "Permit Portal",
        "Permits",
    ]
    assert ExternalKey.objects.filter(organization=cast.org).count() == 15


def test_people_are_matched_by_e_mail_or_name_never_invented(cast: Cast, export: bytes):
    org_services.create_person(cast.owner_access, name="Maya Okafor", email="maya@example.org")
    applied = run(cast, export)
    maya = Epic.objects.get(title="Online permit applications").owner
    assert maya.name == "Maya Okafor"
    assert Epic.objects.get(title="Inspection scheduling").owner == maya  # by e-mail
    assert not any("person(s)" in line for line in skipped(applied))


def test_a_second_run_changes_nothing_and_writes_nothing(cast: Cast, export: bytes):
    run(cast, export, mapping=DATED)
    events = Event.objects.count()
    again = run(cast, export, mapping=DATED)
    assert again.counts["created"] == again.counts["updated"] == 0
    assert again.counts["unchanged"] == 15
    # Only the import's own record is written.
    assert Event.objects.count() == events + 1
    assert Story.objects.count() == 6 and Epic.objects.count() == 3


def test_a_newer_export_updates_what_changed_and_finds_the_missing_epic(cast: Cast, export: bytes):
    first = run(cast, export)

    def newer(rows: list[list[str]]) -> None:
        header = rows[0]
        for cells in rows[1:]:
            if cells[1] == "PERM-3":
                cells[header.index("Summary")] = "Fee calculator"
                cells[header.index("Status")] = "Done"
                cells[header.index("Status Category")] = "Done"
        epic = ["" for _ in header]
        epic[header.index("Summary")] = "Legacy records"
        epic[header.index("Issue key")] = "PERM-99"
        epic[header.index("Issue Type")] = "Epic"
        epic[header.index("Status")] = "To Do"
        epic[header.index("Project key")] = "PERM"
        epic[header.index("Project name")] = "Permit Portal"
        rows.append(epic)

    second = run(cast, rewritten(export, newer))
    assert second.status == "applied"
    assert second.counts["created"] == 1  # the epic PERM-99 only
    assert row(second, "JIRA:PERM-3")["action"] == "updated"
    story = Story.objects.get(pk=row(first, "JIRA:PERM-3")["id"])
    assert (story.title, story.state) == ("Fee calculator", "done")
    # A story stays under the epic it has; the log says its epic differs in the file.
    assert "Its epic differs in the file" in " ".join(row(second, "JIRA:PERM-6")["messages"])
    # A third export that no longer holds PERM-99 still finds it: an earlier import made it.
    third = run(cast, export)
    assert third.status == "applied"
    assert row(third, "JIRA:PERM-6")["messages"] == [
        "Its epic differs in the file; a story stays under the epic it has."
    ]
    assert "JIRA:PERM/without-epic" in {entry.get("key") for entry in third.log}


def test_a_failing_row_refuses_the_whole_import(cast: Cast, export: bytes):
    def broken(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("Issue key")] = ""  # the epic PERM-1 loses its key

    refused = run(cast, rewritten(export, broken))
    assert refused.status == "refused"
    entry = row(refused, "JIRA:line/2")
    assert (entry["action"], entry["location"]) == ("refused", "line 2 (no key)")
    assert entry["messages"] == ["It has no Issue key: Jira writes one on every row."]
    assert not Story.objects.exists() and not Team.objects.filter(name="Permits").exists()


def test_a_key_twice_in_one_file_is_refused_with_both_places(cast: Cast, export: bytes):
    def doubled(rows: list[list[str]]) -> None:
        rows.append(list(rows[-1]))

    refused = run(cast, rewritten(export, doubled))
    assert refused.status == "refused"
    entry = row(refused, "JIRA:PERM-9")
    assert entry["messages"][-1] == (
        "The key JIRA:PERM-9 appears 2 times in the file (line 19 (PERM-9); line 20 (PERM-9))."
    )
    assert not Epic.objects.exists()


def test_the_mapping_chooses_columns_team_field_and_dates(cast: Cast, export: bytes):
    mapping = {
        "statuses": {"Waiting for Legal": "doing", "In Progress": "todo"},
        "team_field": "Labels",
        **DATED,
    }
    preview = run(cast, export, dry_run=True, mapping=mapping)
    assert preview.mapping["statuses"] == mapping["statuses"]
    assert preview.mapping["team_field"] == "Labels"
    assert row(preview, "JIRA:PERM-5")["messages"] == []
    applied = run(cast, export, mapping=mapping)
    assert Story.objects.get(title="Book an inspection slot").state == "doing"
    assert Story.objects.get(title__startswith="Fee calculator").team.name == "fees"
    assert applied.status == "applied"


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"statuses": {"Done": "shipped"}}, "mapping.statuses.Done"),
        ({"team_field": "No such column"}, "mapping.team_field"),
        (
            {"sprints": {"S": {"starts_on": "2026-03-10", "ends_on": "2026-03-01"}}},
            "mapping.sprints.S.ends_on",
        ),
        (
            {"sprints": {"S": {"starts_on": "soon", "ends_on": "2026-03-01"}}},
            "mapping.sprints.S.starts_on",
        ),
        (
            {
                "sprints": {
                    "S": {"starts_on": "2026-03-01", "ends_on": "2026-03-09", "capacity": -1}
                }
            },
            "mapping.sprints.S.capacity",
        ),
        ({"releases": {"2.0": "May"}}, "mapping.releases.2.0"),
        ({"colours": {}}, "mapping.colours"),
        ([], "mapping"),
    ],
)
def test_a_mapping_that_does_not_hold_is_refused_naming_its_place(
    cast: Cast, export: bytes, mapping: Any, field: str
):
    with pytest.raises(Invalid) as refusal:
        run(cast, export, dry_run=True, mapping=mapping)
    assert field in refusal.value.fields
    assert not ImportRun.objects.exists()


def test_a_saved_mapping_is_used_by_the_next_import(cast: Cast, export: bytes):
    access = cast.access(cast.admin)
    services.save_mapping(
        access, source="jira", mapping={"statuses": {"Waiting for Legal": "done"}}
    )
    services.save_mapping(
        access, source="jira", mapping={"statuses": {"Waiting for Legal": "doing"}}
    )
    assert ImportMapping.objects.get().mapping["statuses"] == {"Waiting for Legal": "doing"}
    preview = run(cast, export, dry_run=True)
    assert preview.mapping["statuses"] == {"Waiting for Legal": "doing"}
    with pytest.raises(Forbidden):
        services.save_mapping(cast.access(cast.editor), source="jira", mapping={})
    with pytest.raises(Invalid):
        services.save_mapping(access, source="taiga", mapping={})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfeS\x00u\x00", "The file is not UTF-8 text"),
        (b'{"name": "a Taiga export?"}', "The file is not a Jira CSV export (it has no Issue key"),
        (b"Summary,Issue key\nx,PERM-1\n", "it has no Issue Type column"),
        (b'Summary,Issue key,Issue Type\n"never closed,PERM-1,Story\n', "not readable CSV"),
        (b"   ", "The file is empty."),
    ],
)
def test_a_file_that_is_not_a_jira_export_is_refused_clearly(
    cast: Cast, content: bytes, message: str
):
    with pytest.raises(Invalid) as refusal:
        run(cast, content, dry_run=True)
    assert message in refusal.value.message
    assert "file" in refusal.value.fields
    assert not ImportRun.objects.exists()


def test_only_owners_and_admins_import(cast: Cast, export: bytes):
    with pytest.raises(Forbidden):
        run(cast, export, dry_run=True, user=cast.editor)
    with pytest.raises(NotFound):
        services.import_file(
            cast.access(cast.outsider, cast.org),
            source="jira",
            filename="x.csv",
            content=export,
            dry_run=True,
        )
    assert not ImportRun.objects.exists()


def test_every_record_written_names_the_import_and_the_file(cast: Cast, export: bytes):
    applied = run(cast, export, mapping=DATED)
    events = Event.objects.filter(verb="imported")
    assert events.count() == 15
    story = Story.objects.get(title="Upload plans as PDF")
    event = events.get(object_type="portfolio.story", object_id=story.pk)
    assert event.changes == {
        "import": applied.pk,
        "source": "jira",
        "file": "permit-portal.csv",
        "sha256": applied.sha256,
        "key": "JIRA:PERM-4",
        "action": "created",
    }
    assert Sprint.objects.count() == 1


@pytest.mark.parametrize(
    ("wiki", "markdown"),
    [
        ("h1. Title", "# Title"),
        ("# one\n# two\n## nested", "1. one\n1. two\n  1. nested"),
        ("** deep", "  - deep"),
        ("see [docs|https://example.org/a]", "see [docs](https://example.org/a)"),
        ("[https://example.org]", "<https://example.org>"),
        ("{{code}} and *bold* and _it_", "`code` and **bold** and *it*"),
        ("{noformat}*not bold*{noformat}", "```\n*not bold*\n```"),
        ("2 * 3 * 4 and snake_case_name", "2 * 3 * 4 and snake_case_name"),
    ],
)
def test_wiki_markup_becomes_markdown(wiki: str, markdown: str):
    assert jira.markdown_of(wiki) == markdown


def test_a_narrow_export_without_ids_links_stories_by_epic_link(cast: Cast):
    # An older site's export with only some columns: no Issue id, no Parent, no components.
    content = (
        b"Issue key,Summary,Issue Type,Status,Custom field (Epic Link)\r\n"
        b"OPS-1,Keep the lights on,Epic,In Progress,\r\n"
        b"OPS-2,Patch the servers,Task,Done,OPS-1\r\n"
        b"OPS-3,Unplanned work,Bug,Open,\r\n"
    )
    applied = run(cast, content)
    assert applied.status == "applied", applied.log
    patch = Story.objects.get(title="Patch the servers")
    assert (patch.epic.title, patch.state, patch.team.name) == ("Keep the lights on", "done", "OPS")
    assert Story.objects.get(title="Unplanned work").epic.title == "OPS: work without an epic"
