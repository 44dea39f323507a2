"""Applying an import (issue 17): every row through the apps' audited services, in one
transaction, all or nothing.

* A row whose external key the organization knows updates that record (the source wins for the
  fields it carries); any other row creates one and records its key. Re-running the same file
  changes nothing; a newer export of the same source updates what changed.
* A column is reached through the board's rules, one step at a time, never around them: an epic
  Taiga has in progress but whose business case is not whole stays where the rules allow, and
  the log says why (``adjusted``).
* A row a service refuses is ``refused``, with its location and the service's message; then
  nothing of the import is kept. A dry run applies the same way and rolls back, so its preview
  is exactly what applying would do.
* Every record written gets an ``imported`` event naming the import and the file's SHA-256;
  the import itself is a record (:class:`ImportRun`) with its counts and its row-by-row log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.tasks import task
from django.utils import timezone

from northline.delivery import services as delivery
from northline.delivery.models import Feature, Release
from northline.goals import services as goals
from northline.goals.models import KeyResult, Objective, ObjectiveStatus, Period
from northline.imports import jira, okrs, taiga
from northline.imports.models import ExternalKey, ImportMapping, ImportRun, ImportStatus
from northline.imports.pipeline import KINDS, Item, Mapped, Outcome, duplicate_keys
from northline.imports.progress import progress_file
from northline.lib.errors import Conflict, DomainError, Invalid, StaleVersion
from northline.measures.models import Reading
from northline.measures.rules import day_start
from northline.measures.services import INDICATOR_FIELDS
from northline.orgs import services as org_services
from northline.orgs.access import Access, access_organization
from northline.orgs.audit import (
    check_version,
    new_event,
    record_events,
)
from northline.orgs.models import Event, Person, Team, TeamKind
from northline.orgs.services import add_record, change_record
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic, EpicState, Sprint, Story

MODELS: dict[str, type[models.Model]] = {
    "team": Team,
    "sprint": Sprint,
    "release": Release,
    "epic": Epic,
    "feature": Feature,
    "story": Story,
    "period": Period,
    "objective": Objective,
    "key_result": KeyResult,
    "checkin": Reading,
}
# The board's columns in the order an epic walks them.
EPIC_FLOW: list[str] = [EpicState.FUNNEL, EpicState.TODO, EpicState.DOING, EpicState.DONE]


class Refused(Exception):
    """Raised inside the savepoint to roll the import back when a row was refused."""


class Applier:
    """Applies one import's items in order, remembering what each key became."""

    def __init__(self, access: Access, run: ImportRun) -> None:
        self.access = access
        self.run = run
        self.records: dict[str, Any] = {}
        organization = access.organization
        self.known = {row.key: row for row in ExternalKey.objects.filter(organization=organization)}
        # What the known keys name, read once per kind (when the kind is first asked for)
        # rather than once per row.
        self.found: dict[str, dict[int, Any]] = {}
        # People by e-mail and by name: sources name them either way; nobody is invented.
        self.people: dict[str, Person] = {}
        for person in Person.objects.filter(organization=organization).order_by("id"):
            for name in (person.email, person.name):
                if name:
                    self.people.setdefault(name.strip().casefold(), person)
        self.unmatched: set[str] = set()
        self.new_keys: list[ExternalKey] = []
        self.events: list[Event] = []

    def flush(self) -> None:
        """Write the new external keys and the ``imported`` events: a few INSERTs at the end
        of an applied import rather than one per row (a preview never writes them)."""
        ExternalKey.objects.bulk_create(self.new_keys, batch_size=500)
        record_events(self.events)
        self.new_keys, self.events = [], []

    def existing(self, item: Item) -> Any | None:
        return self.record_of(item.kind, item.key)

    def record_of(self, kind: str, key: str) -> Any | None:
        """The record an earlier import gave ``key`` (of ``kind``), if it is still there."""
        link = self.known.get(key)
        label = MODELS[kind]._meta.label_lower
        if link is None or link.object_type != label:
            return None
        if kind not in self.found:
            ids = [known.object_id for known in self.known.values() if known.object_type == label]
            self.found[kind] = (
                MODELS[kind]
                ._default_manager.filter(organization=self.access.organization, pk__in=ids)
                .in_bulk()
            )
        return self.found[kind].get(link.object_id)

    def knows(self, kind: str, key: str) -> bool:
        return self.record_of(kind, key) is not None

    def keyed(self, kind: str, key: str) -> Any | None:
        """The record a key names: made by this import, or remembered from an earlier one."""
        return self.records.get(key) or self.record_of(kind, key)

    def epic_of(self, key: str) -> Epic:
        """A story's epic: one the file holds, or one an earlier import created."""
        epic = self.keyed("epic", key)
        if epic is None:
            raise KeyError(key)
        return epic

    def person_named(self, written: str) -> Person | None:
        return self.people.get(written.strip().casefold())

    def remember(self, item: Item, record: models.Model, outcome: Outcome) -> None:
        self.records[item.key] = record
        outcome.record_id = record.pk
        link = self.known.get(item.key)
        label = record._meta.label_lower
        if link is None:
            # Written together once every row has applied (flush): one INSERT per batch.
            self.new_keys.append(
                ExternalKey(
                    organization=self.access.organization,
                    key=item.key,
                    object_type=label,
                    object_id=record.pk,
                    last_import=self.run,
                )
            )
            self.known[item.key] = self.new_keys[-1]
        elif (link.object_type, link.object_id) != (label, record.pk):
            # The record the key named was deleted since: the key names the new one.
            ExternalKey.objects.filter(pk=link.pk).update(
                object_type=label, object_id=record.pk, last_import=self.run
            )
        elif outcome.action != "unchanged":
            ExternalKey.objects.filter(pk=link.pk).update(last_import=self.run)
        if outcome.action in ("created", "updated"):
            # Written together with the new keys once every row has applied (flush).
            self.events.append(
                new_event(
                    actor=self.access.user,
                    organization=self.access.organization,
                    verb="imported",
                    obj=record,
                    changes={
                        "import": self.run.pk,
                        "source": self.run.source,
                        "file": self.run.filename,
                        "sha256": self.run.sha256,
                        "key": item.key,
                        "action": outcome.action,
                    },
                )
            )

    # One method per kind -------------------------------------------------------------------

    def team(self, item: Item, outcome: Outcome) -> Team:
        team = self.existing(item)
        if team is None:
            name = item.fields["name"]
            team = Team.objects.filter(
                organization=self.access.organization, name__iexact=name
            ).first()
            if team is not None:
                outcome.messages.append(f"Uses the organization's team “{team.name}”.")
                return team
            outcome.action = "created"
            return org_services.create_team(self.access, name=name, kind=TeamKind.PRODUCT)
        return self.update(item, team, outcome, org_services.update_team)

    def sprint(self, item: Item, outcome: Outcome) -> Sprint:
        fields = {**item.fields, "team": self.records[item.team or ""]}
        sprint = self.existing(item)
        if sprint is None:
            outcome.action = "created"
            return portfolio.create_sprint(self.access, **fields)
        return self.update(item, sprint, outcome, portfolio.update_sprint, fields)

    def release(self, item: Item, outcome: Outcome) -> Release:
        release = self.existing(item)
        if release is None:
            outcome.action = "created"
            return delivery.create_release(self.access, **item.fields)
        return self.update(item, release, outcome, delivery.update_release)

    def feature(self, item: Item, outcome: Outcome) -> Feature:
        fields = {
            **item.fields,
            "owner_team": self.records.get(item.team or ""),
            "epic": self.records[item.epic or ""],
            "release": self.records[item.release or ""],
        }
        feature = self.existing(item)
        if feature is None:
            outcome.action = "created"
            return delivery.create_feature(self.access, **fields)
        return self.update(item, feature, outcome, delivery.update_feature, fields)

    def epic(self, item: Item, outcome: Outcome) -> Epic:
        fields = {**item.fields, "team": self.records.get(item.team or "")}
        if item.owner_email:
            owner = self.person_named(item.owner_email)
            if owner is None:
                self.unmatched.add(item.owner_email)
                outcome.messages.append(
                    f"Its owner {item.owner_email} is not among the organization's people; "
                    "left without an owner."
                )
            else:
                fields["owner"] = owner
        epic = self.existing(item)
        if epic is None:
            outcome.action = "created"
            epic = portfolio.create_epic(self.access, **fields)
        else:
            epic = self.update(item, epic, outcome, portfolio.update_epic, fields)
        return self.walk(item, epic, outcome)

    def story(self, item: Item, outcome: Outcome) -> Story:
        fields = {
            **item.fields,
            "team": self.records.get(item.team or ""),
            "sprint": self.records.get(item.sprint or "") if item.sprint else None,
        }
        story = self.existing(item)
        if story is None:
            outcome.action = "created"
            story = portfolio.create_story(self.access, self.epic_of(item.epic or ""), **fields)
        else:
            if item.epic and self.epic_of(item.epic).pk != story.epic_id:
                outcome.messages.append(
                    "Its epic differs in the file; a story stays under the epic it has."
                )
            story = self.update(item, story, outcome, portfolio.update_story, fields)
        if item.state and story.state != item.state:
            story = portfolio.move_story(self.access, story, state=item.state)
            if outcome.action == "unchanged":
                outcome.action = "updated"
        return story

    # OKR spreadsheets (northline.imports.okrs): periods, objectives, key results, check-ins.
    # A record the organization has under the row's key is updated; else one with the same
    # title in the same place is used (so a Northline export imports back without doubling);
    # else one is created.

    def claimed(self, model: type[models.Model]) -> list[int]:
        """Records of ``model`` another row of this import already stands for."""
        return [record.pk for record in self.records.values() if isinstance(record, model)]

    def person(self, written: str | None, outcome: Outcome, fields: dict[str, Any]) -> None:
        """Set ``fields["owner"]`` from an owner cell (e-mail or name); an owner the
        organization does not have is named in the log and left as it is, never invented."""
        if written is None:
            return  # the file has no owner column: leave the owner alone
        first = re.split(r"[;,]", written)[0].strip() if written else ""
        if not first:
            fields["owner"] = None
            return
        owner = self.person_named(first)
        if owner is None:
            outcome.messages.append(
                f"Its owner “{first}” is not among the organization's people; the owner is "
                "left as it is."
            )
        else:
            fields["owner"] = owner

    def period(self, item: Item, outcome: Outcome) -> Period:
        fields = item.fields
        period = (
            self.keyed("period", item.key)
            or Period.objects.filter(
                organization=self.access.organization, name__iexact=fields["name"]
            ).first()
        )
        dates = {name: fields[name] for name in ("starts_on", "ends_on") if fields[name]}
        if period is None:
            if len(dates) < 2:
                raise Invalid(
                    f"The organization has no period “{fields['name']}”. Create it under "
                    "Goals → Periods, or give the file “Period start” and “Period end” "
                    "columns so that the import creates it.",
                    fields={"period": "Unknown period."},
                )
            outcome.action = "created"
            return goals.create_period(self.access, name=fields["name"], **dates)
        return self.update(item, period, outcome, goals.update_period, dates)

    def objective(self, item: Item, outcome: Outcome) -> Objective:
        fields = item.fields
        period = self.records[fields["period"]]
        wanted: dict[str, Any] = {"title": fields["title"], "period": period}
        if "team" in fields:
            wanted["team"] = self.records[fields["team"]] if fields["team"] else None
        if fields.get("parent") is not None:
            wanted["parent"] = (
                self.parent_of(fields["parent"], period) if fields["parent"] else None
            )
        self.person(fields.get("owner"), outcome, wanted)
        objective = self.keyed("objective", item.key) or (
            Objective.objects.filter(
                organization=self.access.organization, period=period, title__iexact=fields["title"]
            )
            .exclude(pk__in=self.claimed(Objective))
            .order_by("id")
            .first()
        )
        if objective is None:
            outcome.action = "created"
            return goals.create_objective(self.access, status=ObjectiveStatus.ACTIVE, **wanted)
        return self.update(item, objective, outcome, goals.update_objective, wanted)

    def parent_of(self, parent: str, period: Period) -> Objective:
        if not parent.startswith("title:"):
            return self.records[parent]
        title = parent.removeprefix("title:")
        found = Objective.objects.filter(
            organization=self.access.organization, period=period, title__iexact=title
        ).first()
        if found is None:
            raise Invalid(
                f"Its parent objective “{title}” is neither in the file nor in {period.name}.",
                fields={"parent": "Unknown objective."},
            )
        return found

    def key_result(self, item: Item, outcome: Outcome) -> KeyResult:
        fields = item.fields
        objective = self.records[fields["objective"]]
        wanted: dict[str, Any] = {
            name: fields[name] for name in ("title", "baseline", "target", "direction", "weight")
        }
        if fields["unit"] is not None:
            wanted["unit"] = fields["unit"]
        self.person(fields["owner"], outcome, wanted)
        result = self.keyed("key_result", item.key) or (
            KeyResult.objects.filter(objective=objective, title__iexact=fields["title"])
            .exclude(pk__in=self.claimed(KeyResult))
            .order_by("id")
            .first()
        )
        if result is None:
            outcome.action = "created"
            return goals.create_key_result(self.access, objective, **wanted)
        if result.objective_id != objective.pk:
            outcome.messages.append(
                "Its objective differs in the file; a key result stays under the objective it has."
            )
        indicator = result.indicator
        changes = {
            name: value
            for name, value in wanted.items()
            if comparable(getattr(indicator if name in INDICATOR_FIELDS else result, name))
            != comparable(value)
        }
        if not changes:
            return result
        outcome.action = "updated"
        outcome.messages.append("Changed: " + ", ".join(sorted(changes)) + ".")
        return goals.update_key_result(self.access, result, version=result.version, **changes)

    def checkin(self, item: Item, outcome: Outcome) -> Reading:
        fields = item.fields
        result = self.keyed("key_result", fields["key_result"])
        if result is None:
            raise KeyError(fields["key_result"])
        readings = Reading.objects.filter(indicator_id=result.indicator_id).order_by(
            "-recorded_at", "-id"
        )
        said = {"value": fields["value"], "note": fields["note"]}
        if fields["confidence"] is not None:
            said["confidence"] = fields["confidence"]
        when = fields["at"]
        if when is None:  # a key result row's current value: a check-in unless it stands there
            latest = readings.first()
            if latest is not None and latest.value == fields["value"]:
                return latest
            outcome.action = "created"
            return goals.record_check_in(self.access, result, value=fields["value"])
        if isinstance(when, dt.datetime):
            moment, span = when, dt.timedelta(seconds=1)
        else:
            # A day's check-in is recorded at noon UTC (or now, for today before noon).
            moment = min(day_start(when) + dt.timedelta(hours=12), timezone.now())
            when, span = day_start(when), dt.timedelta(days=1)
        reading = self.keyed("checkin", item.key) or (
            readings.filter(recorded_at__gte=when, recorded_at__lt=when + span)
            .exclude(pk__in=self.claimed(Reading))
            .first()
        )
        if reading is None:
            outcome.action = "created"
            return goals.record_check_in(self.access, result, recorded_at=moment, **said)
        if all(getattr(reading, name) == value for name, value in said.items()):
            return reading
        # Readings are append-only: the file's value is recorded beside the earlier one, at
        # its moment, and counts from then on (the later id wins at equal times).
        outcome.action = "updated"
        outcome.messages.append(
            f"The file says {fields['value']:g} where Northline has {reading.value:g}; check-ins "
            "are never edited, so a correcting check-in was recorded at the same moment."
        )
        return goals.record_check_in(self.access, result, recorded_at=reading.recorded_at, **said)

    # Shared steps --------------------------------------------------------------------------

    def update(
        self,
        item: Item,
        record: Any,
        outcome: Outcome,
        service: Callable[..., Any],
        fields: dict[str, Any] | None = None,
    ) -> Any:
        """Change what differs from the file, through the record's own service."""
        wanted = item.fields if fields is None else fields
        changes = {
            name: value
            for name, value in wanted.items()
            if current(record, name) != comparable(value)
        }
        if not changes:
            return record
        outcome.action = "updated"
        outcome.messages.append("Changed: " + ", ".join(sorted(changes)) + ".")
        return service(self.access, record, version=record.version, **changes)

    def walk(self, item: Item, epic: Epic, outcome: Outcome) -> Epic:
        """Move the epic toward the column the source has it in, one rule-checked step at a
        time; where the rules refuse, it stays, and the log says why."""
        if item.state is None or epic.state == item.state or epic.state not in EPIC_FLOW:
            return epic
        here, there = EPIC_FLOW.index(epic.state), EPIC_FLOW.index(item.state)
        step = 1 if there > here else -1
        for index in range(here + step, there + step, step):
            try:
                with transaction.atomic():
                    epic = portfolio.move_epic(self.access, epic, state=EPIC_FLOW[index])
            except Conflict as refusal:
                label = EpicState(epic.state).label
                reasons = " ".join(refusal.fields.values()) or refusal.message
                outcome.messages.append(
                    f"{self.run.get_source_display().split()[0]} has it in "
                    f"“{item.state_label or EpicState(item.state).label}”; it stays in {label}: "
                    f"{reasons}"
                )
                outcome.adjusted = True
                break
            if outcome.action == "unchanged":
                outcome.action = "updated"
        return epic


