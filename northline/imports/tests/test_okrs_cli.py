"""`northline import-okrs` and `northline export-okrs`: a preview with progress that writes
nothing, an apply, a re-run that changes nothing, the refusals, and an export that imports back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from northline.cli import main
from northline.goals.models import KeyResult, Objective
from northline.imports.models import ImportRun
from northline.imports.tests.test_okrs import ROWS, csv_file
from northline.orgs import services as org_services
from northline.testing import Cast

pytestmark = pytest.mark.django_db


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sheet(cast: Cast, tmp_path: Path) -> Path:
    org_services.create_person(cast.owner_access, name="Olga Okafor", email="olga@acme.example")
    path = tmp_path / "okrs.csv"
    path.write_bytes(csv_file(*ROWS))
    return path


def test_a_dry_run_prints_every_row_with_progress_and_writes_nothing(
    sheet: Path, capsys: pytest.CaptureFixture[str]
):
    code, out, err = call(
        capsys, "import-okrs", str(sheet), "--org", "acme", "--as", "adam", "--dry-run"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "created    team   row 3: Permits"
    assert "created    key_result row 4: Applications made online" in lines
    assert "created    checkin row 5: Applications made online: 150 on 2025-02-03" in lines
    assert len(lines) == 11
    assert "previewing row 1/11" in err and "previewing row 11/11" in err
    assert err.endswith(
        "previewed (dry run): 11 created, 0 updated, 0 unchanged, 0 refused, 0 adjusted, "
        "0 skipped.\nNothing was written (dry run). Run it again without --dry-run to apply.\n"
    )
    assert not Objective.objects.exists()


def test_it_applies_then_a_second_run_changes_nothing(
    cast: Cast, sheet: Path, capsys: pytest.CaptureFixture[str]
):
    assert call(capsys, "import-okrs", str(sheet), "--org", "acme", "--as", "olivia")[0] == 0
    assert KeyResult.objects.filter(organization=cast.org).count() == 3
    code, _, err = call(capsys, "import-okrs", str(sheet), "--org", "acme", "--as", "olivia")
    assert code == 0
    assert "applied: 0 created, 0 updated, 11 unchanged, 0 refused" in err
    assert list(ImportRun.objects.values_list("status", flat=True)) == ["applied", "applied"]


def test_it_refuses_a_viewer_an_outsider_and_a_bad_file(
    sheet: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    code, _, err = call(capsys, "import-okrs", str(sheet), "--org", "acme", "--as", "victor")
    assert (code, err.splitlines()[-1]) == (
        1,
        "northline: error: Your role in Acme Ministry is viewer; this needs admin or above.",
    )
    code, _, err = call(capsys, "import-okrs", str(sheet), "--org", "acme", "--as", "oscar")
    assert code == 1 and err.startswith("northline: error: No organization named 'acme'")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(csv_file("FY 2025,,,=1+1,,,,,,,,,,,,,"))
    code, _, err = call(capsys, "import-okrs", str(bad), "--org", "acme", "--as", "adam")
    assert code == 1
    assert "Row 2, column “Objective”: “=1+1” starts with" in err
    assert not ImportRun.objects.exists()


def test_export_then_import_into_another_organization(
    cast: Cast, sheet: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    assert call(capsys, "import-okrs", str(sheet), "--org", "acme", "--as", "olivia")[0] == 0
    code, out, _ = call(
        capsys, "export-okrs", "--org", "acme", "--period", "FY 2025", "--as", "victor"
    )
    assert code == 0
    assert out.splitlines()[0].startswith("\ufeffPeriod,Period start,Period end,Objective ID")
    target = tmp_path / "fy2025.xlsx"
    code, _, err = call(
        capsys,
        "export-okrs",
        "--org",
        "acme",
        "--period",
        "FY 2025",
        "--as",
        "adam",
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    assert code == 0 and err.startswith(f"Wrote FY 2025 to {target}")
    workbook = load_workbook(io.BytesIO(target.read_bytes()), read_only=True)
    # The header, 2 objectives, 3 key results and their 4 check-ins.
    assert len(list(workbook.worksheets[0].iter_rows())) == 10
    other = org_services.create_organization(cast.admin, slug="other", name="Other")
    code, _, err = call(capsys, "import-okrs", str(target), "--org", "other", "--as", "adam")
    assert code == 0, err
    assert (
        "applied: 11 created" in err
    )  # a team, the period, 2 objectives, 3 key results, 4 check-ins
    assert KeyResult.objects.filter(organization=other).count() == 3
    code, _, err = call(capsys, "export-okrs", "--org", "acme", "--period", "Never", "--as", "adam")
    assert (code, err) == (1, "northline: error: The organization has no period “Never”.\n")
