"""Taiga: the project export JSON that Taiga's own exporter writes (``GET
/api/v1/exporter/<project_id>``), read into epics, stories, sprints and one team (docs/imports.md).

The mapping, row by row:

* the project → a team of the same name (an existing team with that name is used, not doubled);
* milestones → that team's sprints; the capacity is the points of the stories planned in it;
* epics → epics, owned by the person whose e-mail is the epic's assignee (when the organization
  has one); the status is the column asked for, and the board's rules decide where it lands;
* user stories → stories under their epic (or under one epic that holds the project's stories
  without an epic), estimated by the sum of their role points, in their sprint;
* issues (bugs) → stories under that same holding epic;
* tasks and comments: Northline has no equivalent; the preview counts them as left alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from northline.imports.pipeline import Item, Mapped, check_size, decode, iso_day, text
from northline.lib.errors import Invalid

SOURCE = "taiga"

# Taiga's statuses by name: the ones the scrum and kanban templates ship. A closed status is
# done whatever its name; any other unknown one is to do, and the preview says so.
EPIC_STATES = {"new": "funnel", "ready": "todo", "in progress": "doing", "ready for test": "doing"}
STORY_STATES = {"new": "todo", "ready": "todo", "in progress": "doing", "ready for test": "doing"}
LABELS = {"funnel": "Funnel", "todo": "To do", "doing": "Doing", "done": "Done"}

# What a Taiga project export always has (the exporter writes every key, empty or not).
REQUIRED = ("name", "slug", "epics", "user_stories", "milestones")


def read(content: bytes) -> dict[str, Any]:
    """The export as a dict, or a clear refusal saying what the file is not."""
    check_size(content)
    try:
        data = json.loads(decode(content))
    except json.JSONDecodeError as error:
        raise Invalid(
            f"The file is not JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            "A Taiga import reads the JSON file Taiga's project exporter writes.",
            fields={"file": "Not JSON."},
        ) from error
    if not isinstance(data, dict) or any(name not in data for name in REQUIRED):
        missing = [name for name in REQUIRED if name not in data] if isinstance(data, dict) else []
        raise Invalid(
            "The file is JSON but not a Taiga project export"
            + (f" (it has no {', '.join(missing)})" if missing else "")
            + ". Export the project from Taiga's admin (Project → Export) and import that file.",
            fields={"file": "Not a Taiga export."},
        )
    for name in ("epics", "user_stories", "milestones", "issues", "tasks"):
        if not isinstance(data.get(name, []), list):
            raise Invalid(f"“{name}” in the export is not a list.", fields={"file": name})
    return data


def state_of(
    status: str, closed: bool, states: Mapping[str, str], where: str, notes: list[str]
) -> str:
    if closed:
        return "done"
    state = states.get(status.strip().lower())
    if state is None:
        state = "todo"
        notes.append(f"Taiga status “{status}” is not one Northline knows; read as To do.")
    return state


def points_of(
    row: dict[str, Any], values: Mapping[str, float | None], notes: list[str]
) -> int | None:
    """A story's points: the sum of its role points (“?” counts nothing); None when no role has
    any, rounded up to a whole point when Taiga's halves leave a fraction."""
    numbers = [values.get(str(part.get("points"))) for part in row.get("role_points") or []]
    known = [number for number in numbers if number is not None]
    if not known:
        return None
    total = sum(known)
    if total != int(total):
        notes.append(f"{total:g} points rounded up to {math.ceil(total)}.")
    return math.ceil(total)


def statuses(data: dict[str, Any], name: str) -> dict[str, bool]:
    """Status name → closed, from the project's own list."""
    return {
        str(status.get("name", "")): bool(status.get("is_closed"))
        for status in data.get(name) or []
        if isinstance(status, dict)
    }


