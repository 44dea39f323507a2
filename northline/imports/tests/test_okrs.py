"""The OKR spreadsheet importer on files written here by hand (CSV with a byte-order mark, quoted
newlines, other tools' column names, an XLSX built with openpyxl): preview = apply, a re-run
changes nothing, a newer file updates, every refusal is located and writes nothing, and a
period exported by Northline imports back (into an empty organization, and into itself)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from northline.goals import services as goals
from northline.goals.models import KeyResult, Objective, Period
from northline.imports import okrs, selectors, services
from northline.imports.models import ExternalKey, ImportRun
from northline.lib.errors import Forbidden, Invalid, NotFound
from northline.measures.models import Reading
from northline.orgs import services as org_services
from northline.orgs.models import Event, Organization
from northline.testing import Cast

pytestmark = pytest.mark.django_db

HEADER = (
    "Period,Period start,Period end,Objective,Parent objective,Team,Owner,Key result,Type,"
    "Baseline,Target,Unit,Weight,Current value,Check-in date,Confidence,Note"
)
# A year-long period around the check-in dates below, so that none of them is in the future.
ROWS = [
    "FY 2025,2025-01-01,2025-12-31,Residents apply for permits online,,,olga@acme.example"
    ",,,,,,,,,,",
    "FY 2025,,,Launch the online application,Residents apply for permits online,Permits,,,,,,,,,,,",
    "FY 2025,,,Launch the online application,,,,Applications made online,Increase,100,400,"
    "apps,2,,,,",
    "FY 2025,,,Launch the online application,,,,Applications made online,,,,,,150,2025-02-03,"
    '60,"Slow start:\nthe form was down a day"',
    "FY 2025,,,Launch the online application,,,,Applications made online,,,,,,220,2025-03-03,70,",
    "FY 2025,,,Launch the online application,,,,Days to a decision,decrease,30,10,days,1,25,,,",
    "FY 2025,,,Launch the online application,,,,Uptime of the portal,Stay above,,99.5,%,1,99.9,,,",
]


def csv_file(*rows: str, header: str = HEADER, bom: bool = True) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(
    cast: Cast, content: bytes, *, dry_run: bool = False, user: Any = None, org: Any = None
) -> ImportRun:
    access = cast.access(user or cast.admin, org)
    return services.run_import(
        access,
        source="okrs",
        filename="okrs.csv",
        content=content,
        mapped=okrs.items_of(content),
        dry_run=dry_run,
    )


def actions(run: ImportRun) -> list[tuple[str, str, str]]:
    return [(entry["kind"], entry["location"], entry["action"]) for entry in run.log]


def refusal(content: bytes) -> str:
    with pytest.raises(Invalid) as raised:
        okrs.items_of(content)
    return raised.value.message


@pytest.fixture
def olga(cast: Cast):
    return org_services.create_person(
        cast.owner_access, name="Olga Okafor", email="olga@acme.example"
    )


def test_a_preview_says_what_applying_does_and_applying_does_it(cast: Cast, olga):
    content = csv_file(*ROWS)
    preview = run(cast, content, dry_run=True)
    assert preview.status == "previewed"
    expected = [
        ("team", "row 3", "created"),
        ("period", "row 2", "created"),
        ("objective", "row 2", "created"),
        ("objective", "row 3", "created"),
        ("key_result", "row 4", "created"),
        ("key_result", "row 7", "created"),
        ("key_result", "row 8", "created"),
        ("checkin", "row 5", "created"),
        ("checkin", "row 6", "created"),
        ("checkin", "row 7", "created"),  # the current value 25 of "Days to a decision"
        ("checkin", "row 8", "created"),  # 99.9 % uptime
    ]
    assert actions(preview) == expected
    assert preview.counts == {
        "created": 11,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "adjusted": 0,
        "skipped": 0,
    }
    assert not Objective.objects.exists() and not Period.objects.exists()
    assert not ExternalKey.objects.exists()

    applied = run(cast, content)
    assert applied.status == "applied"
    assert actions(applied) == expected
    period = Period.objects.get(organization=cast.org)
    assert (period.name, period.starts_on, period.ends_on) == (
        "FY 2025",
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
    )
    top = Objective.objects.get(title="Residents apply for permits online")
    child = Objective.objects.get(title="Launch the online application")
    assert (top.owner, top.team, top.status) == (olga, None, "active")
    assert (child.parent, child.team.name) == (top, "Permits")
    applications = KeyResult.objects.get(title="Applications made online")
    assert (applications.objective, applications.weight) == (child, 2.0)
    indicator = applications.indicator
    assert (indicator.baseline, indicator.target, indicator.unit, indicator.direction) == (
        100.0,
        400.0,
        "apps",
        "increase",
    )
    checkins = list(Reading.objects.filter(indicator=indicator).order_by("recorded_at"))
    assert [(r.value, r.confidence, r.note, r.recorded_at) for r in checkins] == [
        (
            150.0,
            60,
            "Slow start:\nthe form was down a day",
            dt.datetime(2025, 2, 3, 12, tzinfo=dt.UTC),
        ),
        (220.0, 70, "", dt.datetime(2025, 3, 3, 12, tzinfo=dt.UTC)),
    ]
    days = KeyResult.objects.get(title="Days to a decision").indicator
    assert (days.direction, days.baseline, days.target) == ("decrease", 30.0, 10.0)
    assert [r.value for r in days.readings.all()] == [25.0]
    uptime = KeyResult.objects.get(title="Uptime of the portal").indicator
    # A guardrail without a baseline stands on its line.
    assert (uptime.direction, uptime.baseline, uptime.target) == ("stay_above", 99.5, 99.5)
    assert ExternalKey.objects.filter(organization=cast.org).count() == 11


def test_re_importing_the_same_file_changes_nothing(cast: Cast, olga):
    content = csv_file(*ROWS)
    run(cast, content)
    events, readings = Event.objects.count(), Reading.objects.count()
    again = run(cast, content)
    assert again.status == "applied"
    assert {entry["action"] for entry in again.log} == {"unchanged"}
    assert again.counts["unchanged"] == 11
    # Only the import's own record was written.
    assert Event.objects.count() == events + 1
    assert Reading.objects.count() == readings
    assert Objective.objects.count() == 2 and KeyResult.objects.count() == 3


def test_a_newer_file_updates_what_the_first_created(cast: Cast, olga):
    run(cast, csv_file(*ROWS))
    newer = [
        *ROWS[:2],
        ROWS[2].replace("100,400,apps,2", "100,500,apps,3"),
        ROWS[3],
        ROWS[4].replace("220,2025-03-03,70", "230,2025-03-03,70"),
        "FY 2025,,,Launch the online application,,,,Applications made online,,,,,,260,"
        "2025-04-01,75,",
        *ROWS[5:],
    ]
    later = run(cast, csv_file(*newer))
    assert later.status == "applied"
    by_location = {(e["kind"], e["location"]): e for e in later.log}
    assert by_location[("key_result", "row 4")]["action"] == "updated"
    assert by_location[("key_result", "row 4")]["messages"] == ["Changed: target, weight."]
    assert by_location[("checkin", "row 6")]["action"] == "updated"
    assert by_location[("checkin", "row 7")]["action"] == "created"
    assert later.counts == {
        "created": 1,
        "updated": 2,
        "unchanged": 9,
        "refused": 0,
        "adjusted": 0,
        "skipped": 0,
    }
    result = KeyResult.objects.get(title="Applications made online")
    assert (result.indicator.target, result.weight) == (500.0, 3.0)
    # Check-ins are append-only: the correction stands beside the earlier value, and wins.
    values = list(
        Reading.objects.filter(indicator=result.indicator)
        .order_by("recorded_at", "id")
        .values_list("value", flat=True)
    )
    assert values == [150.0, 220.0, 230.0, 260.0]
    assert Objective.objects.count() == 2


def test_the_audit_trail_names_the_import_and_the_file(cast: Cast, olga):
    applied = run(cast, csv_file(*ROWS))
    imported = Event.objects.filter(verb="imported", object_type="goals.keyresult")
    assert imported.count() == 3
    changes = imported.order_by("id").first().changes
    assert changes["import"] == applied.pk
    assert changes["source"] == "okrs"
    assert changes["sha256"] == applied.sha256
    assert changes["key"] == "OKRS:fy 2025/launch the online application/applications made online"
    assert Event.objects.filter(verb="imported", object_type="measures.reading").count() == 4
    assert Event.objects.filter(verb="created", object_type="goals.objective").count() == 2


def test_a_failing_row_refuses_the_whole_import(cast: Cast, olga):
    rows = [
        *ROWS,
        # A period the organization does not have, and no dates to create it with.
        "FY 2030,,,Some objective,,,,,,,,,,,,,",
    ]
    refused = run(cast, csv_file(*rows))
    assert refused.status == "refused"
    failing = [e for e in refused.log if e["action"] == "refused"]
    assert [(e["kind"], e["location"]) for e in failing] == [
        ("period", "row 9"),
        ("objective", "row 9"),
    ]
    assert "The organization has no period “FY 2030”" in failing[0]["messages"][0]
    # The objective of that period cannot apply without it.
    assert "not in the file or failed before it" in failing[1]["messages"][0]
    assert not Objective.objects.exists() and not Period.objects.exists()
    assert not Reading.objects.exists() and not ExternalKey.objects.exists()


def test_an_existing_period_is_used_by_name(cast: Cast):
    period = goals.create_period(
        cast.owner_access,
        name="Q1 2025",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 3, 31),
    )
    content = csv_file(
        "q1 2025,,,Faster permits,,,,,,,,,,,,,",
        header=HEADER,
    )
    applied = run(cast, content)
    assert actions(applied)[0] == ("period", "row 2", "unchanged")
    assert Objective.objects.get().period == period


def test_other_tools_column_names_are_read(cast: Cast, olga):
    # Peoplebox-style and generic names, a semicolon-separated file without a byte-order mark.
    header = (
        "Goal Cycle;Objective Title;Owner Emails;KR Title;Starting Value;Target Value;"
        "Current Value;Departments;Progress"
    )
    rows = [
        "FY 2025;Faster decisions;olga@acme.example;;;;;Permits;",
        "FY 2025;Faster decisions;;Days to a decision;30;12;20;;40%",
    ]
    goals.create_period(
        cast.owner_access,
        name="FY 2025",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    mapped = okrs.items_of(csv_file(*rows, header=header, bom=False))
    assert mapped.skipped == ["1 column(s) Northline does not read: “Progress”."]
    applied = run(cast, csv_file(*rows, header=header, bom=False))
    assert applied.status == "applied", applied.log
    objective = Objective.objects.get()
    assert (objective.title, objective.owner, objective.team.name) == (
        "Faster decisions",
        olga,
        "Permits",
    )
    result = KeyResult.objects.get()
    assert (result.indicator.baseline, result.indicator.target) == (30.0, 12.0)
    assert result.indicator.direction == "decrease"
    assert [r.value for r in result.indicator.readings.all()] == [20.0]


def test_an_xlsx_workbook_imports_like_its_csv(cast: Cast, olga):
    # The cells both rows of the key result repeat (period, its start and end, objective,
    # parent, team, owner, title): the first defines it, the second checks in.
    key_result = ["FY 2025", None, None, "Faster decisions", None, None, None, "Days to a decision"]
    rows: list[list[Any]] = [
        HEADER.split(","),
        ["FY 2025", dt.datetime(2025, 1, 1), dt.datetime(2025, 12, 31), "Faster decisions"],
        [*key_result, "Decrease", 30, 10, "days", 1],
        [*key_result, None, None, None, None, None, 22.5, dt.datetime(2025, 2, 3), 80, "Better"],
    ]
    applied = run(cast, xlsx_file(rows))
    assert applied.status == "applied", applied.log
    reading = Reading.objects.get()
    assert (reading.value, reading.confidence, reading.note, reading.recorded_at) == (
        22.5,
        80,
        "Better",
        dt.datetime(2025, 2, 3, 12, tzinfo=dt.UTC),
    )


class TestRefusals:
    """Bad input: refused as a whole, every problem with its row and column, nothing written."""

    def test_formula_cells_are_refused_where_they_are(self) -> None:
        message = refusal(
            csv_file(
                'FY 2025,,,"=HYPERLINK(""http://evil.example"",""Click"")",,,,,,,,,,,,,',
                "FY 2025,,,Fine objective,,,,@SUM(A1),,1,2,,,,,,",
                "FY 2025,,,Fine objective,,,,+cmd,,1,2,,,,,,",
                "FY 2025,,,Fine objective,,,,-2 days,,1,2,,,,,,",
            )
        )
        assert message.startswith("The file cannot be imported (4 problems; nothing was written)")
        assert "Row 2, column “Objective”: “=HYPERLINK(" in message
        assert "Row 3, column “Key result”: “@SUM(A1)” starts with “'@'”" in message
        assert "Row 4, column “Key result”" in message and "Row 5, column “Key result”" in message
        assert "put an apostrophe (') before it" in message

    def test_an_apostrophe_keeps_a_formula_looking_text(self) -> None:
        mapped = okrs.items_of(csv_file("FY 2025,,,'-20 % paper forms,,,,,,,,,,,,,"))
        objective = next(item for item in mapped.items if item.kind == "objective")
        assert objective.fields["title"] == "-20 % paper forms"

    def test_duplicate_key_results_in_one_file(self) -> None:
        message = refusal(csv_file(ROWS[0], ROWS[2], ROWS[2]))
        assert "Row 4, column “Key result”: “Applications made online” of “Launch the online " in (
            message
        )
        assert "already described in row 3" in message

    def test_a_duplicate_check_in_is_refused_by_its_key(self, cast: Cast, olga) -> None:
        refused = run(cast, csv_file(*ROWS, ROWS[4]))
        assert refused.status == "refused"
        duplicate = [e for e in refused.log if e["action"] == "refused"]
        assert [e["location"] for e in duplicate] == ["row 6", "row 9"]
        assert "appears 2 times in the file (row 6; row 9)" in duplicate[0]["messages"][0]
        assert not Reading.objects.exists()

    def test_numbers_dates_and_types_that_do_not_read(self) -> None:
        message = refusal(
            csv_file(
                "FY 2025,,,O,,,,K1,sideways,1,2,,,,,,",
                "FY 2025,,,O,,,,K2,,one,2,,,,,,",
                "FY 2025,,,O,,,,K3,,1,2,,,,,,",
                "FY 2025,,,O,,,,K3,,,,,,5,03/02/2025,,",
                "FY 2025,,,O,,,,K4,increase,5,2,,,,,,",
                "FY 2025,,,O,,,,K5,,5,5,,,,,,",
            )
        )
        assert "Row 2, column “Type”: “sideways” is not a type Northline knows" in message
        assert "Row 3, column “Baseline”: “one” is not a number." in message
        assert "Row 5, column “Check-in date”: “03/02/2025” is not a date" in message
        assert "Row 6, column “Type”: “increase” but the target (2) lies below" in message
        assert "Row 7, column “Target”: The target equals the baseline (5)" in message

    def test_contradicting_cells_of_one_objective(self) -> None:
        message = refusal(
            csv_file("FY 2025,,,O,,Permits,,,,,,,,,,,", "FY 2025,,,O,,Licences,,,,,,,,,,,")
        )
        assert "Row 3, column “Team”: “Licences” contradicts “Permits”" in message

    def test_a_file_that_is_not_what_it_claims(self) -> None:
        assert refusal(b"Issue key,Summary\nPERM-1,Hi\n").startswith(
            "The file is CSV but not an OKR spreadsheet"
        )
        assert "not an XLSX workbook" in refusal(b"PK\x03\x04 this is no workbook")
        assert "old Excel workbook" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
        assert "not UTF-8" in refusal("Objective\nÉté\n".encode("latin-1"))
        assert refusal(b"  \n") == "The file is empty."

    def test_a_workbook_without_the_template(self) -> None:
        assert "is XLSX but not an OKR spreadsheet" in refusal(xlsx_file([["Name", "Age"]]))


def test_only_owners_and_admins_import(cast: Cast):
    content = csv_file(*ROWS)
    for user in (cast.editor, cast.viewer):
        with pytest.raises(Forbidden):
            run(cast, content, user=user)
    with pytest.raises(NotFound):
        run(cast, content, user=cast.outsider)
    assert not ImportRun.objects.exists()


class TestRoundTrip:
    """A period exported by Northline imports back: into an organization that does not have it,
    it makes the same OKRs; into its own organization, it changes nothing."""

    def build(self, cast: Cast) -> Period:
        access = cast.owner_access
        olga = org_services.create_person(access, name="Olga Okafor", email="olga@acme.example")
        org_services.create_person(access, name="Sam Nobody")  # no e-mail: named by name
        team = org_services.create_team(access, name="Permits", kind="product")
        period = goals.create_period(
            access, name="FY 2025", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
        )
        top = goals.create_objective(
            access, title="=Residents first", period=period, owner=olga, status="active"
        )
        child = goals.create_objective(
            access, title="Launch online", period=period, parent=top, team=team, status="active"
        )
        result = goals.create_key_result(
            access, child, title="Applications", baseline=100, target=400, unit="apps", weight=2
        )
        guard = goals.create_key_result(
            access,
            child,
            title="Uptime",
            baseline=99.9,
            target=99.5,
            unit="%",
            direction="stay_above",
            owner=olga,
        )
        goals.record_check_in(
            access,
            result,
            value=150,
            confidence=60,
            note="Slow, start",
            recorded_at=dt.datetime(2025, 2, 3, 9, 30, tzinfo=dt.UTC),
        )
        for hour, value in ((9, 99.7), (15, 99.6)):  # two on one day: written with their times
            goals.record_check_in(
                access,
                guard,
                value=value,
                recorded_at=dt.datetime(2025, 3, 1, hour, tzinfo=dt.UTC),
            )
        return period

    def snapshot(self, org: Organization) -> list[Any]:
        found: list[Any] = []
        for objective in Objective.objects.filter(organization=org).order_by("title"):
            found.append(
                (
                    objective.title,
                    objective.period.name,
                    objective.parent.title if objective.parent else None,
                    objective.team.name if objective.team else None,
                    objective.owner.email if objective.owner else None,
                )
            )
            for result in objective.key_results.order_by("title"):
                ind = result.indicator
                found.append(
                    (
                        result.title,
                        result.weight,
                        result.owner.email if result.owner else None,
                        ind.direction,
                        ind.baseline,
                        ind.target,
                        ind.unit,
                        [
                            (r.value, r.confidence, r.note, r.recorded_at.date())
                            for r in ind.readings.order_by("recorded_at", "id")
                        ],
                    )
                )
        return found

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_export_then_import_into_an_empty_organization(self, cast: Cast, file_format: str):
        self.build(cast)
        exported = selectors.okr_export(cast.owner_access, "FY 2025", file_format)
        other = org_services.create_organization(cast.admin, slug="other", name="Other")
        access = cast.access(cast.admin, other)
        org_services.create_person(access, name="Olga Okafor", email="olga@acme.example")
        org_services.create_team(access, name="Permits", kind="product")
        applied = services.run_import(
            access,
            source="okrs",
            filename=f"fy2025.{file_format}",
            content=exported,
            mapped=okrs.items_of(exported),
            dry_run=False,
        )
        assert applied.status == "applied", applied.log
        assert self.snapshot(other) == self.snapshot(cast.org)
        assert self.snapshot(other)[0][0] == "=Residents first"

    def test_export_then_import_into_the_same_organization_changes_nothing(self, cast: Cast):
        self.build(cast)
        before = self.snapshot(cast.org)
        exported = selectors.okr_export(cast.owner_access, "FY 2025")
        again = run(cast, exported)
        assert again.status == "applied", again.log
        assert {entry["action"] for entry in again.log} == {"unchanged"}
        assert self.snapshot(cast.org) == before

    def test_the_export_writes_the_template(self, cast: Cast):
        self.build(cast)
        exported = selectors.okr_export(cast.owner_access, "fy 2025").decode("utf-8")
        lines = exported.splitlines()
        assert lines[0] == "\ufeff" + ",".join(header for _, header in okrs.COLUMNS)
        objective = next(line for line in lines if "Residents first" in line)
        # A formula-looking title is written with the apostrophe the importer drops.
        assert ",'=Residents first," in objective
        # The ids are the records' own (sequences differ between databases).
        uptime = KeyResult.objects.get(title="Uptime").pk
        applications = KeyResult.objects.get(title="Applications").pk
        assert lines[5].endswith(
            f",olga@acme.example,KR{uptime},Uptime,Stay above,99.9,99.5,%,1,99.6,,,"
        )
        # Two check-ins on one day are written with their times; one alone, with its day.
        assert lines[6].endswith(f",KR{uptime},Uptime,,,,,,99.7,2025-03-01 09:00:00,,")
        assert lines[4].endswith(
            f',KR{applications},Applications,,,,,,150,2025-02-03,60,"Slow, start"'
        )
        workbook = load_workbook(
            io.BytesIO(selectors.okr_export(cast.owner_access, "FY 2025", "xlsx")), read_only=True
        )
        assert [cell.value for cell in next(workbook.worksheets[0].iter_rows())][:4] == [
            "Period",
            "Period start",
            "Period end",
            "Objective ID",
        ]

    def test_an_unknown_period_is_not_found(self, cast: Cast):
        with pytest.raises(NotFound):
            selectors.okr_export(cast.owner_access, "Never")


def test_a_member_named_by_name_owns_what_the_file_gives_them(cast: Cast):
    sam = org_services.create_person(cast.owner_access, name="Sam Nobody")
    applied = run(
        cast,
        csv_file(
            "FY 2025,2025-01-01,2025-12-31,O,,,sam nobody,,,,,,,,,,",
            "FY 2025,,,O,,,Someone Else,K,,1,2,,,,,,",
        ),
    )
    assert Objective.objects.get().owner == sam
    assert KeyResult.objects.get().owner is None
    kr_row = next(entry for entry in applied.log if entry["kind"] == "key_result")
    assert kr_row["messages"] == [
        "Its owner “Someone Else” is not among the organization's people; the owner is left "
        "as it is."
    ]
