"""What a big Jira import costs: a CSV of ``--stories`` stories under ``--epics`` epics, imported
into a fresh organization, then imported again unchanged (issue 17's goals: under 60 s, and
under 20 s for the re-import, which writes nothing but the import's own record).

The file has Jira's shape (repeated Sprint and Fix Version/s columns, quoted descriptions with
newlines and wiki markup, a byte-order mark); its 10 components become teams, its 20 sprints
and 4 versions are dated by the mapping. The floor, in the same run: reading the same CSV with
the csv module, and writing the same rows into a scratch table with one executemany.

    .venv/bin/python benchmarks/jira_import.py [--epics 500] [--stories 12250]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

from common import machine, setup

HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Status Category",
    "Project key",
    "Project name",
    "Assignee",
    "Created",
    "Fix Version/s",
    "Fix Version/s",
    "Component/s",
    "Labels",
    "Labels",
    "Description",
    "Custom field (Epic Link)",
    "Custom field (Story Points)",
    "Sprint",
    "Sprint",
    "Parent",
]
STATUSES = (("To Do", "To Do"), ("In Progress", "In Progress"), ("Done", "Done"))


def jira_csv(epics: int, stories: int) -> bytes:
    """The export, written the way Jira writes it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    issue = 0

    def row(summary: str, kind: str, status: int, **cells: str) -> list[str]:
        nonlocal issue
        issue += 1
        values = {
            "Summary": summary,
            "Issue key": f"BIG-{issue}",
            "Issue id": str(100000 + issue),
            "Issue Type": kind,
            "Status": STATUSES[status][0],
            "Status Category": STATUSES[status][1],
            "Project key": "BIG",
            "Project name": "Big Programme",
            "Created": "12/Mar/26 10:15 AM",
            "Component/s": f"Squad {issue % 10}",
            "Description": f"h3. Why\nIssue {issue}, with *bold* and a [link|https://example.org/{issue}].",
            **cells,
        }
        cells_out = []
        seen: dict[str, int] = {}
        for name in HEADER:
            position = seen.get(name, 0)
            seen[name] = position + 1
            value = values.get(name, "")
            cells_out.append(value if position == 0 else "")
        return cells_out

    per_epic = stories // epics
    extra = stories - per_epic * epics
    for epic in range(epics):
        writer.writerow(row(f"Epic {epic}: a service online", "Epic", epic % 3))
        epic_key = f"BIG-{issue}"
        for number in range(per_epic + (1 if epic < extra else 0)):
            writer.writerow(
                row(
                    f"Story {number} of epic {epic}",
                    ("Story", "Task", "Bug")[number % 3],
                    number % 3,
                    **{
                        "Custom field (Epic Link)": epic_key,
                        "Custom field (Story Points)": str((1, 2, 3, 5, 8)[number % 5]),
                        "Sprint": f"BIG Sprint {number % 20 + 1}",
                        "Fix Version/s": f"v{epic % 4 + 1}.0",
                    },
                )
            )
    return out.getvalue().encode("utf-8-sig")


def mapping() -> dict:
    start = dt.date(2026, 1, 5)
    return {
        "sprints": {
            f"BIG Sprint {n + 1}": {
                "starts_on": (start + dt.timedelta(days=14 * n)).isoformat(),
                "ends_on": (start + dt.timedelta(days=14 * n + 13)).isoformat(),
            }
            for n in range(20)
        },
        "releases": {f"v{n + 1}.0": f"2026-0{n + 3}-30" for n in range(4)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epics", type=int, default=500)
    parser.add_argument("--stories", type=int, default=12250)
    arguments = parser.parse_args()
    content = jira_csv(arguments.epics, arguments.stories)
    with tempfile.TemporaryDirectory(prefix="northline-jira-") as directory:
        setup(Path(directory))
        from django.db import connection

        from northline.imports import jira, services
        from northline.orgs import services as org_services
        from northline.orgs.access import access_organization
        from northline.orgs.models import Event
        from northline.portfolio.models import Epic, Story
        from northline.testing import make_user

        owner = make_user("bench")
        org = org_services.create_organization(owner, slug="bench", name="Benchmark Agency")
        access = access_organization(owner, org.slug)

        started = time.perf_counter()
        with io.StringIO(content.decode("utf-8-sig"), newline="") as text:
            rows = list(csv.reader(text))
        floor_read = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE floor_rows (key text, title text, description text, "
                "state text, estimate integer, epic text, team text)"
            )
            cursor.executemany(
                "INSERT INTO floor_rows VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(r[1], r[0], r[15], r[4], r[17] or None, r[16], r[12]) for r in rows[1:]],
            )
        floor_write = time.perf_counter() - started

        started = time.perf_counter()
        mapped = jira.items_of(content, mapping())
        read_map = time.perf_counter() - started

        def timed(dry_run: bool) -> tuple[float, object]:
            began = time.perf_counter()
            run = services.import_file(
                access,
                source="jira",
                filename="big.csv",
                content=content,
                mapping=mapping(),
                dry_run=dry_run,
            )
            return time.perf_counter() - began, run

        preview_s, preview = timed(True)
        apply_s, applied = timed(False)
        events = Event.objects.count()
        again_s, again = timed(False)
        written = Event.objects.count() - events
        print(
            f"{arguments.epics} epics, {arguments.stories} stories, "
            f"{len(content) / 1024 / 1024:.1f} MB of CSV, {len(mapped.items)} rows to apply"
        )
        print(machine())
        print()
        print("| what | figure |")
        print("| --- | ---: |")
        print(f"| floor: read the CSV (csv module) | {floor_read:.2f} s |")
        print(f"| floor: write its rows (one executemany) | {floor_write:.2f} s |")
        print(f"| read and map | {read_map:.2f} s |")
        print(f"| preview (dry run, rolled back) | {preview_s:.1f} s |")
        print(f"| apply into an empty organization | {apply_s:.1f} s |")
        print(f"| re-import unchanged | {again_s:.1f} s |")
        print(f"| events the re-import wrote | {written} |")
        print(f"| apply / floor (read + write) | {apply_s / (floor_read + floor_write):.0f}× |")
        print()
        print(f"statuses: preview {preview.status}, apply {applied.status}, again {again.status}")
        print(f"counts: apply {applied.counts}; again {again.counts}")
        print(f"epics {Epic.objects.count()}, stories {Story.objects.count()}")


if __name__ == "__main__":
    main()
