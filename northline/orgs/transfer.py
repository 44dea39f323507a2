"""A whole organization as one JSON document, and back (DESIGN §3, export / import).

The document::

    {"format": "northline-export", "format_version": 1, "organization": "<slug>",
     "records": [{"model": "auth.user", "pk": 1, "fields": {...}}, ...],
     "seal_key_fingerprint": "<16 hex digits>", "users": ["<username>", ...]}

``records`` are Django's serializer records: the users the organization refers to (without
their superuser and staff bits), those users' API tokens (digests only), the organization, then
every record of every ``northline.*`` model with a ``organization`` foreign key (the audit events
among them), models ordered so that each comes after the models it points to, records by pk.
The envelope holds no timestamp, so export → import → export gives the same bytes.

``users`` names the user accounts the export brings (informational: the records are the truth).

Import goes into a database that holds none of it: the slug, the usernames and every primary
key must be free, or nothing is written. Usernames that exist already are refused by name,
unless the caller merges them (``merge_users``): the export's records then point at the
existing accounts of the same username, whose password, details, API tokens and e-mail
preferences stay as they are (the export's tokens and preferences of those users are skipped).
It records one ``imported`` event (through ``northline.orgs.services.record_import``, in the
same transaction) naming the source, its SHA-256 and the records per model.

Some records carry a seal, an HMAC keyed with the installation's SECRET_KEY (the lab's agreement
initials; apps register them with :func:`register_sealed_model`). The key never travels: the
export names it by :func:`key_fingerprint`. An import under the same key keeps the seals; from
another installation it needs that installation's key to verify them, and re-seals those that
hold under this one's (docs/lab.md, "Seals and moving installations"). Without that key it is
refused, unless the caller accepts the seals unverified.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q

from northline.lib.errors import Conflict, Invalid, NotFound
from northline.orgs.models import (
    ApiToken,
    Event,
    NotificationPreference,
    Organization,
    SsoIdentity,
    UserSession,
    WorkerBeat,
)
from northline.orgs.services import record_import

FORMAT = "northline-export"
FORMAT_VERSION = 1
# The envelope's name for the key the export's seals were made with (older exports lack it).
SEAL_KEY_FIELD = "seal_key_fingerprint"
# The envelope's list of the usernames the export brings (older exports lack it).
USERS_FIELD = "users"

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "password",
    "is_active",
    "date_joined",
    "last_login",
)
# Per-user records that belong to no organization but travel with their users.
USER_LEVEL_MODELS: tuple[type[models.Model], ...] = (ApiToken, NotificationPreference)
# Records of the installation itself, which no organization's export carries: a task worker's
# sign of life describes this machine's processes, not the organization; browser sessions,
# which end at a move (everyone signs in again); and a single sign-on link (SsoIdentity), which
# belongs to this installation's provider: the first sign-in after an import links the account
# again by its verified e-mail address.
INSTALLATION_MODELS: tuple[type[models.Model], ...] = (WorkerBeat, UserSession, SsoIdentity)


# Seals -----------------------------------------------------------------------------------


def key_fingerprint(key: str) -> str:
    """Names a sealing key without giving it away: the first 16 hex digits of the SHA-256 of a
    key id derived from it (an HMAC with a fixed purpose). Equal keys, equal fingerprints."""
    key_id = hmac.new(key.encode("utf-8"), b"northline.seal-key-id", hashlib.sha256).digest()
    return hashlib.sha256(key_id).hexdigest()[:16]


@dataclass
class SealReport:
    """What checking one sealed model's records found on import."""

    resealed: int = 0  # held under the source key, now sealed with this installation's
    kept: int = 0  # held, and already sealed with this installation's key
    failures: list[str] = field(default_factory=list)  # fail their seal: left as they came


# ``reseal(organization, *, source_key, source)``: verify the imported organization's records
# with ``source_key``, re-seal those that hold with this installation's key (audited, naming
# ``source``), leave the others; it runs inside the import's transaction.
Resealer = Callable[..., SealReport]
SEALED_MODELS: dict[str, Resealer] = {}


def register_sealed_model(label: str, reseal: Resealer) -> None:
    """An app's model (``"app.model"``) whose rows carry a seal keyed with SECRET_KEY."""
    SEALED_MODELS[label] = reseal


# Which models, in which order ------------------------------------------------------------


def is_tenant_model(model: type[models.Model]) -> bool:
    """A Northline model whose rows belong to one organization through ``organization``."""
    if not model.__module__.startswith("northline.") or model._meta.proxy:
        return False
    if model is ApiToken:
        # A token's organization limits what it reaches; tokens travel with their users.
        return False
    try:
        field = model._meta.get_field("organization")
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.ForeignKey) and field.related_model is Organization