def map_export(data: dict[str, Any]) -> Mapped:
    """The export's rows as items, in the order they apply; see the module's docstring."""
    slug = str(data["slug"])
    prefix = f"TAIGA:{slug}"
    team_key = f"{prefix}/team"
    team_notes: list[str] = []
    items = [
        Item(
            key=team_key,
            kind="team",
            location="project",
            fields={"name": text(data["name"], 100, "project name", team_notes)},
            notes=team_notes,
        )
    ]
    values = {
        str(point.get("name")): point.get("value")
        for point in data.get("points") or []
        if isinstance(point, dict)
    }

    # Sprints: their capacity is what was planned into them.
    planned: dict[str, int] = {}
    for row in data["user_stories"]:
        if isinstance(row, dict) and row.get("milestone"):
            points = points_of(row, values, [])
            planned[str(row["milestone"])] = planned.get(str(row["milestone"]), 0) + (points or 0)
    sprint_keys: dict[str, str] = {}
    for index, row in enumerate(data["milestones"]):
        where = f"milestones[{index}]"
        notes: list[str] = []
        name = text(row.get("name"), 100, "sprint name", notes)
        key = f"{prefix}/milestone/{row.get('slug') or name}"
        sprint_keys[str(row.get("name"))] = key
        items.append(
            Item(
                key=key,
                kind="sprint",
                location=f"{where} ({name})",
                fields={
                    "name": name,
                    "starts_on": iso_day(row.get("estimated_start"), f"{where}.estimated_start"),
                    "ends_on": iso_day(row.get("estimated_finish"), f"{where}.estimated_finish"),
                    "capacity": planned.get(str(row.get("name")), 0),
                },
                team=team_key,
                notes=notes,
            )
        )

    epic_closed = statuses(data, "epic_statuses")
    story_epic: dict[int, str] = {}
    for index, row in enumerate(data["epics"]):
        where = f"epics[{index}] (ref {row.get('ref')})"
        notes = []
        key = f"{prefix}/epic/{row.get('ref')}"
        status = str(row.get("status") or "")
        for link in row.get("related_user_stories") or []:
            story_epic.setdefault(int(link["user_story"]), key)
        items.append(
            Item(
                key=key,
                kind="epic",
                location=where,
                fields={
                    "title": text(row.get("subject"), 200, "subject", notes),
                    "description": text(row.get("description"), 100_000, "description", notes),
                },
                state=state_of(status, epic_closed.get(status, False), EPIC_STATES, where, notes),
                state_label=status,
                team=team_key,
                owner_email=str(row.get("assigned_to") or ""),
                notes=notes,
            )
        )

    holding = f"{prefix}/epic/without-epic"
    story_closed = statuses(data, "us_statuses")
    stories: list[Item] = []
    for index, row in enumerate(data["user_stories"]):
        where = f"user_stories[{index}] (ref {row.get('ref')})"
        notes = []
        status = str(row.get("status") or "")
        stories.append(
            Item(
                key=f"{prefix}/us/{row.get('ref')}",
                kind="story",
                location=where,
                fields={
                    "title": text(row.get("subject"), 200, "subject", notes),
                    "description": text(row.get("description"), 100_000, "description", notes),
                    "estimate": points_of(row, values, notes),
                },
                state=state_of(status, story_closed.get(status, False), STORY_STATES, where, notes),
                state_label=status,
                team=team_key,
                epic=story_epic.get(int(row.get("ref") or 0), holding),
                sprint=sprint_keys.get(str(row.get("milestone"))) if row.get("milestone") else None,
                notes=notes,
            )
        )
    issue_closed = statuses(data, "issue_statuses")
    for index, row in enumerate(data.get("issues") or []):
        where = f"issues[{index}] (ref {row.get('ref')})"
        notes = [f"A Taiga issue ({row.get('type') or 'issue'}), imported as a story."]
        status = str(row.get("status") or "")
        stories.append(
            Item(
                key=f"{prefix}/issue/{row.get('ref')}",
                kind="story",
                location=where,
                fields={
                    "title": text(row.get("subject"), 200, "subject", notes),
                    "description": text(row.get("description"), 100_000, "description", notes),
                    "estimate": None,
                },
                state=state_of(status, issue_closed.get(status, False), STORY_STATES, where, notes),
                state_label=status,
                team=team_key,
                epic=holding,
                sprint=sprint_keys.get(str(row.get("milestone"))) if row.get("milestone") else None,
                notes=notes,
            )
        )
    if any(story.epic == holding for story in stories):
        items.append(
            Item(
                key=holding,
                kind="epic",
                location="user stories and issues without an epic",
                fields={
                    "title": text(f"{data['name']}: work without an epic", 200, "title", []),
                    "description": "Stories and issues that had no epic in Taiga.",
                },
                state="funnel",
                state_label="",
                team=team_key,
            )
        )
    items.extend(stories)

    skipped: list[str] = []
    tasks = len(data.get("tasks") or [])
    if tasks:
        skipped.append(f"{tasks} task(s): Northline plans at the level of stories, not tasks.")
    comments = sum(
        1
        for name in ("epics", "user_stories", "issues", "tasks")
        for row in data.get(name) or []
        for entry in row.get("history") or []
        if isinstance(entry, dict) and entry.get("comment")
    )
    if comments:
        skipped.append(f"{comments} comment(s): Northline keeps no comments on epics or stories.")
    return Mapped(items=items, skipped=skipped)


def items_of(content: bytes) -> Mapped:
    """Read and map a Taiga export (read → map)."""
    data = read(content)
    try:
        return map_export(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise Invalid(
            "The Taiga export is damaged: a row lacks a field Taiga always writes, or has one of "
            f"the wrong kind ({type(error).__name__}: {error}).",
            fields={"file": "Damaged export."},
        ) from error
