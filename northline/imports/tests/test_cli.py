"""`northline import-taiga`: a preview that writes nothing, an apply, a re-run that changes
nothing, and the refusals a command line can meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from northline.cli import main
from northline.imports.models import ImportRun
from northline.imports.tests.test_taiga import FIXTURE
from northline.portfolio.models import Epic, Story
from northline.testing import Cast

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["import-taiga", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_dry_run_prints_every_row_and_writes_nothing(
    cast: Cast, capsys: pytest.CaptureFixture[str]
):
    code, out, err = run(capsys, str(FIXTURE), "--org", "acme", "--as", "adam", "--dry-run")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "created    team   project: Permit Portal"
    assert (
        "created    story  user_stories[0] (ref 3): Resident registers an account and confirms "
        "their e-mail address"
    ) in lines
    assert lines[-2] == "skipped    3 comment(s): Northline keeps no comments on epics or stories."
    assert lines[-1].startswith("skipped    1 person(s) the file names are not among")
    assert len(lines) == 33 + 3
    assert "previewing row 33/33" in err
    assert err.endswith(
        "previewed (dry run): 33 created, 0 updated, 0 unchanged, 0 refused, 2 adjusted, "
        "3 skipped.\nNothing was written (dry run). Run it again without --dry-run to apply.\n"
    )
    assert not Epic.objects.exists()


def test_it_applies_then_a_second_run_changes_nothing(
    cast: Cast, capsys: pytest.CaptureFixture[str]
):
    assert run(capsys, str(FIXTURE), "--org", "acme", "--as", "olivia")[0] == 0
    assert Story.objects.filter(organization=cast.org).count() == 26
    code, _, err = run(capsys, str(FIXTURE), "--org", "acme", "--as", "olivia")
    assert code == 0
    assert "applied: 0 created, 0 updated, 33 unchanged, 0 refused" in err
    assert Story.objects.filter(organization=cast.org).count() == 26
    assert list(ImportRun.objects.values_list("status", flat=True)) == ["applied", "applied"]


def test_it_refuses_a_viewer_an_outsider_and_a_file_it_cannot_read(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    code, _, err = run(capsys, str(FIXTURE), "--org", "acme", "--as", "victor")
    assert (code, err.splitlines()[-1]) == (
        1,
        "northline: error: Your role in Acme Ministry is viewer; this needs admin or above.",
    )
    code, _, err = run(capsys, str(FIXTURE), "--org", "acme", "--as", "oscar")
    assert code == 1 and err.startswith("northline: error: No organization named 'acme'")
    code, _, err = run(capsys, str(tmp_path / "missing.json"), "--org", "acme", "--as", "adam")
    assert (code, err) == (
        1,
        f"northline: error: cannot read {tmp_path / 'missing.json'}: No such file or directory\n",
    )
    csv = tmp_path / "jira.csv"
    csv.write_text("Issue key,Summary\nPERM-1,Hello\n")
    code, _, err = run(capsys, str(csv), "--org", "acme", "--as", "adam")
    assert code == 1 and "The file is not JSON (line 1, column 1" in err
    assert not ImportRun.objects.exists()


JIRA = Path(__file__).resolve().parent / "fixtures/jira/permit-portal.csv"


def test_import_jira_with_a_mapping_file_saves_it_for_the_next_run(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        '{"statuses": {"Waiting for Legal": "done"}, "releases": {"2.0": "2026-05-01"}}'
    )
    argv = ["import-jira", str(JIRA), "--org", "acme", "--as", "adam"]
    assert main([*argv, "--dry-run", "--mapping", str(mapping), "--save-mapping"]) == 0
    out, err = capsys.readouterr()
    assert "created    release Fix version “2.0”: 2.0" in out.splitlines()
    assert "Saved the mapping as the organization's for the next Jira imports." in err
    assert "previewing row 14/14" in err
    assert not Story.objects.exists()
    # Without --mapping, the saved one is used.
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "applied: 14 created, 0 updated, 0 unchanged, 0 refused, 1 adjusted" in err
    assert Story.objects.get(title="Book an inspection slot").state == "done"


def test_import_jira_refuses_a_mapping_it_cannot_read(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    argv = ["import-jira", str(JIRA), "--org", "acme", "--as", "adam"]
    broken = tmp_path / "mapping.json"
    broken.write_text("{statuses")
    assert main([*argv, "--mapping", str(broken)]) != 0
    assert "mapping.json is not JSON" in capsys.readouterr().err
    assert main([*argv, "--save-mapping"]) != 0
    assert "--save-mapping keeps the mapping given with --mapping" in capsys.readouterr().err
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"team_field": "Squad"}')
    assert main([*argv, "--mapping", str(wrong)]) != 0
    assert "the file has no such column" in capsys.readouterr().err
    assert not ImportRun.objects.exists()
