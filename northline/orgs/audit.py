"""Writing the audit trail and applying versioned changes (DESIGN §3).

Every service in every app records its writes through :func:`record_event` and changes fields
through :func:`update_versioned`, inside the service's own transaction, so a refused or failed
call leaves neither the record nor the trail changed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.db.models import F
from django.utils import timezone

from northline.lib.context import client_address
from northline.lib.errors import Conflict, Invalid, StaleVersion
from northline.orgs.models import Event, Organization


def jsonable(value: Any) -> Any:
    """A value as the audit trail stores it: JSON types only, stable across databases."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def field_value(instance: models.Model, name: str) -> Any:
    field = instance._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return getattr(instance, field.attname)
    return getattr(instance, name)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    names = fields if fields is not None else getattr(instance, "audit_fields", ())
    return {name: jsonable(field_value(instance, name)) for name in names}


def object_type(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def record_event(
    *,
    actor: Any,
    organization: Organization | None,
    verb: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """Append one event; callers run inside their service's transaction."""
    event = new_event(actor=actor, organization=organization, verb=verb, obj=obj, changes=changes)
    event.save(force_insert=True)
    return event


def new_event(
    *,
    actor: Any,
    organization: Organization | None,
    verb: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """One event, not yet written: :func:`record_event`, or :func:`record_events` for many."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    actor_name = user.get_username() if user is not None else str(actor or "system")
    return Event(
        organization=organization,
        actor=user,
        actor_name=actor_name[:150],
        verb=verb,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=jsonable(dict(changes or {})),
        client_address=client_address.get(),
    )


def record_events(events: Iterable[Event]) -> None:
    """Append many events made by :func:`new_event`, a few INSERTs for all of them (an
    import's thousands of ``imported`` events)."""
    Event.objects.bulk_create(list(events), batch_size=500)


def record_refused_sign_in(*, who: str, changes: Mapping[str, Any]) -> Event:
    """A refused sign-in, which may name no account at all: the installation's trail
    (organization None), the name that was tried as both actor and record."""
    return Event.objects.create(
        organization=None,
        actor=None,
        actor_name=who[:150],
        verb="sign_in_refused",
        object_type="auth.user",
        object_id="",
        object_repr=who[:300],
        changes=jsonable(dict(changes)),
        client_address=client_address.get(),
    )


def validation_to_invalid(error: ValidationError, instance: models.Model | None = None) -> Invalid:
    """Django's ValidationError as the domain's Invalid, with a message per field.

    A constraint reports itself as a whole-record error; it is moved to the field the user
    typed (the last field of a unique constraint, or the model's ``constraint_fields`` entry
    for a check constraint) so forms and API clients can show it there.
    """
    if hasattr(error, "error_dict"):
        fields = {
            name: " ".join(str(message) for item in errors for message in item.messages)
            for name, errors in error.error_dict.items()
        }
    else:
        fields = {"__all__": " ".join(error.messages)}
    general = fields.pop("__all__", None)
    if general and instance is not None:
        # Models may name the field a check constraint is about in ``constraint_fields``.
        blamed = getattr(instance, "constraint_fields", {})
        for constraint in instance._meta.constraints:
            if constraint.violation_error_message != general:
                continue
            named = [f for f in getattr(constraint, "fields", ()) if f != "organization"]
            field = blamed.get(constraint.name) or (named[-1] if named else None)
            if field:
                fields[field] = general
                general = None
                break
    if general and not fields:
        return Invalid(general, fields={})
    if general is None and len(fields) == 1:
        return Invalid(next(iter(fields.values())), fields=fields)
    message = general or "Some fields are not valid: " + ", ".join(sorted(fields)) + "."
    return Invalid(message, fields=fields)


def validate(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    """Django's full_clean, but a foreign key whose record is attached to the instance is not
    looked up again: services attach the records they resolved in the caller's organization
    (``in_org``), so the existence check would be one more query per key, per record (four
    of a story's fifteen on an import). Its unique and check constraints are still checked."""
    skipped = set(exclude)
    attached = {
        field.name
        for field in instance._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.is_cached(instance)
        and getattr(instance, field.name) is not None
        and getattr(instance, field.name).pk is not None
    }
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=skipped | attached)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # As full_clean: the constraints of fields that already failed are not checked again.
    skipped |= {name for name in errors if name != NON_FIELD_ERRORS}
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=skipped)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise validation_to_invalid(ValidationError(errors), instance)


def create_audited(actor: Any, organization: Organization | None, instance: models.Model) -> Any:
    """Validate, insert and record ``created`` with a snapshot of the audited fields."""
    validate(instance)
    instance.save(force_insert=True)
    record_event(
        actor=actor,
        organization=organization,
        verb="created",
        obj=instance,
        changes=snapshot(instance),
    )
    return instance


def delete_audited(actor: Any, organization: Organization | None, instance: models.Model) -> None:
    """Delete ``instance`` and record it. A record that others still point to with a protected
    foreign key (a team with objectives or surveys, a period with objectives) is refused with
    Conflict naming what holds it; the caller's transaction then writes nothing."""
    record_event(
        actor=actor,
        organization=organization,
        verb="deleted",
        obj=instance,
        changes=snapshot(instance),
    )
    try:
        instance.delete()
    except models.ProtectedError as error:
        raise Conflict(
            f"{instance} cannot be deleted while {holders(error.protected_objects)} "
            "refer to it; move or delete those first.",
            code="in_use",
        ) from error


def holders(records: Iterable[models.Model]) -> str:
    """'3 objectives and 1 survey': what a protected delete found, counted by kind."""
    counts: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    for record in records:
        meta = record._meta
        counts[meta.label] = counts.get(meta.label, 0) + 1
        names[meta.label] = (str(meta.verbose_name), str(meta.verbose_name_plural))
    parts = [
        f"{count} {names[label][0] if count == 1 else names[label][1]}"
        for label, count in sorted(counts.items())
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def update_versioned(
    actor: Any,
    organization: Organization | None,
    instance: Any,
    *,
    version: int,
    changes: Mapping[str, Any],
    verb: str = "updated",
) -> Any:
    """Apply ``changes`` if ``version`` is still current; record the fields that changed.

    The UPDATE carries ``WHERE version = <version>``, so of two writers holding the same
    version exactly one wins on SQLite and PostgreSQL alike; the loser gets StaleVersion and
    its transaction rolls back.
    """
    if instance.version != version:
        raise stale(instance, version)
    before = {name: field_value(instance, name) for name in changes}
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        setattr(instance, field.attname if isinstance(field, models.ForeignKey) else name, value)
    altered = [name for name in changes if field_value(instance, name) != before[name]]
    if not altered:
        return instance
    validate(instance, exclude=unchanged_fields(instance, altered))
    columns = {
        instance._meta.get_field(name).attname: field_value(instance, name) for name in altered
    }
    now = timezone.now()
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        columns["updated_at"] = now
    try:
        count = (
            type(instance)
            ._base_manager.filter(pk=instance.pk, version=version)
            .update(**columns, version=F("version") + 1)
        )
    except IntegrityError as refused:
        # A check constraint spanning a changed field and one left alone (a period's start
        # moved past its end): validation skipped it with the unchanged fields, to spare a
        # query on every update, so the database is the one to refuse. The service's
        # transaction rolls back as the Invalid leaves it.
        raise broken_check(instance, altered, refused) from refused
    if count != 1:
        raise stale(instance, version)
    instance.version = version + 1
    if "updated_at" in columns:
        instance.updated_at = now
    record_event(
        actor=actor,
        organization=organization,
        verb=verb,
        obj=instance,
        changes={
            name: [jsonable(before[name]), jsonable(field_value(instance, name))]
            for name in altered
        },
    )
    return instance


def broken_check(instance: models.Model, altered: list[str], error: IntegrityError) -> Exception:
    """The Invalid for a check constraint the database refused, named as the model names it
    (its message), on the changed fields it reads; any other integrity error as it was."""
    for constraint in instance._meta.constraints:
        if isinstance(constraint, models.CheckConstraint) and constraint.name in str(error):
            reads = set(getattr(constraint.condition, "referenced_base_fields", ()))
            message = str(constraint.get_violation_error_message())
            named = [name for name in altered if name in reads] or altered
            return Invalid(message, fields=dict.fromkeys(named, message))
    return error


def unchanged_fields(instance: models.Model, altered: Iterable[str]) -> list[str]:
    """Fields an update leaves alone: they were validated when they were set, and checking
    them again costs queries (a foreign key's target, a check constraint on the database).
    Fields of a unique constraint stay in, because Django skips a constraint when any of its
    fields is excluded and the altered field must still be checked for duplicates."""
    constrained = {
        name
        for constraint in instance._meta.constraints
        for name in getattr(constraint, "fields", ())
    }
    keep = set(altered) | constrained
    return [field.name for field in instance._meta.concrete_fields if field.name not in keep]


def check_version(record: Any, version: int | None) -> None:
    """Refuse early when the caller's copy is stale (``update_versioned`` checks again in SQL);
    None means the caller sent no version."""
    if version is not None and record.version != version:
        raise stale(record, version)


def stale(instance: models.Model, version: int) -> StaleVersion:
    current = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True)
    latest = current.first()
    return StaleVersion(
        f"This {instance._meta.verbose_name} was changed by someone else "
        f"(you had version {version}, it is now {latest}). Reload and try again.",
        fields={"version": f"Expected {latest}."},
    )