def current(record: models.Model, name: str) -> Any:
    """A record's field as the file would state it, without fetching what a key points to."""
    field = record._meta.get_field(name)
    return getattr(record, field.attname if isinstance(field, models.ForeignKey) else name)


def comparable(value: Any) -> Any:
    """A field's value as the file states it: a record compares by its id."""
    return value.pk if isinstance(value, models.Model) else value


@transaction.atomic
def run_import(
    access: Access,
    *,
    source: str,
    filename: str,
    content: bytes,
    mapped: Mapped,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    mapping: dict[str, Any] | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Apply ``mapped`` (read from ``content`` with ``mapping``) for the organization, or
    preview it; ``run`` is the queued import the worker is running, if it is one. ``progress``
    hears (row index, rows) every 100 rows and at the last.

    Only owners and admins import. The import's record is kept in every case (a preview, an
    applied import, or one refused as a whole); the rows are kept only when applied whole."""
    access.require("manage")
    if run is None:
        run = new_run(
            access,
            source=source,
            filename=filename,
            file=content,
            status=ImportStatus.PREVIEWED,
            mapping=mapping or {},
            found=mapped.found,
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(mapping=mapping or {}, found=mapped.found)
    refused = False
    try:
        # The feedback loop recomputes once for the whole import (below), not per card.
        with transaction.atomic(), portfolio.feedback_paused():
            applier = Applier(access, run)
            items = sorted(with_fallbacks(mapped, applier), key=lambda item: KINDS.index(item.kind))
            outcomes = [
                Outcome(
                    key=item.key,
                    kind=item.kind,
                    location=item.location,
                    title=str(item.fields.get("title") or item.fields.get("name") or ""),
                    messages=list(item.notes),
                )
                for item in items
            ]
            duplicates = duplicate_keys(items)
            for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
                if progress is not None and (index % 100 == 0 or index == len(items) - 1):
                    progress(index, len(items))
                if item.refusal or item.key in duplicates:
                    outcome.action = "refused"
                    outcome.messages.append(
                        item.refusal
                        or f"The key {item.key} appears {len(duplicates[item.key])} times in "
                        f"the file ({'; '.join(duplicates[item.key])})."
                    )
                    refused = True
                    continue
                try:
                    with transaction.atomic():
                        record = getattr(applier, item.kind)(item, outcome)
                        applier.remember(item, record, outcome)
                except (DomainError, KeyError) as error:
                    outcome.action = "refused"
                    outcome.messages.append(refusal_message(error))
                    refused = True
            if refused or dry_run:
                raise Refused
            applier.flush()
        portfolio.schedule_feedback(access.organization)
    except Refused:
        # Rolled back: what the rows created does not exist, so the log names no id for it.
        for outcome in outcomes:
            if outcome.action == "created":
                outcome.record_id = None
    skipped = list(mapped.skipped)
    if applier.unmatched:
        skipped.append(
            f"{len(applier.unmatched)} person(s) the file names are not among the organization's "
            f"people, so nothing is assigned to them: {', '.join(sorted(applier.unmatched))}. "
            "Add them under People and import again."
        )
    counts = Counter(outcome.action for outcome in outcomes)
    summary = {name: counts.get(name, 0) for name in ("created", "updated", "unchanged", "refused")}
    summary["adjusted"] = sum(outcome.adjusted for outcome in outcomes)
    summary["skipped"] = len(skipped)
    status = (
        ImportStatus.REFUSED
        if refused
        else ImportStatus.PREVIEWED
        if dry_run
        else ImportStatus.APPLIED
    )
    log = [outcome.as_log() for outcome in outcomes]
    log += [{"kind": "skipped", "action": "skipped", "messages": [line]} for line in skipped]
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, counts=summary, log=log, queued_action=""
    )
    run.refresh_from_db()
    return run


def new_run(access: Access, *, source: str, filename: str, file: bytes, **fields: Any) -> ImportRun:
    """The record of one import of ``file`` (its status and the rest in ``fields``)."""
    return add_record(
        access,
        ImportRun(
            organization=access.organization,
            source=source,
            filename=filename[:255],
            sha256=hashlib.sha256(file).hexdigest(),
            size=len(file),
            started_by=access.user,
            **fields,
        ),
    )


def with_fallbacks(mapped: Mapped, applier: Applier) -> list[Item]:
    """The items, with each story whose epic is neither in the file nor known from an earlier
    import sent to its holding epic (added once, only when a story needs it)."""
    keys = {item.key for item in mapped.items}
    items = list(mapped.items)
    for item in mapped.items:
        if item.kind != "story" or item.fallback_epic is None:
            continue
        if item.epic is not None and (item.epic in keys or applier.knows("epic", item.epic)):
            continue
        if item.epic is not None:
            item.notes.append(
                f"Its epic {item.epic.split(':', 1)[-1]} is neither in the file nor imported "
                "before; it goes under the holding epic."
            )
        item.epic = item.fallback_epic
        if item.fallback_epic not in keys:
            keys.add(item.fallback_epic)
            items.append(mapped.holding[item.fallback_epic])
    return items


def taiga_items(content: bytes, mapping: dict[str, Any]) -> Mapped:
    return taiga.items_of(content)


def okr_items(content: bytes, mapping: dict[str, Any]) -> Mapped:
    return okrs.items_of(content)


# Each source: read and map a file with a mapping (a source without choices ignores it).
SOURCES: dict[str, Callable[[bytes, dict[str, Any]], Mapped]] = {
    "taiga": taiga_items,
    "jira": jira.items_of,
    "okrs": okr_items,
}
# The sources whose mapping people choose (shown and editable on a preview, saved per
# organization), with the function that checks one.
MAPPINGS: dict[str, Callable[[Any], dict[str, Any]]] = {"jira": jira.mapping_of}


def mapping_for(access: Access, source: str, mapping: Any = None) -> dict[str, Any]:
    """The mapping an import of ``source`` uses: the one given, checked, else the one the
    organization saved, else the source's defaults ({} for a source without choices)."""
    check = MAPPINGS.get(source)
    if check is None:
        return {}
    if mapping is None:
        saved = ImportMapping.objects.filter(organization=access.organization, source=source)
        mapping = saved.values_list("mapping", flat=True).first()
    return check(mapping)