def tenant_models() -> list[type[models.Model]]:
    """Every tenant model, each after the tenant models it has foreign keys to.

    A topological sort with ties broken by label, so the order is the same on every machine.
    """
    found = {model._meta.label: model for model in apps.get_models() if is_tenant_model(model)}
    needs = {
        label: {
            target._meta.label
            for field in model._meta.concrete_fields
            if field.is_relation
            and (target := field.related_model) is not None
            and not isinstance(target, str)
            and target._meta.label in found
            and target._meta.label != label
        }
        for label, model in found.items()
    }
    ordered: list[type[models.Model]] = []
    placed: set[str] = set()
    while len(placed) < len(found):
        ready = sorted(label for label in found if label not in placed and needs[label] <= placed)
        if not ready:
            # A cycle between models; constraint checks are deferred on import, so any order
            # inserts correctly, and the label order keeps it stable.
            ready = sorted(label for label in found if label not in placed)
        ordered.append(found[ready[0]])
        placed.add(ready[0])
    return ordered


def user_fields_of(model: type[models.Model]) -> list[str]:
    user_model = get_user_model()
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is user_model
    ]


# Export ----------------------------------------------------------------------------------


def export_organization(slug: str) -> dict[str, Any]:
    """The organization ``slug`` and everything that belongs to it, as plain JSON types."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise NotFound(f"No organization named {slug!r}.")
    tenant_querysets = [
        model._base_manager.filter(organization=organization).order_by("pk")
        for model in tenant_models()
    ]
    user_ids: set[int] = set()
    for queryset in tenant_querysets:
        names = user_fields_of(queryset.model)
        if names:
            for row in queryset.values_list(*names):
                user_ids.update(value for value in row if value is not None)
    users = get_user_model()._base_manager.filter(pk__in=user_ids).order_by("pk")
    # The users' tokens for this organization, and their legacy ones (which reach all of the
    # user's organizations); a token limited to another organization stays behind.
    tokens = (
        ApiToken._base_manager.filter(user_id__in=user_ids)
        .filter(Q(organization=organization) | Q(organization__isnull=True))
        .order_by("pk")
    )
    preferences = NotificationPreference._base_manager.filter(user_id__in=user_ids).order_by("pk")
    records = [
        *serializers.serialize("python", users, fields=USER_FIELDS),
        *serializers.serialize("python", preferences),
        *serializers.serialize("python", [organization]),
        # After the organization, which a token may point to.
        *serializers.serialize("python", tokens),
    ]
    for queryset in tenant_querysets:
        records.extend(serializers.serialize("python", queryset))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organization": organization.slug,
        "records": [plain(record) for record in records],
        SEAL_KEY_FIELD: key_fingerprint(settings.SECRET_KEY),
        USERS_FIELD: sorted(user.get_username() for user in users),
    }


def exported_usernames(document: dict[str, Any]) -> list[str]:
    """The usernames of the user records an export brings, sorted."""
    user_label = get_user_model()._meta.label_lower
    return sorted(
        str(record["fields"].get("username"))
        for record in document["records"]
        if str(record.get("model", "")).lower() == user_label
    )


def plain(value: Any) -> Any:
    """JSON types only. Datetimes keep their microseconds, so an import reproduces them."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def dumps_document(document: dict[str, Any]) -> str:
    """The document's one text form: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# Import ----------------------------------------------------------------------------------


@dataclass
class Imported:
    """An import's outcome: the organization, and what became of its sealed records."""

    organization: Organization
    # "none" (nothing sealed), "verified" (checked with a key; see ``seals``) or "unverified".
    seal_check: str
    seals: dict[str, SealReport]  # per sealed model label, when verified
    unverified: int = 0  # sealed records imported without a check
    merged_users: list[str] = field(default_factory=list)  # linked to existing accounts

    @property
    def resealed(self) -> int:
        return sum(report.resealed for report in self.seals.values())

    @property
    def failures(self) -> list[str]:
        return [failure for report in self.seals.values() for failure in report.failures]


