"""Jira: the CSV an issue search exports ("Export → CSV (all fields)" in Jira Cloud and Data
Center), read into epics, stories, teams, sprints and releases (docs/imports.md).

The file's own shape: one header row whose names repeat (a column per sprint, fix version,
label or component the issue has), quoted fields that hold commas and newlines, often a UTF-8
byte-order mark, and text in Jira's wiki markup.

The mapping, row by row:

* ``Epic`` issues → epics, in the column their status maps to (the board's rules decide where
  they land); their business case is left empty and the preview says the gates will ask for it;
* ``Sub-task`` issues → left alone (Northline plans at the level of stories), counted;
* every other type (Story, Task, Bug, …) → a story under its epic: ``Parent`` (an id or a key),
  ``Parent id`` or, on older sites, ``Custom field (Epic Link)``. An epic that is not in the
  file is looked for among what earlier imports created; failing that, the story goes under one
  holding epic per project and the preview says so;
* the team field (``Component/s`` unless the mapping names another column) → teams; an issue
  without one belongs to a team named after its project;
* ``Sprint`` → sprints, one per team with issues in it (a Northline sprint is one team's),
  and ``Fix Version/s`` →
  releases, each an epic's feature in it. A Jira CSV carries neither a sprint's dates nor a
  version's release date, so they come from the mapping; a sprint or version the mapping does
  not date is listed as left alone, and its issues are imported without it;
* ``Assignee`` → the epic's owner, matched against the organization's people by e-mail or by
  name, never invented.

The mapping is a small JSON document (:func:`mapping_of` reads and checks it): which status goes
to which column, which column names the team, and the sprints' and versions' dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from northline.imports.pipeline import Item, Mapped, check_size, decode, iso_day, text
from northline.lib.errors import Invalid
from northline.lib.exports import FORMULA_STARTS

SOURCE = "jira"
COLUMNS = ("funnel", "todo", "doing", "done")
LABELS = {"funnel": "Funnel", "todo": "To do", "doing": "Doing", "done": "Done"}

# Jira's three status categories; an epic still "To Do" in Jira is an idea, in the Funnel.
EPIC_CATEGORIES = {"to do": "funnel", "in progress": "doing", "done": "done"}
STORY_CATEGORIES = {"to do": "todo", "in progress": "doing", "done": "done"}
# Without a Status Category column (older exports), the statuses Jira's templates ship.
STATUS_NAMES = {
    "open": "to do",
    "to do": "to do",
    "backlog": "to do",
    "selected for development": "to do",
    "reopened": "to do",
    "in progress": "in progress",
    "in review": "in progress",
    "review": "in progress",
    "done": "done",
    "closed": "done",
    "resolved": "done",
}

REQUIRED = ("Issue key", "Summary", "Issue Type")
POINTS = ("Custom field (Story Points)", "Custom field (Story point estimate)")
EPIC_LINK = "Custom field (Epic Link)"
SUBTASKS = {"sub-task", "subtask"}
DEFAULT_TEAM_FIELD = "Component/s"


# The mapping ---------------------------------------------------------------------------------


def mapping_of(data: Any) -> dict[str, Any]:
    """A mapping document checked and normalised; a wrong entry is refused naming its path.

    ``{"statuses": {"Code Review": "doing"}, "team_field": "Component/s",
    "sprints": {"PERM Sprint 4": {"starts_on": "2026-03-02", "ends_on": "2026-03-15",
    "capacity": 30}}, "releases": {"2.0": "2026-04-30"}}``; every key is optional."""
    if data in (None, ""):
        return {"statuses": {}, "team_field": DEFAULT_TEAM_FIELD, "sprints": {}, "releases": {}}
    if not isinstance(data, dict):
        raise Invalid("The mapping is not a JSON object.", fields={"mapping": "Not an object."})
    unknown = set(data) - {"statuses", "team_field", "sprints", "releases"}
    if unknown:
        name = sorted(unknown)[0]
        raise Invalid(
            f"The mapping has no setting “{name}” (it knows statuses, team_field, sprints and "
            "releases).",
            fields={f"mapping.{name}": "Unknown setting."},
        )
    statuses = section(data, "statuses")
    for status, column in statuses.items():
        if column not in COLUMNS:
            raise Invalid(
                f"The mapping sends status “{status}” to “{column}”, which is not a column "
                f"({', '.join(COLUMNS)}).",
                fields={f"mapping.statuses.{status}": "Not a column."},
            )
    team_field = data.get("team_field", DEFAULT_TEAM_FIELD)
    if not isinstance(team_field, str):
        raise Invalid(
            "The mapping's team_field is the name of a column.",
            fields={"mapping.team_field": "Not a column name."},
        )
    sprints = {}
    for name, dates in section(data, "sprints").items():
        where = f"mapping.sprints.{name}"
        if not isinstance(dates, dict):
            raise Invalid(
                f"The sprint “{name}” needs starts_on and ends_on.", fields={where: "Not dates."}
            )
        starts_on = iso_day(dates.get("starts_on"), f"{where}.starts_on")
        ends_on = iso_day(dates.get("ends_on"), f"{where}.ends_on")
        if ends_on < starts_on:
            raise Invalid(
                f"The sprint “{name}” ends before it starts.",
                fields={f"{where}.ends_on": "Before starts_on."},
            )
        capacity = dates.get("capacity")
        if capacity is not None and (
            isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0
        ):
            raise Invalid(
                f"The sprint “{name}”'s capacity is a whole number of points.",
                fields={f"{where}.capacity": "Not a whole number."},
            )
        sprints[name] = {
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "capacity": capacity,
        }
    releases = {
        name: iso_day(day, f"mapping.releases.{name}").isoformat()
        for name, day in section(data, "releases").items()
    }
    return {
        "statuses": dict(statuses),
        "team_field": team_field.strip(),
        "sprints": sprints,
        "releases": releases,
    }


def section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name) or {}
    if not isinstance(value, dict):
        raise Invalid(
            f"The mapping's {name} is an object of names.",
            fields={f"mapping.{name}": "Not an object."},
        )
    return value


# Reading -------------------------------------------------------------------------------------


class Sheet:
    """The CSV's rows with its repeated header names: every value of a name, in column order."""

    def __init__(self, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self.header = [name.strip() for name in header]
        self.rows = rows
        self.columns: dict[str, list[int]] = defaultdict(list)
        for index, name in enumerate(self.header):
            self.columns[name].append(index)

    def all(self, row: list[str], name: str) -> list[str]:
        return [
            row[index].strip()
            for index in self.columns.get(name, [])
            if index < len(row) and row[index].strip()
        ]

    def one(self, row: list[str], name: str) -> str:
        values = self.all(row, name)
        return values[0] if values else ""


def read(content: bytes) -> Sheet:
    """The CSV as a :class:`Sheet`, or a clear refusal saying what the file is not."""
    check_size(content)
    body = decode(content)
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise Invalid(
            f"The file is not readable CSV at line {reader.line_num}: {error}.",
            fields={"file": "Not CSV."},
        ) from error
    missing = [name for name in REQUIRED if name not in [cell.strip() for cell in header or []]]
    if header is None or missing:
        raise Invalid(
            "The file is not a Jira CSV export"
            + (f" (it has no {', '.join(missing)} column)" if header else " (it is empty)")
            + ". In Jira, search the issues, then Export → Export CSV (all fields).",
            fields={"file": "Not a Jira CSV export."},
        )
    return Sheet(header, rows)


# Jira wiki markup → Markdown -----------------------------------------------------------------

HEADING = re.compile(r"^h([1-6])\.\s+", re.MULTILINE)
LIST_ITEM = re.compile(r"^([*#]+)\s+", re.MULTILINE)
LINK = re.compile(r"\[([^|\]\n]+)\|((?:https?|mailto):[^\]\s]+)\]")
BARE_LINK = re.compile(r"\[((?:https?|mailto):[^\]\s]+)\]")
BLOCK = re.compile(r"\{(?:code|noformat)(?::[^}]*)?\}(.*?)\{(?:code|noformat)\}", re.DOTALL)
MONOSPACE = re.compile(r"\{\{(.+?)\}\}")
BOLD = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_(\S(?:[^_\n]*\S)?)_(?![\w_])")


def markdown_of(wiki: str) -> str:
    """The common part of Jira's wiki markup in Markdown, which Northline renders: headings,
    lists, links, code blocks, monospace, bold and italic. Anything else stays as written."""
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append("```\n" + match.group(1).strip("\n") + "\n```")
        return f"\x00{len(blocks) - 1}\x00"

    body = BLOCK.sub(keep, wiki.replace("\r\n", "\n"))
    body = LIST_ITEM.sub(
        lambda match: (
            "  " * (len(match.group(1)) - 1) + ("1. " if match.group(1)[-1] == "#" else "- ")
        ),
        body,
    )
    body = HEADING.sub(lambda match: "#" * int(match.group(1)) + " ", body)
    body = LINK.sub(r"[\1](\2)", body)
    body = BARE_LINK.sub(r"<\1>", body)
    body = MONOSPACE.sub(r"`\1`", body)
    body = BOLD.sub(r"**\1**", body)
    body = ITALIC.sub(r"*\1*", body)
    return re.sub("\x00(\\d+)\x00", lambda match: blocks[int(match.group(1))], body)


# Mapping the rows ----------------------------------------------------------------------------


def column_of(
    status: str,
    category: str,
    kind: str,
    mapping: Mapping[str, Any],
    notes: list[str],
) -> str:
    """The column a status maps to: the mapping's choice, else its status category."""
    chosen = mapping["statuses"].get(status)
    if chosen is not None:
        return "todo" if kind == "story" and chosen == "funnel" else chosen
    categories = EPIC_CATEGORIES if kind == "epic" else STORY_CATEGORIES
    known = category.strip().lower() or STATUS_NAMES.get(status.strip().lower(), "")
    if known in categories:
        return categories[known]
    fallback = "funnel" if kind == "epic" else "todo"
    notes.append(
        f"Jira status “{status}” is not one Northline knows; read as {LABELS[fallback]} "
        "(choose its column in the mapping)."
    )
    return fallback


def points_of(row: list[str], sheet: Sheet, notes: list[str]) -> int | None:
    for name in POINTS:
        value = sheet.one(row, name)
        if not value:
            continue
        try:
            points = float(value.replace(",", "."))
        except ValueError:
            notes.append(f"The story points “{value}” are not a number; left unestimated.")
            return None
        if points < 0 or points > 32767:
            notes.append(f"The story points {value} are out of range; left unestimated.")
            return None
        if points != int(points):
            notes.append(f"{points:g} points rounded up to {math.ceil(points)}.")
        return math.ceil(points)
    return None


def formula_notes(fields: dict[str, Any], notes: list[str]) -> None:
    """Text a spreadsheet would run as a formula is imported as text, and said so."""
    for name in ("title", "description"):
        value = fields.get(name)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            notes.append(
                f"The {name} starts with “{value[0]}” as a spreadsheet formula would; it is kept "
                "as text (Northline's exports quote it)."
            )


def sprint_key(name: str, team: str) -> str:
    """A team's sprint: JIRA:sprint/<name>/<team key>."""
    return f"JIRA:sprint/{name}/{team.removeprefix('JIRA:')}"


def map_sheet(sheet: Sheet, mapping: Mapping[str, Any]) -> Mapped:
    """The sheet's rows as items, in the order they apply; see the module's docstring."""
    team_field = mapping["team_field"]
    if team_field == DEFAULT_TEAM_FIELD and team_field not in sheet.columns:
        team_field = ""  # an export without components: each project is a team
    if team_field and team_field not in sheet.columns:
        raise Invalid(
            f"The mapping names “{team_field}” as the team column, and the file has no such "
            "column.",
            fields={"mapping.team_field": "Not a column of the file."},
        )
    ids = {
        sheet.one(row, "Issue id"): sheet.one(row, "Issue key")
        for _, row in sheet.rows
        if sheet.one(row, "Issue id")
    }
    kinds = {
        sheet.one(row, "Issue key"): sheet.one(row, "Issue Type").lower() for _, row in sheet.rows
    }
    items: list[Item] = []
    teams: dict[str, Item] = {}
    skipped: list[str] = []
    subtasks = 0

    def team_of(row: list[str], notes: list[str]) -> str:
        values = sheet.all(row, team_field) if team_field else []
        project = sheet.one(row, "Project key") or sheet.one(row, "Issue key").split("-")[0]
        name = values[0] if values else sheet.one(row, "Project name") or project
        if len(values) > 1:
            notes.append(
                f"It has {len(values)} teams in {team_field}; it goes to the first, {name}."
            )
        key = f"JIRA:{project}/team/{name.lower()}"
        if key not in teams:
            team_notes: list[str] = []
            teams[key] = Item(
                key=key,
                kind="team",
                location=f"{team_field} “{name}”" if values else f"project “{name}”",
                fields={"name": text(name, 100, "team name", team_notes)},
                notes=team_notes,
            )
        return key

    sprint_rows: dict[str, list[tuple[str, int]]] = defaultdict(list)  # name → (team, points)
    sprint_of: dict[str, str] = {}  # a story's key → the Jira sprint it was in last
    version_epics: dict[str, list[str]] = defaultdict(list)
    stories: list[Item] = []
    epics: dict[str, Item] = {}
    statuses: Counter[str] = Counter()
    for line, row in sheet.rows:
        issue = sheet.one(row, "Issue key")
        kind = kinds.get(issue, "")
        location = f"line {line} ({issue or 'no key'})"
        if not issue:
            items.append(
                Item(
                    key=f"JIRA:line/{line}",
                    kind="story",
                    location=location,
                    fields={"title": sheet.one(row, "Summary")},
                    refusal="It has no Issue key: Jira writes one on every row.",
                )
            )
            continue
        if kind in SUBTASKS:
            subtasks += 1
            continue
        notes: list[str] = []
        status = sheet.one(row, "Status")
        statuses[status] += 1
        category = sheet.one(row, "Status Category")
        fields: dict[str, Any] = {
            "title": text(sheet.one(row, "Summary"), 200, "summary", notes),
            "description": text(
                markdown_of(sheet.one(row, "Description")), 100_000, "description", notes
            ),
        }
        formula_notes(fields, notes)
        team = team_of(row, notes)
        project = sheet.one(row, "Project key") or issue.split("-")[0]
        for version in sheet.all(row, "Fix Version/s"):
            version_epics[f"{project}/{version}"].append(issue)
        if kind == "epic":
            notes.append(
                "Its business case (what, why, lagging indicator) is empty in Jira: the gates "
                "will ask for it before To do."
            )
            item = Item(
                key=f"JIRA:{issue}",
                kind="epic",
                location=location,
                fields=fields,
                state=column_of(status, category, "epic", mapping, notes),
                state_label=status,
                team=team,
                owner_email=sheet.one(row, "Assignee"),
                notes=notes,
            )
            epics[issue] = item
            items.append(item)
            continue
        parent = sheet.one(row, "Parent") or sheet.one(row, "Parent id")
        parent = ids.get(parent, parent) if parent else sheet.one(row, EPIC_LINK)
        fields["estimate"] = points_of(row, sheet, notes)
        sprints = sheet.all(row, "Sprint")
        if len(sprints) > 1:
            notes.append(
                f"It was in {len(sprints)} sprints ({', '.join(sprints)}); it goes to the last, "
                f"{sprints[-1]}."
            )
        if sprints:
            sprint_rows[sprints[-1]].append((team, fields["estimate"] or 0))
            sprint_of[f"JIRA:{issue}"] = sprints[-1]
        if parent and kinds.get(parent, "epic") != "epic":
            notes.append(f"Its parent {parent} is not an epic; it goes under that issue's epic.")
        story = Item(
            key=f"JIRA:{issue}",
            kind="story",
            location=location,
            fields=fields,
            state=column_of(status, category, "story", mapping, notes),
            state_label=status,
            team=team,
            epic=f"JIRA:{parent}" if parent else None,
            fallback_epic=f"JIRA:{project}/without-epic",
            notes=notes,
        )
        stories.append(story)

    # A story whose parent is a story takes that story's epic.
    parents = {story.key: story.epic for story in stories}
    for story in stories:
        if story.epic in parents:
            story.epic = parents[story.epic]

    sprint_items = []
    for name, rows in sprint_rows.items():
        dates = mapping["sprints"].get(name)
        if dates is None:
            skipped.append(
                f"Sprint “{name}” ({len(rows)} issue(s)): a Jira CSV does not carry a sprint's "
                "dates; give them in the mapping to import it. Its issues are imported without "
                "a sprint."
            )
            continue
        # A Jira sprint spans the board's teams; in Northline a sprint is one team's, so it
        # becomes one sprint per team with issues in it, each planned with that team's points.
        planned: dict[str, int] = defaultdict(int)
        for team, points in rows:
            planned[team] += points
        for team, points in planned.items():
            sprint_items.append(
                Item(
                    key=sprint_key(name, team),
                    kind="sprint",
                    location=f"Sprint “{name}”, {teams[team].fields['name']}",
                    fields={
                        "name": text(name, 100, "sprint name", []),
                        "starts_on": dt.date.fromisoformat(dates["starts_on"]),
                        "ends_on": dt.date.fromisoformat(dates["ends_on"]),
                        "capacity": points if dates.get("capacity") is None else dates["capacity"],
                    },
                    team=team,
                )
            )
    # Each story in its team's part of its dated sprint (an undated sprint is left out).
    for story in stories:
        name = sprint_of.get(story.key, "")
        if name in mapping["sprints"]:
            story.sprint = sprint_key(name, story.team or "")

    # A version's epics: the epics it names, and the epics of the stories it names.
    epic_of = {story.key: story.epic for story in stories}
    release_items: list[Item] = []
    for version, issues in version_epics.items():
        project, name = version.split("/", 1)
        day = mapping["releases"].get(name)
        if day is None:
            skipped.append(
                f"Fix version “{name}” ({len(issues)} issue(s)): a Jira CSV does not carry a "
                "version's release date; give it in the mapping to import it as a release."
            )
            continue
        issues = list(
            dict.fromkeys(
                issue if issue in epics else str(epic_of.get(f"JIRA:{issue}")).removeprefix("JIRA:")
                for issue in issues
            )
        )
        issues = [issue for issue in issues if issue in epics]
        key = f"JIRA:{project}/version/{name}"
        release_items.append(
            Item(
                key=key,
                kind="release",
                location=f"Fix version “{name}”",
                fields={
                    "name": text(name, 200, "version name", []),
                    "planned_date": dt.date.fromisoformat(day),
                },
            )
        )
        for issue in issues:
            epic = epics[issue]
            release_items.append(
                Item(
                    key=f"JIRA:{issue}/version/{name}",
                    kind="feature",
                    location=f"{epic.location}, fix version “{name}”",
                    fields={"title": epic.fields["title"]},
                    team=epic.team,
                    epic=epic.key,
                    release=key,
                )
            )

    holding: dict[str, Item] = {}
    for story in stories:
        fallback = story.fallback_epic or ""
        if fallback not in holding:
            project = fallback.removeprefix("JIRA:").removesuffix("/without-epic")
            holding[fallback] = Item(
                key=fallback,
                kind="epic",
                location=f"issues of {project} without an epic in the file",
                fields={
                    "title": f"{project}: work without an epic",
                    "description": "Issues that had no epic in the Jira export.",
                },
                state="funnel",
                team=story.team,
            )
    if subtasks:
        skipped.append(
            f"{subtasks} sub-task(s): Northline plans at the level of stories, not sub-tasks."
        )
    return Mapped(
        items=[*teams.values(), *sprint_items, *items, *release_items, *stories],
        skipped=skipped,
        holding=holding,
        found={
            "statuses": sorted(statuses),
            "columns": sorted(name for name in sheet.columns if name),
            "sprints": sorted(sprint_rows),
            "versions": sorted({version.split("/", 1)[1] for version in version_epics}),
        },
    )


def items_of(content: bytes, mapping: Mapping[str, Any] | None = None) -> Mapped:
    """Read and map a Jira CSV export (read → map) with a checked mapping."""
    return map_sheet(read(content), mapping_of(dict(mapping) if mapping else None))