@transaction.atomic
def save_mapping(
    access: Access, *, source: str, mapping: Any, version: int | None = None
) -> ImportMapping:
    """Keep ``mapping`` as the organization's for the next import of ``source``. ``version`` is
    the saved mapping's the caller read (0: none saved yet); None replaces whatever is saved."""
    access.require("manage")
    if source not in MAPPINGS:
        raise Invalid(
            f"A {source} import has no mapping to save.", fields={"source": "No mapping."}
        )
    checked = MAPPINGS[source](mapping)
    saved = (
        ImportMapping.objects.select_for_update()
        .filter(organization=access.organization, source=source)
        .first()
    )
    if saved is None:
        if version:
            raise StaleVersion(
                "The saved mapping was deleted since you read it (you had version "
                f"{version}). Reload and try again.",
                fields={"version": "Expected 0."},
            )
        return add_record(
            access, ImportMapping(organization=access.organization, source=source, mapping=checked)
        )
    check_version(saved, version)
    return change_record(access, saved, version=saved.version, changes={"mapping": checked})


def saved_mapping(access: Access, source: str) -> tuple[dict[str, Any], int]:
    """The mapping the next import of ``source`` starts from, and the saved one's version (0
    when the organization saved none)."""
    saved = ImportMapping.objects.filter(organization=access.organization, source=source).first()
    if saved is None:
        return mapping_for(access, source), 0
    return MAPPINGS[source](saved.mapping), saved.version