def import_document(
    document: Any,
    *,
    source_key: str | None = None,
    unverified_seals: bool = False,
    source: str = "",
    sha256: str | None = None,
    merge_users: bool = False,
) -> Imported:
    """Insert an exported organization into this database, all or nothing.

    ``source_key`` is the exporting installation's SECRET_KEY, needed when the export's seals
    were made under another key than this installation's; ``unverified_seals`` imports them
    without it, as they are. ``source`` names the import in the audit trail (a file name) and
    ``sha256`` is the hex SHA-256 of that file's bytes; without it, the SHA-256 of the
    document's one text form (:func:`dumps_document`), which is the file's own for a file that
    ``northline export`` wrote. ``merge_users`` links the export's users whose usernames
    exist here to those accounts instead of refusing the import.
    """
    records = check_envelope(document)
    slug = document["organization"]
    allowed = allowed_models()
    by_model: dict[type[models.Model], list[Any]] = {}
    organization_pk = check_records(records, slug, allowed, by_model)
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(f"This database already has an organization named {slug!r}.")
    merged = existing_users(by_model)
    if merged and not merge_users:
        raise Conflict(
            f"These users of the export already exist here: {', '.join(sorted(merged))}. "
            "Rerun with --merge-users to link the export's records to those accounts by "
            "username (their passwords, details, API tokens and e-mail preferences here stay "
            "as they are), or import into a database without them; nothing was imported."
        )
    if merged:
        records = merge_into_existing_users(records, merged)
        by_model = {}
        check_records(records, slug, allowed, by_model)
    if merge_users:
        # Organizations exported from one database share its event ids, and the first import's
        # own ``imported`` event takes the next one: audit events whose ids are taken here get
        # new ones (nothing refers to an event by id; the trail is ordered by time).
        events = by_model.get(Event, [])
        taken = set(
            Event._base_manager.filter(pk__in=[row["pk"] for row in events]).values_list(
                "pk", flat=True
            )
        )
        for row in events:
            if row["pk"] in taken:
                row["pk"] = None
        by_model[Event] = [row for row in events if row["pk"] is not None]
    sealed = {
        model._meta.label_lower: len(rows)
        for model, rows in by_model.items()
        if model._meta.label_lower in SEALED_MODELS
    }
    verify_with = seal_key_for(document, sealed, source_key, unverified_seals)
    refuse_existing(records, by_model)
    with transaction.atomic(), connection.constraint_checks_disabled():
        try:
            objects = list(serializers.deserialize("python", records))
        except DeserializationError as error:
            raise Invalid(f"The export cannot be read: {first_line(error)}") from error
        for obj in objects:
            obj.save()
        try:
            connection.check_constraints(table_names=[model._meta.db_table for model in by_model])
        except DatabaseError as error:
            raise Invalid(f"The export is inconsistent: {first_line(error)}") from error
        reset_sequences(by_model)
        organization = Organization.objects.get(pk=organization_pk)
        record_import(
            organization,
            source=source or f"export of {slug}",
            sha256=sha256 or hashlib.sha256(dumps_document(document).encode()).hexdigest(),
            counts=count_records(document),
        )
        if verify_with is None:
            return Imported(
                organization,
                seal_check="unverified" if sealed else "none",
                seals={},
                unverified=sum(sealed.values()),
                merged_users=sorted(merged),
            )
        reports = {
            label: SEALED_MODELS[label](
                organization,
                source_key=verify_with,
                source=source or f"export of {slug}",
            )
            for label in sorted(sealed)
        }
        return Imported(
            organization, seal_check="verified", seals=reports, merged_users=sorted(merged)
        )


def existing_users(by_model: dict[type[models.Model], list[Any]]) -> dict[str, tuple[Any, Any]]:
    """The export's users whose usernames exist here: username -> (exported pk, local pk)."""
    user_model = get_user_model()
    exported = {row["fields"].get("username"): row["pk"] for row in by_model.get(user_model, [])}
    local = user_model._base_manager.filter(username__in=list(exported)).values_list(
        "username", "pk"
    )
    return {username: (exported[username], pk) for username, pk in local}


def merge_into_existing_users(
    records: list[dict[str, Any]], merged: dict[str, tuple[Any, Any]]
) -> list[dict[str, Any]]:
    """The records with the merged users' own records left out (their user record, API tokens
    and e-mail preferences: the local account keeps its own) and every reference to them
    pointed at the local account."""
    user_model = get_user_model()
    user_label = user_model._meta.label_lower
    local_pk = dict(merged.values())
    own_records = {model._meta.label_lower for model in USER_LEVEL_MODELS}
    allowed = allowed_models()
    result = []
    for record in records:
        label = str(record["model"]).lower()
        if label == user_label and record["pk"] in local_pk:
            continue
        if label in own_records and record["fields"].get("user") in local_pk:
            continue
        model = allowed[label]
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey) and field.related_model is user_model
        ]
        fields = dict(record["fields"])
        for name in names:
            if fields.get(name) in local_pk:
                fields[name] = local_pk[fields[name]]
        result.append({**record, "fields": fields})
    return result


