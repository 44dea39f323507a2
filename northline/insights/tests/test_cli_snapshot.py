"""`northline snapshot`: the day's alignment index of every organization, or of one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from northline.cli import main
from northline.insights.models import Snapshot
from northline.orgs import services
from northline.testing import Cast


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_it_snapshots_every_organization_and_its_teams(cast: Cast, capsys) -> None:
    services.create_team(cast.owner_access, name="Permits", kind="product")
    today = timezone.localdate()

    code, out, err = run(capsys, "snapshot")

    assert (code, out) == (0, "")
    assert err == (
        f"[1/2] acme: 2 snapshot(s) for {today:%Y-%m-%d}\n"
        f"[2/2] elsewhere: 1 snapshot(s) for {today:%Y-%m-%d}\n"
    )
    rows = Snapshot.objects.filter(organization=cast.org, taken_on=today)
    assert sorted(row.team.name if row.team else "" for row in rows) == ["", "Permits"]


def test_it_snapshots_one_organization_for_a_day_gone_by(cast: Cast, capsys) -> None:
    day = timezone.localdate() - dt.timedelta(days=3)

    code, _, err = run(capsys, "snapshot", "--org", "elsewhere", "--date", day.isoformat())

    assert code == 0
    assert err == f"[1/1] elsewhere: 1 snapshot(s) for {day:%Y-%m-%d}\n"
    assert list(Snapshot.objects.values_list("organization__slug", "taken_on")) == [
        ("elsewhere", day)
    ]


def test_it_replaces_the_day_when_run_again(cast: Cast, capsys) -> None:
    run(capsys, "snapshot", "--org", "acme")
    code, _, _ = run(capsys, "snapshot", "--org", "acme")

    assert code == 0
    assert Snapshot.objects.filter(organization=cast.org).count() == 1


def test_it_refuses_an_unknown_organization_and_writes_nothing(cast: Cast, capsys) -> None:
    code, _, err = run(capsys, "snapshot", "--org", "nowhere")

    assert (code, err) == (1, "northline: error: no organization named 'nowhere'\n")
    assert not Snapshot.objects.exists()


def test_it_refuses_a_day_to_come_and_writes_nothing(cast: Cast, capsys) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    code, _, err = run(capsys, "snapshot", "--date", tomorrow.isoformat())

    assert code == 1
    assert err.startswith(f"northline: error: {tomorrow:%Y-%m-%d} has not come yet")
    assert not Snapshot.objects.exists()


def test_it_refuses_a_date_that_does_not_parse(cast: Cast, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["snapshot", "--date", "1 December"])

    assert stop.value.code == 2
    assert "not a date in the form YYYY-MM-DD: '1 December'" in capsys.readouterr().err