def import_file(
    access: Access,
    *,
    source: str,
    filename: str,
    content: bytes,
    mapping: Any = None,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Read, map and apply (or preview) a file: what the command line runs."""
    chosen, mapped = read_file(access, source, content, mapping)
    return run_import(
        access,
        source=source,
        filename=filename,
        content=content,
        mapped=mapped,
        dry_run=dry_run,
        progress=progress,
        mapping=chosen,
    )


def read_file(
    access: Access, source: str, content: bytes, mapping: Any = None
) -> tuple[dict[str, Any], Mapped]:
    """The mapping a file of ``source`` is read with (:func:`mapping_for`), and the file read
    and mapped with it; a file or a mapping that does not hold is refused (Invalid)."""
    if source not in SOURCES:
        raise Invalid(f"There is no importer for {source!r}.", fields={"source": "Unknown."})
    chosen = mapping_for(access, source, mapping)
    return chosen, SOURCES[source](content, chosen)


@transaction.atomic
def preview_upload(
    access: Access,
    *,
    source: str,
    filename: str,
    content: bytes,
    mapping: Any = None,
    save: bool = False,
) -> ImportRun:
    """A dry run of an uploaded file, keeping the file so that :func:`apply_preview` can apply
    it without a second upload. A file that cannot be read, or a mapping that does not hold,
    is refused (Invalid, naming the field) and leaves nothing behind; ``save`` keeps the
    mapping as the organization's for the next import."""
    access.require("manage")
    if len(content) >= WORKER_BYTES:
        # A big file: read and map it now, so that a file that is not what it claims or a
        # mapping that does not hold is refused at once; the worker runs the preview.
        chosen, _ = read_file(access, source, content, mapping)
        if save:
            save_mapping(access, source=source, mapping=chosen)
        return queue_import(
            access,
            source=source,
            filename=filename,
            content=content,
            mapping=chosen,
            action="preview",
        )
    run = import_file(
        access, source=source, filename=filename, content=content, mapping=mapping, dry_run=True
    )
    if save:
        save_mapping(access, source=source, mapping=run.mapping)
    if run.status == ImportStatus.PREVIEWED:
        ImportRun.objects.filter(pk=run.pk).update(content=content)
        run.content = content
    return run


# Files from this size on are previewed and applied by the worker, with progress on the
# import's page, rather than inside a web request (docs/imports.md).
WORKER_BYTES = 512 * 1024


def queue_import(
    access: Access,
    *,
    source: str,
    filename: str,
    content: bytes,
    mapping: dict[str, Any],
    action: str,
) -> ImportRun:
    """An import the worker runs (``action``: preview or apply): its record, waiting, with the
    file it will read."""
    run = new_run(
        access,
        source=source,
        filename=filename,
        file=content,
        status=ImportStatus.QUEUED,
        queued_action=action,
        mapping=mapping,
        content=content,
    )
    run_queued_import.enqueue(run.pk)
    run.refresh_from_db()
    return run


@transaction.atomic
def remap_preview(access: Access, preview: ImportRun, *, mapping: Any, save: bool) -> ImportRun:
    """A new preview of the file a preview kept, under another mapping (the old preview lets
    go of its file)."""
    access.require("manage")
    locked = ImportRun.objects.select_for_update().get(
        pk=preview.pk, organization=access.organization
    )
    if not locked.can_apply or locked.source not in MAPPINGS:
        raise Conflict(
            "Only a preview whose file is kept, from a source with a mapping, can be mapped "
            "again; upload the file again.",
            code="import_not_applicable",
        )
    run = preview_upload(
        access,
        source=locked.source,
        filename=locked.filename,
        content=bytes(locked.content),
        mapping=mapping,
        save=save,
    )
    ImportRun.objects.filter(pk=locked.pk).update(content=b"")
    return run


@transaction.atomic
def apply_preview(access: Access, preview: ImportRun) -> ImportRun:
    """Apply the file a preview kept, under the preview's mapping: a new import of the same
    file (status ``applied``, or ``refused`` when the organization changed since and a row no
    longer passes). The preview lets go of its file once applied."""
    access.require("manage")
    locked = ImportRun.objects.select_for_update().get(
        pk=preview.pk, organization=access.organization
    )
    if not locked.can_apply:
        raise Conflict(
            "Only a preview whose file is kept can be applied; this one is "
            f"{locked.get_status_display().lower()}"
            + (" and was applied already." if locked.status == ImportStatus.PREVIEWED else "."),
            code="import_not_applicable",
        )
    content = bytes(locked.content)
    if len(content) >= WORKER_BYTES:
        ImportRun.objects.filter(pk=locked.pk).update(content=b"")
        return queue_import(
            access,
            source=locked.source,
            filename=locked.filename,
            content=content,
            mapping=mapping_for(access, locked.source, locked.mapping or None),
            action="apply",
        )
    mapping, mapped = read_file(access, locked.source, content, locked.mapping or None)
    run = run_import(
        access,
        source=locked.source,
        filename=locked.filename,
        content=content,
        mapped=mapped,
        dry_run=False,
        mapping=mapping,
    )
    if run.status == ImportStatus.APPLIED:
        ImportRun.objects.filter(pk=locked.pk).update(content=b"")
    return run


def refusal_message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"It refers to {error.args[0]}, which is not in the file or failed before it."
    assert isinstance(error, DomainError)
    details = "; ".join(f"{name}: {text}" for name, text in error.fields.items())
    return error.message + (f" ({details})" if details else "")


@task()
def run_queued_import(run_id: int) -> str:
    """Preview or apply a queued import as the person who queued it; whatever stops it (the
    file, a mapping, their role taken away since) refuses it with the reason in its log."""
    run = ImportRun.objects.select_related("organization", "started_by").get(pk=run_id)
    if run.status != ImportStatus.QUEUED:
        return run.status
    path = progress_file(run.pk)
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(index: int, count: int) -> None:
        path.write_text(f"{index + 1} {count}")

    dry_run = run.queued_action == "preview"
    try:
        access = access_organization(run.started_by, run.organization.slug)
        content = bytes(run.content)
        mapped = SOURCES[run.source](content, run.mapping)
        done = run_import(
            access,
            source=run.source,
            filename=run.filename,
            content=content,
            mapped=mapped,
            dry_run=dry_run,
            progress=progress,
            mapping=run.mapping,
            run=run,
        )
    except DomainError as error:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.REFUSED,
                queued_action="",
                content=b"",
                log=[
                    {
                        "kind": "file",
                        "action": "refused",
                        "key": None,
                        "location": run.filename,
                        "title": run.filename,
                        "adjusted": False,
                        "messages": [refusal_message(error)],
                        "id": None,
                    }
                ],
                counts={"refused": 1},
            )
        return ImportStatus.REFUSED
    finally:
        path.unlink(missing_ok=True)
    if not (dry_run and done.status == ImportStatus.PREVIEWED):
        # Applied or refused: the file is no longer needed; a preview keeps it to be applied.
        ImportRun.objects.filter(pk=run.pk).update(content=b"")
    return done.status