def seal_key_for(
    document: dict[str, Any],
    sealed: dict[str, int],
    source_key: str | None,
    unverified_seals: bool,
    *,
    kind: str = "export",
    undone: str = "imported",
) -> str | None:
    """The key to verify the export's seals with, or None to take them unverified (or when
    nothing is sealed). Refuses, before anything is written, an import whose seals were made
    under another key when that key is not given, or a key that is not the one they name."""
    if not sealed:
        return None
    exported = document.get(SEAL_KEY_FIELD)
    if exported is not None and not isinstance(exported, str):
        raise Invalid(f"The export's {SEAL_KEY_FIELD} must be a string.")
    local = key_fingerprint(settings.SECRET_KEY)
    if source_key is not None:
        given = key_fingerprint(source_key)
        if exported is not None and given != exported:
            raise Invalid(
                f"The source key given (fingerprint {given}) is not the key this {kind} was "
                f"sealed with (fingerprint {exported}); nothing was {undone}."
            )
        return source_key
    if exported == local:
        return settings.SECRET_KEY
    if unverified_seals:
        return None
    what = ", ".join(
        f"{count} {allowed_models()[label]._meta.verbose_name_plural}"
        for label, count in sorted(sealed.items())
    )
    raise Invalid(
        f"The {kind}'s seals ({what}) were made by another installation (key fingerprint "
        f"{exported or 'not recorded'}; this installation's is {local}). Give that "
        "installation's secret key (--seal-key-file, or NORTHLINE_SOURCE_SECRET_KEY) to verify "
        "and re-seal them, or accept them unverified (--unverified-seals: they will read as "
        f"tampered); nothing was {undone}."
    )


def check_envelope(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid(f"Not a Northline export (expected format {FORMAT!r}).")
    if document.get("format_version") != FORMAT_VERSION:
        raise Invalid(
            f"Export format version {document.get('format_version')!r} is not supported "
            f"(this Northline reads version {FORMAT_VERSION})."
        )
    records = document.get("records")
    if not isinstance(document.get("organization"), str) or not isinstance(records, list):
        raise Invalid("The export has no organization or no records.")
    return records


def allowed_models() -> dict[str, type[models.Model]]:
    importable: list[type[models.Model]] = [
        get_user_model(),
        *USER_LEVEL_MODELS,
        Organization,
        *tenant_models(),
    ]
    return {model._meta.label_lower: model for model in importable}


def check_records(
    records: list[Any],
    slug: str,
    allowed: dict[str, type[models.Model]],
    by_model: dict[type[models.Model], list[Any]],
) -> Any:
    """Refuse records that an export never holds; fill ``by_model``; the organization's pk."""
    user_label = get_user_model()._meta.label_lower
    organizations = []
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise Invalid("Every record needs a model, a pk and fields.")
        label = str(record.get("model", "")).lower()
        model = allowed.get(label)
        if model is None:
            raise Invalid(f"Records of {label!r} cannot be imported.")
        if record.get("pk") is None:
            raise Invalid(f"A {label} record has no pk.")
        if label == user_label and set(record["fields"]) - set(USER_FIELDS):
            extra = ", ".join(sorted(set(record["fields"]) - set(USER_FIELDS)))
            raise Invalid(f"User records may not set {extra}.")
        by_model.setdefault(model, []).append(record)
        if model is Organization:
            organizations.append(record)
    if len(organizations) != 1 or organizations[0]["fields"].get("slug") != slug:
        raise Invalid(f"The export must hold exactly the organization {slug!r}.")
    organization_pk = organizations[0]["pk"]
    # Nothing may land in another organization of the target database.
    for model, rows in by_model.items():
        if is_tenant_model(model):
            for row in rows:
                if row["fields"].get("organization") != organization_pk:
                    raise Invalid(f"A {model._meta.label_lower} record belongs elsewhere.")
    return organization_pk


def refuse_existing(
    records: list[dict[str, Any]], by_model: dict[type[models.Model], list[Any]]
) -> None:
    prefixes = [row["fields"].get("prefix") for row in by_model.get(ApiToken, [])]
    if ApiToken._base_manager.filter(prefix__in=prefixes).exists():
        raise Conflict("Some of the exported API tokens already exist here.")
    for model, rows in by_model.items():
        if model._base_manager.filter(pk__in=[row["pk"] for row in rows]).exists():
            raise Conflict(
                f"Some {model._meta.verbose_name_plural} of the export already exist here "
                "(same ids); import into an empty database."
            )


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """Make the next id of each table follow the imported ones (PostgreSQL; no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def count_records(document: dict[str, Any]) -> dict[str, int]:
    """Records per model label, in the document's order."""
    return dict(Counter(record["model"] for record in document["records"]))


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
